/**
 * A stand-in for ProConnect (the identity federation of public agents) for the
 * tests: a real OpenID Connect provider (`oidc-provider`) that behaves as
 * ProConnect's documentation describes for a service provider (docs/proconnect.md):
 * authorization code, client_secret_post, identity claims only (`given_name`,
 * `usual_name`, `email`, `uid`, `siret`, `idp_id` — no role, no perimeter), the
 * userinfo answered as a JWT signed with RS256, `acr_values=eidas1` accepted, no
 * consent screen. Its login page takes the `sub` as login (any password): the
 * people it knows are in `people`, which a test may change between two sign-ins
 * (a new e-mail for the same subject, another subject with the same e-mail).
 * Never imported by production code.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

export interface Agent {
  email: string;
  given_name: string;
  usual_name: string;
  siret: string;
}

export interface ProConnectSimulator {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The agents it knows, by subject (`sub`). */
  people: Map<string, Agent>;
  close(): Promise<void>;
}

const SCOPES = ['openid', 'email', 'given_name', 'usual_name', 'siret', 'uid', 'idp_id'];

/** No consent page (ProConnect has none): the grant covers the scopes asked. */
async function loadExistingGrant(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const existing = oidc.session?.grantIdFor(oidc.client!.clientId);
  if (existing) return oidc.provider.Grant.find(existing);
  const grant = new oidc.provider.Grant({
    clientId: oidc.client!.clientId,
    accountId: oidc.session!.accountId!,
  });
  grant.addOIDCScope(String(oidc.params?.scope ?? 'openid'));
  await grant.save();
  return grant;
}

/** The end-session page: the agent confirms, the provider's session ends, back to the service. */
async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.body = `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Déconnexion</title></head>
    <body><h1>Se déconnecter de ProConnect</h1>${form}
    <button type="submit" form="op.logoutForm" value="yes" name="logout">Se déconnecter</button></body></html>`;
}

export async function startProConnectSimulator(options: {
  port: number;
  redirectUris: string[];
  people?: Record<string, Agent>;
}): Promise<ProConnectSimulator> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const clientId = 'jalons-proconnect';
  const clientSecret = randomBytes(24).toString('hex');
  const people = new Map(Object.entries(options.people ?? {}));
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        // Where Jalons' logout comes back to: its login page (apps/web/oidc.ts).
        post_logout_redirect_uris: options.redirectUris.map((uri) => new URL('/connexion', uri).href),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'RS256',
        userinfo_signed_response_alg: 'RS256',
      },
    ],
    jwks: { keys: [{ ...key, kid: 'simulateur-proconnect', alg: 'RS256', use: 'sig' }] },
    scopes: SCOPES,
    claims: {
      openid: ['sub'],
      email: ['email'],
      given_name: ['given_name'],
      usual_name: ['usual_name'],
      siret: ['siret'],
      uid: ['uid'],
      idp_id: ['idp_id'],
    },
    acrValues: ['eidas1'],
    features: {
      jwtUserinfo: { enabled: true },
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource },
    },
    loadExistingGrant,
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, uid: sub, idp_id: 'fi-simule', ...(people.get(sub) ?? {}) }),
    }),
    ttl: {
      AccessToken: 60,
      AuthorizationCode: 30,
      IdToken: 3600,
      Grant: 3600,
      Interaction: 600,
      Session: 3600,
    },
    cookies: { keys: [randomBytes(32).toString('base64')] },
  });
  const server: Server = provider.listen(options.port);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    people,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
