// Worker process entry point (production: one container per replica).
import { Connection } from '@temporalio/client';
import { makeTelemetryFilterString, NativeConnection, Runtime } from '@temporalio/worker';
import { registerSearchAttributes } from '../services/temporal.js';
import { openReadModel, type ReadModelDb } from '../store/db.js';
import { readModelCheck, temporalCheck } from '../observability/health.js';
import { createLogger, setProcessLogger, temporalLogger } from '../observability/logger.js';
import { startProcessServer } from '../observability/server.js';
import { loadConfig, refuseWeakSecrets, temporalConnectionOptions } from './config.js';
import { createWorkers } from './worker.js';

const logger = setProcessLogger(createLogger({ service: 'worker' }));
let config: ReturnType<typeof loadConfig>;
try {
  // Placeholder or short secrets stop the start (docs/deploiement.md, « Secrets »).
  refuseWeakSecrets(process.env);
  config = loadConfig();
} catch (err) {
  logger.fatal(`Démarrage refusé : ${(err as Error).message}`);
  process.exit(1);
}
// The SDK's lines (and the workflows' and activities' `log`) through the same JSON logger, with
// their workflow ids; with JALONS_WORKER_METRICS_PORT, its metrics on a loopback exporter that
// the worker's /metrics appends (without it, as in the tests' many workers: no port at all).
const metricsPort = config.metrics.workerPort;
Runtime.install({
  logger: temporalLogger(logger),
  telemetryOptions: {
    logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
    ...(metricsPort
      ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${config.metrics.sdkPort}` } } }
      : {}),
  },
});
// The path's search attributes must exist before a path upserts them. Idempotent; on a
// cluster where the worker may not declare them (Temporal Cloud), an operator declares them once.
try {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  await registerSearchAttributes(connection, config.temporal.namespace);
  await connection.close();
} catch (err) {
  logger.error(`[worker] attributs de recherche non déclarés : ${(err as Error).message}`);
}
// The read model opens at first use and again after a failure: the worker starts without it
// (docs/architecture.md, « The clock waits for no effect »).
let opening: Promise<ReadModelDb> | undefined;
const readModel = () =>
  (opening ??= openReadModel(config.readModelUrl).catch((err) => {
    opening = undefined;
    throw err;
  }));
const connection = await NativeConnection.connect(temporalConnectionOptions(config));
const endpoints = metricsPort
  ? await startProcessServer({
      port: metricsPort,
      host: config.metrics.workerHost,
      checks: [temporalCheck(() => connection, config.temporal.address), readModelCheck(readModel)],
      sdkMetricsUrl: `http://127.0.0.1:${config.metrics.sdkPort}/metrics`,
    })
  : undefined;
// The workflows' worker and the notifications' worker (rate-limited queue), in one process.
const worker = await createWorkers(config, { connection, readModel });
logger.info(
  {
    taskQueues: [worker.taskQueue, worker.notifications.options.taskQueue],
    notificationsPerSecond: config.notificationsPerSecond,
    metricsPort: endpoints?.port ?? null,
  },
  `[worker] démarré, files de tâches : ${worker.taskQueue}, ${worker.notifications.options.taskQueue} (${config.notificationsPerSecond} courriels/s au plus)`,
);
await worker.run();
// Drained (SIGTERM or SIGINT): close what the process opened, then exit. Something an activity left
// open (an SMTP pool, a keep-alive socket) must not keep a stopped worker alive: a test saw one
// linger for an hour after « STOPPED », which a container would only end by SIGKILL.
endpoints?.server.close();
await Promise.allSettled([opening?.then((db) => db.close()), connection.close()]);
logger.info('[worker] arrêté.');
logger.flush?.();
process.exit(0);
