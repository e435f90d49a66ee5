/**
 * The health watch (docs/health.md) on the dev server with the real worker, read
 * model and SMTP sink: a terminated path is an incident at the next watch run,
 * alerted once to the head of service and to the administrators (not again on
 * the next run, started by the Schedule); a path whose workflow task keeps
 * failing is an incident from its 3rd attempt (not at its 2nd); an administrator
 * restarts a stopped path from its recorded state (CLI and web form), journaled
 * in their name, the incident resolved; the « Santé » page, the case page's
 * banner and `jalons sante --json` list the same.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { incidentCounts, openIncidents, openIncidentsOf } from '../../store/incidents.js';
import { createAccount } from '../../store/accounts.js';
import { restartFromCli } from '../../apps/cli/health.js';
import { MailSink } from '../../dev/mail-sink.js';
import { showPath, startPath } from '../../services/paths.js';
import { ensureHealthSchedule, HEALTH_SCHEDULE_ID } from '../../services/schedules.js';
import { startWebApp } from '../../apps/web/server.js';
import { healthWatch } from '../../workflows/health/watch.js';
import { activitiesFor } from '../../workers/worker.js';
import { jalonsCli } from '../support/cli.js';
import { devServerEnv, testDataConverter, testWorker } from '../support/temporal.js';

const DAY = 86_400_000;
const taskQueue = 'e2e-health';
const brokenQueue = 'e2e-health-broken';
const PASSWORD = 'mot de passe du test santé';
const CHIEF = 'chef-service-insertion@departement.example';
const ADMINS = 'admin-jalons@departement.example';
let env: TestWorkflowEnvironment;
let sink: MailSink;
let db: ReadModelDb;
let worker: Worker;
let broken: Worker;
let running: Promise<unknown>;
let watchRuns = 0;
const jalons = jalonsCli(() => ({ address: env.address, taskQueue }));

beforeAll(async () => {
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
  worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', db), { taskQueue });
  broken = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: brokenQueue,
    workflowsPath: fileURLToPath(new URL('./health-broken-workflow.ts', import.meta.url)),
    dataConverter: testDataConverter,
  });
  running = Promise.all([worker.run(), broken.run()]);
  await createAccount(
    db,
    { login: 'admin-sante', role: 'admin', allCases: true, password: PASSWORD },
    { channel: 'cli' },
  );
  await createAccount(
    db,
    { login: 'agent-sante', role: 'agent', allCases: true, password: PASSWORD },
    { channel: 'cli' },
  );
}, 120_000);
afterAll(async () => {
  worker?.shutdown();
  broken?.shutdown();
  await running;
  await db?.close();
  await env?.teardown();
  await sink?.close();
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`délai dépassé ; dernière valeur : ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const watch = () =>
  env.client.workflow.execute(healthWatch, { taskQueue, workflowId: `sante-test-${++watchRuns}` });
const alertsTo = (address: string, workflowId: string) =>
  sink
    .messages()
    .filter((m) => m.to.includes(address) && m.headers['x-jalons-template'] === 'alert.incident')
    .filter((m) => m.text.includes(workflowId));

/** A path started 3 days ago, once the read model holds its state. */
async function recordedPath(id: string): Promise<void> {
  const opened = new Date(Date.now() - 3 * DAY).toISOString();
  await startPath(env.client, taskQueue, {
    beneficiaryId: id,
    rightsOpenedAt: opened,
    territory: 'lens-lievin',
  });
  await until(
    () => db.query('select 1 from paths where workflow_id = $1', [`parcours-${id}`]),
    (rows) => rows.length === 1,
  );
}

async function terminated(id: string, reason: string): Promise<void> {
  await env.client.workflow.getHandle(`parcours-${id}`).terminate(reason);
  await until(
    () => env.client.workflow.count(`WorkflowId = "parcours-${id}" AND ExecutionStatus = "Terminated"`),
    (c) => c.count === 1,
  );
}

