// État — Convention départementale pour l'insertion et l'emploi 2025-2027, engagement 2025
// (données, pas de code). Source : délibération du conseil départemental n° 2025-363 du 22/09/2025, docs/rules.md §3.2.
import type { ProgrammeDefinition } from '../programme.js';

export default {
  id: 'etat-cie-2025-2027',
  funder: 'etat',
  title: 'Convention départementale pour l’insertion et l’emploi 2025-2027 (contribution 2025)',
  source: {
    seed: '003_e7122d632176dcab.txt',
    act: 'Délibération du conseil départemental n° 2025-363 du 22/09/2025',
    vote: { body: 'conseil-departemental', date: '2025-09-22', for: 78, against: 0, abstention: 0 },
    prefecture: { transmittedOn: '2025-10-08', publishedOn: '2025-10-08' },
  },
  period: { from: '2025-01-01', to: '2028-03-31', executionUntil: '2028-06-30' },
  figures: {
    commitment: 5_124_190_00,
    breakdown: { 'volet-1': 50_000_00, 'volet-2': 5_074_190_00 },
    advance: { rate: 0.6, amount: 3_074_514_00 },
    departementShareMin: 0.5,
  },
  termination: { forBreach: { months: 2 }, proRataRepayment: false },
  recurring: [
    { id: 'pilot-actions', title: 'Campagne de saisie Pilot’Actions', cadence: 'yearly' },
    { id: 'management-dialogue', title: 'Dialogue de gestion annuel avec l’État', cadence: 'yearly' },
  ],
  milestones: [
    { id: 'convention-signature', title: 'Signature de la convention', responsible: 'head-of-service' },
    {
      id: 'advance-payment',
      title: 'Avance de 60 % versée à la signature',
      responsible: 'grants-team',
      pays: { rate: 0.6 },
      quote:
        'Une avance de 60 % du montant de l’année en cours, soit 3 074 514 €, est versée lors de la signature',
    },
    {
      // N is the year of the contribution (2025), not of the signature: the 2025 balance needs the 2025 bilan.
      id: 'interim-report',
      title: 'Bilan intermédiaire (service fait) de l’année N',
      deadline: { on: '06-30', yearOffset: 1, reference: { date: '2025-01-01' } },
      pieces: [{ id: 'bilan-intermediaire', title: 'Éléments de bilan intermédiaire (Pilot’Actions)' }],
      responsible: 'grants-team',
      quote: 'sur la base des éléments de bilan intermédiaire transmis au 30 juin de l’année N+1',
    },
    {
      // Done when the State settles the balance: it pays it, or issues an ordre de reversement.
      id: 'balance-payment',
      title: 'Solde (plafonné à l’engagement initial) ou ordre de reversement',
      responsible: 'grants-team',
    },
    {
      id: 'repayment',
      title: 'Reversement du trop-perçu au Trésor public',
      deadline: { after: 'balance-payment', delay: { months: 2 } },
      responsible: 'grants-team',
      condition: 'balance-below-advance',
      quote:
        'Le remboursement intervient sous les deux mois qui suivent l’émission de l’ordre de reversement.',
    },
    {
      id: 'final-report',
      title: 'Bilan final d’exécution',
      deadline: { by: '2028-06-30' },
      pieces: [
        { id: 'bilan-mise-en-oeuvre', title: 'Bilan de mise en œuvre (volets 1 et 2) et état des résultats' },
        { id: 'bilan-financier', title: 'Bilan financier sur le modèle de l’annexe 3' },
      ],
      responsible: 'grants-team',
      quote: 'un bilan final d’exécution à transmettre aux services de l’Etat au plus tard le 30 juin 2028',
    },
  ],
} satisfies ProgrammeDefinition;
