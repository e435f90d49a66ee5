/**
 * Tacit renewal of a convention (France Travail, docs/rules.md §3.4): a first term
 * from a start date, then renewals of a fixed length, each ended only by a
 * written denunciation received in the window before the period's end.
 *
 * "Dans le mois précédent la fin de la convention" is read as the calendar
 * month running up to the last day of the period, both ends included: for a
 * period ending 31/12/2023, from 01/12/2023 00:00 to 31/12/2023 23:59 Paris.
 */
import { z } from '../validation.js';
import {
  addCalendarDays,
  addCalendarMonths,
  civilDateOf,
  civilDateSchema,
  endOfCivilDay,
  formatParis,
  parisInstant,
  type CivilDate,
} from '../calendar.js';
import { dueDate, type Delay } from '../path/deadlines.js';

export const renewalTermsSchema = z
  .object({
    start: civilDateSchema,
    /** Length of the first term, in calendar months. */
    months: z.number().int().positive(),
    /** Length of each renewal, in calendar months. */
    renewalMonths: z.number().int().positive(),
    /** The window, in calendar months before the end of each period, when a denunciation is received. */
    denunciationWindowMonths: z.number().int().positive(),
  })
  .strict()
  .refine(
    (t) => t.denunciationWindowMonths <= Math.min(t.months, t.renewalMonths),
    'la fenêtre de dénonciation doit tenir dans une période',
  );
export type RenewalTerms = z.infer<typeof renewalTermsSchema>;

export interface Period {
  /** 0 for the first term, then 1, 2… for each renewal. */
  index: number;
  start: CivilDate;
  /** Last civil day of the period, included. */
  end: CivilDate;
  endsAt: Date;
  denunciationWindow: { opens: CivilDate; closes: CivilDate; opensAt: Date; closesAt: Date };
}

/** Always counted from the original start, so month-end clamping never drifts from one period to the next. */
function startOf(terms: RenewalTerms, index: number): CivilDate {
  if (index === 0) return terms.start;
  return addCalendarMonths(terms.start, terms.months + (index - 1) * terms.renewalMonths);
}

export function period(terms: RenewalTerms, index: number): Period {
  const next = startOf(terms, index + 1);
  const end = addCalendarDays(next, -1);
  const opens = addCalendarMonths(next, -terms.denunciationWindowMonths);
  return {
    index,
    start: startOf(terms, index),
    end,
    endsAt: endOfCivilDay(end),
    denunciationWindow: { opens, closes: end, opensAt: parisInstant(opens), closesAt: endOfCivilDay(end) },
  };
}

export function periods(terms: RenewalTerms, count: number): Period[] {
  return Array.from({ length: count }, (_, i) => period(terms, i));
}

/** The period an instant falls in; null before the start. */
export function periodAt(terms: RenewalTerms, at: Date): Period | null {
  if (civilDateOf(at) < terms.start) return null;
  // Every period is at least one month long: the loop is bounded by the months elapsed.
  let index = 0;
  while (period(terms, index).endsAt.getTime() < at.getTime()) index += 1;
  return period(terms, index);
}

export type DenunciationCheck =
  { valid: true; period: Period; endsAt: Date } | { valid: false; period: Period | null; error: string };

/** Whether a written denunciation received at `at` ends the convention, and when. */
export function checkDenunciation(terms: RenewalTerms, at: Date): DenunciationCheck {
  const current = periodAt(terms, at);
  if (!current)
    return {
      valid: false,
      period: null,
      error: `dénonciation refusée : la convention ne commence que le ${formatParis(parisInstant(terms.start))}`,
    };
  const w = current.denunciationWindow;
  if (at.getTime() < w.opensAt.getTime())
    return {
      valid: false,
      period: current,
      error:
        `dénonciation refusée : reçue le ${formatParis(at)}, hors de la fenêtre du ${formatParis(w.opensAt)} ` +
        `au ${formatParis(w.closesAt)} (le mois précédant la fin de la convention) ; ` +
        `sans dénonciation dans cette fenêtre, la convention est reconduite`,
    };
  return { valid: true, period: current, endsAt: current.endsAt };
}

/** The end of the convention after these denunciations: the first valid one decides; null while it keeps renewing. */
export function conventionEnd(terms: RenewalTerms, denunciations: readonly Date[]): Date | null {
  const ends = denunciations
    .map((at) => checkDenunciation(terms, at))
    .flatMap((c) => (c.valid ? [c.endsAt.getTime()] : []));
  return ends.length ? new Date(Math.min(...ends)) : null;
}

/**
 * The civil date a termination takes effect: `delay` after the letter's
 * receipt (on request, 6 months) or after a formal notice left without effect
 * (for breach, 60 days).
 */
export function terminationEffectiveOn(receivedAt: Date, delay: Delay): CivilDate {
  return dueDate(receivedAt, delay);
}
