/**
 * The state of one grant cycle (docs/rules.md §3) and what is derived from its
 * facts: each milestone's deadline as its words read it, its status, the prior
 * steps not recorded (advice, never a refusal: docs/grants.md « Les faits »),
 * and whether the application is admissible — from the facts' instants only.
 *
 * Pure and deterministic: it runs inside the workflow sandbox (calendar.ts only).
 */
import { formatParis } from '../calendar.js';
import type { BusinessHours } from '../holidays.js';
import type { Role } from '../policy.js';
import type { PartnerCall } from '../partner-calls.js';
import type { PaymentKind, ReportKind } from './acts.js';
import type { Ledger } from './ledger-types.js';
import {
  lateFrom,
  resolveDeadline,
  type Completed,
  type DeadlineReading,
  type Milestone,
  type MilestoneId,
  type Programme,
} from './programme.js';

export const grantWorkflowId = (grantId: string): string => `subvention-${grantId}`;

export const grantStatuses = [
  /** Milestones still to come. */
  'active',
  /** A miss killed the application (CNSA transmission at or after 15/12/2025 17:00): the cycle is over. */
  'not-admissible',
  /** Every milestone that applies is done and every payment settled. */
  'completed',
  /** A convention denounced in time: it runs to the end of its period. */
  'denounced',
  /** A denounced convention reached its end. */
  'ended',
  /** A convention ended by a termination (on request, or after a formal notice left without effect). */
  'terminated',
] as const;
export type GrantStatus = (typeof grantStatuses)[number];
export const TERMINAL: readonly GrantStatus[] = ['not-admissible', 'completed', 'ended', 'terminated'];

/** A closed cycle stays open this long to record a fact that changes the verdict (a transmission made on time). */
export const CORRECTION_WINDOW_MS = 60 * 86_400_000;
/** Bounds of the lists that grow with acts and time: the oldest entries go first. */
export const MAX_HISTORY = 400;
export const MAX_NOTIFICATIONS = 400;

/**
 * The procedure of docs/rules.md §3: the steps that come before a milestone.
 * Advice only: a later fact recorded without them shows them as not recorded.
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

export type MilestoneStatus = 'done' | 'late' | 'missed' | 'pending' | 'not-recorded';

export interface GrantMilestoneState {
  id: MilestoneId;
  title: string;
  /** The boundary the deadline's words name (ISO UTC); null without one or while it waits on another milestone. */
  dueAt: string | null;
  /** How the words are read: whether `dueAt` itself is on time. */
  reading: DeadlineReading;
  doneAt: string | null;
  status: MilestoneStatus;
  /** False when its condition excludes it (no ordre de reversement; renewal after a denunciation). */
  applies: boolean;
  responsible: Role;
  by: string | null;
  pieces: string[];
  /** When its deadline became known: reminders due before that instant are not sent. */
  knownAt: string | null;
  missedAt: string | null;
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

/** A prior step not recorded, or a rule the figures do not meet: shown, never a refusal. */
export interface GrantAdvice {
  code: 'not-recorded' | 'recorded-after' | 'co-funding' | 'receipt-not-recorded';
  milestone: MilestoneId | null;
  message: string;
}

/** The euros view of the ledger kept for the page, the CLI and the indicators. */
export interface GrantPayment {
  kind: PaymentKind;
  amount: number;
  dueAt: string | null;
  paid: number;
  paidAt: string | null;
  milestone: MilestoneId | null;
}

export interface GrantTermination {
  kind: 'request' | 'breach';
  /** Who asked (request) or who is in default (breach). */
  party: 'departement' | 'funder';
  noticeAt: string;
  /** End of the civil day the termination takes effect. */
  effectiveAt: string;
  /** A formal notice complied with in time: no termination. */
  compliedAt: string | null;
  reason: string | null;
}

export interface GrantState {
  id: string;
  programme: string;
  title: string;
  status: GrantStatus;
  startedAt: string;
  closedAt: string | null;
  /** A closed cycle still takes acts until then (CORRECTION_WINDOW_MS); null once over. */
  reopenUntil: string | null;
  hours: BusinessHours;
  milestones: GrantMilestoneState[];
  /** Money, in cents: what is expected and what was received (./ledger.ts). */
  ledger: Ledger;
  /** Derived from the ledger, in euros. */
  payments: GrantPayment[];
  decision: { amount: number; complementary: number; at: string; by: string | null } | null;
  /** The CNSA complementary envelope: open until granted or lost (financial report missed). */
  complementary: 'open' | 'granted' | 'lost' | null;
  reports: {
    kind: ReportKind;
    spent: number | null;
    departementSpent: number | null;
    at: string;
    by: string | null;
  }[];
  /** Derived from the ledger: how the grant settles once the spending is known. */
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
  termination: GrantTermination | null;
  advice: GrantAdvice[];
  notifications: GrantNotification[];
  partnerCalls?: PartnerCall[];
  history: GrantHistoryEntry[];
  /** Timed actions already fired (never twice). */
  handled: string[];
}

/** An act refused: the message is French and shown as is; nothing was changed. */
export class GrantRefusal extends Error {}
export function refuse(message: string): never {
  throw new GrantRefusal(message);
}

export const iso = (d: Date): string => d.toISOString();

/** `21/11/2025 (fin de journée)` or `15/12/2025 à 17:00`, heure de Paris. */
export function formatDue(at: Date): string {
  const withTime = formatParis(at, true);
  return withTime.endsWith('23:59') ? `${formatParis(at)} (fin de journée)` : withTime;
}

