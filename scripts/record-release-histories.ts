/**
 * Records, at a release, the histories of every workflow type the worker
 * registers (workflows/index.ts) into test/histories/<version>/, for the replay
 * test (test/replay/releases.test.ts): from then on, every later version must
 * replay them. Real worker and activities: the SMTP sink, an embedded read model,
 * the partner simulators over HTTP. Recorded with the tests' key ring so the
 * replay can decrypt them. See test/histories/README.md.
 *
 *   npx tsx scripts/record-release-histories.ts 1.0      (npm run record:release -- 1.0)
 *
 * Run it when a version is released, never to make a replay failure go away: a
 * replay failure means a running workflow of that release would break.
 * Re-runnable: it replaces test/histories/<version>/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { MailSink } from '../dev/mail-sink.js';
import { registerSearchAttributes, startedInTime } from '../services/temporal.js';
import { PartnerSimulators } from '../dev/simulators/server.js';
import { testDataConverter } from '../test/support/keys.js';
import { activitiesFor, JalonsWorkers, notificationWorkerOptions, workflowsPath } from '../workers/worker.js';
import { openReadModel } from '../store/db.js';
import { partnerEventSignal, pathEventUpdate, orientUpdate } from '../workflows/path/path.js';
import { GRANT_START, grantCases, grantUpdates, pathCases, type Day } from './release-cases.js';
import { closePath, finish, recordHealth, recordOthers, type Phase } from './release-other-cases.js';
import { workflowBundlerOptions } from '../workers/workflow-bundle.js';

const version = process.argv[2] ?? '';
if (!/^\d+\.\d+(\.\d+)?$/.test(version)) {
  console.error('Usage : npx tsx scripts/record-release-histories.ts <version>   (par exemple 1.0)');
  process.exit(2);
}
const out = `test/histories/${version}`;
/** Not recorded: the benchmark's empty workflow, never run by the product (test/histories/README.md). */
const SKIPPED_TYPES = ['benchBaseline'];

// The RGPD purge deletes files older than its cutoff in the data folder: never the developer's own.
const dataDir = mkdtempSync(join(tmpdir(), 'jalons-record-'));
process.env.JALONS_DATA_DIR = dataDir;
Runtime.install({ logger: new DefaultLogger('ERROR') });

const servers = Object.fromEntries(
  execFileSync('bash', ['scripts/provision-temporal.sh', 'all'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.split('=') as [string, string]),
);
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };
const { code } = await bundleWorkflowCode({
  workflowsPath,
  failureConverterPath: testDataConverter.failureConverterPath,
  logger: quiet,
  ...workflowBundlerOptions,
});
const sink = await MailSink.start({ smtpPort: 0 });
const sims = await PartnerSimulators.start({ port: 0, holdMs: 2_000 });
process.env.JALONS_SIMULATORS_PORT = String(sims.port);

const recorded: { type: string; name: string; events: number }[] = [];
// Written aside, put in place at the end: a failed run leaves the release's folder as it was.
mkdirSync('test/histories', { recursive: true });
const staging = mkdtempSync(`test/histories/.${version}-`);
process.on('exit', () => {
  for (const dir of [staging, dataDir]) rmSync(dir, { recursive: true, force: true });
});

async function save(env: TestWorkflowEnvironment, type: string, name: string, id: string, runId?: string) {
  const history = await env.client.workflow.getHandle(id, runId).fetchHistory();
  const last = history.events?.at(-1);
  const closed =
    last?.workflowExecutionCompletedEventAttributes ?? last?.workflowExecutionContinuedAsNewEventAttributes;
  if (!closed) throw new Error(`${type}-${name} : l’exécution ${id} n’est ni terminée ni continuée`);
  writeFileSync(`${staging}/${type}-${name}.json`, historyToJSON(history));
  recorded.push({ type, name, events: history.events?.length ?? 0 });
  console.log(`${out}/${type}-${name}.json : ${history.events?.length} événements`);
}

/** Runs `cases` on a fresh server (time-skipping from `startAt`, or the dev server) with a real worker. */
async function phase(
  server: { timeSkippingFrom: string } | 'dev',
  taskQueue: string,
  cases: (p: Phase) => Promise<void>,
): Promise<void> {
  if (server !== 'dev')
    process.env.JALONS_TEST_SERVER_START = new Date(server.timeSkippingFrom).toISOString();
  const env = await startedInTime(() =>
    server === 'dev'
      ? TestWorkflowEnvironment.createLocal({
          client: { dataConverter: testDataConverter },
          server: { executable: { type: 'existing-path', path: servers.TEMPORAL_CLI_PATH! } },
        })
      : TestWorkflowEnvironment.createTimeSkipping({
          server: { executable: { type: 'existing-path', path: servers.TEMPORAL_TEST_SERVER_PATH! } },
          client: { dataConverter: testDataConverter },
        }),
  );
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  const db = await openReadModel('memory:');
  const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
  const base: WorkerOptions = {
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: { code },
    dataConverter: testDataConverter,
    activities: activitiesFor(smtp, 'config/directory.json', db, sims.config({ timeoutMs: 5_000 })),
  };
  const worker = new JalonsWorkers(
    await Worker.create(base),
    await Worker.create(notificationWorkerOptions(base, 1_000)),
  );
  try {
    await worker.runUntil(() =>
      cases({
        env,
        db,
        sims,
        taskQueue,
        timeSkipping: server !== 'dev',
        save: (type, name, id, runId) => save(env, type, name, id, runId),
      }),
    );
  } finally {
    await env.teardown();
    await db.close();
    sims.faults.clear();
    sims.reset();
  }
}

