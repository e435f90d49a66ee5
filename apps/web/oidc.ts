/**
 * Login through an OpenID Connect provider: ProConnect (the identity federation
 * of public agents) or the Département's own SSO (authorization code, with PKCE
 * when the provider offers it, `openid-client`; signatures of the ID token and of
 * a signed userinfo checked against the provider's keys). docs/proconnect.md.
 *
 * The provider says who the person is; the account is keyed on its issuer and
 * subject. By default Jalons gives roles itself: someone it does not know waits
 * on « Accès en attente » until an administrator grants a role and a perimeter
 * (store/identities.ts). With JALONS_OIDC_TRUST_ROLES=true the provider's role
 * and perimeter claims are used instead, as before (claim names and role values
 * configurable, docs/deploy.md).
 */
import * as oidc from 'openid-client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { frenchIssues, z } from '../../domain/validation.js';
import { recordAccountEvent, roles, type Account, type NewAccount, type Role } from '../../store/accounts.js';
import { signInIdentity, upsertClaimedAccount, type ProviderIdentity } from '../../store/identities.js';
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
  /** Take the role and perimeter from the provider's claims (off: an administrator grants them). */
  trustRoleClaims?: boolean;
  /** `acr_values` of the authorization request (ProConnect: `eidas1`). */
  acrValues?: string;
  /** The userinfo answer is a JWT signed with this algorithm (ProConnect: as registered, RS256 or ES256). */
  userinfoSignedAlg?: string;
  /** The ID token's signing algorithm, as registered with the provider (default RS256). */
  idTokenSignedAlg?: string;
  /** The login page's button (ProConnect: « S’identifier avec ProConnect »). */
  label?: string;
  /** Tests only: a provider served over plain http on the loopback. */
  allowHttp?: boolean;
}

/** What the login routes need of access.ts (which imports this file). */
export interface OidcHooks {
  fail: (req: FastifyRequest, reply: FastifyReply, status: number, message: string) => unknown;
  safeReturn: (suite: string | undefined) => string;
  /** Opens the session of an account (a new session: nothing from before carries over). */
  open: (req: FastifyRequest, account: Account) => void;
  /** Opens a session that may only see « Accès en attente ». */
  openPending: (req: FastifyRequest, identity: { iss: string; sub: string }) => void;
}

export const PENDING_PAGE = '/acces-en-attente';

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

const text = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : null;

/** Who the provider says the person is (ProConnect: given_name, usual_name, email, siret). */
export function identityFromClaims(claims: Record<string, unknown>): ProviderIdentity {
  const issuer = text(claims.iss);
  const subject = typeof claims.sub === 'string' && claims.sub ? claims.sub : null;
  if (!issuer || !subject)
    throw new ActionRefused('Le fournisseur d’identité ne donne ni émetteur ni sujet.');
  const family = text(claims.usual_name) ?? text(claims.family_name);
  const name = [text(claims.given_name), family].filter(Boolean).join(' ') || text(claims.name);
  return { issuer, subject, email: text(claims.email), name, siret: text(claims.siret) };
}

