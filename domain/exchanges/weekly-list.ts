/**
 * The weekly list of new RSA beneficiaries the Département sends France Travail
 * (feuille de route « Entrée en parcours » 2024: « Le CD62 transmettra de manière
 * hebdo la liste des nouveaux ARSA à FT », with « la mention du parcours et de
 * l'opérateur de référence »). Format documented in docs/exchanges.md; pure code:
 * the workflow computes its week here, the activity writes its file here.
 */
import { addCalendarDays, civilDateOf, isoWeekday, parisInstant, type CivilDate } from '../calendar.js';
import { pseudonymousIdSchema } from '../ids.js';
import type { Track } from '../path/path-track.js';
import { z } from '../validation.js';

/** An ISO-8601 week, `2026-W23` (weeks start on Monday; week 1 holds the 4th of January). */
export const isoWeekSchema = z
  .string()
  .regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/, 'semaine ISO attendue (ex. 2026-W23)')
  .refine((w) => !/^\d{4}-W\d{2}$/.test(w) || isoWeekOf(weekBounds(w).monday) === w, 'semaine inexistante');

/** The ISO week a civil date falls in. */
export function isoWeekOf(date: CivilDate): string {
  // The week belongs to the year of its Thursday.
  const thursday = addCalendarDays(date, 4 - isoWeekday(date));
  const year = Number(thursday.slice(0, 4));
  const firstThursday = addCalendarDays(`${year}-01-04`, 4 - isoWeekday(`${year}-01-04`));
  const days = (Date.parse(thursday) - Date.parse(firstThursday)) / 86_400_000;
  return `${year}-W${String(days / 7 + 1).padStart(2, '0')}`;
}

/** Monday and Sunday of a week, and the instants (Paris) it spans: `[start, end)`. */
export function weekBounds(week: string): { monday: CivilDate; sunday: CivilDate; start: Date; end: Date } {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) throw new RangeError(`semaine ISO invalide : ${week}`);
  const jan4 = `${m[1]}-01-04`;
  const monday = addCalendarDays(jan4, 1 - isoWeekday(jan4) + (Number(m[2]) - 1) * 7);
  const sunday = addCalendarDays(monday, 6);
  return { monday, sunday, start: parisInstant(monday), end: parisInstant(addCalendarDays(monday, 7)) };
}

/** The last complete week before `instant` (the week a Monday run sends). */
export function previousIsoWeek(instant: Date): string {
  return isoWeekOf(addCalendarDays(civilDateOf(instant), -7));
}

/** The `count` weeks before `week`, oldest first. */
export function weeksBefore(week: string, count: number): string[] {
  const { monday } = weekBounds(week);
  return Array.from({ length: count }, (_, i) => isoWeekOf(addCalendarDays(monday, -7 * (count - i))));
}

/** Why a person appears in the week's list. */
export const listReasons = ['ouverture', 'orientation', 'reorientation'] as const;
export type ListReason = (typeof listReasons)[number];

export const trackCodes: Record<Track, string> = {
  employment: 'emploi',
  'socio-professional': 'socio-professionnel',
  social: 'social',
};

/** The columns, in this order, header included (docs/exchanges.md). */
export const weeklyListColumns = [
  'semaine',
  'id_pseudonyme',
  'motif',
  'date_evenement',
  'date_ouverture_droit',
  'territoire',
  'parcours',
  'organisme_referent',
  'referent',
] as const;

export interface WeeklyListRow {
  week: string;
  beneficiaryId: string;
  reason: ListReason;
  eventDate: CivilDate;
  rightsOpenedOn: CivilDate;
  territory: string;
  track: Track | null;
  organisation: string | null;
  referent: string | null;
}

const cell = (v: string | null): string => {
  const s = v ?? '';
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The file: UTF-8 without BOM, `;`, CRLF line ends, a header line, one line per row. */
export function weeklyListCsv(rows: readonly WeeklyListRow[]): string {
  const lines = [
    weeklyListColumns.join(';'),
    ...rows.map((r) =>
      [
        r.week,
        r.beneficiaryId,
        r.reason,
        r.eventDate,
        r.rightsOpenedOn,
        r.territory,
        r.track ? trackCodes[r.track] : null,
        r.organisation,
        r.referent,
      ]
        .map(cell)
        .join(';'),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

export const weeklyListFileName = (week: string): string => `jalons-liste-hebdo-ft-${week}.csv`;

/** One line of the file as France Travail reads it (the simulator checks deposits with it). */
export const weeklyListLineSchema = z
  .object({
    semaine: isoWeekSchema,
    id_pseudonyme: pseudonymousIdSchema,
    motif: z.enum(listReasons, { error: `motif attendu : ${listReasons.join(', ')}` }),
    date_evenement: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date AAAA-MM-JJ attendue'),
    date_ouverture_droit: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date AAAA-MM-JJ attendue'),
    territoire: z.string().min(1, 'territoire requis'),
    parcours: z.enum(['', ...Object.values(trackCodes)] as [string, ...string[]], {
      error: 'parcours attendu : emploi, socio-professionnel, social ou vide',
    }),
    organisme_referent: z.string(),
    referent: z.union([z.literal(''), pseudonymousIdSchema]),
  })
  .strict()
  .superRefine((l, ctx) => {
    if (l.motif !== 'ouverture' && (!l.parcours || !l.organisme_referent))
      ctx.addIssue({
        code: 'custom',
        path: ['parcours'],
        message: 'parcours et organisme référent requis pour une orientation',
      });
  });
