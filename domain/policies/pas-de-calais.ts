// Politique du Département du Pas-de-Calais (données, pas de code).
// Source : délibération n° 2025-363 du 22/09/2025, convention pour l'insertion et l'emploi
// 2025-2027 et feuilles de route (../shared/seeds/003_e7122d632176dcab.txt).
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
} as const;
