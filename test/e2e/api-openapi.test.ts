/**
 * The JSON API's published description and its errors, over real HTTP on the
 * dev server with the real worker and read model: /api/openapi.json is an
 * OpenAPI 3.1 document that lists exactly the /api routes the app registers,
 * its filters are the zod schema's keys, its response shapes match real
 * answers; /api/documentation lists the same operations in French; refusals
 * are `application/problem+json` with a stable code and the French sentence,
 * and the CLI's remote mode still prints that sentence.
 */
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { lateItems } from '../../store/queries.js';
import { createAccount, issueApiToken } from '../../store/accounts.js';
import { MailSink } from '../../dev/mail-sink.js';
import { actOnPath, showPath, startPath } from '../../services/paths.js';
import { startWebApp } from '../../apps/web/server.js';
import { actSchema, dueSchema, filterSchema } from '../../apps/web/api.js';
import { pathEventTypes } from '../../domain/path/path-events.js';
import { accountSchema, deadlineItemSchema, pathStateSchema } from '../../apps/web/openapi.js';
import { problemTitles } from '../../apps/web/problem.js';
import { deadlineFilterFields } from '../../domain/path/deadline-filter.js';
import { activitiesFor } from '../../workers/worker.js';
import { devServerEnv, testWorker } from '../support/temporal.js';
import { jalonsCli } from '../support/cli.js';

const DAY = 86_400_000;
const taskQueue = 'api-openapi';
const PASSWORD = 'mot de passe de test assez long';
const PROBLEM = 'application/problem+json; charset=utf-8';
let env: TestWorkflowEnvironment;
let sink: MailSink;
let db: ReadModelDb;
let worker: Worker;
let running: Promise<void>;
let web: Awaited<ReturnType<typeof startWebApp>>;
let base = '';
const tokens: Record<string, string> = {};

const api = (path: string, token: string | undefined, init: RequestInit = {}) =>
  fetch(`${base}${path}`, {
    ...init,
    headers: {
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });

/** The routes Fastify registered, read from its own route tree (`printRoutes`), as `METHOD /path`. */
function registeredRoutes(tree: string): Set<string> {
  const stack: string[] = [];
  const out = new Set<string>();
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack.length = depth;
    stack[depth] = path;
    for (const method of m[3]?.split(', ') ?? []) if (method !== 'HEAD') out.add(`${method} ${path}`);
  }
  return out;
}

type OpenApi = {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; security: unknown[] }>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
};

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 120 && !(await check()); i++) await new Promise((r) => setTimeout(r, 250));
}

beforeAll(async () => {
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
  worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', db), { taskQueue });
  running = worker.run();
  web = await startWebApp({
    client: env.client,
    db,
    port: 0,
    sessionKeys: [randomBytes(32)],
    rdvInsertionSecrets: [randomBytes(24).toString('hex')],
  });
  base = `http://127.0.0.1:${web.port}`;
  for (const [login, role] of [
    ['agent-api', 'agent'],
    ['lecteur-api', 'lecture'],
  ] as const) {
    await createAccount(
      db,
      { login, role, password: PASSWORD, organisations: ['org-a'] },
      { channel: 'cli' },
    );
    tokens[login] = await issueApiToken(db, login, { channel: 'cli' });
  }
  // Opened 40 days ago, oriented 20 days ago: its first appointment is late.
  await startPath(env.client, taskQueue, {
    beneficiaryId: 'API-A',
    rightsOpenedAt: new Date(Date.now() - 40 * DAY).toISOString(),
    territory: 'lens-lievin',
  });
  await actOnPath(env.client, 'API-A', {
    type: 'orientation.decided',
    at: new Date(Date.now() - 20 * DAY).toISOString(),
    data: { track: 'social', organisation: 'org-a', referent: 'ref-a' },
  });
  await until(async () => (await lateItems(db)).length > 0);
}, 120_000);

afterAll(async () => {
  await web?.app.close();
  worker?.shutdown();
  await running;
  await db?.close();
  await env?.teardown();
  await sink?.close();
});

