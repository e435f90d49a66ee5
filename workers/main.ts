// Worker process entry point (production: one container per replica).
import { Connection } from '@temporalio/client';
import { registerSearchAttributes } from '../services/temporal.js';
import { loadConfig } from './config.js';
import { createWorkers } from './worker.js';

const config = loadConfig();
// The path's search attributes must exist before a path upserts them. Idempotent; on a
// cluster where the worker may not declare them (Temporal Cloud), an operator declares them once.
try {
  const connection = await Connection.connect({ address: config.temporal.address });
  await registerSearchAttributes(connection, config.temporal.namespace);
  await connection.close();
} catch (err) {
  console.error('[worker] attributs de recherche non déclarés :', (err as Error).message);
}
// The workflows' worker and the notifications' worker (rate-limited queue), in one process.
const worker = await createWorkers(config);
console.error(
  '[worker] démarré, files de tâches :',
  worker.taskQueue,
  worker.notifications.options.taskQueue,
  `(${config.notificationsPerSecond} courriels/s au plus)`,
);
await worker.run();
