/**
 * The money of a grant cycle as a ledger in integer cents (docs/grants.md,
 * « Le registre ») : what is expected, with its due date and its basis, and
 * what was received, with its date. The expected side is recomputed from the
 * facts at every change — the advance due at signature, the single payments,
 * the funder's decision, the balance once the spending is known (min(spent,
 * commitment) − what the funder paid or owed by then), the ordre de reversement
 * when that is negative (due two months after its emission), the CNSA
 * complementary envelope while it is conditional, a pro-rata repayment after a
 * termination — so that no act can leave it inconsistent.
 */
import { civilDateOf, endOfCivilDay, formatParis, parisInstant } from '../calendar.js';
import { advance, formatEuros, repaymentDue, type Cents } from './money.js';
import type { PaymentKind } from './acts.js';
import type { MilestoneId, Programme } from './programme.js';
import { period as conventionPeriod } from './renewal.js';
import {
  definitionOf,
  iso,
  milestoneOf,
  prerequisitesOf,
  type GrantPayment,
  type GrantState,
} from './state.js';

export type { Direction, Ledger, LedgerEntry, LedgerReceipt } from './ledger-types.js';
import type { Ledger, LedgerEntry, LedgerReceipt } from './ledger-types.js';

export const emptyLedger = (): Ledger => ({ expected: [], received: [], order: null });

const FUNDING: readonly PaymentKind[] = ['advance', 'balance', 'grant'];

/** The funder's commitment: the programme's, or its decision (base and complementary). */
export function commitmentOf(s: GrantState, p: Programme): Cents | null {
  if (p.figures.commitment !== undefined) return p.figures.commitment;
  return s.decision ? Math.round(s.decision.amount * 100) + Math.round(s.decision.complementary * 100) : null;
}

/** What no funding receipt may exceed in total: the commitment, else the caps, else the budget's share. */
export function fundingCeiling(s: GrantState, p: Programme): Cents | null {
  const caps = p.figures.caps;
  return commitmentOf(s, p) ?? (caps ? caps.base + caps.complementary : (p.figures.budget?.funder ?? null));
}

export const receivedOf = (s: GrantState, kinds: readonly PaymentKind[]): Cents =>
  s.ledger.received.filter((r) => kinds.includes(r.kind)).reduce((a, r) => a + r.amount, 0);

export const fundingReceived = (s: GrantState): Cents => receivedOf(s, FUNDING);

function entry(
  p: Programme,
  e: Omit<LedgerEntry, 'direction' | 'received' | 'receivedAt' | 'status'> & {
    status?: LedgerEntry['status'];
  },
): LedgerEntry {
  const payer = p.departement === 'payer';
  const out = e.kind === 'repayment' ? !payer : payer;
  return {
    status: 'expected',
    ...e,
    direction: out ? 'from-departement' : 'to-departement',
    received: 0,
    receivedAt: null,
  };
}

/** A share paid at a milestone: due at its deadline, else the day its first recorded prior step was done. */
function shareDue(s: GrantState, p: Programme, id: MilestoneId): string | null {
  const m = milestoneOf(s, id);
  if (m?.dueAt) return m.dueAt;
  const before = prerequisitesOf(p, id)
    .map((x) => milestoneOf(s, x))
    .find((x) => x?.doneAt);
  return before?.doneAt ? iso(endOfCivilDay(civilDateOf(new Date(before.doneAt)))) : null;
}

function shares(s: GrantState, p: Programme): LedgerEntry[] {
  const commitment = p.figures.commitment;
  if (commitment === undefined) return [];
  return p.milestones.flatMap((m) =>
    m.pays
      ? [
          entry(p, {
            id: m.id === 'advance-payment' ? 'advance' : 'single-payment',
            kind: m.id === 'advance-payment' ? 'advance' : 'balance',
            amount: advance(commitment, m.pays.rate),
            dueAt: shareDue(s, p, m.id),
            basis: `${Math.round(m.pays.rate * 100)} % de l’engagement (${m.title})`,
            milestone: m.id,
          }),
        ]
      : [],
  );
}

function decided(s: GrantState, p: Programme): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  if (s.decision)
    out.push(
      entry(p, {
        id: 'grant',
        kind: 'grant',
        amount: Math.round(s.decision.amount * 100),
        dueAt: null,
        basis: `décision du financeur du ${formatParis(new Date(s.decision.at))}`,
        milestone: null,
      }),
    );
  const cap = p.figures.caps?.complementary;
  const report = milestoneOf(s, 'financial-report');
  if (cap && s.complementary)
    out.push(
      entry(p, {
        id: 'complementary',
        kind: 'grant',
        amount:
          s.complementary === 'granted' && s.decision ? Math.round(s.decision.complementary * 100) : cap,
        dueAt: null,
        status:
          s.complementary === 'granted'
            ? 'expected'
            : s.complementary === 'lost'
              ? 'cancelled'
              : 'conditional',
        basis:
          'enveloppe complémentaire, avec un cofinancement des partenaires, après examen du compte rendu financier' +
          (report?.dueAt ? ` remis au plus tard le ${formatParis(new Date(report.dueAt))}` : ''),
        milestone: null,
      }),
    );
  return out;
}

/** What the funder paid or owed by `at`: a share due by then counts in full, received or not (docs/grants.md). */
function owedBy(entries: LedgerEntry[], s: GrantState, at: string): Cents {
  return entries
    .filter((e) => e.status === 'expected' && FUNDING.includes(e.kind))
    .reduce((sum, e) => {
      const got = s.ledger.received
        .filter((r) => r.kind === e.kind && r.at <= at)
        .reduce((a, r) => a + r.amount, 0);
      return sum + (e.dueAt && e.dueAt <= at ? Math.max(e.amount, got) : Math.min(got, e.amount));
    }, 0);
}

