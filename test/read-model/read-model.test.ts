/**
 * The read model on both databases it runs on: embedded PostgreSQL (PGlite)
 * and a real PostgreSQL server. Paths are built with the real path machine on
 * known dates, so every expected figure can be worked out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { migrate } from '../../store/migrations.js';
import { dueSoon, indicators, lateItems, orientationDelays, workloads } from '../../store/queries.js';
import { recordPath } from '../../store/record.js';
import { pathWorkflowId } from '../../domain/ids.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import type { PathState } from '../../domain/path/path.js';
import { fireTimedAction, timedActions } from '../../domain/path/path-timers.js';
import { startPostgres } from '../support/postgres.js';

function path(id: string, opened: string, territory = 'lens-lievin'): PathState {
  return newPathState({ beneficiaryId: id, rightsOpenedAt: opened, territory });
}
const act = (s: PathState, type: string, at: string, data: Record<string, unknown> = {}, by?: string) =>
  applyPathEvent(s, { type, at, data, ...(by ? { by } : {}) }, new Date(at));
/** Lets time run on a path up to `until`, as its workflow would. */
function runUntil(s: PathState, until: string): PathState {
  for (let a = timedActions(s)[0]; a && a.at <= new Date(until); a = timedActions(s)[0])
    fireTimedAction(s, a, a.at);
  return s;
}
const orient = (referent: string, track = 'socio-professional') => ({
  track,
  organisation: 'cd62',
  referent,
});

/** Four paths opened in January 2026 with known fates, seen on 2 March 2026. */
function fixtures(): PathState[] {
  // Oriented in 7 days, contract in time, intensive.
  const a = path('RM-A', '2026-01-05T09:00:00+01:00');
  act(a, 'orientation.decided', '2026-01-12T10:00:00+01:00', orient('ref-1'), 'agent-7');
  act(a, 'appointment.attended', '2026-01-19T10:00:00+01:00');
  act(a, 'diagnostic.completed', '2026-01-19T11:00:00+01:00', { barriers: [] });
  act(a, 'contract.signed', '2026-02-02T10:00:00+01:00', { weeklyHours: 15, intensive: true });
  // Oriented in 24 days (local target missed, legal met), no contract yet: contract due 29 Feb → 28 Feb.
  const b = path('RM-B', '2026-01-05T09:00:00+01:00');
  act(b, 'orientation.decided', '2026-01-29T10:00:00+01:00', orient('ref-1'));
  // Never oriented: both orientation deadlines late.
  const c = path('RM-C', '2026-01-10T09:00:00+01:00', 'audomarois');
  // Oriented, contract refused, sanctioned, remobilised.
  const d = path('RM-D', '2026-01-06T09:00:00+01:00');
  act(d, 'orientation.decided', '2026-01-08T10:00:00+01:00', orient('ref-2', 'social'));
  act(d, 'breach.reported', '2026-01-20T10:00:00+01:00', { kind: 'contract-refusal' });
  act(d, 'sanction.decided', '2026-02-02T10:00:00+01:00', { rate: 0.3, months: 1 });
  act(d, 'compliance.resumed', '2026-02-10T10:00:00+01:00');
  act(d, 'contract.signed', '2026-02-11T10:00:00+01:00', {
    weeklyHours: 9,
    intensive: false,
    reduction: 'santé',
  });
  return [a, b, c, d].map((s) => runUntil(s, '2026-03-02T08:00:00Z'));
}

const revisionOf = (s: PathState) => s.seq + s.handled.length + s.rejected.length;
const NOW = new Date('2026-03-02T08:00:00Z');

