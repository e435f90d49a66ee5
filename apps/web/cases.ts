/**
 * A beneficiary's path as an account may reach it: outside the account's
 * perimeter, a path answers exactly as a path that does not exist (its
 * existence is not revealed). Acts carry the account's login as `by`, which
 * the path's journal (the audit trail) keeps.
 */
import type { Client } from '@temporalio/client';
import type { PathEventInput } from '../../domain/path/path-events.js';
import type { PathState } from '../../domain/path/path.js';
import { pseudonymousIdSchema } from '../../domain/ids.js';
import { inScope, scopeOf, type Account } from '../../store/accounts.js';
import { ActionRefused, actOnPath, showPath } from '../../services/paths.js';
import type { Queryable } from '../../store/db.js';
import { incidentKindLabels, openIncidentsOf } from '../../store/incidents.js';
import { formatParis } from '../../domain/calendar.js';
import { pathWorkflowId } from '../../domain/ids.js';
import { html, type Raw } from '../../domain/html.js';

/**
 * The largest request body the web app reads (forms and JSON API alike): an act
 * is a few fields; a megabyte is refused before it is parsed (docs/bounds.md).
 */
export const WEB_BODY_LIMIT_BYTES = 64 * 1024;

/** The path is unknown, or outside the account's perimeter (the same answer for both). */
export class PathNotFound extends Error {}

export async function pathFor(
  client: Client,
  account: Account,
  id: string,
  db?: Queryable,
): Promise<PathState> {
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
    // A path whose workflow task keeps failing cannot answer: its page shows its recorded state.
    const recorded = db ? await recordedIfStopped(db, id) : null;
    if (!recorded) throw err;
    state = recorded;
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

async function recordedIfStopped(db: Queryable, id: string): Promise<PathState | null> {
  const workflowId = pathWorkflowId(id);
  if ((await openIncidentsOf(db, workflowId)).length === 0) return null;
  const [row] = await db.query<{ state: PathState }>('select state from paths where workflow_id = $1', [
    workflowId,
  ]);
  return row?.state ?? null;
}

/**
 * The banner of a stopped path (docs/health.md): it says why and since when; the
 * page then shows no act form (an act on a stopped path reaches nobody).
 */
export async function stoppedBanner(db: Queryable, beneficiaryId: string): Promise<Raw | null> {
  const open = await openIncidentsOf(db, pathWorkflowId(beneficiaryId));
  if (open.length === 0) return null;
  return html`<div class="alert" role="alert">
    <strong>Parcours arrêté :</strong> ses échéances ne sont plus tenues et aucun acte ne peut y être
    enregistré.
    <ul>
      ${open.map(
        (i) =>
          html`<li>
            ${incidentKindLabels[i.kind]} depuis le ${formatParis(new Date(i.since), true)} : ${i.reason}
          </li>`,
      )}
    </ul>
    Un administrateur peut le relancer depuis son dernier état enregistré (page «
    <a href="/sante">Santé</a> »).
  </div>`;
}
