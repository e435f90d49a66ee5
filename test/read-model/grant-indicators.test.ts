/**
 * The grant indicators of docs/rules.md §4 from the read model, on two État cycles
 * run through the pure rules (the same the grant workflow runs), seen on
 * 16 June 2026. Figures from the seeds: the CIE commitment is 5 124 190 €, its
 * advance 60 % = 3 074 514 €; the CLS 2025 is 3 342 548 € paid at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { grantIndicators, recordGrant } from '../../store/grants.js';
import {
  applyGrantAction,
  fireGrantAction,
  newGrantState,
  timedGrantActions,
  type GrantAction,
  type GrantState,
} from '../../domain/grants/cycle.js';
import { getPolicy } from '../../domain/policy.js';

const hours = getPolicy('pas-de-calais').businessHours;
/** Runs the cycle's timers up to `at`, then applies the act dated `at`. */
function at(s: GrantState, instant: string, action?: GrantAction): GrantState {
  for (let a = timedGrantActions(s)[0]; a && a.at <= new Date(instant); a = timedGrantActions(s)[0])
    fireGrantAction(s, a, a.at);
  return action ? applyGrantAction(s, { ...action, at: instant } as GrantAction, new Date(instant)) : s;
}

let db: ReadModelDb;
beforeAll(async () => {
  db = await openReadModel('memory:');
  const start = new Date('2025-10-01T07:00:00Z');
  // CIE: signed, advance received, interim report of 2 500 000 € spent → ordre de reversement 574 514 €.
  const cie = newGrantState({ grantId: 'IND-CIE', programme: 'etat-cie-2025-2027' }, start, hours);
  at(cie, '2025-10-10T09:00:00Z', { type: 'complete', milestone: 'convention-signature' });
  at(cie, '2025-10-20T08:00:00Z', { type: 'payment', kind: 'advance', amount: 3_074_514 });
  at(cie, '2026-06-15T08:00:00Z', { type: 'report', kind: 'interim', spent: 2_500_000 });
  // The State issues its ordre de reversement: the balance is settled, the repayment due two months later.
  at(cie, '2026-06-20T08:00:00Z', { type: 'repayment-order' });
  at(cie, '2026-06-16T08:00:00Z');
  // CLS: signed, notified, paid; the mid-term report (31/03/2026) not sent: missed.
  const cls = newGrantState({ grantId: 'IND-CLS', programme: 'etat-cls-2025' }, start, hours);
  at(cls, '2025-10-06T09:00:00Z', { type: 'complete', milestone: 'convention-signature' });
  at(cls, '2025-10-16T08:00:00Z', { type: 'complete', milestone: 'notification' });
  at(cls, '2025-10-29T09:00:00Z', { type: 'payment', kind: 'balance', amount: 3_342_548 });
  at(cls, '2026-06-16T08:00:00Z');
  await recordGrant(db, { workflowId: 'subvention-IND-CIE', revision: 4, state: cie });
  await recordGrant(db, { workflowId: 'subvention-IND-CLS', revision: 4, state: cls });
  // An older revision arriving late changes nothing.
  await recordGrant(db, {
    workflowId: 'subvention-IND-CLS',
    revision: 1,
    state: { ...cls, status: 'active' },
  });
});
afterAll(async () => {
  await db?.close();
});

describe('grant indicators', () => {
  it('milestones met, late, missed; amounts requested, granted, received and to repay', async () => {
    expect(await grantIndicators(db)).toEqual([
      {
        grant_id: 'IND-CIE',
        programme: 'etat-cie-2025-2027',
        funder: 'etat',
        status: 'active',
        // Signature, advance, interim report, and the balance (nothing left to pay once spending is
        // below the advance); pending: the repayment (by 15/08/2026) and the final report.
        milestones_done: 4,
        milestones_late: 0,
        milestones_missed: 0,
        milestones_pending: 2,
        requested: 5_124_190,
        granted: 5_124_190,
        received: 3_074_514,
        to_repay: 574_514,
      },
      {
        grant_id: 'IND-CLS',
        programme: 'etat-cls-2025',
        funder: 'etat',
        status: 'active',
        milestones_done: 3,
        milestones_late: 0,
        milestones_missed: 1,
        milestones_pending: 0,
        requested: 3_342_548,
        granted: 3_342_548,
        received: 3_342_548,
        to_repay: 0,
      },
    ]);
  });
});
