/**
 * The grant cycle's transmissions over real HTTP to the simulators, from the
 * workflow on the time-skipping server: the CNSA application with its pieces
 * (before the 15/12/2025 17:00 deadline), the deliberation to the préfecture
 * (accusé de réception), and a portal refusal told to the grants team at once.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantWorkflowId, type GrantState } from '../../domain/grants/cycle.js';
import type { PartnerCall } from '../../domain/partner-calls.js';
import { startGrantCycle } from '../../services/grants.js';
import { MailSink } from '../../dev/mail-sink.js';
import { PartnerSimulators } from '../../dev/simulators/server.js';
import { activitiesFor } from '../../workers/worker.js';
import {
  completeMilestoneUpdate,
  grantStateQuery,
  resolvePartnerCallUpdate,
} from '../../workflows/grants/grant.js';
import { advanceTo, testWorker, timeSkippingEnv } from '../support/temporal.js';

const START = new Date('2025-11-03T09:00:00+01:00');
const PIECES = ['deliberation', 'annexe-1', 'annexe-3', 'annexe-4', 'annexe-5'];

let env: TestWorkflowEnvironment;
let sink: MailSink;
let sims: PartnerSimulators;
beforeAll(async () => {
  env = await timeSkippingEnv(START);
  sink = await MailSink.start({ smtpPort: 0 });
  sims = await PartnerSimulators.start({ port: 0 });
});
afterAll(async () => {
  await env?.teardown();
  await sink?.close();
  await sims?.close();
});

const handle = (id: string) => env.client.workflow.getHandle(grantWorkflowId(id));
const query = (id: string): Promise<GrantState> => handle(id).query(grantStateQuery);
const complete = (id: string, milestone: string, extra: Record<string, unknown> = {}) =>
  handle(id).executeUpdate(completeMilestoneUpdate, { args: [{ milestone, ...extra }] });
async function settled(id: string, callId: string): Promise<PartnerCall> {
  for (let i = 0; i < 200; i++) {
    const call = (await query(id)).partnerCalls?.find((c) => c.id === callId);
    if (call && call.status !== 'pending') return call;
    await env.sleep(1_000);
  }
  throw new Error(`transmission ${callId} toujours en cours`);
}

let worker: Worker;
let running: Promise<void>;
/** Both cycles start on 3 November 2025, before the application deadline (21 November). */
beforeAll(async () => {
  worker = await testWorker(
    env,
    activitiesFor(
      { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined },
      'config/directory.json',
      'memory:',
      sims.config({ timeoutMs: 5_000 }),
    ),
  );
  running = worker.run();
  for (const id of ['CNSA-TX-1', 'CNSA-TX-2']) {
    await startGrantCycle(env.client, worker.options.taskQueue, { grantId: id, programme: 'cnsa-ami-2026' });
    await complete(id, 'application', { pieces: ['annexe-1', 'annexe-2'] });
    await complete(id, 'committee-opinions');
  }
  await advanceTo(env, '2025-12-08T15:00:00+01:00');
  for (const id of ['CNSA-TX-1', 'CNSA-TX-2']) await complete(id, 'vote');
});
afterAll(async () => {
  for (const id of ['CNSA-TX-1', 'CNSA-TX-2'])
    await handle(id)
      .terminate('fin du test')
      .catch(() => undefined);
  worker?.shutdown();
  await running;
});

describe('grant transmissions to the CNSA portal and the préfecture', () => {
  it('a refusal by the portal is told to the grants team at once; sent again, it is applied once', async () => {
    sims.reset();
    sims.faults.inject({
      partner: 'cnsa',
      kind: 'status',
      status: 422,
      message: 'annexe 1 non signée',
    });
    {
      // Sunday 14 December 2025, 21:00 Paris: the alert does not wait for Monday.
      await advanceTo(env, '2025-12-14T21:00:00+01:00');
      await complete('CNSA-TX-2', 'transmission', { pieces: PIECES });
      const failed = await settled('CNSA-TX-2', 'cnsa-application');
      expect(failed).toMatchObject({ status: 'failed' });
      expect(failed.error).toContain('annexe 1 non signée');
      const isAlert = (m: { subject: string }) => m.subject.startsWith('[Jalons] Action requise');
      const alert = (await sink.waitFor((ms) => ms.some(isAlert))).find(isAlert);
      expect(alert?.to).toEqual(['subventions@departement.example']);
      expect(alert?.subject).toBe('[Jalons] Action requise : transmission refusée pour CNSA-TX-2');
      expect(alert?.text).toContain('Dépôt de la candidature sur le portail de la CNSA');
      expect(alert?.text).toContain('annexe 1 non signée');
      const state = await query('CNSA-TX-2');
      const sentAt = Date.parse(
        state.notifications.find((n) => n.id === 'partner-failed:cnsa-application#1')?.at ?? '',
      );
      // Within the minute of the refusal, a Sunday evening.
      expect(sentAt - Date.parse('2025-12-14T20:00:00Z')).toBeGreaterThanOrEqual(0);
      expect(sentAt - Date.parse('2025-12-14T20:00:00Z')).toBeLessThan(60_000);

      await handle('CNSA-TX-2').executeUpdate(resolvePartnerCallUpdate, {
        args: [{ call: 'cnsa-application', action: 'retry', by: 'agent-2' }],
      });
      const sent = await settled('CNSA-TX-2', 'cnsa-application');
      expect(sent).toMatchObject({ status: 'done', attempt: 2 });
      expect(sims.effects('cnsa')).toEqual([
        expect.objectContaining({ idempotencyKey: 'subvention-CNSA-TX-2/cnsa-application#2' }),
      ]);
    }
  });

  it('submits the application with its pieces and sends the deliberation, each once, receipts kept', async () => {
    sims.reset();
    {
      await advanceTo(env, '2025-12-12T10:00:00+01:00');
      await complete('CNSA-TX-1', 'transmission', { pieces: PIECES, by: 'agent-2' });
      const submitted = await settled('CNSA-TX-1', 'cnsa-application');
      const [application] = sims.effects('cnsa');
      expect(application?.request).toEqual({
        grantId: 'CNSA-TX-1',
        pieces: PIECES.map((p) => ({ id: `CNSA-TX-1.${p}`, kind: p })),
      });
      expect(submitted.receipt).toBe((application?.response as { receiptId: string }).receiptId);

      // Completed without an act number, the préfecture transmission is only recorded…
      // …with one, the deliberation goes to the contrôle de légalité.
      await advanceTo(env, '2025-12-15T10:00:00+01:00');
      await complete('CNSA-TX-1', 'prefecture-transmission', { reference: 'CD-2025-118' });
      const acknowledged = await settled('CNSA-TX-1', 'prefecture-act@CD-2025-118');
      expect(sims.effects('prefecture')).toEqual([
        expect.objectContaining({
          request: {
            grantId: 'CNSA-TX-1',
            act: { kind: 'deliberation', reference: 'CD-2025-118', adoptedOn: '2025-12-08' },
            pieces: [{ id: 'CNSA-TX-1.deliberation', kind: 'deliberation' }],
          },
        }),
      ]);
      expect(acknowledged.receipt).toBe(
        (sims.effects('prefecture')[0]?.response as { accuseReception: string }).accuseReception,
      );
      expect(sims.effects()).toHaveLength(2);
    }
  });
});
