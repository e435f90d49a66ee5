/**
 * ProConnect without roles (issue 17, point 5), over real HTTP against a real
 * OpenID Connect provider that behaves like ProConnect (dev/simulators/proconnect.ts:
 * identity claims only, userinfo signed as a JWT): an unknown agent lands on
 * « Accès en attente » and sees nothing else; an administrator grants a role and a
 * perimeter on the accounts page and the agent's next request opens Jalons, within
 * that perimeter only; a refused or disabled agent cannot sign in; accounts are
 * keyed on the provider's issuer and subject, not on the e-mail. Local accounts:
 * a person changes their own password (current one required, bounds in French,
 * API token and other sessions revoked). Sessions end after 30 minutes idle, on an
 * injected clock: 29:59 still works, 30:00 goes to the login page and says why.
 */
import { createServer } from 'node:net';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { recordPath } from '../../store/record.js';
import {
  accountEvents,
  createAccount,
  getAccount,
  issueApiToken,
  setDisabled,
} from '../../store/accounts.js';
import { listAccessRequests } from '../../store/identities.js';
import { newPathState } from '../../domain/path/path-machine.js';
import { oidcFromEnv } from '../../apps/web/oidc.js';
import { sessionIdleMinutesFromEnv } from '../../apps/web/access.js';
import { startWebApp } from '../../apps/web/server.js';
import { startProConnectSimulator, type ProConnectSimulator } from '../../dev/simulators/proconnect.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A person's user agent without a browser: cookies per origin, redirects followed by hand. */
class Agent {
  private cookies = new Map<string, Map<string, string>>();
  private jar(url: string) {
    const origin = new URL(url).origin;
    if (!this.cookies.has(origin)) this.cookies.set(origin, new Map());
    return this.cookies.get(origin)!;
  }
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const jar = this.jar(url);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = attributes.some((a) => /expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired || value.join('=') === '') jar.delete(name!.trim());
      else jar.set(name!.trim(), value.join('='));
    }
    return res;
  }
  /** Follows redirects (a 303 or 302 becomes a GET); returns the last answer and its address. */
  async follow(url: string, init: RequestInit = {}): Promise<{ res: Response; url: string; text: string }> {
    let res = await this.request(url, init);
    for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 15; hops++) {
      url = new URL(res.headers.get('location')!, url).href;
      res = await this.request(url);
    }
    return { res, url, text: await res.text() };
  }
  /** Posts a form of the web app with the page's CSRF token. */
  async post(url: string, page: string, fields: Record<string, string>) {
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    return this.follow(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, _csrf: csrf }).toString(),
    });
  }
}

let db: ReadModelDb;
let idp: ProConnectSimulator;
let web: Awaited<ReturnType<typeof startWebApp>>;
let base = '';
/** The web app's clock (the idle limit); the provider keeps the real one. */
let clock = Date.now();
const MINUTE = 60_000;
const ADMIN_PASSWORD = 'mot de passe de l’administrateur';

/** Signs in through the simulator's login page as `sub`; returns where the web app sends the person. */
async function proConnect(agent: Agent, sub: string) {
  const login = await agent.follow(`${base}/connexion/oidc`);
  expect(login.url.startsWith(idp.issuer)).toBe(true);
  const action = /<form[^>]*action="([^"]+)"/.exec(login.text)![1]!;
  return agent.follow(new URL(action, login.url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ prompt: 'login', login: sub, password: 'peu importe' }).toString(),
  });
}

async function localLogin(agent: Agent, login: string, password: string) {
  const form = await agent.follow(`${base}/connexion`);
  return agent.post(`${base}/connexion`, form.text, { login, password, suite: '/' });
}

