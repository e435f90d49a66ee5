/** Temporal servers and workers for tests: the real servers, provisioned offline. */
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { MailSink } from '../../dev/mail-sink.js';
import { settleBeforeUpdate } from '../../dev/simulate-settle.js';
import type { Activities } from '../../activities/index.js';
import { registerSearchAttributes, startedInTime as started } from '../../services/temporal.js';
import { TEST_PAYLOAD_KEYS, testDataConverter } from './keys.js';
import { activitiesFor, notificationWorkerOptions } from '../../workers/worker.js';
import { pathSearchAttributes } from '../../workflows/shared/search-attributes.js';

export { TEST_PAYLOAD_KEYS, testDataConverter };

let runtimeInstalled = false;
/** Call first with 'ERROR' in a file whose activities fail on purpose thousands of times (an outage). */
export function quietRuntime(level: 'WARN' | 'ERROR' = 'WARN'): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger(level) });
}

/** The time-skipping test server, its clock starting at `startAt` (real dates, DST, holidays). */
export async function timeSkippingEnv(startAt?: Date): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  process.env.JALONS_TEST_SERVER_START = startAt ? startAt.toISOString() : '';
  // The time-skipping server mishandles an Update racing a workflow task (dev/simulate-settle.ts):
  // every Update of the tests' client waits for the workflow to settle first.
  const ready: { env?: TestWorkflowEnvironment } = {};
  const env = await started(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('testServerPath') } },
      client: {
        dataConverter: testDataConverter,
        interceptors: { workflow: [settleBeforeUpdate(() => ready.env)] },
      },
    }),
  );
  ready.env = env;
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** The Temporal CLI dev server (visibility, Schedules, search attributes). */
export async function devServerEnv(extraArgs: string[] = []): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return started(() =>
    TestWorkflowEnvironment.createLocal({
      client: { dataConverter: testDataConverter },
      server: {
        executable: { type: 'existing-path', path: inject('temporalCliPath') },
        searchAttributes: Object.values(pathSearchAttributes),
        extraArgs,
      },
    }),
  );
}

/** Real activities wired to an SMTP server on `smtpPort` and the default directory. */
export function realActivities(smtpPort: number, readModel?: string): Activities {
  return activitiesFor(
    { host: '127.0.0.1', port: smtpPort, secure: false, auth: undefined },
    'config/directory.json',
    readModel,
  );
}

/** Moves the test server's clock forward to `instant` (never back); returns it, to date an act. */
export async function advanceTo(env: TestWorkflowEnvironment, instant: string): Promise<string> {
  const now = await env.currentTimeMs();
  const target = new Date(instant).getTime();
  if (target > now) await env.sleep(target - now);
  return instant;
}

let queueCounter = 0;
/**
 * A worker for the test's workflows, with its notifications' worker (the
 * rate-limited queue the workflows send through) started and stopped with it:
 * `run`, `runUntil` and `shutdown` drive both.
 */
export async function testWorker(
  env: TestWorkflowEnvironment,
  activities: object,
  options: Partial<WorkerOptions> = {},
  notificationsPerSecond = 1_000,
): Promise<Worker> {
  const base: WorkerOptions = {
    connection: env.nativeConnection,
    taskQueue: options.taskQueue ?? `test-${process.pid}-${++queueCounter}`,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    dataConverter: testDataConverter,
    activities,
    ...options,
  };
  const worker = await Worker.create(base);
  const notifier = await Worker.create(notificationWorkerOptions(base, notificationsPerSecond));
  const run = worker.run.bind(worker);
  const shutdown = worker.shutdown.bind(worker);
  const stop = (w: Worker, f: () => void) => w.getState() === 'RUNNING' && f();
  // Worker.runUntil calls these two: it drives both workers too.
  worker.run = async () => void (await Promise.all([run(), notifier.run()]));
  worker.shutdown = () => {
    stop(worker, shutdown);
    stop(notifier, () => notifier.shutdown());
  };
  return worker;
}

/** What `devServerWithWorker` sets up for a test file, filled in before its tests run. */
export interface DevServerWithWorker {
  env: TestWorkflowEnvironment;
  sink: MailSink;
  worker: Worker;
}

/**
 * For a whole test file: the dev server, a real SMTP sink and a worker with the real
 * activities on `taskQueue`, started before its tests and stopped after them.
 */
/** `readModel`: a database the worker writes and another process (the CLI) reads; default in memory. */
export function devServerWithWorker(
  taskQueue: string,
  notificationsPerSecond?: number,
  readModel?: () => string,
): DevServerWithWorker {
  const t = {} as DevServerWithWorker;
  let running: Promise<void> | undefined;
  beforeAll(async () => {
    t.env = await devServerEnv();
    t.sink = await MailSink.start({ smtpPort: 0 });
    t.worker = await testWorker(
      t.env,
      realActivities(t.sink.smtpPort, readModel?.()),
      { taskQueue },
      notificationsPerSecond,
    );
    running = t.worker.run();
  });
  afterAll(async () => {
    t.worker?.shutdown();
    await running;
    await t.env?.teardown();
    await t.sink?.close();
  });
  return t;
}

/**
 * Prints on stderr what a workflow is doing if the test is still waiting on it after `afterMs`:
 * its last history events and pending activities, so a hang seen once in CI names its cause.
 * Returns the function that stops watching.
 */
export function watchWorkflow(
  env: TestWorkflowEnvironment,
  workflowId: string,
  afterMs = 30_000,
): () => void {
  const timer = setTimeout(() => {
    void (async () => {
      const handle = env.client.workflow.getHandle(workflowId);
      const { events } = await handle.fetchHistory();
      const tail = (events ?? [])
        .slice(-15)
        .map(
          (e) => `${e.eventId} ${temporal.api.enums.v1.EventType[e.eventType ?? 0]} ${e.eventTime?.seconds}`,
        );
      const { raw } = await handle.describe();
      const pending = (raw.pendingActivities ?? []).map(
        (a) => `${a.activityType?.name} ${a.state} #${a.attempt}`,
      );
      console.error(
        `[bloqué] ${workflowId} après ${afterMs} ms :\n${tail.join('\n')}\nen cours : ${pending.join(', ')}`,
      );
    })().catch((e: unknown) => console.error(`[bloqué] ${workflowId} : ${String(e)}`));
  }, afterMs);
  return () => clearTimeout(timer);
}
