/**
 * Personal API tokens expire (issue 19, « portes verrouillées »): JALONS_API_TOKEN_DAYS
 * days after they are issued (90 by default, 1 to 366). At the instant of expiry the token
 * stops working; the API answers 401 with a French sentence saying it expired and how to get
 * a new one; the codec server refuses it; `jalons compte liste --json` and the accounts page
 * show the expiry. A token issued before migration 12 gets an expiry, never none.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import {
  accountByApiToken,
  apiTokenDays,
  checkApiToken,
  createAccount,
  getAccount,
  issueApiToken,
} from '../../store/accounts.js';
import { migrate } from '../../store/migrations.js';
import { loadConfig } from '../../workers/config.js';
import { buildWebApp } from '../../apps/web/server.js';
import { startCodecServer } from '../../apps/codec-server/server.js';
import { EncryptionCodec, parseKeyRing } from '../../workers/codec.js';
import { TEST_PAYLOAD_KEYS } from '../support/keys.js';

const DAY = 86_400_000;
const PASSWORD = 'mot de passe de test assez long';
const UI = 'http://127.0.0.1:8233';
let db: ReadModelDb;
let web: FastifyInstance;
let codec: Awaited<ReturnType<typeof startCodecServer>>;
let base = '';

const api = (path: string, token: string, url = base) =>
  fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
const setExpiry = (login: string, at: Date) =>
  db.query('update accounts set api_token_expires_at = $2 where login = $1', [login, at.toISOString()]);

beforeAll(async () => {
  db = await openReadModel('memory:');
  // /api/moi and the accounts page do not call Temporal: a lazy connection to nowhere.
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  web = await buildWebApp({ client, db, sessionKeys: [randomBytes(32)] });
  await web.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(web.server.address() as { port: number }).port}`;
  codec = await startCodecServer({
    codec: new EncryptionCodec(parseKeyRing(TEST_PAYLOAD_KEYS)),
    accounts: db,
    uiOrigin: UI,
    port: 0,
  });
  await createAccount(
    db,
    { login: 'agent-jeton', role: 'agent', allCases: true, password: PASSWORD },
    { channel: 'cli' },
  );
  await createAccount(db, { login: 'admin-jeton', role: 'admin', password: PASSWORD }, { channel: 'cli' });
});
afterAll(async () => {
  await codec?.app.close();
  await web?.close();
  await db?.close();
});

describe('personal API tokens expire', () => {
  it('reads JALONS_API_TOKEN_DAYS within 1 to 366 days, 90 by default, and refuses anything else in French', () => {
    expect(apiTokenDays({})).toBe(90);
    expect(apiTokenDays({ JALONS_API_TOKEN_DAYS: '' })).toBe(90);
    expect(apiTokenDays({ JALONS_API_TOKEN_DAYS: '1' })).toBe(1);
    expect(apiTokenDays({ JALONS_API_TOKEN_DAYS: '366' })).toBe(366);
    for (const bad of ['0', '367', '-5', '30.5', 'trente'])
      expect(() => apiTokenDays({ JALONS_API_TOKEN_DAYS: bad })).toThrow(
        `JALONS_API_TOKEN_DAYS : nombre entier de jours entre 1 et 366 attendu (« ${bad} » reçu).`,
      );
    // The processes' configuration refuses the same values: the web app, the worker and the codec server do not start.
    for (const bad of ['0', '367', 'trente'])
      expect(() => loadConfig({ JALONS_API_TOKEN_DAYS: bad })).toThrow(
        'Configuration invalide : JALONS_API_TOKEN_DAYS : nombre entier de jours entre 1 et 366 attendu',
      );
    expect(() => loadConfig({ JALONS_API_TOKEN_DAYS: '366' })).not.toThrow();
  });

  it('works until the instant of expiry and not at it (injected clock)', async () => {
    const before = Date.now();
    const token = await issueApiToken(db, 'agent-jeton', { channel: 'cli' });
    const account = await getAccount(db, 'agent-jeton');
    const expiresAt = Date.parse(account!.apiTokenExpiresAt!);
    // now() of the database and Date.now() of the test: the same clock, within a few seconds.
    expect(Math.abs(expiresAt - (before + 90 * DAY))).toBeLessThan(5_000);
    expect((await accountByApiToken(db, token, new Date(expiresAt - 1)))?.login).toBe('agent-jeton');
    expect(await accountByApiToken(db, token, new Date(expiresAt))).toBeNull();
    expect(await checkApiToken(db, token, new Date(expiresAt))).toEqual({
      expired: { login: 'agent-jeton', at: new Date(expiresAt).toISOString() },
    });

    const short = await issueApiToken(db, 'agent-jeton', { channel: 'cli' }, 1);
    const oneDay = Date.parse((await getAccount(db, 'agent-jeton'))!.apiTokenExpiresAt!);
    expect(Math.abs(oneDay - (Date.now() + DAY))).toBeLessThan(5_000);
    expect(await accountByApiToken(db, short, new Date(oneDay + 1))).toBeNull();
  });

  it('gives the tokens issued before migration 12 an expiry: 90 days from issue, 14 days from the upgrade at least', async () => {
    const old = await openReadModel('memory:');
    try {
      for (const login of ['ancien', 'recent'])
        await createAccount(old, { login, role: 'lecture', allCases: true }, { channel: 'cli' });
      const tokens = {
        ancien: await issueApiToken(old, 'ancien', { channel: 'cli' }),
        recent: await issueApiToken(old, 'recent', { channel: 'cli' }),
      };
      // The schema as it was before migration 12, with one token of 200 days and one of 10.
      await old.query('alter table accounts drop column api_token_expires_at');
      await old.query('delete from schema_migrations where version = 12');
      await old.query(
        `update accounts set api_token_created_at = now() - interval '200 days' where login = 'ancien'`,
      );
      await old.query(
        `update accounts set api_token_created_at = now() - interval '10 days' where login = 'recent'`,
      );
      await migrate(old);
      const expiry = async (login: string) => Date.parse((await getAccount(old, login))!.apiTokenExpiresAt!);
      expect(Math.abs((await expiry('ancien')) - (Date.now() + 14 * DAY))).toBeLessThan(5_000);
      expect(Math.abs((await expiry('recent')) - (Date.now() + 80 * DAY))).toBeLessThan(5_000);
      expect((await accountByApiToken(old, tokens.ancien))?.login).toBe('ancien');
    } finally {
      await old.close();
    }
  });

  it('answers an expired token 401 with a French sentence saying how to get a new one', async () => {
    const token = await issueApiToken(db, 'agent-jeton', { channel: 'cli' });
    expect((await api('/api/moi', token)).status).toBe(200);

    await setExpiry('agent-jeton', new Date('2026-03-05T10:00:00Z'));
    const res = await api('/api/moi', token);
    expect(res.status).toBe(401);
    expect(JSON.stringify(await res.json())).toContain(
      'Jeton d’API expiré depuis le 05/03/2026 à 11:00 : demandez-en un nouveau à un administrateur (page « Comptes », ou « jalons compte jeton agent-jeton »).',
    );
    // A token nobody knows keeps the general answer: nothing tells it apart from a wrong one.
    const unknown = await api('/api/moi', `jalons_${randomBytes(32).toString('base64url')}`);
    expect(unknown.status).toBe(401);
    expect(JSON.stringify(await unknown.json())).not.toContain('expiré');

    // A new token works again.
    expect((await api('/api/moi', await issueApiToken(db, 'agent-jeton', { channel: 'cli' }))).status).toBe(
      200,
    );
  });

  it('refuses an expired administrator token on the codec server', async () => {
    const token = await issueApiToken(db, 'admin-jeton', { channel: 'cli' });
    const decode = (t: string) =>
      fetch(`http://127.0.0.1:${codec.port}/decode`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${t}`,
          'content-type': 'application/json',
          'x-namespace': 'default',
        },
        body: JSON.stringify({ payloads: [] }),
      });
    expect((await decode(token)).status).toBe(200);
    await setExpiry('admin-jeton', new Date(Date.now() - 1000));
    expect((await decode(token)).status).toBe(401);
  });

  it('shows the expiry on the accounts page and in `jalons compte liste --json`', async () => {
    await issueApiToken(db, 'agent-jeton', { channel: 'cli' });
    await setExpiry('agent-jeton', new Date('2099-01-15T09:30:00Z'));
    await setExpiry('admin-jeton', new Date('2026-03-05T10:00:00Z'));
    const page = await pageAsAdmin('/comptes');
    expect(page).toContain('oui, jusqu’au 15/01/2099 à 10:30');
    expect(page).toContain('expiré le 05/03/2026 à 11:00');

    const dir = mkdtempSync(join(tmpdir(), 'jalons-token-expiry-'));
    try {
      const readModel = join(dir, 'readmodel');
      const local = await openReadModel(readModel);
      await createAccount(
        local,
        { login: 'agent-liste', role: 'lecture', allCases: true },
        { channel: 'cli' },
      );
      await issueApiToken(local, 'agent-liste', { channel: 'cli' }, 30);
      const expected = (await getAccount(local, 'agent-liste'))!.apiTokenExpiresAt;
      await local.close();
      const listed = await compte(readModel, ['liste', '--json']);
      const accounts = JSON.parse(listed) as { login: string; apiTokenExpiresAt: string | null }[];
      expect(accounts.find((a) => a.login === 'agent-liste')?.apiTokenExpiresAt).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

async function pageAsAdmin(path: string): Promise<string> {
  const cookies = new Map<string, string>();
  const go = async (p: string, init: RequestInit = {}) => {
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${base}${p}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const c of res.headers.getSetCookie()) {
      const [name, ...value] = c.split(';')[0]!.split('=');
      cookies.set(name!, value.join('='));
    }
    return res;
  };
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await go('/connexion')).text())?.[1] ?? '';
  const login = await go('/connexion', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      login: 'admin-jeton',
      password: PASSWORD,
      _csrf: csrf,
      suite: '/',
    }).toString(),
  });
  expect(login.status).toBe(303);
  const res = await go(path);
  expect(res.status).toBe(200);
  return res.text();
}

function compte(readModel: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', 'apps/cli/cli.ts', 'compte', ...args],
      { env: { ...process.env, JALONS_READMODEL_URL: readModel } },
      (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)),
    ),
  );
}