beforeAll(async () => {
  const [idpPort, webPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${webPort}`;
  idp = await startProConnectSimulator({
    port: idpPort,
    redirectUris: [`${base}/connexion/oidc/retour`],
    people: {
      'sub-lens': {
        email: 'c.martin@lens.example',
        given_name: 'Claire',
        usual_name: 'Martin',
        siret: '22620001200014',
      },
      'sub-audo': {
        email: 'p.durand@audo.example',
        given_name: 'Paul',
        usual_name: 'Durand',
        siret: '22620001200022',
      },
      'sub-homonyme': {
        email: 'p.durand@audo.example',
        given_name: 'Paul',
        usual_name: 'Durand',
        siret: '22620001200022',
      },
      'sub-refuse': {
        email: 'x@ailleurs.example',
        given_name: 'Xavier',
        usual_name: 'Inconnu',
        siret: '11111111111111',
      },
    },
  });
  db = await openReadModel('memory:');
  await createAccount(db, { login: 'admin-1', role: 'admin', password: ADMIN_PASSWORD }, { channel: 'cli' });
  // Two cases in the read model (the lists and the search read it): one per territory.
  for (const [id, territory] of [
    ['CAS-LENS-1', 'lens-lievin'],
    ['CAS-AUDO-1', 'audomarois'],
  ] as const) {
    const state = newPathState({
      beneficiaryId: id,
      rightsOpenedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      territory,
    });
    await recordPath(db, { workflowId: `parcours-${id}`, revision: 1, state });
  }
  const env = {
    JALONS_OIDC_ISSUER: 'https://placeholder.example',
    JALONS_OIDC_CLIENT_ID: idp.clientId,
    JALONS_OIDC_CLIENT_SECRET: idp.clientSecret,
    JALONS_OIDC_REDIRECT_URL: 'https://placeholder.example/connexion/oidc/retour',
    JALONS_OIDC_SCOPE: 'openid email given_name usual_name siret uid idp_id',
    JALONS_OIDC_ACR_VALUES: 'eidas1',
    JALONS_OIDC_USERINFO_ALG: 'RS256',
    JALONS_OIDC_LABEL: 'S’identifier avec ProConnect',
  };
  // The settings as the docs give them (docs/proconnect.md); only the addresses are the loopback's.
  const settings = oidcFromEnv(env)!;
  web = await startWebApp({
    // The pages exercised here read the read model only: Temporal is not involved.
    client: { connection: {} } as unknown as Client,
    db,
    port: webPort,
    secureCookie: false,
    now: () => new Date(clock),
    oidc: { ...settings, issuer: idp.issuer, redirectUrl: `${base}/connexion/oidc/retour`, allowHttp: true },
  });
}, 60_000);

afterAll(async () => {
  await web?.app.close();
  await idp?.close();
  await db?.close();
});

describe('ProConnect: identity from the provider, roles from an administrator', () => {
  it('reads ProConnect’s settings: roles not trusted by default, signed userinfo, acr_values, 30 idle minutes', () => {
    const proconnect = {
      JALONS_OIDC_ISSUER: 'https://proconnect.example/api/v2',
      JALONS_OIDC_CLIENT_ID: 'c',
      JALONS_OIDC_CLIENT_SECRET: 's',
      JALONS_OIDC_REDIRECT_URL: 'https://jalons.example/connexion/oidc/retour',
      JALONS_OIDC_USERINFO_ALG: 'RS256',
      JALONS_OIDC_ACR_VALUES: 'eidas1',
    };
    expect(oidcFromEnv(proconnect)).toMatchObject({
      trustRoleClaims: false,
      userinfoSignedAlg: 'RS256',
      acrValues: 'eidas1',
    });
    expect(oidcFromEnv({ ...proconnect, JALONS_OIDC_TRUST_ROLES: 'true' })).toMatchObject({
      trustRoleClaims: true,
    });
    // A symmetric signature cannot be checked against the provider's published keys.
    expect(() => oidcFromEnv({ ...proconnect, JALONS_OIDC_USERINFO_ALG: 'HS256' })).toThrow(
      'JALONS_OIDC_USERINFO_ALG : RS256, ES256 ou PS256 attendu',
    );
    expect(sessionIdleMinutesFromEnv({})).toBe(30);
    expect(sessionIdleMinutesFromEnv({ JALONS_SESSION_IDLE_MINUTES: '15' })).toBe(15);
    expect(() => sessionIdleMinutesFromEnv({ JALONS_SESSION_IDLE_MINUTES: '0' })).toThrow(
      'JALONS_SESSION_IDLE_MINUTES : nombre entier de minutes attendu, de 1 à 720.',
    );
  });

  it(
    'an unknown agent lands on « Accès en attente » and sees nothing else; the admin grants; the next request opens the perimeter only',
    { timeout: 60_000 },
    async () => {
      const agent = new Agent();
      const pending = await proConnect(agent, 'sub-audo');
      expect(pending.url).toBe(`${base}/acces-en-attente`);
      expect(pending.text).toContain('<h1>Accès en attente</h1>');
      expect(pending.text).toContain('Paul Durand');
      expect(pending.text).toContain(
        'un administrateur de Jalons doit vous attribuer un <strong>rôle</strong>'.replace('un a', 'Un a'),
      );
      // Nothing else: no menu, no case; every page leads back here; no act can be posted.
      expect(pending.text).not.toContain('aria-label="Sections"');
      expect(pending.text).not.toContain('CAS-');
      for (const path of ['/', '/recherche?q=CAS-AUDO-1', '/comptes', '/parcours/CAS-AUDO-1'])
        expect((await agent.follow(`${base}${path}`)).url).toBe(`${base}/acces-en-attente`);
      const post = await agent.request(`${base}/parcours/CAS-AUDO-1/actes`, { method: 'POST' });
      expect([401, 403]).toContain(post.status);
      expect(await getAccount(db, 'agent-audo')).toBeNull();
      const [request] = await listAccessRequests(db);
      expect(request).toMatchObject({
        subject: 'sub-audo',
        email: 'p.durand@audo.example',
        status: 'pending',
      });

      // The administrator sees the request on the accounts page and grants agent + audomarois.
      const admin = new Agent();
      await localLogin(admin, 'admin-1', ADMIN_PASSWORD);
      const accounts = await admin.follow(`${base}/comptes`);
      expect(accounts.text).toContain('Accès en attente (1)');
      expect(accounts.text).toContain('p.durand@audo.example');
      const refusedGrant = await admin.post(
        `${base}/comptes/demandes/${request!.id}/accorder`,
        accounts.text,
        {
          login: 'agent-audo',
          role: 'agent',
        },
      );
      expect(refusedGrant.res.status).toBe(422);
      expect(refusedGrant.text).toContain('périmètre requis : au moins un organisme ou un territoire');
      const granted = await admin.post(`${base}/comptes/demandes/${request!.id}/accorder`, accounts.text, {
        login: 'agent-audo',
        role: 'agent',
        territories: 'audomarois',
      });
      expect(granted.text).toContain('Accès accordé : compte <strong>agent-audo</strong>');
      expect(await getAccount(db, 'agent-audo')).toMatchObject({
        role: 'agent',
        territories: ['audomarois'],
        sso: true,
        email: 'p.durand@audo.example',
      });
      const journal = await accountEvents(db, 20, 'agent-audo');
      expect(journal.find((e) => e.event === 'access.granted')).toMatchObject({ actor: 'admin-1' });

      // The agent's next request works, without signing in again; within the perimeter only.
      const home = await agent.follow(`${base}/`);
      expect(home.url).toBe(`${base}/`);
      expect(home.text).toContain('Connecté : <strong>agent-audo</strong>');
      expect(home.text).not.toContain('href="/mot-de-passe"'); // no password in Jalons
      // A case of its territory is found (the search opens it); Lens-Liévin's is not.
      const mine = await agent.request(`${base}/recherche?q=CAS-AUDO-1`);
      expect(mine.headers.get('location')).toBe('/parcours/CAS-AUDO-1');
      const other = await agent.follow(`${base}/recherche?q=CAS-LENS-1`);
      expect(other.text).not.toContain('href="/parcours/CAS-LENS-1"');
      expect(other.text).toContain('Aucun dossier');
      // The pending page has nothing to wait for any more.
      expect((await agent.follow(`${base}/acces-en-attente`)).url).toBe(`${base}/`);
    },
  );

  it(
    'keys accounts on the subject: a new e-mail is the same account, the same e-mail under another subject is not',
    { timeout: 60_000 },
    async () => {
      idp.people.set('sub-audo', { ...idp.people.get('sub-audo')!, email: 'paul.durand@nouveau.example' });
      const again = await proConnect(new Agent(), 'sub-audo');
      expect(again.url).toBe(`${base}/`);
      expect(again.text).toContain('Connecté : <strong>agent-audo</strong>');
      expect((await getAccount(db, 'agent-audo'))!.email).toBe('paul.durand@nouveau.example');

      const homonym = await proConnect(new Agent(), 'sub-homonyme');
      expect(homonym.url).toBe(`${base}/acces-en-attente`);
      const requests = await listAccessRequests(db);
      expect(requests.map((r) => r.subject)).toEqual(['sub-homonyme']);
    },
  );

  it(
    'a refused agent cannot sign in, nor a disabled one; both are journaled',
    { timeout: 60_000 },
    async () => {
      await proConnect(new Agent(), 'sub-refuse');
      const admin = new Agent();
      await localLogin(admin, 'admin-1', ADMIN_PASSWORD);
      const page = await admin.follow(`${base}/comptes`);
      const request = (await listAccessRequests(db)).find((r) => r.subject === 'sub-refuse')!;
      const refused = await admin.post(`${base}/comptes/demandes/${request.id}/refuser`, page.text, {});
      expect(refused.text).toContain('Demande d’accès refusée.');
      const again = await proConnect(new Agent(), 'sub-refuse');
      expect(again.res.status).toBe(403);
      expect(again.text).toContain('Votre demande d’accès à Jalons a été refusée par un administrateur');
      const events = (await accountEvents(db, 50)).map((e) => e.event);
      expect(events).toContain('access.refused');
      expect(events).toContain('login.refused');

      await setDisabled(db, 'agent-audo', true, { channel: 'cli' });
      const removed = await proConnect(new Agent(), 'sub-audo');
      expect(removed.res.status).toBe(403);
      expect(removed.text).toContain('Votre accès à Jalons a été retiré par un administrateur');
      await setDisabled(db, 'agent-audo', false, { channel: 'cli' });
    },
  );
});

describe('local accounts: own password, idle sessions', () => {
  it(
    'changes one’s own password: the current one is required, the bounds are said in French, tokens and other sessions end',
    { timeout: 60_000 },
    async () => {
      const password = 'ancien mot de passe local';
      await createAccount(
        db,
        { login: 'lecteur-1', role: 'lecture', allCases: true, password },
        { channel: 'cli' },
      );
      const token = await issueApiToken(db, 'lecteur-1', { channel: 'cli' });
      const other = new Agent();
      await localLogin(other, 'lecteur-1', password);
      const me = new Agent();
      await localLogin(me, 'lecteur-1', password);
      const form = await me.follow(`${base}/mot-de-passe`);
      expect(form.text).toContain('<h1>Changer mon mot de passe</h1>');
      expect(form.text).toContain('<a href="/mot-de-passe">Mot de passe</a>'); // in the header

      const wrong = await me.post(`${base}/mot-de-passe`, form.text, {
        actuel: 'pas le bon',
        nouveau: 'un nouveau mot de passe',
        confirmation: 'un nouveau mot de passe',
      });
      expect(wrong.res.status).toBe(422);
      expect(wrong.text).toContain('Mot de passe actuel : il ne correspond pas.');
      expect(wrong.text).toMatch(
        /id="mdp-actuel"[^>]*aria-invalid="true"[^>]*aria-describedby="mdp-actuel-erreur"/,
      );
      const short = await me.post(`${base}/mot-de-passe`, wrong.text, {
        actuel: password,
        nouveau: 'a'.repeat(11),
        confirmation: 'a'.repeat(11),
      });
      expect(short.text).toContain('Nouveau mot de passe : 12 caractères au moins (11 saisis).');
      const long = await me.post(`${base}/mot-de-passe`, short.text, {
        actuel: password,
        nouveau: 'a'.repeat(257),
        confirmation: 'a'.repeat(257),
      });
      expect(long.text).toContain('Nouveau mot de passe : 256 caractères au plus (257 saisis).');
      const mismatch = await me.post(`${base}/mot-de-passe`, long.text, {
        actuel: password,
        nouveau: 'a'.repeat(12),
        confirmation: 'b'.repeat(12),
      });
      expect(mismatch.text).toContain('Confirmation : elle ne reprend pas le nouveau mot de passe');
      // Nothing changed so far: the token still answers.
      expect((await fetch(`${base}/api/moi`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
        200,
      );

      const done = await me.post(`${base}/mot-de-passe`, mismatch.text, {
        actuel: password,
        nouveau: 'a'.repeat(12),
        confirmation: 'a'.repeat(12),
      });
      expect(done.text).toContain('Mot de passe changé.');
      expect((await me.follow(`${base}/`)).url).toBe(`${base}/`); // this browser stays signed in
      expect((await other.follow(`${base}/`)).url).toMatch(/\/connexion\?suite=/); // the other session ended
      expect((await fetch(`${base}/api/moi`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
        401,
      );
      expect((await localLogin(new Agent(), 'lecteur-1', 'a'.repeat(12))).url).toBe(`${base}/`);
    },
  );

  it(
    'ends a session after 30 minutes idle: 29:59 still works and moves the limit, 30:00 goes to the login page',
    { timeout: 60_000 },
    async () => {
      const me = new Agent();
      clock = Date.parse('2025-03-03T09:00:00Z');
      await localLogin(me, 'admin-1', ADMIN_PASSWORD);
      clock += 30 * MINUTE - 1000; // 29:59 idle
      expect((await me.follow(`${base}/comptes`)).url).toBe(`${base}/comptes`);
      clock += 30 * MINUTE - 1000; // 29:59 again: the limit slid with the last request
      expect((await me.follow(`${base}/comptes`)).url).toBe(`${base}/comptes`);
      clock += 30 * MINUTE; // 30:00
      const expired = await me.follow(`${base}/comptes`);
      expect(expired.url).toBe(`${base}/connexion?raison=inactivite&suite=%2Fcomptes`);
      expect(expired.text).toContain('Votre session a expiré après 30 minutes d’inactivité.');
      // The session is gone, not merely hidden: the next request is anonymous.
      clock += 1000;
      expect((await me.follow(`${base}/comptes`)).url).toBe(`${base}/connexion?suite=%2Fcomptes`);
      expect((await accountEvents(db, 5, 'admin-1')).map((e) => e.event)).toContain('session.expired');
      clock = Date.now();
    },
  );
});
