/**
 * `jalons modele-lecture reconstruire`: the read model's paths and grant cycles
 * rebuilt from Temporal (docs/health.md). An open workflow gives its state (its
 * query), a completed one its result; each is written through the very record
 * functions the workflows call (activities/health/rebuild.ts), so
 * a row already as new is left alone and a second rebuild changes nothing.
 *
 * It runs on the workers, page by page (one activity per visibility page), as the
 * workflow `readModelRebuild`: they hold the read model (the embedded one has one
 * process) and a worker lost half-way costs one page. The CLI follows its
 * progress through the workflow's query and draws the bar (apps/cli/rebuild.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { pathRevision } from '../domain/path/path-compaction.js';
import { readModelRebuild, rebuildProgressQuery, type RebuildProgress } from '../workflows/health/rebuild.js';

/** The revision the path workflow records a state under: the same function, so they never drift. */
export { pathRevision };

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
