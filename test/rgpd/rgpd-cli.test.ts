/**
 * `jalons rgpd` end to end on the dev server: the real CLI (child process)
 * runs the purge and the export as workflows on a worker holding the read
 * model and the data folder; the nightly Schedule runs the same purge with the
 * workers' own retention (JALONS_RETENTION_MONTHS = 12 here: the national rules
 * start on 1 January 2025, so no path can have closed 24 months ago yet).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { addCalendarMonths, civilDateOf, parisInstant } from '../../domain/calendar.js';
import { pathWorkflowId } from '../../domain/ids.js';
import type { PathState } from '../../domain/path/path.js';
import { MailSink } from '../../dev/mail-sink.js';
import { actOnPath, startPath } from '../../services/paths.js';
import { runPurge, type PersonExport } from '../../services/rgpd.js';
import { ensureRetentionSchedule, RETENTION_SCHEDULE_ID } from '../../services/schedules.js';
import { activitiesFor } from '../../workers/worker.js';
import type { PurgeReport } from '../../workflows/retention/retention.js';
import { partnerEventSignal } from '../../workflows/path/path.js';
import { jalonsCli } from '../support/cli.js';
import { devServerEnv, testWorker } from '../support/temporal.js';
import { nonZero, pathFixture, rowsByWorkflow, writePath } from './fixtures.js';
import { letterDrafts } from '../../domain/path/letter-facts.js';

const DAY = 86_400_000;
const taskQueue = 'e2e-rgpd';
let env: TestWorkflowEnvironment;
let sink: MailSink;
let db: ReadModelDb;
let worker: Worker;
let running: Promise<void>;
let dataDir: string;
const jalons = jalonsCli(() => ({ address: env.address, taskQueue }));

/** 10:00 Paris, `months` calendar months before today. */
const monthsAgo = (months: number) =>
  parisInstant(addCalendarMonths(civilDateOf(new Date()), -months), '10:00');
const until = new Date();
const old = pathFixture('RGC-OLD', monthsAgo(16), {
  referent: 'ref-1',
  sanctioned: true,
  closedAt: monthsAgo(13),
  until,
});
const recent = pathFixture('RGC-RECENT', monthsAgo(14), {
  referent: 'ref-1',
  closedAt: monthsAgo(11),
  until,
});
const open = pathFixture('RGC-OPEN', monthsAgo(3), { referent: 'ref-2', until });
const id = (s: PathState) => pathWorkflowId(s.beneficiaryId);

