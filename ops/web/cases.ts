/**
 * A beneficiary's path as an account may reach it: outside the account's
 * perimeter, a path answers exactly as a path that does not exist (its
 * existence is not revealed). Acts carry the account's login as `by`, which
 * the path's journal (the audit trail) keeps.
 */
import type { Client } from '@temporalio/client';
import type { PathEventInput } from '../../domain/path-events.js';
import type { PathState } from '../../domain/path.js';
import { pseudonymousIdSchema } from '../../domain/ids.js';
import { inScope, scopeOf, type Account } from '../accounts.js';
import { ActionRefused, actOnPath, showPath } from '../paths.js';

/** The path is unknown, or outside the account's perimeter (the same answer for both). */
export class PathNotFound extends Error {}

export async function pathFor(client: Client, account: Account, id: string): Promise<PathState> {
  const scope = scopeOf(account);
  const hidden = new PathNotFound(
    scope.all
      ? `Aucun parcours pour l’allocataire ${id}.`
      : `Aucun parcours pour l’allocataire ${id} dans votre périmètre.`,
  );
  if (!pseudonymousIdSchema.safeParse(id).success) throw hidden;
  let state: PathState;
  try {
    state = await showPath(client, id);
  } catch (err) {
    if (err instanceof ActionRefused) throw hidden;
    throw err;
  }
  if (!inScope(scope, { territory: state.territory, organisation: state.orientation?.organisation }))
    throw hidden;
  return state;
}

/** Records an act on a path within the account's perimeter, in the account's name. */
export async function actFor(
  client: Client,
  account: Account,
  id: string,
  event: PathEventInput,
): Promise<PathState> {
  await pathFor(client, account, id);
  return actOnPath(client, id, { ...event, by: account.login });
}
