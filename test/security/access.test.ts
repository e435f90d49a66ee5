/**
 * Access control, over real HTTP, on the dev server with the real worker, read
 * model, web app and codec server. Two cases: ACC-A (lens-lievin, oriented to
 * org-a) and ACC-B (audomarois, oriented to org-b). An agent of org-a cannot
 * see B in the lists, cannot open B's page, cannot act on it (form or API) and
 * cannot decrypt through the codec server; read-only accounts cannot act; forms
 * need their CSRF token; wrong passwords lock the account; headers and cookie
 * flags are set; every act is journaled in the account's name.
 */
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { lateItems } from '../../store/queries.js';
import { pathWorkflowId } from '../../domain/ids.js';
import type { PathState } from '../../domain/path/path.js';
import {
  accountEvents,
  createAccount,
  issueApiToken,
  setDisabled,
  type NewAccount,
} from '../../store/accounts.js';
import { startCodecServer } from '../../apps/codec-server/server.js';
import { MailSink } from '../../dev/mail-sink.js';
import { actOnPath, showPath, startPath } from '../../services/paths.js';
import { buildWebApp, startWebApp } from '../../apps/web/server.js';
import { activitiesFor } from '../../workers/worker.js';
import { EncryptionCodec, parseKeyRing } from '../../workers/codec.js';
import { devServerEnv, testWorker, TEST_PAYLOAD_KEYS } from '../support/temporal.js';
import { jalonsCli } from '../support/cli.js';

const DAY = 86_400_000;
const taskQueue = 'security-access';
const UI = 'http://127.0.0.1:8233';
const PASSWORD = 'mot de passe de test assez long';
let env: TestWorkflowEnvironment;
let sink: MailSink;
let db: ReadModelDb;
let worker: Worker;
let running: Promise<void>;
let web: Awaited<ReturnType<typeof startWebApp>>;
let codec: Awaited<ReturnType<typeof startCodecServer>>;
let base = '';
const tokens: Record<string, string> = {};

/** A person's browser, over plain HTTP: keeps its cookies, follows no redirect by itself. */
class Visitor {
  cookies = new Map<string, string>();
  setCookies: string[] = [];
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    this.setCookies = res.headers.getSetCookie();
    for (const c of this.setCookies) {
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      if (value.join('=') === '' || /max-age=0/i.test(c)) this.cookies.delete(name!);
      else this.cookies.set(name!, value.join('='));
    }
    return res;
  }
  async page(path: string): Promise<{ res: Response; text: string; csrf: string }> {
    const res = await this.fetch(path);
    const text = await res.text();
    return { res, text, csrf: /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? '' };
  }
  async post(path: string, fields: Record<string, string>): Promise<Response> {
    return this.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }
  async login(login: string, password = PASSWORD): Promise<Response> {
    const { csrf } = await this.page('/connexion');
    return this.post('/connexion', { login, password, _csrf: csrf, suite: '/' });
  }
}

async function signedIn(login: string): Promise<Visitor> {
  const v = new Visitor();
  const res = await v.login(login);
  expect(res.status).toBe(303);
  return v;
}

