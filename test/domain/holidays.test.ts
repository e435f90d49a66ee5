/**
 * The public holidays Jalons computes (domain/holidays.ts) against the maintained
 * `date-holidays` data set, year by year: the sandbox no longer loads the library,
 * so this test is what keeps the computed rule honest.
 */
import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { easterSunday, isPublicHoliday, publicHolidays } from '../../domain/holidays.js';

const france = new Holidays('FR');
/** As a set of dates: two holidays may fall on one day (Ascension on 8 May in 1986). */
const fromLibrary = (year: number) => [
  ...new Set(
    france
      .getHolidays(year)
      .filter((h) => h.type === 'public')
      .map((h) => h.date.slice(0, 10))
      .sort(),
  ),
];

describe('French public holidays', () => {
  it('are those of date-holidays for every year from 1982 to 2100', () => {
    for (let year = 1982; year <= 2100; year++)
      expect([...publicHolidays(year)].sort(), String(year)).toEqual(fromLibrary(year));
  });

  it('follow Easter, including its earliest and latest dates', () => {
    // The Gregorian Easter falls from 22 March (last in 1818, next in 2285) to 25 April (2038).
    expect(easterSunday(1818)).toBe('1818-03-22');
    expect(easterSunday(2038)).toBe('2038-04-25');
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(isPublicHoliday('2038-04-26')).toBe(true); // Easter Monday
    expect(isPublicHoliday('2038-06-03')).toBe(true); // Ascension, 39 days after
    expect(isPublicHoliday('2038-06-14')).toBe(true); // Whit Monday, 50 days after
    expect(isPublicHoliday('2038-04-25')).toBe(false); // Easter Sunday itself is not listed
    expect(isPublicHoliday('2026-05-24')).toBe(false); // nor Whit Sunday
  });
});
