/**
 * Login through the Département's SSO, against a real OpenID Connect provider
 * (the `oidc-provider` package, started here on the loopback) in a real browser
 * (Debian's Chromium): the provider's groups and claims give the role and the
 * perimeter; a person without a Jalons role, a local account's login and a
 * disabled account are refused in French; a callback without its login under
 * way is refused.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import type { Client } from '@temporalio/client';
import Provider from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { accountEvents, createAccount, getAccount, setDisabled, verifyLogin } from '../../store/accounts.js';
import { accountFromClaims, oidcFromEnv, type OidcOptions } from '../../apps/web/oidc.js';
import { startWebApp } from '../../apps/web/server.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The people the provider knows (pseudonymous logins, the Département's groups). */
const people: Record<string, Record<string, unknown>> = {
  'sso-agent': { groupes: ['GRP-TOUS', 'GRP-JALONS-AGENT'], jalons_organisations: 'org-a, org-c' },
  'sso-pilotage': { groupes: ['GRP-JALONS-LECTURE'], jalons_territoires: ['*'] },
  'sso-sans-role': { groupes: ['GRP-TOUS'] },
  'local-1': { groupes: ['GRP-JALONS-ADMIN'] },
};

let db: ReadModelDb;
let web: Awaited<ReturnType<typeof startWebApp>>;
let idp: Server;
let browser: Browser;
let options: OidcOptions;
let base = '';

beforeAll(async () => {
  const [idpPort, webPort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${idpPort}`;
  base = `http://127.0.0.1:${webPort}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'jalons',
        client_secret: 'secret-du-client-de-test',
        redirect_uris: [`${base}/connexion/oidc/retour`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    scopes: ['openid', 'profile', 'jalons'],
    claims: {
      openid: ['sub'],
      profile: ['preferred_username'],
      jalons: ['groupes', 'jalons_organisations', 'jalons_territoires'],
    },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, preferred_username: sub, ...people[sub] }),
    }),
    cookies: { keys: [randomBytes(32).toString('base64')] },
  });
  idp = provider.listen(idpPort);
  db = await openReadModel('memory:');
  await createAccount(
    db,
    { login: 'local-1', role: 'admin', password: 'un mot de passe local' },
    { channel: 'cli' },
  );
  options = {
    issuer,
    clientId: 'jalons',
    clientSecret: 'secret-du-client-de-test',
    redirectUrl: `${base}/connexion/oidc/retour`,
    scope: 'openid profile jalons',
    claims: {
      login: 'preferred_username',
      role: 'groupes',
      organisations: 'jalons_organisations',
      territories: 'jalons_territoires',
    },
    roleMap: { 'GRP-JALONS-ADMIN': 'admin', 'GRP-JALONS-AGENT': 'agent', 'GRP-JALONS-LECTURE': 'lecture' },
    // This file tests the provider's role claims (JALONS_OIDC_TRUST_ROLES=true); oidc-pending.test.ts the default.
    trustRoleClaims: true,
    allowHttp: true,
  };
  // The pages exercised here read the read model only: Temporal is not involved.
  const client = { connection: {} } as unknown as Client; // the health routes read its address
  web = await startWebApp({ client, db, port: webPort, secureCookie: false, oidc: options });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.app.close();
  await new Promise((r) => idp?.close(r));
  await db?.close();
});

/** Goes through the provider's own login and consent pages as `sub`; returns the page where it ends. */
async function ssoLogin(sub: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  await page.click('a:has-text("Se connecter avec le compte du Département")');
  await page.waitForSelector('input[name=login]', { timeout: 20_000 });
  await page.fill('input[name=login]', sub);
  await page.fill('input[name=password]', 'peu importe');
  await page.click('button[type=submit]');
  // Consent (the provider's development pages ask once per client).
  await page.waitForURL((u) => u.href.startsWith(base) || u.pathname.includes('/interaction/'), {
    timeout: 20_000,
  });
  if (!page.url().startsWith(base)) {
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.href.startsWith(base), { timeout: 20_000 });
  }
  await page.waitForLoadState();
  return page;
}