/** The balance once the spending is known, for the programmes that settle on it (an advance, or a decision). */
function settlement(s: GrantState, p: Programme, owed: LedgerEntry[]): LedgerEntry[] {
  const commitment = commitmentOf(s, p);
  const last = [...s.reports].reverse().find((r) => r.spent !== null);
  const settles = p.figures.advance !== undefined || s.decision !== null;
  const order = s.ledger.order;
  if (!settles || commitment === null || !last) {
    if (!order) return [];
    return [repayment(p, order.amount, order)];
  }
  const due = Math.min(Math.round((last.spent ?? 0) * 100), commitment) - owedBy(owed, s, last.at);
  if (due >= 0)
    return due > 0
      ? [
          entry(p, {
            id: 'balance',
            kind: 'balance',
            amount: due,
            dueAt: null,
            basis: `solde après service fait : min(dépense ${formatEuros(Math.round((last.spent ?? 0) * 100))}, engagement) − versé ou dû`,
            milestone: milestoneOf(s, 'balance-payment') ? 'balance-payment' : null,
          }),
        ]
      : [];
  return [repayment(p, order?.amount ?? -due, order)];
}

function repayment(p: Programme, amount: Cents, order: Ledger['order']): LedgerEntry {
  return entry(p, {
    id: 'repayment-order',
    kind: 'repayment',
    amount,
    // Two months from the emission of the order, not from the report (docs/rules.md §3.2).
    dueAt: order ? iso(repaymentDue(new Date(order.at))) : null,
    basis: order
      ? `ordre de reversement émis le ${formatParis(new Date(order.at))}${order.reference ? ` (${order.reference})` : ''}, à rembourser sous deux mois`
      : 'ordre de reversement attendu : le solde est inférieur à ce que le financeur a versé ou devait verser',
    milestone: 'repayment',
  });
}

/** France Travail: after a termination, the subsidy is repaid in proportion to the period left. */
function proRata(s: GrantState, p: Programme): LedgerEntry[] {
  const t = s.termination;
  if (s.status !== 'terminated' || !t || !p.termination?.proRataRepayment || !p.renewal || !s.convention)
    return [];
  const current = conventionPeriod(p.renewal, s.convention.period);
  const start = parisInstant(current.start).getTime();
  const end = current.endsAt.getTime();
  const effective = new Date(t.effectiveAt).getTime();
  const paid = fundingReceived(s);
  const amount = Math.floor((paid * Math.max(0, end - effective)) / Math.max(1, end - start));
  if (amount <= 0) return [];
  return [
    entry(p, {
      id: 'pro-rata',
      kind: 'repayment',
      amount,
      dueAt: null,
      basis: `reversement au prorata de la durée restante (résiliation au ${formatParis(new Date(t.effectiveAt))})`,
      milestone: null,
    }),
  ];
}

/** Allocates the receipts of each kind to the expected entries of that kind, in order. */
function allocate(entries: LedgerEntry[], receipts: LedgerReceipt[]): void {
  for (const kind of new Set(receipts.map((r) => r.kind))) {
    const open = entries.filter((e) => e.kind === kind && e.status === 'expected');
    let i = 0;
    for (const r of receipts.filter((x) => x.kind === kind)) {
      let left = r.amount;
      while (left > 0 && i < open.length) {
        const e = open[i]!;
        const take = Math.min(left, e.amount - e.received);
        e.received += take;
        left -= take;
        if (e.received >= e.amount) {
          e.receivedAt = r.at;
          i++;
        }
      }
    }
  }
}

/** Recomputes what is expected from the facts, then the euros views (payments, settlement). */
export function refreshLedger(s: GrantState, p: Programme): void {
  const owed = [...shares(s, p), ...decided(s, p)];
  const settled = settlement(s, p, owed);
  s.ledger.expected = [...owed, ...settled, ...proRata(s, p)];
  allocate(s.ledger.expected, s.ledger.received);
  const repay = milestoneOf(s, 'repayment');
  if (repay && definitionOf(p, 'repayment').condition === 'balance-below-advance')
    repay.applies = s.ledger.expected.some((e) => e.id === 'repayment-order');
  const report = [...s.reports].reverse().find((r) => r.spent !== null);
  const balance = settled.find((e) => e.id === 'balance');
  const order = settled.find((e) => e.id === 'repayment-order');
  s.settlement =
    report && (balance || order || p.figures.advance !== undefined || s.decision)
      ? {
          kind: order ? 'repayment-order' : 'balance',
          amount: (order ?? balance)?.amount !== undefined ? (order ?? balance)!.amount / 100 : 0,
          at: s.ledger.order?.at ?? report.at,
          dueAt: order?.dueAt ?? null,
        }
      : null;
  s.payments = s.ledger.expected
    .filter((e) => e.status === 'expected' && e.amount > 0)
    .map((e): GrantPayment => ({
      kind: e.kind,
      amount: e.amount / 100,
      dueAt: e.dueAt,
      paid: e.received / 100,
      paidAt: e.receivedAt,
      milestone: e.milestone,
    }));
}

/** Every expected entry received in full (conditional and cancelled ones aside). */
export const allReceived = (s: GrantState): boolean =>
  s.ledger.expected.every((e) => e.status !== 'expected' || e.received >= e.amount);
