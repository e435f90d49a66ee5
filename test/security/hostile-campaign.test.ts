/**
 * A hostile-input campaign on the real dev server and worker, through every
 * entry point a person or a partner has: the web form, the JSON API, the CLI,
 * RDV-Insertion's signed webhook, the CAF import, a raw Signal, a raw Update and a scenario
 * file for `jalons simulate`. fast-check generates oversized, empty, wrong-type,
 * control-character, bidi, emoji and 1 MB values, always in an otherwise valid
 * act (so each one must be refused for that value). Afterwards: every path still
 * runs, no history holds a failed workflow task, every refusal was one French
 * sentence, and no state changed (a refused Signal is only kept, bounded, in
 * `rejected`). The number of inputs tried per entry point is printed.
 */
import { temporal } from '@temporalio/proto';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { pathWorkflowId } from '../../domain/ids.js';
import type { PathState } from '../../domain/path/path.js';
import { createAccount, issueApiToken } from '../../store/accounts.js';
import { importCafFlow } from '../../services/import-caf.js';
import { ActionRefused, showPath, startPath } from '../../services/paths.js';
import { InvalidScenario, loadScenario } from '../../dev/simulate.js';
import { frenchTemporalError } from '../../services/temporal-errors.js';
import { RDVI_WEBHOOK_PATH } from '../../apps/web/rdv-insertion-webhook.js';
import { signBody } from '../../partners/rdv-insertion.js';
import { buildWebApp } from '../../apps/web/server.js';
import { jalonsCli } from '../support/cli.js';
import { devServerWithWorker } from '../support/temporal.js';

const taskQueue = 'hostile-campaign';
const t = devServerWithWorker(taskQueue);
const cli = jalonsCli(() => ({ address: t.env.address, taskQueue }));
const PASSWORD = 'mot de passe du test, assez long';
const RDVI_SECRET = 'secret-du-webhook-rdv-insertion-du-test';
const IDS = ['HC-1', 'HC-2'] as const;
const MB = 'a'.repeat(1 << 20);
const SEED = 1414;

let db: ReadModelDb;
let app: FastifyInstance;
let base = '';
let apiToken = '';
let dir = '';
const before = new Map<string, string>();
/** Inputs tried, per entry point (printed at the end). */
const tried: Record<string, number> = {};
const refusals: string[] = [];

/** One French sentence: French words, none of the SDK's English, no line break, short. */
function expectFrench(message: string | undefined, where: string): void {
  expect(message, where).toBeTruthy();
  const m = message!;
  refusals.push(m);
  expect(m, where).toMatch(
    /[àâçéèêëîïôûùœ’«»]|\b(de|du|des|la|le|les|au|aux|en|et|ou|un|une|sans|pour|par|est|attendue?|requise?|plus|invalide|identifiant)\b/i,
  );
  expect(m, where).not.toMatch(/Workflow|failed|Unexpected token|Cannot read|is not a function|\bUpdate\b/);
  expect(m, where).not.toContain('\n');
  expect(m.length, where).toBeLessThan(1_200);
}

// ---------------------------------------------------------------------------
// Hostile values: each is invalid for any identifier, instant, enum or bounded field.

const hostileString = fc.oneof(
  fc.integer({ min: 201, max: 5_000 }).map((n) => 'a'.repeat(n)), // oversized
  fc.constant(''), // empty
  fc.string({ maxLength: 20 }).map((s) => `ref${s}\u0007\u001b[2J`), // control characters
  fc.string({ maxLength: 20 }).map((s) => `ref\u202E${s}\u2066`), // bidi overrides and isolates
  fc.constantFrom('ref-😀', '🚑', 'réf'), // emoji, accents
  fc.constant(MB), // 1 MB
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);
const hostile = fc.oneof(hostileString, wrongType);

