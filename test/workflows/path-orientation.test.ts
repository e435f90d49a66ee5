/**
 * The orientation step on the time-skipping server, on real Paris dates: the
 * server's clock starts on the day the right opens; 50 days pass in seconds.
 * Notifications go through the real activities to a real SMTP server (the sink).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathWorkflowId } from '../../domain/ids.js';
import type { PathInput } from '../../domain/path/path.js';
import { MailSink } from '../../dev/mail-sink.js';
import { beneficiaryPath, orientUpdate, stateQuery } from '../../workflows/path/path.js';
import { realActivities, testWorker, timeSkippingEnv } from '../support/temporal.js';
import { pathRevision } from '../../domain/path/path-compaction.js';

// Friday 20 March 2026, 09:00 Paris (UTC+1); DST starts Sunday 29 March; Easter Monday is 6 April.
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

const input = (id: string): PathInput => ({
  beneficiaryId: id,
  rightsOpenedAt: OPENED.toISOString(),
  territory: 'lens-lievin',
});

describe('orientation: local target 15 days, legal limit 6 weeks', () => {
  it('reminds before each deadline and escalates after, at the right Paris instants', async () => {
    const worker = await testWorker(env, realActivities(sink.smtpPort));
    const state = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(beneficiaryPath, {
        args: [input('T-ORI-1')],
        workflowId: pathWorkflowId('T-ORI-1'),
        taskQueue: worker.options.taskQueue,
      });
      await env.sleep('50 days');
      return handle.query(stateQuery);
    });

    expect(state.deadlines).toEqual([
      // 20 March + 15 days = Saturday 4 April, end of day, summer time.
      {
        id: 'orientation.local#1',
        kind: 'orientation.local',
        dueAt: '2026-04-04T21:59:59.999Z',
        metAt: null,
        breached: true,
      },
      // 20 March + 6 weeks = Friday 1 May, end of day.
      {
        id: 'orientation.legal#2',
        kind: 'orientation.legal',
        dueAt: '2026-05-01T21:59:59.999Z',
        metAt: null,
        breached: true,
      },
    ]);
    expect(state.notifications.map((n) => [n.at, n.template, n.to, n.deadline])).toEqual([
      // J-3 of 4 April = Wednesday 1 April, 09:00 Paris = 07:00 UTC (after the DST change).
      ['2026-04-01T07:00:00.000Z', 'reminder.orientation', 'orientation-platform', 'orientation.local'],
      // Sunday 5 April, Easter Monday 6 April: first opening is Tuesday 7 April 09:00.
      ['2026-04-07T07:00:00.000Z', 'escalation.orientation', 'head-of-service', 'orientation.local'],
      // J-7 of 1 May = Friday 24 April; J-2 = Wednesday 29 April.
      ['2026-04-24T07:00:00.000Z', 'reminder.orientation', 'orientation-platform', 'orientation.legal'],
      ['2026-04-29T07:00:00.000Z', 'reminder.orientation', 'orientation-platform', 'orientation.legal'],
      // Weekend 2–3 May: Monday 4 May 09:00; France Travail now orients the person (D262-65-2).
      ['2026-05-04T07:00:00.000Z', 'escalation.orientation', 'head-of-service', 'orientation.legal'],
      ['2026-05-04T07:00:00.000Z', 'transfer.orientation', 'france-travail', 'orientation.legal'],
    ]);

    const mails = sink.messages().filter((m) => m.headers['x-jalons-key']?.startsWith('parcours-T-ORI-1/'));
    expect(mails).toHaveLength(6);
    const reminder = mails.find(
      (m) => m.headers['x-jalons-key'] === 'parcours-T-ORI-1/orientation.local#1:reminder:J-3',
    );
    expect(reminder?.to).toEqual(['plateforme-orientation@departement.example']);
    expect(reminder?.subject).toBe('[Jalons] Rappel : orientation de T-ORI-1 à décider avant le 04/04/2026');
    expect(reminder?.text).toContain('le 04/04/2026 (fin de journée, heure de Paris)');
    const legalEscalation = mails.find(
      (m) => m.headers['x-jalons-key'] === 'parcours-T-ORI-1/orientation.legal#2:escalation',
    );
    expect(legalEscalation?.to).toEqual(['chef-service-insertion@departement.example']);
    expect(legalEscalation?.text).toContain('France Travail est compétent pour orienter');
    const transfer = mails.find(
      (m) => m.headers['x-jalons-key'] === 'parcours-T-ORI-1/orientation.legal#2:transfer',
    );
    expect(transfer?.to).toEqual(['partenariat-rsa@france-travail.example']);
    expect(transfer?.text).toContain('il revient à France Travail d’orienter la personne');
  });

  it('an orientation on the day of the target meets both deadlines, stops their reminders and opens the next step', async () => {
    const worker = await testWorker(env, realActivities(sink.smtpPort));
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const opened = new Date(now);
      const handle = await env.client.workflow.start(beneficiaryPath, {
        args: [{ ...input('T-ORI-2'), rightsOpenedAt: opened.toISOString() }],
        workflowId: pathWorkflowId('T-ORI-2'),
        taskQueue: worker.options.taskQueue,
      });
      const before = await handle.query(stateQuery);
      const localDue = new Date(before.deadlines[0]!.dueAt);
      // Sleep to 22:00 Paris on the due day (two hours before it ends).
      await env.sleep(localDue.getTime() - 2 * 3_600_000 - now);
      const receipt = await handle.executeUpdate(orientUpdate, {
        args: [{ track: 'social', organisation: 'cd62', referent: 'ref-42', decidedBy: 'agent-7' }],
      });
      // The act answers its receipt (not the whole state, which would stay in the history).
      expect(receipt).toMatchObject({ step: 'first-appointment', status: 'active' });
      const state = await handle.query(stateQuery);
      expect(receipt.revision).toBeGreaterThan(pathRevision(before));
      expect(receipt.revision).toBeLessThanOrEqual(pathRevision(state));
      expect(state.step).toBe('first-appointment');
      const orientation = state.deadlines.filter((d) => d.kind.startsWith('orientation.'));
      expect(orientation.map((d) => [d.breached, d.metAt !== null])).toEqual([
        [false, true],
        [false, true],
      ]);
      expect(state.orientation).toMatchObject({ track: 'social', referent: 'ref-42', decidedBy: 'agent-7' });
      await env.sleep('45 days');
      const later = await handle.query(stateQuery);
      expect(
        later.notifications.filter((n) => n.template.endsWith('.orientation')).map((n) => n.template),
      ).toEqual(['reminder.orientation']);
      expect(later.history.map((h) => h.step)).toEqual(['orientation', 'first-appointment']);
    });
  });

  it('one day late, the local target is breached but the legal limit is met', async () => {
    const worker = await testWorker(env, realActivities(sink.smtpPort));
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const handle = await env.client.workflow.start(beneficiaryPath, {
        args: [{ ...input('T-ORI-3'), rightsOpenedAt: new Date(now).toISOString() }],
        workflowId: pathWorkflowId('T-ORI-3'),
        taskQueue: worker.options.taskQueue,
      });
      const localDue = new Date((await handle.query(stateQuery)).deadlines[0]!.dueAt);
      await env.sleep(localDue.getTime() + 10 * 3_600_000 - now); // 10:00 the day after
      await handle.executeUpdate(orientUpdate, {
        args: [{ track: 'employment', organisation: 'france-travail', referent: 'ref-9' }],
      });
      const state = await handle.query(stateQuery);
      expect(state.deadlines.slice(0, 2).map((d) => [d.kind, d.breached])).toEqual([
        ['orientation.local', true],
        ['orientation.legal', false],
      ]);
    });
  });
});