describe.each([
  ['embedded (PGlite)', 'embedded'],
  ['PostgreSQL server', 'postgres'],
])('read model on %s', (_name, kind) => {
  let db: ReadModelDb;
  let stop = () => {};
  beforeAll(async () => {
    if (kind === 'postgres') {
      const pg = await startPostgres();
      stop = pg.stop;
      db = await openReadModel(pg.url);
    } else db = await openReadModel('memory:');
    for (const s of fixtures())
      await recordPath(db, {
        workflowId: pathWorkflowId(s.beneficiaryId),
        revision: revisionOf(s),
        state: s,
      });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    stop();
  });

  it('migrations apply once, in order, even when run again', async () => {
    await migrate(db);
    const versions = await db.query<{ version: number }>(
      'select version from schema_migrations order by version',
    );
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('a snapshot older than the one recorded changes nothing; the same one twice writes once', async () => {
    const [a] = fixtures();
    const id = pathWorkflowId(a!.beneficiaryId);
    expect(await recordPath(db, { workflowId: id, revision: revisionOf(a!), state: a! })).toBe(false);
    expect(await recordPath(db, { workflowId: id, revision: 1, state: { ...a!, step: 'orientation' } })).toBe(
      false,
    );
    const [row] = await db.query<{ step: string }>('select step from paths where workflow_id = $1', [id]);
    expect(row?.step).toBe('intensive-accompaniment');
    const journal = await db.query<{ event: string; actor: string | null }>(
      'select event, actor from journal where workflow_id = $1 order by seq',
      [id],
    );
    expect(journal.map((j) => [j.event, j.actor])).toEqual([
      ['orientation.decided', 'agent-7'],
      ['appointment.attended', null],
      ['diagnostic.completed', null],
      ['contract.signed', null],
    ]);
  });

  it('lists late items, oldest first, filterable by territory', async () => {
    const late = await lateItems(db);
    expect(late.map((l) => [l.beneficiary_id, l.kind, new Date(l.due_at).toISOString()])).toEqual([
      // RM-C: opened 10 Jan: 15 days → 25 Jan; 6 weeks → 21 Feb.
      ['RM-C', 'orientation.local', '2026-01-25T22:59:59.999Z'],
      // RM-B: oriented 29 Jan: first appointment by 13 Feb, contract by 28 Feb (29 Feb does not exist).
      ['RM-B', 'first-appointment', '2026-02-13T22:59:59.999Z'],
      ['RM-C', 'orientation.legal', '2026-02-21T22:59:59.999Z'],
      // RM-A: February had no interview.
      ['RM-A', 'interviews', '2026-02-28T22:59:59.999Z'],
      ['RM-B', 'contract', '2026-02-28T22:59:59.999Z'],
    ]);
    expect((await lateItems(db, { territory: 'audomarois' })).map((l) => l.beneficiary_id)).toEqual([
      'RM-C',
      'RM-C',
    ]);
    expect(
      (await lateItems(db, { referent: 'ref-1', step: 'first-appointment' })).map((l) => l.kind),
    ).toEqual(['first-appointment', 'contract']);
  });

  it('lists what falls due in the next 7 days', async () => {
    const soon = await dueSoon(db, NOW, 7);
    // Nothing falls due before 9 March: RM-A's March interviews are due on 31 March.
    expect(soon).toEqual([]);
    const month = await dueSoon(db, NOW, 30);
    expect(month.map((m) => [m.beneficiary_id, m.kind])).toEqual([['RM-A', 'interviews']]);
  });

  it('counts référents’ portfolios, intensive paths against the cap', async () => {
    expect(await workloads(db)).toEqual([
      { referent: 'ref-1', intensive: 1, total: 2 },
      { referent: 'ref-2', intensive: 0, total: 1 },
    ]);
  });

  it('computes the indicators of docs/rules.md §4 per month and territory', async () => {
    const rows = await indicators(db);
    expect(rows.map((r) => [r.month, r.territory])).toEqual([
      ['2026-01', 'audomarois'],
      ['2026-01', 'lens-lievin'],
    ]);
    const lens = rows[1]!;
    expect(lens).toMatchObject({
      opened: 3,
      oriented: 3,
      // 7 days (A: 5→12 Jan, 1 h later), 24 days (B), 2 days (D): shares 2/3 within 15 days, 3/3 within 6 weeks.
      oriented_within_15_days: 0.667,
      oriented_within_6_weeks: 1,
      contracts: 2,
      // A: signed 28 days after opening; D: 36 days; mean 32.
      days_to_contract: 32,
      // A within the month of its orientation, D not (8 Jan + 1 month = 8 Feb; signed 11 Feb).
      contract_within_month: 0.5,
      reorientations: 0,
      sanctions: 1,
      sanctions_ended_by_remobilisation: 1,
      intensive: 1,
      average_weekly_hours: 12,
    });
    // Civil days: A 5→12 Jan = 7, B 5→29 Jan = 24, D 6→8 Jan = 2.
    expect(lens.days_to_orientation).toBe(11);
    expect(rows[0]).toMatchObject({ opened: 1, oriented: 0, oriented_within_15_days: null, contracts: 0 });
  });

  it('buckets the delays from opening to orientation', async () => {
    expect(await orientationDelays(db)).toEqual([
      { bucket: '0–7 j', count: 2 },
      { bucket: '16–42 j', count: 1 },
    ]);
  });
});
