/**
 * Records the histories of representative paths on the time-skipping server,
 * into test/histories/, for the replay tests. Run it when a new representative
 * path is worth keeping; never re-record to make a replay failure go away (a
 * replay failure means running workflows would break: use patched()).
 *
 *   npx tsx scripts/record-histories.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { pathWorkflowId } from '../domain/ids.js';
import { MailSink } from '../ops/mail-sink.js';
import type { PathInput } from '../domain/path.js';
import type { PathEventInput } from '../domain/path-events.js';
import { registerSearchAttributes } from '../ops/temporal.js';
import { partnerEventSignal, pathEventUpdate } from '../workflows/path.js';
import { activitiesFor, JalonsWorkers, notificationWorkerOptions, workflowsPath } from '../workers/worker.js';
import { testDataConverter } from '../test/support/keys.js';
import { PartnerSimulators, type FaultSpec } from '../simulators/server.js';

const serverPath = execFileSync('bash', ['scripts/provision-temporal.sh', 'test-server'], {
  encoding: 'utf8',
})
  .trim()
  .split('=')[1]!;
process.env.JALONS_TEST_SERVER_START = '2026-03-20T08:00:00Z'; // 09:00 Paris
// Recorded with the tests' key ring, so the replay test can decrypt them.
const env = await TestWorkflowEnvironment.createTimeSkipping({
  server: { executable: { type: 'existing-path', path: serverPath } },
  client: { dataConverter: testDataConverter },
});
await registerSearchAttributes(env.connection, env.namespace ?? 'default');
const sink = await MailSink.start({ smtpPort: 0 });
const partners = await PartnerSimulators.start({ port: 0 });
const workerOptions: WorkerOptions = {
  connection: env.nativeConnection,
  taskQueue: 'record',
  workflowsPath,
  dataConverter: testDataConverter,
  activities: activitiesFor(
    { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined },
    'config/directory.json',
    'memory:',
    partners.config(),
  ),
};
const worker = new JalonsWorkers(
  await Worker.create(workerOptions),
  await Worker.create(notificationWorkerOptions(workerOptions, 1_000)),
);

type Step = { wait: string } | { event: PathEventInput; signal?: boolean } | { fault: FaultSpec };
/** A representative path: its input and what happens to it, step by step. */
interface Case {
  input: Omit<PathInput, 'beneficiaryId'>;
  steps: Step[];
}

