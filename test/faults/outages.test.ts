/**
 * The clock never waits on a side effect (docs/architecture.md): with the read
 * model's PostgreSQL stopped, or the SMTP relay down for a day, every deadline
 * still breaches at its instant, its escalation is queued at its instant, and the
 * search attributes say so; once the system is back, the read model catches up
 * and every message leaves once, in business hours, a late one marked late.
 * Real parts: the time-skipping Temporal server, a real PostgreSQL stopped with
 * pg_ctl, a real SMTP server that is not listening, then listening.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { pathWorkflowId } from '../../domain/ids.js';
import { MailSink } from '../../dev/mail-sink.js';
import { openReadModel } from '../../store/db.js';
import { activitiesFor } from '../../workers/worker.js';
import { beneficiaryPath, stateQuery } from '../../workflows/path/path.js';
import { pathSearchAttributes } from '../../workflows/shared/search-attributes.js';
import { advanceTo, quietRuntime, testWorker, timeSkippingEnv } from '../support/temporal.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { freePort } from './processes.js';
import { allReceived, quiet } from './checks.js';

// Friday 20 March 2026, 09:00 Paris: the local target (15 days) ends Saturday 4 April 23:59:59.999 Paris,
// its reminder J-3 is Wednesday 1 April 09:00, its escalation Tuesday 7 April 09:00 (Easter Monday 6 April).
const OPENED = '2026-03-20T08:00:00.000Z';
const REMINDER = '2026-04-01T07:00:00.000Z';
const BREACH = '2026-04-04T21:59:59.999Z';
const ESCALATION = '2026-04-07T07:00:00.000Z';
const KEY = (id: string, suffix: string) => `${pathWorkflowId(id)}/orientation.local#1:${suffix}`;

// The activities fail thousands of times on purpose here: their warnings would drown the output.
quietRuntime('ERROR');
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function startPath(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  id: string,
): Promise<WorkflowHandle> {
  return env.client.workflow.start(beneficiaryPath, {
    args: [{ beneficiaryId: id, rightsOpenedAt: OPENED, territory: 'lens-lievin' }],
    workflowId: pathWorkflowId(id),
    taskQueue,
  });
}

async function late(handle: WorkflowHandle): Promise<boolean | undefined> {
  const d = await handle.describe();
  return d.typedSearchAttributes.get(pathSearchAttributes.late);
}

/** Polls `read` until `ok` (the activities run in real time while the test server's clock jumps). */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const parisHour = (text: string) => {
  const m = /jusqu’au \d\d\/\d\d\/\d{4} à (\d\d):(\d\d)/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
};

describe('PostgreSQL stopped across a deadline', () => {
  it('the breach and the escalation happen at their instant; the read model catches up once it is back', async () => {
    const env = await timeSkippingEnv(new Date(OPENED));
    const pg: TestPostgres = await startPostgres();
    const sink = await MailSink.start({ smtpPort: 0 });
    cleanups.push(
      () => env.teardown(),
      () => pg.stop(),
      () => sink.close(),
    );
    const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
    const worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', pg.url));
    const db = await openReadModel(pg.url);
    cleanups.push(() => db.close());
    const row = async () =>
      (
        await db.query<{ late: boolean; revision: number }>(
          `select late, revision from paths where workflow_id = $1`,
          [pathWorkflowId('T-PG-1')],
        )
      )[0];

    await worker.runUntil(async () => {
      const handle = await startPath(env, worker.options.taskQueue, 'T-PG-1');
      // Down from Saturday 4 April 20:00 UTC, two hours before the breach, to Tuesday 7 April 09:00 UTC.
      await advanceTo(env, '2026-04-04T20:00:00.000Z');
      const before = await eventually(row, (r) => r !== undefined && r.revision > 0);
      expect(before?.late).toBe(false);
      pg.pause();

      // One second after the breach: the workflow and Temporal's visibility show it, PostgreSQL still down.
      await advanceTo(env, new Date(Date.parse(BREACH) + 1_000).toISOString());
      const atBreach = await eventually(
        () => handle.query(stateQuery),
        (s) => s.deadlines.some((d) => d.id === 'orientation.local#1' && d.breached),
      );
      expect(atBreach.deadlines.find((d) => d.id === 'orientation.local#1')?.breached).toBe(true);
      expect(
        await eventually(
          () => late(handle),
          (v) => v === true,
        ),
      ).toBe(true);
      await advanceTo(env, '2026-04-07T07:00:01.000Z');
      const atEscalation = await eventually(
        () => handle.query(stateQuery),
        (s) => s.notifications.length === 2,
      );
      // The escalation was decided at its instant, though the outbox could not take it.
      expect(atEscalation.notifications.map((n) => [n.at, n.template])).toEqual([
        [REMINDER, 'reminder.orientation'],
        [ESCALATION, 'escalation.orientation'],
      ]);
      await advanceTo(env, '2026-04-07T09:00:00.000Z');
      const escalations = () =>
        sink.messages().filter((m) => m.headers['x-jalons-key'] === KEY('T-PG-1', 'escalation'));
      expect(escalations()).toHaveLength(0);

      pg.resume();
      await advanceTo(env, '2026-04-07T09:20:00.000Z');
      const after = await eventually(row, (r) => r?.late === true);
      expect(after!.revision).toBeGreaterThan(before!.revision);
      // The activities run in real time while the test server's clock jumps: wait for them.
      await allReceived(sink, [KEY('T-PG-1', 'reminder:J-3'), KEY('T-PG-1', 'escalation')], 30_000);
      await quiet(sink, 2_000);
      const keys = sink.messages().map((m) => m.headers['x-jalons-key']);
      expect(keys.filter((k) => k === KEY('T-PG-1', 'reminder:J-3'))).toHaveLength(1);
      expect(keys.filter((k) => k === KEY('T-PG-1', 'escalation'))).toHaveLength(1);
      // The reminder left on 1 April, before the outage; the escalation two hours late, and says so.
      expect(
        sink.messages().find((m) => m.headers['x-jalons-key'] === KEY('T-PG-1', 'reminder:J-3'))?.subject,
      ).not.toContain('Retardé');
      expect(escalations()[0]?.subject).toMatch(/^\[Retardé\]/);
      await handle.terminate('fin du test');
    });
  });
});