function mailCopy(name: string, key: string) {
  const m = {
    id: name,
    receivedAt: new Date().toISOString(),
    subject: `Message ${key}`,
    headers: { 'x-jalons-key': key },
  };
  writeFileSync(join(dataDir, 'mail', `${name}.json`), JSON.stringify(m));
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jalons-rgpd-data-'));
  mkdirSync(join(dataDir, 'mail'));
  mailCopy('old', `${id(old)}/${old.notifications[0]!.id}`);
  mailCopy('live', 'parcours-RGC-LIVE/orientation.local#1:escalation');
  // The in-process worker's settings (the CLI's own environment does not decide the retention).
  process.env.JALONS_DATA_DIR = dataDir;
  process.env.JALONS_RETENTION_MONTHS = '12';
  process.env.JALONS_ACCOUNT_LOG_MONTHS = '6';
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  for (const s of [old, recent, open]) await writePath(db, s);
  // The accounts' journal: two lines older than its 6 months, one within them.
  for (const [months, login] of [
    [14, 'agent-ancien'],
    [8, 'agent-ancien'],
    [2, 'agent-recent'],
  ] as const)
    await db.query(
      `insert into account_events (at, login, event, channel, ip) values ($1, $2, 'login', 'web', '192.0.2.1')`,
      [monthsAgo(months).toISOString(), login],
    );
  // Two access requests: one not seen again for 7 months, one seen 5 months ago.
  for (const [months, subject] of [
    [7, 'sub-ancien'],
    [5, 'sub-recent'],
  ] as const)
    await db.query(
      `insert into access_requests (issuer, subject, email, display_name, first_seen_at, last_seen_at)
       values ('https://idp.example', $1, $2, 'Agent Fictif', $3, $3)`,
      [subject, `${subject}@collectivite.example`, monthsAgo(months).toISOString()],
    );
  const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
  worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', db), { taskQueue });
  running = worker.run();
}, 120_000);
afterAll(async () => {
  worker?.shutdown();
  await running;
  await db?.close();
  await env?.teardown();
  await sink?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const requestSubjects = async () =>
  (await db.query<{ subject: string }>('select subject from access_requests order by subject')).map(
    (r) => r.subject,
  );
const accountLogins = async () =>
  (await db.query<{ login: string }>('select login from account_events order by at')).map((r) => r.login);

async function until_(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`jamais vu : ${what}`);
}

describe('jalons rgpd purge', () => {
  it('--simulation reports exactly the path closed past the workers’ retention, and deletes nothing', async () => {
    const before = await rowsByWorkflow(db);
    const dry = await jalons('rgpd', 'purge', '--simulation', '--json');
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    const report = JSON.parse(dry.stdout) as PurgeReport;
    expect(report).toMatchObject({ dryRun: true, months: 12 });
    expect(report.paths).toEqual([{ beneficiaryId: 'RGC-OLD', workflowId: id(old), closedAt: old.exit!.at }]);
    expect(nonZero(report.counts)).toEqual({
      deadlines: old.deadlines.length + old.dropped.length,
      notifications: old.notifications.length,
      sanctions: old.sanctions.length,
      journal: old.journal.length,
      outbox: old.notifications.length,
      // The letters its acts called for (orientation, notice, decision: docs/courriers.md).
      letters: letterDrafts(old).length,
      paths: 1,
    });
    expect(report.files).toEqual({ mail: ['mail/old.json'], imports: [] });
    expect(report.accountLog).toMatchObject({ months: 6, events: 2, accessRequests: 1 });
    expect(await rowsByWorkflow(db)).toEqual(before);
    expect(await accountLogins()).toEqual(['agent-ancien', 'agent-ancien', 'agent-recent']);
    expect(await requestSubjects()).toEqual(['sub-ancien', 'sub-recent']);
    expect(statSync(join(dataDir, 'mail', 'old.json')).isFile()).toBe(true);

    const text = await jalons('rgpd', 'purge', '--simulation');
    expect(text.stdout).toContain('Purge RGPD — SIMULATION : rien n’a été supprimé.');
    expect(text.stdout).toContain('RGC-OLD  sorti le');
    expect(text.stdout).not.toContain('RGC-RECENT');
    expect(text.stdout).toMatch(
      /Journal des comptes \(connexions, adresses\) : conservé 6 mois ; 2 ligne\(s\) antérieure\(s\) au \d{2}\/\d{2}\/\d{4} seraient supprimées\./,
    );
    expect(text.stdout).toContain(
      'Demandes d’accès (nom, courriel, SIRET) sans nouvelle connexion depuis cette date : 1 seraient supprimées.',
    );
    expect(await rowsByWorkflow(db)).toEqual(before);
  }, 180_000);

  it('refuses an invalid --mois in French and changes nothing', async () => {
    const before = await rowsByWorkflow(db);
    for (const bad of ['abc', '0', '2.5']) {
      const r = await jalons('rgpd', 'purge', '--mois', bad);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^Refusé : --mois : (nombre entier de mois attendu|au moins 1 mois)/);
    }
    // The workflow checks again what reaches it otherwise than through the CLI.
    await expect(runPurge(env.client, taskQueue, { months: 0 })).rejects.toThrow(
      'La purge n’a pas abouti : Durée de conservation invalide : de 1 à 600 mois.',
    );
    expect(await rowsByWorkflow(db)).toEqual(before);
  }, 180_000);

  it('the nightly Schedule (03:00 Paris) runs the real purge: the same path goes, from every table, nothing else', async () => {
    await ensureRetentionSchedule(env.client, taskQueue);
    await ensureRetentionSchedule(env.client, taskQueue); // idempotent
    const handle = env.client.schedule.getHandle(RETENTION_SCHEDULE_ID);
    const schedule = await handle.describe();
    expect(schedule.spec.timezone).toBe('Europe/Paris');
    expect(schedule.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 3, end: 3, step: 1 }],
      minute: [{ start: 0, end: 0, step: 1 }],
    });
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'rgpdPurge', args: [{}] });

    const before = await rowsByWorkflow(db);
    await handle.trigger();
    let workflowId = '';
    await until_(async () => {
      workflowId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId ?? '';
      return workflowId !== '';
    }, 'la purge lancée par le Schedule');
    const report = (await env.client.workflow.getHandle(workflowId).result()) as PurgeReport;
    expect(report).toMatchObject({ dryRun: false, months: 12 });
    expect(report.paths.map((p) => p.beneficiaryId)).toEqual(['RGC-OLD']);
    const { [id(old)]: gone, ...kept } = before;
    expect(Object.values(gone!).reduce((a, b) => a + b)).toBeGreaterThan(0);
    expect(await rowsByWorkflow(db)).toEqual(kept);
    expect(() => statSync(join(dataDir, 'mail', 'old.json'))).toThrow();
    expect(statSync(join(dataDir, 'mail', 'live.json')).isFile()).toBe(true);
    expect(report.accountLog).toMatchObject({ months: 6, events: 2, accessRequests: 1 });
    expect(await accountLogins()).toEqual(['agent-recent']);
    expect(await requestSubjects()).toEqual(['sub-recent']);
  }, 180_000);

  it('--mois shortens the retention for one run', async () => {
    const r = await jalons('rgpd', 'purge', '--mois', '10', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as PurgeReport;
    expect(report).toMatchObject({ dryRun: false, months: 10 });
    expect(report.paths.map((p) => p.beneficiaryId)).toEqual(['RGC-RECENT']);
    expect(Object.keys(await rowsByWorkflow(db)).sort()).toEqual([id(open)]);
  }, 180_000);
});

