/**
 * Two indicators of docs/rules.md §4 on known data: interviews per month owed in
 * intensive accompaniment, and ruptures of accompaniment. Worked out by hand below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { indicators } from '../../store/queries.js';
import { recordPath } from '../../store/record.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import type { PathState } from '../../domain/path/path.js';
import { fireTimedAction, timedActions } from '../../domain/path/path-timers.js';

const act = (s: PathState, type: string, at: string, data: Record<string, unknown> = {}) =>
  applyPathEvent(s, { type, at, data }, new Date(at));
function runUntil(s: PathState, until: string): PathState {
  for (let a = timedActions(s)[0]; a && a.at <= new Date(until); a = timedActions(s)[0])
    fireTimedAction(s, a, a.at);
  return s;
}
/** Opened Monday 5 January 2026 in Lens-Liévin, oriented on the 12th, contract on 2 February. */
function underContract(id: string, intensive: boolean): PathState {
  const s = newPathState({
    beneficiaryId: id,
    rightsOpenedAt: '2026-01-05T09:00:00+01:00',
    territory: 'lens-lievin',
  });
  act(s, 'orientation.decided', '2026-01-12T10:00:00+01:00', {
    track: 'socio-professional',
    organisation: 'cd62',
    referent: 'ref-1',
  });
  return act(s, 'contract.signed', '2026-02-02T10:00:00+01:00', { weeklyHours: 15, intensive });
}
const SEEN = '2026-04-01T08:00:00Z';

let db: ReadModelDb;
beforeAll(async () => {
  db = await openReadModel('memory:');
  // Intensive, 4 interviews in February–March: 2 months owed by 1 April → 2.0 a month.
  const a = underContract('IND-A', true);
  for (const day of ['2026-02-05', '2026-02-19', '2026-03-04', '2026-03-18'])
    act(a, 'interview.held', `${day}T10:00:00+01:00`);
  // Intensive, 1 interview: 2 months owed. Together: 5 interviews / 4 months = 1.25 → 1.3 (rounded).
  const b = underContract('IND-B', true);
  act(b, 'interview.held', '2026-02-10T10:00:00+01:00');
  // Rupture: a breach reported after the contract.
  const c = underContract('IND-C', false);
  act(c, 'breach.reported', '2026-03-02T10:00:00+01:00', { kind: 'obligations' });
  // Rupture: moved out of the Département.
  const d = underContract('IND-D', false);
  act(d, 'rights.ended', '2026-03-10T10:00:00+01:00', { reason: 'moved-out' });
  // Not a rupture: left for a job.
  const e = underContract('IND-E', false);
  act(e, 'rights.ended', '2026-03-10T10:00:00+01:00', { reason: 'job' });
  for (const s of [a, b, c, d, e])
    await recordPath(db, {
      workflowId: `parcours-${s.beneficiaryId}`,
      revision: 1,
      state: runUntil(s, SEEN),
    });
});
afterAll(async () => {
  await db?.close();
});

describe('accompaniment indicators', () => {
  it('interviews per month owed and ruptures, by month of opening and territory', async () => {
    const [row] = await indicators(db, undefined, new Date(SEEN));
    expect(row).toMatchObject({ month: '2026-01', territory: 'lens-lievin', opened: 5, contracts: 5 });
    expect(row?.interviews_per_month).toBe(1.3);
    expect(row?.ruptures).toBe(2);
  });

  it('months not yet ended are not owed: on 15 March only February counts', async () => {
    const [row] = await indicators(db, undefined, new Date('2026-03-15T08:00:00Z'));
    // February owed for A and B: interviews held so far by them (all recorded) = 5 over 2 months.
    expect(row?.interviews_per_month).toBe(2.5);
  });
});