describe('SMTP relay down for a day', () => {
  it('the day’s reminder leaves once it is back, once, at the next opening, marked late; the next one on time', async () => {
    const env = await timeSkippingEnv(new Date(OPENED));
    const port = await freePort();
    cleanups.push(() => env.teardown());
    const smtp = { host: '127.0.0.1', port, secure: false, auth: undefined };
    const worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json'));
    let sink: MailSink | undefined;
    cleanups.push(async () => void (await sink?.close()));

    await worker.runUntil(async () => {
      const handle = await startPath(env, worker.options.taskQueue, 'T-SMTP-1');
      // The relay is down from Tuesday 31 March 08:00 Paris to Wednesday 1 April 20:00 Paris (after closing).
      await advanceTo(env, '2026-04-01T07:00:01.000Z');
      const state = await eventually(
        () => handle.query(stateQuery),
        (s) => s.notifications.length > 0,
      );
      expect(state.notifications.map((n) => [n.at, n.template])).toEqual([
        [REMINDER, 'reminder.orientation'],
      ]);
      await advanceTo(env, '2026-04-01T18:00:00.000Z');
      sink = await MailSink.start({ smtpPort: port });
      // Back after closing time: nothing leaves before Thursday's opening (09:00 Paris).
      await advanceTo(env, '2026-04-02T06:55:00.000Z');
      expect(sink.messages()).toHaveLength(0);
      await advanceTo(env, '2026-04-02T08:00:00.000Z');
      await allReceived(sink, [KEY('T-SMTP-1', 'reminder:J-3')], 30_000);
      const reminders = sink
        .messages()
        .filter((m) => m.headers['x-jalons-key'] === KEY('T-SMTP-1', 'reminder:J-3'));
      expect(reminders).toHaveLength(1);
      expect(reminders[0]?.subject).toMatch(/^\[Retardé\] \[Jalons\] Rappel/);
      expect(reminders[0]?.text).toContain('il devait partir le 01/04/2026 à 09:00');
      // Left in business hours: 09:00 to 17:30 Paris.
      const sentAt = parisHour(reminders[0]?.text ?? '');
      expect(sentAt).toBeGreaterThanOrEqual(9 * 60);
      expect(sentAt).toBeLessThan(17 * 60 + 30);
      // The deadline breached at its instant during all this; the escalation leaves on time, unmarked.
      await advanceTo(env, '2026-04-07T07:05:00.000Z');
      expect(
        await eventually(
          () => late(handle),
          (v) => v === true,
        ),
      ).toBe(true);
      await allReceived(sink, [KEY('T-SMTP-1', 'escalation')], 30_000);
      await quiet(sink, 2_000);
      const escalations = sink
        .messages()
        .filter((m) => m.headers['x-jalons-key'] === KEY('T-SMTP-1', 'escalation'));
      expect(escalations).toHaveLength(1);
      expect(escalations[0]?.subject).not.toContain('Retardé');
      expect(
        sink.messages().filter((m) => m.headers['x-jalons-key'] === KEY('T-SMTP-1', 'reminder:J-3')),
      ).toHaveLength(1);
      await handle.terminate('fin du test');
    });
  });
});
