/** RGPD retention (docs/deploy.md, « RGPD et conservation »): when a closed path is past keeping. */
import { addCalendarMonths, civilDateOf, parisInstant } from './calendar.js';

/** Paths closed before this instant are purged: 00:00 Paris, `months` calendar months before `at`'s day. */
export function retentionCutoff(at: Date, months: number): Date {
  return parisInstant(addCalendarMonths(civilDateOf(at), -months));
}
