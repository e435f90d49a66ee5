/**
 * National rules (loi n° 2023-1196 « pour le plein emploi » and its décrets), as
 * dated versions: a workflow applies the version in force at the event's date.
 * Sources are in ../shared/RULES.md §1.
 */
import { z } from './validation.js';
import { civilDateSchema, civilDateOf, type CivilDate } from './calendar.js';
import { delaySchema } from './deadlines.js';

export const nationalRulesSchema = z
  .object({
    version: z.string(),
    effectiveFrom: civilDateSchema,
    source: z.string(),
    orientation: z.object({
      /** CASF D262-65-2: the PCD orients within 6 weeks of the opening notice; then France Travail does. */
      legalLimit: delaySchema,
      defaultOrganisationAfterLimit: z.string(),
    }),
  })
  .strict();
export type NationalRules = z.infer<typeof nationalRulesSchema>;

export const nationalRuleVersions: readonly NationalRules[] = [
  nationalRulesSchema.parse({
    version: 'plein-emploi-2025-01',
    effectiveFrom: '2025-01-01',
    source: 'CASF D262-65-2 (décret n° 2024-1244)',
    orientation: { legalLimit: { weeks: 6 }, defaultOrganisationAfterLimit: 'france-travail' },
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
