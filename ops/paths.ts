/**
 * What people do to a beneficiary's path, shared by the CLI and the web app:
 * start it (idempotent), read it, act on it through the workflow's Updates.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { pathWorkflowId } from '../domain/ids.js';
import { pathInputSchema, type OrientationDecision, type PathInput, type PathState } from '../domain/path.js';
import { frenchIssues } from '../domain/validation.js';
import type { PathEventInput } from '../domain/path-events.js';
import { newPathState } from '../domain/path-machine.js';
import { beneficiaryPath, orientUpdate, pathEventUpdate, stateQuery } from '../workflows/path.js';
import { pathSearchAttributes } from '../workflows/search-attributes.js';

export class ActionRefused extends Error {}

/** Starts the path unless it already runs: a re-import never makes a second workflow. */
export async function startPath(
  client: Client,
  taskQueue: string,
  input: PathInput,
): Promise<{ workflowId: string; created: boolean }> {
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
    await client.workflow.start(beneficiaryPath, { args: [parsed.data], workflowId, taskQueue });
    return { workflowId, created: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, created: false };
    throw err;
  }
}

/** Turns the server's "no such workflow" and "already completed" into French refusals. */
async function onPath<T>(beneficiaryId: string, act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new ActionRefused(err.cause?.message ?? err.message);
    if (err instanceof WorkflowNotFoundError) {
      throw new ActionRefused(
        /already completed/i.test(err.message)
          ? `Le parcours ${beneficiaryId} est terminé : aucune action n’est plus possible.`
          : `Aucun parcours pour l’allocataire ${beneficiaryId}.`,
      );
    }
    throw err;
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
  return onPath(beneficiaryId, () =>
    client.workflow
      .getHandle(pathWorkflowId(beneficiaryId))
      .executeUpdate(orientUpdate, { args: [decision] }),
  );
}

/** Any act on the path (the same Update the web app sends); a refusal comes back in French. */
export async function actOnPath(
  client: Client,
  beneficiaryId: string,
  event: PathEventInput,
): Promise<PathState> {
  return onPath(beneficiaryId, () =>
    client.workflow
      .getHandle(pathWorkflowId(beneficiaryId))
      .executeUpdate(pathEventUpdate, { args: [event] }),
  );
}

export interface LatePath {
  beneficiaryId: string;
  step: string;
  territory: string;
  organisation: string | null;
  referent: string | null;
  nextDeadline: string | null;
}

/** Paths with a deadline passed and not met, from Temporal's visibility (search attributes). */
export async function latePaths(
  client: Client,
  filter: { territory?: string; organisation?: string; referent?: string; step?: string },
): Promise<LatePath[]> {
  const k = pathSearchAttributes;
  const clauses = [`${k.late.name} = true`, 'ExecutionStatus = "Running"'];
  const keys = { territory: k.territory, organisation: k.organisation, referent: k.referent, step: k.step };
  for (const [field, key] of Object.entries(keys)) {
    const value = filter[field as keyof typeof filter];
    if (value) clauses.push(`${key.name} = ${JSON.stringify(value)}`);
  }
  const found: LatePath[] = [];
  for await (const w of client.workflow.list({ query: clauses.join(' AND ') })) {
    const a = w.typedSearchAttributes;
    found.push({
      beneficiaryId: w.workflowId.replace(/^parcours-/, ''),
      step: a.get(k.step) ?? '',
      territory: a.get(k.territory) ?? '',
      organisation: a.get(k.organisation) ?? null,
      referent: a.get(k.referent) ?? null,
      nextDeadline: a.get(k.nextDeadline)?.toISOString() ?? null,
    });
  }
  return found.sort((x, y) => (x.nextDeadline ?? '').localeCompare(y.nextDeadline ?? ''));
}
