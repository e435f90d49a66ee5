/**
 * Nothing sent twice, nothing lost silently: the outbox under a retry after the
 * send (as when a worker dies between the send and the activity's completion),
 * and a relay's permanent refusal surfacing to operations.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationRequest } from '../../activities/notifications/notifications.js';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { failedNotifications } from '../../store/queries.js';
import { pathWorkflowId } from '../../domain/ids.js';
import { MailSink } from '../../dev/mail-sink.js';
import { activitiesFor } from '../../workers/worker.js';
import { beneficiaryPath, stateQuery } from '../../workflows/path/path.js';
import { testWorker, timeSkippingEnv } from '../support/temporal.js';

// Friday 20 March 2026, 09:00 Paris: the J-3 reminder of the local target goes out Wednesday 1 April.
const OPENED = new Date('2026-03-20T09:00:00+01:00');
let env: TestWorkflowEnvironment;
let db: ReadModelDb;
beforeAll(async () => {
  env = await timeSkippingEnv(OPENED);
  db = await openReadModel('memory:');
});
afterAll(async () => {
  await env?.teardown();
  await db?.close();
});

const smtp = (port: number) => ({ host: '127.0.0.1', port, secure: false, auth: undefined });

describe('notifications through the outbox', () => {
  it('a retry after the send (worker lost before completing) does not send again', async () => {
    const sink = await MailSink.start({ smtpPort: 0 });
    const real = activitiesFor(smtp(sink.smtpPort), 'config/directory.json', db);
    const attempts = new Map<string, number>();
    const activities = {
      ...real,
      // The real activity, then a crash before Temporal hears of its completion, the first time.
      async sendNotification(req: NotificationRequest) {
        attempts.set(req.key, (attempts.get(req.key) ?? 0) + 1);
        const receipt = await real.sendNotification(req);
        if (attempts.get(req.key) === 1) throw new Error('worker perdu après l’envoi (simulé)');
        return receipt;
      },
    };
    const worker = await testWorker(env, activities);
    const key = 'parcours-T-OUT-1/orientation.local#1:reminder:J-3';
    const state = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(beneficiaryPath, {
        args: [{ beneficiaryId: 'T-OUT-1', rightsOpenedAt: OPENED.toISOString(), territory: 'lens-lievin' }],
        workflowId: pathWorkflowId('T-OUT-1'),
        taskQueue: worker.options.taskQueue,
      });
      await env.sleep('13 days');
      const state = await handle.query(stateQuery);
      // Left running without a worker, its next timers would hold the test server's clock.
      await handle.terminate('fin du test');
      return state;
    });
    expect(attempts.get(key)).toBe(2);
    expect(sink.messages().filter((m) => m.headers['x-jalons-key'] === key)).toHaveLength(1);
    expect(state.notifications.filter((n) => n.id === 'orientation.local#1:reminder:J-3')).toHaveLength(1);
    const [row] = await db.query<{ status: string }>('select status from outbox where key = $1', [key]);
    expect(row?.status).toBe('sent');
    await sink.close();
  });

  it('a permanent refusal by the relay is not retried and shows in the operations list', async () => {
    const sink = await MailSink.start({ smtpPort: 0, rejectRecipients: /^plateforme-orientation@/ });
    const worker = await testWorker(env, activitiesFor(smtp(sink.smtpPort), 'config/directory.json', db));
    const state = await worker.runUntil(async () => {
      const opened = new Date(await env.currentTimeMs());
      const handle = await env.client.workflow.start(beneficiaryPath, {
        args: [{ beneficiaryId: 'T-OUT-2', rightsOpenedAt: opened.toISOString(), territory: 'audomarois' }],
        workflowId: pathWorkflowId('T-OUT-2'),
        taskQueue: worker.options.taskQueue,
      });
      await env.sleep('14 days');
      return handle.query(stateQuery);
    });
    const reminder = state.notifications.find((n) => n.template === 'reminder.orientation');
    expect(reminder?.failed).toMatch(/Refus définitif du serveur SMTP \(550\)/);
    expect(sink.messages()).toHaveLength(0);
    const failed = await failedNotifications(db);
    expect(failed.map((f) => [f.beneficiary_id, f.template])).toContainEqual([
      'T-OUT-2',
      'reminder.orientation',
    ]);
    await sink.close();
  });
});
