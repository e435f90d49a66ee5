/**
 * The read model rebuilt from Temporal (services/rebuild.ts, docs/health.md): one
 * activity per visibility page, on the workers that hold the read model; its
 * progress is a query (the CLI's bar).
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';

export interface RebuildProgress {
  /** Workflows visibility counted at the start (the bar's end). */
  total: number;
  examined: number;
  written: number;
  unchanged: number;
  failed: { workflowId: string; error: string }[];
}

export const rebuildProgressQuery = wf.defineQuery<RebuildProgress>('rebuildProgress');

const { rebuildCount, rebuildReadModelPage } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
  },
});

/** Failures listed at most (the others counted): the report stays far below a payload's limit. */
const FAILED_LISTED = 200;

export async function readModelRebuild(): Promise<RebuildProgress> {
  const progress: RebuildProgress = { total: 0, examined: 0, written: 0, unchanged: 0, failed: [] };
  wf.setHandler(rebuildProgressQuery, () => progress);
  progress.total = await rebuildCount();
  let token: string | null = null;
  do {
    const page: Awaited<ReturnType<Activities['rebuildReadModelPage']>> = await rebuildReadModelPage({
      token,
    });
    progress.examined += page.examined;
    progress.written += page.written;
    progress.unchanged += page.unchanged;
    progress.failed.push(...page.failed.slice(0, Math.max(0, FAILED_LISTED - progress.failed.length)));
    token = page.next;
  } while (token);
  return progress;
}
