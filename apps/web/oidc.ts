/**
 * Login through the Département's SSO (OpenID Connect, authorization code with
 * PKCE, `openid-client`). The provider says who the person is and, through
 * claims, their role and perimeter; the account is created or brought up to
 * date at each login (a local account of the same login is never taken over,
 * and a locally disabled account stays disabled). Claim names and role values
 * are configurable (JALONS_OIDC_*, docs/deploy.md).
 */
import * as oidc from 'openid-client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { frenchIssues, z } from '../../domain/validation.js';
import {
  recordAccountEvent,
  roles,
  upsertOidcAccount,
  type NewAccount,
  type Role,
} from '../../store/accounts.js';
import { ActionRefused } from '../../services/paths.js';

export interface OidcOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** This app's callback, as registered with the provider: https://…/connexion/oidc/retour */
  redirectUrl: string;
  scope: string;
  claims: { login: string; role: string; organisations: string; territories: string };
  /** Provider values (e.g. groups) → Jalons roles; without it the claim holds lecture, agent or admin. */
  roleMap?: Record<string, Role>;
  /** Tests only: a provider served over plain http on the loopback. */
  allowHttp?: boolean;
}

export const OIDC_CALLBACK = '/connexion/oidc/retour';

/** The registered callback with the query the provider sent (the app may sit under a proxy's prefix). */
const callbackUrl = (registered: string, requested: string) => {
  const url = new URL(registered);
  url.search = new URL(requested, 'http://x').search;
  return url;
};
const pendingSchema = z.object({
  verifier: z.string(),
  state: z.string(),
  nonce: z.string(),
  suite: z.string(),
});
const rank: Record<Role, number> = { lecture: 0, agent: 1, admin: 2 };

/** A claim as a list of strings (providers send arrays, or one comma-separated string). */
const values = (claim: unknown): string[] =>
  (Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(',') : [])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim())
    .filter(Boolean);

/** The account the provider's claims describe; `*` among organisations or territories = all cases. */
export function accountFromClaims(claims: Record<string, unknown>, o: OidcOptions): NewAccount {
  const login = claims[o.claims.login];
  const granted = values(claims[o.claims.role])
    .map((v) =>
      o.roleMap ? o.roleMap[v] : (roles as readonly string[]).includes(v) ? (v as Role) : undefined,
    )
    .filter((r): r is Role => r !== undefined)
    .sort((a, b) => rank[b] - rank[a]);
  if (typeof login !== 'string')
    throw new ActionRefused(`Le fournisseur d’identité ne donne pas « ${o.claims.login} ».`);
  const role = granted[0];
  if (!role)
    throw new ActionRefused(
      'Votre compte du Département n’a aucun rôle dans Jalons : demandez-le à un administrateur.',
    );
  const organisations = values(claims[o.claims.organisations]);
  const territories = values(claims[o.claims.territories]);
  const all = role === 'admin' || organisations.includes('*') || territories.includes('*');
  return all ? { login, role, allCases: role !== 'admin' } : { login, role, organisations, territories };
}

