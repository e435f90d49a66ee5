/** Temporal's floor for the benchmark: a workflow that starts one timer and nothing else. */
import * as wf from '@temporalio/workflow';

export async function benchBaseline(): Promise<void> {
  await wf.sleep('30 days');
}
