/**
 * The acts people record on a grant cycle (Updates of workflows/grants/grant.ts,
 * schemas in ./acts.ts), applied to its state. A fact — a funder's decision or
 * notification, a transmission, a payment, a préfecture receipt — is never
 * refused because an internal step before it was not recorded: that step shows
 * as not recorded (./state.ts). Refusals stay for what cannot be true: an act
 * in the future, a payment above the commitment, a decision above the cap, a
 * denunciation outside its window, an act on a closed cycle. A refusal is one
 * French sentence and changes nothing.
 */
import { frenchIssues, type z } from '../validation.js';
import { formatParis } from '../calendar.js';
import type { BusinessHours } from '../holidays.js';
import { resolvePartnerCall } from '../partner-calls.js';
import {
  amendmentSchema,
  completeMilestoneSchema,
  denounceSchema,
  formalNoticeSchema,
  funderDecisionSchema,
  paymentSchema,
  repaymentOrderSchema,
  reportSchema,
  resolvePartnerCallSchema,
  terminationRequestSchema,
  grantInputSchema,
  type GrantAction,
  type GrantInput,
  type PaymentKind,
  type ReportKind,
} from './acts.js';
import { getProgramme } from './index.js';
import {
  allReceived,
  emptyLedger,
  fundingCeiling,
  fundingReceived,
  receivedOf,
  refreshLedger,
} from './ledger.js';
import { assertWithinCap, complementaryEnvelope, euros, formatEuros, type Cents } from './money.js';
import { milestoneIds, type Milestone, type MilestoneId, type Programme } from './programme.js';
import { queueGrantPartnerCalls } from './partners.js';
import { period as conventionPeriod } from './renewal.js';
import {
  definitionOf,
  GrantRefusal,
  history,
  iso,
  milestoneOf,
  refreshAdmissibility,
  refreshMilestones,
  refuse,
  type GrantMilestoneState,
  type GrantState,
} from './state.js';
import { coFundingAdvice, endConvention } from './endings.js';
import { actInstant, checkPieces, markDone } from './steps.js';

export { actInstant, checkPieces, markDone };

const REPORT_MILESTONE: Record<ReportKind, MilestoneId> = {
  interim: 'interim-report',
  'mid-term': 'mid-term-report',
  financial: 'financial-report',
  final: 'final-report',
};

/** Recomputes everything derived from the facts: deadlines, statuses, advice, ledger, admissibility, completion. */
export function refresh(s: GrantState, p: Programme, now: Date): void {
  const advice = refreshMilestones(s, p, now);
  refreshLedger(s, p);
  s.advice = [...advice, ...coFundingAdvice(s, p)];
  refreshAdmissibility(s, p, now);
  if (s.status === 'active' && !s.convention) {
    const allDone = s.milestones.every(
      (m) =>
        !m.applies ||
        m.doneAt ||
        m.status === 'not-recorded' ||
        definitionOf(p, m.id).condition === 'optional',
    );
    if (allDone && allReceived(s)) {
      s.status = 'completed';
      s.closedAt = iso(now);
      history(s, now, 'cycle.completed');
    }
  }
}

export function newGrantState(input: GrantInput, now: Date, hours: BusinessHours): GrantState {
  const parsed = grantInputSchema.safeParse(input);
  if (!parsed.success) refuse(`Données de la subvention invalides : ${frenchIssues(parsed.error)}`);
  const p = getProgramme(parsed.data.programme);
  const startedAt = parsed.data.startedAt ? new Date(parsed.data.startedAt) : now;
  const s: GrantState = {
    id: parsed.data.grantId,
    programme: p.id,
    title: p.title,
    status: 'active',
    startedAt: iso(startedAt),
    closedAt: null,
    reopenUntil: null,
    hours: parsed.data.hours ?? hours,
    milestones: p.milestones.map((m) => ({
      id: m.id,
      title: m.title,
      dueAt: null,
      reading: m.reading,
      doneAt: null,
      status: 'pending',
      applies: m.condition !== 'balance-below-advance',
      responsible: m.responsible,
      by: null,
      pieces: [],
      knownAt: null,
      missedAt: null,
    })),
    ledger: emptyLedger(),
    payments: [],
    decision: null,
    complementary: p.figures.caps?.complementary ? 'open' : null,
    reports: [],
    settlement: null,
    convention: null,
    termination: null,
    advice: [],
    notifications: [],
    history: [],
    handled: [],
  };
  if (p.renewal) {
    const first = conventionPeriod(p.renewal, 0);
    s.convention = {
      period: 0,
      start: first.start,
      end: first.end,
      endsAt: iso(first.endsAt),
      denouncedAt: null,
      renewals: [],
    };
  }
  history(s, startedAt, 'cycle.started');
  refresh(s, p, startedAt);
  // The acts already done when the cycle is taken into Jalons (the demo's seed facts), each at its own instant.
  for (const act of parsed.data.acts ?? []) applyGrantAction(s, act as GrantAction, now);
  return s;
}

