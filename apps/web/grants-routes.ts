/**
 * The routes of the « Subventions » screens. Grant cycles are the
 * Département's: an account limited to a perimeter does not see them. Reading
 * needs any role; recording an act needs agent or admin (access.ts refuses the
 * others before the handler), with the form's CSRF token; the calendar feed
 * authenticates by its secret link alone.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { canAct, scopeOf, type Account } from '../../store/accounts.js';
import { clientIp, csrfField, pageUser, refuse } from './access.js';
import { formsFor, recordAct } from './grants-acts.js';
import { grantFor, GrantNotFound, listGrants } from './grants-data.js';
import { deadlinesPage } from './grants-deadlines.js';
import type { FieldErrors, FormValues } from './grants-form.js';
import {
  accountByCalendarToken,
  calendarFeed,
  calendarPage,
  calendarTokenSince,
  issueCalendarToken,
  revokeCalendarToken,
} from './grants-ical.js';
import { cyclePage, grantsListPage } from './grants-pages.js';

export interface GrantRoutesOptions {
  client: Client;
  db: ReadModelDb;
  now: () => Date;
}

const send = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);

/** The signed-in account, if it may see the grants; otherwise the refusal is sent and null returned. */
function grantsAccount(req: FastifyRequest, reply: FastifyReply): Account | null {
  const account = req.account;
  if (!account) throw new Error('page sans compte authentifié');
  if (scopeOf(account).all) return account;
  void refuse(req, reply, 403, 'Les subventions sont réservées aux comptes qui voient tous les dossiers.');
  return null;
}

const formValues = (body: unknown): FormValues => {
  const out: FormValues = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
};

function calendarRoutes(app: FastifyInstance, { db, now }: GrantRoutesOptions): void {
  const base = (req: FastifyRequest) => `${req.protocol}://${req.host}`;
  app.get('/subventions/calendrier', async (req, reply) => {
    const account = grantsAccount(req, reply);
    if (!account) return reply;
    const since = await calendarTokenSince(db, account.login);
    return send(reply, calendarPage({ user: pageUser(req, reply), csrf: csrfField(reply), since }));
  });
  // Reading one's own deadlines: any role may have a link.
  app.post('/subventions/calendrier', { config: { role: 'lecture' } }, async (req, reply) => {
    const account = grantsAccount(req, reply);
    if (!account) return reply;
    const token = await issueCalendarToken(db, account.login, clientIp(req));
    const link = `${base(req)}/subventions/agenda/${token}.ics`;
    return send(
      reply,
      calendarPage({ user: pageUser(req, reply), csrf: csrfField(reply), since: now().toISOString(), link }),
    );
  });
  app.post('/subventions/calendrier/revoquer', { config: { role: 'lecture' } }, async (req, reply) => {
    const account = grantsAccount(req, reply);
    if (!account) return reply;
    const revoked = await revokeCalendarToken(db, account.login, clientIp(req));
    const notice = revoked ? 'Lien révoqué : il ne donne plus rien.' : 'Aucun lien à révoquer.';
    return send(
      reply,
      calendarPage({ user: pageUser(req, reply), csrf: csrfField(reply), since: null, notice }),
    );
  });
  app.get<{ Params: { file: string } }>(
    '/subventions/agenda/:file',
    { config: { auth: 'none' } },
    async (req, reply) => {
      const token = /^(.*)\.ics$/.exec(req.params.file)?.[1] ?? '';
      const account = await accountByCalendarToken(db, token);
      // An unknown, revoked or no longer entitled link: as if the page did not exist.
      if (!account) return refuse(req, reply, 404, 'Page introuvable.');
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .send(await calendarFeed(db, base(req), now()));
    },
  );
}

function cycleRoutes(app: FastifyInstance, { client, db, now }: GrantRoutesOptions): void {
  app.get<{ Params: { id: string }; Querystring: { fait?: string } }>(
    '/subventions/:id',
    async (req, reply) => {
      const account = grantsAccount(req, reply);
      if (!account) return reply;
      try {
        const { state, stale } = await grantFor(client, db, req.params.id);
        const acting = canAct(account);
        const done = typeof req.query.fait === 'string' ? req.query.fait.slice(0, 200) : undefined;
        const body = cyclePage({
          state,
          stale,
          now: now(),
          user: pageUser(req, reply),
          login: account.login,
          forms: acting ? formsFor(state, now()) : null,
          csrf: acting ? csrfField(reply) : null,
          ...(done ? { done } : {}),
        });
        return send(reply, body);
      } catch (err) {
        if (err instanceof GrantNotFound) return refuse(req, reply, 404, err.message);
        throw err;
      }
    },
  );
  app.post<{ Params: { id: string; key: string } }>('/subventions/:id/actes/:key', async (req, reply) => {
    const account = grantsAccount(req, reply);
    if (!account) return reply;
    const { id, key } = req.params;
    let found;
    try {
      found = await grantFor(client, db, id);
    } catch (err) {
      if (err instanceof GrantNotFound) return refuse(req, reply, 404, err.message);
      throw err;
    }
    const values = formValues(req.body);
    const title = formsFor(found.state, now()).find((f) => f.key === key)?.title ?? key;
    const result = found.stale
      ? {
          ok: false as const,
          values,
          errors: {
            '': 'Temporal ne répond pas : aucun acte ne peut être enregistré pour l’instant.',
          } as FieldErrors,
        }
      : await recordAct(client, account, found.state, key, values, now());
    if (result.ok)
      return reply.redirect(`/subventions/${encodeURIComponent(id)}?fait=${encodeURIComponent(title)}`, 303);
    const body = cyclePage({
      state: found.state,
      stale: found.stale,
      now: now(),
      user: pageUser(req, reply),
      login: account.login,
      forms: formsFor(found.state, now()),
      csrf: csrfField(reply),
      refused: { key, values: result.values, errors: result.errors },
    });
    return send(reply.code(422), body);
  });
}

/** Registers every grant screen on the app (server.ts). */
export function grantRoutes(app: FastifyInstance, options: GrantRoutesOptions): void {
  app.get('/subventions', async (req, reply) => {
    if (!grantsAccount(req, reply)) return reply;
    return send(reply, grantsListPage(await listGrants(options.db), options.now(), pageUser(req, reply)));
  });
  app.get('/subventions/echeances', async (req, reply) => {
    if (!grantsAccount(req, reply)) return reply;
    return send(reply, await deadlinesPage(options.db, options.now(), pageUser(req, reply)));
  });
  calendarRoutes(app, options);
  cycleRoutes(app, options);
}
