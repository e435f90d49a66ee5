/**
 * Access control of the operations web app: who is calling, and what they may do.
 *
 * - Pages: a session in an encrypted cookie (@fastify/secure-session: HttpOnly,
 *   SameSite=Lax, Secure unless turned off for http://127.0.0.1), opened by the
 *   login page or the identity provider (oidc.ts); a CSRF token
 *   (@fastify/csrf-protection) on every form and checked on every state-changing
 *   request; the account is re-read on every request, so disabling it or changing
 *   its password ends its sessions at once. A session ends after
 *   JALONS_SESSION_IDLE_MINUTES (30) without a request: each request moves the
 *   limit (sliding), the next one after it goes to the login page and says why.
 * - Someone the identity provider knows and Jalons does not yet has a session that
 *   opens « Accès en attente » only (`auth: 'pending'`, pending-page.ts); once an
 *   administrator grants a role, their next request opens their account.
 * - API (/api/…): `Authorization: Bearer <personal token>`; no cookie is read, so no CSRF.
 * - Every route is closed by default. A route says otherwise in its config:
 *   `config: { auth: 'none' }` (it authenticates by itself: a partner webhook),
 *   `auth: 'bearer'` / `'session'`, and `role: 'lecture' | 'agent' | 'admin'`
 *   (default: lecture to read, agent for any other method).
 * - Security headers (@fastify/helmet, a CSP that allows nothing inline) and a
 *   per-address limit on login attempts (@fastify/rate-limit), on top of the
 *   per-account lock of store/accounts.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import csrfProtection from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import secureSession from '@fastify/secure-session';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { z } from '../../domain/validation.js';
import {
  canAct,
  checkApiToken,
  expiredTokenMessage,
  type ApiTokenCheck,
  endSessions,
  roleLabels,
  scopeOf,
  verifyLogin,
  type Account,
  type Role,
} from '../../store/accounts.js';
import { html, type Raw } from '../../domain/html.js';
import { css, page, type PageUser } from './layout.js';
import { oidcRoutes, PENDING_PAGE, type OidcOptions, type ProviderLogout } from './oidc.js';
import { pendingRoutes } from './pending-page.js';
import { REMOVED_MESSAGE } from '../../store/identities.js';
import {
  idleMessage,
  openPendingSession,
  openSession,
  sessionState,
  type SessionOptions,
} from './sessions.js';

export { sessionIdleMinutesFromEnv } from './sessions.js';
import { WEB_BODY_LIMIT_BYTES } from './cases.js';
import { TemporalUnavailable } from '../../services/paths.js';
import { frenchTemporalError, temporalErrorStatus } from '../../services/temporal-errors.js';
import { problem, PROBLEM_CONTENT_TYPE, temporalProblemCode, type ProblemCode } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `session` (pages' default), `bearer` (default under /api/), `none`: the route checks by itself,
     * `pending`: a session still waiting for an administrator's grant (pending-page.ts).
     */
    auth?: 'session' | 'bearer' | 'none' | 'pending';
    /** Lowest role allowed (default: lecture for GET/HEAD, agent otherwise). */
    role?: Role;
  }
  interface FastifyRequest {
    /** The authenticated account (null on `auth: 'none'` routes). */
    account: Account | null;
  }
}
declare module '@fastify/secure-session' {
  interface SessionData {
    login: string;
    /** The account's session version at login. */
    v: number;
    /** An SSO login under way (PKCE verifier, state, nonce, where to go after). */
    oidc: { verifier: string; state: string; nonce: string; suite: string };
    /** The last request (ms since the epoch): the idle limit counts from it. */
    seen: number;
    /** The provider's identity of someone waiting for access (no account yet). */
    pending: { iss: string; sub: string };
    /** The ID token of an OIDC sign-in: the hint for the provider's logout. */
    oidcIdToken: string;
  }
}

export interface AccessOptions extends SessionOptions {
  db: ReadModelDb;
  /** 32-byte keys; the first encrypts, the others still open older sessions (rotation). */
  sessionKeys: Buffer[];
  /** The cookie's Secure flag: on unless the app is served over plain http on the loopback. */
  secureCookie: boolean;
  /** Login attempts per address (all logins together). */
  loginRateLimit: { max: number; timeWindowMs: number };
  /** A session lasts this long after the login. */
  sessionHours: number;
  /** Login through the Département's SSO, when configured. */
  oidc?: OidcOptions | null;
}