/** The login routes of the SSO; the login page links to /connexion/oidc. */
export function oidcRoutes(
  app: FastifyInstance,
  db: ReadModelDb,
  o: OidcOptions,
  fail: (req: FastifyRequest, reply: FastifyReply, status: number, message: string) => unknown,
  safeReturn: (suite: string | undefined) => string,
): void {
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () =>
    (discovered ??= oidc
      .discovery(new URL(o.issuer), o.clientId, o.clientSecret, undefined, {
        ...(o.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .catch((err: unknown) => {
        discovered = undefined; // try again at the next login
        throw err;
      }));
  const origin = (req: FastifyRequest) => ({ channel: 'oidc' as const, ip: req.ip });

  app.get<{ Querystring: { suite?: string } }>(
    '/connexion/oidc',
    { config: { auth: 'none' } },
    async (req, reply) => {
      const config = await configuration();
      const pending = {
        verifier: oidc.randomPKCECodeVerifier(),
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        suite: safeReturn(typeof req.query.suite === 'string' ? req.query.suite : undefined),
      };
      req.session.set('oidc', pending);
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: o.redirectUrl,
        scope: o.scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return reply.redirect(url.href, 303);
    },
  );

  app.get(OIDC_CALLBACK, { config: { auth: 'none' } }, async (req, reply) => {
    const pending = pendingSchema.safeParse(req.session.get('oidc'));
    req.session.set('oidc', undefined);
    if (!pending.success)
      return fail(req, reply, 400, 'Connexion expirée ou commencée ailleurs : recommencez.');
    const config = await configuration();
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl(o.redirectUrl, req.url), {
        pkceCodeVerifier: pending.data.verifier,
        expectedState: pending.data.state,
        expectedNonce: pending.data.nonce,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('jeton d’identité absent');
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...idClaims, ...info };
    } catch (err) {
      await recordAccountEvent(
        db,
        null,
        'login.failed',
        origin(req),
        `OIDC : ${(err as Error).message}`.slice(0, 300),
      );
      return fail(req, reply, 401, 'La connexion par le compte du Département a échoué : recommencez.');
    }
    try {
      const account = await upsertOidcAccount(db, accountFromClaims(claims, o), origin(req));
      req.session.regenerate();
      req.session.set('login', account.login);
      req.session.set('v', account.sessionVersion);
      return reply.redirect(pending.data.suite, 303);
    } catch (err) {
      if (!(err instanceof ActionRefused) && !(err instanceof z.ZodError)) throw err;
      const message = err instanceof z.ZodError ? frenchIssues(err) : err.message;
      const login = typeof claims[o.claims.login] === 'string' ? (claims[o.claims.login] as string) : null;
      await recordAccountEvent(
        db,
        null,
        'login.failed',
        origin(req),
        `OIDC ${login ?? ''} : ${message}`.slice(0, 300),
      );
      return fail(req, reply, 403, message);
    }
  });
}

/** The SSO settings from the environment, or null when JALONS_OIDC_ISSUER is not set. */
export function oidcFromEnv(env: NodeJS.ProcessEnv): OidcOptions | null {
  const schema = z.object({
    JALONS_OIDC_ISSUER: z.url({ protocol: /^https$/, error: 'JALONS_OIDC_ISSUER : adresse https attendue' }),
    JALONS_OIDC_CLIENT_ID: z.string().min(1, 'JALONS_OIDC_CLIENT_ID requis'),
    JALONS_OIDC_CLIENT_SECRET: z.string().min(1, 'JALONS_OIDC_CLIENT_SECRET requis'),
    JALONS_OIDC_REDIRECT_URL: z.url({
      protocol: /^https$/,
      error: 'JALONS_OIDC_REDIRECT_URL : adresse https attendue',
    }),
    JALONS_OIDC_SCOPE: z.string().default('openid profile'),
    JALONS_OIDC_LOGIN_CLAIM: z.string().default('preferred_username'),
    JALONS_OIDC_ROLE_CLAIM: z.string().default('jalons_role'),
    JALONS_OIDC_ORGANISATIONS_CLAIM: z.string().default('jalons_organisations'),
    JALONS_OIDC_TERRITORIES_CLAIM: z.string().default('jalons_territoires'),
    JALONS_OIDC_ROLE_MAP: z
      .string()
      .regex(/^[^=,]+=(lecture|agent|admin)(,[^=,]+=(lecture|agent|admin))*$/, {
        error:
          'JALONS_OIDC_ROLE_MAP : « valeur=rôle » séparés par des virgules (rôles : lecture, agent, admin)',
      })
      .optional(),
  });
  if (!env.JALONS_OIDC_ISSUER) return null;
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Configuration OIDC invalide : ${frenchIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    issuer: e.JALONS_OIDC_ISSUER,
    clientId: e.JALONS_OIDC_CLIENT_ID,
    clientSecret: e.JALONS_OIDC_CLIENT_SECRET,
    redirectUrl: e.JALONS_OIDC_REDIRECT_URL,
    scope: e.JALONS_OIDC_SCOPE,
    claims: {
      login: e.JALONS_OIDC_LOGIN_CLAIM,
      role: e.JALONS_OIDC_ROLE_CLAIM,
      organisations: e.JALONS_OIDC_ORGANISATIONS_CLAIM,
      territories: e.JALONS_OIDC_TERRITORIES_CLAIM,
    },
    ...(e.JALONS_OIDC_ROLE_MAP
      ? {
          roleMap: Object.fromEntries(
            e.JALONS_OIDC_ROLE_MAP.split(',').map((pair) => pair.split('=') as [string, Role]),
          ),
        }
      : {}),
  };
}
