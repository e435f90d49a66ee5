/**
 * French public holidays (jours fériés, Code du travail L3133-1) and the
 * business-hours rule that decides when a message may go out.
 *
 * The eleven holidays are computed here (eight fixed dates and three that follow
 * Easter) rather than loaded from a holiday library: this module runs inside every
 * workflow's sandbox, where such a library and its astronomy code cost ~3 MiB of
 * bundle per cached workflow (docs/architecture.md, « Un workflow léger »).
 * test/domain/holidays.test.ts checks every year from 1982 (8 May restored) to 2100
 * against the maintained `date-holidays` data set.
 */
import { addCalendarDays, civilDateOf, isoWeekday, parisInstant, type CivilDate } from './calendar.js';

const FIXED = ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25'];
/** Easter Monday, Ascension Thursday and Whit Monday, in days after Easter Sunday. */
const AFTER_EASTER = [1, 39, 50];

/** Easter Sunday of the Gregorian calendar (the anonymous Meeus/Jones/Butcher computus). */
export function easterSunday(year: number): CivilDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const byYear = new Map<number, Set<CivilDate>>();

/** The public holidays of a year (metropolitan France). */
export function publicHolidays(year: number): Set<CivilDate> {
  let set = byYear.get(year);
  if (!set) {
    const easter = easterSunday(year);
    const y = String(year).padStart(4, '0');
    set = new Set([
      ...FIXED.map((md) => `${y}-${md}`),
      ...AFTER_EASTER.map((days) => addCalendarDays(easter, days)),
    ]);
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
