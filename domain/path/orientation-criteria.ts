/**
 * The national orientation référentiel (CNE, arrêté du 21/11/2024): four
 * families of criteria give a suggested track. A suggestion only: a person
 * decides the orientation (docs/rules.md §1).
 */
import { z } from '../validation.js';
import type { Track } from './path-track.js';

export const orientationCriteriaSchema = z
  .object({
    /** Situation vs employment: able to work now, within 2 years, or not foreseeable. */
    employmentHorizon: z.enum(['now', 'within-2-years', 'beyond'], {
      error: 'horizon d’emploi attendu : now, within-2-years ou beyond',
    }),
    qualified: z.boolean(),
    /** Aspirations: the person can project into a job. */
    projectsIntoJob: z.boolean(),
    difficulties: z.array(z.enum(['health', 'housing', 'mobility', 'childcare', 'caregiver'])).default([]),
  })
  .strict();
export type OrientationCriteria = z.input<typeof orientationCriteriaSchema>;

/** Difficulties that, with no job in sight, point to the social track first. */
const heavy = new Set(['health', 'housing']);

export function suggestTrack(raw: OrientationCriteria): { track: Track; reasons: string[] } {
  const c = orientationCriteriaSchema.parse(raw);
  const reasons: string[] = [];
  const jobInSight = c.employmentHorizon !== 'beyond';
  const heavyDifficulties = c.difficulties.filter((d) => heavy.has(d));
  if (!jobInSight && (heavyDifficulties.length > 0 || !c.projectsIntoJob)) {
    reasons.push('pas d’emploi envisageable à deux ans');
    if (heavyDifficulties.length) reasons.push(`difficultés : ${heavyDifficulties.join(', ')}`);
    if (!c.projectsIntoJob) reasons.push('pas de projection dans un emploi');
    return { track: 'social', reasons };
  }
  if (jobInSight && c.projectsIntoJob && c.difficulties.length === 0) {
    reasons.push(
      c.employmentHorizon === 'now' ? 'peut travailler dès maintenant' : 'emploi envisageable à deux ans',
    );
    reasons.push('se projette dans un emploi, sans difficulté déclarée');
    if (!c.qualified) reasons.push('sans qualification : une formation peut être proposée');
    return { track: 'employment', reasons };
  }
  reasons.push('des freins à lever avant ou pendant le retour à l’emploi');
  if (c.difficulties.length) reasons.push(`difficultés : ${c.difficulties.join(', ')}`);
  return { track: 'socio-professional', reasons };
}
