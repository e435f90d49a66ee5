/**
 * The préfecture's acts transmission (contrôle de légalité, in the spirit of
 * @CTES): an act and its pieces go in, an accusé de réception comes back.
 */
import { z } from '../domain/validation.js';
import { pseudonymousIdSchema } from '../domain/ids.js';
import { civilDateSchema } from '../domain/calendar.js';
import { clientFor, route, wireInstantSchema, type PartnerEndpoint } from './http.js';
import { piecesSchema } from './cnsa.js';

export const actSchema = z
  .object({
    kind: z.enum(['deliberation', 'arrete', 'convention'], {
      error: 'nature d’acte attendue : deliberation, arrete ou convention',
    }),
    /** The act's number in the Département's register (e.g. `CD-2026-014`). */
    reference: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$/, 'numéro d’acte attendu (lettres, chiffres, « - », « _ »)'),
    adoptedOn: civilDateSchema,
  })
  .strict();
export type Act = z.infer<typeof actSchema>;

export const transmitActSchema = z
  .object({
    grantId: pseudonymousIdSchema,
    act: actSchema,
    pieces: piecesSchema,
  })
  .strict();
export type TransmitActRequest = z.input<typeof transmitActSchema>;

export const acknowledgementSchema = z
  .object({ accuseReception: z.string().min(1), receivedAt: wireInstantSchema })
  .strict();
export type Acknowledgement = z.infer<typeof acknowledgementSchema>;

export const prefectureRoutes = {
  transmitAct: route('POST', '/acts', transmitActSchema, acknowledgementSchema, 201),
};

export const prefectureClient = (endpoint: PartnerEndpoint) => clientFor(endpoint, prefectureRoutes);
