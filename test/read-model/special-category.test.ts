/**
 * Special-category data stays out of the read model (issue 19, « portes verrouillées »;
 * store/special-category.ts). A path on the dev server, with the real worker, gets a
 * diagnostic noting health and disability barriers and a contract with a health exemption:
 * the workflow keeps them (read from Temporal, as the case page and `jalons parcours voir`
 * do), the read model's stored row has no trace of them (its raw text searched), its lists
 * still work; and the rows written before (migration 13) lose them too.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { migrate } from '../../store/migrations.js';
import { withoutSpecialCategory, WITHHELD } from '../../store/special-category.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import type { PathState } from '../../domain/path/path.js';
import { MailSink } from '../../dev/mail-sink.js';
import { actOnPath, showPath, startPath } from '../../services/paths.js';
import { activitiesFor } from '../../workers/worker.js';
import { devServerEnv, testWorker } from '../support/temporal.js';

const DAY = 86_400_000;
const taskQueue = 'read-model-special-category';
/** Words that would betray the withheld data, in the stored JSON. */
const SENSITIVE = /health|disability|invalidity|sant[ée]|handicap/i;
let env: TestWorkflowEnvironment;
let sink: MailSink;
let db: ReadModelDb;
let worker: Worker;
let running: Promise<void>;

const rawRows = async (id: string) =>
  (
    await db.query<{ row: string }>(
      `select p::text as row from paths p where workflow_id = $1
       union all select d::text from deadlines d where workflow_id = $1
       union all select j::text from journal j where workflow_id = $1
       union all select n::text from notifications n where workflow_id = $1`,
      [`parcours-${id}`],
    )
  ).map((r) => r.row);

beforeAll(async () => {
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
  worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', db), { taskQueue });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await db?.close();
  await env?.teardown();
  await sink?.close();
});

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`attendu : ${what}`);
}

describe('special-category data out of the read model', () => {
  it('keeps health and disability in the workflow and writes none of it to the read model', async () => {
    const id = 'SENS-1';
    const at = (days: number) => new Date(Date.now() - days * DAY).toISOString();
    await startPath(env.client, taskQueue, {
      beneficiaryId: id,
      rightsOpenedAt: at(30),
      territory: 'lens-lievin',
    });
    await actOnPath(env.client, id, {
      type: 'orientation.decided',
      at: at(20),
      data: { track: 'social', organisation: 'org-a', referent: 'ref-a' },
    });
    await actOnPath(env.client, id, { type: 'appointment.attended', at: at(10) });
    await actOnPath(env.client, id, {
      type: 'diagnostic.completed',
      at: at(10),
      data: { barriers: ['health', 'disability', 'housing'] },
    });
    await actOnPath(env.client, id, {
      type: 'contract.signed',
      at: at(5),
      data: { weeklyHours: 0, intensive: false, exemption: 'health' },
    });

    // The workflow (what the case page and `jalons parcours voir` read) keeps all of it.
    const state = await showPath(env.client, id);
    expect(state.diagnostic?.barriers).toEqual(['health', 'disability', 'housing']);
    expect(state.contract?.exemption).toBe('health');

    await until(async () => {
      const [row] = await db.query<{ revision: number; state: PathState }>(
        'select revision, state from paths where workflow_id = $1',
        [`parcours-${id}`],
      );
      return row?.state.contract !== null && row?.state.contract !== undefined;
    }, 'le contrat dans le modèle de lecture');
    const rows = await rawRows(id);
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) expect(row).not.toMatch(SENSITIVE);
    const [{ state: stored } = { state: null }] = await db.query<{ state: PathState }>(
      'select state from paths where workflow_id = $1',
      [`parcours-${id}`],
    );
    // What the read model still knows: that a diagnostic took place and when, that an exemption exists.
    expect(stored?.diagnostic).toEqual({ completedAt: state.diagnostic!.completedAt, barriers: [] });
    expect(stored?.contract).toMatchObject({ weeklyHours: 0, exemption: WITHHELD, reduction: null });
    expect(stored?.step).toBe(state.step);
  }, 60_000);

  it('withholds a health or disability exemption and any reduction reason, keeps a childcare exemption', () => {
    const base = newPathState({
      beneficiaryId: 'SENS-2',
      rightsOpenedAt: '2026-01-05T09:00:00+01:00',
      territory: 'lens-lievin',
    });
    const act = (s: PathState, type: string, at: string, data: Record<string, unknown> = {}) =>
      applyPathEvent(s, { type, at, data }, new Date(at));
    act(base, 'orientation.decided', '2026-01-12T10:00:00+01:00', {
      track: 'social',
      organisation: 'org-a',
      referent: 'ref-a',
    });
    const withContract = (data: Record<string, unknown>) =>
      act(structuredClone(base), 'contract.signed', '2026-02-02T10:00:00+01:00', {
        intensive: false,
        ...data,
      });
    for (const exemption of ['health', 'disability', 'invalidity'])
      expect(withoutSpecialCategory(withContract({ weeklyHours: 0, exemption })).contract?.exemption).toBe(
        WITHHELD,
      );
    expect(
      withoutSpecialCategory(withContract({ weeklyHours: 0, exemption: 'lone-parent-childcare' })).contract
        ?.exemption,
    ).toBe('lone-parent-childcare');
    const reduced = withContract({ weeklyHours: 9, reduction: 'suivi médical lourd' });
    expect(withoutSpecialCategory(reduced).contract).toMatchObject({ weeklyHours: 9, reduction: WITHHELD });
    // The workflow's own state is left as it was.
    expect(reduced.contract?.reduction).toBe('suivi médical lourd');
  });

  it('removes them from the rows written before (migration 13)', async () => {
    const old = await openReadModel('memory:');
    try {
      const state = {
        diagnostic: { completedAt: '2026-01-19T10:00:00Z', barriers: ['health', 'mobility'] },
        contract: {
          signedAt: '2026-02-02T09:00:00Z',
          weeklyHours: 0,
          intensive: false,
          reduction: 'santé',
          exemption: 'disability',
        },
      };
      await old.query(
        `insert into paths (workflow_id, beneficiary_id, revision, policy, territory, step, status, rights_opened_at, state)
         values ('parcours-SENS-OLD', 'SENS-OLD', 1, 'rsa', 'lens-lievin', 'accompaniment', 'active', now(), $1)`,
        [JSON.stringify(state)],
      );
      await old.query('delete from schema_migrations where version = 13');
      await migrate(old);
      const [row] = await old.query<{ row: string; state: typeof state }>(
        `select p::text as row, state from paths p where workflow_id = 'parcours-SENS-OLD'`,
      );
      expect(row!.row).not.toMatch(SENSITIVE);
      expect(row!.state).toEqual({
        diagnostic: { completedAt: '2026-01-19T10:00:00Z', barriers: [] },
        contract: {
          signedAt: '2026-02-02T09:00:00Z',
          weeklyHours: 0,
          intensive: false,
          reduction: WITHHELD,
          exemption: WITHHELD,
        },
      });
    } finally {
      await old.close();
    }
  });
});
