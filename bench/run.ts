/**
 * `npm run bench`: what one machine sustains, each figure beside Temporal's own
 * floor measured in the same run or beside its target (issue 8). Prints a table
 * and writes bench/results.json.
 *
 *   npm run bench -- [--n 2000] [--readmodel 10000] [--full]
 *
 * Runs its own dev server (a temporary SQLite file), the real worker process
 * (`workers/main.ts`, one, then two on the same task queue) on a PostgreSQL read
 * model, an SMTP relay that counts what it accepts (bench/counting-relay.ts) and the partner simulators: nothing of the running stack
 * is touched. The late list is also measured on the embedded read model (PGlite).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker } from '@temporalio/worker';
import { notificationQueue } from '../workflows/shared/queues.js';
import cliProgress from 'cli-progress';
import { procStats, startWorkerProcess } from './worker-process.js';
import { drained, mib, pause, percentile, pool } from './tools.js';
import { cachedMemory } from './cache-memory.js';
import { nineOClockWave } from './nine-oclock-wave.js';
import { queriesDuringImport } from './import-queries.js';
import { openReadModel, type ReadModelDb } from '../store/db.js';
import { lateItems } from '../store/queries.js';
import { recordPath } from '../store/record.js';
import { pathWorkflowId } from '../domain/ids.js';
import { applyPathEvent, newPathState } from '../domain/path/path-machine.js';
import { CountingRelay } from './counting-relay.js';
import { startPath } from '../services/paths.js';
import { provisionedPath, registerSearchAttributes } from '../services/temporal.js';
import { encryptedDataConverter, parseKeyRing } from '../workers/codec.js';
import { activitiesFor, JalonsWorkers, notificationWorkerOptions } from '../workers/worker.js';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../workers/config.js';
import { PartnerSimulators } from '../dev/simulators/server.js';
import { startPostgres } from '../test/support/postgres.js';
import { testDataConverter } from '../test/support/keys.js';
import { beneficiaryPath, pathEventUpdate } from '../workflows/path/path.js';
import type { PathEventInput } from '../domain/path/path-events.js';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { pathSearchAttributes } from '../workflows/shared/search-attributes.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    readmodel: { type: 'string', default: '10000' },
    full: { type: 'boolean' },
    /** V8 old-generation limit of each of the worker's isolates (main and workflow thread), in MiB. */
    'worker-heap': { type: 'string' },
    /** Stages to run, comma-separated (vague, cache, neuf-heures, import, requetes, rejeu, deux-ans). */
    etapes: { type: 'string', default: 'toutes' },
    /** Paths due at 09:00 in the `neuf-heures` stage: 5 % of 52,700 by default. */
    vague: { type: 'string', default: '2635' },
    /** Paths held in the cache in the `cache` stage. */
    cache: { type: 'string', default: '5000' },
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

const KEYS = `bench:${Buffer.alloc(32, 3).toString('base64')}`;
const dataConverter = encryptedDataConverter(parseKeyRing(KEYS));
const env = await TestWorkflowEnvironment.createLocal({
  client: { dataConverter },
  server: {
    executable: { type: 'existing-path', path: provisionedPath('cli') },
    searchAttributes: Object.values(pathSearchAttributes),
    extraArgs: ['--db-filename', join(mkdtempSync(join(tmpdir(), 'jalons-bench-')), 'temporal.db')],
  },
});
const relay = await CountingRelay.start();
const simulators = await PartnerSimulators.start({ port: 0 });
// The production shape: worker processes write a PostgreSQL read model (Debian's server, a fresh cluster).
const pg = await startPostgres();
const db: ReadModelDb = await openReadModel(pg.url);
const taskQueue = `bench-${randomUUID().slice(0, 8)}`;
const CACHE = Number(process.env.JALONS_MAX_CACHED_WORKFLOWS ?? DEFAULT_MAX_CACHED_WORKFLOWS);
const dataDir = mkdtempSync(join(tmpdir(), 'jalons-bench-data-'));
// Built as the image builds it (`npm run build`, run by `npm run bench`): the compiled worker
// (dist/app) and the workflow bundle it loads (JALONS_WORKFLOW_BUNDLE).
const bundlePath = 'dist/workflows.js';
const bundle = { code: readFileSync(bundlePath, 'utf8') };