describe('login through the Département’s SSO (OpenID Connect)', () => {
  it('maps the provider’s claims to a role and a perimeter, highest role first, `*` for every case', () => {
    expect(
      accountFromClaims(
        {
          preferred_username: 'x',
          groupes: ['GRP-JALONS-LECTURE', 'GRP-JALONS-AGENT'],
          jalons_territoires: 'audomarois',
        },
        options,
      ),
    ).toEqual({
      login: 'x',
      role: 'agent',
      organisations: [],
      territories: ['audomarois'],
    });
    expect(
      accountFromClaims(
        { preferred_username: 'y', groupes: 'GRP-JALONS-LECTURE', jalons_organisations: ['*'] },
        options,
      ),
    ).toEqual({
      login: 'y',
      role: 'lecture',
      allCases: true,
    });
    expect(() => accountFromClaims({ preferred_username: 'z', groupes: ['GRP-TOUS'] }, options)).toThrow(
      'Votre compte du Département n’a aucun rôle dans Jalons',
    );
  });

  it('reads the settings from the environment, https only, in French when wrong', () => {
    expect(oidcFromEnv({})).toBeNull();
    expect(() =>
      oidcFromEnv({
        JALONS_OIDC_ISSUER: 'http://sso.example',
        JALONS_OIDC_CLIENT_ID: 'j',
        JALONS_OIDC_CLIENT_SECRET: 's',
        JALONS_OIDC_REDIRECT_URL: 'https://j.example/connexion/oidc/retour',
      }),
    ).toThrow('JALONS_OIDC_ISSUER : adresse https attendue');
    const o = oidcFromEnv({
      JALONS_OIDC_ISSUER: 'https://sso.departement.example/realms/agents',
      JALONS_OIDC_CLIENT_ID: 'jalons',
      JALONS_OIDC_CLIENT_SECRET: 's',
      JALONS_OIDC_REDIRECT_URL: 'https://jalons.departement.example/connexion/oidc/retour',
      JALONS_OIDC_ROLE_CLAIM: 'groups',
      JALONS_OIDC_ROLE_MAP: 'GRP-A=admin,GRP-B=agent',
    });
    expect(o).toMatchObject({
      scope: 'openid profile',
      claims: { role: 'groups' },
      roleMap: { 'GRP-A': 'admin', 'GRP-B': 'agent' },
    });
    expect(() =>
      oidcFromEnv({
        ...process.env,
        JALONS_OIDC_ISSUER: 'https://sso.example',
        JALONS_OIDC_ROLE_MAP: 'GRP=chef',
      }),
    ).toThrow('Configuration OIDC invalide');
  });

  it(
    'signs an agent in through the provider, with the perimeter its claims give',
    { timeout: 90_000 },
    async () => {
      const page = await ssoLogin('sso-agent');
      expect(new URL(page.url()).pathname).toBe('/');
      expect(await page.locator('header').textContent()).toContain('Connecté : sso-agent (agent)');
      const account = await getAccount(db, 'sso-agent');
      expect(account).toMatchObject({
        role: 'agent',
        organisations: ['org-a', 'org-c'],
        territories: [],
        allCases: false,
      });
      const [row] = await db.query<{ password_hash: string | null }>(
        "select password_hash from accounts where login = 'sso-agent'",
      );
      expect(row!.password_hash).toBeNull();
      expect((await accountEvents(db, 10, 'sso-agent')).map((e) => [e.event, e.channel])).toContainEqual([
        'login',
        'oidc',
      ]);
      // An SSO account has no password: the local login form cannot open it.
      expect(await verifyLogin(db, 'sso-agent', '', { channel: 'web' })).toEqual({
        ok: false,
        reason: 'invalid',
      });
      await page.close();

      const pilotage = await ssoLogin('sso-pilotage');
      expect(await pilotage.locator('header').textContent()).toContain(
        'Connecté : sso-pilotage (lecture seule)',
      );
      expect(await getAccount(db, 'sso-pilotage')).toMatchObject({ role: 'lecture', allCases: true });
      await pilotage.close();
    },
  );

  it(
    'refuses in French a person without a Jalons role, a local account’s login, and a disabled account',
    { timeout: 120_000 },
    async () => {
      const noRole = await ssoLogin('sso-sans-role');
      expect(await noRole.locator('[role=alert]').textContent()).toContain(
        'Votre compte du Département n’a aucun rôle dans Jalons',
      );
      expect(await getAccount(db, 'sso-sans-role')).toBeNull();
      await noRole.close();

      const local = await ssoLogin('local-1');
      expect(await local.locator('[role=alert]').textContent()).toContain(
        'Le compte « local-1 » est un compte local : connectez-vous avec son mot de passe.',
      );
      await local.close();

      await setDisabled(db, 'sso-agent', true, { channel: 'cli' });
      const disabled = await ssoLogin('sso-agent');
      expect(await disabled.locator('[role=alert]').textContent()).toContain(
        'Le compte « sso-agent » est désactivé.',
      );
      expect((await fetch(`${base}/`, { redirect: 'manual' })).status).toBe(303);
      await disabled.close();
    },
  );

  it('refuses a callback without a login under way (forged or replayed)', async () => {
    const res = await fetch(`${base}/connexion/oidc/retour?code=faux&state=faux`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Connexion expirée ou commencée ailleurs : recommencez.');
  });
});
