// Operations web app process (production: the `web` service of docker-compose.yml).
import { openReadModel } from '../../store/db.js';
import { loadConfig } from '../../workers/config.js';
import { connectClient } from '../../services/temporal.js';
import { sessionKeysOf } from './access.js';
import { oidcFromEnv } from './oidc.js';
import { startWebApp } from './server.js';

const config = loadConfig();
const db = await openReadModel(config.readModelUrl);
const client = await connectClient(config);
const host = process.env.JALONS_WEB_HOST ?? '127.0.0.1';
const { port } = await startWebApp({
  client,
  db,
  port: config.ports.web,
  host,
  // The attendance webhook of the appointments service, when partners have a token.
  ...(process.env.JALONS_PARTNER_TOKEN ? { partnerToken: process.env.JALONS_PARTNER_TOKEN } : {}),
  // Several replicas share JALONS_SESSION_KEYS; the file is for a single machine.
  sessionKeys: sessionKeysOf(config),
  // Production is served over https by the reverse proxy: Secure cookie unless told otherwise.
  secureCookie: config.cookieSecure ?? true,
  ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
  // The Département's SSO, when JALONS_OIDC_ISSUER is set (docs/deploy.md).
  oidc: oidcFromEnv(process.env),
});
console.error(`[web] exploitation sur http://${host}:${port}`);
const stop = async () => {
  await db.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
