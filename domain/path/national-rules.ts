/**
 * National rules (loi n° 2023-1196 « pour le plein emploi » and its décrets), as
 * dated versions: a workflow applies the version in force at the event's date.
 * Sources are in docs/rules.md §1. A change of the law is a new entry here.
 */
import { z } from '../validation.js';
import { civilDateSchema, civilDateOf, type CivilDate } from '../calendar.js';
import { delaySchema } from './deadlines.js';

/** Reasons the law accepts for a full exemption of weekly activity hours (CT L5411-6). */
export const exemptionReasonSchema = z.enum(['health', 'disability', 'invalidity', 'lone-parent-childcare'], {
  error:
    'motif d’exemption attendu : health (santé), disability (handicap), invalidity (invalidité) ou lone-parent-childcare (parent isolé sans solution de garde, enfant de moins de 12 ans)',
});
export type ExemptionReason = z.infer<typeof exemptionReasonSchema>;

const rateSchema = z.number().min(0).max(1);

/** The « suspension-remobilisation » scales (CASF R262-68 and following). */
const sanctionsSchema = z
  .object({
    /** Décret 2025-478: written observations within this delay from receipt of the notice. */
    observationsDelay: delaySchema,
    minRate: rateSchema,
    /** Household of more than one person or RSA majoré (R262-68-6). */
    cappedRate: rateSchema,
    firstFailureMonths: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }),
    repetitionMonths: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }),
    /** Suppression needs the avis of the équipe pluridisciplinaire (L262-37 III). */
    suppressionNeedsEpAvis: z.boolean(),
    /** Total suppression for this long → the PCD proposes removal from the job-seeker list. */
    removalProposalAfterMonths: z.number().int().positive(),
    /** RAPO to the PCD within this delay of a decision's notification (CASF R262-88). */
    recourseDelay: delaySchema,
    /** The PCD answers a RAPO within this delay; silence is an implicit rejection (CRPA L231-4). */
    appealAnswerDelay: delaySchema.default({ months: 2 }),
  })
  .strict();
export type SanctionScales = z.infer<typeof sanctionsSchema>;

export const nationalRulesSchema = z
  .object({
    version: z.string(),
    effectiveFrom: civilDateSchema,
    source: z.string(),
    orientation: z
      .object({
        /** CASF D262-65-2: the PCD orients within 6 weeks of the opening notice; then France Travail does. */
        legalLimit: delaySchema,
        defaultOrganisationAfterLimit: z.string(),
      })
      .strict(),
    contract: z
      .object({
        /** CT D5411-14-1: signed within 1 month of the orientation's notification; a new orientation restarts it. */
        within: delaySchema,
        /** CT L5411-6: at least 15 h a week, reducible (not to zero) or exempted for a legal reason. */
        minWeeklyHours: z.number().positive(),
      })
      .strict(),
    socialReview: z
      .object({
        /** CASF L262-31, D262-65-2-1: review of the social track after signing or revising the contract. */
        after: delaySchema,
        afterWithDifficulties: delaySchema,
        /** Difficulties that lengthen the review delay. */
        difficulties: z.array(z.string()),
      })
      .strict(),
    stock: z
      .object({
        /** Décret 2024-1244: people already accompanied on this date… */
        accompaniedOn: civilDateSchema,
        /** …must have a contrat d'engagement before this date. */
        contractBefore: civilDateSchema,
      })
      .strict(),
    /** Null before the suspension-remobilisation regime: no scale is modelled for the older regime. */
    sanctions: sanctionsSchema.nullable(),
  })
  .strict();
export type NationalRules = z.infer<typeof nationalRulesSchema>;

const common = {
  orientation: { legalLimit: { weeks: 6 }, defaultOrganisationAfterLimit: 'france-travail' },
  contract: { within: { months: 1 }, minWeeklyHours: 15 },
  stock: { accompaniedOn: '2025-01-01', contractBefore: '2027-01-01' },
  socialReview: {
    after: { months: 6 },
    afterWithDifficulties: { months: 12 },
    difficulties: ['health', 'disability', 'housing', 'family'],
  },
};

export const nationalRuleVersions: readonly NationalRules[] = [
  nationalRulesSchema.parse({
    version: 'plein-emploi-2025-01',
    effectiveFrom: '2025-01-01',
    source: 'Loi n° 2023-1196 ; CASF D262-65-2 (décret n° 2024-1244) ; CT D5411-14-1, L5411-6 ; CASF L262-31',
    ...common,
    sanctions: null,
  }),
  nationalRulesSchema.parse({
    version: 'suspension-remobilisation-2025-06',
    effectiveFrom: '2025-06-01',
    source: 'Décret n° 2025-478 ; CASF L262-37, R262-68, R262-68-1, R262-68-6, R262-88',
    ...common,
    sanctions: {
      observationsDelay: { days: 10 },
      minRate: 0.3,
      cappedRate: 0.5,
      firstFailureMonths: { min: 1, max: 2 },
      repetitionMonths: { min: 1, max: 4 },
      suppressionNeedsEpAvis: true,
      removalProposalAfterMonths: 4,
      recourseDelay: { months: 2 },
    },
  }),
];

/** The version in force on a civil date (the latest whose effective date is not after it). */
export function nationalRulesAt(at: Date | CivilDate): NationalRules {
  const day = typeof at === 'string' ? at : civilDateOf(at);
  const inForce = nationalRuleVersions.filter((r) => r.effectiveFrom <= day);
  const rules = inForce[inForce.length - 1];
  if (!rules) throw new RangeError(`aucune règle nationale en vigueur le ${day}`);
  return rules;
}
