/**
 * The grant cycle as a pure machine (RULES.md §3): the state of one grant, the
 * acts people record on it (validated, refused with a French message, nothing
 * changed on refusal), and the timed actions its deadlines call for (reminders
 * before, the consequence of a miss, an escalation after, the tacit renewal of
 * a convention). The workflow (workflows/grant.ts) feeds it Updates and time;
 * `jalons simulate` runs the same validation on the state the workflow shows.
 *
 * Amounts are held in euros in the state (what the report shows) and computed
 * in integer cents (money.ts) — a sum of at most 2 decimals round-trips exactly.
 * Pure and deterministic: it runs inside the workflow sandbox (calendar.ts only).
 */
import { z, frenchIssues } from '../validation.js';
import { civilDateOf, endOfCivilDay, formatParis, instantSchema } from '../calendar.js';
import { escalationInstant, reminderInstant } from '../follow-up.js';
import type { BusinessHours } from '../holidays.js';
import { pseudonymousIdSchema } from '../ids.js';
import type { Role } from '../policy.js';
import { getProgramme } from './index.js';
import {
  advance,
  assertWithinCap,
  balance,
  complementaryEnvelope,
  euros,
  formatEuros,
  repaymentDue,
  type Cents,
} from './money.js';
import {
  milestoneIds,
  resolveDeadline,
  type Completed,
  type Milestone,
  type MilestoneId,
  type Programme,
} from './programme.js';
import { checkDenunciation, period as conventionPeriod } from './renewal.js';
import { queueGrantPartnerCalls } from './partners.js';
import { resolvePartnerCall, type PartnerCall } from '../partner-calls.js';

export const grantWorkflowId = (grantId: string): string => `subvention-${grantId}`;

/** A clock skew tolerated between the caller and the workflow's clock; an act is never dated later. */
const FUTURE_TOLERANCE_MS = 60_000;

// ─── State ───────────────────────────────────────────────────────────────────

export const grantStatuses = [
  /** Milestones still to come. */
  'active',
  /** A miss killed the application (CNSA transmission after 15/12/2025 17:00): the cycle is over. */
  'not-admissible',
  /** Every milestone that applies is done and every payment settled. */
  'completed',
  /** A convention denounced in time: it runs to the end of its period. */
  'denounced',
  /** A denounced convention reached its end. */
  'ended',
] as const;
export type GrantStatus = (typeof grantStatuses)[number];
const TERMINAL: readonly GrantStatus[] = ['not-admissible', 'completed', 'ended'];

export const paymentKinds = ['advance', 'balance', 'repayment', 'grant'] as const;
export type PaymentKind = (typeof paymentKinds)[number];

export const reportKinds = ['interim', 'mid-term', 'financial', 'final'] as const;
export type ReportKind = (typeof reportKinds)[number];
const REPORT_MILESTONE: Record<ReportKind, MilestoneId> = {
  interim: 'interim-report',
  'mid-term': 'mid-term-report',
  financial: 'financial-report',
  final: 'final-report',
};
const PAYMENT_MILESTONE: Partial<Record<PaymentKind, MilestoneId>> = {
  advance: 'advance-payment',
  balance: 'balance-payment',
  repayment: 'repayment',
};

/**
 * What must be done before a milestone, when the programme has it (and it
 * applies). The definitions give no order; this is the procedure of RULES.md §3:
 * a vote before its transmission, a signature before a payment, the interim
 * report (service fait) before the balance… Plus the milestone a relative
 * deadline counts from.
 */
export const PREREQUISITES: Partial<Record<MilestoneId, readonly MilestoneId[]>> = {
  'committee-opinions': ['application'],
  vote: ['committee-opinions'],
  transmission: ['vote'],
  'prefecture-transmission': ['vote'],
  'funder-decision': ['transmission'],
  notification: ['convention-signature'],
  'funds-call': ['convention-signature'],
  'advance-payment': ['convention-signature'],
  'balance-payment': ['interim-report', 'notification', 'funds-call'],
  'financial-report': ['funder-decision'],
  repayment: ['balance-payment'],
};

export interface GrantMilestoneState {
  id: MilestoneId;
  title: string;
  /** ISO UTC; null without a deadline or while it waits on another milestone. */
  dueAt: string | null;
  doneAt: string | null;
  status: 'done' | 'late' | 'missed' | 'pending';
  /** False when its condition excludes it (no ordre de reversement; renewal after a denunciation). */
  applies: boolean;
  responsible: Role;
  by: string | null;
  pieces: string[];
  /** When its deadline became known: reminders due before that instant are not sent. */
  knownAt: string | null;
  missedAt: string | null;
}

export interface GrantPayment {
  kind: PaymentKind;
  /** Euros (at most 2 decimals). */
  amount: number;
  dueAt: string | null;
  /** Euros received (or paid) so far. */
  paid: number;
  paidAt: string | null;
  milestone: MilestoneId | null;
}

export interface GrantNotification {
  id: string;
  at: string;
  to: Role;
  template: string;
  milestone: MilestoneId | null;
  failed?: string;
}

export interface GrantHistoryEntry {
  at: string;
  event: string;
  status: GrantStatus;
  milestone?: MilestoneId;
  by?: string;
  detail?: string;
}

