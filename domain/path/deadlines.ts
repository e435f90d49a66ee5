/**
 * Deadline arithmetic. A rule says "within N days/weeks/months of an event";
 * the deadline is the end of that civil day in Paris (the legal way of counting
 * a délai: it expires at the end of its last day).
 */
import { z } from '../validation.js';
import {
  addCalendarDays,
  addCalendarMonths,
  civilDateOf,
  endOfCivilDay,
  type CivilDate,
} from '../calendar.js';

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
