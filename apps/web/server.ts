/**
 * The operations web app: what is late and due this week, one beneficiary's
 * timeline and the acts a person may record there (the same validated Updates
 * as the CLI), référents' portfolios, indicators (CSV export, a chart).
 * Lists read the read model; a path's page reads the workflow itself.
 * Every page needs a signed-in account and shows only its perimeter (access.ts,
 * cases.ts); the JSON API for remote actions is in api.ts. This file assembles
 * the app and its routes; each screen is its own file (dashboard.ts,
 * path-page.ts, portfolios.ts, indicators.ts, grants-*.ts, catalogue.ts …).
 */
import { listRoutes } from './list-routes.js';
import { pathRoutes } from './path-routes.js';
import { randomBytes } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { installAccess, sessionIdleMinutesFromEnv, type AccessOptions } from './access.js';
import { apiRoutes } from './api.js';
import { apiDocsRoutes } from './api-docs.js';
import { accountRoutes } from './accounts-page.js';
import { WEB_BODY_LIMIT_BYTES } from './cases.js';
import { rdvInsertionWebhook } from './rdv-insertion-webhook.js';
import { webhookSecretsFromEnv } from '../../partners/rdv-insertion.js';
import { grantRoutes } from './grants-routes.js';
import { healthRoutes } from './health-routes.js';

export interface WebAppOptions extends Partial<Omit<AccessOptions, 'db'>> {
  client: Client;
  db: ReadModelDb;
  /** RDV-Insertion's webhook secrets (current, previous); default JALONS_RDVI_WEBHOOK_SECRET(_PREVIOUS); none: no route. */
  rdvInsertionSecrets?: string[];
  port: number;
  host?: string;
  /** The clock of "due this week" (tests). */
  now?: () => Date;
  /** Fastify's trustProxy: the exact reverse proxies whose X-Forwarded-For is believed (JALONS_TRUST_PROXY; the login limit counts per address). */
  trustProxy?: boolean | string | string[];
  /** The process's structured logger (observability/logger.ts); none: Fastify logs nothing. */
  logger?: FastifyBaseLogger;
  /** Bearer token of /metrics (JALONS_METRICS_TOKEN); none: loopback only (health-routes.ts). */
  metricsToken?: string | undefined;
}

/** The app with its routes, not yet listening (tests and other modules may add routes). */
export async function buildWebApp(options: Omit<WebAppOptions, 'port' | 'host'>): Promise<FastifyInstance> {
  const { client, db } = options;
  const now = options.now ?? (() => new Date());
  // Every body is bounded (forms and JSON alike): a megabyte is refused in French before it is parsed.
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    trustProxy: options.trustProxy ?? false,
    bodyLimit: WEB_BODY_LIMIT_BYTES,
  });
  await app.register(formbody);
  await installAccess(app, {
    db,
    // Without configured keys (tests), sessions last as long as the process.
    sessionKeys: options.sessionKeys ?? [randomBytes(32)],
    secureCookie: options.secureCookie ?? true,
    loginRateLimit: options.loginRateLimit ?? { max: 30, timeWindowMs: 60_000 },
    sessionHours: options.sessionHours ?? 10,
    // A session ends after this many minutes without a request (docs/proconnect.md).
    sessionIdleMinutes: options.sessionIdleMinutes ?? sessionIdleMinutesFromEnv(process.env),
    now,
    oidc: options.oidc ?? null,
  });
  listRoutes(app, db, now); // the lists, their exports, the accessibility statement: list-routes.ts
  pathRoutes(app, client, db); // one case: path-routes.ts
  grantRoutes(app, { client, db, now }); // « Subventions »: grants-*.ts
  apiRoutes(app, client, db, now);
  const rdviSecrets = options.rdvInsertionSecrets ?? webhookSecretsFromEnv(process.env);
  apiDocsRoutes(app, { rdvInsertionWebhook: rdviSecrets.length > 0 }); // /api/openapi.json, /api/documentation
  accountRoutes(app, db);
  healthRoutes(app, { client, db, metricsToken: options.metricsToken }); // /sante/vivant, /sante/pret, /metrics
  (await import('./health-page.js')).healthPages(app, { client, db }); // « Santé »
  if (rdviSecrets.length) await app.register(rdvInsertionWebhook, { client, db, secrets: rdviSecrets, now }); // issue 21
  await app.register((await import('./exchanges.js')).exchangePages, { client, db, now }); // issue 9
  return app;
}

export async function startWebApp(options: WebAppOptions): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildWebApp(options);
  await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : options.port };
}
