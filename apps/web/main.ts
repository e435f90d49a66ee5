// Operations web app process (production: the `web` service of docker-compose.yml).
import { openReadModel } from '../../store/db.js';
import { loadConfig, refuseWeakSecrets } from '../../workers/config.js';
import { createLogger, setProcessLogger } from '../../observability/logger.js';
import { connectClient } from '../../services/temporal.js';
import { sessionKeysOf } from './access.js';
import { oidcFromEnv } from './oidc.js';
import { startWebApp } from './server.js';

const logger = setProcessLogger(createLogger({ service: 'web' }));
let config: ReturnType<typeof loadConfig>;
try {
  // Placeholder or short secrets stop the start (docs/deploiement.md, « Secrets »).
  refuseWeakSecrets(process.env);
  config = loadConfig();
} catch (err) {
  logger.fatal(`Démarrage refusé : ${(err as Error).message}`);
  process.exit(1);
}
const db = await openReadModel(config.readModelUrl);
const client = await connectClient(config);
const host = process.env.JALONS_WEB_HOST ?? '127.0.0.1';
const { port } = await startWebApp({
  client,
  db,
  port: config.ports.web,
  host,
  // Several replicas share JALONS_SESSION_KEYS; the file is for a single machine.
  sessionKeys: sessionKeysOf(config),
  // Production is served over https by the reverse proxy: Secure cookie unless told otherwise.
  secureCookie: config.cookieSecure ?? true,
  ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
  logger,
  metricsToken: config.metrics.token,
  // The Département's SSO, when JALONS_OIDC_ISSUER is set (docs/deploy.md).
  oidc: oidcFromEnv(process.env),
});
logger.info(`[web] exploitation sur http://${host}:${port}`);
const stop = async () => {
  await db.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