// ─── Acts ────────────────────────────────────────────────────────────────────

export function parse<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const r = schema.safeParse(raw);
  if (!r.success) refuse(`Données invalides : ${frenchIssues(r.error)}`);
  return r.data;
}

/** A closed cycle takes no act, except a not-admissible one within its correction window. */
function assertOpen(s: GrantState): void {
  if (s.reopenUntil) return;
  if (s.status === 'not-admissible')
    refuse(
      `La candidature ${s.id} n’est pas recevable : le cycle de subvention est clos, plus aucun acte n’est possible.`,
    );
  if (s.status === 'completed')
    refuse(`Le cycle de la subvention ${s.id} est terminé : plus aucun acte n’est possible.`);
  if (s.status === 'ended' || s.status === 'terminated')
    refuse(`La convention ${s.id} a pris fin : plus aucun acte n’est possible.`);
}

function checkMilestone(s: GrantState, p: Programme, id: string): { m: GrantMilestoneState; def: Milestone } {
  const m = milestoneOf(s, id);
  if (!m && !(milestoneIds as readonly string[]).includes(id))
    refuse(`Jalon inconnu : « ${id} » (jalons du programme : ${s.milestones.map((x) => x.id).join(', ')}).`);
  if (!m)
    refuse(
      `Le programme « ${p.id} » n’a pas de jalon « ${id} » (jalons du programme : ${s.milestones.map((x) => x.id).join(', ')}).`,
    );
  const def = definitionOf(p, m.id);
  if (m.doneAt) refuse(`Le jalon « ${m.id} » est déjà fait (le ${formatParis(new Date(m.doneAt), true)}).`);
  if (!m.applies)
    refuse(
      def.condition === 'balance-below-advance'
        ? `Le jalon « ${m.id} » ne s’applique pas : aucun ordre de reversement n’est attendu.`
        : `Le jalon « ${m.id} » ne s’applique plus : la convention a été dénoncée.`,
    );
  return { m, def };
}

/** A receipt: refused only above what can be true (the commitment; a repayment above what was received). */
function receive(s: GrantState, p: Programme, kind: PaymentKind, amount: Cents, at: Date, by?: string): void {
  if (kind === 'repayment') {
    // What was received, or what the ledger asks back (an order counts the advance due, recorded or not).
    const ordered = s.ledger.expected.filter((e) => e.kind === 'repayment').reduce((a, e) => a + e.amount, 0);
    const owed = Math.max(fundingReceived(s), ordered);
    const repaid = receivedOf(s, ['repayment']);
    if (repaid + amount > owed)
      refuse(
        `Reversement refusé : ${formatEuros(amount)} dépasse ce qui reste à reverser (${formatEuros(owed - repaid)}).`,
      );
  } else {
    const ceiling = fundingCeiling(s, p);
    const got = fundingReceived(s);
    if (ceiling !== null && got + amount > ceiling)
      refuse(
        `Versement refusé : ${formatEuros(amount)} porterait les versements à ${formatEuros(got + amount)}, au-delà de l’engagement de ${formatEuros(ceiling)}.`,
      );
  }
  s.ledger.received.push({ kind, amount, at: iso(at), by: by ?? null });
  history(s, at, 'payment.received', { ...(by ? { by } : {}), detail: `${kind} ${formatEuros(amount)}` });
  refreshLedger(s, p);
  // A payment milestone is done when its expected amount is received in full.
  for (const e of s.ledger.expected) {
    const m = e.milestone ? milestoneOf(s, e.milestone) : undefined;
    if (m && !m.doneAt && m.applies && e.kind === kind && e.received >= e.amount && e.receivedAt)
      markDone(s, m, new Date(e.receivedAt), by, []);
  }
}

