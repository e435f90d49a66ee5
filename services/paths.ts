/**
 * What people do to a beneficiary's path, shared by the CLI and the web app:
 * start it (idempotent), read it, act on it through the workflow's Updates.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { pathWorkflowId, pseudonymousIdSchema } from '../domain/ids.js';
import {
  pathInputSchema,
  type OrientationDecision,
  type PathInput,
  type PathState,
} from '../domain/path/path.js';
import { frenchIssues } from '../domain/validation.js';
import type { PathEventInput } from '../domain/path/path-events.js';
import { newPathState, parsePathEvent, PathRefusal } from '../domain/path/path-machine.js';
import {
  orientUpdate,
  pathEventUpdate,
  pathWorkflowType,
  stateQuery,
  type BeneficiaryPath,
} from '../workflows/path/messages.js';
import { frenchTemporalError, type TemporalErrorKind } from './temporal-errors.js';

import { ActionRefused } from '../domain/refusal.js';

export { ActionRefused };
/** Temporal could not serve the request (unreachable, too slow, failing): one French sentence. */
export class TemporalUnavailable extends Error {
  constructor(
    message: string,
    readonly kind: TemporalErrorKind,
  ) {
    super(message);
  }
}

/** Starts the path unless it already runs: a re-import never makes a second workflow. */
export async function startPath(
  client: Client,
  taskQueue: string,
  input: PathInput,
): Promise<{ workflowId: string; created: boolean }> {
  // The state carried by continue-as-new is the workflow's own, never a person's.
  if ('carried' in input || 'historyLimit' in input)
    throw new ActionRefused(
      'Données du parcours invalides : carried et historyLimit sont réservés au workflow.',
    );
  const parsed = pathInputSchema.safeParse(input);
  if (!parsed.success)
    throw new ActionRefused(`Données du parcours invalides : ${frenchIssues(parsed.error)}`);
  // The workflow builds the same state: a path it could not start (no national rules in force
  // at that date, unknown policy) is refused here, in French, instead of failing its first task.
  try {
    newPathState(parsed.data);
  } catch (err) {
    if (err instanceof RangeError) throw new ActionRefused(`Parcours refusé : ${err.message}.`);
    throw err;
  }
  const workflowId = pathWorkflowId(parsed.data.beneficiaryId);
  try {
    await client.workflow.start<BeneficiaryPath>(pathWorkflowType, {
      args: [parsed.data],
      workflowId,
      taskQueue,
    });
    return { workflowId, created: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, created: false };
    throw frenchError(err, parsed.data.beneficiaryId);
  }
}

/**
 * Any error from Temporal in French (services/temporal-errors.ts): a refusal, an unknown or
 * closed path are the person's answer (ActionRefused); the others say Temporal failed.
 */
export function frenchError(err: unknown, beneficiaryId?: string): unknown {
  const french = frenchTemporalError(err, beneficiaryId);
  if (!french) return err;
  if (french.kind === 'refused' || french.kind === 'not-found' || french.kind === 'closed')
    return new ActionRefused(french.message);
  return new TemporalUnavailable(french.message, french.kind);
}

async function onPath<T>(beneficiaryId: string, act: () => Promise<T>, event?: unknown): Promise<T> {
  const id = pseudonymousIdSchema.safeParse(beneficiaryId);
  if (!id.success) throw new ActionRefused(`Identifiant invalide : ${frenchIssues(id.error)}`);
  // Checked here as the path's validator would: a refusal comes before any call, a megabyte never leaves.
  if (event !== undefined)
    try {
      parsePathEvent(event);
    } catch (err) {
      if (err instanceof PathRefusal) throw new ActionRefused(err.message);
      throw err;
    }
  try {
    return await act();
  } catch (err) {
    throw frenchError(err, beneficiaryId);
  }
}

export async function showPath(client: Client, beneficiaryId: string): Promise<PathState> {
  return onPath(beneficiaryId, () =>
    client.workflow.getHandle(pathWorkflowId(beneficiaryId)).query(stateQuery),
  );
}

export async function orientPath(
  client: Client,
  beneficiaryId: string,
  decision: OrientationDecision,
): Promise<PathState> {
  return onPath(
    beneficiaryId,
    async () => {
      const handle = client.workflow.getHandle(pathWorkflowId(beneficiaryId));
      await handle.executeUpdate(orientUpdate, { args: [decision] });
      return handle.query(stateQuery);
    },
    decisionAsEvent(decision),
  );
}

/** Any act on the path (the same Update the web app sends); a refusal comes back in French. */
export async function actOnPath(
  client: Client,
  beneficiaryId: string,
  event: PathEventInput,
): Promise<PathState> {
  return onPath(
    beneficiaryId,
    async () => {
      const handle = client.workflow.getHandle(pathWorkflowId(beneficiaryId));
      await handle.executeUpdate(pathEventUpdate, { args: [event] });
      // The act answers a receipt (workflows/path/messages.ts); the state is read after it.
      return handle.query(stateQuery);
    },
    event,
  );
}

/** The orientation decision as the event the path applies (as the workflow's `orient` Update does). */
function decisionAsEvent(d: unknown): unknown {
  if (typeof d !== 'object' || d === null || Array.isArray(d))
    return { type: 'orientation.decided', data: d };
  const { decidedAt, decidedBy, ...data } = d as Record<string, unknown>;
  return {
    type: 'orientation.decided',
    ...(decidedAt !== undefined ? { at: decidedAt } : {}),
    ...(decidedBy !== undefined ? { by: decidedBy } : {}),
    data,
  };
}
