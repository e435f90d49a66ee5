/**
 * The routes of the lists (« Retards et échéances », the search by case number,
 * « Portefeuilles des référents », « Indicateurs ») and their exports, plus the
 * pages every visitor may read (the accessibility statement, the Département's
 * logo). Each list reads its filters, page and order from the URL, checked
 * here: a wrong value gets one French sentence naming the parameter and its
 * bound, and shows nothing else.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { scopeOf } from '../../store/accounts.js';
import { dueSoonPage, lateItemsPage, type ItemFilter, type Scope } from '../../store/queries.js';
import { frenchIssues } from '../../domain/validation.js';
import { listQuerySchema, type ListQuery } from './list-query.js';
import { pageUser, refuse } from './access.js';
import { dashboard, deadlineColumns, filterKeys, filterParams, type DashboardQuery } from './dashboard.js';
import {
  EXPORT_MAX_ROWS,
  exportRefusal,
  sendExport,
  type ExportedList,
  type ExportFormat,
} from './exports.js';
import { indicatorExport, indicatorPage } from './indicators.js';
import { portfolios, portfolioExport } from './portfolios.js';
import { searchPage } from './search-page.js';
import { accessibilityRoutes } from './accessibility.js';
import type { View } from './view.js';

const viewOf = (req: FastifyRequest, reply: FastifyReply): View => {
  if (!req.account) throw new Error('page sans compte authentifié');
  return { user: pageUser(req, reply), scope: scopeOf(req.account), account: req.account };
};
const send = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);

/** The query, or null when refused (the refusal is sent). */
function listQuery(req: FastifyRequest, reply: FastifyReply): ListQuery | null {
  const parsed = listQuerySchema.safeParse(req.query ?? {});
  if (parsed.success) return parsed.data;
  void refuse(req, reply, 400, `Paramètre refusé : ${frenchIssues(parsed.error)}.`);
  return null;
}

export function dashboardQuery(q: ListQuery): DashboardQuery {
  const filter = Object.fromEntries(filterKeys.map((k) => [k, q[filterParams[k] as keyof ListQuery]]));
  return { filter: filter as ItemFilter, page: q.page, weekPage: q.page_semaine, order: q.ordre };
}

const format = (req: FastifyRequest): ExportFormat =>
  req.url.split('?')[0]!.endsWith('.xlsx') ? 'xlsx' : 'csv';

function deadlineExports(app: FastifyInstance, db: ReadModelDb, now: () => Date): void {
  for (const list of ['retards', 'echeances'] as const)
    for (const ext of ['csv', 'xlsx'])
      app.get(`/${list}.${ext}`, async (req, reply) => {
        const view = viewOf(req, reply);
        const q = listQuery(req, reply);
        if (!q) return reply;
        const dq = dashboardQuery(q);
        const filter = { ...dq.filter, scope: view.scope };
        const at = now();
        const read = (limit: number) =>
          list === 'retards'
            ? lateItemsPage(db, filter, { offset: 0, limit, order: dq.order })
            : dueSoonPage(db, at, 7, filter, { offset: 0, limit, order: dq.order });
        // Counted first: a list above the bound is refused without being read.
        const refusal = exportRefusal((await read(0)).total);
        if (refusal) return refuse(req, reply, 422, refusal);
        const { rows } = await read(EXPORT_MAX_ROWS);
        return sendExport(reply, format(req), `${list}-jalons`, deadlineColumns(list === 'retards'), rows);
      });
}

/** `<path>.csv` and `<path>.xlsx`: the whole list `make` reads with the query's filters. */
function exportRoute<T>(
  app: FastifyInstance,
  db: ReadModelDb,
  path: string,
  make: (db: ReadModelDb, q: ListQuery, scope: Scope) => Promise<ExportedList<T>>,
): void {
  for (const ext of ['csv', 'xlsx'])
    app.get(`${path}.${ext}`, async (req, reply) => {
      const q = listQuery(req, reply);
      if (!q) return reply;
      const list = await make(db, q, viewOf(req, reply).scope);
      const refusal = exportRefusal(list.rows.length);
      if (refusal) return refuse(req, reply, 422, refusal);
      return sendExport(reply, format(req), list.name, list.columns, list.rows);
    });
}

/** The lists' routes, the exports and the public pages (accessibility statement, logo). */
export function listRoutes(app: FastifyInstance, db: ReadModelDb, now: () => Date): void {
  app.get('/', async (req, reply) => {
    const q = listQuery(req, reply);
    return q ? send(reply, await dashboard(db, dashboardQuery(q), now(), viewOf(req, reply))) : reply;
  });
  deadlineExports(app, db, now);
  app.get('/recherche', async (req, reply) => {
    const q = listQuery(req, reply);
    if (!q) return reply;
    const result = await searchPage(db, q, viewOf(req, reply));
    return 'redirect' in result ? reply.redirect(result.redirect, 303) : send(reply, result.html);
  });
  app.get('/referents', async (req, reply) => {
    const q = listQuery(req, reply);
    return q ? send(reply, await portfolios(db, q, viewOf(req, reply))) : reply;
  });
  app.get('/indicateurs', async (req, reply) => {
    const q = listQuery(req, reply);
    return q ? send(reply, await indicatorPage(db, q, viewOf(req, reply))) : reply;
  });
  exportRoute(app, db, '/referents', portfolioExport);
  exportRoute(app, db, '/indicateurs', indicatorExport);
  accessibilityRoutes(app);
}