const api = (path: string, token: string | undefined, init: RequestInit = {}) =>
  fetch(`${base}${path}`, {
    ...init,
    headers: {
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 120 && !(await check()); i++) await new Promise((r) => setTimeout(r, 250));
}

const journalOf = async (id: string): Promise<PathState['journal']> =>
  (await showPath(env.client, id)).journal;

beforeAll(async () => {
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
  worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', db), { taskQueue });
  running = worker.run();
  web = await startWebApp({ client: env.client, db, port: 0, sessionKeys: [randomBytes(32)] });
  base = `http://127.0.0.1:${web.port}`;
  codec = await startCodecServer({
    codec: new EncryptionCodec(parseKeyRing(TEST_PAYLOAD_KEYS)),
    accounts: db,
    uiOrigin: UI,
    port: 0,
  });

  const accounts: NewAccount[] = [
    { login: 'admin-1', role: 'admin' },
    { login: 'agent-a', role: 'agent', organisations: ['org-a'] },
    { login: 'lecteur-a', role: 'lecture', organisations: ['org-a'] },
    { login: 'agent-audo', role: 'agent', territories: ['audomarois'] },
    { login: 'verrou', role: 'agent', organisations: ['org-a'] },
  ];
  for (const a of accounts) {
    await createAccount(db, { ...a, password: PASSWORD }, { channel: 'cli' });
    tokens[a.login] = await issueApiToken(db, a.login, { channel: 'cli' });
  }
  // Two cases opened 40 days ago, oriented 20 days ago: each one's first appointment is late.
  const cases = [
    ['ACC-A', 'lens-lievin', 'org-a', 'ref-a'],
    ['ACC-B', 'audomarois', 'org-b', 'ref-b'],
  ] as const;
  for (const [id, territory, organisation, referent] of cases) {
    await startPath(env.client, taskQueue, {
      beneficiaryId: id,
      rightsOpenedAt: new Date(Date.now() - 40 * DAY).toISOString(),
      territory,
    });
    await actOnPath(env.client, id, {
      type: 'orientation.decided',
      at: new Date(Date.now() - 20 * DAY).toISOString(),
      data: { track: 'social', organisation, referent },
    });
  }
  await until(async () => (await lateItems(db)).filter((i) => i.kind === 'first-appointment').length === 2);
}, 120_000);

afterAll(async () => {
  await codec?.app.close();
  await web?.app.close();
  worker?.shutdown();
  await running;
  await db?.close();
  await env?.teardown();
  await sink?.close();
});

describe('access control of the web app, its API and the codec server', () => {
  it('sends an anonymous visitor to the login page; the API and the codec server want a token', async () => {
    const v = new Visitor();
    const res = await v.fetch('/parcours/ACC-A');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/connexion?suite=%2Fparcours%2FACC-A');
    expect((await v.post('/parcours/ACC-A/actes', { type: 'interview.held' })).status).toBe(401);
    const anonymous = await api('/api/retards', undefined);
    expect(anonymous.status).toBe(401);
    const unauthenticated = 'Authentification requise : en-tête « Authorization: Bearer <jeton personnel> ».';
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(await anonymous.json()).toEqual({
      type: '/api/documentation#probleme-non-authentifie',
      title: 'Authentification requise',
      status: 401,
      detail: unauthenticated,
      code: 'non-authentifie',
      erreur: unauthenticated,
    });
    expect((await api('/api/retards', 'jalons_faux')).status).toBe(401);
    const decode = await fetch(`http://127.0.0.1:${codec.port}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer jalons_faux' },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(decode.status).toBe(401);
  });

  it('serves the pages with security headers, and the session in an HttpOnly, SameSite, Secure cookie', async () => {
    const v = new Visitor();
    const { res, text } = await v.page('/connexion');
    expect(text).toContain('<label for="password">Mot de passe</label>');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(text).not.toMatch(/<style|<script|style="/);
    const login = await v.login('agent-a');
    expect(login.status).toBe(303);
    const session = v.setCookies.find((c) => c.startsWith('jalons_session='));
    expect(session).toBeDefined();
    expect(session).toMatch(/; HttpOnly/i);
    expect(session).toMatch(/; SameSite=Lax/i);
    expect(session).toMatch(/; Secure/i);
    expect(session).toMatch(/; Path=\//i);
    // The cookie is encrypted: the login is not readable in it.
    expect(decodeURIComponent(session!)).not.toContain('agent-a');
  });

  it('shows an agent of org-a only its cases in the lists (pages, CSV and API)', async () => {
    const a = await signedIn('agent-a');
    const dashboard = (await a.page('/')).text;
    expect(dashboard).toContain('<a href="/parcours/ACC-A">ACC-A</a>');
    expect(dashboard).not.toContain('ACC-B');
    expect(dashboard).not.toContain('org-b');
    expect(dashboard).not.toContain('audomarois');
    const referents = (await a.page('/referents')).text;
    expect(referents).toContain('ref-a');
    expect(referents).not.toContain('ref-b');
    const csv = await (await a.fetch('/indicateurs.csv')).text();
    expect(csv).toContain(';lens-lievin;');
    expect(csv).not.toContain('audomarois');
    // Grant cycles are the Département's: not for an account limited to a perimeter.
    expect((await a.page('/subventions')).res.status).toBe(403);

    const late = (await (await api('/api/retards', tokens['agent-a'])).json()) as {
      retards: { beneficiaryId: string }[];
    };
    expect(late.retards.map((r) => r.beneficiaryId)).toEqual(['ACC-A']);
    const audo = (await (await api('/api/retards', tokens['agent-audo'])).json()) as typeof late;
    expect(audo.retards.map((r) => r.beneficiaryId)).toEqual(['ACC-B']);
    const all = (await (await api('/api/retards', tokens['admin-1'])).json()) as typeof late;
    expect(all.retards.map((r) => r.beneficiaryId).sort()).toEqual(['ACC-A', 'ACC-B']);
    const bad = await api('/api/retards?inconnu=1', tokens['agent-a']);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { erreur: string }).erreur).toContain('inconnu');
    // The filters by their French names (territoire, etape); version 1.0's (territory, step) for one release.
    const lateIds = async (query: string) =>
      ((await (await api(`/api/retards?${query}`, tokens['admin-1'])).json()) as typeof late).retards.map(
        (r) => r.beneficiaryId,
      );
    expect(await lateIds('territoire=audomarois')).toEqual(['ACC-B']);
    expect(await lateIds('territory=audomarois')).toEqual(['ACC-B']);
    expect(await lateIds('territoire=audomarois&etape=orientation')).toEqual([]);
    expect(await lateIds('territoire=audomarois&step=orientation')).toEqual([]);
    const badStep = await api('/api/retards?etape=nulle-part', tokens['admin-1']);
    expect(badStep.status).toBe(400);
    expect(((await badStep.json()) as { erreur: string }).erreur).toContain('etape');
  });

  it('answers an agent of org-a about B’s case exactly as about a case that does not exist (page and API)', async () => {
    const a = await signedIn('agent-a');
    const other = await a.page('/parcours/ACC-B');
    const missing = await a.page('/parcours/ACC-ZZZ');
    expect(other.res.status).toBe(404);
    expect(missing.res.status).toBe(404);
    expect(other.text).toContain('Aucun parcours pour l’allocataire ACC-B dans votre périmètre.');
    expect(other.text).not.toContain('audomarois');
    expect(other.text.replaceAll('ACC-B', 'X').replace(/value="[^"]+"/g, '')).toBe(
      missing.text.replaceAll('ACC-ZZZ', 'X').replace(/value="[^"]+"/g, ''),
    );
    const viaApi = await api('/api/parcours/ACC-B', tokens['agent-a']);
    expect(viaApi.status).toBe(404);
    const hidden = 'Aucun parcours pour l’allocataire ACC-B dans votre périmètre.';
    expect(await viaApi.json()).toEqual({
      type: '/api/documentation#probleme-introuvable',
      title: 'Introuvable',
      status: 404,
      detail: hidden,
      code: 'introuvable',
      erreur: hidden,
    });
    expect((await api('/api/parcours/ACC-ZZZ', tokens['agent-a'])).status).toBe(404);
    // Its own case, and B's for the territory's agent.
    expect((await a.page('/parcours/ACC-A')).res.status).toBe(200);
    const own = (await (await api('/api/parcours/ACC-B', tokens['agent-audo'])).json()) as PathState;
    expect(own.orientation?.organisation).toBe('org-b');
  });

  it('refuses an agent of org-a any act on B’s case, by form or API, and B’s case is unchanged', async () => {
    const before = await journalOf('ACC-B');
    const a = await signedIn('agent-a');
    const { csrf } = await a.page('/parcours/ACC-A');
    const form = await a.post('/parcours/ACC-B/actes', {
      _csrf: csrf,
      type: 'appointment.attended',
      data: '{}',
    });
    expect(form.status).toBe(404);
    expect(await form.text()).toContain('Aucun parcours pour l’allocataire ACC-B dans votre périmètre.');
    const viaApi = await api('/api/parcours/ACC-B/actes', tokens['agent-a'], {
      method: 'POST',
      body: JSON.stringify({ type: 'appointment.attended', data: {} }),
    });
    expect(viaApi.status).toBe(404);
    expect(await journalOf('ACC-B')).toEqual(before);
  });

  it('records an agent’s acts on its own case in its name (form and API), in the path’s journal and the read model', async () => {
    const a = await signedIn('agent-a');
    const { csrf, text } = await a.page('/parcours/ACC-A');
    expect(text).toContain('Les actes sont enregistrés au nom de agent-a');
    expect(text).not.toContain('name="by"');
    // A forged `by` field is ignored: the act is the account's.
    const res = await a.post('/parcours/ACC-A/actes', {
      _csrf: csrf,
      type: 'appointment.attended',
      data: '{}',
      by: 'quelqu-un-d-autre',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/parcours/ACC-A?fait=appointment.attended');
    const viaApi = await api('/api/parcours/ACC-A/actes', tokens['agent-a'], {
      method: 'POST',
      body: JSON.stringify({ type: 'diagnostic.completed', data: { barriers: ['mobility'] } }),
    });
    expect(viaApi.status).toBe(200);
    expect(((await viaApi.json()) as PathState).step).toBe('contract');
    const journal = await journalOf('ACC-A');
    expect(journal.slice(-2).map((j) => [j.event, j.by])).toEqual([
      ['appointment.attended', 'agent-a'],
      ['diagnostic.completed', 'agent-a'],
    ]);
    // A refused act is explained in French and changes nothing.
    const refused = await api('/api/parcours/ACC-A/actes', tokens['agent-a'], {
      method: 'POST',
      body: JSON.stringify({ type: 'contract.signed', data: { weeklyHours: 15 } }),
    });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { erreur: string }).erreur).toMatch(/intensive/);
    const extra = await api('/api/parcours/ACC-A/actes', tokens['agent-a'], {
      method: 'POST',
      body: JSON.stringify({ type: 'interview.held', by: 'autre' }),
    });
    expect(extra.status).toBe(400);
    expect(await journalOf('ACC-A')).toHaveLength(journal.length);
    await until(async () => {
      const rows = await db.query<{ actor: string }>(
        "select actor from journal where workflow_id = $1 and event = 'diagnostic.completed'",
        [pathWorkflowId('ACC-A')],
      );
      return rows[0]?.actor === 'agent-a';
    });
    const rows = await db.query<{ event: string; actor: string | null }>(
      'select event, actor from journal where workflow_id = $1 order by seq',
      [pathWorkflowId('ACC-A')],
    );
    expect(rows.slice(-2)).toEqual([
      { event: 'appointment.attended', actor: 'agent-a' },
      { event: 'diagnostic.completed', actor: 'agent-a' },
    ]);
  });

  it('lets only administrators decrypt through the codec server, with the UI’s origin', async () => {
    const history = await env.client.workflow.getHandle(pathWorkflowId('ACC-B')).fetchHistory();
    const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const body = JSON.stringify({
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(payload.data!).toString('base64'),
        },
      ],
    });
    expect(Buffer.from(payload.data!).toString('latin1')).not.toContain('ACC-B');
    const decode = (token: string) =>
      fetch(`http://127.0.0.1:${codec.port}/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, origin: UI },
        body,
      });
    for (const login of ['agent-a', 'lecteur-a', 'agent-audo']) {
      const refused = await decode(tokens[login]!);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({
        message: 'Déchiffrement réservé aux administrateurs : il montre les dossiers de tous les périmètres.',
      });
    }
    const ok = await decode(tokens['admin-1']!);
    expect(ok.status).toBe(200);
    const out = (await ok.json()) as { payloads: { data: string }[] };
    expect(Buffer.from(out.payloads[0]!.data, 'base64').toString()).toContain('"beneficiaryId":"ACC-B"');
    // No shared token opens the codec (issue 19): only an administrator's personal one.
    expect((await decode('jeton-configure-partage-de-32-caracteres')).status).toBe(401);
    const journal = await accountEvents(db, 100);
    expect(
      journal.some((e) => e.login === 'agent-a' && e.event === 'codec.refused' && e.channel === 'codec'),
    ).toBe(true);
    expect(
      journal
        .filter((e) => e.login === 'admin-1' && e.event === 'codec.decrypt')
        .map((e) => [e.channel, e.detail]),
    ).toEqual([['codec', '1 charge(s) utile(s) déchiffrée(s)']]);
  });

  it('shows a read-only account no form and refuses its acts (page and API)', async () => {
    const r = await signedIn('lecteur-a');
    const { text, csrf } = await r.page('/parcours/ACC-A');
    expect(text).toContain('Votre compte est en lecture seule.');
    expect(text).not.toContain('action="/parcours/ACC-A/actes"');
    expect(csrf).not.toBe(''); // the logout form's
    const before = await journalOf('ACC-A');
    const form = await r.post('/parcours/ACC-A/actes', { _csrf: csrf, type: 'interview.held', data: '{}' });
    expect(form.status).toBe(403);
    expect(await form.text()).toContain(
      'Votre compte est en lecture seule : il ne peut enregistrer aucun acte.',
    );
    const viaApi = await api('/api/parcours/ACC-A/actes', tokens['lecteur-a'], {
      method: 'POST',
      body: JSON.stringify({ type: 'interview.held' }),
    });
    expect(viaApi.status).toBe(403);
    expect(await journalOf('ACC-A')).toEqual(before);
  });

  it('refuses a form without its CSRF token, or with another session’s', async () => {
    const a = await signedIn('agent-a');
    const other = await signedIn('agent-a');
    const { csrf: othersToken } = await other.page('/parcours/ACC-A');
    const before = await journalOf('ACC-A');
    for (const fields of [{}, { _csrf: 'faux' }, { _csrf: othersToken }] as Record<string, string>[]) {
      const res = await a.post('/parcours/ACC-A/actes', { ...fields, type: 'interview.held', data: '{}' });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain(
        'Le formulaire a expiré ou ne vient pas de Jalons : rechargez la page et recommencez.',
      );
    }
    // The login form too (no login forced on someone from another site).
    const v = new Visitor();
    expect((await v.post('/connexion', { login: 'agent-a', password: PASSWORD })).status).toBe(403);
    expect(await journalOf('ACC-A')).toEqual(before);
  });

  it('locks an account after five wrong passwords, says so in French, and journals the failures', async () => {
    const v = new Visitor();
    for (let i = 0; i < 4; i++) {
      const res = await v.login('verrou', 'mauvais mot de passe');
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('Identifiant ou mot de passe incorrect.');
    }
    const fifth = await v.login('verrou', 'mauvais mot de passe');
    expect(fifth.status).toBe(429);
    expect(await fifth.text()).toContain(
      'Trop d’échecs de connexion pour ce compte : réessayez dans 15 minute(s).',
    );
    const right = await v.login('verrou', PASSWORD);
    expect(right.status).toBe(429);
    expect((await v.fetch('/')).status).toBe(303);
    const events = (await accountEvents(db, 20, 'verrou')).map((e) => e.event);
    expect(events.filter((e) => e === 'login.failed')).toHaveLength(5);
    expect(events).toContain('login.locked');
  });

  it('limits login attempts per address, whatever the login', async () => {
    const app = await buildWebApp({
      client: env.client,
      db,
      loginRateLimit: { max: 3, timeWindowMs: 60_000 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/connexion',
        payload: { login: `x${i}`, password: 'y' },
      });
      statuses.push(res.statusCode);
      if (i === 3) expect(res.body).toContain('Trop de tentatives de connexion depuis cette adresse');
    }
    // The first three reach the CSRF check (no token: 403); the fourth is stopped before.
    expect(statuses).toEqual([403, 403, 403, 429]);
    await app.close();
  });

  it('ends an account’s sessions as soon as it is disabled; logout ends the session', async () => {
    const d = await signedIn('agent-audo');
    expect((await d.page('/')).res.status).toBe(200);
    await setDisabled(db, 'agent-audo', true, { channel: 'cli' });
    expect((await d.fetch('/')).status).toBe(303);
    expect((await api('/api/retards', tokens['agent-audo'])).status).toBe(401);
    await setDisabled(db, 'agent-audo', false, { channel: 'cli' });

    const a = await signedIn('agent-a');
    const { csrf } = await a.page('/');
    const cookie = a.cookies.get('jalons_session')!;
    expect((await a.post('/deconnexion', { _csrf: csrf })).status).toBe(303);
    expect(a.cookies.has('jalons_session')).toBe(false);
    expect((await a.fetch('/')).status).toBe(303);
    expect((await accountEvents(db, 5, 'agent-a')).map((e) => e.event)).toContain('logout');
    // A copy of the cookie kept from before the logout no longer opens anything.
    a.cookies.set('jalons_session', cookie);
    expect((await a.fetch('/')).status).toBe(303);
  });

  it('opens the accounts page to administrators only, which creates an account and shows its password once', async () => {
    const agent = await signedIn('agent-a');
    expect((await agent.page('/comptes')).res.status).toBe(403);
    expect((await agent.page('/')).text).not.toContain('href="/comptes"');
    const admin = await signedIn('admin-1');
    const { text, csrf } = await admin.page('/comptes');
    expect(text).toContain('href="/comptes"');
    expect(text).toContain('échec de connexion');
    const res = await admin.post('/comptes', {
      _csrf: csrf,
      login: 'agent-nouveau',
      role: 'agent',
      organisations: 'org-b',
      territories: '',
    });
    expect(res.status).toBe(200);
    const page = await res.text();
    const password = /<p class="secret">([^<]+)<\/p>/.exec(page)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await admin.page('/comptes')).text).not.toContain(password!);
    const v = new Visitor();
    expect((await v.login('agent-nouveau', password)).status).toBe(303);
    expect((await v.page('/')).text).toContain('ACC-B');
    const refused = await admin.post('/comptes', { _csrf: csrf, login: 'Jean Dupont', role: 'agent' });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('identifiant pseudonyme attendu');
  });

  it('lets a route opt out of the session and token checks (a partner webhook with its own token)', async () => {
    const app = await buildWebApp({ client: env.client, db });
    app.post('/api/partenaires/essai', { config: { auth: 'none' } }, async () => ({ recu: true }));
    app.get('/api/ferme', async () => ({ ouvert: true }));
    await app.ready();
    const open = await app.inject({ method: 'POST', url: '/api/partenaires/essai', payload: {} });
    expect(open.statusCode).toBe(200);
    expect(open.json()).toEqual({ recu: true });
    expect((await app.inject({ method: 'GET', url: '/api/ferme' })).statusCode).toBe(401);
    await app.close();
  });
});

