/**
 * French public holidays (jours fériés), from the well-kept `date-holidays`
 * data set, and the business-hours rule that decides when a message may go out.
 */
import Holidays from 'date-holidays';
import { addCalendarDays, civilDateOf, isoWeekday, parisInstant, type CivilDate } from './calendar.js';

const france = new Holidays('FR');
const byYear = new Map<number, Set<CivilDate>>();

function publicHolidays(year: number): Set<CivilDate> {
  let set = byYear.get(year);
  if (!set) {
    set = new Set(
      france
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    byYear.set(year, set);
  }
  return set;
}

export function isPublicHoliday(date: CivilDate): boolean {
  return publicHolidays(Number(date.slice(0, 4))).has(date);
}

/** Monday to Friday and not a public holiday. */
export function isBusinessDay(date: CivilDate): boolean {
  return isoWeekday(date) <= 5 && !isPublicHoliday(date);
}

export interface BusinessHours {
  opens: string; // HH:mm, Paris
  closes: string; // HH:mm, Paris
}

/** `instant` itself if it falls in business hours, else the next opening. */
export function nextBusinessOpening(instant: Date, hours: BusinessHours): Date {
  let day = civilDateOf(instant);
  for (let i = 0; i < 30; i++, day = addCalendarDays(day, 1)) {
    if (!isBusinessDay(day)) continue;
    const opens = parisInstant(day, hours.opens);
    const closes = parisInstant(day, hours.closes);
    if (instant < opens) return opens;
    if (instant < closes) return instant;
  }
  throw new RangeError('aucun jour ouvré dans les 30 jours');
}
