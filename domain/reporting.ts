/**
 * Yearly reporting (Pilot'Actions) and funder reports: the indicators each
 * convention asks for that Jalons can know (docs/rules.md §4; annexes of the
 * convention 2025-2027, docs/rules.md §3.2; CNSA indicators of annexe 3 of the AMI 2026, §3.1),
 * and the campaigns a reminder goes out before. Data only: the SQL that computes
 * each indicator is in store/reporting.ts.
 */
import { addCalendarDays, civilDateOf, civilDateSchema, type CivilDate } from './calendar.js';
import { z } from './validation.js';

export interface IndicatorDefinition {
  label: string;
  /** `count`, `share` (0–1, shown as a percentage), `days`, `hours`. */
  unit: 'count' | 'share' | 'days' | 'hours';
  /** Where the convention or the law asks for it. */
  source: string;
}

const TDB = 'tableau de bord national de l’accompagnement rénové';
const CONV = 'convention insertion-emploi 2025-2027, fiche 2.1 (indicateurs locaux)';
const CNSA = 'AMI CNSA 2026, annexe 3 (indicateurs CNSA)';

export const indicatorDefinitions = {
  opened: { label: 'Droits ouverts (nouveaux entrants)', unit: 'count', source: TDB },
  oriented: { label: 'Premières orientations décidées', unit: 'count', source: TDB },
  days_to_orientation: { label: 'Délai moyen ouverture du droit → orientation', unit: 'days', source: TDB },
  oriented_within_15_days: {
    label: 'Part orientée dans les 15 jours (objectif départemental)',
    unit: 'share',
    source: 'délibération 2025-363 (objectif de 15 jours)',
  },
  oriented_within_6_weeks: {
    label: 'Part orientée dans le délai légal de 6 semaines',
    unit: 'share',
    source: 'CASF D262-65-2',
  },
  contracts: { label: 'Contrats d’engagement signés', unit: 'count', source: TDB },
  days_to_contract: {
    label: 'Délai moyen ouverture du droit → signature du contrat d’engagement',
    unit: 'days',
    source: TDB,
  },
  contract_within_month: {
    label: 'Part des contrats signés dans le mois de l’orientation',
    unit: 'share',
    source: 'CT D5411-14-1',
  },
  reorientations: { label: 'Réorientations', unit: 'count', source: TDB },
  reorientations_to_employment: {
    label: 'Réorientations vers le parcours emploi',
    unit: 'count',
    source: 'convention 2025-2027, fiche 2.1 (indicateurs d’impact)',
  },
  sanctions: { label: 'Sanctions prononcées', unit: 'count', source: TDB },
  sanctions_ended_by_remobilisation: {
    label: 'Sanctions levées par remobilisation',
    unit: 'count',
    source: TDB,
  },
  intensive: {
    label: 'Personnes en accompagnement intensif pendant la période',
    unit: 'count',
    source: 'convention 2025-2027, fiche 2.1 (indicateurs de réalisation)',
  },
  average_planned_weekly_hours: {
    label: 'Moyenne des heures mobilisées dans la programmation hebdomadaire (cible 10 h)',
    unit: 'hours',
    source: CONV,
  },
  average_contract_weekly_hours: {
    label: 'Heures hebdomadaires moyennes inscrites aux contrats',
    unit: 'hours',
    source: TDB,
  },
  interviews: { label: 'Entretiens de suivi tenus', unit: 'count', source: TDB },
  exits_to_job: { label: 'Sorties vers l’emploi', unit: 'count', source: TDB },
  pmsmp_prescribed: { label: 'PMSMP (immersions) prescrites', unit: 'count', source: CNSA },
  autonomy_preparatory: {
    label: 'Préparatoires à l’emploi (métiers de l’autonomie) mobilisées',
    unit: 'count',
    source: CNSA,
  },
  autonomy_candidates: {
    label: 'Candidats mobilisés vers les métiers de l’autonomie',
    unit: 'count',
    source: CNSA,
  },
  autonomy_exits_to_job: {
    label: 'Candidats mobilisés sortis vers l’emploi',
    unit: 'count',
    source: CNSA,
  },
} as const satisfies Record<string, IndicatorDefinition>;
export type IndicatorId = keyof typeof indicatorDefinitions;

export interface ConventionReporting {
  title: string;
  /** Where the reported figures go. */
  recipient: string;
  indicators: IndicatorId[];
}