/** Moves the test server's clock forward to `instant` (never back). */
async function advanceTo(env: TestWorkflowEnvironment, instant: string): Promise<void> {
  const wait = new Date(instant).getTime() - (await env.currentTimeMs());
  if (wait > 0) await env.sleep(wait);
}

// ─── Grant cycles: one clock from 20/10/2025, the acts of all cycles in their order ───
await phase({ timeSkippingFrom: GRANT_START }, 'record-grants', async (p) => {
  for (const c of Object.values(grantCases))
    await p.env.client.workflow.start('grantCycle', {
      args: [{ grantId: c.grantId, programme: c.programme }],
      workflowId: `subvention-${c.grantId}`,
      taskQueue: p.taskQueue,
    });
  const steps = Object.values(grantCases)
    .flatMap((c) => c.steps.map((step, i) => ({ ...step, grantId: c.grantId, i })))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const step of steps) {
    await advanceTo(p.env, step.at);
    if ('fault' in step) p.sims.faults.inject(step.fault);
    else
      await p.env.client.workflow
        .getHandle(`subvention-${step.grantId}`)
        .executeUpdate(grantUpdates[step.act], { args: [step.args as never] });
  }
  // A cycle ends once its correction window (60 days after its last fact) is over.
  await advanceTo(p.env, new Date(Date.parse(steps.at(-1)!.at) + 61 * 86_400_000).toISOString());
  for (const [name, c] of Object.entries(grantCases)) {
    await finish(p, `subvention-${c.grantId}`);
    await p.save('grantCycle', name, `subvention-${c.grantId}`);
  }
});

// ─── Paths, one after the other (each opens its right at its start), then the other types ───
await phase({ timeSkippingFrom: '2026-03-20T09:00:00+01:00' }, 'record-paths', async (p) => {
  for (const [name, makeCase] of Object.entries(pathCases)) {
    const t0 = await p.env.currentTimeMs();
    const day: Day = (days, hours = 0) => new Date(t0 + days * 86_400_000 + hours * 3_600_000).toISOString();
    const c = makeCase(day);
    const workflowId = `parcours-REC-${name}`;
    const h = await p.env.client.workflow.start('beneficiaryPath', {
      args: [{ beneficiaryId: `REC-${name}`, rightsOpenedAt: day(0), ...c.input }],
      workflowId,
      taskQueue: p.taskQueue,
    });
    for (const step of c.steps) {
      if ('wait' in step) await p.env.sleep(step.wait);
      else if ('fault' in step) p.sims.faults.inject(step.fault);
      else if ('orient' in step) await h.executeUpdate(orientUpdate, { args: [step.orient] });
      else if (step.signal) await h.signal(partnerEventSignal, step.event);
      else await h.executeUpdate(pathEventUpdate, { args: [step.event] });
    }
    if (c.continued) {
      await p.save('beneficiaryPath', name, workflowId, h.firstExecutionRunId);
      // The next run is closed too: nothing keeps running into the next case.
      await closePath(p, workflowId);
    } else {
      await finish(p, workflowId);
      await p.save('beneficiaryPath', name, workflowId);
    }
  }
  await recordOthers(p);
});

// ─── The health watch and the read model's rebuild read Temporal's visibility: the dev server ───
await phase('dev', 'record-health', recordHealth);

await sink.close();
await sims.close();
rmSync(out, { recursive: true, force: true });
renameSync(staging, out);

const byType = new Map<string, { histories: number; events: number[] }>();
for (const r of recorded) {
  const t = byType.get(r.type) ?? { histories: 0, events: [] };
  t.histories++;
  t.events.push(r.events);
  byType.set(r.type, t);
}
console.log(`\n${recorded.length} historiques dans ${out} :`);
for (const [type, t] of byType)
  console.log(`  ${type.padEnd(26)} ${t.histories} historique(s), événements : ${t.events.join(', ')}`);
console.log(`  non enregistrés : ${SKIPPED_TYPES.join(', ')} (voir test/histories/README.md)`);
