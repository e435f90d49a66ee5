// CNSA — AMI 2026 « Soutien des porteurs des plateformes expérimentales des métiers de l'autonomie »
// (données, pas de code). Source : délibération de la commission permanente n° 2025-564 du 08/12/2025, docs/rules.md §3.1.
import type { ProgrammeDefinition } from '../programme.js';

export default {
  id: 'cnsa-ami-2026',
  funder: 'cnsa',
  title:
    'AMI 2026 « Soutien des porteurs des plateformes expérimentales des métiers de l’autonomie » (Professions Autonomie 62)',
  source: {
    seed: '000_a4f6f3841279ea35.txt',
    act: 'Délibération de la commission permanente n° 2025-564 du 08/12/2025',
    vote: { body: 'commission-permanente', date: '2025-12-08', for: 43, against: 0, abstention: 0 },
    prefecture: { transmittedOn: '2025-12-23', publishedOn: '2025-12-23' },
  },
  // Appel « dit fermé » aux 16 porteurs existants, lancé en octobre 2025.
  call: { launchedIn: '2025-10', closed: true, eligible: 16 },
  figures: {
    caps: { base: 200_000_00, complementary: 100_000_00 },
    budget: { expenses: 500_000_00, ownResources: 200_000_00, funder: 300_000_00 },
    budgetLine: 'C02-428N01',
  },
  milestones: [
    {
      id: 'application',
      title: 'Candidature déposée auprès de la CNSA',
      deadline: { by: '2025-11-21' },
      pieces: [
        { id: 'annexe-1', title: 'Annexe 1 — demande de subvention, complétée (non signée)' },
        { id: 'annexe-2', title: 'Annexe 2 — acte d’engagement', signed: true },
      ],
      responsible: 'grants-team',
      onMiss: 'not-admissible',
      quote: 'Les candidatures devant parvenir à la CNSA avant le 21 novembre 2025',
      reading: 'strictly-before',
      readingNote:
        '« avant le 21 novembre 2025 » ne dit pas si le 21 compte : lu au plus prudent, le 21/11 à 00:00 (Paris) est déjà hors délai.',
    },
    {
      id: 'committee-opinions',
      title: 'Avis des 1re et 2e commissions',
      deadline: { by: '2025-11-24' },
      responsible: 'head-of-service',
      quote: 'avis rendu lors de sa réunion en date du 24/11/2025',
    },
    {
      id: 'vote',
      title: 'Vote de la commission permanente',
      deadline: { by: '2025-12-08' },
      responsible: 'head-of-service',
      quote: 'validation par le conseil départemental du Pas de Calais qui délibérera le 08/12/2025',
    },
    {
      id: 'transmission',
      title: 'Résultat du vote et annexe 1 signée transmis à la CNSA',
      deadline: { at: '2025-12-15T17:00', tz: 'Europe/Paris' },
      pieces: [
        { id: 'deliberation', title: 'Résultat du vote (délibération)' },
        { id: 'annexe-1', title: 'Annexe 1 à l’identique, signée', signed: true },
        { id: 'annexe-3', title: 'Annexe 3 — programme d’actions 2026' },
        { id: 'annexe-4', title: 'Annexe 4 — budget prévisionnel 2026' },
        { id: 'annexe-5', title: 'Annexe 5 — RIB du porteur' },
      ],
      responsible: 'grants-team',
      onMiss: 'not-admissible',
      quote:
        'avant le 15/12/2025 à 17h (heure de Paris) […] Si cette transmission n’est pas réalisée dans les temps, la candidature ne sera pas recevable.',
      reading: 'strictly-before',
    },
    {
      id: 'prefecture-transmission',
      title: 'Délibération transmise à la préfecture (contrôle de légalité)',
      responsible: 'grants-team',
    },
    {
      id: 'funder-decision',
      title: 'Décision du directeur de la CNSA (subvention socle ≤ 200 000 €)',
      responsible: 'grants-team',
    },
    {
      // The date is the one by which the CNSA examines it; the Département must deliver it by then.
      id: 'financial-report',
      title: 'Compte rendu financier (condition de l’enveloppe complémentaire)',
      deadline: { by: '2027-07-31' },
      pieces: [{ id: 'compte-rendu-financier', title: 'Compte rendu financier' }],
      responsible: 'grants-team',
      onMiss: 'funding-lost',
      quote: 'après examen du compte rendu financier au plus tard le 31 juillet 2027',
    },
  ],
} satisfies ProgrammeDefinition;
