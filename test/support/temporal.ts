/** Temporal servers and workers for tests: the real servers, provisioned offline. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { inject } from 'vitest';
import type { Activities } from '../../activities/index.js';
import { registerSearchAttributes } from '../../ops/temporal.js';
import { TEST_PAYLOAD_KEYS, testDataConverter } from './keys.js';
import { activitiesFor } from '../../workers/worker.js';
import { pathSearchAttributes } from '../../workflows/search-attributes.js';

export { TEST_PAYLOAD_KEYS, testDataConverter };

let runtimeInstalled = false;
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/** The time-skipping test server, its clock starting at `startAt` (real dates, DST, holidays). */
export async function timeSkippingEnv(startAt?: Date): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  process.env.JALONS_TEST_SERVER_START = startAt ? startAt.toISOString() : '';
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServerPath') } },
    client: { dataConverter: testDataConverter },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** The Temporal CLI dev server (visibility, Schedules, search attributes). */
export async function devServerEnv(extraArgs: string[] = []): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    client: { dataConverter: testDataConverter },
    server: {
      executable: { type: 'existing-path', path: inject('temporalCliPath') },
      searchAttributes: Object.values(pathSearchAttributes),
      extraArgs,
    },
  });
}

/** Real activities wired to an SMTP server on `smtpPort` and the default directory. */
export function realActivities(smtpPort: number): Activities {
  return activitiesFor(
    { host: '127.0.0.1', port: smtpPort, secure: false, auth: undefined },
    'config/directory.json',
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
export async function testWorker(
  env: TestWorkflowEnvironment,
  activities: object,
  options: Partial<WorkerOptions> = {},
): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue: options.taskQueue ?? `test-${process.pid}-${++queueCounter}`,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    dataConverter: testDataConverter,
    activities,
    ...options,
  });
}
