/**
 * The shape of a cycle's ledger (./ledger.ts computes it): apart, so that the
 * cycle's state (./state.ts) can hold a ledger without importing its rules.
 */
import type { PaymentKind } from './acts.js';
import type { Cents } from './money.js';
import type { MilestoneId } from './programme.js';

export type Direction = 'to-departement' | 'from-departement';

export interface LedgerEntry {
  id: string;
  kind: PaymentKind;
  direction: Direction;
  amount: Cents;
  dueAt: string | null;
  /** 'conditional': not owed unless its condition is met (CNSA complementary envelope). */
  status: 'expected' | 'conditional' | 'cancelled';
  /** Why it is expected, in French (shown on the page). */
  basis: string;
  milestone: MilestoneId | null;
  /** Allocated from the receipts of the same kind, in order. */
  received: Cents;
  receivedAt: string | null;
}

export interface LedgerReceipt {
  kind: PaymentKind;
  amount: Cents;
  at: string;
  by: string | null;
}

export interface Ledger {
  expected: LedgerEntry[];
  received: LedgerReceipt[];
  /** The ordre de reversement as the State issued it. */
  order: { amount: Cents; at: string; reference: string | null; by: string | null } | null;
}
