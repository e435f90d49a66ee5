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
import { createActivities } from '../activities/index.js';
import { loadDirectory } from '../activities/directory.js';
import { smtpTransport, workflowsPath } from '../workers/worker.js';

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
  activities: createActivities({
    transport: smtpTransport({ host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined }),
    directory: loadDirectory('config/directory.json'),
  }),
});

const cases: Record<string, (id: string) => Promise<void>> = {
  // Never oriented: every reminder and both escalations, then oriented late.
  'orientation-late': async (id) => {
    const h = await env.client.workflow.start('beneficiaryPath', {
      args: [{ beneficiaryId: id, rightsOpenedAt: '2026-03-20T09:00:00+01:00', territory: 'lens-lievin' }],
      workflowId: pathWorkflowId(id),
      taskQueue: 'record',
    });
    await env.sleep('50 days');
    await h.executeUpdate(orientUpdate, {
      args: [{ track: 'employment', organisation: 'france-travail', referent: 'ref-1' }],
    });
    await h.result();
  },
  // Oriented within the target, after one reminder.
  'orientation-on-time': async (id) => {
    const h = await env.client.workflow.start('beneficiaryPath', {
      args: [
        {
          beneficiaryId: id,
          rightsOpenedAt: new Date(await env.currentTimeMs()).toISOString(),
          territory: 'audomarois',
        },
      ],
      workflowId: pathWorkflowId(id),
      taskQueue: 'record',
    });
    await env.sleep('13 days');
    await h.executeUpdate(orientUpdate, {
      args: [{ track: 'social', organisation: 'cd62', referent: 'ref-2' }],
    });
    await h.result();
  },
};

mkdirSync('test/histories', { recursive: true });
await worker.runUntil(async () => {
  for (const [name, run] of Object.entries(cases)) {
    const id = `REC-${name}`;
    await run(id);
    const history = await env.client.workflow.getHandle(pathWorkflowId(id)).fetchHistory();
    writeFileSync(`test/histories/path-${name}.json`, historyToJSON(history));
    console.log(`test/histories/path-${name}.json : ${history.events?.length} événements`);
  }
});
await env.teardown();
await sink.close();
