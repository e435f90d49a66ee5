/**
 * Reading a case leaves a trace (issue 19, « portes verrouillées »): each view of a
 * case's page and each GET /api/parcours/:id writes one line of the accounts journal —
 * who (the login), which case (its pseudonymous id), when — with the event « dossier
 * consulté ». A view refused because the case is out of the account's perimeter (or
 * does not exist) is not journaled as a read. On the dev server, with the real worker.
 */
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { accountEvents, createAccount, eventLabels, issueApiToken } from '../../store/accounts.js';
import { MailSink } from '../../dev/mail-sink.js';
import { actOnPath, startPath } from '../../services/paths.js';
import { startWebApp } from '../../apps/web/server.js';
import { activitiesFor } from '../../workers/worker.js';
import { devServerEnv, testWorker } from '../support/temporal.js';

const DAY = 86_400_000;
const taskQueue = 'security-case-reads';
const PASSWORD = 'mot de passe de test assez long';
let env: TestWorkflowEnvironment;
let sink: MailSink;
let db: ReadModelDb;
let worker: Worker;
let running: Promise<void>;
let web: Awaited<ReturnType<typeof startWebApp>>;
let base = '';
let token = '';

/** A signed-in browser over plain HTTP: keeps its cookies, follows no redirect. */
async function signedIn(login: string) {
  const cookies = new Map<string, string>();
  const go = async (path: string, init: RequestInit = {}) => {
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${base}${path}`, {
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
  const res = await go('/connexion', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login, password: PASSWORD, _csrf: csrf, suite: '/' }).toString(),
  });
  expect(res.status).toBe(303);
  return go;
}

const api = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
const reads = async () => (await accountEvents(db, 1000)).filter((e) => e.event === 'case.read');

beforeAll(async () => {
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
  worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', db), { taskQueue });
  running = worker.run();
  web = await startWebApp({ client: env.client, db, port: 0, sessionKeys: [randomBytes(32)] });
  base = `http://127.0.0.1:${web.port}`;
  await createAccount(
    db,
    { login: 'agent-lecture', role: 'agent', organisations: ['org-a'], password: PASSWORD },
    { channel: 'cli' },
  );
  token = await issueApiToken(db, 'agent-lecture', { channel: 'cli' });
  for (const [id, territory, organisation] of [
    ['READ-A', 'lens-lievin', 'org-a'],
    ['READ-B', 'audomarois', 'org-b'],
  ] as const) {
    await startPath(env.client, taskQueue, {
      beneficiaryId: id,
      rightsOpenedAt: new Date(Date.now() - 10 * DAY).toISOString(),
      territory,
    });
    await actOnPath(env.client, id, {
      type: 'orientation.decided',
      at: new Date(Date.now() - 5 * DAY).toISOString(),
      data: { track: 'social', organisation, referent: `ref-${organisation}` },
    });
  }
}, 120_000);

afterAll(async () => {
  await web?.app.close();
  worker?.shutdown();
  await running;
  await db?.close();
  await env?.teardown();
  await sink?.close();
});

describe('reading a case is journaled', () => {
  it('writes one line per view, web page and API, with the login, the case and the instant', async () => {
    expect(eventLabels['case.read']).toBe('dossier consulté');
    const go = await signedIn('agent-lecture');
    const before = Date.now();
    const page = await go('/parcours/READ-A');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('READ-A');
    const viaApi = await api('/api/parcours/READ-A');
    expect(viaApi.status).toBe(200);
    expect(((await viaApi.json()) as { beneficiaryId: string }).beneficiaryId).toBe('READ-A');
    const after = Date.now();

    const lines = await reads();
    expect(lines.map(({ login, detail, channel }) => ({ login, detail, channel }))).toEqual([
      { login: 'agent-lecture', detail: 'READ-A', channel: 'api' },
      { login: 'agent-lecture', detail: 'READ-A', channel: 'web' },
    ]);
    for (const line of lines) {
      // The database's clock and the test's: the same machine, within a second.
      expect(Date.parse(line.at)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(line.at)).toBeLessThanOrEqual(after + 1000);
      expect(line.ip).toBe('127.0.0.1');
    }
    // A second view: a second line (one row per view).
    expect((await go('/parcours/READ-A')).status).toBe(200);
    expect(await reads()).toHaveLength(3);
  }, 60_000);

  it('does not journal a refused view (out of the perimeter, unknown case) as a read', async () => {
    const count = (await reads()).length;
    const go = await signedIn('agent-lecture');
    expect((await go('/parcours/READ-B')).status).toBe(404);
    expect((await api('/api/parcours/READ-B')).status).toBe(404);
    expect((await go('/parcours/INCONNU-1')).status).toBe(404);
    expect((await api('/api/parcours/INCONNU-1')).status).toBe(404);
    const lines = await reads();
    expect(lines).toHaveLength(count);
    expect(lines.some((l) => l.detail === 'READ-B' || l.detail === 'INCONNU-1')).toBe(false);
  }, 60_000);
});