export const SESSION_COOKIE = 'jalons_session';

/** The configured session keys, or else a key created once and kept (mode 600) in the data folder. */
export function sessionKeysOf(config: {
  sessionKeys?: Buffer[] | undefined;
  sessionKeyFile: string;
}): Buffer[] {
  if (config.sessionKeys?.length) return config.sessionKeys;
  const file = config.sessionKeyFile;
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32)
    throw new Error(`Clé de session invalide dans ${file} : 32 octets en base64 attendus.`);
  return [key];
}
const rank: Record<Role, number> = { lecture: 0, agent: 1, admin: 2 };
const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
const loginFormSchema = z.object({
  login: z.string().max(200).default(''),
  password: z.string().max(1000).default(''),
  suite: z.string().max(2000).optional(),
  _csrf: z.string().optional(),
});

/** Sections of the menu an account may not open (the others, added later ones included, are shown). */
export function hiddenSectionsFor(a: Account): string[] {
  return [
    ...(scopeOf(a).all ? [] : ['/subventions', '/rapports', '/sante']),
    // The mail room prints for the whole Département (apps/web/letters-page.ts).
    ...(canAct(a) && scopeOf(a).all ? [] : ['/courriers']),
    ...(a.role === 'admin' ? [] : ['/comptes']),
    // An account of the identity provider has no password in Jalons (password-page.ts).
    ...(a.sso ? ['/mot-de-passe'] : []),
  ];
}

/** What the page frame shows of the signed-in person (and the logout form's CSRF token). */
export function pageUser(req: FastifyRequest, reply: FastifyReply): PageUser | undefined {
  const a = req.account;
  if (!a) return undefined;
  return {
    login: a.login,
    role: roleLabels[a.role],
    csrf: reply.generateCsrf(),
    hidden: hiddenSectionsFor(a),
  };
}

/** The hidden CSRF field every form must carry. */
export const csrfField = (reply: FastifyReply): Raw =>
  html`<input type="hidden" name="_csrf" value="${reply.generateCsrf()}" />`;

export const clientIp = (req: FastifyRequest): string => req.ip;
const isApi = (req: FastifyRequest) => req.url === '/api' || req.url.startsWith('/api/');

/** Only a path on this site (never `//other.example`), for the return after login. */
const safeReturn = (suite: string | undefined) => (suite && /^\/(?!\/)[^\s\\]*$/.test(suite) ? suite : '/');

const sendHtml = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).type('text/html; charset=utf-8').send(body);

/** A page or, under /api/, a problem+json with a stable code (problem.ts), in French, for the kind of caller. */
export function refuse(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  code?: ProblemCode,
) {
  if (isApi(req))
    return reply
      .code(status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem(status, message, code));
  const title = status === 404 ? 'Introuvable' : status === 429 ? 'Trop de tentatives' : 'Refusé';
  const user = pageUser(req, reply) ?? null;
  return sendHtml(reply, status, page(title, '', html`<p role="alert">${message}</p>`, user));
}

function loginPage(
  reply: FastifyReply,
  values: { login?: string; suite?: string },
  error?: string,
  sso: string | null = null,
  notice?: string,
): string {
  const suite = safeReturn(values.suite);
  const body = html`${error ? html`<div class="alert" role="alert">${error}</div>` : ''}
    ${notice ? html`<div class="notice" role="status">${notice}</div>` : ''}
    ${
      sso
        ? html`<p>
              <a class="button" href="/connexion/oidc?suite=${encodeURIComponent(suite)}">${sso}</a>
            </p>
            <p>Ou avec un compte local de Jalons :</p>`
        : ''
    }
    <form class="login" method="post" action="/connexion">
      ${csrfField(reply)}
      <input type="hidden" name="suite" value="${safeReturn(values.suite)}" />
      <div class="field">
        <label for="login">Identifiant</label>
        <input
          id="login"
          name="login"
          autocomplete="username"
          required
          autofocus
          value="${values.login ?? ''}"
        />
      </div>
      <div class="field">
        <label for="password">Mot de passe</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
      </div>
      <button type="submit">Se connecter</button>
    </form>
    <p class="hint">Compte oublié ou bloqué : demandez à un administrateur de Jalons.</p>`;
  return page('Connexion', '', body, null);
}

