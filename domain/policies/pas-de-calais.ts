// Politique du Département du Pas-de-Calais (données, pas de code).
// Source : délibération n° 2025-363 du 22/09/2025, convention pour l'insertion et l'emploi
// 2025-2027 et feuilles de route (docs/rules.md §2).
// Les paramètres marqués [U] dans docs/rules.md sont des choix du Département, à confirmer.
export default {
  id: 'pas-de-calais',
  name: 'Département du Pas-de-Calais',
  effectiveFrom: '2025-01-01',
  source: 'Délibération n° 2025-363 du 22/09/2025 (convention pour l’insertion et l’emploi 2025-2027)',
  businessHours: { opens: '09:00', closes: '17:30' },
  orientation: {
    target: { days: 15 },
    targetFollowUp: { remindDaysBefore: [3], remind: 'orientation-platform', escalate: 'head-of-service' },
    legalFollowUp: { remindDaysBefore: [7, 2], remind: 'orientation-platform', escalate: 'head-of-service' },
  },
  firstAppointment: {
    target: { days: 15 },
    followUp: { remindDaysBefore: [3], remind: 'referent', escalate: 'head-of-service' },
  },
  contract: {
    followUp: { remindDaysBefore: [7, 2], remind: 'referent', escalate: 'head-of-service' },
  },
  intensive: {
    duration: { months: 6 },
    interviewsPerMonth: 2,
    minWeeklyHours: { employment: 15, 'socio-professional': 15, social: 7 },
    interviewsFollowUp: { remindDaysBefore: [5], remind: 'referent', escalate: 'head-of-service' },
  },
  socialReview: {
    followUp: { remindDaysBefore: [30, 7], remind: 'referent', escalate: 'head-of-service' },
  },
  portfolio: { intensiveTarget: 50, intensiveMax: 70 },
  sanctions: {
    repetitionWindow: { months: 24 },
    receiptDelay: { days: 0 },
    franceTravailProposalDelay: { days: 15 },
    remobilisation: { repay: true, capMonths: 3 },
    decide: 'head-of-service',
  },
} as const;
