/**
 * The weekly activity plan of a contrat d'engagement (« programmation
 * hebdomadaire d'activités », CT L5411-6; convention 2025-2027 fiche 2.1):
 * the activities a référent chose, most often services of the offer catalogue
 * (`offerId`), each with the hours per week it takes.
 *
 * The rule (checked when the contract is signed): the plan's hours count
 * towards the contract's weekly hours and may not exceed them. A plan may be
 * partial (the référent keeps looking for activities during the first weeks);
 * a contract with a full exemption (0 h) has no plan.
 */
import { z } from '../validation.js';

/** Catalogue themes (codes of the offer catalogue, after data·inclusion's « thématiques »). */
export const offerThemes = {
  remobilisation: 'Remobilisation, confiance en soi',
  mobilite: 'Mobilité',
  numerique: 'Numérique',
  sante: 'Santé',
  logement: 'Logement',
  'famille-garde-enfants': 'Famille, garde d’enfants',
  'savoirs-de-base': 'Savoirs de base, français',
  formation: 'Formation',
  immersion: 'Immersion en entreprise (PMSMP)',
  'preparation-metiers-autonomie': 'Préparation aux métiers de l’autonomie (aide à domicile, médico-social)',
  'recherche-emploi': 'Recherche d’emploi',
  iae: 'Insertion par l’activité économique',
} as const;
export type OfferTheme = keyof typeof offerThemes;
export const offerThemeSchema = z.enum(Object.keys(offerThemes) as [OfferTheme, ...OfferTheme[]], {
  error: `thème attendu : ${Object.keys(offerThemes).join(', ')}`,
});

export const MAX_PLAN_ITEMS = 20;

export const planItemSchema = z
  .object({
    /** The service's id in the catalogue; absent for an activity entered by hand. */
    offerId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/, 'identifiant de service du catalogue attendu')
      .optional(),
    label: z
      .string()
      .trim()
      .min(1, 'intitulé de l’activité requis')
      .max(200, 'intitulé trop long (200 au plus)'),
    weeklyHours: z
      .number()
      .gt(0, 'nombre d’heures par semaine strictement positif attendu')
      .max(40, 'au plus 40 heures par semaine pour une activité'),
    theme: offerThemeSchema.optional(),
  })
  .strict();
export type PlanItem = z.output<typeof planItemSchema>;

export const planSchema = z
  .array(planItemSchema)
  .max(MAX_PLAN_ITEMS, `au plus ${MAX_PLAN_ITEMS} activités dans le plan`);

/** Total hours per week of a plan, to the quarter hour people write. */
export const planHours = (plan: readonly PlanItem[]): number =>
  Math.round(plan.reduce((sum, i) => sum + i.weeklyHours, 0) * 100) / 100;

const hoursText = (h: number): string => `${String(h).replace('.', ',')} h`;

/** Why the plan cannot go with a contract of `weeklyHours`, in French; `null` when it can. */
export function planRefusal(plan: readonly PlanItem[], weeklyHours: number): string | null {
  const seen = new Set<string>();
  for (const item of plan) {
    if (!item.offerId) continue;
    if (seen.has(item.offerId))
      return `Le service ${item.offerId} figure deux fois dans le plan d’activités : regroupez ses heures sur une seule ligne.`;
    seen.add(item.offerId);
  }
  const total = planHours(plan);
  if (weeklyHours === 0 && plan.length > 0)
    return 'Un contrat exempté d’heures d’activité (0 h) n’a pas de plan d’activités.';
  if (total > weeklyHours)
    return `Le plan d’activités totalise ${hoursText(total)} par semaine, plus que les ${hoursText(weeklyHours)} du contrat : réduisez les heures du plan ou augmentez celles du contrat.`;
  return null;
}
