/**
 * The référents' daily digest as a Temporal Schedule, on the dev server (the
 * test server has no Schedules): triggered, it emails each référent the late
 * and upcoming deadlines of their cases, once per day, each digest through the
 * notifications' rate-limited queue.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { civilDateOf } from '../../domain/calendar.js';
import { MailSink } from '../../dev/mail-sink.js';
import { actOnPath, startPath } from '../../services/paths.js';
import { DIGEST_SCHEDULE_ID, ensureDigestSchedule } from '../../services/schedules.js';
import { activitiesFor } from '../../workers/worker.js';
import { devServerEnv, testWorker } from '../support/temporal.js';
import { notificationQueue } from '../../workflows/shared/queues.js';

const DAY = 86_400_000;
let env: TestWorkflowEnvironment;
let sink: MailSink;
let db: ReadModelDb;
let worker: Worker;
let running: Promise<void>;
const taskQueue = 'e2e-digest';

beforeAll(async () => {
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  worker = await testWorker(
    env,
    activitiesFor(
      { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined },
      'config/directory.json',
      db,
    ),
    { taskQueue },
  );
  running = worker.run();
}, 60_000);
afterAll(async () => {
  worker?.shutdown();
  await running;
  await db?.close();
  await env?.teardown();
  await sink?.close();
});

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 80 && !(await check()); i++) await new Promise((r) => setTimeout(r, 250));
}

describe('référents’ daily digest (Schedule)', () => {
  it('is scheduled each working morning in Paris and, triggered, emails each référent their cases once', async () => {
    // Oriented 20 days ago and 10 days ago: one first appointment late, one due within the week.
    for (const [id, daysAgo] of [
      ['DIG-001', 20],
      ['DIG-002', 10],
    ] as const) {
      await startPath(env.client, taskQueue, {
        beneficiaryId: id,
        rightsOpenedAt: new Date(Date.now() - (daysAgo + 1) * DAY).toISOString(),
        territory: 'lens-lievin',
      });
      await actOnPath(env.client, id, {
        type: 'orientation.decided',
        at: new Date(Date.now() - daysAgo * DAY).toISOString(),
        data: { track: 'social', organisation: 'cd62', referent: 'ref-11' },
      });
    }
    await until(
      async () =>
        (await db.query(`select 1 from deadlines where kind = 'first-appointment' and met_at is null`))
          .length === 2 &&
        (await db.query(`select 1 from deadlines where kind = 'first-appointment' and breached`)).length ===
          1,
    );

    await ensureDigestSchedule(env.client, taskQueue);
    await ensureDigestSchedule(env.client, taskQueue); // idempotent
    const schedule = await env.client.schedule.getHandle(DIGEST_SCHEDULE_ID).describe();
    expect(schedule.spec.timezone).toBe('Europe/Paris');
    expect(schedule.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 8, end: 8, step: 1 }],
      minute: [{ start: 30, end: 30, step: 1 }],
    });

    const handle = env.client.schedule.getHandle(DIGEST_SCHEDULE_ID);
    await handle.trigger();
    const key = `digest/ref-11/${civilDateOf(new Date())}`;
    await until(() => sink.messages().some((m) => m.headers['x-jalons-key'] === key));
    const digest = sink.messages().find((m) => m.headers['x-jalons-key'] === key);
    expect(digest?.to).toEqual(['ref-11@referents.departement.example']);
    expect(digest?.subject).toMatch(/^\[Jalons\] Vos échéances de la semaine \(\d+ à venir, 1 en retard\)$/);
    expect(digest?.text).toMatch(/En retard :\n• DIG-001 — premier rendez-vous/);
    expect(digest?.text).toContain('• DIG-002 — premier rendez-vous');

    // Each digest is its own activity on the notifications' rate-limited queue.
    const [run] = (await handle.describe()).info.recentActions;
    const history = await env.client.workflow.getHandle(run!.action.workflow.workflowId).fetchHistory();
    const sends = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name === 'sendReferentDigest');
    expect(sends.map((a) => a?.taskQueue?.name)).toEqual([notificationQueue(taskQueue)]);

    // A second run the same day sends nothing new (outbox).
    await handle.trigger();
    await new Promise((r) => setTimeout(r, 3_000));
    expect(sink.messages().filter((m) => m.headers['x-jalons-key'] === key)).toHaveLength(1);
  });
});
