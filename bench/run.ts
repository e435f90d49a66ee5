/**
 * `npm run bench`: what one machine sustains, each figure beside Temporal's own
 * floor measured in the same run or beside its target (issue 8). Prints a table
 * and writes bench/results.json.
 *
 *   npm run bench -- [--n 2000] [--readmodel 10000] [--full]
 *
 * Runs its own dev server (a temporary SQLite file), an in-process worker, the
 * SMTP sink and an embedded read model: nothing of the running stack is touched.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  makeTelemetryFilterString,
  Runtime,
  Worker,
} from '@temporalio/worker';
import cliProgress from 'cli-progress';
import { openReadModel, type ReadModelDb } from '../activities/read-model/db.js';
import { lateItems } from '../activities/read-model/queries.js';
import { recordPath } from '../activities/read-model/record.js';
import { pathWorkflowId } from '../domain/ids.js';
import { applyPathEvent, newPathState } from '../domain/path-machine.js';
import { MailSink } from '../ops/mail-sink.js';
import { startPath } from '../ops/paths.js';
import { provisionedPath } from '../ops/temporal.js';
import { encryptedDataConverter, failureConverterPath, parseKeyRing } from '../workers/codec.js';
import { activitiesFor, workflowsPath } from '../workers/worker.js';
import { pathEventUpdate } from '../workflows/path.js';
import { pathSearchAttributes } from '../workflows/search-attributes.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    readmodel: { type: 'string', default: '10000' },
    full: { type: 'boolean' },
  },
});
const N = values.full ? 52_700 : Number(values.n);
const READ_MODEL_ROWS = values.full ? 52_700 : Number(values.readmodel);
const DAY = 86_400_000;

Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
});
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const results: Record<string, unknown> = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
};
const rows: [string, string, string][] = [];
const row = (what: string, value: string, against: string) => rows.push([what, value, against]);

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} Mio`;

async function pool<T>(
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
async function drained(client: Client, taskQueue: string): Promise<void> {
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
    await new Promise((r) => setTimeout(r, 200));
  }
}

const dataConverter = encryptedDataConverter(parseKeyRing(`bench:${Buffer.alloc(32, 3).toString('base64')}`));
const env = await TestWorkflowEnvironment.createLocal({
  client: { dataConverter },
  server: {
    executable: { type: 'existing-path', path: provisionedPath('cli') },
    searchAttributes: Object.values(pathSearchAttributes),
    extraArgs: ['--db-filename', join(mkdtempSync(join(tmpdir(), 'jalons-bench-')), 'temporal.db')],
  },
});
const sink = await MailSink.start({ smtpPort: 0 });
const db: ReadModelDb = await openReadModel('memory:');
const taskQueue = `bench-${randomUUID().slice(0, 8)}`;
const worker = await Worker.create({
  connection: env.nativeConnection,
  taskQueue,
  workflowsPath,
  dataConverter,
  maxCachedWorkflows: Number(process.env.JALONS_MAX_CACHED_WORKFLOWS ?? 500),
  activities: activitiesFor(
    { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined },
    'config/directory.json',
    db,
  ),
});
log(`serveur de dev prêt ; file ${taskQueue} ; N = ${N}`);
const cpu0 = process.cpuUsage();
const running = worker.run();

// 1. Cohort start, against the floor: N minimal workflows (start + one timer).
async function cohort(label: string, start: (i: number) => Promise<void>) {
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total}`, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(N, 0);
  const t0 = performance.now();
  await pool([...Array(N).keys()], 50, start, bar);
  const started = performance.now();
  bar.stop();
  await drained(env.client, taskQueue);
  const settled = performance.now();
  return { startsPerSecond: N / ((started - t0) / 1000), secondsToFirstTimer: (settled - t0) / 1000 };
}
const baseline = await cohort('référence', async (i) => {
  await env.client.workflow.start('benchBaseline', { workflowId: `bench-base-${i}`, taskQueue });
});
// Opened 2 days ago, so that nothing is due yet: each path's first act is its read-model row and its timer.
const jalons = await cohort('parcours ', async (i) => {
  await startPath(env.client, taskQueue, {
    beneficiaryId: `BENCH-${i}`,
    rightsOpenedAt: new Date(Date.now() - 2 * DAY).toISOString(),
    territory: ['lens-lievin', 'audomarois', 'montreuillois'][i % 3]!,
  });
});
results.cohort = { n: N, baseline, jalons, ratio: jalons.startsPerSecond / baseline.startsPerSecond };
row(
  'Démarrages par seconde (parcours / référence)',
  `${jalons.startsPerSecond.toFixed(0)} / ${baseline.startsPerSecond.toFixed(0)}`,
  `rapport ${(jalons.startsPerSecond / baseline.startsPerSecond).toFixed(2)} (cible ≥ 0,8)`,
);
row(
  'Jusqu’au premier minuteur, N chemins (parcours / référence)',
  `${jalons.secondsToFirstTimer.toFixed(1)} s / ${baseline.secondsToFirstTimer.toFixed(1)} s`,
  `rapport ${(baseline.secondsToFirstTimer / jalons.secondsToFirstTimer).toFixed(2)}`,
);

// 2. Steady state: memory and CPU while idle, then during a wave of overdue escalations.
await new Promise((r) => setTimeout(r, 3000));
const idle = process.memoryUsage().rss;
results.memory = { idleRss: idle, cachedWorkflows: worker.options.maxCachedWorkflows };
row(
  `Mémoire du processus (worker, PGlite, boîte SMTP) au repos, ${N} parcours`,
  mib(idle),
  `cible ≤ 1 Gio pour 52 700 (cache ${worker.options.maxCachedWorkflows} workflows)`,
);
const WAVE = Math.min(N, 1000);
const before = sink.messages().length;
const cpuWave0 = process.cpuUsage();
const tWave = performance.now();
await pool([...Array(WAVE).keys()], 50, async (i) => {
  // Opened 20 days ago: the missed local target is escalated at once (a wave of due messages).
  await startPath(env.client, taskQueue, {
    beneficiaryId: `WAVE-${i}`,
    rightsOpenedAt: new Date(Date.now() - 20 * DAY).toISOString(),
    territory: 'lens-lievin',
  });
});
await sink.waitFor((m) => m.length - before >= WAVE, 600_000);
const waveSeconds = (performance.now() - tWave) / 1000;
const waveCpu = process.cpuUsage(cpuWave0);
results.wave = {
  messages: WAVE,
  seconds: waveSeconds,
  rssAfter: process.memoryUsage().rss,
  cpuSeconds: (waveCpu.user + waveCpu.system) / 1e6,
};
row(
  `Vague de ${WAVE} escalades dues`,
  `${waveSeconds.toFixed(1)} s (${(WAVE / waveSeconds).toFixed(0)} courriels/s)`,
  `mémoire ${mib(process.memoryUsage().rss)}, CPU ${((waveCpu.user + waveCpu.system) / 1e6).toFixed(1)} s`,
);

// 3. Reaction: an Update on a path → visible in the read model (what the web app reads).
const reactions: number[] = [];
for (let i = 0; i < 30; i++) {
  const id = `BENCH-${i}`;
  const t0 = performance.now();
  await env.client.workflow.getHandle(pathWorkflowId(id)).executeUpdate(pathEventUpdate, {
    args: [
      {
        type: 'orientation.decided',
        data: { track: 'social', organisation: 'cd62', referent: `ref-${i % 7}` },
      },
    ],
  });
  for (;;) {
    const [r] = await db.query<{ step: string }>('select step from paths where workflow_id = $1', [
      pathWorkflowId(id),
    ]);
    if (r?.step === 'first-appointment') break;
    await new Promise((res) => setTimeout(res, 10));
  }
  reactions.push(performance.now() - t0);
}
results.reaction = { p50: percentile(reactions, 50), p95: percentile(reactions, 95) };
row(
  'Réaction : Update → modèle de lecture (p50 / p95)',
  `${percentile(reactions, 50).toFixed(0)} / ${percentile(reactions, 95).toFixed(0)} ms`,
  'cible p95 ≤ 2 s',
);
worker.shutdown();
await running;
const totalCpu = process.cpuUsage(cpu0);
results.cpuSeconds = (totalCpu.user + totalCpu.system) / 1e6;

// 4. Operations queries on a read model the size of the Département.
const rm = await openReadModel('memory:');
const bar = new cliProgress.SingleBar(
  { format: 'modèle de lecture [{bar}] {value}/{total}', stream: process.stderr },
  cliProgress.Presets.shades_classic,
);
bar.start(READ_MODEL_ROWS, 0);
const base = Date.parse('2026-01-05T08:00:00Z');
for (let i = 0; i < READ_MODEL_ROWS; i++) {
  const s = newPathState({
    beneficiaryId: `RM-${i}`,
    rightsOpenedAt: new Date(base + (i % 240) * DAY).toISOString(),
    territory: ['lens-lievin', 'audomarois', 'montreuillois'][i % 3]!,
  });
  if (i % 2 === 0)
    applyPathEvent(
      s,
      {
        type: 'orientation.decided',
        data: { track: 'social', organisation: 'cd62', referent: `ref-${i % 900}` },
      },
      new Date(base + ((i % 240) + 10) * DAY),
    );
  if (i % 5 === 0) for (const d of s.deadlines) if (!d.metAt) d.breached = true;
  await recordPath(rm, { workflowId: pathWorkflowId(s.beneficiaryId), revision: 1, state: s });
  if (i % 500 === 0) bar.update(i);
}
bar.stop();
const lateTimes: number[] = [];
const pageTimes: number[] = [];
for (let i = 0; i < 40; i++) {
  let t = performance.now();
  await lateItems(rm, i % 2 ? { territory: 'audomarois' } : {});
  lateTimes.push(performance.now() - t);
  t = performance.now();
  await rm.query('select state from paths where workflow_id = $1', [
    pathWorkflowId(`RM-${(i * 997) % READ_MODEL_ROWS}`),
  ]);
  pageTimes.push(performance.now() - t);
}
results.queries = {
  rows: READ_MODEL_ROWS,
  late: { p50: percentile(lateTimes, 50), p95: percentile(lateTimes, 95) },
  page: { p50: percentile(pageTimes, 50), p95: percentile(pageTimes, 95) },
};
row(
  `Liste des retards, ${READ_MODEL_ROWS} parcours (p50 / p95)`,
  `${percentile(lateTimes, 50).toFixed(0)} / ${percentile(lateTimes, 95).toFixed(0)} ms`,
  'cible p95 ≤ 200 ms (PGlite embarqué)',
);
row(
  'Fiche d’un parcours (p50 / p95)',
  `${percentile(pageTimes, 50).toFixed(1)} / ${percentile(pageTimes, 95).toFixed(1)} ms`,
  '',
);
await rm.close();

// 5. Replay of the longest committed history; events per run.
const histories = ['path-v2-full.json', 'path-v4-wake-after-record.json', 'path-v3-read-model.json'];
const longest = histories
  .map((f) => ({ f, h: JSON.parse(readFileSync(`test/histories/${f}`, 'utf8')) as { events: unknown[] } }))
  .sort((a, b) => b.h.events.length - a.h.events.length)[0]!;
const bundle = await bundleWorkflowCode({
  workflowsPath,
  failureConverterPath,
  logger: new DefaultLogger('ERROR'),
});
const replays: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  await Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, longest.h, longest.f);
  replays.push(performance.now() - t);
}
results.replay = { history: longest.f, events: longest.h.events.length, ms: Math.min(...replays) };
row(
  `Rejeu de l’historique le plus long (${longest.h.events.length} événements)`,
  `${Math.min(...replays).toFixed(0)} ms (meilleur de 5, paquet déjà construit)`,
  'cible ≤ 100 ms',
);

await env.teardown();
await sink.close();
await db.close();
writeFileSync('bench/results.json', JSON.stringify(results, null, 2));
const width = Math.max(...rows.map((r) => r[0].length));
console.log(
  `\nJalons — banc d’essai (${results.machine && (results.machine as { cpus: number }).cpus} cœurs, Node ${process.version})\n`,
);
for (const [what, value, against] of rows)
  console.log(`${what.padEnd(width)}  ${value.padEnd(28)}  ${against}`);
console.log('\nDétail : bench/results.json');
