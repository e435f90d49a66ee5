import { describe, expect, it } from 'vitest';
import { TZDate } from '@date-fns/tz';
import {
  addCalendarDays,
  addCalendarMonths,
  civilDateOf,
  endOfCivilDay,
  parisInstant,
} from '../../domain/calendar.js';
import { deadlineAfter, dueDate } from '../../domain/path/deadlines.js';
import { escalationInstant, reminderInstant } from '../../domain/path/follow-up.js';
import { isBusinessDay, isPublicHoliday, nextBusinessOpening } from '../../domain/holidays.js';

const hours = { opens: '09:00', closes: '17:30' };

describe('calendar months (docs/rules.md (« Comment Jalons compte le temps »): 15 Jan + 1 month = 15 Feb; 31 Jan + 1 month = last day of Feb)', () => {
  it.each([
    ['2026-01-15', 1, '2026-02-15'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-12-31', 1, '2027-01-31'],
    ['2026-08-31', 6, '2027-02-28'],
  ])('%s + %i month(s) = %s', (from, months, expected) => {
    expect(addCalendarMonths(from, months)).toBe(expected);
  });
});

describe('civil dates are Paris dates', () => {
  it('an instant late in the UTC evening belongs to the next Paris day', () => {
    expect(civilDateOf(new Date('2026-01-05T23:30:00Z'))).toBe('2026-01-06');
    expect(civilDateOf(new Date('2026-07-05T22:30:00Z'))).toBe('2026-07-06');
    expect(civilDateOf(new Date('2026-07-05T21:30:00Z'))).toBe('2026-07-05');
  });
  it('a Paris wall-clock time maps to UTC with the offset of its season', () => {
    expect(parisInstant('2026-03-28', '09:00').toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(parisInstant('2026-03-30', '09:00').toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(parisInstant('2026-10-26', '09:00').toISOString()).toBe('2026-10-26T08:00:00.000Z');
  });
  it('a day ends at 23:59:59.999 Paris time', () => {
    expect(endOfCivilDay('2026-01-20').toISOString()).toBe('2026-01-20T22:59:59.999Z');
    expect(endOfCivilDay('2026-04-04').toISOString()).toBe('2026-04-04T21:59:59.999Z');
  });
});

describe('orientation deadlines (local target 15 days, legal limit 6 weeks)', () => {
  const opened = new Date('2026-01-05T09:00:00+01:00');
  it('15 days after 5 January is 20 January, to the end of that day', () => {
    expect(dueDate(opened, { days: 15 })).toBe('2026-01-20');
    expect(deadlineAfter(opened, { days: 15 }).toISOString()).toBe('2026-01-20T22:59:59.999Z');
  });
  it('6 weeks after 5 January is 16 February', () => {
    expect(deadlineAfter(opened, { weeks: 6 }).toISOString()).toBe('2026-02-16T22:59:59.999Z');
  });
  it('counts from the Paris day of the event, not the UTC one', () => {
    expect(dueDate(new Date('2026-01-05T23:30:00Z'), { days: 15 })).toBe('2026-01-21');
  });
  it('across the spring DST change the deadline still ends at Paris midnight', () => {
    expect(deadlineAfter(new Date('2026-03-20T09:00:00+01:00'), { days: 15 }).toISOString()).toBe(
      '2026-04-04T21:59:59.999Z',
    );
  });
  it('one month after an orientation on 31 January is 28 February', () => {
    expect(dueDate(new Date('2026-01-31T10:00:00+01:00'), { months: 1 })).toBe('2026-02-28');
  });
});

describe('French public holidays and business days', () => {
  it.each([
    '2026-01-01',
    '2026-04-06',
    '2026-05-01',
    '2026-05-08',
    '2026-05-14',
    '2026-05-25',
    '2026-07-14',
    '2026-08-15',
    '2026-11-01',
    '2026-11-11',
    '2026-12-25',
  ])('%s is a public holiday', (d) => expect(isPublicHoliday(d)).toBe(true));
  it.each(['2026-04-07', '2026-12-24', '2026-12-26', '2026-06-02'])('%s is not a public holiday', (d) =>
    expect(isPublicHoliday(d)).toBe(false),
  );
  it('weekends are not business days', () => {
    expect(isBusinessDay('2026-04-04')).toBe(false);
    expect(isBusinessDay('2026-04-07')).toBe(true);
  });
  it('a message due on a holiday evening waits for the next opening', () => {
    // Thursday 7 May 2026 20:00 → Friday 8 May is a holiday → Monday 11 May 09:00 Paris.
    expect(nextBusinessOpening(new Date('2026-05-07T20:00:00+02:00'), hours).toISOString()).toBe(
      '2026-05-11T07:00:00.000Z',
    );
  });
});

describe('reminders before, escalations after', () => {
  it('a reminder falling on a Sunday moves to the Friday before', () => {
    // Deadline Wednesday 2026-01-14; J-3 = Sunday 11 → Friday 9 January 09:00 Paris.
    expect(reminderInstant(endOfCivilDay('2026-01-14'), 3, hours).toISOString()).toBe(
      '2026-01-09T08:00:00.000Z',
    );
  });
  it('an escalation after a Saturday deadline before Easter Monday comes on the Tuesday', () => {
    expect(escalationInstant(endOfCivilDay('2026-04-04'), hours).toISOString()).toBe(
      '2026-04-07T07:00:00.000Z',
    );
  });
});

describe('Paris offsets kept per hour (issue 18) agree with the time-zone database', () => {
  const tz = (day: string, h: number, mi: number) => {
    const [y, mo, d] = day.split('-').map(Number);
    return new TZDate(y!, mo! - 1, d!, h, mi, 0, 0, 'Europe/Paris').getTime();
  };
  const hhmm = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  it('every day of 2000–2100 at 00:00, 09:00, 17:30 and 23:45, and every quarter hour of the last week of March and October', () => {
    let compared = 0;
    for (let day = '2000-01-01'; day < '2101-01-01'; day = addCalendarDays(day, 1)) {
      const [, mo] = day.split('-').map(Number);
      const dstMonth = (mo === 3 || mo === 10) && day.slice(8) >= '25';
      const minutes = dstMonth ? Array.from({ length: 96 }, (_, i) => i * 15) : [0, 540, 1050, 1425];
      for (const m of minutes) {
        expect(parisInstant(day, hhmm(m)).getTime()).toBe(tz(day, Math.floor(m / 60), m % 60));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(148_000);
  });
  it('the civil date of every hour around the changes of 2026', () => {
    for (const start of ['2026-03-28T00:00:00Z', '2026-10-24T00:00:00Z'])
      for (let t = Date.parse(start); t < Date.parse(start) + 3 * 86_400_000; t += 900_000) {
        const paris = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(t));
        expect(civilDateOf(new Date(t))).toBe(paris);
      }
  });
});
