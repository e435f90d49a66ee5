/**
 * France Travail: what the Département tells it about a beneficiary's path —
 * the orientation decision (which registers the person), the contrat
 * d'engagement, the Département's decision on a sanction. Pseudonymous ids only.
 */
import { z } from '../domain/validation.js';
import { pseudonymousIdSchema } from '../domain/ids.js';
import { trackSchema } from '../domain/path/path-track.js';
import { civilDateSchema } from '../domain/calendar.js';
import { clientFor, route, wireInstantSchema, type PartnerEndpoint } from './http.js';

export const receiptSchema = z.object({ receiptId: z.string().min(1) }).strict();
export type Receipt = z.infer<typeof receiptSchema>;

export const notifyOrientationSchema = z
  .object({
    beneficiaryId: pseudonymousIdSchema,
    track: trackSchema,
    organisation: z.string().min(1, 'organisme référent requis'),
    referent: pseudonymousIdSchema,
    decidedAt: wireInstantSchema,
  })
  .strict();
export type NotifyOrientationRequest = z.input<typeof notifyOrientationSchema>;

export const notifyContractSchema = z
  .object({
    beneficiaryId: pseudonymousIdSchema,
    signedAt: wireInstantSchema,
    weeklyHours: z.number().nonnegative('nombre d’heures positif attendu').max(80, 'au plus 80 heures'),
    intensive: z.boolean(),
  })
  .strict();
export type NotifyContractRequest = z.input<typeof notifyContractSchema>;

export const notifySanctionDecisionSchema = z
  .object({
    beneficiaryId: pseudonymousIdSchema,
    decidedAt: wireInstantSchema,
    /** Share of the allocation withheld (0.3 = 30 %), 1 for a suppression. */
    rate: z.number().gt(0, 'taux strictement positif attendu').max(1, 'taux au plus égal à 1'),
    months: z.number().int('nombre entier de mois attendu').min(1).max(4),
    from: civilDateSchema,
  })
  .strict();
export type NotifySanctionDecisionRequest = z.input<typeof notifySanctionDecisionSchema>;

export const franceTravailRoutes = {
  notifyOrientation: route('POST', '/orientations', notifyOrientationSchema, receiptSchema, 201),
  notifyContract: route('POST', '/contracts', notifyContractSchema, receiptSchema, 201),
  notifySanctionDecision: route(
    'POST',
    '/sanction-decisions',
    notifySanctionDecisionSchema,
    receiptSchema,
    201,
  ),
};

export const franceTravailClient = (endpoint: PartnerEndpoint) => clientFor(endpoint, franceTravailRoutes);
