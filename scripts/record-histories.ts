/**
 * Records the histories of representative paths on the time-skipping server,
 * into test/histories/, for the replay tests. Run it when a new representative
 * path is worth keeping; never re-record to make a replay failure go away (a
 * replay failure means running workflows would break: use patched()).
 *
 *   npx tsx scripts/record-histories.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { pathWorkflowId } from '../domain/ids.js';
import { MailSink } from '../ops/mail-sink.js';
import { orientUpdate } from '../workflows/path.js';
import { activitiesFor, workflowsPath } from '../workers/worker.js';

const serverPath = execFileSync('bash', ['scripts/provision-temporal.sh', 'test-server'], {
  encoding: 'utf8',
})
  .trim()
  .split('=')[1]!;
process.env.JALONS_TEST_SERVER_START = '2026-03-20T08:00:00Z';
const env = await TestWorkflowEnvironment.createTimeSkipping({
  server: { executable: { type: 'existing-path', path: serverPath } },
});
const sink = await MailSink.start({ smtpPort: 0 });
const worker = await Worker.create({
  connection: env.nativeConnection,
  taskQueue: 'record',
  workflowsPath,
  activities: activitiesFor(
    { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined },
    'config/directory.json',
  ),
});

/** A representative path: opened at `opened` (default: the server's now), oriented after `wait`. */
interface Case {
  opened?: string;
  territory: string;
  wait: string;
  decision: { track: 'employment' | 'socio-professional' | 'social'; organisation: string; referent: string };
}

const cases: Record<string, Case> = {
  // Never oriented in time: every reminder and both escalations, then oriented late.
  'orientation-late': {
    opened: '2026-03-20T09:00:00+01:00',
    territory: 'lens-lievin',
    wait: '50 days',
    decision: { track: 'employment', organisation: 'france-travail', referent: 'ref-1' },
  },
  // Oriented within the target, after one reminder.
  'orientation-on-time': {
    territory: 'audomarois',
    wait: '13 days',
    decision: { track: 'social', organisation: 'cd62', referent: 'ref-2' },
  },
};

async function run(id: string, c: Case): Promise<void> {
  const opened = c.opened ?? new Date(await env.currentTimeMs()).toISOString();
  const h = await env.client.workflow.start('beneficiaryPath', {
    args: [{ beneficiaryId: id, rightsOpenedAt: opened, territory: c.territory }],
    workflowId: pathWorkflowId(id),
    taskQueue: 'record',
  });
  await env.sleep(c.wait);
  await h.executeUpdate(orientUpdate, { args: [c.decision] });
  await h.result();
}

mkdirSync('test/histories', { recursive: true });
await worker.runUntil(async () => {
  for (const [name, c] of Object.entries(cases)) {
    const id = `REC-${name}`;
    await run(id, c);
    const history = await env.client.workflow.getHandle(pathWorkflowId(id)).fetchHistory();
    writeFileSync(`test/histories/path-${name}.json`, historyToJSON(history));
    console.log(`test/histories/path-${name}.json : ${history.events?.length} événements`);
  }
});
await env.teardown();
await sink.close();
