/**
 * The JSON API for remote actions (scripts, the CLI in remote mode: apps/cli/remote.ts):
 * `Authorization: Bearer <personal API token>` (see `jalons compte jeton`),
 * the same roles and perimeter as the pages, errors as `application/problem+json` (problem.ts):
 * a stable `code` and the French `detail`. Described by GET /api/openapi.json (openapi.ts) and
 * the page /api/documentation (api-docs.ts), both generated from the schemas below.
 *
 *   GET  /api/moi                      the account, its role and perimeter
 *   GET  /api/retards?territoire=…     late deadlines (filters: territoire, organisation, referent, etape;
 *                                      version 1.0's territory and step accepted for one release)
 *   GET  /api/echeances?jours=7        deadlines due within N days (same filters)
 *   GET  /api/parcours/:id             a path's state
 *   POST /api/parcours/:id/actes       { "type": …, "data": {…}, "at"?: … } → the path's new state
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { dueSoon, lateItems, type DeadlineItem } from '../../store/queries.js';
import { pathEventSchema, type PathEventInput } from '../../domain/path/path-events.js';
import { frenchIssues, z } from '../../domain/validation.js';
import { recordCaseRead, scopeOf, type Account } from '../../store/accounts.js';
import { ActionRefused, TemporalUnavailable } from '../../services/paths.js';
import { temporalErrorStatus } from '../../services/temporal-errors.js';
import { deadlineFilterFields, toDeadlineFilter } from '../../domain/path/deadline-filter.js';
import { refuse } from './access.js';
import { temporalProblemCode } from './problem.js';
import { actFor, pathFor, PathNotFound } from './cases.js';

export const filterSchema = z.object(deadlineFilterFields).strict().transform(toDeadlineFilter);
export const dueSchema = z
  .object({
    ...deadlineFilterFields,
    jours: z.coerce.number().int('nombre de jours entier attendu').min(1).max(92).default(7),
  })
  .strict()
  .transform(({ jours, ...filter }) => ({ jours, ...toDeadlineFilter(filter) }));
/** The envelope; `data` is checked by the path's own schema (domain/path/path-events.ts), bounded there. */
export const actSchema = z
  .object({
    type: z.string().max(64, 'type : 64 caractères au plus'),
    data: z.unknown().optional(),
    at: z.string().max(64, 'at : 64 caractères au plus').optional(),
  })
  .strict();

const item = (i: DeadlineItem) => ({
  beneficiaryId: i.beneficiary_id,
  kind: i.kind,
  dueAt: new Date(i.due_at).toISOString(),
  step: i.step,
  territory: i.territory,
  organisation: i.organisation,
  referent: i.referent,
});

function parsed<T>(schema: z.ZodType<T>, value: unknown, req: FastifyRequest, reply: FastifyReply): T | null {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  void refuse(req, reply, 400, frenchIssues(result.error));
  return null;
}

const account = (req: FastifyRequest): Account => {
  if (!req.account) throw new Error('route de l’API sans compte authentifié');
  return req.account;
};

async function onPath<T>(req: FastifyRequest, reply: FastifyReply, work: () => Promise<T>) {
  try {
    return await work();
  } catch (err) {
    if (err instanceof PathNotFound) return refuse(req, reply, 404, err.message);
    if (err instanceof ActionRefused) return refuse(req, reply, 422, err.message);
    if (err instanceof TemporalUnavailable)
      return refuse(req, reply, temporalErrorStatus[err.kind], err.message, temporalProblemCode[err.kind]);
    throw err;
  }
}

export function apiRoutes(app: FastifyInstance, client: Client, db: ReadModelDb, now: () => Date): void {
  const opts = { config: { auth: 'bearer' as const } };
  app.get('/api/moi', opts, async (req) => {
    const a = account(req);
    return { login: a.login, role: a.role, scope: scopeOf(a) };
  });
  app.get('/api/retards', opts, async (req, reply) => {
    const filter = parsed(filterSchema, req.query, req, reply);
    if (!filter) return reply;
    return { retards: (await lateItems(db, { ...filter, scope: scopeOf(account(req)) })).map(item) };
  });
  app.get('/api/echeances', opts, async (req, reply) => {
    const q = parsed(dueSchema, req.query, req, reply);
    if (!q) return reply;
    const { jours, ...filter } = q;
    const items = await dueSoon(db, now(), jours, { ...filter, scope: scopeOf(account(req)) });
    return { echeances: items.map(item) };
  });
  app.get<{ Params: { id: string } }>('/api/parcours/:id', opts, async (req, reply) =>
    onPath(req, reply, async () => {
      const state = await pathFor(client, account(req), req.params.id);
      // Reading a case is journaled (issue 19): only once it was found within the perimeter.
      await recordCaseRead(db, account(req).login, state.beneficiaryId, { channel: 'api', ip: req.ip });
      return state;
    }),
  );
  app.post<{ Params: { id: string } }>('/api/parcours/:id/actes', opts, async (req, reply) => {
    const body = parsed(actSchema, req.body, req, reply);
    if (!body) return reply;
    const a = account(req);
    // The same schema as the path's Update validator, for an early answer before any call.
    const checked = pathEventSchema.safeParse({ ...body, by: a.login });
    if (!checked.success) return refuse(req, reply, 422, frenchIssues(checked.error), 'acte-invalide');
    return onPath(req, reply, () => actFor(client, a, req.params.id, body as PathEventInput));
  });
}
