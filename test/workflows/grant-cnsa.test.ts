/**
 * The CNSA AMI 2026 grant cycle on the time-skipping server, on the real Paris
 * calendar (the clock starts on Monday 20 October 2025, before the end of
 * summer time): three applications go through application, committee opinions
 * and vote; one transmits at 16:59 on 15/12/2025 and runs to its end, the others
 * miss 17:00 and become not admissible. Events go through the `jalons simulate`
 * functions (dev/simulate-grants.ts); messages through the real activities to
 * a real SMTP server.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantWorkflowId, type GrantState } from '../../domain/grants/cycle.js';
import { MailSink } from '../../dev/mail-sink.js';
import {
  applyGrantEvent,
  grantEventSchema,
  grantEventTypes,
  grantReport,
  startGrant,
} from '../../dev/simulate-grants.js';
import { grantStateQuery } from '../../workflows/grants/grant.js';
import { advanceTo, realActivities, testWorker, timeSkippingEnv } from '../support/temporal.js';

// Monday 20 October 2025, 09:00 Paris (UTC+2); winter time from Sunday 26 October.
const START = new Date('2025-10-20T09:00:00+02:00');

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

const ids = ['CNSA-OK', 'CNSA-LATE', 'CNSA-1701'];
const state = (id: string): Promise<GrantState> =>
  env.client.workflow.getHandle(grantWorkflowId(id)).query(grantStateQuery);
const event = (id: string, at: string, type: string, data: unknown) =>
  applyGrantEvent(env.client, id, { at, type, data });

describe('CNSA AMI 2026: transmission before 15/12/2025 17:00 Paris', () => {
  it('16:59 is admissible and runs to the end; 17:01 and no transmission are not admissible', async () => {
    const worker = await testWorker(env, realActivities(sink.smtpPort));
    await worker.runUntil(async () => {
      for (const id of ids)
        await startGrant(env.client, worker.options.taskQueue, { id, programme: 'cnsa-ami-2026' }, START);
      // Idempotent: a second start changes nothing.
      await startGrant(
        env.client,
        worker.options.taskQueue,
        { id: 'CNSA-OK', programme: 'cnsa-ami-2026' },
        START,
      );

      for (const [at, milestone] of [
        ['2025-11-20T10:00:00+01:00', 'application'],
        ['2025-11-24T15:00:00+01:00', 'committee-opinions'],
        ['2025-12-08T16:00:00+01:00', 'vote'],
      ] as const) {
        await advanceTo(env, at);
        for (const id of ids)
          expect(await event(id, at, 'grant.milestone.completed', { milestone })).toEqual({ ok: true });
      }

      await advanceTo(env, '2025-12-15T16:59:00+01:00');
      expect(
        await event('CNSA-OK', '2025-12-15T16:59:00+01:00', 'grant.milestone.completed', {
          milestone: 'transmission',
        }),
      ).toEqual({ ok: true });

      await advanceTo(env, '2025-12-15T17:01:00+01:00');
      expect(
        await event('CNSA-1701', '2025-12-15T17:01:00+01:00', 'grant.milestone.completed', {
          milestone: 'transmission',
        }),
        // A transmission is a fact: recorded, late, and the application is not admissible.
      ).toEqual({ ok: true });

      for (const [id, doneAt, status] of [
        ['CNSA-LATE', null, 'missed'],
        ['CNSA-1701', '2025-12-15T16:01:00.000Z', 'late'],
      ] as const) {
        const s = await state(id);
        expect(s.status).toBe('not-admissible');
        // « avant le 15/12/2025 à 17h »: 17:00:00.000 Paris (16:00 UTC) is already late.
        expect(s.closedAt).toBe('2025-12-15T16:00:00.000Z');
        expect(s.milestones.find((m) => m.id === 'transmission')).toMatchObject({
          dueAt: '2025-12-15T16:00:00.000Z',
          reading: 'strictly-before',
          doneAt,
          status,
        });
        // The cycle ends once its correction window (60 days) is over and its last state is in the read model.
        await env.client.workflow.getHandle(grantWorkflowId(id)).result();
        const description = await env.client.workflow.getHandle(grantWorkflowId(id)).describe();
        expect(description.status.name).toBe('COMPLETED');
      }
      const ok = await grantReport(env.client, 'CNSA-OK');
      expect(ok.status).toBe('active');
      expect(ok.milestones.find((m) => m.id === 'transmission')).toEqual({
        id: 'transmission',
        dueAt: '2025-12-15T16:00:00.000Z',
        reading: 'strictly-before',
        doneAt: '2025-12-15T15:59:00.000Z',
        status: 'done',
      });

      // The rest of the admissible cycle: préfecture, the director's decision (≤ 200 000 €), payment,
      // the compte rendu financier by 31/07/2027.
      await advanceTo(env, '2025-12-23T11:00:00+01:00');
      expect(
        await event('CNSA-OK', '2025-12-23T11:00:00+01:00', 'grant.milestone.completed', {
          milestone: 'prefecture-transmission',
        }),
      ).toEqual({ ok: true });
      await advanceTo(env, '2026-02-02T10:00:00+01:00');
      expect(
        await event('CNSA-OK', '2026-02-02T10:00:00+01:00', 'grant.funder.decided', { amount: 250_000 }),
      ).toEqual({
        ok: false,
        error:
          'Décision refusée : montant décidé de 250\u202F000,00\u00A0€ supérieur au plafond de 200\u202F000,00\u00A0€ (cnsa-ami-2026).',
      });
      expect(
        await event('CNSA-OK', '2026-02-02T10:00:00+01:00', 'grant.funder.decided', { amount: 200_000 }),
      ).toEqual({
        ok: true,
      });
      await advanceTo(env, '2026-03-02T10:00:00+01:00');
      expect(
        await event('CNSA-OK', '2026-03-02T10:00:00+01:00', 'grant.payment.received', {
          kind: 'grant',
          amount: 200_000,
        }),
      ).toEqual({ ok: true });
      await advanceTo(env, '2027-06-30T10:00:00+02:00');
      expect(
        await event('CNSA-OK', '2027-06-30T10:00:00+02:00', 'grant.report.submitted', {
          kind: 'financial',
          spent: 200_000,
        }),
      ).toEqual({ ok: true });

      const done = await grantReport(env.client, 'CNSA-OK');
      expect(done.status).toBe('completed');
      expect(done.milestones.map((m) => [m.id, m.status])).toEqual([
        ['application', 'done'],
        ['committee-opinions', 'done'],
        ['vote', 'done'],
        ['transmission', 'done'],
        ['prefecture-transmission', 'done'],
        ['funder-decision', 'done'],
        ['financial-report', 'done'],
      ]);
      expect(done.payments).toEqual([{ kind: 'grant', amount: 200_000, dueAt: null }]);
      // The cycle ends once its last state is in the read model.
      await env.client.workflow.getHandle(grantWorkflowId('CNSA-OK')).result();
      expect((await env.client.workflow.getHandle(grantWorkflowId('CNSA-OK')).describe()).status.name).toBe(
        'COMPLETED',
      );
      await checkMessages(await state('CNSA-LATE'));
    });
  });
});

/** Reminders and the escalation, at their Paris business instants, and in the SMTP sink. */
async function checkMessages(late: GrantState): Promise<void> {
  expect(
    late.notifications
      .filter((n) => n.milestone === 'transmission' || n.milestone === 'application')
      .map((n) => [n.id, n.at, n.to]),
  ).toEqual([
    // « avant le 21 novembre »: the last day on time is 20/11; − 30 = Tuesday 21/10, summer time: 09:00 Paris = 07:00 UTC.
    ['application:reminder:J-30', '2025-10-21T07:00:00.000Z', 'grants-team'],
    ['application:reminder:J-7', '2025-11-13T08:00:00.000Z', 'grants-team'],
    // 15/12 − 30 = Saturday 15/11 → Friday 14/11, winter time: 09:00 Paris = 08:00 UTC.
    ['transmission:reminder:J-30', '2025-11-14T08:00:00.000Z', 'grants-team'],
    ['application:reminder:J-2', '2025-11-18T08:00:00.000Z', 'grants-team'],
    ['application:reminder:J-0', '2025-11-20T08:00:00.000Z', 'grants-team'],
    ['transmission:reminder:J-7', '2025-12-08T08:00:00.000Z', 'grants-team'],
    // 13/12 is a Saturday: Friday 12/12.
    ['transmission:reminder:J-2', '2025-12-12T08:00:00.000Z', 'grants-team'],
    ['transmission:reminder:J-0', '2025-12-15T08:00:00.000Z', 'grants-team'],
    // Monday 17:00:00 is within business hours (until 17:30): at once.
    ['transmission:escalation', '2025-12-15T16:00:00.000Z', 'head-of-service'],
  ]);
  const mails = await sink.waitFor((m) =>
    m.some((x) => x.headers['x-jalons-key'] === 'subvention-CNSA-LATE/transmission:escalation'),
  );
  const byKey = (key: string) => mails.find((m) => m.headers['x-jalons-key'] === `subvention-${key}`);
  const reminder = byKey('CNSA-LATE/transmission:reminder:J-7');
  expect(reminder?.to).toEqual(['subventions@departement.example']);
  expect(reminder?.subject).toBe(
    '[Jalons] Rappel : Résultat du vote et annexe 1 signée transmis à la CNSA (CNSA-LATE) à faire avant le 15/12/2025',
  );
  expect(reminder?.text).toContain('avant le 15/12/2025 à 17:00 (heure de Paris)');
  expect(reminder?.text).toContain('« avant le 15/12/2025 à 17h (heure de Paris)');
  expect(reminder?.text).toContain('• Annexe 1 à l’identique, signée\n');
  expect(reminder?.text).toContain('Passé ce délai, la candidature n’est pas recevable.');
  const escalation = byKey('CNSA-LATE/transmission:escalation');
  expect(escalation?.to).toEqual(['chef-service-insertion@departement.example']);
  expect(escalation?.text).toContain('La candidature n’est pas recevable : le cycle de subvention est clos.');
  expect(byKey('CNSA-OK/application:reminder:J-30')?.text).toContain(
    'avant le 21/11/2025 à 00:00 (heure de Paris)',
  );
  // The admissible application: its four transmission reminders (the last one that morning), never escalated.
  expect(
    mails.filter((m) => m.headers['x-jalons-key']?.startsWith('subvention-CNSA-OK/transmission:')),
  ).toHaveLength(4);
  expect(
    mails.some(
      (m) =>
        m.headers['x-jalons-key']?.startsWith('subvention-CNSA-OK/') &&
        /escalation/.test(m.headers['x-jalons-key'] ?? ''),
    ),
  ).toBe(false);
}

