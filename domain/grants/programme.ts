/**
 * A grant programme as data (docs/rules.md §3): its funder, its source act, its
 * figures in cents and its milestones, each with a deadline, the pieces to send,
 * who is responsible, when to remind and what a miss costs. The grant-cycle
 * workflow interprets a definition; changing a date is a data change.
 */
import { tzOffset } from '@date-fns/tz';
import { z } from '../validation.js';
import {
  civilDateOf,
  civilDateSchema,
  endOfCivilDay,
  parisInstant,
  PARIS,
  type CivilDate,
} from '../calendar.js';
import { deadlineAfter, delaySchema } from '../path/deadlines.js';
import { roleSchema } from '../policy.js';
import { advance, formatEuros } from './money.js';
import { renewalTermsSchema } from './renewal.js';

/** Public contract (docs/architecture.md): each programme uses those that apply. */
export const milestoneIds = [
  'application',
  'committee-opinions',
  'vote',
  'transmission',
  'prefecture-transmission',
  'funder-decision',
  'notification',
  'convention-signature',
  'funds-call',
  'advance-payment',
  'interim-report',
  'balance-payment',
  'mid-term-report',
  'financial-report',
  'final-report',
  'repayment',
  'renewal',
  'denunciation',
] as const;
export const milestoneIdSchema = z.enum(milestoneIds);
export type MilestoneId = z.infer<typeof milestoneIdSchema>;

const slug = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'identifiant attendu en minuscules, chiffres et tirets');
const cents = z.number().int().nonnegative();
const rate = z.number().gt(0).lte(1);

// ─── Deadlines ───────────────────────────────────────────────────────────────

const wallClock = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, 'heure de Paris attendue au format AAAA-MM-JJTHH:mm');

const splitWallClock = (at: string): [CivilDate, string] => [at.slice(0, 10), at.slice(11, 16)];

/**
 * A wall-clock time that the spring DST change skips (02:30 on its Sunday) names
 * no instant: mapped to UTC and back, it comes out different. The way back uses
 * `tzOffset` and UTC fields, not TZDate's getters, which read UTC fields inside
 * the workflow sandbox (a definition must load there too).
 */
function existsInParis(at: string): boolean {
  const [date, time] = splitWallClock(at);
  if (!civilDateSchema.safeParse(date).success) return false;
  const instant = parisInstant(date, time);
  const wall = new Date(instant.getTime() + tzOffset(PARIS, instant) * 60_000);
  return wall.toISOString().slice(0, 16) === at;
}

/** `{ at: '2025-12-15T17:00', tz: 'Europe/Paris' }`: an instant, held as a UTC Date. */
const instantForm = z
  .object({
    at: wallClock,
    // A refinement, not a literal: zod then reports this message rather than "no form matches".
    tz: z.string().refine((tz) => tz === PARIS, 'seul le fuseau « Europe/Paris » est pris en charge'),
  })
  .strict()
  .refine((d) => existsInParis(d.at), { error: 'date ou heure inexistante à Paris', path: ['at'] });

/** `{ by: '2025-11-21' }`: until the end of that civil day in Paris. */
const endOfDayForm = z.object({ by: civilDateSchema }).strict();

/** `{ after: 'notification', delay: { days: 15 } }`: counted from that milestone's completion. */
const relativeForm = z.object({ after: milestoneIdSchema, delay: delaySchema }).strict();

const monthDay = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'jour attendu au format MM-JJ')
  .refine(
    (s) => s !== '02-29' && civilDateSchema.safeParse(`2001-${s}`).success,
    'jour inexistant certaines années',
  );

/**
 * `{ on: '06-30', yearOffset: 1, reference: { date: '2025-01-01' } }`: 30 June
 * of year N+1, N being the year of the reference date or of a milestone's completion.
 */
const yearlyForm = z
  .object({
    on: monthDay,
    yearOffset: z.number().int().nonnegative(),
    reference: z.union([
      z.object({ date: civilDateSchema }).strict(),
      z.object({ milestone: milestoneIdSchema }).strict(),
    ]),
  })
  .strict();

type DeadlineForm = z.infer<
  typeof instantForm | typeof endOfDayForm | typeof relativeForm | typeof yearlyForm
