// A test-only workflow: runs the pure domain calendar inside the workflow sandbox,
// where time-zone code can behave differently from plain Node.
import { civilDateOf, endOfCivilDay, formatParis, parisInstant } from '../../../domain/calendar.js';
import { deadlineAfter } from '../../../domain/path/deadlines.js';
import { escalationInstant } from '../../../domain/path/follow-up.js';

export async function calendarProbe(): Promise<Record<string, string>> {
  const hours = { opens: '09:00', closes: '17:30' };
  return {
    civilDateAfterMidnightWinter: civilDateOf(new Date('2026-01-05T23:30:00Z')),
    civilDateAfterMidnightSummer: civilDateOf(new Date('2026-07-05T22:30:00Z')),
    formatSummer: formatParis(new Date('2026-07-05T15:00:00Z'), true),
    paris0900Summer: parisInstant('2026-03-30', '09:00').toISOString(),
    endOfDayWinter: endOfCivilDay('2026-01-20').toISOString(),
    deadlineFromPastMidnight: deadlineAfter(new Date('2026-01-05T23:30:00Z'), { days: 15 }).toISOString(),
    escalationAfterSaturday: escalationInstant(endOfCivilDay('2026-04-04'), hours).toISOString(),
  };
}
