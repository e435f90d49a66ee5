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
import { type View } from './view.js';
import { filterKeys, dashboard } from './dashboard.js';
import { pathRoutes } from './path-routes.js';
import { portfolios } from './portfolios.js';
import { indicatorPage, indicatorCsv } from './indicators.js';
import { randomBytes } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { type ItemFilter } from '../../store/queries.js';
import { scopeOf } from '../../store/accounts.js';
import { installAccess, pageUser, type AccessOptions } from './access.js';
import { apiRoutes } from './api.js';
import { accountRoutes } from './accounts-page.js';
import { WEB_BODY_LIMIT_BYTES } from './cases.js';
import { registerPartnerCallbacks } from './partner-callbacks.js';
import { grantRoutes } from './grants-routes.js';

export interface WebAppOptions extends Partial<Omit<AccessOptions, 'db'>> {
  client: Client;
  db: ReadModelDb;
  /** The token partners present on their webhooks (the attendance callback); none: no webhook. */
  partnerToken?: string;
  port: number;
  host?: string;
  /** The clock of "due this week" (tests). */
  now?: () => Date;
  /** Fastify's trustProxy: which reverse proxies' X-Forwarded-For to believe (the login limit counts per address). */
  trustProxy?: boolean | string;
}

const viewOf = (req: FastifyRequest, reply: FastifyReply): View => {
  if (!req.account) throw new Error('page sans compte authentifié');
  return { user: pageUser(req, reply), scope: scopeOf(req.account), account: req.account };
};
const send = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);

function pageRoutes(app: FastifyInstance, client: Client, db: ReadModelDb, now: () => Date): void {
  app.get<{ Querystring: ItemFilter }>('/', async (req, reply) => {
    const filter = Object.fromEntries(
      filterKeys.map((k) => [k, typeof req.query[k] === 'string' && req.query[k] ? req.query[k] : undefined]),
    ) as ItemFilter;
    return send(reply, await dashboard(db, filter, now(), viewOf(req, reply)));
  });
  app.get('/referents', async (req, reply) => send(reply, await portfolios(db, viewOf(req, reply))));
  app.get('/indicateurs', async (req, reply) => send(reply, await indicatorPage(db, viewOf(req, reply))));
  app.get('/indicateurs.csv', async (req, reply) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="indicateurs-jalons.csv"')
      .send(await indicatorCsv(db, viewOf(req, reply).scope)),
  );
}

/** The app with its routes, not yet listening (tests and other modules may add routes). */
export async function buildWebApp(options: Omit<WebAppOptions, 'port' | 'host'>): Promise<FastifyInstance> {
  const { client, db } = options;
  const now = options.now ?? (() => new Date());
  // Every body is bounded (forms and JSON alike): a megabyte is refused in French before it is parsed.
  const app = Fastify({
    logger: false,
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
    oidc: options.oidc ?? null,
  });
  pageRoutes(app, client, db, now);
  pathRoutes(app, client, db); // one case: path-routes.ts
  grantRoutes(app, { client, db, now }); // « Subventions »: grants-*.ts
  apiRoutes(app, client, db, now);
  accountRoutes(app, db);
  (await import('./health-page.js')).healthPages(app, { client, db }); // « Santé »
  if (options.partnerToken) registerPartnerCallbacks(app, { client, token: options.partnerToken });
  await app.register((await import('./exchanges.js')).exchangePages, { client, db, now }); // issue 9
  return app;
}

export async function startWebApp(options: WebAppOptions): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildWebApp(options);
  await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : options.port };
}