>;

/** Tagged once the form is known; kept out of the union so that zod reports the matching form's own error. */
function tag(d: DeadlineForm) {
  if ('at' in d) return { kind: 'instant' as const, at: parisInstant(...splitWallClock(d.at)) };
  if ('by' in d) return { kind: 'end-of-day' as const, date: d.by };
  if ('after' in d) return { kind: 'after' as const, milestone: d.after, delay: d.delay };
  return { kind: 'yearly' as const, ...d };
}

export const deadlineSchema = z
  .union([instantForm, endOfDayForm, relativeForm, yearlyForm], {
    error:
      'échéance attendue : { at, tz }, { by }, { after, delay } ou { on, yearOffset, reference }, ou null sans échéance',
  })
  .transform(tag);
export type Deadline = z.infer<typeof deadlineSchema>;

// ─── Milestones ──────────────────────────────────────────────────────────────

/** What a missed deadline costs; the workflow acts on it. */
export const consequenceSchema = z.enum([
  /** The application is dead (CNSA: transmission after 15/12/2025 17:00). */
  'not-admissible',
  /** The head of service is told; nothing is lost by itself. */
  'escalation',
  /** Sums received become repayable. */
  'repayment',
  /** Not denouncing in time renews the convention. */
  'renewal',
  /** An amount tied to the milestone can no longer be obtained (CNSA complementary envelope). */
  'funding-lost',
]);

/** When a milestone applies at all. */
export const conditionSchema = z.enum([
  'always',
  /** The Département may do it or not (a denunciation). */
  'optional',
  /** Only when the balance is below the advance (ordre de reversement). */
  'balance-below-advance',
  /** Only while the convention has not been denounced. */
  'not-denounced',
]);

const pieceSchema = z
  .object({ id: slug, title: z.string().min(1), signed: z.boolean().default(false) })
  .strict();

export const deadlineReadings = ['strictly-before', 'up-to-and-including'] as const;
export const deadlineReadingSchema = z.enum(deadlineReadings);
export type DeadlineReading = z.infer<typeof deadlineReadingSchema>;

export const DEFAULT_REMINDERS = [30, 7, 2, 0] as const;

export const milestoneSchema = z
  .object({
    id: milestoneIdSchema,
    title: z.string().min(1),
    deadline: deadlineSchema.nullable().default(null),
    pieces: z.array(pieceSchema).default(() => []),
    responsible: roleSchema,
    /** Days before the deadline's civil day; 0 is the morning of the day itself. */
    remindDaysBefore: z
      .array(z.number().int().nonnegative())
      .refine((days) => new Set(days).size === days.length, 'rappels en double')
      .default(() => [...DEFAULT_REMINDERS]),
    escalate: roleSchema.default('head-of-service'),
    onMiss: consequenceSchema.default('escalation'),
    condition: conditionSchema.default('always'),
    /** A fixed share of the commitment paid at this milestone (60 % advance, 100 % single payment). */
    pays: z.object({ rate }).strict().optional(),
    /** The period a report covers. */
    covers: z.object({ from: civilDateSchema, to: civilDateSchema }).strict().optional(),
    /** The words of the act this milestone comes from. */
    quote: z.string().optional(),
    /**
     * How the deadline's words are read (docs/grants.md, « Lire une échéance »):
     * 'strictly-before' for "avant le … à 17h" (17:00:00 is late; with a civil
     * day, the day itself is late), 'up-to-and-including' for "au plus tard le",
     * "by", "dans les deux mois" (the last day, or the instant, is on time).
     */
    reading: deadlineReadingSchema.default('up-to-and-including'),
    /** Why an ambiguous wording is read this way: a documented programme parameter. */
    readingNote: z.string().optional(),
  })
  .strict();
export type Milestone = z.infer<typeof milestoneSchema>;

// ─── Programme ───────────────────────────────────────────────────────────────

const voteSchema = z
  .object({
    body: z.enum(['commission-permanente', 'conseil-departemental']),
    date: civilDateSchema,
    for: z.number().int().nonnegative(),
    against: z.number().int().nonnegative(),
    abstention: z.number().int().nonnegative(),
  })
  .strict();

