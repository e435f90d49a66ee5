/**
 * Metrics over real HTTP (issue 19): the web app's /metrics counts a late path by step and
 * territory from the read model (the same number as the « Retards » list), and stopped
 * workflows; the worker's endpoint counts a message sent after a real send through SMTP to the
 * mail sink, and a refused one; /metrics wants its token when one is set, else loopback.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { lateItemsPage } from '../../store/queries.js';
import { recordIncident } from '../../store/incidents.js';
import { buildWebApp } from '../../apps/web/server.js';
import { activitiesFor } from '../../workers/worker.js';
import { startProcessServer } from '../../observability/server.js';
import { readModelCheck } from '../../observability/health.js';
import { MailSink } from '../../dev/mail-sink.js';

let db: ReadModelDb;
let web: FastifyInstance;
let webBase = '';
let worker: Awaited<ReturnType<typeof startProcessServer>>;
let sink: MailSink;
const TOKEN = randomBytes(32).toString('base64url');

async function latePath(id: string, step: string, territory: string, dueDaysAgo: number): Promise<void> {
  await db.query(
    `insert into paths (workflow_id, beneficiary_id, revision, policy, territory, step, status, rights_opened_at, late, state)
     values ($1, $2, 1, 'pas-de-calais', $3, $4, 'active', now() - interval '40 days', true, '{}')`,
    [`parcours-${id}`, id, territory, step],
  );
  await db.query(
    `insert into deadlines (workflow_id, deadline_id, kind, due_at, breached) values ($1, 'd1', 'orientation.local', now() - make_interval(days => $2::int), $3)`,
    [`parcours-${id}`, dueDaysAgo, dueDaysAgo > 0],
  );
}

const scrape = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};
const sample = (text: string, name: string, labels: string) =>
  Number(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

beforeAll(async () => {
  db = await openReadModel('memory:');
  sink = await MailSink.start({ smtpPort: 0, rejectRecipients: /^admin-jalons@/ });
  // The web app needs a Temporal client; /metrics does not call it (a lazy connection to nowhere).
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  web = await buildWebApp({ client, db, sessionKeys: [randomBytes(32)], metricsToken: TOKEN });
  await web.listen({ port: 0, host: '127.0.0.1' });
  webBase = `http://127.0.0.1:${(web.server.address() as { port: number }).port}`;
  worker = await startProcessServer({ port: 0, host: '127.0.0.1', checks: [readModelCheck(() => db)] });
});
afterAll(async () => {
  await web?.close();
  worker?.server.close();
  await sink?.close();
  await db?.close();
});

describe('/metrics', () => {
  it('counts a late path by step and territory, as the late list does, and stopped workflows', async () => {
    await latePath('MET-1', 'orientation', 'lens-lievin', 3);
    await latePath('MET-2', 'orientation', 'audomarois', -2); // due in 2 days: not late
    await recordIncident(db, {
      workflowId: 'parcours-MET-3',
      runId: 'r1',
      kind: 'terminated',
      workflowType: 'beneficiaryPath',
      reason: 'terminé depuis l’interface',
      since: new Date().toISOString(),
    });
    const { status, type, text } = await scrape(`${webBase}/metrics`, { authorization: `Bearer ${TOKEN}` });
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(text).toContain('# TYPE jalons_paths_late gauge');
    expect(sample(text, 'jalons_paths_late', 'step="orientation",territory="lens-lievin"')).toBe(1);
    expect(text).not.toMatch(/jalons_paths_late\{[^}]*audomarois/);
    expect((await lateItemsPage(db, {}, { offset: 0, limit: 10 })).total).toBe(1);
    expect(sample(text, 'jalons_workflows_stopped', 'kind="terminated"')).toBe(1);
    expect(sample(text, 'jalons_workflows_stopped', 'kind="failed"')).toBe(0);
    // No person in the metrics: codes only.
    expect(text).not.toContain('MET-1');
    // Met: the path leaves the gauge at the next scrape.
    await db.query(`update deadlines set met_at = now() where workflow_id = 'parcours-MET-1'`);
    const after = await scrape(`${webBase}/metrics`, { authorization: `Bearer ${TOKEN}` });
    expect(after.text).not.toMatch(/^jalons_paths_late\{/m);
  });

  it('wants the token when one is set', async () => {
    expect((await scrape(`${webBase}/metrics`)).status).toBe(401);
    expect((await scrape(`${webBase}/metrics`, { authorization: 'Bearer autre' })).status).toBe(401);
  });

  it('counts a message sent after a real send to the SMTP sink, and a refused one', async () => {
    const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
    const activities = activitiesFor(smtp, 'config/directory.json', db);
    const base = `http://127.0.0.1:${worker.port}/metrics`;
    const template = 'reminder.orientation';
    const before =
      sample((await scrape(base)).text, 'jalons_messages_sent_total', `template="${template}"`) || 0;
    const env = new MockActivityEnvironment({
      workflowExecution: { workflowId: 'parcours-MET-4', runId: 'r' },
    });
    await env.run(() =>
      activities.sendNotification({
        key: 'parcours-MET-4/orientation.local#1:reminder:J-3',
        template,
        to: { role: 'orientation-platform' },
        data: {
          beneficiaryId: 'MET-4',
          territory: 'lens-lievin',
          deadline: 'orientation.local',
          dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        },
      }),
    );
    expect(sink.messages().map((m) => m.headers['x-jalons-key'])).toContain(
      'parcours-MET-4/orientation.local#1:reminder:J-3',
    );
    const text = (await scrape(base)).text;
    expect(sample(text, 'jalons_messages_sent_total', `template="${template}"`)).toBe(before + 1);
    expect(sample(text, 'jalons_messages_queued_total', `template="${template}"`)).toBeGreaterThanOrEqual(1);
    // Sent once: a second attempt finds the outbox and sends nothing, counts nothing.
    await env.run(() =>
      activities.sendNotification({
        key: 'parcours-MET-4/orientation.local#1:reminder:J-3',
        template,
        to: { role: 'orientation-platform' },
        data: {
          beneficiaryId: 'MET-4',
          territory: 'lens-lievin',
          deadline: 'orientation.local',
          dueAt: new Date().toISOString(),
        },
      }),
    );
    expect(sample((await scrape(base)).text, 'jalons_messages_sent_total', `template="${template}"`)).toBe(
      before + 1,
    );
    // A permanent refusal (550) of the relay: counted as refused, not as sent.
    await expect(
      env.run(() =>
        activities.sendNotification({
          key: 'parcours-MET-5/incident:1',
          template,
          to: { role: 'administrators' },
          data: {
            beneficiaryId: 'MET-5',
            territory: 'lens-lievin',
            deadline: 'orientation.local',
            dueAt: new Date().toISOString(),
          },
        }),
      ),
    ).rejects.toThrow(/Refus définitif du serveur SMTP \(550\)/);
    const refused = (await scrape(base)).text;
    expect(sample(refused, 'jalons_messages_refused_total', `template="${template}"`)).toBe(1);
    expect(sample(refused, 'jalons_messages_sent_total', `template="${template}"`)).toBe(before + 1);
    // The worker's endpoint is on loopback and also says it is ready (read model answers).
    expect(await (await fetch(`http://127.0.0.1:${worker.port}/sante/pret`)).json()).toEqual({
      statut: 'prêt',
      controles: { 'modele-lecture': 'ok' },
    });
  });
});
