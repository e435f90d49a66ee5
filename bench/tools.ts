/** Small tools the bench's stages share: a pool of concurrent starts, waits, percentiles. */
import type { Client } from '@temporalio/client';
import type cliProgress from 'cli-progress';

export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
export const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} Mio`;
export const kib = (b: number) => `${(b / 1024).toFixed(0)} Kio`;
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

export async function pool<T>(
  items: T[],
  width: number,
  work: (item: T) => Promise<void>,
  bar?: cliProgress.SingleBar,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        await work(items[next++]!);
        bar?.increment();
      }
    }),
  );
}

/** Waits until no workflow or activity task is waiting: every workflow sits on a timer. */
export async function drained(client: Client, taskQueue: string): Promise<void> {
  for (;;) {
    let backlog = 0;
    for (const taskQueueType of [1, 2]) {
      const r = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: taskQueue },
        taskQueueType,
        reportStats: true,
      });
      backlog += Number(r.stats?.approximateBacklogCount ?? 0);
    }
    if (backlog === 0) return;
    await pause(200);
  }
}

/** Waits until a process has used less than 2 % of a core for two seconds in a row. */
export async function quiet(cpuSeconds: () => number): Promise<void> {
  let calm = 0;
  for (let before = cpuSeconds(); calm < 2;) {
    await pause(1000);
    const now = cpuSeconds();
    calm = now - before < 0.02 ? calm + 1 : 0;
    before = now;
  }
}