const orientation = { track: 'social', organisation: 'cd62', referent: 'ref-1' };
const baseEvent = { type: 'orientation.decided', data: orientation };
/** An orientation, valid but for one hostile field (or one hostile extra key). */
const hostileEvent: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(fc.constantFrom('track', 'organisation', 'referent'), hostile)
    .map(([k, v]) => ({ ...baseEvent, data: { ...orientation, [k]: v } })),
  fc.tuple(fc.constantFrom('at', 'by', 'id', 'type'), hostile).map(([k, v]) => ({ ...baseEvent, [k]: v })),
  // Never a small integer: `seen` equal to the path's revision is valid.
  fc
    .oneof(hostileString, fc.constantFrom(-1, 1.5, 1e12, Number.MAX_SAFE_INTEGER, null, true))
    .map((v) => ({ ...baseEvent, seen: v })),
  fc
    .tuple(
      hostileString.filter((s) => s.length > 0),
      fc.integer(),
    )
    .map(([k, v]) => ({
      ...baseEvent,
      data: { ...orientation, [k.slice(0, 5_000)]: v },
    })),
  wrongType.map((v) => ({ ...baseEvent, data: v })),
  wrongType,
  fc.constant([baseEvent, baseEvent]),
);
/** An orientation decision (the `orient` Update), valid but for one hostile field. */
const hostileDecision: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(fc.constantFrom('track', 'organisation', 'referent', 'decidedAt', 'decidedBy'), hostile)
    .map(([k, v]) => ({ ...orientation, [k]: v })),
  wrongType,
);
/** Hostile without booleans: a field that takes a boolean would accept one. */
const hostileNotBoolean = fc.oneof(hostileString, fc.integer(), fc.constant(null), fc.array(fc.integer()));
const sample = <T>(arb: fc.Arbitrary<T>, n: number): T[] => fc.sample(arb, { numRuns: n, seed: SEED });
const stateOf = async (id: string) => JSON.stringify(await showPath(t.env.client, id));
const withoutRejected = (json: string) => {
  const { rejected: _r, compacted: _c, ...rest } = JSON.parse(json) as PathState;
  return JSON.stringify(rest);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jalons-hostile-'));
  db = await openReadModel('memory:');
  await createAccount(
    db,
    { login: 'agent-hc', role: 'agent', allCases: true, password: PASSWORD },
    { channel: 'cli' },
  );
  apiToken = await issueApiToken(db, 'agent-hc', { channel: 'cli' });
  app = await buildWebApp({
    client: t.env.client,
    db,
    rdvInsertionSecrets: [RDVI_SECRET],
    sessionKeys: [randomBytes(32)],
    secureCookie: false,
    loginRateLimit: { max: 1_000, timeWindowMs: 60_000 },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  // Both paths wait for their orientation: a valid orientation would change them, a hostile one must not.
  for (const id of IDS)
    await startPath(t.env.client, taskQueue, {
      beneficiaryId: id,
      rightsOpenedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      territory: 'lens-lievin',
    });
  for (const id of IDS) before.set(id, await stateOf(id));
}, 60_000);

afterAll(async () => {
  await app?.close();
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  console.log(`[campagne] entrées essayées par point d’entrée : ${JSON.stringify(tried)}`);
});

/** A signed-in browser: cookies and the CSRF token of the case page. */
async function browser() {
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
  const csrfOf = async (path: string) =>
    /name="_csrf" value="([^"]+)"/.exec(await (await go(path)).text())?.[1] ?? '';
  const form = (path: string, fields: Record<string, string>) =>
    go(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const login = await form('/connexion', {
    login: 'agent-hc',
    password: PASSWORD,
    _csrf: await csrfOf('/connexion'),
    suite: '/',
  });
  expect(login.status).toBe(303);
  return { form, csrf: await csrfOf(`/parcours/${IDS[0]}`) };
}

const alertOf = (html: string) =>
  (/role="alert">(?:<strong>Refusé :<\/strong>)?\s*([\s\S]*?)<\/(?:div|p)>/.exec(html)?.[1] ?? '')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();

