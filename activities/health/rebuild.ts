/**
 * The read model rebuild's activities (services/rebuild.ts starts the workflow,
 * workflows/health/rebuild.ts pages through them): one visibility page at a
 * time, each workflow's state recorded through the very record functions the
 * workflows call, on the workers that hold the read model.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { ReadModelDb } from '../../store/db.js';
import { recordPath } from '../../store/record.js';
import { recordGrant } from '../../store/grants.js';
import type { PathState } from '../../domain/path/path.js';
import { pathRevision } from '../../domain/path/path-compaction.js';
import type { GrantState } from '../../domain/grants/cycle.js';
import { stateQuery } from '../../workflows/path/messages.js';
import { grantStateQuery } from '../../workflows/grants/messages.js';

/** Every run that holds a path's or a cycle's last state (a continued run's state lives on in the next). */
export const REBUILD_QUERY =
  'WorkflowType IN ("beneficiaryPath", "grantCycle") AND ExecutionStatus != "ContinuedAsNew"';
const PAGE_SIZE = 100;

/**
 * A grant cycle's revision counts changes in the workflow's memory, not in its state: a
 * rebuilt row takes the lowest, so the cycle's next write replaces it (and a second rebuild,
 * finding a row, leaves it).
 */
const REBUILT_GRANT_REVISION = 0;

export interface RebuildPage {
  examined: number;
  /** Rows written (missing or older); unchanged: already as new. */
  written: number;
  unchanged: number;
  failed: { workflowId: string; error: string }[];
  /** Base64 visibility page token; null on the last page. */
  next: string | null;
}

async function rebuildOne(
  client: Client,
  db: ReadModelDb,
  w: { workflowId: string; runId: string; type: string; status: string },
): Promise<boolean> {
  const handle = client.workflow.getHandle(w.workflowId, w.runId, { followRuns: false });
  // A completed run gives its result; any other (open, or stopped) its state, by replaying its history.
  const completed = w.status === 'COMPLETED';
  if (w.type === 'grantCycle') {
    const state = completed ? ((await handle.result()) as GrantState) : await handle.query(grantStateQuery);
    return recordGrant(db, { workflowId: w.workflowId, revision: REBUILT_GRANT_REVISION, state });
  }
  const state = completed ? ((await handle.result()) as PathState) : await handle.query(stateQuery);
  return recordPath(db, { workflowId: w.workflowId, revision: pathRevision(state), state });
}

/** One visibility page, each workflow recorded; a workflow that cannot answer is listed, not fatal. */
export async function rebuildPage(
  client: Client,
  db: ReadModelDb,
  token: string | null,
): Promise<RebuildPage> {
  const page = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query: REBUILD_QUERY,
    pageSize: PAGE_SIZE,
    ...(token ? { nextPageToken: Buffer.from(token, 'base64') } : {}),
  });
  const result: RebuildPage = { examined: 0, written: 0, unchanged: 0, failed: [], next: null };
  const statusName = (n: number | null | undefined) =>
    [
      'UNSPECIFIED',
      'RUNNING',
      'COMPLETED',
      'FAILED',
      'CANCELED',
      'TERMINATED',
      'CONTINUED_AS_NEW',
      'TIMED_OUT',
    ][n ?? 0] ?? 'UNSPECIFIED';
  for (const e of page.executions ?? []) {
    const w = {
      workflowId: e.execution?.workflowId ?? '',
      runId: e.execution?.runId ?? '',
      type: e.type?.name ?? '',
      status: statusName(e.status),
    };
    result.examined++;
    try {
      if (await rebuildOne(client, db, w)) result.written++;
      else result.unchanged++;
    } catch (err) {
      result.failed.push({ workflowId: w.workflowId, error: (err as Error).message.slice(0, 300) });
    }
  }
  const next = page.nextPageToken;
  result.next = next && next.length ? Buffer.from(next).toString('base64') : null;
  return result;
}

/** The activities the rebuild workflow calls, on the workers that hold the read model. */
export function createRebuildActivities(readModel: () => Promise<ReadModelDb>) {
  return {
    async rebuildCount(): Promise<number> {
      return (await Context.current().client.workflow.count(REBUILD_QUERY)).count;
    },
    async rebuildReadModelPage(input: { token: string | null }): Promise<RebuildPage> {
      return rebuildPage(Context.current().client, await readModel(), input.token);
    },
  };
}
