/**
 * Deadline arithmetic. A rule says "within N days/weeks/months of an event";
 * the deadline is the end of that civil day in Paris (the legal way of counting
 * a délai: it expires at the end of its last day).
 */
import { z } from './validation.js';
import {
  addCalendarDays,
  addCalendarMonths,
  civilDateOf,
  endOfCivilDay,
  parisInstant,
  type CivilDate,
} from './calendar.js';

export const delaySchema = z.union([
  z.object({ days: z.number().int().nonnegative() }).strict(),
  z.object({ weeks: z.number().int().nonnegative() }).strict(),
  z.object({ months: z.number().int().nonnegative() }).strict(),
]);
export type Delay = z.infer<typeof delaySchema>;

/** The civil date a delay lands on, counted from the civil date of `anchor` in Paris. */
export function dueDate(anchor: Date, delay: Delay): CivilDate {
  const start = civilDateOf(anchor);
  if ('days' in delay) return addCalendarDays(start, delay.days);
  if ('weeks' in delay) return addCalendarDays(start, delay.weeks * 7);
  return addCalendarMonths(start, delay.months);
}

/** The instant a delay expires: end of its last civil day, Paris time. */
export function deadlineAfter(anchor: Date, delay: Delay): Date {
  return endOfCivilDay(dueDate(anchor, delay));
}

/** A reminder `daysBefore` the deadline's civil day, at a Paris wall-clock time. */
export function reminderBefore(deadline: Date, daysBefore: number, time: string): Date {
  return parisInstant(addCalendarDays(civilDateOf(deadline), -daysBefore), time);
}

/** An escalation `daysAfter` the deadline's civil day, at a Paris wall-clock time. */
export function escalationAfter(deadline: Date, daysAfter: number, time: string): Date {
  return parisInstant(addCalendarDays(civilDateOf(deadline), daysAfter), time);
}

export function describeDelay(delay: Delay): string {
  if ('days' in delay) return `${delay.days} jours`;
  if ('weeks' in delay) return `${delay.weeks} semaines`;
  return `${delay.months} mois`;
}
