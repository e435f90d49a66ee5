/**
 * The 09:00 wave (issue 18): 5 % of the Département's paths (2,635 of 52,700) miss the
 * same deadline — breached together at midnight, escalated together at the next opening,
 * 09:00 — on one worker process with the production cache (most of them evicted: each
 * wakes by replaying its history). Beside it, as many of Temporal's floor workflows woken
 * at one instant to run one activity. On the time-skipping server, whose clock the bench
 * moves to each instant; wall time and the worker's CPU are real.
 */
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startPath } from '../services/paths.js';
import { provisionedPath, registerSearchAttributes } from '../services/temporal.js';
import type { StageContext } from './cache-memory.js';
import { procStats, type WorkerProcess } from './worker-process.js';
import { pause, pool, quiet, range } from './tools.js';
import { CountingRelay } from './counting-relay.js';

/** Monday 2 March 2026, 08:00 in Paris: the server's clock starts there. */
const START = '2026-03-02T07:00:00Z';
/** Floor: woken at 09:00 Paris that Monday. */
const FLOOR_WAKE = '2026-03-02T08:00:00Z';
/** Opened on 15 February: the 15-day orientation target ends on 2 March (docs/rules.md §1). */
const OPENED = '2026-02-15T10:00:00+01:00';
/** After the breach at midnight, before the escalation at 09:00 Paris on Tuesday 3 March. */
const BEFORE_NINE = '2026-03-03T07:59:00Z';
const AFTER_NINE = '2026-03-03T08:05:00Z';
const BEFORE_MIDNIGHT = '2026-03-02T22:55:00Z';

interface WaveContext extends StageContext {
  dataConverter: DataConverter;
}

export async function nineOClockWave(ctx: WaveContext, count: number) {
  process.env.JALONS_TEST_SERVER_START = START;
  const ts = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: provisionedPath('test-server') } },
    client: { dataConverter: ctx.dataConverter },
  });
  try {
    await registerSearchAttributes(ts.connection, ts.namespace ?? 'default');
    const taskQueue = 'bench-wave-0900';
    // The production cache (workers/config.ts): most of the 2,635 paths are not in it.
    const relay = await CountingRelay.start();
    const worker = await ctx.startWorker('V', {
      TEMPORAL_ADDRESS: ts.address,
      JALONS_TASK_QUEUE: taskQueue,
      SMTP_PORT: String(relay.port),
    });
    try {
      await measure(ctx, ts, worker, taskQueue, count, relay);
    } finally {
      await worker.stop();
      await relay.close();
    }
  } finally {
    await ts.teardown();
  }
}

async function measure(
  ctx: WaveContext,
  ts: TestWorkflowEnvironment,
  worker: WorkerProcess,
  taskQueue: string,
  count: number,
  relay: CountingRelay,
) {
  const cpu = () => procStats(worker.pid).cpuSeconds;
  const until = async (iso: string) => ts.sleep(Date.parse(iso) - (await ts.currentTimeMs()));
  // 1. The floor: `count` workflows on a timer to 09:00, each running one activity when woken.
  const floors = await startAll(count, (i) =>
    ts.client.workflow.start('benchBaseline', {
      args: [FLOOR_WAKE],
      workflowId: `wave-floor-${i}`,
      taskQueue,
    }),
  );
  await quiet(cpu);
  // Done when the worker is quiet again (its last 2 s of calm are not counted): awaiting thousands of
  // results at once unbalances the time-skipping server's lock.
  const floor = await timed(cpu, async () => {
    await until(`${FLOOR_WAKE.slice(0, 16)}:30Z`);
    await quiet(cpu);
  });
  floor.seconds -= 2;
  const unfinished = (await Promise.all(floors.map((h) => h.describe()))).filter(
    (d) => d.status.name !== 'COMPLETED',
  ).length;
  if (unfinished > 0) throw new Error(`vague 9 h : ${unfinished} workflows de référence non terminés`);
  ctx.log(`vague 9 h : référence ${floor.seconds.toFixed(1)} s, CPU ${floor.cpu.toFixed(1)} s`);

  // 2. The paths: started on the Monday morning, 15 days after their opening.
  await startAll(count, (i) =>
    startPath(ts.client, taskQueue, {
      beneficiaryId: `WAVE9-${i}`,
      rightsOpenedAt: OPENED,
      territory: ['lens-lievin', 'audomarois', 'montreuillois'][i % 3]!,
    }),
  );
  await until(BEFORE_MIDNIGHT);
  await quiet(cpu);
  const midnight = await timed(cpu, async () => {
    await until(BEFORE_NINE);
    await quiet(cpu);
  });
  midnight.seconds -= 2;
  ctx.log(`vague de minuit (retards) : ${midnight.seconds.toFixed(1)} s, CPU ${midnight.cpu.toFixed(1)} s`);
  const before = relay.count;
  const nine = await timed(cpu, async () => {
    await until(AFTER_NINE);
    await settledMail(() => relay.count - before, count);
  });
  const sent = relay.count - before;
  ctx.results.nineOClock = { count, floor, midnight, nine, sent };
  const perPath = (x: { cpu: number }) => `${((1000 * x.cpu) / count).toFixed(1)} ms`;
  ctx.row(
    `Vague de 9 h : ${count} escalades dues au même instant (1 worker, cache de production)`,
    `${nine.seconds.toFixed(1)} s, ${sent} courriels`,
    `cible ≤ 2 min ; CPU ${perPath(nine)} par parcours réveillé, référence ${perPath(floor)} (rapport ${(nine.cpu / floor.cpu).toFixed(1)}, cible ≤ 3)`,
  );
  ctx.row(
    `Minuit, les mêmes ${count} échéances dépassées`,
    `${midnight.seconds.toFixed(1)} s`,
    `CPU ${perPath(midnight)} par parcours réveillé (rapport ${(midnight.cpu / floor.cpu).toFixed(1)})`,
  );
}

/** Until `count` messages arrived, or none for a minute (then the table says how many did). */
async function settledMail(sent: () => number, count: number): Promise<void> {
  let last = sent();
  for (let still = 0; sent() < count && still < 60;) {
    await pause(1000);
    const now = sent();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

async function startAll<T>(count: number, start: (i: number) => Promise<T>): Promise<T[]> {
  const handles: T[] = [];
  await pool(range(0, count), 50, async (i) => {
    handles[i] = await start(i);
  });
  return handles;
}

async function timed(cpu: () => number, work: () => Promise<void>) {
  const [c0, t0] = [cpu(), performance.now()];
  await work();
  await pause(0);
  return { seconds: (performance.now() - t0) / 1000, cpu: cpu() - c0 };
}
