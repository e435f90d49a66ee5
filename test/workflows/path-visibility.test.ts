/**
 * What a path shows in Temporal's visibility (workflows/shared/search-attributes.ts):
 * all six attributes when a run starts, then only those that changed (issue 18: each
 * upsert stays in the history), and the server's view is whole either way.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pathWorkflowId } from '../../domain/ids.js';
import { MailSink } from '../../dev/mail-sink.js';
import { beneficiaryPath, orientUpdate } from '../../workflows/path/path.js';
import { pathSearchAttributes } from '../../workflows/shared/search-attributes.js';
import { realActivities, testWorker, timeSkippingEnv } from '../support/temporal.js';

const OPENED = new Date('2026-03-20T09:00:00+01:00');

let env: TestWorkflowEnvironment;
let sink: MailSink;
beforeAll(async () => {
  env = await timeSkippingEnv(OPENED);
  sink = await MailSink.start({ smtpPort: 0 });
});
afterAll(async () => {
  await env?.teardown();
  await sink?.close();
});

it('upserts all six attributes at the start, then only those an act changed', async () => {
  const worker = await testWorker(env, realActivities(sink.smtpPort));
  const { upserts, shown } = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(beneficiaryPath, {
      args: [{ beneficiaryId: 'T-VIS-1', rightsOpenedAt: OPENED.toISOString(), territory: 'lens-lievin' }],
      workflowId: pathWorkflowId('T-VIS-1'),
      taskQueue: worker.options.taskQueue,
    });
    await env.sleep('2 days');
    await handle.executeUpdate(orientUpdate, {
      args: [{ track: 'social', organisation: 'ccas-lens', referent: 'ref-7' }],
    });
    await env.sleep('1 day');
    const history = await handle.fetchHistory();
    const upserts = (history.events ?? [])
      .map((e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields)
      .filter((f): f is NonNullable<typeof f> => !!f)
      .map((f) => Object.keys(f).sort())
      // The SDK's own record of the patches a run took (`patched()`), not the path's.
      .filter((keys) => !(keys.length === 1 && keys[0] === 'TemporalChangeVersion'));
    return { upserts, shown: (await handle.describe()).typedSearchAttributes };
  });
  expect(upserts[0]).toEqual([
    'JalonsLate',
    'JalonsNextDeadline',
    'JalonsOrganisation',
    'JalonsReferent',
    'JalonsStep',
    'JalonsTerritory',
  ]);
  // The orientation changes the step, the organisation, the référent and the next deadline; not
  // the territory, nor lateness (nothing is late two days in).
  expect(upserts[1]).toEqual(['JalonsNextDeadline', 'JalonsOrganisation', 'JalonsReferent', 'JalonsStep']);
  expect(upserts).toHaveLength(2);
  const k = pathSearchAttributes;
  expect(shown.get(k.territory)).toBe('lens-lievin');
  expect(shown.get(k.organisation)).toBe('ccas-lens');
  expect(shown.get(k.referent)).toBe('ref-7');
  expect(shown.get(k.step)).toBe('first-appointment');
  expect(shown.get(k.late)).toBe(false);
});
