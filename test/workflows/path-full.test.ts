/**
 * A whole path on the time-skipping server, with the real activities and a real
 * SMTP server: people act through Updates, partners through Signals, time runs
 * the deadlines. Then two years across continue-as-new.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, civilDateOf, parisInstant } from '../../domain/calendar.js';
import { pathWorkflowId } from '../../domain/ids.js';
import { nextMonth } from '../../domain/path/path-steps.js';
import type { PathEventInput } from '../../domain/path/path-events.js';
import { MailSink } from '../../dev/mail-sink.js';
import { PartnerSimulators } from '../../dev/simulators/server.js';
import {
  beneficiaryPath,
  partnerEventSignal,
  pathEventUpdate,
  stateQuery,
} from '../../workflows/path/path.js';
import { pathSearchAttributes } from '../../workflows/shared/search-attributes.js';
import { advanceTo, realActivities, testWorker, timeSkippingEnv } from '../support/temporal.js';
import { useSimulatedRdvInsertion } from '../support/rdv-insertion.js';

// Monday 5 January 2026, 09:00 Paris.
const OPENED = new Date('2026-01-05T09:00:00+01:00');

let env: TestWorkflowEnvironment;
let sink: MailSink;
let sims: PartnerSimulators;
let restoreRdvInsertion: (() => void) | undefined;
beforeAll(async () => {
  env = await timeSkippingEnv(OPENED);
  sink = await MailSink.start({ smtpPort: 0 });
  // The convocation goes to RDV-Insertion (its simulator), which knows T-FULL-1 (docs/rdv-insertion.md).
  sims = await PartnerSimulators.start({ port: 0 });
  sims.rdvInsertion.addUser('T-FULL-1');
  restoreRdvInsertion = useSimulatedRdvInsertion(sims.baseUrl());
});
afterAll(async () => {
  restoreRdvInsertion?.();
  await env?.teardown();
  await sink?.close();
  await sims?.close();
});

describe('a beneficiary path from the opening of the right to the exit', () => {
  it('runs every step, reminds the référent by email, sanctions within the cap and ends on remobilisation', async () => {
    const worker = await testWorker(env, realActivities(sink.smtpPort));
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(beneficiaryPath, {
        args: [
          {
            beneficiaryId: 'T-FULL-1',
            rightsOpenedAt: OPENED.toISOString(),
            territory: 'audomarois',
            household: { size: 3, majore: false },
          },
        ],
        workflowId: pathWorkflowId('T-FULL-1'),
        taskQueue: worker.options.taskQueue,
      });
      const update = async (event: PathEventInput) => {
        await handle.executeUpdate(pathEventUpdate, { args: [event] });
        return handle.query(stateQuery);
      };

      await update({
        type: 'orientation.decided',
        at: await advanceTo(env, '2026-01-12T10:00:00+01:00'),
        data: { track: 'social', organisation: 'cd62', referent: 'ref-42' },
      });
      await handle.signal(partnerEventSignal, {
        type: 'appointment.scheduled',
        at: await advanceTo(env, '2026-01-13T10:00:00+01:00'),
        data: { at: '2026-01-27T14:00:00+01:00' },
      });
      // A partner's message the path refuses is kept with its reason, nothing else changes.
      await handle.signal(partnerEventSignal, { type: 'activity.declared', data: { hours: 12 } });
      await handle.signal(partnerEventSignal, {
        type: 'appointment.attended',
        at: await advanceTo(env, '2026-01-27T14:30:00+01:00'),
      });
      await update({
        type: 'diagnostic.completed',
        at: await advanceTo(env, '2026-01-27T15:30:00+01:00'),
        data: { barriers: ['housing'] },
      });
      let state = await update({
        type: 'contract.signed',
        at: await advanceTo(env, '2026-02-09T10:00:00+01:00'),
        data: { weeklyHours: 7, intensive: true, reduction: 'remobilisation' },
      });
      expect(state.step).toBe('intensive-accompaniment');
      expect(state.rejected).toEqual([
        expect.objectContaining({
          event: 'activity.declared',
          error: 'Les heures d’activité se déclarent au titre d’un contrat d’engagement signé.',
        }),
      ]);

      // February: one interview only → warning to the référent on Monday 23 February (28 − 5 = 23).
      await update({
        type: 'interview.held',
        at: await advanceTo(env, '2026-02-16T10:00:00+01:00'),
        data: {},
      });
      await update({
        type: 'breach.reported',
        at: await advanceTo(env, '2026-03-02T10:00:00+01:00'),
        data: { kind: 'obligations' },
      });
      state = await update({
        type: 'sanction.decided',
        at: await advanceTo(env, '2026-03-13T10:00:00+01:00'),
        data: { rate: 0.5, months: 2 },
      });
      expect(state.step).toBe('suspension');
      state = await update({
        type: 'compliance.resumed',
        at: await advanceTo(env, '2026-04-01T10:00:00+02:00'),
        data: {},
      });
      expect(state.step).toBe('intensive-accompaniment');
      expect(state.sanctions).toEqual([
        expect.objectContaining({
          rate: 0.5,
          months: 2,
          endedBy: 'remobilisation',
          endedAt: '2026-04-01T08:00:00.000Z',
          repayment: { from: '2026-03-13T09:00:00.000Z', to: '2026-04-01T08:00:00.000Z' },
        }),
      ]);

      const described = await handle.describe();
      expect(described.typedSearchAttributes.get(pathSearchAttributes.step)).toBe('intensive-accompaniment');
      expect(described.typedSearchAttributes.get(pathSearchAttributes.referent)).toBe('ref-42');
      expect(described.typedSearchAttributes.get(pathSearchAttributes.late)).toBe(true); // March closed short

      await handle.signal(partnerEventSignal, {
        type: 'rights.ended',
        at: await advanceTo(env, '2026-05-04T10:00:00+02:00'),
        data: { reason: 'moved-out' },
      });
      const final = await handle.result();
      expect(final.status).toBe('closed');
      expect(final.history.map((h) => h.step)).toEqual([
        'orientation',
        'first-appointment',
        'diagnostic',
        'contract',
        'intensive-accompaniment',
        'sanction-procedure',
        'suspension',
        'intensive-accompaniment',
        'closed',
      ]);
      expect(final.notifications.map((n) => [n.at, n.to, n.template])).toEqual([
        // Oriented on 12 Jan, before the first orientation reminder (Fri 16 Jan): none went out.
        // First appointment due 27 Jan: J-3 = Saturday 24 → Friday 23 January.
        ['2026-01-23T08:00:00.000Z', 'ref-42', 'reminder.first-appointment'],
        // Contract due 12 Feb: J-7 = Thursday 5 February (signed on the 9th).
        ['2026-02-05T08:00:00.000Z', 'ref-42', 'reminder.contract'],
        ['2026-02-23T08:00:00.000Z', 'ref-42', 'warning.interviews'],
        ['2026-03-02T08:00:00.000Z', 'head-of-service', 'escalation.interviews'],
        ['2026-03-02T09:00:00.000Z', 'ref-42', 'notice.sanction'],
        // Observations until 12 March: the head of service may decide from Friday 13, 09:00.
        ['2026-03-13T08:00:00.000Z', 'head-of-service', 'decision.sanction'],
        ['2026-03-26T08:00:00.000Z', 'ref-42', 'warning.interviews'],
        ['2026-04-01T07:00:00.000Z', 'head-of-service', 'escalation.interviews'],
        ['2026-04-24T07:00:00.000Z', 'ref-42', 'warning.interviews'],
        // April closed short: Friday 1 May is a public holiday, so Monday 4 May 09:00, before the exit.
        ['2026-05-04T07:00:00.000Z', 'head-of-service', 'escalation.interviews'],
      ]);
    });
    const mails = sink.messages().filter((m) => m.headers['x-jalons-key']?.startsWith('parcours-T-FULL-1/'));
    expect(mails).toHaveLength(10);
    const warning = mails.find((m) => m.headers['x-jalons-template'] === 'warning.interviews');
    expect(warning?.to).toEqual(['ref-42@referents.departement.example']);
    expect(warning?.text).toContain('au moins deux entretiens en 2026-02');
  });
});

describe('years of life', () => {
  it('a two-year path continues as new, carrying its state, without sending anything twice', async () => {
    const worker = await testWorker(env, realActivities(sink.smtpPort));
    await worker.runUntil(async () => {
      // The first test leaves the clock wherever its path ended (years later: retention). The
      // contract is signed on the 2nd of a month, so the intensive accompaniment owes exactly six
      // months: that one (covered 29 days or more) and the next five; the month it ends on the 2nd
      // of is not owed (2 days covered).
      const today = civilDateOf(new Date(await env.currentTimeMs()));
      const signing = `${nextMonth(nextMonth(today.slice(0, 7)))}-02`;
      const opened = await advanceTo(env, parisInstant(addCalendarDays(signing, -13), '09:00').toISOString());
      const handle = await env.client.workflow.start(beneficiaryPath, {
        args: [
          { beneficiaryId: 'T-CAN-1', rightsOpenedAt: opened, territory: 'montreuillois', historyLimit: 60 },
        ],
        workflowId: pathWorkflowId('T-CAN-1'),
        taskQueue: worker.options.taskQueue,
      });
      const firstRun = (await handle.describe()).runId;
      await env.sleep('3 days');
      await handle.executeUpdate(pathEventUpdate, {
        args: [
          {
            type: 'orientation.decided',
            data: { track: 'socio-professional', organisation: 'cd62', referent: 'ref-9' },
          },
        ],
      });
      await env.sleep('10 days');
      await handle.signal(partnerEventSignal, { type: 'appointment.attended', data: {} });
      await handle.executeUpdate(pathEventUpdate, {
        args: [{ type: 'diagnostic.completed', data: { barriers: [] } }],
      });
      await handle.executeUpdate(pathEventUpdate, {
        args: [{ type: 'contract.signed', data: { weeklyHours: 15, intensive: true } }],
      });
      // Two years without interviews: six months short, each warned and escalated.
      for (let month = 0; month < 24; month++) await env.sleep('30 days');
      const state = await handle.query(stateQuery);
      const lastRun = (await env.client.workflow.getHandle(pathWorkflowId('T-CAN-1')).describe()).runId;
      expect(lastRun).not.toBe(firstRun);
      expect(state.step).toBe('accompaniment');
      expect(state.deadlines.filter((d) => d.kind === 'interviews' && d.breached)).toHaveLength(6);
      const ids = state.notifications.map((n) => n.id);
      expect(new Set(ids).size).toBe(ids.length);
      // The mail lane runs beside the loop, in real time: the last messages may still be on their way.
      const ofPath = (mails: ReturnType<typeof sink.messages>) =>
        mails.map((m) => m.headers['x-jalons-key']).filter((k) => k?.startsWith('parcours-T-CAN-1/'));
      const keys = ofPath(await sink.waitFor((mails) => ofPath(mails).length >= ids.length, 30_000));
      expect(keys).toHaveLength(ids.length);
      expect(new Set(keys).size).toBe(keys.length);
      // 6 warnings and 6 escalations about interviews, plus the J-3 and J-7/J-2 reminders of the first steps.
      expect(state.notifications.filter((n) => n.template === 'warning.interviews')).toHaveLength(6);
      expect(state.notifications.filter((n) => n.template === 'escalation.interviews')).toHaveLength(6);
    });
  });
});