export interface GrantState {
  id: string;
  programme: string;
  title: string;
  status: GrantStatus;
  startedAt: string;
  closedAt: string | null;
  hours: BusinessHours;
  milestones: GrantMilestoneState[];
  payments: GrantPayment[];
  decision: { amount: number; complementary: number; at: string; by: string | null } | null;
  /** The CNSA complementary envelope: open until granted or lost (financial report missed). */
  complementary: 'open' | 'granted' | 'lost' | null;
  reports: { kind: ReportKind; spent: number | null; at: string; by: string | null }[];
  settlement: {
    kind: 'balance' | 'repayment-order';
    amount: number;
    at: string;
    dueAt: string | null;
  } | null;
  convention: {
    period: number;
    start: string;
    end: string;
    endsAt: string;
    denouncedAt: string | null;
    renewals: { at: string; period: number; until: string }[];
  } | null;
  notifications: GrantNotification[];
  /** What the funder's portal and the préfecture are owed (absent in cycles started before). */
  partnerCalls?: PartnerCall[];
  history: GrantHistoryEntry[];
  /** Timed actions already fired (never twice). */
  handled: string[];
}

// ─── Inputs ──────────────────────────────────────────────────────────────────

const eurosSchema = z.number().refine((n) => {
  try {
    return euros(n) >= 0;
  } catch {
    return false;
  }
}, 'montant en euros attendu : un nombre positif avec au plus 2 décimales');
const positiveEuros = eurosSchema.refine((n) => n > 0, 'le montant doit être supérieur à 0 €');
const isoInstant = z.iso.datetime({
  offset: true,
  message: 'instant ISO-8601 attendu, avec fuseau (ex. 2025-12-15T16:59:00+01:00)',
});
const actor = { at: isoInstant.optional(), by: z.string().min(1).max(64).optional() };

export const grantInputSchema = z
  .object({
    grantId: pseudonymousIdSchema,
    programme: z.string().min(1),
    startedAt: isoInstant.optional(),
    /** Business hours of this Département's policy (reminders go out at opening). */
    hours: z
      .object({ opens: z.string().regex(/^\d{2}:\d{2}$/), closes: z.string().regex(/^\d{2}:\d{2}$/) })
      .strict()
      .optional(),
  })
  .strict();
export type GrantInput = z.input<typeof grantInputSchema>;

export const completeMilestoneSchema = z
  .object({
    milestone: z.string().min(1, 'jalon requis'),
    ...actor,
    pieces: z.array(z.string().min(1)).optional(),
    /**
     * The act's number in the Département's register (e.g. `CD-2025-118`): with it, completing the
     * préfecture transmission sends the deliberation through the acts transmission (accusé de réception).
     */
    reference: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$/, 'numéro d’acte attendu (lettres, chiffres, « - », « _ »)')
      .optional(),
  })
  .strict();
export type CompleteMilestoneInput = z.input<typeof completeMilestoneSchema>;

/** A person's answer to a partner's refusal: send again (`retry`) or done by hand (`handled`). */
export const resolvePartnerCallSchema = z
  .object({
    call: z.string().min(1, 'identifiant de la transmission requis'),
    action: z.enum(['retry', 'handled'], {
      error: 'action attendue : retry (renvoyer) ou handled (traitée hors de Jalons)',
    }),
    ...actor,
  })
  .strict();
export type ResolvePartnerCallInput = z.input<typeof resolvePartnerCallSchema>;

export const funderDecisionSchema = z
  .object({
    amount: positiveEuros,
    /** The CNSA complementary envelope (≤ 100 000 €), after the compte rendu financier. */
    envelope: z.enum(['base', 'complementary']).default('base'),
    /** Co-funding of the platform's partners, required for the complementary envelope. */
    coFunding: eurosSchema.optional(),
    ...actor,
  })
  .strict();
export type FunderDecisionInput = z.input<typeof funderDecisionSchema>;

export const paymentSchema = z
  .object({ kind: z.enum(paymentKinds), amount: positiveEuros, ...actor })
  .strict();
export type PaymentInput = z.input<typeof paymentSchema>;

