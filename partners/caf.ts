/**
 * CAF / MSA: suspension of the allocation after a sanction decision, and its
 * restoration (remobilisation or end of the sanction). Pseudonymous ids only.
 */
import { z } from '../domain/validation.js';
import { pseudonymousIdSchema } from '../domain/ids.js';
import { civilDateSchema } from '../domain/calendar.js';
import { clientFor, route, type PartnerEndpoint } from './http.js';
import { receiptSchema } from './france-travail.js';

export const suspendAllocationSchema = z
  .object({
    beneficiaryId: pseudonymousIdSchema,
    /** Share of the allocation withheld (0.3 = 30 %), 1 for a suppression. */
    rate: z.number().gt(0, 'taux strictement positif attendu').max(1, 'taux au plus égal à 1'),
    from: civilDateSchema,
    months: z.number().int('nombre entier de mois attendu').min(1).max(4),
  })
  .strict();
export type SuspendAllocationRequest = z.input<typeof suspendAllocationSchema>;

export const restoreAllocationSchema = z
  .object({
    beneficiaryId: pseudonymousIdSchema,
    from: civilDateSchema,
  })
  .strict();
export type RestoreAllocationRequest = z.input<typeof restoreAllocationSchema>;

export const cafRoutes = {
  suspendAllocation: route('POST', '/suspensions', suspendAllocationSchema, receiptSchema, 201),
  restoreAllocation: route('POST', '/restorations', restoreAllocationSchema, receiptSchema, 201),
};

export const cafClient = (endpoint: PartnerEndpoint) => clientFor(endpoint, cafRoutes);