async function bearerAccount(db: ReadModelDb, req: FastifyRequest): Promise<ApiTokenCheck> {
  const token = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '')?.[1];
  return token ? checkApiToken(db, token) : null;
}

const isRead = (req: FastifyRequest) => req.method === 'GET' || req.method === 'HEAD';

function checkRole(req: FastifyRequest, reply: FastifyReply, account: Account, role: Role | undefined) {
  req.account = account;
  const needed = role ?? (readMethods.has(req.method) ? 'lecture' : 'agent');
  if (rank[account.role] < rank[needed])
    return refuse(
      req,
      reply,
      403,
      needed === 'admin'
        ? 'Réservé aux administrateurs.'
        : 'Votre compte est en lecture seule : il ne peut enregistrer aucun acte.',
      'role-insuffisant',
    );
}

function authenticate(o: AccessOptions) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    req.account = null;
    const config = req.routeOptions.config;
    const auth = config.auth ?? (isApi(req) ? 'bearer' : 'session');
    if (auth === 'none') return;
    if (auth === 'bearer') {
      const check = await bearerAccount(o.db, req);
      if (check && 'account' in check) return checkRole(req, reply, check.account, config.role);
      // An expired token says so, and how to get a new one (JALONS_API_TOKEN_DAYS: store/accounts.ts).
      if (check) return refuse(req, reply, 401, expiredTokenMessage(check.expired.at, check.expired.login));
      return refuse(
        req,
        reply,
        401,
        'Authentification requise : en-tête « Authorization: Bearer <jeton personnel> ».',
      );
    }
    const state = await sessionState(o.db, req, o);
    if (state === 'pending') {
      if (auth === 'pending') return;
      if (isRead(req)) return reply.redirect(PENDING_PAGE, 303);
      return refuse(
        req,
        reply,
        403,
        'Accès en attente : un administrateur doit d’abord vous donner un rôle.',
      );
    }
    if (typeof state !== 'string')
      return auth === 'pending' ? reply.redirect('/', 303) : checkRole(req, reply, state, config.role);
    if (state === 'removed') return refuse(req, reply, 403, REMOVED_MESSAGE);
    const expired = state === 'expired';
    if (isRead(req))
      return reply.redirect(
        `/connexion?${expired ? 'raison=inactivite&' : ''}suite=${encodeURIComponent(req.url)}`,
        303,
      );
    return refuse(
      req,
      reply,
      401,
      expired
        ? `${idleMessage(o.sessionIdleMinutes)} Reconnectez-vous.`
        : 'Session expirée ou absente : reconnectez-vous.',
    );
  };
}

const frenchError = (err: FastifyError, status: number): string => {
  if (err.code?.startsWith('FST_CSRF_'))
    return 'Le formulaire a expiré ou ne vient pas de Jalons : rechargez la page et recommencez.';
  if (status === 429) return err.message;
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return 'Corps JSON invalide.';
  if (status === 413) return `Requête trop volumineuse : ${WEB_BODY_LIMIT_BYTES / 1024} Kio au plus.`;
  if (status === 415) return 'Type de contenu non pris en charge.';
  if (status < 500) return 'Requête invalide.';
  return 'Erreur interne : l’incident est journalisé côté serveur.';
};

