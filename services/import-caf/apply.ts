/** One row of a CAF flow applied to its path through Temporal (services/import-caf.ts runs them, a bounded number at once). */
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { formatParis } from '../../domain/calendar.js';
import { pathWorkflowId } from '../../domain/ids.js';
import type { PathInput, PathState } from '../../domain/path/path.js';
import type { PathEventInput } from '../../domain/path/path-events.js';
import { refusalOf } from '../../domain/path/path-machine.js';
import { partnerEventSignal, stateQuery } from '../../workflows/path/messages.js';
import { ActionRefused, startPath } from '../paths.js';
import { type CafRow } from './parse.js';
import { type ImportCounts } from './report.js';

export type Outcome =
  { kind: Exclude<keyof ImportCounts, 'rejected'> } | { kind: 'rejected'; reason: string };

const statusLabels: Partial<Record<string, string>> = {
  TERMINATED: 'arrêté',
  FAILED: 'en échec',
  CANCELLED: 'annulé',
  TIMED_OUT: 'expiré',
};

export async function statusOf(handle: WorkflowHandle): Promise<string | null> {
  try {
    return (await handle.describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** One valid row applied to Temporal: a path started (or found), or its end of rights signalled. */
export async function applyRow(
  client: Client,
  taskQueue: string,
  o: { policy: string; now: Date },
  row: CafRow,
): Promise<Outcome> {
  const { policy, now } = o;
  const handle = client.workflow.getHandle(pathWorkflowId(row.beneficiaryId));
  const status = await statusOf(handle);
  if (row.flow === 'fin_droit') return endRights(handle, row, status, now);
  if (status === 'COMPLETED') {
    // A closed path is never restarted by an import (its workflow id is the person's).
    const state = (await handle.result()) as PathState;
    if (state.exit && row.effectiveAt.getTime() > new Date(state.exit.at).getTime())
      return {
        kind: 'rejected',
        reason: `le parcours de ${row.beneficiaryId} est clos depuis le ${formatParis(new Date(state.exit.at))} : une réouverture du droit se traite à la main`,
      };
    return { kind: 'existing' };
  }
  if (status !== null) return { kind: 'existing' };
  const input: PathInput = {
    beneficiaryId: row.beneficiaryId,
    policy,
    rightsOpenedAt: row.effectiveAt.toISOString(),
    territory: row.territory,
    household: row.household,
    ...(row.accompaniedSince ? { accompaniedSince: row.accompaniedSince } : {}),
  };
  try {
    return { kind: (await startPath(client, taskQueue, input)).created ? 'created' : 'existing' };
  } catch (err) {
    if (err instanceof ActionRefused) return { kind: 'rejected', reason: err.message };
    throw err;
  }
}

async function endRights(
  handle: WorkflowHandle,
  row: CafRow,
  status: string | null,
  now: Date,
): Promise<Outcome> {
  const id = row.beneficiaryId;
  if (status === null)
    return {
      kind: 'rejected',
      reason: `aucun parcours pour l’allocataire ${id} : fin de droit sans ouverture connue`,
    };
  if (status === 'COMPLETED') {
    const state = (await handle.result()) as PathState;
    if (state.status === 'closed') return { kind: 'alreadyEnded' };
  }
  if (status !== 'RUNNING')
    return {
      kind: 'rejected',
      reason: `le parcours de ${id} n’est plus en cours (${statusLabels[status] ?? status})`,
    };
  const event: PathEventInput = {
    type: 'rights.ended',
    at: row.effectiveAt.toISOString(),
    data: { reason: 'end-of-rights' },
  };
  // Checked before it is sent: a Signal the path refuses would only be kept in its `rejected`.
  // A worker too busy to answer (a large flow catching up) does not stop the import: the
  // Signal is sent unchecked, and the path itself still refuses what its rules forbid.
  let state: PathState | null = null;
  try {
    state = await handle.query(stateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw err;
  }
  if (state?.status === 'closed') return { kind: 'alreadyEnded' };
  const refusal = state && refusalOf(state, event, now);
  if (refusal) return { kind: 'rejected', reason: `fin de droit refusée par le parcours : ${refusal}` };
  await handle.signal(partnerEventSignal, event);
  return { kind: 'ended' };
}
