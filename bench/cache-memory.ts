/**
 * Memory per cached workflow (issue 18): one worker process with a cache wide enough
 * to keep everything, fed first with Temporal's floor (a workflow on a timer), then
 * with paths; the growth of its resident memory per workflow of each kind, then the
 * worker holding 5,000 cached paths.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { startPath } from '../services/paths.js';
import { procStats, type WorkerProcess } from './worker-process.js';
import { drained, kib, mib, pause, pool, quiet, range } from './tools.js';

const DAY = 86_400_000;

export interface StageContext {
  client: Client;
  startWorker: (name: string, env: Record<string, string>) => Promise<WorkerProcess>;
  log: (m: string) => void;
  row: (what: string, value: string, against: string) => void;
  results: Record<string, unknown>;
}

export async function cachedMemory(ctx: StageContext, o: { each: number; paths: number }) {
  const { client } = ctx;
  const taskQueue = `bench-cache-${randomUUID().slice(0, 8)}`;
  const worker = await ctx.startWorker('C', {
    JALONS_TASK_QUEUE: taskQueue,
    JALONS_MAX_CACHED_WORKFLOWS: String(o.each + o.paths + 100),
  });
  const rss = async () => {
    await drained(client, taskQueue);
    await quiet(() => procStats(worker.pid).cpuSeconds);
    await pause(2000);
    return procStats(worker.pid).rss;
  };
  const startPaths = (ids: number[]) =>
    pool(ids, 50, async (i) => {
      await startPath(client, taskQueue, {
        beneficiaryId: `CACHE-${i}`,
        rightsOpenedAt: new Date(Date.now() - 2 * DAY).toISOString(),
        territory: ['lens-lievin', 'audomarois', 'montreuillois'][i % 3]!,
      });
    });
  const empty = await rss();
  await pool(range(0, o.each), 50, async (i) => {
    await client.workflow.start('benchBaseline', { workflowId: `cache-floor-${i}`, taskQueue });
  });
  const withFloor = await rss();
  ctx.log(`cache : ${o.each} workflows de référence en mémoire`);
  await startPaths(range(0, o.each));
  const withPaths = await rss();
  ctx.log(`cache : ${o.each} parcours en mémoire`);
  await startPaths(range(o.each, o.paths));
  const full = await rss();
  await worker.stop();
  const floor = (withFloor - empty) / o.each;
  const path = (withPaths - withFloor) / o.each;
  ctx.results.cache = { each: o.each, empty, withFloor, withPaths, paths: o.paths, full, floor, path };
  ctx.row(
    `Mémoire par workflow en cache (parcours / référence, ${o.each} de chaque)`,
    `${kib(path)} / ${kib(floor)}`,
    `écart ${kib(path - floor)} (cible ≤ 200 Kio)`,
  );
  ctx.row(`Worker avec ${o.paths} parcours en cache (+ ${o.each} de référence)`, mib(full), 'cible ≤ 1 Gio');
}