/** The provider's configuration, discovered once (again after a failure), signatures checked. */
function discoverer(o: OidcOptions): () => Promise<oidc.Configuration> {
  let discovered: Promise<oidc.Configuration> | undefined;
  const metadata: Partial<oidc.ClientMetadata> = {
    client_secret: o.clientSecret,
    ...(o.userinfoSignedAlg ? { userinfo_signed_response_alg: o.userinfoSignedAlg } : {}),
    ...(o.idTokenSignedAlg ? { id_token_signed_response_alg: o.idTokenSignedAlg } : {}),
  };
  return () =>
    (discovered ??= oidc
      .discovery(new URL(o.issuer), o.clientId, metadata, oidc.ClientSecretPost(o.clientSecret), {
        ...(o.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .then((config) => {
        // ProConnect asks its clients to check the ID token's and the userinfo's signatures.
        oidc.enableNonRepudiationChecks(config);
        return config;
      })
      .catch((err: unknown) => {
        discovered = undefined; // try again at the next login
        throw err;
      }));
}

/** After the provider vouched for the person: their account, « Accès en attente », or a refusal. */
async function signIn(
  db: ReadModelDb,
  o: OidcOptions,
  hooks: OidcHooks,
  {
    req,
    reply,
    claims,
    suite,
    idToken,
  }: {
    req: FastifyRequest;
    reply: FastifyReply;
    claims: Record<string, unknown>;
    suite: string;
    idToken: string | undefined;
  },
) {
  const keep = () => idToken && req.session.set(ID_TOKEN, idToken);
  const origin = { channel: 'oidc' as const, ip: req.ip };
  try {
    const identity = identityFromClaims(claims);
    if (o.trustRoleClaims) {
      hooks.open(req, await upsertClaimedAccount(db, identity, accountFromClaims(claims, o), origin));
      keep();
      return reply.redirect(suite, 303);
    }
    const result = await signInIdentity(db, identity, origin);
    if (result.kind === 'refused') return hooks.fail(req, reply, 403, result.message);
    if (result.kind === 'pending') {
      hooks.openPending(req, { iss: identity.issuer, sub: identity.subject });
      keep();
      return reply.redirect(PENDING_PAGE, 303);
    }
    hooks.open(req, result.account);
    keep();
    return reply.redirect(suite, 303);
  } catch (err) {
    if (!(err instanceof ActionRefused) && !(err instanceof z.ZodError)) throw err;
    const message = err instanceof z.ZodError ? frenchIssues(err) : err.message;
    const login = typeof claims[o.claims.login] === 'string' ? (claims[o.claims.login] as string) : null;
    await recordAccountEvent(
      db,
      null,
      'login.failed',
      origin,
      `OIDC ${login ?? ''} : ${message}`.slice(0, 300),
    );
    return hooks.fail(req, reply, 403, message);
  }
}

/** The login routes of the SSO; the login page links to /connexion/oidc. */
/**
 * Where logging out sends the browser: the provider's end-session endpoint with the ID token of the
 * sign-in (ProConnect asks its clients to end the agent's session there too, docs/proconnect.md), or
 * the login page when the session came from a password or the provider is out of reach.
 */
export type ProviderLogout = (req: FastifyRequest) => Promise<string>;

/** The session key holding the ID token of an OIDC sign-in, for the provider's logout. */
const ID_TOKEN = 'oidcIdToken' as const;

export function oidcRoutes(
  app: FastifyInstance,
  db: ReadModelDb,
  o: OidcOptions,
  hooks: OidcHooks,
): ProviderLogout {
  const configuration = discoverer(o);
  const origin = (req: FastifyRequest) => ({ channel: 'oidc' as const, ip: req.ip });

  app.get<{ Querystring: { suite?: string } }>(
    '/connexion/oidc',
    { config: { auth: 'none' } },
    async (req, reply) => {
      const config = await configuration();
      // PKCE when the provider offers it (ProConnect's documented request has state and nonce only).
      const pkce = config.serverMetadata().supportsPKCE();
      const pending = {
        verifier: pkce ? oidc.randomPKCECodeVerifier() : '',
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        suite: hooks.safeReturn(typeof req.query.suite === 'string' ? req.query.suite : undefined),
      };
      req.session.set('oidc', pending);
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: o.redirectUrl,
        scope: o.scope,
        ...(pkce
          ? {
              code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
              code_challenge_method: 'S256',
            }
          : {}),
        ...(o.acrValues ? { acr_values: o.acrValues } : {}),
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
      return hooks.fail(req, reply, 400, 'Connexion expirée ou commencée ailleurs : recommencez.');
    const config = await configuration();
    let claims: Record<string, unknown>;
    let idToken: string | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl(o.redirectUrl, req.url), {
        ...(pending.data.verifier ? { pkceCodeVerifier: pending.data.verifier } : {}),
        expectedState: pending.data.state,
        expectedNonce: pending.data.nonce,
      });
      idToken = tokens.id_token;
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('jeton d’identité absent');
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      // The ID token's issuer and subject are the key: the userinfo cannot override them.
      claims = { ...idClaims, ...info, iss: idClaims.iss, sub: idClaims.sub };
    } catch (err) {
      await recordAccountEvent(
        db,
        null,
        'login.failed',
        origin(req),
        `OIDC : ${(err as Error).message}`.slice(0, 300),
      );
      return hooks.fail(
        req,
        reply,
        401,
        'La connexion par le fournisseur d’identité a échoué : recommencez.',
      );
    }
    return signIn(db, o, hooks, { req, reply, claims, suite: pending.data.suite, idToken });
  });
  return providerLogout(o, configuration);
}

function providerLogout(o: OidcOptions, configuration: () => Promise<oidc.Configuration>): ProviderLogout {
  return async (req) => {
    const idToken = req.session.get(ID_TOKEN);
    if (!idToken) return '/connexion';
    try {
      const config = await configuration();
      if (!config.serverMetadata().end_session_endpoint) return '/connexion';
      return oidc.buildEndSessionUrl(config, {
        id_token_hint: idToken,
        post_logout_redirect_uri: new URL('/connexion', o.redirectUrl).href,
        state: oidc.randomState(),
      }).href;
    } catch {
      return '/connexion'; // logging out of Jalons never waits on the provider
    }
  };
}

/** Signatures checked against the provider's published keys: asymmetric algorithms only. */
const algorithm = (name: string) =>
  z.enum(['RS256', 'ES256', 'PS256'], { error: `${name} : RS256, ES256 ou PS256 attendu` });

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
    JALONS_OIDC_TRUST_ROLES: z
      .enum(['true', 'false'], {
        error: 'JALONS_OIDC_TRUST_ROLES : true ou false attendu',
      })
      .default('false'),
    JALONS_OIDC_ACR_VALUES: z.string().optional(),
    JALONS_OIDC_LABEL: z.string().max(80, 'JALONS_OIDC_LABEL : 80 caractères au plus').optional(),
    JALONS_OIDC_USERINFO_ALG: algorithm('JALONS_OIDC_USERINFO_ALG').optional(),
    JALONS_OIDC_ID_TOKEN_ALG: algorithm('JALONS_OIDC_ID_TOKEN_ALG').optional(),
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
    trustRoleClaims: e.JALONS_OIDC_TRUST_ROLES === 'true',
    ...(e.JALONS_OIDC_ACR_VALUES ? { acrValues: e.JALONS_OIDC_ACR_VALUES } : {}),
    ...(e.JALONS_OIDC_LABEL ? { label: e.JALONS_OIDC_LABEL } : {}),
    ...(e.JALONS_OIDC_USERINFO_ALG ? { userinfoSignedAlg: e.JALONS_OIDC_USERINFO_ALG } : {}),
    ...(e.JALONS_OIDC_ID_TOKEN_ALG ? { idTokenSignedAlg: e.JALONS_OIDC_ID_TOKEN_ALG } : {}),
    ...(e.JALONS_OIDC_ROLE_MAP
      ? {
          roleMap: Object.fromEntries(
            e.JALONS_OIDC_ROLE_MAP.split(',').map((pair) => pair.split('=') as [string, Role]),
          ),
        }
      : {}),
  };
}