const sourceSchema = z
  .object({
    seed: z
      .string()
      .regex(/^\d{3}_[0-9a-f]{16}\.txt$/, 'fichier de seeds/ attendu (ex. 000_a4f6f3841279ea35.txt)'),
    act: z.string().min(1),
    vote: voteSchema.optional(),
    prefecture: z
      .object({ transmittedOn: civilDateSchema, publishedOn: civilDateSchema })
      .strict()
      .optional(),
  })
  .strict();

const figuresSchema = z
  .object({
    /** What the funder commits for the period. */
    commitment: cents.optional(),
    /** Volets, axes: they add up to the commitment. */
    breakdown: z.record(slug, cents).optional(),
    /** The advance as the act writes it; checked against rate × commitment. */
    advance: z.object({ rate, amount: cents }).strict().optional(),
    /** Caps on the funder's decision (CNSA). */
    caps: z.object({ base: cents, complementary: cents }).strict().optional(),
    budget: z.object({ expenses: cents, ownResources: cents, funder: cents }).strict().optional(),
    /** The Département's minimum share of the financing. */
    departementShareMin: rate.optional(),
    budgetLine: z.string().optional(),
    /** Quantified commitments (≥ 500 job seekers accompanied). */
    targets: z.record(slug, z.number().int().nonnegative()).optional(),
  })
  .strict();

export const recurringDutySchema = z
  .object({
    id: slug,
    title: z.string().min(1),
    cadence: z.enum(['monthly', 'quarterly', 'semiannual', 'yearly', 'several-a-year']),
    /** "At least" that often (a minimum, meetings may be more frequent). */
    atLeast: z.boolean().default(false),
  })
  .strict();

const programmeShape = z
  .object({
    id: slug,
    funder: z.enum(['cnsa', 'etat', 'france-travail']),
    title: z.string().min(1),
    /** Whether the Département receives the money or pays it (France Travail: it pays). */
    departement: z.enum(['recipient', 'payer']).default('recipient'),
    source: sourceSchema,
    call: z
      .object({
        launchedIn: z.string().regex(/^\d{4}-\d{2}$/),
        closed: z.boolean(),
        eligible: z.number().int(),
      })
      .strict()
      .optional(),
    period: z
      .object({ from: civilDateSchema, to: civilDateSchema, executionUntil: civilDateSchema.optional() })
      .strict()
      .optional(),
    figures: figuresSchema,
    /** Tacit renewal (France Travail). */
    renewal: renewalTermsSchema.optional(),
    termination: z
      .object({
        onRequest: delaySchema.optional(),
        forBreach: delaySchema.optional(),
        proRataRepayment: z.boolean(),
      })
      .strict()
      .optional(),
    indicators: z.array(z.string().min(1)).default(() => []),
    recurring: z.array(recurringDutySchema).default(() => []),
    milestones: z.array(milestoneSchema).min(1),
  })
  .strict();

type ProgrammeShape = z.infer<typeof programmeShape>;
type Issue = { message: string; path: (string | number)[] };

function milestoneIssues(p: ProgrammeShape): Issue[] {
  const ids = p.milestones.map((m) => m.id);
  const issues: Issue[] = ids
    .filter((id, i) => ids.indexOf(id) !== i)
    .map((id) => ({ message: `jalon « ${id} » défini deux fois`, path: ['milestones'] }));
  p.milestones.forEach((m, i) => {
    const d = m.deadline;
    const ref =
      d?.kind === 'after'
        ? d.milestone
        : d?.kind === 'yearly' && 'milestone' in d.reference
          ? d.reference.milestone
          : null;
    if (ref && (ref === m.id || !ids.includes(ref)))
      issues.push({
        message: `l’échéance de « ${m.id} » dépend de « ${ref} », qui n’est pas un autre jalon du programme`,
        path: ['milestones', i, 'deadline'],
      });
  });
  if (ids.includes('denunciation') && !p.renewal)
    issues.push({
      message: 'un jalon « denunciation » suppose des règles de reconduction',
      path: ['renewal'],
    });
  return issues;
}

