/**
 * The Jalons worker: runs the workflows and their activities on one task queue.
 * Stateless: scale out by starting more of them (docker-compose `--scale worker=N`).
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../activities/index.js';
import { loadDirectory } from '../activities/directory.js';
import { openReadModel, type ReadModelDb } from '../activities/read-model/db.js';
import type { Config } from './config.js';
import type { PartnerConfig } from '../activities/partners/index.js';
import { encryptedDataConverter, loadKeyRing } from './codec.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

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
  readModel: string | ReadModelDb = 'memory:',
  partners?: PartnerConfig,
) {
  let opened: Promise<ReadModelDb> | undefined;
  const db = () =>
    (opened ??= typeof readModel === 'string' ? openReadModel(readModel) : Promise.resolve(readModel));
  return createActivities({
    transport: smtpTransport(smtp),
    directory: loadDirectory(directoryFile),
    readModel: db,
    ...(partners ? { partners } : {}),
  });
}

export async function createWorker(
  config: Config,
  overrides: Partial<WorkerOptions> & { connection?: NativeConnection; readModel?: ReadModelDb } = {},
): Promise<Worker> {
  const { readModel, ...options } = overrides;
  const connection =
    options.connection ?? (await NativeConnection.connect({ address: config.temporal.address }));
  const activities = activitiesFor(config.smtp, config.directoryFile, readModel ?? config.readModelUrl);
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    activities,
    // Bounded: with the default (sized on the machine's memory), 2,000 cached paths exhausted the
    // workflow thread's heap in the benchmark. An evicted path replays on its next timer or event.
    maxCachedWorkflows: config.maxCachedWorkflows,
    dataConverter: encryptedDataConverter(loadKeyRing(process.env, config.payloadKeysFile)),
    ...(options.workflowBundle ? {} : { workflowsPath }),
    ...options,
  });
}