const orientation = { track: 'socio-professional', organisation: 'cd62', referent: 'ref-42' } as const;
// The v1 histories (path-orientation-*.json) were recorded by the orientation-only slice:
// they stay as they are and replay through patched('full-path'); only v2 cases are recorded now.
const cases: Record<string, Case> = {
  // Every step, a partner's refused message, a sanction ended by remobilisation, the exit.
  'v2-full': {
    input: {
      rightsOpenedAt: '2026-03-20T09:00:00+01:00',
      territory: 'audomarois',
      household: { size: 2, majore: false },
    },
    steps: [
      { wait: '4 days' },
      { event: { type: 'orientation.decided', data: orientation } },
      { event: { type: 'appointment.scheduled', data: { at: '2026-04-07T10:00:00+02:00' } }, signal: true },
      { event: { type: 'activity.declared', data: { hours: 3 } }, signal: true },
      { wait: '15 days' },
      { event: { type: 'appointment.attended', data: {} }, signal: true },
      { event: { type: 'diagnostic.completed', data: { barriers: ['mobility'] } } },
      { wait: '5 days' },
      { event: { type: 'contract.signed', data: { weeklyHours: 15, intensive: true } } },
      { wait: '40 days' },
      { event: { type: 'breach.reported', data: { kind: 'obligations' } } },
      { wait: '12 days' },
      { event: { type: 'sanction.decided', data: { rate: 0.5, months: 2 } } },
      { wait: '20 days' },
      { event: { type: 'compliance.resumed', data: {} } },
      { event: { type: 'interview.held', data: {} } },
      { wait: '30 days' },
      { event: { type: 'rights.ended', data: { reason: 'job' } }, signal: true },
    ],
  },
  // Since the read-model patch: every change recorded through an activity.
  'v3-read-model': {
    input: { rightsOpenedAt: '2026-03-20T09:00:00+01:00', territory: 'montreuillois' },
    steps: [
      { wait: '2 days' },
      { event: { type: 'orientation.decided', data: orientation } },
      { wait: '20 days' },
      { event: { type: 'contract.signed', data: { weeklyHours: 15, intensive: false } } },
      {
        event: { type: 'sanction.proposed', data: { kind: 'obligations', rate: 0.3, months: 1 } },
        signal: true,
      },
      { wait: '20 days' },
      { event: { type: 'compliance.resumed', data: {} } },
    ],
  },
  // Since the wake-after-record patch: acts arriving while the read model is written.
  'v4-wake-after-record': {
    input: { rightsOpenedAt: '2026-03-20T09:00:00+01:00', territory: 'audomarois' },
    steps: [
      { event: { type: 'orientation.decided', data: orientation } },
      { event: { type: 'appointment.attended', data: {} }, signal: true },
      { event: { type: 'diagnostic.completed', data: { barriers: [] } } },
      { wait: '3 days' },
      { event: { type: 'reminders.switched', data: { on: false } } },
      { wait: '40 days' },
    ],
  },
  // Since the partners and notification-queue patches: calls to France Travail, the CAF and the
  // appointments service, a refusal turned into a task and sent again, a duplicate partner event.
  'v5-partners': {
    input: {
      rightsOpenedAt: '2026-03-20T09:00:00+01:00',
      territory: 'audomarois',
      household: { size: 1, majore: false },
    },
    steps: [
      { wait: '3 days' },
      { event: { type: 'orientation.decided', data: orientation } },
      { wait: '1 hour' },
      { event: { type: 'appointment.scheduled', by: 'agent-7', data: { at: '2026-04-07T10:00:00+02:00' } } },
      { wait: '15 days' },
      {
        event: { type: 'appointment.attended', id: 'RDV-EVT-1', by: 'rdv-insertion', data: {} },
        signal: true,
      },
      {
        event: { type: 'appointment.attended', id: 'RDV-EVT-1', by: 'rdv-insertion', data: {} },
        signal: true,
      },
      { event: { type: 'diagnostic.completed', data: { barriers: [] } } },
      { event: { type: 'contract.signed', data: { weeklyHours: 15, intensive: false } } },
      { wait: '10 days' },
      { event: { type: 'breach.reported', data: { kind: 'obligations' } } },
      { wait: '12 days' },
      {
        fault: {
          partner: 'caf',
          route: 'suspendAllocation',
          kind: 'status',
          status: 422,
          message: 'dossier inconnu',
        },
      },
      { event: { type: 'sanction.decided', data: { rate: 0.3, months: 1 } } },
      { wait: '4 days' },
      { event: { type: 'partner.resolved', data: { call: 'caf-suspension#1', action: 'retry' } } },
      { wait: '1 hour' },
      { event: { type: 'compliance.resumed', data: {} } },
      { wait: '2 days' },
      { event: { type: 'rights.ended', data: { reason: 'job' } }, signal: true },
    ],
  },
  // Since the record-at-close patch: a partner's refusal recorded in the read model, the exit recorded.
  'v6-record-at-close': {
    input: { rightsOpenedAt: '2026-03-20T09:00:00+01:00', territory: 'lens-lievin' },
    steps: [
      {
        fault: {
          partner: 'france-travail',
          route: 'notifyOrientation',
          kind: 'status',
          status: 422,
          message: 'personne inconnue',
        },
      },
      { event: { type: 'orientation.decided', data: orientation } },
      { wait: '1 day' },
      { event: { type: 'rights.ended', data: { reason: 'moved-out' } }, signal: true },
      { wait: '1 hour' },
    ],
  },
  // A low history limit: the first run ends by continuing as new.
  'v2-continued': {
    input: { rightsOpenedAt: '2026-03-20T09:00:00+01:00', territory: 'lens-lievin', historyLimit: 40 },
    steps: [{ event: { type: 'orientation.decided', data: orientation } }, { wait: '120 days' }],
  },
};

/** Runs a case; returns the id of its first run. */
async function run(id: string, c: Case): Promise<string> {
  const h = await env.client.workflow.start('beneficiaryPath', {
    args: [{ beneficiaryId: id, ...c.input }],
    workflowId: pathWorkflowId(id),
    taskQueue: 'record',
  });
  for (const step of c.steps) {
    if ('wait' in step) await env.sleep(step.wait);
    else if ('fault' in step) partners.faults.inject(step.fault);
    else if (step.signal) await h.signal(partnerEventSignal, step.event);
    else await h.executeUpdate(pathEventUpdate, { args: [step.event] });
  }
  return h.firstExecutionRunId;
}

mkdirSync('test/histories', { recursive: true });
await worker.runUntil(async () => {
  for (const [name, c] of Object.entries(cases)) {
    const file = `test/histories/path-${name}.json`;
    // A recorded history is what running workflows did: never overwritten.
    if (existsSync(file)) continue;
    const id = `REC-${name}`;
    // The first run: for the continued case, the one that ended by continuing as new.
    const first = await run(id, c);
    const history = await env.client.workflow.getHandle(pathWorkflowId(id), first).fetchHistory();
    writeFileSync(file, historyToJSON(history));
    console.log(`${file} : ${history.events?.length} événements`);
  }
});
await env.teardown();
await sink.close();
await partners.close();
