/**
 * France Travail's secure file exchange: the Département deposits the weekly
 * list of new RSA beneficiaries (domain/exchanges/weekly-list.ts) and later
 * reads whether France Travail processed it (accepted or rejected, with a reason).
 */
import { isoWeekSchema } from '../domain/exchanges/weekly-list.js';
import { z } from '../domain/validation.js';
import { clientFor, route, wireInstantSchema, type PartnerEndpoint } from './http.js';

/** 5 MiB of CSV: about 50,000 lines, more than a year of the Département's new entrants. */
export const MAX_DEPOSIT_BYTES = 5 * 1024 * 1024;

export const depositRequestSchema = z
  .object({
    fileName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\.csv$/, 'nom de fichier .csv attendu'),
    week: isoWeekSchema,
    /** SHA-256 of `content` (UTF-8), hexadecimal: France Travail checks it on receipt. */
    sha256: z.string().regex(/^[a-f0-9]{64}$/, 'empreinte SHA-256 attendue (64 caractères hexadécimaux)'),
    /** Data lines (header excluded). */
    rows: z.number().int().nonnegative(),
    content: z
      .string()
      .min(1, 'contenu du fichier requis')
      .max(MAX_DEPOSIT_BYTES, 'fichier trop volumineux (5 Mio au plus)'),
  })
  .strict();
export type DepositRequest = z.input<typeof depositRequestSchema>;

export const depositReceiptSchema = z
  .object({ depositId: z.string().min(1), receivedAt: wireInstantSchema })
  .strict();
export type DepositReceipt = z.infer<typeof depositReceiptSchema>;

export const depositStatusRequestSchema = z.object({ depositId: z.string().min(1) }).strict();

/** `received`: not processed yet; `accepted`, `rejected` (with France Travail's reason): processed. */
export const depositStatusSchema = z
  .object({
    depositId: z.string().min(1),
    status: z.enum(['received', 'accepted', 'rejected']),
    processedAt: wireInstantSchema.nullable(),
    message: z.string().nullable(),
  })
  .strict();
export type DepositStatus = z.infer<typeof depositStatusSchema>;

export const ftExchangeRoutes = {
  deposit: route('POST', '/deposits', depositRequestSchema, depositReceiptSchema, 201),
  depositStatus: route('POST', '/deposits/status', depositStatusRequestSchema, depositStatusSchema),
};

export const ftExchangeClient = (endpoint: PartnerEndpoint) => clientFor(endpoint, ftExchangeRoutes);
