/** The CNSA application portal: submitting a grant application with its pieces. */
import { z } from '../domain/validation.js';
import { pseudonymousIdSchema } from '../domain/ids.js';
import { clientFor, route, wireInstantSchema, type PartnerEndpoint } from './http.js';

/** A piece of a file, by reference (the document itself stays in the Département's records). */
export const pieceSchema = z
  .object({
    id: pseudonymousIdSchema,
    /** What the piece is (e.g. `deliberation`, `budget`, `project-description`). */
    kind: z.string().min(1, 'nature de la pièce requise'),
    /** SHA-256 of the document, hexadecimal. */
    sha256: z
      .string()
      .regex(/^[a-f0-9]{64}$/, 'empreinte SHA-256 attendue (64 caractères hexadécimaux)')
      .optional(),
  })
  .strict();
export type Piece = z.infer<typeof pieceSchema>;

export const piecesSchema = z.array(pieceSchema).min(1, 'au moins une pièce attendue');

export const submitApplicationSchema = z
  .object({
    grantId: pseudonymousIdSchema,
    pieces: piecesSchema,
  })
  .strict();
export type SubmitApplicationRequest = z.input<typeof submitApplicationSchema>;

export const applicationReceiptSchema = z
  .object({ receiptId: z.string().min(1), receivedAt: wireInstantSchema })
  .strict();
export type ApplicationReceipt = z.infer<typeof applicationReceiptSchema>;

export const cnsaRoutes = {
  submitApplication: route('POST', '/applications', submitApplicationSchema, applicationReceiptSchema, 201),
};

export const cnsaClient = (endpoint: PartnerEndpoint) => clientFor(endpoint, cnsaRoutes);
