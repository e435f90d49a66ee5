// Socle national : un Département sans objectif plus exigeant que la loi (données, pas de code).
// Sert de modèle : une nouvelle politique départementale est un fichier comme celui-ci,
// ajouté à la liste de domain/policies/index.ts.
export default {
  id: 'socle-national',
  name: 'Socle national (délais légaux, sans objectif local)',
  effectiveFrom: '2025-01-01',
  source: 'Loi n° 2023-1196 et décrets (voir docs/rules.md §1) ; aucun objectif local',
  businessHours: { opens: '09:00', closes: '17:00' },
  orientation: {
    // Sans objectif local, l'objectif est le délai légal lui-même.
    target: { weeks: 6 },
    targetFollowUp: { remindDaysBefore: [7], remind: 'orientation-platform', escalate: 'head-of-service' },
    legalFollowUp: { remindDaysBefore: [2], remind: 'orientation-platform', escalate: 'head-of-service' },
  },
  firstAppointment: {
    // Le diagnostic tient dans le mois du contrat.
    target: { months: 1 },
    followUp: { remindDaysBefore: [7], remind: 'referent', escalate: 'head-of-service' },
  },
  contract: { followUp: { remindDaysBefore: [7], remind: 'referent', escalate: 'head-of-service' } },
  intensive: {
    duration: { months: 6 },
    interviewsPerMonth: 1,
    minWeeklyHours: { employment: 15, 'socio-professional': 15, social: 15 },
    interviewsFollowUp: { remindDaysBefore: [5], remind: 'referent', escalate: 'head-of-service' },
  },
  socialReview: { followUp: { remindDaysBefore: [30], remind: 'referent', escalate: 'head-of-service' } },
  portfolio: { intensiveTarget: 50, intensiveMax: 70 },
  sanctions: {
    repetitionWindow: { months: 24 },
    receiptDelay: { days: 2 },
    remobilisation: { repay: true, capMonths: null },
    franceTravailProposalDelay: { days: 10 },
    decide: 'head-of-service',
  },
} as const;