/** The conventions (programme ids of domain/grants) and the indicators each asks for. */
export const conventions = {
  'etat-cie-2025-2027': {
    title: 'Convention départementale pour l’insertion et l’emploi 2025-2027 (État)',
    recipient: 'Pilot’Actions (campagne annuelle, bilan de l’année N-1)',
    indicators: [
      'opened',
      'oriented',
      'days_to_orientation',
      'oriented_within_15_days',
      'oriented_within_6_weeks',
      'contracts',
      'days_to_contract',
      'contract_within_month',
      'reorientations',
      'reorientations_to_employment',
      'sanctions',
      'sanctions_ended_by_remobilisation',
      'intensive',
      'average_planned_weekly_hours',
      'average_contract_weekly_hours',
      'interviews',
      'exits_to_job',
    ],
  },
  'etat-cls-2025': {
    title: 'Contrat local des solidarités, avenant 2025 (État)',
    recipient: 'Pilot’Actions (outil conjoint aux deux contractualisations)',
    indicators: ['opened', 'oriented', 'contracts', 'intensive', 'exits_to_job'],
  },
  'ft-conseillers-autonomie-2023': {
    title: 'Convention France Travail — quatre conseillers dédiés aux métiers de l’autonomie',
    recipient: 'Comité de pilotage semestriel',
    indicators: ['autonomy_candidates', 'pmsmp_prescribed', 'autonomy_preparatory', 'autonomy_exits_to_job'],
  },
  'cnsa-ami-2026': {
    title: 'Plateforme des métiers de l’autonomie — AMI CNSA 2026',
    recipient: 'CNSA (compte rendu, indicateurs de l’annexe 3)',
    indicators: ['pmsmp_prescribed', 'autonomy_preparatory', 'autonomy_candidates', 'autonomy_exits_to_job'],
  },
} as const satisfies Record<string, ConventionReporting>;
export type ConventionId = keyof typeof conventions;
export const conventionIds = Object.keys(conventions) as ConventionId[];
export const conventionIdSchema = z.enum(conventionIds as [ConventionId, ...ConventionId[]], {
  error: `convention attendue : ${conventionIds.join(', ')}`,
});

/** A period `[from, to]`, both civil dates in Paris, `to` included. */
export const reportPeriodSchema = z
  .object({ from: civilDateSchema, to: civilDateSchema })
  .strict()
  .refine((p) => p.from <= p.to, { message: 'la fin de la période précède son début', path: ['to'] });
export type ReportPeriod = z.infer<typeof reportPeriodSchema>;

export type CampaignPeriod = 'previous-year' | 'previous-semester';

export interface ReportingCampaign {
  id: string;
  title: string;
  conventions: ConventionId[];
  /** Months whose first working day (09:00 Paris) the reminder goes out. */
  remindMonths: number[];
  period: CampaignPeriod;
  /** What the team must know about the deadline, in French. */
  deadline: string;
}

/**
 * The campaigns. Pilot'Actions' entry windows are not dated in the acts
 * (« plusieurs campagnes de saisie sont prévues dans l'année ») [U]: the reminder
 * goes out early enough for the known deadline (bilan intermédiaire au 30 juin N+1).
 */
export const reportingCampaigns: ReportingCampaign[] = [
  {
    id: 'pilot-actions',
    title: 'Campagne annuelle Pilot’Actions (bilan de l’année écoulée)',
    conventions: ['etat-cie-2025-2027', 'etat-cls-2025'],
    remindMonths: [5],
    period: 'previous-year',
    deadline:
      'saisie et validation dans Pilot’Actions pendant la période de saisie ; bilan intermédiaire au plus tard le 30 juin',
  },
  {
    id: 'cnsa-compte-rendu',
    title: 'Compte rendu à la CNSA (indicateurs du programme d’actions)',
    conventions: ['cnsa-ami-2026'],
    remindMonths: [6],
    period: 'previous-year',
    deadline: 'compte rendu financier au plus tard le 31 juillet (enveloppe complémentaire)',
  },
  {
    id: 'ft-comite-pilotage',
    title: 'Comité de pilotage semestriel de la convention France Travail',
    conventions: ['ft-conseillers-autonomie-2023'],
    remindMonths: [1, 7],
    period: 'previous-semester',
    deadline: 'indicateurs à présenter au comité de pilotage du semestre',
  },
];

export function getCampaign(id: string): ReportingCampaign {
  const c = reportingCampaigns.find((x) => x.id === id);
  if (!c) throw new Error(`campagne inconnue : ${id} (${reportingCampaigns.map((x) => x.id).join(', ')})`);
  return c;
}

/** The period a campaign reminded at `at` reports on. */
export function campaignPeriod(period: CampaignPeriod, at: Date): ReportPeriod {
  const today: CivilDate = civilDateOf(at);
  const year = Number(today.slice(0, 4));
  if (period === 'previous-year') return { from: `${year - 1}-01-01`, to: `${year - 1}-12-31` };
  return Number(today.slice(5, 7)) <= 6
    ? { from: `${year - 1}-07-01`, to: `${year - 1}-12-31` }
    : { from: `${year}-01-01`, to: addCalendarDays(`${year}-07-01`, -1) };
}

/** How a person reads a value of `unit`. */
export function formatIndicator(value: number | null, unit: IndicatorDefinition['unit']): string {
  if (value === null) return '—';
  const fr = (n: number, digits = 1) => n.toLocaleString('fr-FR', { maximumFractionDigits: digits });
  switch (unit) {
    case 'share':
      return `${fr(value * 100)} %`;
    case 'days':
      return `${fr(value)} j`;
    case 'hours':
      return `${fr(value)} h`;
    default:
      return fr(value, 0);
  }
}
