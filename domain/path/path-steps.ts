/**
 * The steps the path's transitions (./path-machine.ts) are made of: refusing,
 * opening, meeting and dropping deadlines, moving to a step, queueing a
 * message. Pure, like the machine.
 */
import { addCalendarDays, civilDateOf, endOfCivilDay, formatParis } from '../calendar.js';
import { deadlineAfter } from './deadlines.js';
import { nextBusinessOpening } from '../holidays.js';
import { nationalRulesAt } from './national-rules.js';
import {
  type DeadlineKind,
  type DeadlineRecord,
  type PathState,
  type PathStep,
  type QueuedMessage,
} from './path.js';
import { pathListBounds } from './path-compaction.js';
import { type Policy } from '../policy.js';

/** An act the path refuses; its message is French and shown as is. */
export class PathRefusal extends Error {
  override name = 'PathRefusal';
}
export function refuse(message: string): never {
  throw new PathRefusal(message);
}

export function weeklyHoursRefusal(
  c: { weeklyHours: number; intensive: boolean; reduction?: string; exemption?: string },
  legalMinimum: number,
  policy: Policy,
  track: 'employment' | 'socio-professional' | 'social',
): string | null {
  if (c.weeklyHours === 0 && !c.exemption)
    return 'Zéro heure d’activité suppose une exemption pour un motif légal (santé, handicap, invalidité, parent isolé sans garde d’un enfant de moins de 12 ans).';
  if (c.weeklyHours > 0 && c.exemption)
    return 'Une exemption porte sur la totalité des heures : indiquez 0 heure, ou une réduction.';
  if (c.weeklyHours > 0 && c.weeklyHours < legalMinimum && !c.reduction)
    return `Moins de ${legalMinimum} heures d’activité par semaine suppose une réduction motivée par la situation de la personne (CT L5411-6).`;
  const intensiveMinimum = policy.intensive.minWeeklyHours[track] ?? legalMinimum;
  if (c.intensive && c.weeklyHours < intensiveMinimum)
    return `L’accompagnement intensif demande au moins ${intensiveMinimum} heures par semaine dans ce parcours.`;
  return null;
}

export function startOrientation(s: PathState, at: Date, policy: Policy): void {
  const rules = nationalRulesAt(at);
  openDeadline(s, 'first-appointment', deadlineAfter(at, policy.firstAppointment.target));
  // The orientation is notified the day it is decided: the contract month runs from then.
  openDeadline(s, 'contract', deadlineAfter(at, rules.contract.within));
}

export function startAccompaniment(s: PathState, at: Date, policy: Policy, intensive: boolean): void {
  dropOpen(s, at, ['interviews']);
  if (!intensive) {
    s.accompaniment = { intensity: 'standard', startedAt: at.toISOString(), intensiveEndsAt: null };
    moveTo(s, 'accompaniment', at, 'contract.signed');
    return;
  }
  const ends = deadlineAfter(at, policy.intensive.duration);
  s.accompaniment = {
    intensity: 'intensive',
    startedAt: at.toISOString(),
    intensiveEndsAt: ends.toISOString(),
  };
  for (const month of intensiveMonths(at, ends))
    openDeadline(s, 'interviews', endOfCivilDay(lastDayOf(month)), month);
  moveTo(s, 'intensive-accompaniment', at, 'contract.signed');
}

/**
 * The calendar months an intensive accompaniment answers for: those it covers
 * for at least half their days (a month begun the day before it ends is not owed).
 */
export function intensiveMonths(start: Date, end: Date): string[] {
  const first = civilDateOf(start);
  const last = civilDateOf(end);
  const months: string[] = [];
  for (let month = first.slice(0, 7); month <= last.slice(0, 7); month = nextMonth(month)) {
    const from = first > `${month}-01` ? first : `${month}-01`;
    const to = last < lastDayOf(month) ? last : lastDayOf(month);
    const covered = daysBetween(from, to) + 1;
    if (covered * 2 >= Number(lastDayOf(month).slice(8))) months.push(month);
  }
  return months;
}

export const nextMonth = (month: string): string => addCalendarDays(lastDayOf(month), 1).slice(0, 7);
export const daysBetween = (a: string, b: string): number => (Date.parse(b) - Date.parse(a)) / 86_400_000;

export function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return addCalendarDays(next, -1);
}

/** Windows of a sanction procedure: awaited only while it runs. */
export const procedureWindows = ['observations', 'france-travail-proposal'];

/** Deadlines still awaited. */
export function openDeadlines(s: PathState): DeadlineRecord[] {
  return s.deadlines.filter(
    (d) =>
      d.metAt === null &&
      !d.cancelledAt &&
      (!procedureWindows.includes(d.kind) || s.step === 'sanction-procedure'),
  );
}