function complete(s: GrantState, p: Programme, raw: unknown, now: Date): void {
  const a = parse(completeMilestoneSchema, raw);
  const at = actInstant(a, now);
  if (a.milestone === 'denunciation' && milestoneOf(s, 'denunciation'))
    return endConvention.denounce(s, p, { at: a.at, by: a.by, pieces: a.pieces ?? [] }, now);
  if (a.milestone === 'funder-decision' && milestoneOf(s, 'funder-decision'))
    refuse(
      'La décision du financeur s’enregistre avec son montant (recordFunderDecision, « jalons subvention decision »).',
    );
  const { m, def } = checkMilestone(s, p, a.milestone);
  checkPieces(def, a.pieces ?? []);
  // A payment milestone done without an amount: the expected amount was received.
  refreshLedger(s, p);
  const pay = s.ledger.expected.find(
    (x) => x.milestone === m.id && x.status === 'expected' && x.received < x.amount,
  );
  if (pay) return receive(s, p, pay.kind, pay.amount - pay.received, at, a.by);
  if (['advance-payment', 'balance-payment', 'repayment'].includes(m.id))
    refuse(`Montant inconnu pour « ${m.id} » : enregistrez le versement avec son montant (recordPayment).`);
  markDone(s, m, at, a.by, a.pieces ?? []);
  queueGrantPartnerCalls(s, p, m.id, a.reference, at);
}

function decideComplementary(
  s: GrantState,
  p: Programme,
  a: z.output<typeof funderDecisionSchema>,
  at: Date,
): void {
  const amount = euros(a.amount);
  const cap = p.figures.caps?.complementary;
  if (!cap || !s.decision)
    refuse('Aucune enveloppe complémentaire ouverte : la décision de base doit précéder.');
  if (s.complementary === 'granted') refuse('L’enveloppe complémentaire a déjà été accordée.');
  const report = milestoneOf(s, 'financial-report');
  const verdict = complementaryEnvelope(
    {
      requested: amount,
      coFunding: euros(a.coFunding ?? 0),
      financialReportAt: report?.doneAt ? new Date(report.doneAt) : null,
    },
    { cap, reportDeadline: report?.dueAt ? new Date(report.dueAt) : at },
  );
  if (!verdict.allowed) refuse(`${verdict.reason[0]?.toUpperCase()}${verdict.reason.slice(1)}.`);
  try {
    assertWithinCap(amount, cap, 'montant complémentaire');
  } catch (err) {
    refuse(`${(err as Error).message[0]?.toUpperCase()}${(err as Error).message.slice(1)}.`);
  }
  s.decision.complementary = verdict.amount / 100;
  s.complementary = 'granted';
  history(s, at, 'funder.decided', {
    ...(a.by ? { by: a.by } : {}),
    detail: `complémentaire ${formatEuros(amount)}`,
  });
}

function decide(s: GrantState, p: Programme, raw: unknown, now: Date): void {
  const a = parse(funderDecisionSchema, raw);
  const at = actInstant(a, now);
  if (a.envelope === 'complementary') return decideComplementary(s, p, a, at);
  if (!milestoneOf(s, 'funder-decision'))
    refuse(`Le programme « ${p.id} » n’a pas de décision du financeur à enregistrer.`);
  const { m } = checkMilestone(s, p, 'funder-decision');
  const amount = euros(a.amount);
  const cap = p.figures.caps?.base ?? p.figures.commitment;
  if (cap !== undefined && amount > cap)
    refuse(
      `Décision refusée : montant décidé de ${formatEuros(amount)} supérieur au plafond de ${formatEuros(cap)} (${p.id}).`,
    );
  s.decision = { amount: amount / 100, complementary: 0, at: iso(at), by: a.by ?? null };
  markDone(s, m, at, a.by, []);
  s.history[s.history.length - 1]!.detail = formatEuros(amount);
}

