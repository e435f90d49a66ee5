/**
 * The « suspension-remobilisation » procedure (CASF L262-37, R262-68 and
 * following, décret 2025-478): when a decision may be taken, what it may say,
 * and what a remobilisation pays back. Pure: the path machine applies these.
 */
import { addCalendarMonths, civilDateOf, endOfCivilDay, parisInstant } from '../calendar.js';
import { dueDate } from './deadlines.js';
import type { SanctionScales } from './national-rules.js';
import type { Household, SanctionRecord } from './path.js';
import type { Policy } from '../policy.js';

const percent = (rate: number): string => `${Math.round(rate * 1000) / 10} %`;

/** Receipt of the notice: recorded, else the sending day + the policy's delay (at opening time). */
export function noticeReceipt(sentAt: Date, recorded: Date | undefined, policy: Policy): Date {
  if (recorded) return recorded;
  const day = dueDate(sentAt, policy.sanctions.receiptDelay);
  return day === civilDateOf(sentAt) ? sentAt : parisInstant(day, policy.businessHours.opens);
}

/** The 10 days for observations run from receipt and end with their last civil day. */
export function observationsDue(receivedAt: Date, scales: SanctionScales): Date {
  return endOfCivilDay(dueDate(receivedAt, scales.observationsDelay));
}

/**
 * A repetition: a new failure within the policy's window (24 months) of the
 * decision sanctioning an earlier one, counted since the last orientation decision.
 */
export function isRepetition(
  failureAt: Date,
  earlier: readonly SanctionRecord[],
  lastOrientationAt: Date,
  policy: Policy,
): boolean {
  return earlier.some((s) => {
    const decided = new Date(s.decidedAt);
    if (decided < lastOrientationAt) return false;
    return (
      failureAt.getTime() <= endOfCivilDay(dueDate(decided, policy.sanctions.repetitionWindow)).getTime()
    );
  });
}

export interface SanctionProposal {
  rate: number;
  months: number;
  suppression: boolean;
  epAvis: boolean;
}

/** The French reason a decision is not allowed, or null. */
export function sanctionRefusal(
  p: SanctionProposal,
  ctx: { scales: SanctionScales; household: Household; repetition: boolean },
): string | null {
  const { scales, household, repetition } = ctx;
  if (p.rate < scales.minRate)
    return `Le taux de suspension doit être d’au moins ${percent(scales.minRate)} (CASF R262-68).`;
  const capped = household.size > 1 || household.majore;
  if (capped && p.rate > scales.cappedRate)
    return `Le taux est plafonné à ${percent(scales.cappedRate)} pour un foyer de plus d’une personne ou un RSA majoré (CASF R262-68-6).`;
  const range = repetition ? scales.repetitionMonths : scales.firstFailureMonths;
  if (p.months < range.min || p.months > range.max)
    return repetition
      ? `En cas de répétition, la durée est de ${range.min} à ${range.max} mois (CASF R262-68).`
      : `Pour un premier manquement, la durée est de ${range.min} à ${range.max} mois (CASF R262-68-1).`;
  if (p.suppression && !repetition)
    return 'La suppression n’est possible qu’en cas de persistance ou de répétition du manquement (CASF L262-37 II).';
  if (p.suppression && scales.suppressionNeedsEpAvis && !p.epAvis)
    return 'Une suppression exige l’avis de l’équipe pluridisciplinaire (CASF L262-37 III).';
  return null;
}

/** A suspension of `months` calendar months from its decision's day ends at the start of that day. */
export function suspensionEnd(decidedAt: Date, months: number): Date {
  return parisInstant(addCalendarMonths(civilDateOf(decidedAt), months));
}

/**
 * What a remobilisation pays back: the suspended period up to the end, limited
 * to its last `capMonths` months when the sanction was longer (policy switches).
 */
export function remobilisationRepayment(
  sanction: { decidedAt: Date; months: number },
  endedAt: Date,
  policy: Policy,
): { from: Date; to: Date } | null {
  const { repay, capMonths } = policy.sanctions.remobilisation;
  if (!repay) return null;
  let from = sanction.decidedAt;
  if (capMonths !== null && sanction.months > capMonths) {
    const capStart = parisInstant(addCalendarMonths(civilDateOf(endedAt), -capMonths));
    if (capStart > from) from = capStart;
  }
  return { from, to: endedAt };
}
