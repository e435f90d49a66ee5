/**
 * Temporal's floor for the benchmark (bench/): a workflow that starts one timer and
 * nothing else (30 days), or, given an instant, wakes then and runs one activity —
 * the least a woken workflow costs, beside which a woken path is measured.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';

const { benchTouch } = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });

export async function benchBaseline(wakeAt?: string): Promise<void> {
  if (wakeAt === undefined) return wf.sleep('30 days');
  await wf.sleep(Math.max(1, Date.parse(wakeAt) - Date.now()));
  await benchTouch(wakeAt);
}