/** The real worker (`workers/main.ts`: workflows + the notifications' queue), as production runs it. */
function benchWorkerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: env.address,
    JALONS_TASK_QUEUE: taskQueue,
    SMTP_PORT: String(relay.port),
    JALONS_READMODEL_URL: pg.url,
    JALONS_PAYLOAD_KEYS: KEYS,
    JALONS_SIMULATORS_PORT: String(simulators.port),
    // The wave measures what the machine sends; the relay's quota is a setting, not a capacity.
    JALONS_NOTIFICATIONS_PER_SECOND: '1000',
    JALONS_MAX_CACHED_WORKFLOWS: String(CACHE),
    JALONS_DATA_DIR: dataDir,
    JALONS_WORKFLOW_BUNDLE: bundlePath,
    ...extra,
  };
}
const onDeath = (why: string) => {
  log(why);
  pg.stop();
  void env.teardown().finally(() => process.exit(1));
};
const startWorker = (name: string, extra: Record<string, string> = {}) =>
  startWorkerProcess({
    name,
    env: benchWorkerEnv(extra),
    onDeath,
    ...(values['worker-heap'] ? { heapMiB: Number(values['worker-heap']) } : {}),
  });

/** 1–3b. Starts against the floor, memory at rest, a wave of escalations, reactions, two workers. */
async function steadyState() {
  const first = await startWorker('A');
  log(`serveur de dev prêt ; file ${taskQueue} ; N = ${N} ; worker A pid ${first.pid}`);

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

  // 2. Steady state: the worker process's memory and CPU while idle, then during a wave of overdue escalations.
  await new Promise((r) => setTimeout(r, 5000));
  const idle = procStats(first.pid);
  results.memory = {
    idleRss: idle.rss,
    cachedWorkflows: CACHE,
    openPaths: 2 * N,
    workerHeapMiB: values['worker-heap'] ?? null,
  };
  row(
    `Mémoire du worker au repos, ${2 * N} workflows ouverts (${N} parcours)`,
    mib(idle.rss),
    `cible ≤ 1 Gio pour 52 700 parcours (cache ${CACHE} workflows)`,
  );

  /** Starts `count` paths whose missed target is escalated at once; resolves when every message arrived. */
  async function wave(prefix: string, count: number): Promise<number> {
    const before = relay.count;
    const t = performance.now();
    await pool([...Array(count).keys()], 50, async (i) => {
      // Opened 20 days ago: the missed 15-day target is escalated at once.
      await startPath(env.client, taskQueue, {
        beneficiaryId: `${prefix}-${i}`,
        rightsOpenedAt: new Date(Date.now() - 20 * DAY).toISOString(),
        territory: 'lens-lievin',
      });
    });
    for (const end = Date.now() + 900_000; relay.count - before < count; await pause(200))
      if (Date.now() > end)
        throw new Error(`vague : ${relay.count - before} courriels sur ${count} en 15 min`);
    return (performance.now() - t) / 1000;
  }
  const WAVE = Math.min(N, 1000);
  const cpuBefore = procStats(first.pid).cpuSeconds;
  const waveSeconds = await wave('WAVE', WAVE);
  const afterWave = procStats(first.pid);
  results.wave = {
    messages: WAVE,
    seconds: waveSeconds,
    rssAfter: afterWave.rss,
    workerCpuSeconds: afterWave.cpuSeconds - cpuBefore,
  };
  row(
    `Vague de ${WAVE} escalades dues (1 worker)`,
    `${waveSeconds.toFixed(1)} s (${(WAVE / waveSeconds).toFixed(0)} courriels/s)`,
    `worker : ${mib(afterWave.rss)}, CPU ${(afterWave.cpuSeconds - cpuBefore).toFixed(1)} s`,
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

  // 3b. Two worker processes on the same task queues: the server shares the work between them.
  const second = await startWorker('B');
  const cpuA0 = procStats(first.pid).cpuSeconds;
  const cpuB0 = procStats(second.pid).cpuSeconds;
  const wave2Seconds = await wave('WAVE2', WAVE);
  const [a, b] = [procStats(first.pid), procStats(second.pid)];
  const split = { a: a.cpuSeconds - cpuA0, b: b.cpuSeconds - cpuB0 };
  results.twoWorkers = {
    messages: WAVE,
    seconds: wave2Seconds,
    cpuSeconds: split,
    rss: { a: a.rss, b: b.rss },
  };
  row(
    `Vague de ${WAVE} escalades, 2 workers (CPU A / B)`,
    `${wave2Seconds.toFixed(1)} s (${(WAVE / wave2Seconds).toFixed(0)} courriels/s)`,
    `${split.a.toFixed(1)} s / ${split.b.toFixed(1)} s (part de B ${((100 * split.b) / (split.a + split.b)).toFixed(0)} %)`,
  );
  await second.stop();
  await first.stop();
  results.notificationQueue = notificationQueue(taskQueue);
}

/** 4. Operations queries on a read model the size of the Département. */
async function readModelQueries() {
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
}

/** 5. Replay of the longest committed history. */
async function replay() {
  // The latest release's paths (test/histories/<version>/, scripts/record-release-histories.ts).
  const release = `test/histories/${readdirSync('test/histories')
    .filter((d) => /^\d+\.\d+(\.\d+)?$/.test(d))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .at(-1)}`;
  const histories = readdirSync(release).filter((f) => f.startsWith('beneficiaryPath-'));
  const longest = histories
    .map((f) => ({ f, h: JSON.parse(readFileSync(`${release}/${f}`, 'utf8')) as { events: unknown[] } }))
    .sort((a, b) => b.h.events.length - a.h.events.length)[0]!;

  // One replay worker (created once, as a worker does), the history replayed 20 times: per replay.
  const REPLAYS = 20;
  let replayStart = 0;
  const copies = (async function* () {
    replayStart = performance.now();
    for (let i = 0; i < REPLAYS; i++) yield { workflowId: `${longest.f}-${i}`, history: longest.h };
  })();
  // The committed histories were recorded with the tests' key ring.
  for await (const r of Worker.runReplayHistories(
    { workflowBundle: bundle, dataConverter: testDataConverter },
    copies,
  ))
    if (r.error) throw r.error;
  const replays = [(performance.now() - replayStart) / REPLAYS];
  results.replay = { history: longest.f, events: longest.h.events.length, ms: Math.min(...replays) };
  row(
    `Rejeu de l’historique le plus long (${longest.h.events.length} événements)`,
    `${Math.min(...replays).toFixed(0)} ms (moyenne de ${REPLAYS}, worker de rejeu déjà créé)`,
    'cible ≤ 50 ms',
  );
}

/** 6. One path over two years on the time-skipping server: events and bytes of history per path-year. */
async function twoYears() {
  // bytes of history per path and per year — the per-path costs behind the capacity note (README).
  process.env.JALONS_TEST_SERVER_START = '2026-01-05T08:00:00Z';
  const ts = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: provisionedPath('test-server') } },
    client: { dataConverter },
  });
  await registerSearchAttributes(ts.connection, ts.namespace ?? 'default');
  const tsOptions = {
    connection: ts.nativeConnection,
    taskQueue: 'bench-two-years',
    workflowBundle: bundle,
    dataConverter,
    activities: activitiesFor(
      { host: '127.0.0.1', port: relay.port, secure: false, auth: undefined },
      'config/directory.json',
      'memory:',
      simulators.config(),
    ),
  };
  const tsWorkers = new JalonsWorkers(
    await Worker.create(tsOptions),
    await Worker.create(notificationWorkerOptions(tsOptions, 1_000)),
  );
  const twoYears = await tsWorkers.runUntil(async () => {
    const id = 'BENCH-2Y';
    const h = await ts.client.workflow.start(beneficiaryPath, {
      args: [{ beneficiaryId: id, rightsOpenedAt: '2026-01-05T09:00:00+01:00', territory: 'audomarois' }],
      workflowId: pathWorkflowId(id),
      taskQueue: 'bench-two-years',
    });
    const act = async (day: string, event: PathEventInput) => {
      const at = Date.parse(`${day}T10:00:00Z`);
      const now = await ts.currentTimeMs();
      if (at > now) await ts.sleep(at - now);
      await h.executeUpdate(pathEventUpdate, { args: [event] });
    };
    await act('2026-01-12', {
      type: 'orientation.decided',
      data: { track: 'socio-professional', organisation: 'cd62', referent: 'ref-1' },
    });
    await act('2026-01-20', { type: 'appointment.attended', data: {} });
    await act('2026-01-20', { type: 'diagnostic.completed', data: { barriers: [] } });
    await act('2026-02-02', { type: 'contract.signed', data: { weeklyHours: 15, intensive: true } });
    // Two interviews a month for 24 months, the hours declared monthly (a busy path).
    for (let m = 0; m < 24; m++) {
      const month = new Date(Date.UTC(2026, 1 + m, 1)).toISOString().slice(0, 7);
      await act(`${month}-05`, { type: 'interview.held', data: {} });
      await act(`${month}-12`, { type: 'activity.declared', data: { hours: 60 } });
      await act(`${month}-19`, { type: 'interview.held', data: {} });
    }
    await act('2028-01-28', { type: 'rights.ended', data: { reason: 'job' } });
    await h.result();
    // Every run of the path, from the first (continue-as-new keeps each bounded).
    const runs: { events: number; bytes: number }[] = [];
    const types = new Map<string, number>();
    // The test server has no visibility: follow the chain of runs from the first.
    for (let runId: string | undefined = h.firstExecutionRunId; runId;) {
      const history = await ts.client.workflow.getHandle(pathWorkflowId(id), runId).fetchHistory();
      runId =
        history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ??
        undefined;
      runs.push({ events: history.events?.length ?? 0, bytes: historyToJSON(history).length });
      for (const e of history.events ?? []) {
        const type =
          e.activityTaskScheduledEventAttributes?.activityType?.name ??
          (e.timerStartedEventAttributes ? 'timer' : null);
        if (type) types.set(type, (types.get(type) ?? 0) + 1);
      }
    }
    return { runs, types: Object.fromEntries(types) };
  });
  await ts.teardown();
  const totalEvents = twoYears.runs.reduce((n, r) => n + r.events, 0);
  const totalBytes = twoYears.runs.reduce((n, r) => n + r.bytes, 0);
  results.twoYears = { ...twoYears, totalEvents, totalBytes };
  row(
    'Un parcours sur 2 ans (78 actes) : exécutions, événements max par exécution',
    `${twoYears.runs.length} exécution(s), ${Math.max(...twoYears.runs.map((r) => r.events))} événements au plus`,
    'cible ≤ 2 000 événements par exécution',
  );
  row(
    'Le même parcours : événements, octets d’historique, par an',
    `${(totalEvents / 2).toFixed(0)} événements, ${mib(totalBytes / 2).replace(' Mio', '')} Mio`,
    `activités/an : ${Object.entries(twoYears.types)
      .map(([k, v]) => `${k} ${(v / 2).toFixed(0)}`)
      .join(', ')}`,
  );
}

