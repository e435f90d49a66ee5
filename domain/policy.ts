/**
 * A Département's own policy, layered on the national rules: local targets
 * tighter than the law, who is reminded when, business hours. One data file per
 * Département in ./policies/, validated here; a new Département is a new file.
 */
import { z } from './validation.js';
import { civilDateSchema } from './calendar.js';
import { delaySchema } from './path/deadlines.js';
import { trackSchema } from './path/path-track.js';
import { policyDefinitions } from './policies/index.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'heure attendue au format HH:mm');

/** Who a message is for; the directory (activities side) maps a role to addresses. */
export const roleSchema = z.enum([
  'orientation-platform',
  'referent',
  'head-of-service',
  'grants-team',
  'france-travail',
  // Jalons' administrators: told of every stopped path or grant cycle (docs/health.md).
  'administrators',
  // The mail room (or the Département's mail-merge service): receives the letters sent by e-mail,
  // adds the person's name and address, which Jalons does not hold (docs/courriers.md).
  'mail-room',
]);
export type Role = z.infer<typeof roleSchema>;

const deadlineFollowUpSchema = z
  .object({
    /** Days before the deadline's civil day a reminder goes out (at opening time, on a business day). */
    remindDaysBefore: z.array(z.number().int().positive()),
    remind: roleSchema,
    /** After a breach, at the next business opening. */
    escalate: roleSchema,
  })
  .strict();
export type DeadlineFollowUp = z.infer<typeof deadlineFollowUpSchema>;

export const policySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string(),
    effectiveFrom: civilDateSchema,
    source: z.string(),
    businessHours: z.object({ opens: hhmm, closes: hhmm }).strict(),
    orientation: z
      .object({
        /** Local target, tighter than the legal limit. */
        target: delaySchema,
        targetFollowUp: deadlineFollowUpSchema,
        legalFollowUp: deadlineFollowUpSchema,
      })
      .strict(),
    firstAppointment: z
      .object({
        /** Local target after the orientation; the diagnostic 360° is done there. */
        target: delaySchema,
        followUp: deadlineFollowUpSchema,
      })
      .strict(),
    contract: z.object({ followUp: deadlineFollowUpSchema }).strict(),
    intensive: z
      .object({
        duration: delaySchema,
        interviewsPerMonth: z.number().int().positive(),
        /** Minimum weekly hours in the contract of an intensive accompaniment, by track. */
        minWeeklyHours: z.record(trackSchema, z.number().nonnegative()),
        /** Warned when a calendar month is about to close short of interviews. */
        interviewsFollowUp: deadlineFollowUpSchema,
      })
      .strict(),
    socialReview: z.object({ followUp: deadlineFollowUpSchema }).strict(),
    /**
     * Reminder cadence per organisation (code of the organisme référent): the days before a deadline
     * the référent is reminded, in place of the deadline's own `remindDaysBefore` (docs/rules.md §2).
     */
    reminderCadence: z.record(z.string(), z.array(z.number().int().positive())).default({}),
    portfolio: z
      .object({ intensiveTarget: z.number().int().positive(), intensiveMax: z.number().int().positive() })
      .strict(),
    sanctions: z
      .object({
        /** [U] A new failure within this window of the first decision is a repetition (R5412-3-4 twin). */
        repetitionWindow: delaySchema,
        /** [U] Receipt of the notice, when not recorded: sending date + this delay. */
        receiptDelay: delaySchema,
        /** [U] Remobilisation: suspended sums paid back, capped to the last months if the sanction is longer. */
        remobilisation: z
          .object({ repay: z.boolean(), capMonths: z.number().int().positive().nullable() })
          .strict(),
        /** [U] L262-37 IV: days the PCD has to say he decides himself on a France Travail proposal. */
        franceTravailProposalDelay: delaySchema,
        /** Who is told that the observations period has closed and a decision may be taken. */
        decide: roleSchema,
        /** [U] France Travail's answer to a proposal of removal is followed up after this delay. */
        removalFollowUp: delaySchema.default({ months: 1 }),
      })
      .strict(),
  })
  .strict()
  .refine((p) => p.businessHours.opens < p.businessHours.closes, 'l’ouverture doit précéder la fermeture');
export type Policy = z.infer<typeof policySchema>;

const policies = new Map<string, Policy>(
  policyDefinitions.map((raw) => policySchema.parse(raw)).map((p) => [p.id, p]),
);

export const policyIds = (): string[] => [...policies.keys()];

export function getPolicy(id: string): Policy {
  const policy = policies.get(id);
  if (!policy)
    throw new RangeError(
      `politique départementale inconnue : « ${id} » (connues : ${policyIds().join(', ')})`,
    );
  return policy;
}