describe('hostile inputs through every entry point', () => {
  it('the web form refuses each in French (fields as typed, JSON data, 1 MB bodies)', async () => {
    const { form, csrf } = await browser();
    const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
    const inputs = [
      ...sample(fc.tuple(fc.constantFrom('track', 'organisation', 'referent'), hostileString), 20).map(
        ([k, v]) => ({ type: 'orientation.decided', ...orientation, [k]: v }),
      ),
      ...sample(hostileEvent, 10).map((e) => ({ type: 'orientation.decided', data: asText(e) })),
      { type: asText(MB), data: '{}' },
    ];
    for (const fields of inputs) {
      const res = await form(`/parcours/${IDS[0]}/actes`, { _csrf: csrf, ...fields });
      expect([400, 413, 422]).toContain(res.status);
      expectFrench(alertOf(await res.text()), `formulaire ${JSON.stringify(fields).slice(0, 80)}`);
    }
    tried['formulaire web'] = inputs.length;
  }, 60_000);

  it('the JSON API refuses each in French, as { erreur }', async () => {
    const inputs = [...sample(hostileEvent, 30), MB, [MB], { type: 'orientation.decided', data: { x: MB } }];
    for (const body of inputs) {
      const res = await fetch(`${base}/api/parcours/${IDS[0]}/actes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiToken}` },
        body: JSON.stringify(body),
      });
      expect([400, 413, 422]).toContain(res.status);
      expectFrench(((await res.json()) as { erreur?: string }).erreur, 'API');
    }
    tried['API JSON'] = inputs.length;
  }, 60_000);

  it('RDV-Insertion’s webhook refuses each malformed, correctly signed delivery in French, before any Signal', async () => {
    // A participation « seen » for IDS[1], as RDV-Insertion publishes it (docs/rdv-insertion.md § 4).
    const valid = () => ({
      data: {
        id: 1,
        starts_at: new Date().toISOString(),
        status: 'seen',
        participations: [{ id: 11, status: 'seen', user: { id: 101, department_internal_id: IDS[1] } }],
      },
      meta: { model: 'Rdv', event: 'updated', timestamp: new Date().toISOString() },
    });
    const set = (path: string, v: unknown) => {
      const body = valid() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const keys = path.split('.');
      const last = keys.pop()!;
      keys.reduce((o, k) => o[k], body)[last] = v;
      return body;
    };
    const inputs = [
      ...sample(
        fc.tuple(
          fc.constantFrom('meta.event', 'meta.timestamp', 'data.status', 'data.participations.0.status'),
          hostileNotBoolean,
        ),
        25,
      ).map(([k, v]) => set(k, v)),
      ...sample(fc.tuple(fc.constantFrom('data.id', 'data.participations.0.id'), hostileString), 5).map(
        ([k, v]) => set(k, v),
      ),
      ...sample(wrongType, 5),
    ];
    for (const body of inputs) {
      const raw = JSON.stringify(body);
      const res = await fetch(`${base}${RDVI_WEBHOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-rdvi-signature': signBody(raw, RDVI_SECRET) },
        body: raw,
      });
      expect([400, 413], raw.slice(0, 200)).toContain(res.status);
      expectFrench(((await res.json()) as { erreur?: string }).erreur, 'webhook');
    }
    expect(await db.query('select * from rdvi_deliveries')).toEqual([]);
    tried['webhook RDV-Insertion'] = inputs.length;
  }, 60_000);

  it('a raw Update (event and orient) is refused by the path’s validator, read into French', async () => {
    const handle = t.env.client.workflow.getHandle(pathWorkflowId(IDS[0]));
    const inputs: [string, unknown][] = [
      ...sample(hostileEvent, 20).map((e): [string, unknown] => ['event', e]),
      ...sample(hostileDecision, 10).map((d): [string, unknown] => ['orient', d]),
      ['event', { ...baseEvent, data: { ...orientation, organisation: MB } }],
      ['orient', { ...orientation, organisation: 'x'.repeat(3_000) }],
    ];
    for (const [name, payload] of inputs) {
      const err = await handle.executeUpdate(name, { args: [payload] }).then(
        () => null,
        (e: unknown) => e,
      );
      const french = frenchTemporalError(err, IDS[0]);
      expect(french?.kind, `Update ${name} ${JSON.stringify(payload)?.slice(0, 80)}`).toBe('refused');
      expectFrench(french?.message, 'Update');
    }
    tried['Update brute'] = inputs.length;
  }, 60_000);

  it('the CLI refuses each option in French (exit code 3), the issue’s 3,000-character organisation first', async () => {
    const org = (v: string) => [
      'parcours',
      'orienter',
      IDS[0],
      '--parcours',
      'social',
      '--organisation',
      v,
      '--referent',
      'ref-1',
    ];
    const runs = [
      org('x'.repeat(3_000)),
      org('cd62\u202E\u0007'),
      [
        'parcours',
        'orienter',
        IDS[0],
        '--parcours',
        'social',
        '--organisation',
        'cd62',
        '--referent',
        'réf 😀',
      ],
      [
        'parcours',
        'acte',
        IDS[0],
        'orientation.decided',
        '--donnees',
        JSON.stringify({ ...orientation, x: 'a'.repeat(100_000) }),
      ],
    ];
    for (const args of runs) {
      const r = await cli(...args);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr.trim()).toMatch(/^Refusé : /);
      expectFrench(r.stderr.trim(), `CLI ${args.join(' ').slice(0, 80)}`);
    }
    tried.CLI = runs.length;
  }, 90_000);

  it('a CAF flow of hostile rows: each row rejected in French, no path started or ended', async () => {
    const header =
      'id_pseudonyme;type_flux;date_effet;heure;territoire;taille_foyer;rsa_majore;accompagne_depuis';
    // An opening of a path that exists: even a row left valid changes nothing (never an end of rights).
    const valid = [IDS[1], 'ouverture', '2026-01-05', '09:00', 'lens-lievin', '2', 'non', ''];
    const cell = (s: unknown) =>
      `"${String(typeof s === 'string' ? s : JSON.stringify(s)).replace(/"/g, '""')}"`;
    const rows = sample(fc.tuple(fc.integer({ min: 1, max: 7 }), hostile), 40).map(([i, v]) =>
      valid.map((c, j) => (j === i ? cell(v) : c)).join(';'),
    );
    const file = join(dir, 'flux.csv');
    writeFileSync(file, [header, ...rows].join('\n'));
    const summary = await importCafFlow(t.env.client, taskQueue, file);
    expect(summary.created + summary.ended).toBe(0);
    for (const r of summary.rejections) expectFrench(r.reason, `CAF ligne ${r.line}`);
    // Whole files: not UTF-8, one cell of 1 MB, a binary blob.
    const wholeFiles = [Buffer.from([0xff, 0xfe, 0x00]), `${header}\n${IDS[1]};${MB}`, randomBytes(4_096)];
    for (const [i, content] of wholeFiles.entries()) {
      const f = join(dir, `entier-${i}.csv`);
      writeFileSync(f, content);
      const outcome = await importCafFlow(t.env.client, taskQueue, f).then(
        (s) => s.rejections.map((r) => r.reason),
        (e: Error) => [e.message],
      );
      for (const m of outcome) expectFrench(m, `CAF fichier ${i}`);
    }
    tried['import CAF'] = rows.length + wholeFiles.length;
  }, 60_000);

  it('a scenario file for jalons simulate: refused in French before any server starts', async () => {
    const valid = {
      name: 'campagne',
      start: '2026-01-05T09:00:00+01:00',
      until: '2026-03-05T09:00:00+01:00',
      beneficiaries: [{ id: 'S-1', rightsOpenedAt: '2026-01-05T09:00:00+01:00', territory: 'lens-lievin' }],
      events: [{ at: '2026-01-12T10:00:00+01:00', target: 'S-1', ...baseEvent }],
    };
    const inputs: unknown[] = [
      ...sample(fc.tuple(fc.constantFrom('start', 'until', 'policy'), hostile), 12).map(([k, v]) => ({
        ...valid,
        [k]: v,
      })),
      // A name is free text: control and bidi characters are removed, not refused; its bound is.
      ...sample(fc.oneof(fc.constantFrom('', MB, 'n'.repeat(201)), wrongType), 4).map((name) => ({
        ...valid,
        name,
      })),
      ...sample(hostileEvent, 15).map((e) => ({
        ...valid,
        events: [{ at: '2026-01-12T10:00:00+01:00', target: 'S-1', ...(e as object) }],
      })),
      { ...valid, events: Array(10_001).fill(valid.events[0]) },
    ];
    for (const [i, scenario] of inputs.entries()) {
      const file = join(dir, `scenario-${i}.json`);
      writeFileSync(file, JSON.stringify(scenario));
      const error = (() => {
        try {
          loadScenario(file);
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(error, `scénario ${i}`).toBeInstanceOf(InvalidScenario);
      expectFrench((error as Error).message, `scénario ${i}`);
    }
    const r = await cli('simuler', join(dir, 'scenario-0.json'));
    expect(r.code).toBe(2);
    expectFrench(r.stderr.trim(), 'jalons simulate');
    tried['scénario (simulate)'] = inputs.length + 1;
  }, 60_000);

  it('no state changed by any of the above', async () => {
    for (const id of IDS) expect(await stateOf(id), id).toBe(before.get(id));
  });

  it('a raw Signal is refused by the path and kept, bounded, in rejected; nothing else changes', async () => {
    const handle = t.env.client.workflow.getHandle(pathWorkflowId(IDS[1]));
    const partnerBase = { type: 'appointment.missed', data: { excused: false } };
    const inputs = [
      ...sample(hostileEvent, 25),
      ...sample(fc.tuple(fc.constantFrom('at', 'by', 'id', 'seen'), hostile), 10).map(([k, v]) => ({
        ...partnerBase,
        [k]: v,
      })),
      { ...partnerBase, id: MB },
      // A valid act of a person, sent as a partner's Signal: only partner event types pass that door.
      { type: 'orientation.decided', data: { track: 'social', organisation: 'cd62', referent: 'ref-1' } },
    ];
    for (const arg of inputs) await handle.signal('partnerEvent', arg);
    let s: PathState | undefined;
    for (let i = 0; i < 100; i++) {
      s = await showPath(t.env.client, IDS[1]);
      if (s.rejected.length + (s.compacted?.rejected ?? 0) >= inputs.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(s!.rejected.length + (s!.compacted?.rejected ?? 0)).toBe(inputs.length);
    for (const r of s!.rejected) {
      expect(r.event.length).toBeLessThanOrEqual(64);
      expectFrench(r.error, `Signal ${r.event}`);
    }
    expect(s!.rejected.at(-1)).toMatchObject({
      event: 'orientation.decided',
      error: expect.stringContaining('un partenaire ne peut envoyer que appointment.scheduled'),
    });
    expect(withoutRejected(JSON.stringify(s))).toBe(withoutRejected(before.get(IDS[1])!));
    tried['Signal brut'] = inputs.length;
  }, 60_000);

  it('afterwards every path still runs and no history holds a failed workflow task', async () => {
    for (const id of IDS) {
      const handle = t.env.client.workflow.getHandle(pathWorkflowId(id));
      expect((await handle.describe()).status.name, id).toBe('RUNNING');
      const history = await handle.fetchHistory();
      // One exception, which is not a failure of our code: when raw 1 MB Signals pile up while a
      // workflow task runs, the server itself closes that task to flush its buffer (cause
      // FORCE_CLOSE_COMMAND, identity history-service) and the next task applies every Signal —
      // as the previous test checked. Any failure raised by a worker is a bug.
      const failed = (history.events ?? []).filter(
        (e) =>
          e.workflowTaskFailedEventAttributes &&
          !(
            e.workflowTaskFailedEventAttributes.identity === 'history-service' &&
            e.workflowTaskFailedEventAttributes.cause ===
              temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND
          ),
      );
      expect(failed, id).toEqual([]);
    }
    // The paths still answer (the campaign left them usable).
    expect((await showPath(t.env.client, IDS[0])).step).toBe('orientation');
    expect(refusals.length).toBeGreaterThan(150);
    await expect(showPath(t.env.client, 'HC-inconnu')).rejects.toThrow(ActionRefused);
  });
});