export const reportSchema = z
  .object({
    kind: z.enum(reportKinds),
    /** The funder's share actually used, in euros. */
    spent: eurosSchema.optional(),
    ...actor,
    pieces: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type ReportInput = z.input<typeof reportSchema>;

export const denounceSchema = z.object({ ...actor }).strict();
export type DenounceInput = z.input<typeof denounceSchema>;

export type GrantAction =
  | ({ type: 'complete' } & CompleteMilestoneInput)
  | ({ type: 'funder-decision' } & FunderDecisionInput)
  | ({ type: 'payment' } & PaymentInput)
  | ({ type: 'report' } & ReportInput)
  | ({ type: 'denounce' } & DenounceInput)
  | ({ type: 'resolve-partner-call' } & ResolvePartnerCallInput);

/** An act refused: the message is French and shown as is; nothing was changed. */
export class GrantRefusal extends Error {}
function refuse(message: string): never {
  throw new GrantRefusal(message);
}

// ─── Helpers ─────────────────────────────────────────────────────────────────

const toEuros = (cents: Cents): number => cents / 100;
const iso = (d: Date): string => d.toISOString();

/** `21/11/2025 (fin de journée)` or `15/12/2025 à 17:00`, heure de Paris. */
export function formatDue(at: Date): string {
  const withTime = formatParis(at, true);
  return withTime.endsWith('23:59') ? `${formatParis(at)} (fin de journée)` : withTime;
}

function milestoneOf(s: GrantState, id: string): GrantMilestoneState | undefined {
  return s.milestones.find((m) => m.id === id);
}

function definitionOf(p: Programme, id: MilestoneId): Milestone {
  const m = p.milestones.find((x) => x.id === id);
  if (!m) throw new RangeError(`jalon ${id} absent du programme ${p.id}`);
  return m;
}

function completed(s: GrantState): Completed {
  const done: Completed = {};
  for (const m of s.milestones) if (m.doneAt) done[m.id] = new Date(m.doneAt);
  return done;
}

function statusOf(m: GrantMilestoneState): GrantMilestoneState['status'] {
  if (m.doneAt) return m.dueAt && m.doneAt > m.dueAt ? 'late' : 'done';
  return m.missedAt ? 'missed' : 'pending';
}

/** The milestones that must be done before `id` in this programme. */
export function prerequisitesOf(p: Programme, id: MilestoneId): MilestoneId[] {
  const d = definitionOf(p, id).deadline;
  const ref =
    d?.kind === 'after'
      ? d.milestone
      : d?.kind === 'yearly' && 'milestone' in d.reference
        ? d.reference.milestone
        : null;
  const ids = new Set(p.milestones.map((m) => m.id));
  return [...new Set([...(PREREQUISITES[id] ?? []), ...(ref ? [ref] : [])])].filter((x) => ids.has(x));
}

function history(
  s: GrantState,
  at: Date,
  event: string,
  extra: Omit<GrantHistoryEntry, 'at' | 'event' | 'status'> = {},
) {
  s.history.push({ at: iso(at), event, status: s.status, ...extra });
}

/**
 * Recomputes deadlines (a relative one is known once its reference is done; the
 * France Travail denunciation follows the current period), milestone statuses,
 * the payments' due dates, and whether the cycle is complete.
 */
function refresh(s: GrantState, p: Programme, now: Date): void {
  const done = completed(s);
  for (const m of s.milestones) {
    const def = definitionOf(p, m.id);
    let due = resolveDeadline(def, done);
    if (s.convention && m.id === 'denunciation') due = new Date(s.convention.endsAt);
    const dueAt = due ? iso(due) : null;
    if (dueAt !== m.dueAt) {
      m.dueAt = dueAt;
      m.knownAt = dueAt ? iso(now) : null;
    }
    m.status = statusOf(m);
  }
  // A share paid at a milestone without its own deadline is due the day its prerequisite is done
  // (the advance at the signature, France Travail's subsidy on the funds call).
  for (const pay of s.payments) {
    // (A balance computed from a report has no due date: no rule gives one.)
    if (!pay.milestone || pay.dueAt || !definitionOf(p, pay.milestone).pays) continue;
    const m = milestoneOf(s, pay.milestone);
    if (m?.dueAt) pay.dueAt = m.dueAt;
    else {
      const before = prerequisitesOf(p, pay.milestone)
        .map((id) => milestoneOf(s, id))
        .find((x) => x?.doneAt);
      if (before?.doneAt) pay.dueAt = iso(endOfCivilDay(civilDateOf(new Date(before.doneAt))));
    }
  }
  if (s.status === 'active' && !s.convention) {
    const allDone = s.milestones.every(
      (m) => !m.applies || m.doneAt || definitionOf(p, m.id).condition === 'optional',
    );
    const allPaid = s.payments.every((x) => euros(x.paid) >= euros(x.amount));
    if (allDone && allPaid) {
      s.status = 'completed';
      s.closedAt = iso(now);
      history(s, now, 'cycle.completed');
    }
  }
}

// ─── Start ───────────────────────────────────────────────────────────────────

export function newGrantState(input: GrantInput, now: Date, hours: BusinessHours): GrantState {
  const parsed = grantInputSchema.safeParse(input);
  if (!parsed.success) refuse(`Données de la subvention invalides : ${frenchIssues(parsed.error)}`);
  const p = getProgramme(parsed.data.programme);
  const startedAt = parsed.data.startedAt ? new Date(parsed.data.startedAt) : now;
  const commitment = p.figures.commitment;
  const s: GrantState = {
    id: parsed.data.grantId,
    programme: p.id,
    title: p.title,
    status: 'active',
    startedAt: iso(startedAt),
    closedAt: null,
    hours: parsed.data.hours ?? hours,
    milestones: p.milestones.map((m) => ({
      id: m.id,
      title: m.title,
      dueAt: null,
      doneAt: null,
      status: 'pending',
      applies: m.condition !== 'balance-below-advance',
      responsible: m.responsible,
      by: null,
      pieces: [],
      knownAt: null,
      missedAt: null,
    })),
    payments: p.milestones.flatMap((m): GrantPayment[] =>
      m.pays && commitment !== undefined
        ? [
            {
              kind: m.id === 'advance-payment' ? 'advance' : 'balance',
              amount: toEuros(advance(commitment, m.pays.rate)),
              dueAt: null,
              paid: 0,
              paidAt: null,
              milestone: m.id,
            },
          ]
        : [],
    ),
    decision: null,
    complementary: p.figures.caps?.complementary ? 'open' : null,
    reports: [],
    settlement: null,
    convention: null,
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
  return s;
}

// ─── Acts (Updates) ──────────────────────────────────────────────────────────

function parse<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const r = schema.safeParse(raw);
  if (!r.success) refuse(`Données invalides : ${frenchIssues(r.error)}`);
  return r.data;
}

function actInstant(raw: { at?: string | undefined }, now: Date): Date {
  const at = raw.at ? instantSchema.parse(raw.at) : now;
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS)
    refuse(`Un acte ne peut être daté dans le futur (${formatParis(at, true)}, heure de Paris).`);
  return at;
}

function assertOpen(s: GrantState): void {
  if (s.status === 'not-admissible')
    refuse(
      `La candidature ${s.id} n’est pas recevable : le cycle de subvention est clos, plus aucun acte n’est possible.`,
    );
  if (s.status === 'completed')
    refuse(`Le cycle de la subvention ${s.id} est terminé : plus aucun acte n’est possible.`);
  if (s.status === 'ended') refuse(`La convention ${s.id} a pris fin : plus aucun acte n’est possible.`);
}

/** Checks a milestone can be done at `at`; returns its state and definition. */
function checkMilestone(
  s: GrantState,
  p: Programme,
  id: string,
  at: Date,
): { m: GrantMilestoneState; def: Milestone } {
  const m = milestoneOf(s, id);
  if (!m) {
    const known = (milestoneIds as readonly string[]).includes(id);
    refuse(
      `${known ? `Le programme « ${p.id} » n’a pas de jalon « ${id} »` : `Jalon inconnu : « ${id} »`} ` +
        `(jalons du programme : ${s.milestones.map((x) => x.id).join(', ')}).`,
    );
  }
  const def = definitionOf(p, m.id);
  if (m.doneAt) refuse(`Le jalon « ${m.id} » est déjà fait (le ${formatParis(new Date(m.doneAt), true)}).`);
  if (!m.applies)
    refuse(
      def.condition === 'balance-below-advance'
        ? `Le jalon « ${m.id} » ne s’applique pas : aucun ordre de reversement n’a été émis.`
        : `Le jalon « ${m.id} » ne s’applique plus : la convention a été dénoncée.`,
    );
  for (const pre of prerequisitesOf(p, m.id)) {
    const before = milestoneOf(s, pre);
    if (!before || !before.applies) continue;
    if (!before.doneAt)
      refuse(`Le jalon « ${m.id} » suppose que « ${pre} » (${before.title}) soit fait auparavant.`);
    if (at < new Date(before.doneAt))
      refuse(
        `Le jalon « ${m.id} » ne peut être daté avant « ${pre} », fait le ${formatParis(new Date(before.doneAt), true)}.`,
      );
  }
  if (m.dueAt && def.onMiss === 'not-admissible' && at > new Date(m.dueAt))
    refuse(
      `Hors délai : « ${m.id} » devait être fait au plus tard le ${formatDue(new Date(m.dueAt))} (heure de Paris) ; ` +
        'passé ce délai, la candidature n’est pas recevable.',
    );
  return { m, def };
}

function checkPieces(def: Milestone, given: readonly string[]): void {
  const known = def.pieces.map((x) => x.id);
  const unknown = given.filter((x) => !known.includes(x));
  if (unknown.length)
    refuse(
      `Pièce inconnue pour « ${def.id} » : ${unknown.join(', ')}` +
        (known.length ? ` (pièces attendues : ${known.join(', ')}).` : ' (aucune pièce attendue).'),
    );
  const missing = def.pieces.filter((x) => !given.includes(x.id));
  if (missing.length)
    refuse(
      `Pièces manquantes pour « ${def.id} » : ${missing.map((x) => `${x.id} « ${x.title} »${x.signed ? ' (signée)' : ''}`).join(' ; ')}.`,
    );
}

function markDone(
  s: GrantState,
  m: GrantMilestoneState,
  at: Date,
  by: string | undefined,
  pieces: string[],
): void {
  m.doneAt = iso(at);
  m.by = by ?? null;
  m.pieces = pieces;
  m.status = statusOf(m);
  history(s, at, 'milestone.completed', { milestone: m.id, ...(by ? { by } : {}) });
}

/** Expected payments of a kind with something left to pay. */
const outstanding = (s: GrantState, kind: PaymentKind): GrantPayment[] =>
  s.payments.filter((x) => x.kind === kind && euros(x.paid) < euros(x.amount));

function receive(s: GrantState, p: Programme, kind: PaymentKind, amount: Cents, at: Date, by?: string): void {
  let open = outstanding(s, kind);
  if (!open.length && kind === 'grant' && s.decision) {
    const decided = euros(s.decision.amount) + euros(s.decision.complementary);
    const received = s.payments.filter((x) => x.kind === 'grant').reduce((a, x) => a + euros(x.paid), 0);
    if (decided > received) {
      s.payments.push({
        kind,
        amount: toEuros(decided - received),
        dueAt: null,
        paid: 0,
        paidAt: null,
        milestone: null,
      });
      open = outstanding(s, kind);
    }
  }
  const pay = open[0];
  if (!pay) {
    const expected = s.payments.filter((x) => euros(x.paid) < euros(x.amount)).map((x) => x.kind);
    refuse(
      `Aucun versement « ${kind} » attendu pour la subvention ${s.id}` +
        (expected.length ? ` (attendus : ${[...new Set(expected)].join(', ')}).` : '.'),
    );
  }
  const left = euros(pay.amount) - euros(pay.paid);
  try {
    assertWithinCap(amount, left, 'versement');
  } catch {
    refuse(
      `Versement refusé : ${formatEuros(amount)} dépasse ce qui reste à verser au titre « ${kind} » (${formatEuros(left)}).`,
    );
  }
  const milestoneId = pay.milestone ?? PAYMENT_MILESTONE[kind] ?? null;
  const m = milestoneId ? milestoneOf(s, milestoneId) : undefined;
  const completes = amount === left && m && !m.doneAt && m.applies;
  if (completes) checkMilestone(s, p, m.id, at);
  pay.paid = toEuros(euros(pay.paid) + amount);
  if (amount === left) pay.paidAt = iso(at);
  history(s, at, 'payment.received', { ...(by ? { by } : {}), detail: `${kind} ${formatEuros(amount)}` });
  if (completes) markDone(s, m, at, by, []);
}

function complete(s: GrantState, p: Programme, raw: CompleteMilestoneInput, now: Date): void {
  const a = parse(completeMilestoneSchema, raw);
  const at = actInstant(a, now);
  if (a.milestone === 'denunciation' && milestoneOf(s, 'denunciation'))
    return denounce(s, p, { at: a.at, by: a.by, pieces: a.pieces ?? [] }, now);
  if (a.milestone === 'funder-decision' && milestoneOf(s, 'funder-decision'))
    refuse(
      'La décision du financeur s’enregistre avec son montant (recordFunderDecision, « jalons grant decide »).',
    );
  const { m, def } = checkMilestone(s, p, a.milestone, at);
  checkPieces(def, a.pieces ?? []);
  // A payment milestone done without an amount: the expected amount was received.
  const pay = s.payments.find((x) => x.milestone === m.id && euros(x.paid) < euros(x.amount));
  if (pay) return receive(s, p, pay.kind, euros(pay.amount) - euros(pay.paid), at, a.by);
  if (Object.values(PAYMENT_MILESTONE).includes(m.id))
    refuse(`Montant inconnu pour « ${m.id} » : enregistrez le versement avec son montant (recordPayment).`);
  markDone(s, m, at, a.by, a.pieces ?? []);
  queueGrantPartnerCalls(s, p, m.id, a.reference, at);
}

function decide(s: GrantState, p: Programme, raw: FunderDecisionInput, now: Date): void {
  const a = parse(funderDecisionSchema, raw);
  const at = actInstant(a, now);
  const amount = euros(a.amount);
  if (a.envelope === 'complementary') {
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
    s.decision.complementary = toEuros(verdict.amount);
    s.complementary = 'granted';
    history(s, at, 'funder.decided', {
      ...(a.by ? { by: a.by } : {}),
      detail: `complémentaire ${formatEuros(amount)}`,
    });
    return;
  }
  if (!milestoneOf(s, 'funder-decision'))
    refuse(`Le programme « ${p.id} » n’a pas de décision du financeur à enregistrer.`);
  const { m } = checkMilestone(s, p, 'funder-decision', at);
  const cap = p.figures.caps?.base ?? p.figures.commitment;
  if (cap !== undefined)
    try {
      assertWithinCap(amount, cap, 'montant décidé');
    } catch (err) {
      refuse(`Décision refusée : ${(err as Error).message} (${p.id}).`);
    }
  s.decision = { amount: toEuros(amount), complementary: 0, at: iso(at), by: a.by ?? null };
  markDone(s, m, at, a.by, []);
  s.history[s.history.length - 1]!.detail = formatEuros(amount);
}

function pay(s: GrantState, p: Programme, raw: PaymentInput, now: Date): void {
  const a = parse(paymentSchema, raw);
  receive(s, p, a.kind, euros(a.amount), actInstant(a, now), a.by);
}

/** The commitment the balance is computed against: the programme's, or the funder's decision. */
function commitmentOf(s: GrantState, p: Programme): Cents | null {
  if (p.figures.commitment !== undefined) return p.figures.commitment;
  return s.decision ? euros(s.decision.amount) + euros(s.decision.complementary) : null;
}

function report(s: GrantState, p: Programme, raw: ReportInput, now: Date): void {
  const a = parse(reportSchema, raw);
  const at = actInstant(a, now);
  const id = REPORT_MILESTONE[a.kind];
  if (!milestoneOf(s, id))
    refuse(`Le programme « ${p.id} » n’a pas de rapport « ${a.kind} » (jalon « ${id} »).`);
  const { m, def } = checkMilestone(s, p, id, at);
  // The report is the piece: without a list, all its pieces are taken as delivered.
  const pieces = a.pieces ?? def.pieces.map((x) => x.id);
  checkPieces(def, pieces);
  const spent = a.spent === undefined ? null : euros(a.spent);
  const commitment = commitmentOf(s, p);
  s.reports.push({
    kind: a.kind,
    spent: spent === null ? null : toEuros(spent),
    at: iso(at),
    by: a.by ?? null,
  });
  markDone(s, m, at, a.by, pieces);
  if (spent === null || commitment === null || s.settlement) return;
  settle(s, commitment, spent, at);
}

/**
 * Settles the grant once the spending is known (RULES.md §3.2): a balance
 * (never above the commitment) or an ordre de reversement repaid within 2
 * months. It replaces what was still expected and not received.
 */
function settle(s: GrantState, commitment: Cents, spent: Cents, at: Date): void {
  const funding = s.payments.filter((x) => x.kind !== 'repayment');
  const received = funding.reduce((sum, x) => sum + euros(x.paid), 0);
  const result = balance(commitment, received, spent);
  const cancel = (x: GrantPayment) => {
    x.amount = x.paid;
    const m = x.milestone ? milestoneOf(s, x.milestone) : undefined;
    if (m && !m.doneAt && x.amount === 0) m.applies = false;
  };
  for (const x of funding) if (euros(x.paid) < euros(x.amount) && x.kind !== 'balance') cancel(x);
  const balanceMilestone = milestoneOf(s, 'balance-payment');
  if (result.kind === 'balance') {
    const open = funding.find((x) => x.kind === 'balance' && euros(x.paid) < euros(x.amount));
    if (open) open.amount = toEuros(euros(open.paid) + result.amount);
    else if (result.amount > 0)
      s.payments.push({
        kind: 'balance',
        amount: toEuros(result.amount),
        dueAt: null,
        paid: 0,
        paidAt: null,
        milestone: balanceMilestone && !balanceMilestone.doneAt ? 'balance-payment' : null,
      });
    s.settlement = { kind: 'balance', amount: toEuros(result.amount), at: iso(at), dueAt: null };
    if (result.amount === 0 && balanceMilestone && !balanceMilestone.doneAt)
      markDone(s, balanceMilestone, at, undefined, []);
  } else {
    for (const x of funding) if (x.kind === 'balance' && euros(x.paid) < euros(x.amount)) x.amount = x.paid;
    const due = repaymentDue(at);
    s.settlement = { kind: 'repayment-order', amount: toEuros(result.amount), at: iso(at), dueAt: iso(due) };
    s.payments.push({
      kind: 'repayment',
      amount: toEuros(result.amount),
      dueAt: iso(due),
      paid: 0,
      paidAt: null,
      milestone: milestoneOf(s, 'repayment') ? 'repayment' : null,
    });
    // The State settles the balance by issuing the order.
    if (balanceMilestone && !balanceMilestone.doneAt) markDone(s, balanceMilestone, at, undefined, []);
    const repay = milestoneOf(s, 'repayment');
    if (repay) repay.applies = true;
  }
  history(s, at, 'settlement', {
    detail: `${result.kind === 'balance' ? 'solde' : 'ordre de reversement'} ${formatEuros(result.amount)}`,
  });
}

function denounce(s: GrantState, p: Programme, raw: DenounceInput & { pieces?: string[] }, now: Date): void {
  const { pieces, ...rest } = raw;
  const a = parse(denounceSchema, rest);
  const at = actInstant(a, now);
  const m = milestoneOf(s, 'denunciation');
  if (!p.renewal || !s.convention || !m)
    refuse(`Le programme « ${p.id} » n’est pas une convention à dénoncer.`);
  if (s.status === 'denounced')
    refuse(
      `La convention ${s.id} est déjà dénoncée (le ${formatParis(new Date(s.convention.denouncedAt ?? m.doneAt ?? ''), true)}).`,
    );
  if (pieces) checkPieces(definitionOf(p, 'denunciation'), pieces);
  const check = checkDenunciation(p.renewal, at);
  if (!check.valid) refuse(`${check.error[0]?.toUpperCase()}${check.error.slice(1)}.`);
  if (check.period.index !== s.convention.period)
    refuse(
      `Dénonciation refusée : la période qui s’achevait le ${formatParis(check.period.endsAt)} est close, ` +
        'la convention a été reconduite.',
    );
  markDone(s, m, at, a.by, pieces ?? ['lettre-denonciation']);
  s.convention.denouncedAt = iso(at);
  const renewal = milestoneOf(s, 'renewal');
  if (renewal && !renewal.doneAt) renewal.applies = false;
  s.status = 'denounced';
  history(s, at, 'convention.denounced', { detail: `fin le ${formatParis(check.endsAt)}` });
}

/** Applies an act; throws GrantRefusal (French) and leaves the state as it was. */
export function applyGrantAction(s: GrantState, action: GrantAction, now: Date): GrantState {
  const p = getProgramme(s.programme);
  const work = structuredCloneState(s);
  assertOpen(work);
  const { type, ...raw } = action;
  switch (type) {
    case 'complete':
      complete(work, p, raw as CompleteMilestoneInput, now);
      break;
    case 'funder-decision':
      decide(work, p, raw as FunderDecisionInput, now);
      break;
    case 'payment':
      pay(work, p, raw as PaymentInput, now);
      break;
    case 'report':
      report(work, p, raw as ReportInput, now);
      break;
    case 'denounce':
      denounce(work, p, raw as DenounceInput, now);
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
    applyGrantAction(structuredCloneState(s), action, now);
    return null;
  } catch (err) {
    if (err instanceof GrantRefusal) return err.message;
    throw err;
  }
}

const structuredCloneState = (s: GrantState): GrantState => JSON.parse(JSON.stringify(s)) as GrantState;

// ─── Time (durable timers) ───────────────────────────────────────────────────

export interface TimedGrantAction {
  /** Stable within the workflow: names the message for idempotent sending. */
  id: string;
  at: Date;
  kind: 'reminder' | 'miss' | 'escalation' | 'renewal' | 'end';
  milestone: MilestoneId | null;
  daysBefore?: number;
}

export interface OutgoingGrantMessage {
  key: string;
  recipient: { role: Role };
  template: string;
  data: Record<string, string>;
}

const KIND_ORDER: Record<TimedGrantAction['kind'], number> = {
  reminder: 0,
  miss: 1,
  escalation: 2,
  renewal: 3,
  end: 4,
};

/** A milestone's message ids carry the convention's period for those that come back each period. */
function tag(s: GrantState, m: GrantMilestoneState): string {
  return s.convention && (m.id === 'denunciation' || m.id === 'renewal')
    ? `${m.id}@${s.convention.period}`
    : m.id;
}

/** What is due next, earliest first. */
export function timedGrantActions(s: GrantState): TimedGrantAction[] {
  const p = getProgramme(s.programme);
  const actions: TimedGrantAction[] = [];
  const open = s.status === 'active' || s.status === 'denounced';
  for (const m of s.milestones) {
    if (!m.applies || m.doneAt || !m.dueAt) continue;
    const def = definitionOf(p, m.id);
    const due = new Date(m.dueAt);
    const id = tag(s, m);
    if (m.missedAt) {
      const escalation = `${id}:escalation`;
      if (!s.handled.includes(escalation)) {
        const at = escalationInstant(due, s.hours);
        actions.push({
          id: escalation,
          at: at > new Date(m.missedAt) ? at : new Date(m.missedAt),
          kind: 'escalation',
          milestone: m.id,
        });
      }
      continue;
    }
    if (!open) continue;
    // The tacit renewal is the workflow's own act, at the end of the period.
    if (def.condition === 'not-denounced') continue;
    const seen = new Set<number>();
    for (const days of def.remindDaysBefore) {
      const at = reminderInstant(due, days, s.hours);
      const rid = `${id}:reminder:J-${days}`;
      if (at > due || (m.knownAt && at < new Date(m.knownAt)) || seen.has(at.getTime())) continue;
      seen.add(at.getTime());
      if (!s.handled.includes(rid))
        actions.push({ id: rid, at, kind: 'reminder', milestone: m.id, daysBefore: days });
    }
    // Not denouncing is no miss: the convention renews.
    if (def.condition !== 'optional')
      actions.push({ id: `${id}:miss`, at: new Date(due.getTime() + 1), kind: 'miss', milestone: m.id });
  }
  if (s.convention && open) {
    const endsAt = new Date(new Date(s.convention.endsAt).getTime() + 1);
    actions.push(
      s.status === 'active'
        ? {
            id: `convention@${s.convention.period}:renewal`,
            at: endsAt,
            kind: 'renewal',
            milestone: 'renewal',
          }
        : { id: `convention@${s.convention.period}:end`, at: endsAt, kind: 'end', milestone: null },
    );
  }
  return actions.sort((a, b) => a.at.getTime() - b.at.getTime() || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

const CONSEQUENCE_BEFORE: Record<Milestone['onMiss'], string> = {
  'not-admissible': 'Passé ce délai, la candidature n’est pas recevable.',
  escalation: 'Passé ce délai, le chef de service est alerté.',
  repayment: 'Passé ce délai, les sommes reçues deviennent remboursables.',
  renewal: 'Sans dénonciation écrite reçue d’ici là, la convention est reconduite pour 12 mois.',
  'funding-lost': 'Passé ce délai, l’enveloppe complémentaire ne peut plus être obtenue.',
};

function messageData(s: GrantState, m: GrantMilestoneState, def: Milestone, extra: Record<string, string>) {
  return {
    grantId: s.id,
    programme: s.programme,
    programmeTitle: s.title,
    milestone: m.id,
    milestoneTitle: m.title,
    dueAt: m.dueAt ?? '',
    pieces: def.pieces
      .map((x) => `${x.title}${x.signed && !/sign/i.test(x.title) ? ' (signée)' : ''}`)
      .join('\n'),
    ...extra,
  };
}

/** Applies a timed action at `firedAt`; returns the message to send, if any. */
export function fireGrantAction(
  s: GrantState,
  action: TimedGrantAction,
  firedAt: Date,
): OutgoingGrantMessage | null {
  const p = getProgramme(s.programme);
  s.handled.push(action.id);
  const m = action.milestone ? milestoneOf(s, action.milestone) : undefined;
  const def = m ? definitionOf(p, m.id) : undefined;
  const notify = (template: string, to: Role, data: Record<string, string>): OutgoingGrantMessage => {
    s.notifications.push({ id: action.id, at: iso(firedAt), to, template, milestone: m?.id ?? null });
    return { key: action.id, recipient: { role: to }, template, data };
  };
  switch (action.kind) {
    case 'reminder':
      if (!m || !def || m.doneAt) return null;
      return notify(
        'reminder.grant-milestone',
        m.responsible,
        messageData(s, m, def, {
          daysBefore: String(action.daysBefore ?? 0),
          consequence: CONSEQUENCE_BEFORE[def.onMiss],
        }),
      );
    case 'miss': {
      if (!m || !def || m.doneAt) return null;
      m.missedAt = iso(firedAt);
      m.status = 'missed';
      history(s, firedAt, 'milestone.missed', { milestone: m.id });
      if (def.onMiss === 'not-admissible') {
        s.status = 'not-admissible';
        s.closedAt = iso(firedAt);
        history(s, firedAt, 'cycle.not-admissible', { milestone: m.id });
      } else if (def.onMiss === 'funding-lost' && s.complementary === 'open') {
        s.complementary = 'lost';
      } else if (def.onMiss === 'repayment') {
        const received = s.payments
          .filter((x) => x.kind !== 'repayment')
          .reduce((a, x) => a + euros(x.paid), 0);
        if (received > 0)
          s.payments.push({
            kind: 'repayment',
            amount: toEuros(received),
            dueAt: iso(repaymentDue(firedAt)),
            paid: 0,
            paidAt: null,
            milestone: null,
          });
      }
      return null;
    }
    case 'escalation': {
      if (!m || !def || m.doneAt) return null;
      const after: Record<Milestone['onMiss'], string> = {
        'not-admissible': 'La candidature n’est pas recevable : le cycle de subvention est clos.',
        escalation: 'Le jalon reste à faire : merci de le régulariser au plus vite.',
        repayment: 'Les sommes reçues sont à reverser (ordre de reversement, sous deux mois).',
        renewal: 'La convention est reconduite.',
        'funding-lost': 'L’enveloppe complémentaire ne peut plus être obtenue.',
      };
      return notify(
        'escalation.grant-milestone',
        def.escalate,
        messageData(s, m, def, { consequence: after[def.onMiss] }),
      );
    }
    case 'renewal': {
      const c = s.convention;
      if (!c || !p.renewal || s.status !== 'active') return null;
      const endedAt = new Date(c.endsAt);
      const renewal = milestoneOf(s, 'renewal');
      if (renewal && !renewal.doneAt) markDone(s, renewal, endedAt, undefined, []);
      const next = conventionPeriod(p.renewal, c.period + 1);
      c.period = next.index;
      c.start = next.start;
      c.end = next.end;
      c.endsAt = iso(next.endsAt);
      c.renewals.push({ at: iso(endedAt), period: next.index, until: next.end });
      history(s, endedAt, 'convention.renewed', { detail: `jusqu’au ${formatParis(next.endsAt)}` });
      refresh(s, p, firedAt);
      const to = renewal?.responsible ?? 'grants-team';
      return notify('notice.grant-renewal', to, {
        grantId: s.id,
        programmeTitle: s.title,
        from: next.start,
        until: iso(next.endsAt),
        window: iso(next.denunciationWindow.opensAt),
      });
    }
    case 'end': {
      const c = s.convention;
      if (!c || s.status !== 'denounced') return null;
      s.status = 'ended';
      s.closedAt = c.endsAt;
      history(s, new Date(c.endsAt), 'convention.ended');
      return notify('notice.grant-ended', 'grants-team', {
        grantId: s.id,
        programmeTitle: s.title,
        endsAt: c.endsAt,
        denouncedAt: c.denouncedAt ?? '',
      });
    }
  }
}

/** The workflow may return: a final status and nothing left to send. */
export function grantFinished(s: GrantState): boolean {
  return TERMINAL.includes(s.status) && timedGrantActions(s).length === 0;
}

// ─── Report (DESIGN.md, « Public contracts ») ────────────────────────────────

export interface GrantReport {
  id: string;
  programme: string;
  status: GrantStatus;
  milestones: {
    id: MilestoneId;
    dueAt: string | null;
    doneAt: string | null;
    status: GrantMilestoneState['status'];
  }[];
  payments: { kind: PaymentKind; amount: number; dueAt: string | null }[];
  notifications: { at: string; to: string; template: string }[];
}

/** The report entry of a grant: the milestones that apply, the payments due. */
export function grantReportOf(s: GrantState): GrantReport {
  return {
    id: s.id,
    programme: s.programme,
    status: s.status,
    milestones: s.milestones
      .filter((m) => m.applies)
      .map((m) => ({ id: m.id, dueAt: m.dueAt, doneAt: m.doneAt, status: m.status })),
    payments: s.payments
      .filter((x) => x.amount > 0)
      .map((x) => ({ kind: x.kind, amount: x.amount, dueAt: x.dueAt })),
    notifications: s.notifications.map((n) => ({ at: n.at, to: n.to, template: n.template })),
  };
}
