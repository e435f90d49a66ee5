/**
 * The domain calendar runs inside the workflow sandbox, where the SDK replaces
 * Date and time-zone code may fall back to UTC. Values computed by hand.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

it('Paris civil dates, times and deadlines are the same inside the sandbox', async () => {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'calendar-probe',
    workflowsPath: fileURLToPath(new URL('./probes/calendar-probe.ts', import.meta.url)),
  });
  const result = await worker.runUntil(
    env.client.workflow.execute('calendarProbe', {
      taskQueue: 'calendar-probe',
      workflowId: 'calendar-probe',
    }),
  );
  expect(result).toEqual({
    civilDateAfterMidnightWinter: '2026-01-06', // 00:30 Paris on 6 January
    civilDateAfterMidnightSummer: '2026-07-06', // 00:30 Paris on 6 July
    formatSummer: '05/07/2026 à 17:00',
    paris0900Summer: '2026-03-30T07:00:00.000Z',
    endOfDayWinter: '2026-01-20T22:59:59.999Z',
    deadlineFromPastMidnight: '2026-01-21T22:59:59.999Z', // 6 January + 15 days
    escalationAfterSaturday: '2026-04-07T07:00:00.000Z', // Sunday, Easter Monday → Tuesday 09:00
  });
});
