/**
 * The path's French labels, typed by the enums they name: a step, a deadline
 * kind or a track without its label does not compile. Shown by the CLI and the
 * web app alike (the e-mails word their deadlines at length: activities/notifications/templates.ts).
 */
import type { DeadlineKind, PathStep, Track } from './path.js';

export const stepLabels: Record<PathStep, string> = {
  orientation: 'en attente d’orientation',
  'first-appointment': 'en attente du premier rendez-vous',
  diagnostic: 'en attente du diagnostic',
  contract: 'en attente du contrat d’engagement',
  'intensive-accompaniment': 'accompagnement intensif',
  accompaniment: 'accompagnement',
  'sanction-procedure': 'procédure de sanction en cours',
  suspension: 'allocation suspendue',
  closed: 'sorti',
};

export const deadlineLabels: Record<DeadlineKind, string> = {
  'orientation.local': 'Orientation (objectif départemental)',
  'orientation.legal': 'Orientation (délai légal)',
  'first-appointment': 'Premier rendez-vous',
  contract: 'Contrat d’engagement',
  'contract.stock': 'Contrat d’engagement (personnes déjà accompagnées)',
  interviews: 'Deux entretiens dans le mois',
  'social-review': 'Réexamen du parcours social',
  observations: 'Observations (10 jours)',
  'france-travail-proposal': 'Proposition de sanction de France Travail',
  appeal: 'Réponse au recours (2 mois, silence = rejet)',
  removal: 'Réponse de France Travail à la proposition de radiation',
};

export const trackLabels: Record<Track, string> = {
  employment: 'Emploi',
  'socio-professional': 'Socio-professionnel',
  social: 'Social',
};

/** A step read back as text (a row of the read model): shown as is when it is not one. */
export const stepLabel = (step: string): string => (stepLabels as Record<string, string>)[step] ?? step;
/** A deadline kind read back as text: shown as is when it is not one. */
export const deadlineLabel = (kind: string): string =>
  (deadlineLabels as Record<string, string>)[kind] ?? kind;
