// Pôle emploi / France Travail — convention financière pour 4 conseillers dédiés aux métiers de
// l'autonomie (données, pas de code). Source : délibération de la commission permanente n° 2022-553 du 13/12/2022, docs/rules.md §3.4.
import type { ProgrammeDefinition } from '../programme.js';

export default {
  id: 'ft-conseillers-autonomie-2023',
  funder: 'france-travail',
  title: 'Convention Pôle emploi — quatre conseillers dédiés aux métiers de l’autonomie',
  // Here the Département pays France Travail.
  departement: 'payer',
  source: {
    seed: '002_c34fae4607f6fa2e.txt',
    act: 'Délibération de la commission permanente n° 2022-553 du 13/12/2022',
    vote: { body: 'commission-permanente', date: '2022-12-13', for: 44, against: 0, abstention: 0 },
  },
  figures: {
    commitment: 198_000_00,
    targets: { 'job-seekers-accompanied': 500 },
  },
  renewal: { start: '2023-01-01', months: 12, renewalMonths: 12, denunciationWindowMonths: 1 },
  termination: { onRequest: { months: 6 }, forBreach: { days: 60 }, proRataRepayment: true },
  indicators: [
    'Demandeurs d’emploi relevant du parcours métiers de l’autonomie',
    'Services mobilisés (PMSMP, orientation formation…)',
    'Taux et nature des sorties emploi ou formation à 6 mois',
  ],
  recurring: [{ id: 'steering-committee', title: 'Comité de pilotage', cadence: 'semiannual' }],
  milestones: [
    { id: 'convention-signature', title: 'Signature de la convention', responsible: 'head-of-service' },
    {
      id: 'funds-call',
      title: 'Appel de fonds formel de France Travail',
      pieces: [{ id: 'appel-de-fonds', title: 'Demande d’appel de fonds' }],
      responsible: 'france-travail',
    },
    {
      id: 'balance-payment',
      title: 'Versement de l’intégralité de la subvention (198 000 €)',
      responsible: 'grants-team',
      pays: { rate: 1 },
      quote:
        'La signature […] déclenchera le versement de l’intégralité de la subvention sur demande formelle',
    },
    {
      // First period only: later periods come from ../renewal.ts.
      id: 'denunciation',
      title: 'Dénonciation écrite, dans le mois précédant la fin de la convention',
      deadline: { by: '2023-12-31' },
      pieces: [{ id: 'lettre-denonciation', title: 'Lettre de dénonciation', signed: true }],
      responsible: 'head-of-service',
      onMiss: 'renewal',
      condition: 'optional',
      quote:
        'sauf dénonciation écrite de l’une des deux parties dans le mois précédent la fin de la convention',
    },
    {
      id: 'renewal',
      title: 'Avenant de reconduction pour 12 mois',
      deadline: { by: '2023-12-31' },
      responsible: 'grants-team',
      condition: 'not-denounced',
      quote: 'Elle sera reconduite par voie d’avenant pour une durée de 12 mois',
    },
  ],
} satisfies ProgrammeDefinition;
