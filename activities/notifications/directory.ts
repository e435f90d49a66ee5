/**
 * The Département's directory: who receives what. A role (orientation platform,
 * head of service, grants team…) maps to addresses; a référent's pseudonymous id
 * maps to an address through a pattern, so no name is needed here.
 */
import { readFileSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import { roleSchema, type Role } from '../../domain/policy.js';
import { frenchIssues, z } from '../../domain/validation.js';
import { organisationsSchema } from '../../domain/organisations.js';

export const directorySchema = z
  .object({
    from: z.string().min(3),
    // Partial: a directory written before a role existed still loads (its messages are refused in French).
    roles: z.partialRecord(roleSchema, z.array(z.email()).min(1)),
    /** e.g. `{id}@referents.departement.example` */
    referentAddress: z.string().includes('{id}'),
    /** The organismes référents and their référents, offered by the case page's lists (domain/organisations.ts). */
    organisations: organisationsSchema.optional(),
  })
  .strict();
export type Directory = z.infer<typeof directorySchema>;

export type Recipient = { role: Role } | { referent: string };

export function loadDirectory(file: string): Directory {
  const parsed = directorySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`Annuaire ${file} invalide : ${frenchIssues(parsed.error)}`);
  return parsed.data;
}

export function resolveRecipient(directory: Directory, to: Recipient): string[] {
  if ('referent' in to) return [directory.referentAddress.replace('{id}', to.referent)];
  const addresses = directory.roles[to.role];
  if (!addresses?.length) {
    throw ApplicationFailure.nonRetryable(
      `Aucune adresse dans l’annuaire pour le rôle « ${to.role} ».`,
      'UnknownRecipient',
    );
  }
  return addresses;
}