describe('the API’s published description (OpenAPI 3.1 from the zod schemas)', () => {
  it('is public JSON that lists exactly the /api routes the app registers, with the bearer scheme', async () => {
    const res = await fetch(`${base}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const doc = (await res.json()) as OpenApi;
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const registered = [...registeredRoutes(web.app.printRoutes({ commonPrefix: false }))].filter((r) =>
      r.split(' ')[1]!.startsWith('/api/'),
    );
    expect(registered.length).toBeGreaterThanOrEqual(8);
    expect([...documented].sort()).toEqual([...new Set(registered)].sort());
    for (const r of documented) {
      const [method, url] = r.split(' ') as ['GET' | 'POST', string];
      expect(web.app.hasRoute({ method, url }), r).toBe(true);
    }
    expect(doc.components.securitySchemes.jetonPersonnel).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/moi']!.get!.security).toEqual([{ jetonPersonnel: [] }]);
    expect(doc.paths['/api/openapi.json']!.get!.security).toEqual([]);
    // RDV-Insertion's webhook: signed, not a person's token (docs/rdv-insertion.md § 4).
    expect(doc.paths['/api/partenaires/rdv-insertion/webhooks']!.post!.security).toEqual([
      { signatureRdvInsertion: [] },
    ]);
    expect(doc.components.securitySchemes.signatureRdvInsertion).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-RDVI-Signature',
    });
    // Every reference resolves inside the document (no dangling $ref).
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) {
      const target = r.split('/').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], doc);
      expect(target, r).toBeTypeOf('object');
    }
  });

  it('describes the filters by the zod schema’s own keys, each in French', async () => {
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as OpenApi;
    const names = (path: string) => doc.paths[path]!.get!.parameters!.map((p) => p.name).sort();
    expect(names('/api/retards')).toEqual(Object.keys(filterSchema.in.shape).sort());
    expect(names('/api/retards')).toEqual(Object.keys(deadlineFilterFields).sort());
    expect(names('/api/echeances')).toEqual(Object.keys(dueSchema.in.shape).sort());
    expect(names('/api/echeances')).toContain('jours');
    for (const p of doc.paths['/api/echeances']!.get!.parameters! as unknown as { description: string }[])
      expect(p.description).toMatch(/^[A-ZÉ]/);
    const jours = doc.paths['/api/echeances']!.get!.parameters!.find(
      (p) => p.name === 'jours',
    ) as unknown as {
      schema: { minimum: number; maximum: number };
    };
    expect(jours.schema).toMatchObject({ minimum: 1, maximum: 92 });
  });

  it('describes an act’s body by the path’s own event schemas, without the author the token sets', async () => {
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as OpenApi & {
      components: { schemas: { Acte: { oneOf: { properties: Record<string, { const?: string }> }[] } } };
    };
    const variants = doc.components.schemas.Acte.oneOf;
    expect(variants.map((v) => v.properties.type!.const)).toEqual(pathEventTypes);
    for (const v of variants)
      expect(Object.keys(v.properties).sort()).toEqual(Object.keys(actSchema.shape).sort());
  });

  it('describes response shapes that the real answers match', async () => {
    const me = await (await api('/api/moi', tokens['agent-api'])).json();
    expect(accountSchema.safeParse(me).success).toBe(true);
    const late = (await (await api('/api/retards', tokens['agent-api'])).json()) as { retards: unknown[] };
    expect(late.retards.length).toBeGreaterThan(0);
    for (const item of late.retards) expect(deadlineItemSchema.safeParse(item).error).toBeUndefined();
    const path = await (await api('/api/parcours/API-A', tokens['agent-api'])).json();
    expect(pathStateSchema.safeParse(path).error).toBeUndefined();
  });

  it('lists the same operations and every error code on a French page, with no script', async () => {
    const res = await fetch(`${base}/api/documentation`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('<html lang="fr">');
    expect(text).not.toContain('<script');
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as OpenApi;
    for (const [path, ops] of Object.entries(doc.paths))
      for (const m of Object.keys(ops))
        expect(text).toContain(`${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    for (const code of Object.keys(problemTitles)) expect(text).toContain(`id="probleme-${code}"`);
  });
});

describe('the API’s errors as application/problem+json (RFC 9457)', () => {
  it('answers an unauthenticated call 401 with code non-authentifie', async () => {
    const res = await api('/api/retards', undefined);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe(PROBLEM);
    const detail = 'Authentification requise : en-tête « Authorization: Bearer <jeton personnel> ».';
    expect(await res.json()).toEqual({
      type: '/api/documentation#probleme-non-authentifie',
      title: 'Authentification requise',
      status: 401,
      detail,
      code: 'non-authentifie',
      erreur: detail,
    });
  });

  it('answers a bad filter 400 parametre-invalide naming the field', async () => {
    const res = await api('/api/echeances?jours=93', tokens['agent-api']);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe(PROBLEM);
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe('parametre-invalide');
    expect(body.detail).toMatch(/jours/);
    expect((await api('/api/echeances?jours=92', tokens['agent-api'])).status).toBe(200);
  });

  it('answers a refused act 422 acte-refuse with the rules’ French sentence, and changes nothing', async () => {
    const before = (await showPath(env.client, 'API-A')).journal;
    const res = await api('/api/parcours/API-A/actes', tokens['agent-api'], {
      method: 'POST',
      body: JSON.stringify({
        type: 'orientation.decided',
        data: { track: 'social', organisation: 'org-a', referent: 'ref-b' },
      }),
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe(PROBLEM);
    const body = (await res.json()) as { code: string; detail: string; erreur: string; status: number };
    expect(body).toMatchObject({ code: 'acte-refuse', status: 422, title: 'Acte refusé' });
    expect(body.detail).toBe(
      'Ce parcours est déjà orienté : utilisez une réorientation (reorientation.decided).',
    );
    expect(body.erreur).toBe(body.detail);
    expect((await showPath(env.client, 'API-A')).journal).toEqual(before);
    const invalid = await api('/api/parcours/API-A/actes', tokens['agent-api'], {
      method: 'POST',
      body: JSON.stringify({ type: 'contract.signed', data: { weeklyHours: 15 } }),
    });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({
      code: 'acte-invalide',
      detail: expect.stringMatching(/intensive/),
    });
  });

  it('names a read-only account’s refusal role-insuffisant, and an unknown case introuvable', async () => {
    const readOnly = await api('/api/parcours/API-A/actes', tokens['lecteur-api'], {
      method: 'POST',
      body: JSON.stringify({ type: 'interview.held' }),
    });
    expect(readOnly.status).toBe(403);
    expect(await readOnly.json()).toMatchObject({ code: 'role-insuffisant' });
    const missing = await api('/api/parcours/API-ZZZ', tokens['agent-api']);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      code: 'introuvable',
      detail: 'Aucun parcours pour l’allocataire API-ZZZ dans votre périmètre.',
    });
  });

  it('lets the CLI’s remote mode print the French sentence of a problem', async () => {
    const jalons = jalonsCli(() => ({
      address: '127.0.0.1:1',
      taskQueue,
      env: { JALONS_SERVER_URL: base, JALONS_API_TOKEN: tokens['agent-api']! },
    }));
    const res = await jalons('parcours', 'voir', 'API-ZZZ');
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('Refusé : Aucun parcours pour l’allocataire API-ZZZ dans votre périmètre.');
  }, 60_000);
});