/** The deadline as its words read it: « avant le 15/12/2025 à 17:00 » or « au plus tard le 21/11/2025 (fin de journée) ». */
export function formatReading(dueAt: Date, reading: DeadlineReading): string {
  return reading === 'strictly-before'
    ? `avant le ${formatParis(dueAt, true)}`
    : `au plus tard le ${formatDue(dueAt)}`;
}

export function milestoneOf(s: GrantState, id: string): GrantMilestoneState | undefined {
  return s.milestones.find((m) => m.id === id);
}

export function definitionOf(p: Programme, id: MilestoneId): Milestone {
  const m = p.milestones.find((x) => x.id === id);
  if (!m) throw new RangeError(`jalon ${id} absent du programme ${p.id}`);
  return m;
}

export function completedOf(s: GrantState): Completed {
  const done: Completed = {};
  for (const m of s.milestones) if (m.doneAt) done[m.id] = new Date(m.doneAt);
  return done;
}

/** The milestones that come before `id` in this programme (the procedure, and what a relative deadline counts from). */
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

export function isLate(m: Pick<GrantMilestoneState, 'doneAt' | 'dueAt' | 'reading'>): boolean {
  if (!m.doneAt || !m.dueAt) return false;
  return new Date(m.doneAt).getTime() >= lateFrom(new Date(m.dueAt), m.reading).getTime();
}

export function history(
  s: GrantState,
  at: Date,
  event: string,
  extra: Omit<GrantHistoryEntry, 'at' | 'event' | 'status'> = {},
): void {
  s.history.push({ at: iso(at), event, status: s.status, ...extra });
  if (s.history.length > MAX_HISTORY) s.history.splice(0, s.history.length - MAX_HISTORY);
}

/** The milestones a recorded later fact presupposes, with the fact that does: they happened, unrecorded. */
function impliedSteps(s: GrantState, p: Programme): Map<MilestoneId, GrantMilestoneState> {
  const implied = new Map<MilestoneId, GrantMilestoneState>();
  const visit = (m: GrantMilestoneState, by: GrantMilestoneState) => {
    for (const pre of prerequisitesOf(p, m.id)) {
      const before = milestoneOf(s, pre);
      if (!before || !before.applies || before.doneAt || implied.has(pre)) continue;
      implied.set(pre, by);
      visit(before, by);
    }
  };
  for (const m of s.milestones) if (m.doneAt) visit(m, m);
  return implied;
}

/** Steps not recorded, prior steps dated after the fact that needs them. */
function milestoneAdvice(s: GrantState, p: Programme, implied: Map<MilestoneId, GrantMilestoneState>) {
  const advice: GrantAdvice[] = [];
  for (const [id, by] of implied) {
    const m = milestoneOf(s, id)!;
    advice.push({
      code: 'not-recorded',
      milestone: id,
      message: `« ${m.title} » n’est pas enregistré, alors que « ${by.title} » l’est (le ${formatParis(new Date(by.doneAt!), true)}) : à compléter.`,
    });
  }
  for (const m of s.milestones) {
    if (!m.doneAt) continue;
    for (const pre of prerequisitesOf(p, m.id)) {
      const before = milestoneOf(s, pre);
      if (before?.doneAt && before.doneAt > m.doneAt)
        advice.push({
          code: 'recorded-after',
          milestone: pre,
          message: `« ${before.title} » est daté du ${formatParis(new Date(before.doneAt), true)}, après « ${m.title} » (${formatParis(new Date(m.doneAt), true)}) : à vérifier.`,
        });
    }
  }
  return advice;
}

function statusOf(m: GrantMilestoneState, implied: boolean): MilestoneStatus {
  if (m.doneAt) return isLate(m) ? 'late' : 'done';
  if (implied) return 'not-recorded';
  return m.missedAt ? 'missed' : 'pending';
}

/**
 * Deadlines (a relative one is known once its reference is done; the France
 * Travail denunciation follows the current period) and milestone statuses,
 * from the facts recorded so far. Returns the advice on the milestones.
 */
export function refreshMilestones(s: GrantState, p: Programme, now: Date): GrantAdvice[] {
  const done = completedOf(s);
  for (const m of s.milestones) {
    let due = resolveDeadline(definitionOf(p, m.id), done);
    if (s.convention && m.id === 'denunciation') due = new Date(s.convention.endsAt);
    const dueAt = due ? iso(due) : null;
    if (dueAt !== m.dueAt) {
      m.dueAt = dueAt;
      m.knownAt = dueAt ? iso(now) : null;
    }
  }
  const implied = impliedSteps(s, p);
  for (const m of s.milestones) m.status = statusOf(m, implied.has(m.id));
  return milestoneAdvice(s, p, implied);
}

/**
 * Not admissible follows from the facts' instants only: a milestone whose miss
 * kills the application is late, or missed and not presupposed by a later fact.
 * A transmission recorded afterwards, dated on time, makes the cycle active again.
 */
export function refreshAdmissibility(s: GrantState, p: Programme, now: Date): void {
  const fatal = s.milestones.find(
    (m) =>
      m.applies &&
      definitionOf(p, m.id).onMiss === 'not-admissible' &&
      (m.status === 'late' || m.status === 'missed'),
  );
  if (fatal && s.status === 'active') {
    s.status = 'not-admissible';
    s.closedAt = fatal.dueAt ? iso(lateFrom(new Date(fatal.dueAt), fatal.reading)) : iso(now);
    s.reopenUntil = iso(
      new Date(Math.max(now.getTime(), new Date(s.closedAt).getTime()) + CORRECTION_WINDOW_MS),
    );
    history(s, new Date(s.closedAt), 'cycle.not-admissible', { milestone: fatal.id });
  } else if (!fatal && s.status === 'not-admissible') {
    s.status = 'active';
    s.closedAt = null;
    s.reopenUntil = null;
    history(s, now, 'cycle.readmitted');
  }
}
