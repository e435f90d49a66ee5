/** Deterministic ids: a re-import or a retried start can never make a second workflow. */
import { z } from './validation.js';

/** Pseudonymous ids only (never a name, never a CAF number in clear). */
export const pseudonymousIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    'identifiant pseudonyme attendu (lettres, chiffres, « - », « _ », « . »)',
  );

export const pathWorkflowId = (beneficiaryId: string): string => `parcours-${beneficiaryId}`;
