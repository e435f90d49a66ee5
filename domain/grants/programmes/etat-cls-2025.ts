// État — Contrat local des solidarités 2024-2027, avenant 2025 (données, pas de code).
// Source : délibération du conseil départemental n° 2025-363 du 22/09/2025, docs/rules.md §3.3.
import type { ProgrammeDefinition } from '../programme.js';

export default {
  id: 'etat-cls-2025',
  funder: 'etat',
  title: 'Contrat local des solidarités 2024-2027 — avenant n° 1 (contribution 2025)',
  source: {
    seed: '003_e7122d632176dcab.txt',
    act: 'Délibération du conseil départemental n° 2025-363 du 22/09/2025',
    vote: { body: 'conseil-departemental', date: '2025-09-22', for: 78, against: 0, abstention: 0 },
    prefecture: { transmittedOn: '2025-10-08', publishedOn: '2025-10-08' },
  },
  figures: {
    commitment: 3_342_548_00,
    breakdown: { 'axe-1': 1_659_288_00, 'axe-3': 1_010_000_00, 'axe-4': 673_260_00 },
  },
  recurring: [
    // « Plusieurs campagnes de saisie sont prévues dans l'année. »
    { id: 'pilot-actions', title: 'Campagnes de saisie Pilot’Actions', cadence: 'several-a-year' },
  ],
  milestones: [
    { id: 'convention-signature', title: 'Signature de l’avenant 2025', responsible: 'head-of-service' },
    { id: 'notification', title: 'Notification de l’avenant', responsible: 'grants-team' },
    {
      // A single payment of the whole amount: nothing remains after it, hence the balance.
      id: 'balance-payment',
      title: 'Versement de 100 % de la contribution',
      deadline: { after: 'notification', delay: { days: 15 } },
      responsible: 'grants-team',
      pays: { rate: 1 },
      quote:
        '100% du montant de la contribution est versé quinze jours après la date de notification du présent avenant.',
    },
    {
      id: 'mid-term-report',
      title: 'Rapport d’exécution à mi-parcours, délibéré et transmis aux préfets',
      deadline: { by: '2026-03-31' },
      covers: { from: '2024-01-01', to: '2025-12-31' },
      pieces: [
        {
          id: 'rapport-execution',
          title: 'Rapport d’exécution (référentiel national d’évaluation à mi-parcours)',
        },
        { id: 'deliberation', title: 'Délibération départementale sur le rapport' },
      ],
      responsible: 'grants-team',
      quote: 'transmission au préfet de région et au préfet de département au plus tard le 31 mars 2026',
    },
  ],
} satisfies ProgrammeDefinition;