/** `advance` refuses a rate with more than 6 decimals: that is a mismatch here, not a crash. */
function advanceMatches(commitment: number | undefined, a: { rate: number; amount: number }): boolean {
  try {
    return commitment !== undefined && advance(commitment, a.rate) === a.amount;
  } catch {
    return false;
  }
}

function figureIssues(f: ProgrammeShape['figures']): Issue[] {
  const issues: Issue[] = [];
  const sum = Object.values(f.breakdown ?? {}).reduce((a, b) => a + b, 0);
  if (f.breakdown && sum !== f.commitment)
    issues.push({
      message: `la ventilation (${formatEuros(sum)}) ne fait pas l’engagement (${formatEuros(f.commitment ?? 0)})`,
      path: ['figures', 'breakdown'],
    });
  if (f.advance && !advanceMatches(f.commitment, f.advance))
    issues.push({
      message: 'l’avance ne correspond pas au taux appliqué à l’engagement',
      path: ['figures', 'advance'],
    });
  if (f.budget && f.budget.expenses !== f.budget.ownResources + f.budget.funder)
    issues.push({
      message: 'budget non équilibré (dépenses ≠ ressources propres + financeur)',
      path: ['figures', 'budget'],
    });
  return issues;
}

export const programmeSchema = programmeShape.superRefine((p, ctx) => {
  for (const issue of [...milestoneIssues(p), ...figureIssues(p.figures)])
    ctx.addIssue({ code: 'custom', ...issue });
});

/** What a data file writes (before defaults and transforms). */
export type ProgrammeDefinition = z.input<typeof programmeSchema>;
export type Programme = z.infer<typeof programmeSchema>;

// ─── Resolution ──────────────────────────────────────────────────────────────

/** Completion instants of the milestones done so far. */
export type Completed = Partial<Record<MilestoneId, Date>>;

function yearlyDue(d: Extract<Deadline, { kind: 'yearly' }>, completed: Completed): Date | null {
  const ref = 'date' in d.reference ? parisInstant(d.reference.date) : completed[d.reference.milestone];
  if (!ref) return null;
  // The reference year is the Paris one: a milestone done on 31 Dec at 23:30 Paris belongs to that year.
  const year = Number(civilDateOf(ref).slice(0, 4)) + d.yearOffset;
  return endOfCivilDay(`${String(year).padStart(4, '0')}-${d.on}`);
}

/** The instant a milestone is due; null without a deadline or while it waits on a milestone not done. */
export function resolveDeadline(milestone: Milestone, completed: Completed): Date | null {
  const d = milestone.deadline;
  if (!d) return null;
  switch (d.kind) {
    case 'instant':
      return new Date(d.at.getTime());
    case 'end-of-day':
      // "avant le 21 novembre": the boundary is the start of that day, itself late.
      return milestone.reading === 'strictly-before' ? parisInstant(d.date) : endOfCivilDay(d.date);
    case 'after': {
      const done = completed[d.milestone];
      return done ? deadlineAfter(done, d.delay) : null;
    }
    case 'yearly':
      return yearlyDue(d, completed);
  }
}

/** The first late instant of a deadline: the boundary itself when read 'strictly-before', the next millisecond otherwise. */
export const lateFrom = (dueAt: Date, reading: DeadlineReading): Date =>
  new Date(dueAt.getTime() + (reading === 'strictly-before' ? 0 : 1));

/** Whether an act done at `doneAt` meets the deadline `dueAt` read as its words say. */
export const isOnTime = (
  doneAt: Date,
  dueAt: Date,
  reading: DeadlineReading = 'up-to-and-including',
): boolean => doneAt.getTime() < lateFrom(dueAt, reading).getTime();

export function getMilestone(programme: Programme, id: MilestoneId): Milestone {
  const milestone = programme.milestones.find((m) => m.id === id);
  if (!milestone) throw new RangeError(`le programme « ${programme.id} » n’a pas de jalon « ${id} »`);
  return milestone;
}

/** Every milestone's due instant given what is done (null: none, or not yet known). */
export function programmeDeadlines(
  programme: Programme,
  completed: Completed,
): { id: MilestoneId; dueAt: Date | null }[] {
  return programme.milestones.map((m) => ({ id: m.id, dueAt: resolveDeadline(m, completed) }));
}
