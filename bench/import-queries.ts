/**
 * Queries during a CAF import (issue 18): while `jalons import-caf` starts a flow's paths
 * (the default concurrency), a référent opens case after case — each a Query to its path's
 * workflow (`jalons parcours voir`, the case page). Their latency, on one worker process.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleCafFlow } from '../dev/sample-caf.js';
import { importCafFlow } from '../services/import-caf.js';
import { showPath, startPath } from '../services/paths.js';
import type { StageContext } from './cache-memory.js';
import { drained, percentile, pool, range } from './tools.js';

const DAY = 86_400_000;
const OPEN_CASES = 30;

export async function queriesDuringImport(ctx: StageContext, rows: number) {
  const { client } = ctx;
  const taskQueue = `bench-import-${randomUUID().slice(0, 8)}`;
  const worker = await ctx.startWorker('I', { JALONS_TASK_QUEUE: taskQueue });
  try {
    await pool(range(0, OPEN_CASES), 10, async (i) => {
      await startPath(client, taskQueue, {
        beneficiaryId: `CASE-${i}`,
        rightsOpenedAt: new Date(Date.now() - 3 * DAY).toISOString(),
        territory: 'lens-lievin',
      });
    });
    await drained(client, taskQueue);
    const file = join(mkdtempSync(join(tmpdir(), 'jalons-bench-caf-')), 'flux.csv');
    writeFileSync(file, sampleCafFlow(new Date(), rows));
    const latencies: number[] = [];
    let importing = true;
    const t0 = performance.now();
    const imported = importCafFlow(client, taskQueue, file).finally(() => (importing = false));
    for (let i = 0; importing; i++) {
      const t = performance.now();
      await showPath(client, `CASE-${i % OPEN_CASES}`);
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 100));
    }
    const summary = await imported;
    const seconds = (performance.now() - t0) / 1000;
    const p95 = percentile(latencies, 95);
    ctx.results.importQueries = {
      rows,
      seconds,
      started: summary.created,
      queries: latencies.length,
      p50: percentile(latencies, 50),
      p95,
      max: Math.max(...latencies),
    };
    ctx.row(
      `Fiches ouvertes pendant un import CAF de ${rows} lignes (p50 / p95 / max)`,
      `${percentile(latencies, 50).toFixed(0)} / ${p95.toFixed(0)} / ${Math.max(...latencies).toFixed(0)} ms`,
      `cible p95 ≤ 1 s ; ${latencies.length} requêtes, import ${seconds.toFixed(0)} s`,
    );
  } finally {
    await worker.stop();
  }
}
