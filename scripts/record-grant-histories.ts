/**
 * Records the histories of representative grant cycles on the time-skipping
 * server, into test/histories/grant-*.json, for the replay tests
 * (test/replay/grant-replay.test.ts). Run it when a new representative cycle
 * is worth keeping; never re-record to make a replay failure go away (it means
 * running workflows would break: use patched()).
 *
 *   npx tsx scripts/record-grant-histories.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { grantWorkflowId, type GrantAction } from '../domain/grants/cycle.js';
import { actOnGrant, startGrantCycle } from '../ops/grants.js';
import { MailSink } from '../ops/mail-sink.js';
import { registerSearchAttributes } from '../ops/temporal.js';
import { activitiesFor, JalonsWorkers, notificationWorkerOptions, workflowsPath } from '../workers/worker.js';
import { testDataConverter } from '../test/support/keys.js';

const serverPath = execFileSync('bash', ['scripts/provision-temporal.sh', 'test-server'], {
  encoding: 'utf8',
})
  .trim()
  .split('=')[1]!;
const START = '2025-10-20T09:00:00+02:00';
process.env.JALONS_TEST_SERVER_START = new Date(START).toISOString();
// Recorded with the tests' key ring, so the replay test can decrypt them.
const env = await TestWorkflowEnvironment.createTimeSkipping({
  server: { executable: { type: 'existing-path', path: serverPath } },
  client: { dataConverter: testDataConverter },
});
await registerSearchAttributes(env.connection, env.namespace ?? 'default');
const sink = await MailSink.start({ smtpPort: 0 });
const workerOptions: WorkerOptions = {
  connection: env.nativeConnection,
  taskQueue: 'record-grants',
  workflowsPath,
  dataConverter: testDataConverter,
  activities: activitiesFor(
    { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined },
    'config/directory.json',
  ),
};
const worker = new JalonsWorkers(
  await Worker.create(workerOptions),
  await Worker.create(notificationWorkerOptions(workerOptions, 1_000)),
);

/** A representative cycle: its programme and its acts, each at its instant (all run on one clock). */
const cases: Record<string, { grantId: string; programme: string; acts: [string, GrantAction][] }> = {
  // Reminders across the end of summer time, no transmission by 15/12/2025 17:00: not admissible.
  'cnsa-not-admissible': {
    grantId: 'REC-CNSA',
    programme: 'cnsa-ami-2026',
    acts: [
      [
        '2025-11-20T10:00:00+01:00',
        { type: 'complete', milestone: 'application', pieces: ['annexe-1', 'annexe-2'] },
      ],
      ['2025-11-24T15:00:00+01:00', { type: 'complete', milestone: 'committee-opinions' }],
      ['2025-12-08T16:00:00+01:00', { type: 'complete', milestone: 'vote' }],
    ],
  },
  // Advance at signature, interim report below the advance: ordre de reversement, repaid; final report.
  'cie-repayment': {
    grantId: 'REC-CIE',
    programme: 'etat-cie-2025-2027',
    acts: [
      ['2025-10-21T10:00:00+02:00', { type: 'complete', milestone: 'convention-signature' }],
      ['2025-10-30T10:00:00+01:00', { type: 'payment', kind: 'advance', amount: 3_074_514 }],
      ['2026-06-15T10:00:00+02:00', { type: 'report', kind: 'interim', spent: 2_500_000 }],
      ['2026-08-03T10:00:00+02:00', { type: 'payment', kind: 'repayment', amount: 574_514 }],
      [
        '2028-06-01T10:00:00+02:00',
        { type: 'complete', milestone: 'final-report', pieces: ['bilan-mise-en-oeuvre', 'bilan-financier'] },
      ],
    ],
  },
  // Renewals caught up since 2023, acts backdated, denounced in December 2025: ends on 31/12/2025.
  'ft-denounced': {
    grantId: 'REC-FT',
    programme: 'ft-conseillers-autonomie-2023',
    acts: [
      [
        '2025-10-20T10:00:00+02:00',
        { type: 'complete', milestone: 'convention-signature', at: '2023-01-05T10:00:00+01:00' },
      ],
      [
        '2025-10-20T10:00:00+02:00',
        {
          type: 'complete',
          milestone: 'funds-call',
          at: '2023-01-20T10:00:00+01:00',
          pieces: ['appel-de-fonds'],
        },
      ],
      [
        '2025-10-20T10:00:00+02:00',
        { type: 'payment', kind: 'balance', amount: 198_000, at: '2023-02-01T10:00:00+01:00' },
      ],
      ['2025-12-10T10:00:00+01:00', { type: 'denounce', by: 'dga' }],
    ],
  },
};

const pending = Object.entries(cases).filter(([name]) => !existsSync(`test/histories/grant-${name}.json`));
mkdirSync('test/histories', { recursive: true });
await worker.runUntil(async () => {
  for (const [, c] of pending)
    await startGrantCycle(env.client, 'record-grants', { grantId: c.grantId, programme: c.programme });
  const steps = pending
    .flatMap(([, c]) => c.acts.map(([at, act]) => ({ at: new Date(at), grantId: c.grantId, act })))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const step of steps) {
    const now = await env.currentTimeMs();
    if (step.at.getTime() > now) await env.sleep(step.at.getTime() - now);
    await actOnGrant(env.client, step.grantId, step.act);
  }
  await env.sleep('60 days');
  for (const [name, c] of pending) {
    const file = `test/histories/grant-${name}.json`;
    const handle = env.client.workflow.getHandle(grantWorkflowId(c.grantId));
    const status = (await handle.describe()).status.name;
    const history = await handle.fetchHistory();
    writeFileSync(file, historyToJSON(history));
    console.log(`${file} : ${history.events?.length} événements (${status})`);
  }
});
await env.teardown();
await sink.close();
