/**
 * `jalons modele-lecture reconstruire`: the read model's paths and grant cycles
 * rebuilt from Temporal (docs/health.md). An open workflow gives its state (its
 * query), a completed one its result; each is written through the very record
 * functions the workflows call (store/record.ts, grants.ts), so
 * a row already as new is left alone and a second rebuild changes nothing.
 *
 * It runs on the workers, page by page (one activity per visibility page), as the
 * workflow `readModelRebuild`: they hold the read model (the embedded one has one
 * process) and a worker lost half-way costs one page. The CLI follows its
 * progress through the workflow's query and draws the bar.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import type { ReadModelDb } from '../store/db.js';
import { recordPath } from '../store/record.js';
import { recordGrant } from '../store/grants.js';
import type { PathState } from '../domain/path/path.js';
import { pathRevision } from '../domain/path/path-compaction.js';
import type { GrantState } from '../domain/grants/cycle.js';
import { stateQuery } from '../workflows/path/path.js';
import { grantStateQuery } from '../workflows/grants/grant.js';
import { readModelRebuild, rebuildProgressQuery, type RebuildProgress } from '../workflows/health/rebuild.js';
import { loadConfig } from '../workers/config.js';
import { connectClient } from './temporal.js';

/** Every run that holds a path's or a cycle's last state (a continued run's state lives on in the next). */
export const REBUILD_QUERY =
  'WorkflowType IN ("beneficiaryPath", "grantCycle") AND ExecutionStatus != "ContinuedAsNew"';
const PAGE_SIZE = 100;

/** The revision the path workflow records a state under: the same function, so they never drift. */
export { pathRevision };

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

export function describeRebuild(p: RebuildProgress): string {
  const lines = [
    `Modèle de lecture reconstruit depuis Temporal : ${p.examined} workflow(s) lus, ` +
      `${p.written} ligne(s) écrite(s), ${p.unchanged} déjà à jour, ${p.failed.length} en échec.`,
  ];
  for (const f of p.failed) lines.push(`  ${f.workflowId} : ${f.error}`);
  return lines.join('\n');
}

/** Starts the rebuild on the workers and follows it (`onProgress` for a bar); its final counts. */
export async function runRebuild(
  client: Client,
  taskQueue: string,
  onProgress?: (p: RebuildProgress) => void,
): Promise<RebuildProgress> {
  const handle = await client.workflow.start(readModelRebuild, {
    taskQueue,
    workflowId: `modele-lecture-reconstruction-${randomUUID()}`,
    workflowExecutionTimeout: '6 hours',
  });
  const result = handle.result();
  let finished = false;
  void result.then(
    () => (finished = true),
    () => (finished = true),
  );
  while (!finished && onProgress) {
    await new Promise((r) => setTimeout(r, 500));
    if (finished) break;
    onProgress(await handle.query(rebuildProgressQuery).catch(() => emptyProgress()));
  }
  return result;
}

const emptyProgress = (): RebuildProgress => ({
  total: 0,
  examined: 0,
  written: 0,
  unchanged: 0,
  failed: [],
});

export function registerRebuildCommand(program: Command): void {
  program
    .command('modele-lecture')
    .description('modèle de lecture (PostgreSQL)')
    .command('reconstruire')
    .description('reconstruit les parcours et subventions du modèle de lecture depuis Temporal (idempotent)')
    .option('--json', 'résumé en JSON')
    .action(async (o: { json?: boolean }) => {
      const config = loadConfig();
      const client = await connectClient(config);
      const bar = process.stderr.isTTY
        ? new SingleBar({
            stream: process.stderr,
            format: 'Reconstruction {bar} {percentage} % | {value}/{total} workflows',
            hideCursor: true,
          })
        : null;
      let started = false;
      const progress = await runRebuild(client, config.taskQueue, (p) => {
        if (!bar || p.total === 0) return;
        if (!started) bar.start(p.total, p.examined);
        else bar.update(p.examined);
        started = true;
      });
      if (bar && started) {
        bar.update(progress.examined);
        bar.stop();
      }
      console.log(o.json ? JSON.stringify(progress, null, 2) : describeRebuild(progress));
    });
}
