/**
 * The civil calendar of a French Département: every date a rule speaks of is a
 * civil date in Europe/Paris; every instant is stored in UTC.
 *
 * Pure functions only: this module runs inside the workflow sandbox too. There,
 * date-fns helpers and even TZDate's field getters fall back to UTC, so Paris
 * fields are read by shifting the instant by `tzOffset` and reading UTC getters;
 * only TZDate's constructor (wall time → instant) is used, which is correct there.
 * Civil-date arithmetic is done on UTC calendar fields, which have no zone at all.
 */
import { TZDate, tzOffset } from '@date-fns/tz';
import { z } from './validation.js';

export const PARIS = 'Europe/Paris';

/** A civil date, `YYYY-MM-DD`, in Europe/Paris. */
export type CivilDate = string;

export const civilDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date attendue au format AAAA-MM-JJ')
  .refine((s) => {
    // Zod runs this check even when the format check failed: a malformed date is refused, not thrown.
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return true;
    const [y, m, d] = parts(s);
    return fromFields(y, m, d) === s;
  }, 'date inexistante');

/** An ISO-8601 instant with an explicit offset or Z (`2026-01-05T09:00:00+01:00`). */
export const instantSchema = z.iso
  .datetime({
    offset: true,
    message: 'instant ISO-8601 attendu, avec fuseau (ex. 2026-01-05T09:00:00+01:00)',
  })
  .transform((s) => new Date(s));

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function parts(date: CivilDate): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`date civile invalide : ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Normalises overflowing fields (day 32, month 13…) through UTC, which has no DST. */
function fromFields(year: number, month: number, day: number): CivilDate {
  const d = new Date(Date.UTC(year, month - 1, day));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

const HOUR = 3_600_000;
const offsets = new Map<number, number>();
/**
 * Paris's offset from UTC (minutes) at an instant. It changes only on a whole UTC hour
 * (01:00 UTC, the EU rule), so it is asked of the time-zone data once per hour and kept:
 * asking it is the costliest step of a path's timers (issue 18).
 */
function parisOffset(t: number): number {
  const hour = Math.floor(t / HOUR);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    offset = tzOffset(PARIS, new Date(hour * HOUR));
    if (offsets.size >= 50_000) offsets.clear();
    offsets.set(hour, offset);
  }
  return offset;
}

/** The Paris wall-clock fields of an instant, as the UTC fields of a shifted Date. */
function parisFields(instant: Date): Date {
  return new Date(instant.getTime() + parisOffset(instant.getTime()) * 60_000);
}

/** The civil date in Paris at which `instant` falls. */
export function civilDateOf(instant: Date): CivilDate {
  const t = parisFields(instant);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** The instant of a wall-clock time (`HH:mm`) on a civil date, in Paris (DST aware). */
export function parisInstant(date: CivilDate, time = '00:00'): Date {
  const [y, mo, d] = parts(date);
  const [h = 0, mi = 0] = time.split(':').map(Number);
  // Between 01:00 and 03:59 on a change of time a wall time is missing or twice: TZDate decides.
  if (h >= 1 && h <= 3) return new Date(new TZDate(y, mo - 1, d, h, mi, 0, 0, PARIS).getTime());
  // Elsewhere the offset a few hours before the wall time is the one at it (changes are at 01:00 UTC):
  // no Date built without a value, so this also runs where there is no workflow clock yet.
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  return new Date(wall - parisOffset(wall - 3 * HOUR) * 60_000);
}

/** Last instant (23:59:59.999 Paris) of a civil date: a deadline "by that day" ends there. */
export function endOfCivilDay(date: CivilDate): Date {
  return new Date(parisInstant(addCalendarDays(date, 1)).getTime() - 1);
}

export function addCalendarDays(date: CivilDate, days: number): CivilDate {
  const [y, m, d] = parts(date);
  return fromFields(y, m, d + days);
}

/** Calendar months: 15 Jan + 1 = 15 Feb; 31 Jan + 1 = last day of Feb. */
export function addCalendarMonths(date: CivilDate, months: number): CivilDate {
  const [y, m, d] = parts(date);
  const first = parts(fromFields(y, m + months, 1));
  return fromFields(first[0], first[1], Math.min(d, daysInMonth(first[0], first[1])));
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: CivilDate): number {
  const [y, m, d] = parts(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
}

/** `dd/MM/yyyy` or `dd/MM/yyyy à HH:mm`, as French people read them, in Paris time. */
export function formatParis(instant: Date, withTime = false): string {
  const t = parisFields(instant);
  const day = `${pad(t.getUTCDate())}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCFullYear(), 4)}`;
  return withTime ? `${day} à ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}` : day;
}
