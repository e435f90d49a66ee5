/**
 * The State's grant cycles on the time-skipping server, from 1 October 2025 to
 * mid-2028, through the workflow's Updates: the convention pour l'insertion et
 * l'emploi (advance of 60 % at signature, balance above the advance for one
 * grant, ordre de reversement below it for the other) and the contrat local des
 * solidarités (100 % 15 days after notification; the mid-term report missed,
 * escalated after the start of summer time, then sent late).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantReportOf, grantWorkflowId, type GrantState } from '../../domain/grants/cycle.js';
import { MailSink } from '../../dev/mail-sink.js';
import { actOnGrant, startGrantCycle } from '../../services/grants.js';
import {
  completeMilestoneUpdate,
  grantStateQuery,
  recordPaymentUpdate,
  submitReportUpdate,
} from '../../workflows/grants/grant.js';
import { advanceTo, realActivities, testWorker, timeSkippingEnv } from '../support/temporal.js';

const START = new Date('2025-10-01T09:00:00+02:00');

let env: TestWorkflowEnvironment;
let sink: MailSink;
beforeAll(async () => {
  env = await timeSkippingEnv(START);
  sink = await MailSink.start({ smtpPort: 0 });
});
afterAll(async () => {
  await env?.teardown();
  await sink?.close();
});

const handle = (id: string) => env.client.workflow.getHandle(grantWorkflowId(id));
const query = (id: string): Promise<GrantState> => handle(id).query(grantStateQuery);
const complete = (id: string, milestone: string, extra: Record<string, unknown> = {}) =>
  handle(id).executeUpdate(completeMilestoneUpdate, { args: [{ milestone, ...extra }] });
const pay = (id: string, kind: 'advance' | 'balance' | 'repayment', amount: number) =>
  handle(id).executeUpdate(recordPaymentUpdate, { args: [{ kind, amount }] });
const report = (id: string, kind: 'interim' | 'mid-term' | 'final', spent?: number) =>
  handle(id).executeUpdate(submitReportUpdate, {
    args: [{ kind, ...(spent === undefined ? {} : { spent }) }],
  });

describe('État: CIE 2025-2027 and CLS 2025', () => {
  it('advance, balance or repayment order, payment due dates, a missed report escalated across DST', async () => {
    const worker = await testWorker(env, realActivities(sink.smtpPort));
    await worker.runUntil(async () => {
      const tq = worker.options.taskQueue;
      for (const id of ['CIE-A', 'CIE-B'])
        await startGrantCycle(env.client, tq, { grantId: id, programme: 'etat-cie-2025-2027' });
      await startGrantCycle(env.client, tq, { grantId: 'CLS-A', programme: 'etat-cls-2025' });

      await advanceTo(env, '2025-10-06T11:00:00+02:00');
      await complete('CLS-A', 'convention-signature', { by: 'prefet' });
      await advanceTo(env, '2025-10-10T11:00:00+02:00');
      for (const id of ['CIE-A', 'CIE-B']) {
        const s = await complete(id, 'convention-signature');
        // 60 % of 5 124 190 € at the signature: due that day.
        expect(grantReportOf(s).payments).toEqual([
          { kind: 'advance', amount: 3_074_514, dueAt: '2025-10-10T21:59:59.999Z' },
        ]);
      }
      await advanceTo(env, '2025-10-16T10:00:00+02:00');
      const notified = await complete('CLS-A', 'notification');
      // 16/10 + 15 days = Friday 31/10/2025, end of day, winter time (UTC+1).
      expect(grantReportOf(notified).payments).toEqual([
        { kind: 'balance', amount: 3_342_548, dueAt: '2025-10-31T22:59:59.999Z' },
      ]);
      await advanceTo(env, '2025-10-20T10:00:00+02:00');
      for (const id of ['CIE-A', 'CIE-B']) await pay(id, 'advance', 3_074_514);
      await advanceTo(env, '2025-10-29T10:00:00+01:00');
      const paid = await pay('CLS-A', 'balance', 3_342_548);
      expect(paid.milestones.find((m) => m.id === 'balance-payment')?.status).toBe('done');

      // The CLS mid-term report (31/03/2026) is not sent: missed, escalated Wednesday 01/04 09:00 (summer time).
      await advanceTo(env, '2026-04-10T10:00:00+02:00');
      const missed = await query('CLS-A');
      expect(missed.milestones.find((m) => m.id === 'mid-term-report')?.status).toBe('missed');
      expect(
        missed.notifications.filter((n) => n.milestone === 'mid-term-report').map((n) => [n.id, n.at]),
      ).toEqual([
        ['mid-term-report:reminder:J-30', '2026-02-27T08:00:00.000Z'],
        ['mid-term-report:reminder:J-7', '2026-03-24T08:00:00.000Z'],
        ['mid-term-report:reminder:J-2', '2026-03-27T08:00:00.000Z'],
        ['mid-term-report:reminder:J-0', '2026-03-31T07:00:00.000Z'],
        ['mid-term-report:escalation', '2026-04-01T07:00:00.000Z'],
      ]);
      const cls = await report('CLS-A', 'mid-term', 3_342_548);
      expect(cls.status).toBe('completed');
      expect(grantReportOf(cls).milestones.map((m) => [m.id, m.status])).toEqual([
        ['convention-signature', 'done'],
        ['notification', 'done'],
        ['balance-payment', 'done'],
        ['mid-term-report', 'late'],
      ]);

      // Interim report (service fait) by 30/06/2026.
      await advanceTo(env, '2026-06-15T10:00:00+02:00');
      const a = await report('CIE-A', 'interim', 4_500_000);
      expect(grantReportOf(a).payments).toEqual([
        { kind: 'advance', amount: 3_074_514, dueAt: '2025-10-10T21:59:59.999Z' },
        { kind: 'balance', amount: 1_425_486, dueAt: null },
      ]);
      const reported = await report('CIE-B', 'interim', 2_500_000);
      // 3 074 514 − 2 500 000 = 574 514 €: due once the State issues its ordre de reversement.
      expect(grantReportOf(reported).payments).toEqual([
        { kind: 'advance', amount: 3_074_514, dueAt: '2025-10-10T21:59:59.999Z' },
        { kind: 'repayment', amount: 574_514, dueAt: null },
      ]);
      // Issued on 16/06/2026: repaid within the two months that follow, 16/08/2026 end of day.
      await advanceTo(env, '2026-06-16T10:00:00+02:00');
      const b = await actOnGrant(env.client, 'CIE-B', { type: 'repayment-order', reference: 'OR-2026-0042' });
      expect(grantReportOf(b).payments).toEqual([
        { kind: 'advance', amount: 3_074_514, dueAt: '2025-10-10T21:59:59.999Z' },
        { kind: 'repayment', amount: 574_514, dueAt: '2026-08-16T21:59:59.999Z' },
      ]);
      expect(grantReportOf(b).milestones.find((m) => m.id === 'repayment')).toEqual({
        id: 'repayment',
        dueAt: '2026-08-16T21:59:59.999Z',
        reading: 'up-to-and-including',
        doneAt: null,
        status: 'pending',
      });
      expect(grantReportOf(a).milestones.some((m) => m.id === 'repayment')).toBe(false);

      await advanceTo(env, '2026-08-03T10:00:00+02:00');
      await pay('CIE-B', 'repayment', 574_514);
      await advanceTo(env, '2026-09-01T10:00:00+02:00');
      await pay('CIE-A', 'balance', 1_425_486);
      await advanceTo(env, '2028-06-01T10:00:00+02:00');
      for (const id of ['CIE-A', 'CIE-B']) {
        const s = await complete(id, 'final-report', { pieces: ['bilan-mise-en-oeuvre', 'bilan-financier'] });
        expect(s.status).toBe('completed');
      }
      const bDone = await query('CIE-B');
      // The repayment's reminders before Sunday 16/08/2026: J-30 = Friday 17/07, J-7 = Sunday 09/08 →
      // Friday 07/08; repaid on 03/08, so no more.
      expect(bDone.notifications.filter((n) => n.milestone === 'repayment').map((n) => [n.id, n.at])).toEqual(
        [['repayment:reminder:J-30', '2026-07-17T07:00:00.000Z']],
      );
      expect(grantReportOf(bDone).milestones.map((m) => [m.id, m.status])).toEqual([
        ['convention-signature', 'done'],
        ['advance-payment', 'done'],
        ['interim-report', 'done'],
        ['balance-payment', 'done'],
        ['repayment', 'done'],
        ['final-report', 'done'],
      ]);
      // A cycle returns once its last read-model write and messages are done: activities that run in
      // real time while the test server's clock stands still (so this waits, the clock does not move).
      for (const id of ['CIE-A', 'CIE-B', 'CLS-A']) {
        const status = async () => (await handle(id).describe()).status.name;
        for (let i = 0; i < 100 && (await status()) === 'RUNNING'; i++)
          await new Promise((r) => setTimeout(r, 100));
        expect(await status()).toBe('COMPLETED');
      }
    });
    const escalation = sink
      .messages()
      .find((m) => m.headers['x-jalons-key'] === 'subvention-CLS-A/mid-term-report:escalation');
    expect(escalation?.to).toEqual(['chef-service-insertion@departement.example']);
    expect(escalation?.subject).toBe(
      '[Jalons] Échéance manquée : Rapport d’exécution à mi-parcours, délibéré et transmis aux préfets (CLS-A) au 31/03/2026',
    );
  });
});