const stageContext = { client: env.client, startWorker, log, row, results, dataConverter };
const stages: Record<string, () => Promise<void>> = {
  vague: steadyState,
  cache: () => cachedMemory(stageContext, { each: 500, paths: Number(values.cache) }),
  'neuf-heures': () => nineOClockWave(stageContext, values.full ? 2_635 : Number(values.vague)),
  import: () => queriesDuringImport(stageContext, N),
  requetes: readModelQueries,
  rejeu: replay,
  'deux-ans': twoYears,
};
const wanted = values.etapes === 'toutes' ? Object.keys(stages) : values.etapes.split(',');
let printed = 0;
for (const name of wanted) {
  const stage = stages[name];
  if (!stage) throw new Error(`étape inconnue : ${name} (attendues : ${Object.keys(stages).join(', ')})`);
  log(`étape ${name}`);
  await stage();
  // Each stage's figures kept as soon as measured: a later stage that fails loses only its own.
  writeFileSync('bench/results.json', JSON.stringify({ ...results, rows }, null, 2));
  for (const [what, value, against] of rows.slice(printed)) log(`${what} : ${value} — ${against}`);
  printed = rows.length;
}
results.stages = wanted;

await env.teardown();
await relay.close();
await db.close();
await simulators.close();
pg.stop();
writeFileSync('bench/results.json', JSON.stringify(results, null, 2));
const width = Math.max(...rows.map((r) => r[0].length));
console.log(
  `\nJalons — banc d’essai (${results.machine && (results.machine as { cpus: number }).cpus} cœurs, Node ${process.version})\n`,
);
for (const [what, value, against] of rows)
  console.log(`${what.padEnd(width)}  ${value.padEnd(28)}  ${against}`);
console.log('\nDétail : bench/results.json');