/** Whether a failure of this kind may start a procedure now. */
export function checkBreach(s: PathState, kind: 'contract-refusal' | 'obligations'): void {
  if (s.sanctions.length >= pathListBounds.sanctions)
    refuse(
      `Ce parcours compte déjà ${pathListBounds.sanctions} sanctions, le nombre maximal : une nouvelle procédure se traite hors de Jalons.`,
    );
  if (s.step === 'sanction-procedure' || s.step === 'suspension')
    refuse('Une procédure de sanction est déjà en cours pour ce parcours.');
  if (kind === 'contract-refusal')
    requireStep(
      s,
      ['first-appointment', 'diagnostic', 'contract'],
      'Un refus de contrat ne peut être constaté que tant que le contrat n’est pas signé.',
    );
  else if (!s.contract)
    refuse('Un manquement aux obligations du contrat suppose un contrat d’engagement signé.');
}

export function currentDeadline(s: PathState, kind: string): DeadlineRecord | undefined {
  return openDeadlines(s).find((d) => d.kind === kind);
}

export function currentSanction(s: PathState) {
  return s.sanctions.find((x) => x.endedAt === null);
}

export function openDeadline(s: PathState, kind: DeadlineKind, dueAt: Date, period?: string): DeadlineRecord {
  // Counted, not measured: closed deadlines leave the lists (compaction), their numbers are never reused.
  const number = (s.deadlineCount ?? s.deadlines.length + s.dropped.length) + 1;
  s.deadlineCount = number;
  const record: DeadlineRecord = {
    id: `${kind}#${number}`,
    kind,
    dueAt: dueAt.toISOString(),
    metAt: null,
    breached: false,
    ...(period ? { period } : {}),
  };
  s.deadlines.push(record);
  return record;
}

export function meet(d: DeadlineRecord, at: Date): void {
  d.metAt = at.toISOString();
  d.breached = at.getTime() > Date.parse(d.dueAt);
}

/**
 * Open deadlines that no longer apply (réorientation, exit): one already
 * breached stays in the list, no longer awaited, since the breach happened;
 * the others leave it (kept in `dropped` for the audit).
 */
export function dropOpen(s: PathState, at: Date, kinds?: string[]): void {
  const ending = openDeadlines(s).filter((d) => !kinds || kinds.includes(d.kind));
  for (const d of ending) d.cancelledAt = at.toISOString();
  const gone = ending.filter((d) => !d.breached);
  s.deadlines = s.deadlines.filter((d) => !gone.includes(d));
  s.dropped.push(...gone);
}

export function requireStep(s: PathState, steps: PathStep[], message: string): void {
  if (!steps.includes(s.step)) refuse(message);
}

export function requireProcedure(s: PathState, step: PathStep) {
  if (s.step !== step || !s.procedure) return refuse('Aucune procédure de sanction n’attend cette étape.');
  return s.procedure;
}

/** Ends the procedure (and suspension): the path goes back where it was. */
export function endProcedure(s: PathState, at: Date, event: string): void {
  const resume = s.procedure?.resumeStep ?? 'accompaniment';
  s.procedure = null;
  moveTo(s, resume, at, event);
}

export function moveTo(s: PathState, step: PathStep, at: Date, event?: string): void {
  s.step = step;
  s.history.push({ at: at.toISOString(), step, ...(event ? { event } : {}) });
}

/** Messages decided by an event go out in business hours. */
export function nextOpening(at: Date, policy: Policy): string {
  return nextBusinessOpening(at, policy.businessHours).toISOString();
}

export function queueMessage(s: PathState, m: QueuedMessage): void {
  if (!s.outbox.some((q) => q.id === m.id)) s.outbox.push(m);
}

/** A clock skew tolerated between the caller and the workflow's clock. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** Why an act decided on an older view of the path is refused: what changed, by whom, when. */
export function changedSince(state: PathState): string {
  const last = state.journal[state.journal.length - 1];
  const what = last
    ? ` (« ${last.event} » enregistré${last.by ? ` par ${last.by}` : ''} le ${formatParis(new Date(last.at), true)})`
    : '';
  return `Le dossier a changé depuis que vous l’avez ouvert${what} : rechargez la fiche et refaites l’acte s’il a encore lieu d’être.`;
}

export function checkChronology(state: PathState, at: Date, now: Date, type?: string): void {
  if (state.status === 'closed')
    refuse(
      `Ce parcours est clos depuis le ${formatParis(new Date(state.exit?.at ?? now))} : plus aucune action.`,
    );
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) refuse('Un acte ne peut être daté dans le futur.');
  if (at < new Date(state.rightsOpenedAt)) refuse('Un acte ne peut précéder l’ouverture du droit.');
  // A letter's journey is dated by the post, not by the path's steps (./letters.ts checks its own order).
  if (type === 'letter.sent' || type === 'letter.received') return;
  const last = state.history[state.history.length - 1];
  if (last && at < new Date(last.at))
    refuse(
      `Un acte ne peut précéder le dernier événement du parcours (${formatParis(new Date(last.at), true)}).`,
    );
}
