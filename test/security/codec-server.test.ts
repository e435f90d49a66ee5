/**
 * The codec server: decrypts for the Temporal UI's origin and an administrator's
 * personal API token only (agents and read-only accounts are refused: decrypting
 * shows every case; no shared token exists, issue 19); each decode is journaled
 * (who, how many payloads, when); probes and metrics need no account.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { accountEvents, createAccount, issueApiToken, setDisabled } from '../../store/accounts.js';
import { startCodecServer } from '../../apps/codec-server/server.js';
import { EncryptionCodec, parseKeyRing } from '../../workers/codec.js';

const codec = new EncryptionCodec(parseKeyRing(`k1:${randomBytes(32).toString('base64')}`));
const UI = 'http://127.0.0.1:8233';
let server: Awaited<ReturnType<typeof startCodecServer>>;
let base = '';
let db: ReadModelDb;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  db = await openReadModel('memory:');
  for (const [login, role] of [
    ['admin-codec', 'admin'],
    ['agent-codec', 'agent'],
    ['lecteur-codec', 'lecture'],
  ] as const) {
    await createAccount(
      db,
      { login, role, ...(role === 'admin' ? {} : { allCases: true }) },
      { channel: 'cli' },
    );
    tokens[login] = await issueApiToken(db, login, { channel: 'cli' });
  }
  server = await startCodecServer({ codec, accounts: db, uiOrigin: UI, port: 0 });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.app.close();
  await db?.close();
});

const encrypted = async () => {
  const [p] = await codec.encode([
    { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"ref-42"') },
  ]);
  return {
    metadata: Object.fromEntries(
      Object.entries(p!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
    ),
    data: Buffer.from(p!.data!).toString('base64'),
  };
};
const post = async (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('codec server', () => {
  it('decrypts for an authenticated caller from the UI’s origin', async () => {
    const res = await post(
      '/decode',
      { payloads: [await encrypted()] },
      { authorization: `Bearer ${tokens['admin-codec']}`, origin: UI },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    const body = (await res.json()) as { payloads: { data: string }[] };
    expect(Buffer.from(body.payloads[0]!.data, 'base64').toString()).toBe('"ref-42"');
  });

  it('refuses without a token, with a wrong one, and from another origin', async () => {
    const payloads = [await encrypted()];
    expect((await post('/decode', { payloads })).status).toBe(401);
    expect((await post('/decode', { payloads }, { authorization: 'Bearer autre' })).status).toBe(401);
    const foreign = await post(
      '/decode',
      { payloads },
      { authorization: `Bearer ${tokens['admin-codec']}`, origin: 'https://ailleurs.example' },
    );
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('decrypts with an administrator’s API token only; refuses agents and read-only accounts (403), disabled ones (401)', async () => {
    const payloads = [await encrypted()];
    const as = (login: string) =>
      post('/decode', { payloads }, { authorization: `Bearer ${tokens[login]}`, origin: UI });
    const ok = await as('admin-codec');
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { payloads: { data: string }[] };
    expect(Buffer.from(body.payloads[0]!.data, 'base64').toString()).toBe('"ref-42"');
    for (const login of ['agent-codec', 'lecteur-codec']) {
      const refused = await as(login);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBe(UI);
      expect(await refused.json()).toEqual({
        message: 'Déchiffrement réservé aux administrateurs : il montre les dossiers de tous les périmètres.',
      });
    }
    const events = await accountEvents(db, 20);
    expect(
      events
        .filter((e) => e.event === 'codec.refused')
        .map((e) => e.login)
        .sort(),
    ).toEqual(['agent-codec', 'lecteur-codec']);
    // Each decode journaled, with how many payloads (the first test's decode and this one).
    expect(
      events.filter((e) => e.event === 'codec.decrypt').map((e) => [e.login, e.channel, e.detail]),
    ).toEqual([
      ['admin-codec', 'codec', '1 charge(s) utile(s) déchiffrée(s)'],
      ['admin-codec', 'codec', '1 charge(s) utile(s) déchiffrée(s)'],
    ]);
    await setDisabled(db, 'admin-codec', true, { channel: 'cli' });
    expect((await as('admin-codec')).status).toBe(401);
    // Another origin is refused before any token is looked at.
    await setDisabled(db, 'admin-codec', false, { channel: 'cli' });
    const foreign = await post(
      '/decode',
      { payloads },
      { authorization: `Bearer ${tokens['admin-codec']}`, origin: 'https://ailleurs.example' },
    );
    expect(foreign.status).toBe(403);
  });

  it('answers the browser’s preflight for the UI only, and rejects a malformed body in French', async () => {
    const preflight = await fetch(`${base}/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const bad = await post('/decode', { nope: 1 }, { authorization: `Bearer ${tokens['admin-codec']}` });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe('Corps attendu : { payloads: [...] }.');
  });

  it('refuses a shared token of any length: only personal administrator tokens open it', async () => {
    const payloads = [await encrypted()];
    const shared = 'jeton-partage-de-bien-plus-de-32-caracteres-0123456789';
    expect(
      (await post('/decode', { payloads }, { authorization: `Bearer ${shared}`, origin: UI })).status,
    ).toBe(401);
  });

  it('answers its probes and its metrics without an account (metrics: loopback)', async () => {
    expect(await (await fetch(`${base}/sante/vivant`)).json()).toEqual({ statut: 'vivant' });
    const ready = await fetch(`${base}/sante/pret`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ statut: 'prêt', controles: { 'modele-lecture': 'ok' } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^jalons_codec_requests_total\{outcome="decode"\} [1-9]/m);
    expect(metrics).toMatch(/^jalons_codec_requests_total\{outcome="forbidden"\} [1-9]/m);
  });
});