describe('health watch', () => {
  it('a terminated path is an incident at the next watch run, alerted once to each recipient', async () => {
    await recordedPath('SANTE-001');
    await terminated('SANTE-001', 'attribut de recherche trop grand (test)');
    const report = await watch();
    expect(report.created).toBe(1);
    expect(report.alertsStarted).toBe(1);
    const [incident] = await openIncidentsOf(db, 'parcours-SANTE-001');
    expect(incident).toMatchObject({ kind: 'terminated', workflowType: 'beneficiaryPath' });
    expect(incident!.reason).toContain('attribut de recherche trop grand (test)');

    await sink.waitFor(
      () => alertsTo(CHIEF, 'parcours-SANTE-001').length + alertsTo(ADMINS, 'parcours-SANTE-001').length >= 2,
      20_000,
    );
    const [mail] = alertsTo(CHIEF, 'parcours-SANTE-001');
    expect(mail!.subject).toBe(
      '[Jalons] Incident : le parcours parcours-SANTE-001 est arrêté (terminé de force)',
    );
    expect(mail!.text).toContain('Raison : arrêté : attribut de recherche trop grand (test)');
    await until(
      () => openIncidentsOf(db, 'parcours-SANTE-001'),
      (i) => i[0]?.alertedAt !== null,
    );

    // The next run, started by the Schedule itself: nothing new, no second alert.
    await ensureHealthSchedule(env.client, taskQueue);
    const schedule = await env.client.schedule.getHandle(HEALTH_SCHEDULE_ID).describe();
    expect(schedule.spec.intervals?.[0]?.every).toBe(2 * 60_000);
    const runsBefore = (await db.query<{ runs: number }>('select runs from health_watch'))[0]!.runs;
    await env.client.schedule.getHandle(HEALTH_SCHEDULE_ID).trigger();
    await until(
      () => db.query<{ runs: number }>('select runs from health_watch'),
      (r) => r[0]!.runs > runsBefore,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    expect(alertsTo(CHIEF, 'parcours-SANTE-001')).toHaveLength(1);
    expect(alertsTo(ADMINS, 'parcours-SANTE-001')).toHaveLength(1);
    expect((await incidentCounts(db)).find((c) => c.kind === 'terminated')).toEqual({
      kind: 'terminated',
      open: 1,
      total: 1,
    });
  }, 90_000);

  it('a path whose workflow task keeps failing is an incident from its 3rd attempt', async () => {
    const id = 'parcours-SANTE-BUG';
    await env.client.workflow.start('beneficiaryPath', { taskQueue: brokenQueue, workflowId: id, args: [] });
    const attempt = async () =>
      (await env.client.workflow.getHandle(id).describe()).raw.pendingWorkflowTask?.attempt ?? 0;
    await until(attempt, (a) => a === 2, 30_000);
    // The 2nd attempt: one failure, maybe a glitch; not an incident yet (the 3rd comes ~10 s later).
    await watch();
    if ((await attempt()) === 2) expect(await openIncidentsOf(db, id)).toEqual([]);
    await until(attempt, (a) => a >= 3, 60_000);
    const report = await watch();
    expect(report.reportedProblems).toBe('describe-sweep');
    const [incident] = await openIncidentsOf(db, id);
    expect(incident).toMatchObject({ kind: 'task-failing', workflowType: 'beneficiaryPath' });
    expect(incident!.reason).toMatch(
      /^erreur dans le code du workflow : bogue de test : erreur dans le code du workflow \(tentative \d+\)$/,
    );
    await sink.waitFor(() => alertsTo(ADMINS, id).length === 1 && alertsTo(CHIEF, id).length === 1, 20_000);
  }, 120_000);

  it('an administrator restarts a stopped path from its recorded state, journaled, the incident resolved', async () => {
    const recorded = (
      await db.query<{ revision: number }>(
        `select revision from paths where workflow_id = 'parcours-SANTE-001'`,
      )
    )[0]!;
    await expect(restartFromCli(env.client, taskQueue, 'SANTE-001', 'agent-sante')).rejects.toThrow(
      'Relance refusée : --par : « agent-sante » n’est pas un compte administrateur actif.',
    );
    const r = await restartFromCli(env.client, taskQueue, 'SANTE-001', 'admin-sante');
    expect(r).toMatchObject({ workflowId: 'parcours-SANTE-001', revision: recorded.revision, resolved: 1 });
    expect((await env.client.workflow.getHandle('parcours-SANTE-001').describe()).status.name).toBe(
      'RUNNING',
    );
    const state = await showPath(env.client, 'SANTE-001');
    expect(state.deadlines.map((d) => d.kind)).toEqual(['orientation.local', 'orientation.legal']);
    expect(state.journal.at(-1)).toMatchObject({ event: 'path.restarted', by: 'admin-sante' });
    expect(await openIncidentsOf(db, 'parcours-SANTE-001')).toEqual([]);
    const [resolved] = await db.query<{ resolved_by: string; resolution: string }>(
      `select resolved_by, resolution from incidents where workflow_id = 'parcours-SANTE-001'`,
    );
    expect(resolved).toEqual({
      resolved_by: 'admin-sante',
      resolution: `relancé depuis l’état enregistré (révision ${recorded.revision})`,
    });
    await until(
      () =>
        db.query(
          `select 1 from journal where workflow_id = 'parcours-SANTE-001' and event = 'path.restarted' and actor = 'admin-sante'`,
        ),
      (rows) => rows.length === 1,
    );
    await expect(restartFromCli(env.client, taskQueue, 'SANTE-001', 'admin-sante')).rejects.toThrow(
      'Relance refusée : Le parcours parcours-SANTE-001 tourne normalement : rien à relancer.',
    );
    // The old terminated run is history now: the next watch run sees no incident there.
    expect((await watch()).created).toBe(0);
    expect(await openIncidentsOf(db, 'parcours-SANTE-001')).toEqual([]);
  }, 90_000);

  it('the « Santé » page, the case page and jalons sante list the stopped paths; the web form restarts', async () => {
    await recordedPath('SANTE-002');
    await terminated('SANTE-002', 'arrêt pour le test de la page');
    await watch();
    const web = await startWebApp({ client: env.client, db, port: 0, secureCookie: false });
    try {
      const base = `http://127.0.0.1:${web.port}`;
      const jar = new Map<string, string>();
      const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const keep = (res: Response) => {
        for (const c of res.headers.getSetCookie()) {
          const [name, ...value] = c.split(';')[0]!.split('=');
          jar.set(name!, value.join('='));
        }
        return res;
      };
      const get = async (path: string) => {
        const res = keep(
          await fetch(`${base}${path}`, { headers: { cookie: cookie() }, redirect: 'manual' }),
        );
        const text = await res.text();
        return { res, text, csrf: /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? '' };
      };
      const post = async (path: string, fields: Record<string, string>) =>
        keep(
          await fetch(`${base}${path}`, {
            method: 'POST',
            redirect: 'manual',
            headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(fields).toString(),
          }),
        );
      const login = await get('/connexion');
      expect(
        (
          await post('/connexion', {
            login: 'admin-sante',
            password: PASSWORD,
            _csrf: login.csrf,
            suite: '/',
          })
        ).status,
      ).toBe(303);

      const health = await get('/sante');
      expect(health.res.status).toBe(200);
      expect(health.text).toContain('parcours-SANTE-002');
      expect(health.text).toContain('arrêté : arrêt pour le test de la page');
      expect(health.text).toContain('parcours-SANTE-BUG');
      expect(health.text).toContain('tâche de workflow en échec répété');

      const casePage = await get('/parcours/SANTE-002');
      expect(casePage.text).toContain('Parcours arrêté :');
      expect(casePage.text).not.toContain('/parcours/SANTE-002/actes');

      const cli = await jalons('sante', '--json');
      expect(cli.code).toBe(0);
      const listed = JSON.parse(cli.stdout) as { open: { workflowId: string; kind: string }[] };
      expect(listed.open.map((i) => `${i.workflowId} ${i.kind}`).sort()).toEqual([
        'parcours-SANTE-002 terminated',
        'parcours-SANTE-BUG task-failing',
      ]);

      const restart = await post('/sante/relancer', { id: 'parcours-SANTE-002', _csrf: health.csrf });
      expect(restart.status).toBe(303);
      expect((await env.client.workflow.getHandle('parcours-SANTE-002').describe()).status.name).toBe(
        'RUNNING',
      );
      expect((await showPath(env.client, 'SANTE-002')).journal.at(-1)).toMatchObject({
        event: 'path.restarted',
        by: 'admin-sante',
      });
      expect((await openIncidents(db)).map((i) => i.workflowId)).toEqual(['parcours-SANTE-BUG']);
      expect((await get('/parcours/SANTE-002')).text).toContain('/parcours/SANTE-002/actes');
    } finally {
      await web.app.close();
    }
  }, 120_000);
});
