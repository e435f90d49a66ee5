/**
 * A grant's entry in the `jalons simulate` report (docs/architecture.md,
 * « jalons simulate »): the milestones that apply with their deadline's reading,
 * the payments due, and the ledger — each expected and each received payment
 * (kind, amount in euros, dueAt / receivedAt) — with the advice on steps not recorded.
 */
import type { PaymentKind } from './acts.js';
import type { Direction } from './ledger.js';
import type { DeadlineReading, MilestoneId } from './programme.js';
import type { GrantAdvice, GrantState, GrantStatus, MilestoneStatus } from './state.js';

export interface GrantReport {
  id: string;
  programme: string;
  status: GrantStatus;
  milestones: {
    id: MilestoneId;
    dueAt: string | null;
    reading: DeadlineReading;
    doneAt: string | null;
    status: MilestoneStatus;
  }[];
  payments: { kind: PaymentKind; amount: number; dueAt: string | null }[];
  ledger: {
    expected: {
      kind: PaymentKind;
      amount: number;
      dueAt: string | null;
      direction: Direction;
      status: 'expected' | 'conditional' | 'cancelled';
      basis: string;
      received: number;
    }[];
    received: { kind: PaymentKind; amount: number; receivedAt: string }[];
  };
  advice: GrantAdvice[];
  notifications: { at: string; to: string; template: string }[];
}

/** The report entry of a grant. */
export function grantReportOf(s: GrantState): GrantReport {
  return {
    id: s.id,
    programme: s.programme,
    status: s.status,
    milestones: s.milestones
      .filter((m) => m.applies)
      .map((m) => ({ id: m.id, dueAt: m.dueAt, reading: m.reading, doneAt: m.doneAt, status: m.status })),
    payments: s.payments
      .filter((x) => x.amount > 0)
      .map((x) => ({ kind: x.kind, amount: x.amount, dueAt: x.dueAt })),
    ledger: {
      expected: s.ledger.expected.map((e) => ({
        kind: e.kind,
        amount: e.amount / 100,
        dueAt: e.dueAt,
        direction: e.direction,
        status: e.status,
        basis: e.basis,
        received: e.received / 100,
      })),
      received: s.ledger.received.map((r) => ({ kind: r.kind, amount: r.amount / 100, receivedAt: r.at })),
    },
    advice: s.advice,
    notifications: s.notifications.map((n) => ({ at: n.at, to: n.to, template: n.template })),
  };
}
