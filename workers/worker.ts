/**
 * The Jalons worker: runs the workflows and their activities on one task queue.
 * Stateless: scale out by starting more of them (docker-compose `--scale worker=N`).
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../activities/index.js';
import { loadDirectory } from '../activities/notifications/directory.js';
import { openReadModel, type ReadModelDb } from '../store/db.js';
import { temporalConnectionOptions, type Config } from './config.js';
import type { PartnerConfig } from '../partners/config.js';
import { notificationQueue } from '../workflows/shared/queues.js';
import { encryptedDataConverter, loadKeyRing } from './codec.js';
import { workflowBundlerOptions } from './workflow-bundle.js';

/** The workflows' entry, beside this file: TypeScript from the sources, JavaScript once compiled (dist/app). */
export const workflowsPath = fileURLToPath(
  new URL(`../workflows/index.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url),
);

export function smtpTransport(smtp: Config['smtp']) {
  return nodemailer.createTransport({ ...smtp, tls: { rejectUnauthorized: smtp.secure } });
}

/**
 * The real activities, wired to an SMTP server, the Département's directory file
 * and the read model (`memory:` = an embedded database living with the process).
 */
export function activitiesFor(
  smtp: Config['smtp'],
  directoryFile: string,
  readModel: string | ReadModelDb | (() => Promise<ReadModelDb>) = 'memory:',
  partners?: PartnerConfig,
) {
  let opened: Promise<ReadModelDb> | undefined;
  const db =
    typeof readModel === 'function'
      ? readModel
      : () =>
          (opened ??= typeof readModel === 'string' ? openReadModel(readModel) : Promise.resolve(readModel));
  return createActivities({
    transport: smtpTransport(smtp),
    directory: loadDirectory(directoryFile),
    readModel: db,
    ...(partners ? { partners } : {}),
  });
}

/**
 * The notifications' worker options, from a workflow worker's: same activities and
 * connection, no workflows, on the notifications' queue, at most `perSecond` messages
 * a second over all the workers polling it (the server enforces it).
 */
export function notificationWorkerOptions(base: WorkerOptions, perSecond: number): WorkerOptions {
  const { workflowsPath: _path, workflowBundle: _bundle, maxCachedWorkflows: _cache, ...rest } = base;
  return {
    ...rest,
    taskQueue: notificationQueue(base.taskQueue),
    maxTaskQueueActivitiesPerSecond: perSecond,
    // The server's limit is an average over the queue's partitions, each with its own burst: 8 or 9
    // sends were seen within one second at 2/s. The worker's own limit keeps each worker to the rate.
    maxActivitiesPerSecond: perSecond,
    // About one second of the rate in flight at once, not the SDK's 100: each send records itself
    // in the outbox right after the relay's acceptance, so a worker lost mid-wave leaves few
    // accepted-but-unrecorded messages to go twice (test/faults/worker-kill.test.ts).
    maxConcurrentActivityTaskExecutions: Math.min(16, Math.max(2, Math.ceil(perSecond))),
  };
}

/** The workflows' worker and the notifications' worker, run and stopped together. */
export class JalonsWorkers {
  constructor(
    readonly workflows: Worker,
    readonly notifications: Worker,
  ) {}

  get taskQueue(): string {
    return this.workflows.options.taskQueue;
  }

  async run(): Promise<void> {
    await Promise.all([this.workflows.run(), this.notifications.run()]);
  }

  shutdown(): void {
    for (const w of [this.workflows, this.notifications]) if (w.getState() === 'RUNNING') w.shutdown();
  }

  /** Runs both until `fn` settles (as `Worker.runUntil`). */
  async runUntil<R>(fn: () => Promise<R>): Promise<R> {
    const notifying = this.notifications.run();
    try {
      return await this.workflows.runUntil(fn);
    } finally {
      if (this.notifications.getState() === 'RUNNING') this.notifications.shutdown();
      await notifying;
    }
  }
}

export type WorkerOverrides = Partial<WorkerOptions> & {
  connection?: NativeConnection;
  readModel?: ReadModelDb | (() => Promise<ReadModelDb>);
};

export async function createWorkers(config: Config, overrides: WorkerOverrides = {}): Promise<JalonsWorkers> {
  // One activities object for both: one read model, one SMTP transport.
  const base = await workerOptions(config, overrides);
  return new JalonsWorkers(
    await Worker.create(base),
    await Worker.create(notificationWorkerOptions(base, config.notificationsPerSecond)),
  );
}

export async function createWorker(config: Config, overrides: WorkerOverrides = {}): Promise<Worker> {
  return Worker.create(await workerOptions(config, overrides));
}

async function workerOptions(config: Config, overrides: WorkerOverrides): Promise<WorkerOptions> {
  const { readModel, ...options } = overrides;
  const connection =
    options.connection ?? (await NativeConnection.connect(temporalConnectionOptions(config)));
  const activities = activitiesFor(config.smtp, config.directoryFile, readModel ?? config.readModelUrl);
  return {
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    activities,
    // Bounded: with the default (sized on the machine's memory), 2,000 cached paths exhausted the
    // workflow thread's heap in the benchmark. An evicted path replays on its next timer or event.
    maxCachedWorkflows: config.maxCachedWorkflows,
    dataConverter: encryptedDataConverter(loadKeyRing(process.env, config.payloadKeysFile)),
    // Bundling at start (webpack) costs seconds and hundreds of MiB that the process keeps: bundle once, at build.
    ...(options.workflowBundle
      ? {}
      : config.workflowBundle
        ? { workflowBundle: { codePath: config.workflowBundle } }
        : { workflowsPath, bundlerOptions: workflowBundlerOptions }),
    ...options,
  };
}
