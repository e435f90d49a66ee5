/**
 * The Jalons worker: runs the workflows and their activities on one task queue.
 * Stateless: scale out by starting more of them (docker-compose `--scale worker=N`).
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../activities/index.js';
import { loadDirectory } from '../activities/directory.js';
import type { Config } from './config.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export function smtpTransport(smtp: Config['smtp']) {
  return nodemailer.createTransport({ ...smtp, tls: { rejectUnauthorized: smtp.secure } });
}

/** The real activities, wired to an SMTP server and the Département's directory file. */
export function activitiesFor(smtp: Config['smtp'], directoryFile: string) {
  return createActivities({ transport: smtpTransport(smtp), directory: loadDirectory(directoryFile) });
}

export async function createWorker(
  config: Config,
  overrides: Partial<WorkerOptions> & { connection?: NativeConnection } = {},
): Promise<Worker> {
  const connection =
    overrides.connection ?? (await NativeConnection.connect({ address: config.temporal.address }));
  const activities = activitiesFor(config.smtp, config.directoryFile);
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    activities,
    ...(overrides.workflowBundle ? {} : { workflowsPath }),
    ...overrides,
  });
}