describe('grant events of `jalons simulate` (docs/architecture.md)', () => {
  it('are the four contract types, their data exactly as the contract lists them', () => {
    // The contract's four first, then the acts of how money settles and conventions end.
    expect(grantEventTypes).toEqual([
      'grant.milestone.completed',
      'grant.funder.decided',
      'grant.payment.received',
      'grant.report.submitted',
      'grant.repayment-order.issued',
      'grant.formal-notice.served',
      'grant.formal-notice.complied',
      'grant.termination.requested',
      'grant.amendment.signed',
      'grant.denounced',
    ]);
    const ok = (type: string, data: unknown) => grantEventSchema(type)?.safeParse(data).success;
    expect(ok('grant.milestone.completed', { milestone: 'transmission' })).toBe(true);
    expect(ok('grant.milestone.completed', { milestone: 'lunch' })).toBe(false);
    expect(ok('grant.milestone.completed', { milestone: 'vote', extra: 1 })).toBe(false);
    expect(ok('grant.funder.decided', { amount: 200_000 })).toBe(true);
    expect(ok('grant.funder.decided', { amount: 0.001 })).toBe(false);
    expect(ok('grant.payment.received', { kind: 'advance', amount: 3_074_514 })).toBe(true);
    expect(ok('grant.payment.received', { kind: 'gift', amount: 1 })).toBe(false);
    expect(ok('grant.report.submitted', { kind: 'mid-term', spent: 0 })).toBe(true);
    expect(ok('grant.report.submitted', { kind: 'monthly', spent: 1 })).toBe(false);
    expect(ok('grant.repayment-order.issued', { reference: 'OR-1' })).toBe(true);
    expect(ok('grant.termination.requested', { from: 'nobody' })).toBe(false);
    expect(grantEventSchema('orientation.decided')).toBeUndefined();
  });
});