describe('jalons rgpd export', () => {
  it('gathers one person’s data from the live workflow, the read model and the data folder, and nobody else’s', async () => {
    await startPath(env.client, taskQueue, {
      beneficiaryId: 'RGC-LIVE',
      rightsOpenedAt: new Date(Date.now() - 20 * DAY).toISOString(),
      territory: 'audomarois',
    });
    const handle = env.client.workflow.getHandle(pathWorkflowId('RGC-LIVE'));
    // A message the path refuses (a person's act sent as a partner's Signal: kept with its reason),
    // then a person's act with its author.
    await handle.signal(partnerEventSignal, { type: 'sanction.decided', data: { rate: 0.3, months: 1 } });
    await actOnPath(env.client, 'RGC-LIVE', {
      type: 'reminders.switched',
      by: 'agent-5',
      data: { on: false },
    });
    await until_(async () => {
      const [row] = await db.query<{ state: PathState }>('select state from paths where workflow_id = $1', [
        'parcours-RGC-LIVE',
      ]);
      return (
        row?.state.rejected.length === 1 &&
        row.state.journal.length === 1 &&
        row.state.notifications.length === 1
      );
    }, 'le parcours RGC-LIVE dans le modèle de lecture');
    await until_(
      async () =>
        (await db.query(`select 1 from outbox where key like 'parcours-RGC-LIVE/%' and status = 'sent'`))
          .length === 1,
      'le message envoyé',
    );

    const out = join(dataDir, 'export-RGC-LIVE.json');
    const r = await jalons('rgpd', 'export', 'RGC-LIVE', '--sortie', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Export de RGC-LIVE écrit dans ${out}`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = readFileSync(out, 'utf8');
    const exported = JSON.parse(text) as PersonExport;
    expect(exported).toMatchObject({
      format: 'jalons-export-rgpd/1',
      beneficiaryId: 'RGC-LIVE',
      workflowId: 'parcours-RGC-LIVE',
      source: 'temporal',
      workflow: { status: 'RUNNING', closedAt: null },
    });
    expect(exported.path).toMatchObject({ territory: 'audomarois', step: 'orientation', remindersOff: true });
    expect(exported.journal.map((j) => [j.event, j.by])).toEqual([['reminders.switched', 'agent-5']]);
    expect(exported.rejectedEvents).toEqual([
      {
        at: expect.any(String),
        event: 'sanction.decided',
        error: expect.stringContaining('un partenaire ne peut envoyer que appointment.scheduled'),
      },
    ]);
    expect(exported.notifications.map((n) => [n.id, n.to, n.template, n.delivery?.status])).toEqual([
      ['orientation.local#1:escalation', 'head-of-service', 'escalation.orientation', 'sent'],
    ]);
    expect(exported.deadlines.map((d) => d.kind)).toEqual(['orientation.local', 'orientation.legal']);
    expect(exported.files.mail.map((m) => m.file)).toEqual(['mail/live.json']);
    // Nobody else's data: no other person's id, no address.
    expect(text).not.toMatch(/RGC-OLD|RGC-RECENT|RGC-OPEN|@/);
  }, 180_000);

  it('without a workflow, exports the read model’s last snapshot', async () => {
    const r = await jalons('rgpd', 'export', 'RGC-OPEN');
    expect(r.code).toBe(0);
    const exported = JSON.parse(r.stdout) as PersonExport;
    expect(exported).toMatchObject({ source: 'read-model', workflow: null, beneficiaryId: 'RGC-OPEN' });
    expect(exported.journal).toEqual(open.journal);
    expect(exported.notifications.map((n) => n.id)).toEqual(open.notifications.map((n) => n.id));
    expect(exported.notifications.every((n) => n.delivery?.status === 'sent')).toBe(true);
    expect(r.stdout).not.toMatch(/RGC-LIVE|RGC-OLD|@/);
  }, 180_000);

  it('a purged or unknown person, or an id that is not pseudonymous: a French refusal, non-zero exit', async () => {
    const purged = await jalons('rgpd', 'export', 'RGC-OLD');
    expect(purged.code).toBe(3);
    expect(purged.stderr).toContain('Refusé : Jalons ne détient aucune donnée sur l’allocataire RGC-OLD.');
    expect(purged.stdout).toBe('');
    const invalid = await jalons('rgpd', 'export', 'Jean Dupont');
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toContain('Refusé : Identifiant invalide : identifiant pseudonyme attendu');
  }, 180_000);

  it('`jalons rgpd planifier` creates or updates the nightly purge', async () => {
    const r = await jalons('rgpd', 'planifier');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Purge quotidienne planifiée (jalons-rgpd-purge, 03:00 heure de Paris).');
  }, 180_000);
});