describe('the CLI’s remote mode (jalons --serveur): the API’s roles and perimeter, never Temporal directly', () => {
  let token = '';
  // TEMPORAL_ADDRESS points nowhere: a remote command that reached for Temporal would fail.
  const jalons = jalonsCli(() => ({
    address: '127.0.0.1:1',
    taskQueue,
    env: { JALONS_SERVER_URL: base, JALONS_API_TOKEN: token },
  }));
  const as = (login: string) => (token = tokens[login]!);
  const switchReminders = (id: string, on: boolean, ...options: string[]) =>
    jalons('parcours', 'acte', id, 'reminders.switched', '--donnees', JSON.stringify({ on }), ...options);

  it('tells who the token is, shows its own case and hides another organisation’s as if it did not exist', async () => {
    as('agent-a');
    const me = await jalons('moi', '--json');
    expect(me.code).toBe(0);
    expect(JSON.parse(me.stdout)).toEqual({
      login: 'agent-a',
      role: 'agent',
      scope: { all: false, organisations: ['org-a'], territories: [] },
    });
    const own = await jalons('parcours', 'voir', 'ACC-A');
    expect(own.code).toBe(0);
    expect(own.stdout).toMatch(/^Parcours ACC-A — .* \(territoire lens-lievin, politique pas-de-calais\)$/m);
    expect(own.stdout).toContain('Orientation : social, org-a, référent ref-a');
    const other = await jalons('parcours', 'voir', 'ACC-B');
    expect(other.code).toBe(3);
    expect(other.stderr).toContain('Refusé : Aucun parcours pour l’allocataire ACC-B dans votre périmètre.');
    // B's first appointment is late (nobody could act on it): its territory's agent sees it, A's does not.
    const lateIds = async () =>
      (JSON.parse((await jalons('retards', '--json')).stdout) as { beneficiaryId: string }[]).map(
        (i) => i.beneficiaryId,
      );
    expect(await lateIds()).not.toContain('ACC-B');
    as('agent-audo');
    expect(await lateIds()).toEqual(['ACC-B']);
  }, 180_000);

  it('records an act in the token’s name, refuses one on another organisation’s case, and a read-only token', async () => {
    as('agent-a');
    const beforeB = await journalOf('ACC-B');
    const onB = await switchReminders('ACC-B', false);
    expect(onB.code).toBe(3);
    expect(onB.stderr).toContain('dans votre périmètre');
    expect(await journalOf('ACC-B')).toEqual(beforeB);

    const forged = await switchReminders('ACC-A', false, '--par', 'x');
    expect(forged.code).toBe(3);
    expect(forged.stderr).toContain('--par n’existe pas en mode distant');
    const done = await switchReminders('ACC-A', false, '--json');
    expect(done.code).toBe(0);
    const journal = await journalOf('ACC-A');
    expect(journal.at(-1)).toMatchObject({ event: 'reminders.switched', by: 'agent-a' });

    as('lecteur-a');
    const readOnly = await switchReminders('ACC-A', true);
    expect(readOnly.code).toBe(3);
    expect(readOnly.stderr).toContain('Votre compte est en lecture seule');
    expect(await journalOf('ACC-A')).toEqual(journal);
  }, 180_000);

  it('refuses a wrong token, and the commands that act on Temporal directly', async () => {
    token = 'jalons_faux';
    const wrong = await jalons('parcours', 'voir', 'ACC-A');
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain(
      `Refusé : jeton personnel refusé par ${base} (inconnu, révoqué, ou compte désactivé).`,
    );
    as('admin-1');
    const start = await jalons(
      'parcours',
      'demarrer',
      'ACC-C',
      '--ouverture',
      new Date().toISOString(),
      '--territoire',
      'audomarois',
    );
    expect(start.code).toBe(3);
    expect(start.stderr).toContain(
      '« demarrer » agit directement sur Temporal et n’existe pas en mode distant',
    );
    await expect(showPath(env.client, 'ACC-C')).rejects.toThrow();
  }, 180_000);
});