async function loginRoutes(app: FastifyInstance, options: AccessOptions): Promise<void> {
  const { db } = options;
  const sso = options.oidc ? (options.oidc.label ?? 'Se connecter avec le compte du Département') : null;
  const providerLogout: ProviderLogout = options.oidc
    ? oidcRoutes(app, db, options.oidc, {
        fail: refuse,
        safeReturn,
        open: (req, account) => openSession(req, options, account),
        openPending: (req, identity) => openPendingSession(req, options, identity),
      })
    : async () => '/connexion';
  pendingRoutes(app, db, providerLogout);
  app.get<{ Querystring: { suite?: string; raison?: string } }>(
    '/connexion',
    { config: { auth: 'none' } },
    async (req, reply) =>
      sendHtml(
        reply,
        200,
        loginPage(
          reply,
          { suite: typeof req.query.suite === 'string' ? req.query.suite : undefined },
          undefined,
          sso,
          req.query.raison === 'inactivite' ? idleMessage(options.sessionIdleMinutes) : undefined,
        ),
      ),
  );
  app.post(
    '/connexion',
    {
      config: {
        auth: 'none',
        rateLimit: { max: options.loginRateLimit.max, timeWindow: options.loginRateLimit.timeWindowMs },
      },
      preHandler: app.csrfProtection,
    },
    async (req, reply) => {
      const form = loginFormSchema.safeParse(req.body ?? {});
      const values = form.success ? form.data : { login: '', password: '' };
      const result = await verifyLogin(db, values.login.trim(), values.password, {
        channel: 'web',
        ip: clientIp(req),
      });
      if (!result.ok) {
        const message =
          result.reason === 'locked'
            ? `Trop d’échecs de connexion pour ce compte : réessayez dans ${result.retryInMinutes} minute(s).`
            : 'Identifiant ou mot de passe incorrect.';
        return sendHtml(
          reply,
          result.reason === 'locked' ? 429 : 401,
          loginPage(reply, values, message, sso),
        );
      }
      openSession(req, options, result.account);
      return reply.redirect(safeReturn(values.suite), 303);
    },
  );
  app.post('/deconnexion', { config: { role: 'lecture' } }, async (req, reply) => {
    // Sessions are stateless cookies: logging out ends them all, so no copy outlives it.
    if (req.account) await endSessions(db, req.account.login, { channel: 'web', ip: clientIp(req) });
    const next = await providerLogout(req);
    req.session.delete();
    return reply.redirect(next, 303);
  });
}

/** Installs sessions, CSRF, headers, rate limiting, the authentication hook, login and logout. */
export async function installAccess(app: FastifyInstance, options: AccessOptions): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        // The logout form is answered by a redirect to the identity provider's end-session page.
        formAction: ["'self'", ...(options.oidc ? [new URL(options.oidc.issuer).origin] : [])],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    // The pages link nothing from elsewhere; HSTS is for the reverse proxy that terminates TLS.
    strictTransportSecurity: options.secureCookie,
  });
  await app.register(secureSession, {
    key: options.sessionKeys,
    cookieName: SESSION_COOKIE,
    expiry: options.sessionHours * 3600,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secureCookie },
  });
  await app.register(csrfProtection, { sessionPlugin: '@fastify/secure-session' });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(
        new Error(
          `Trop de tentatives de connexion depuis cette adresse : réessayez dans ${Math.ceil(ctx.ttl / 60_000)} minute(s).`,
        ),
        { statusCode: 429 },
      ),
  });
  app.decorateRequest('account', null);
  app.addHook('onRequest', authenticate(options));
  // Every state-changing request of a signed-in person carries the form's CSRF token.
  app.addHook('preHandler', (req, reply, done) => {
    const auth = req.routeOptions.config.auth ?? (isApi(req) ? 'bearer' : 'session');
    if (auth !== 'session' || readMethods.has(req.method)) return done();
    app.csrfProtection(req, reply, done);
  });
  // Personal data: never kept by a browser's or a proxy's cache.
  app.addHook('onSend', async (req, reply) => {
    if (req.routeOptions.config.auth !== 'none' || req.url.startsWith('/connexion'))
      reply.header('cache-control', 'no-store');
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    // Temporal's errors (unreachable, closed path…) in French: services/temporal-errors.ts.
    const temporal = err instanceof TemporalUnavailable ? err : frenchTemporalError(err);
    if (temporal)
      return refuse(
        req,
        reply,
        temporalErrorStatus[temporal.kind],
        temporal.message,
        temporalProblemCode[temporal.kind],
      );
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'erreur interne de l’application web');
    return refuse(req, reply, status, frenchError(err, status));
  });
  app.setNotFoundHandler((req, reply) => refuse(req, reply, 404, 'Page introuvable.'));
  app.get('/favicon.ico', { config: { auth: 'none' } }, async (_req, reply) => reply.code(204).send());
  app.get('/style.css', { config: { auth: 'none' } }, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=3600').send(css),
  );
  await loginRoutes(app, options);
}