function report(s: GrantState, p: Programme, raw: unknown, now: Date): void {
  const a = parse(reportSchema, raw);
  const at = actInstant(a, now);
  const id = REPORT_MILESTONE[a.kind];
  if (!milestoneOf(s, id))
    refuse(`Le programme « ${p.id} » n’a pas de rapport « ${a.kind} » (jalon « ${id} »).`);
  const { m, def } = checkMilestone(s, p, id);
  // The report is the piece: without a list, all its pieces are taken as delivered.
  const pieces = a.pieces ?? def.pieces.map((x) => x.id);
  checkPieces(def, pieces);
  const spent = a.spent === undefined ? null : euros(a.spent);
  const ceiling = fundingCeiling(s, p);
  s.reports.push({
    kind: a.kind,
    spent: spent === null ? null : spent / 100,
    departementSpent: a.departementSpent ?? null,
    at: iso(at),
    by: a.by ?? null,
  });
  markDone(s, m, at, a.by, pieces);
  if (spent !== null && ceiling !== null && spent > ceiling)
    s.history[s.history.length - 1]!.detail =
      `dépense ${formatEuros(spent)} ; le solde est plafonné à l’engagement (${formatEuros(ceiling)})`;
}

/** The State issued its ordre de reversement: the repayment is due two months after `at`. */
function repaymentOrder(s: GrantState, p: Programme, raw: unknown, now: Date): void {
  const a = parse(repaymentOrderSchema, raw);
  const at = actInstant(a, now);
  if (s.ledger.order)
    refuse(
      `Un ordre de reversement est déjà enregistré (émis le ${formatParis(new Date(s.ledger.order.at))}).`,
    );
  const computed = s.ledger.expected.find((e) => e.id === 'repayment-order');
  const amount = a.amount !== undefined ? euros(a.amount) : computed?.amount;
  if (amount === undefined)
    refuse(
      'Montant de l’ordre de reversement requis : aucun trop-perçu n’est calculé (aucun rapport avec la dépense).',
    );
  const owed = Math.max(
    fundingReceived(s),
    ...s.ledger.expected.filter((e) => e.kind === 'advance').map((e) => e.amount),
  );
  if (amount > owed)
    refuse(
      `Ordre de reversement refusé : ${formatEuros(amount)} dépasse ce que le financeur a versé ou devait verser (${formatEuros(owed)}).`,
    );
  s.ledger.order = { amount, at: iso(at), reference: a.reference ?? null, by: a.by ?? null };
  history(s, at, 'repayment-order.issued', { ...(a.by ? { by: a.by } : {}), detail: formatEuros(amount) });
  // The State settles the balance by issuing the order: the repayment's two months run from it.
  const balance = milestoneOf(s, 'balance-payment');
  if (balance && !balance.doneAt) markDone(s, balance, at, a.by, []);
}

/** Applies an act; throws GrantRefusal (French) and leaves the state as it was. */
export function applyGrantAction(s: GrantState, action: GrantAction, now: Date): GrantState {
  const p = getProgramme(s.programme);
  const work = JSON.parse(JSON.stringify(s)) as GrantState;
  assertOpen(work);
  const { type, ...raw } = action;
  switch (type) {
    case 'complete':
      complete(work, p, raw, now);
      break;
    case 'funder-decision':
      decide(work, p, raw, now);
      break;
    case 'payment': {
      const a = parse(paymentSchema, raw);
      receive(work, p, a.kind, euros(a.amount), actInstant(a, now), a.by);
      break;
    }
    case 'report':
      report(work, p, raw, now);
      break;
    case 'repayment-order':
      repaymentOrder(work, p, raw, now);
      break;
    case 'denounce':
      endConvention.denounce(work, p, parse(denounceSchema, raw), now);
      break;
    case 'formal-notice':
      endConvention.formalNotice(work, p, parse(formalNoticeSchema, raw), now);
      break;
    case 'termination-request':
      endConvention.request(work, p, parse(terminationRequestSchema, raw), now);
      break;
    case 'amendment':
      endConvention.amendment(work, p, parse(amendmentSchema, raw), now);
      break;
    case 'resolve-partner-call': {
      const r = parse(resolvePartnerCallSchema, raw);
      const refusal = resolvePartnerCall(
        (work.partnerCalls ??= []),
        r.call,
        r.action,
        actInstant(r, now),
        r.by ?? null,
      );
      if (refusal) refuse(refusal);
      break;
    }
    default:
      refuse(`Acte inconnu : « ${String(type)} ».`);
  }
  refresh(work, p, now);
  Object.assign(s, work);
  return s;
}

/** The French reason an act would be refused, or null: the same rules the workflow's validators run. */
export function validateGrantAction(s: GrantState, action: GrantAction, now: Date): string | null {
  try {
    applyGrantAction(JSON.parse(JSON.stringify(s)) as GrantState, action, now);
    return null;
  } catch (err) {
    if (err instanceof GrantRefusal) return err.message;
    throw err;
  }
}
