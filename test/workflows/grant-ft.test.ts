/**
 * The France Travail convention (docs/rules.md §3.4) on the time-skipping server:
 * 198 000 € paid on signature upon a formal funds call; 12 months from
 * 01/01/2023, renewed for 12 months unless denounced in writing in the month
 * before the end. Not denounced in 2023: renewed; denounced in December 2024:
 * ends on 31/12/2024 and the workflow returns. A denunciation outside the window
 * is refused by the same rules the Update's validator runs (the test server
 * drops refused Updates: their message is tested on the dev server).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  grantReportOf,
  grantWorkflowId,
  validateGrantAction,
  type GrantState,
} from '../../domain/grants/cycle.js';
import { MailSink } from '../../dev/mail-sink.js';
import { startGrantCycle } from '../../services/grants.js';
import {
  completeMilestoneUpdate,
  denounceUpdate,
  grantStateQuery,
  recordPaymentUpdate,
} from '../../workflows/grants/grant.js';
import { advanceTo, realActivities, testWorker, timeSkippingEnv } from '../support/temporal.js';

const START = new Date('2023-11-02T09:00:00+01:00');

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

const handle = () => env.client.workflow.getHandle(grantWorkflowId('FT-1'));
const query = (): Promise<GrantState> => handle().query(grantStateQuery);

describe('France Travail: 4 advisers, tacit renewal, denunciation', () => {
  it('pays on the funds call, renews without a denunciation, ends after one in the window', async () => {
    const worker = await testWorker(env, realActivities(sink.smtpPort));
    await worker.runUntil(async () => {
      await startGrantCycle(env.client, worker.options.taskQueue, {
        grantId: 'FT-1',
        programme: 'ft-conseillers-autonomie-2023',
      });
      // Acts of early 2023, recorded late (backdated: an act is dated when it happened).
      await handle().executeUpdate(completeMilestoneUpdate, {
        args: [{ milestone: 'convention-signature', at: '2023-01-05T10:00:00+01:00', by: 'dga' }],
      });
      await handle().executeUpdate(completeMilestoneUpdate, {
        args: [{ milestone: 'funds-call', at: '2023-01-20T10:00:00+01:00', pieces: ['appel-de-fonds'] }],
      });
      const paid = await handle().executeUpdate(recordPaymentUpdate, {
        args: [{ kind: 'balance', amount: 198_000, at: '2023-02-01T10:00:00+01:00' }],
      });
      // The whole subsidy, due on the formal funds call (20/01/2023).
      expect(grantReportOf(paid).payments).toEqual([
        { kind: 'balance', amount: 198_000, dueAt: '2023-01-20T22:59:59.999Z' },
      ]);

      await advanceTo(env, '2024-01-02T10:00:00+01:00');
      const renewed = await query();
      expect(renewed.status).toBe('active');
      expect(renewed.convention).toMatchObject({
        period: 1,
        start: '2024-01-01',
        end: '2024-12-31',
        renewals: [{ at: '2023-12-31T22:59:59.999Z', period: 1, until: '2024-12-31' }],
      });
      expect(renewed.notifications.map((n) => [n.id, n.at, n.to, n.template])).toEqual([
        // The window opens on Friday 01/12/2023: J-30 that morning; J-7 (Sunday 24/12) → Friday 22/12;
        // J-2 (Friday 29/12) and J-0 (Sunday 31/12 → Friday 29/12) are one message.
        [
          'denunciation@0:reminder:J-30',
          '2023-12-01T08:00:00.000Z',
          'head-of-service',
          'reminder.grant-milestone',
        ],
        [
          'denunciation@0:reminder:J-7',
          '2023-12-22T08:00:00.000Z',
          'head-of-service',
          'reminder.grant-milestone',
        ],
        [
          'denunciation@0:reminder:J-2',
          '2023-12-29T08:00:00.000Z',
          'head-of-service',
          'reminder.grant-milestone',
        ],
        // At the end of 31/12/2023.
        ['convention@0:renewal', '2023-12-31T23:00:00.000Z', 'grants-team', 'notice.grant-renewal'],
      ]);
      expect(grantReportOf(renewed).milestones).toEqual([
        {
          id: 'convention-signature',
          reading: 'up-to-and-including',
          dueAt: null,
          doneAt: '2023-01-05T09:00:00.000Z',
          status: 'done',
        },
        {
          id: 'funds-call',
          reading: 'up-to-and-including',
          dueAt: null,
          doneAt: '2023-01-20T09:00:00.000Z',
          status: 'done',
        },
        {
          id: 'balance-payment',
          reading: 'up-to-and-including',
          dueAt: null,
          doneAt: '2023-02-01T09:00:00.000Z',
          status: 'done',
        },
        // The next window closes at the end of 31/12/2024.
        {
          id: 'denunciation',
          reading: 'up-to-and-including',
          dueAt: '2024-12-31T22:59:59.999Z',
          doneAt: null,
          status: 'pending',
        },
        {
          id: 'renewal',
          dueAt: '2023-12-31T22:59:59.999Z',
          doneAt: '2023-12-31T22:59:59.999Z',
          reading: 'up-to-and-including',
          status: 'done',
        },
      ]);

      // Mid-period: refused, the rules say why; nothing changes.
      await advanceTo(env, '2024-06-14T10:00:00+02:00');
      const before = await query();
      expect(validateGrantAction(before, { type: 'denounce' }, new Date(await env.currentTimeMs()))).toBe(
        'Dénonciation refusée : reçue le 14/06/2024, hors de la fenêtre du 01/12/2024 au 31/12/2024 ' +
          '(le mois précédant la fin de la convention) ; sans dénonciation dans cette fenêtre, la convention est reconduite.',
      );

      // Inside the window: accepted, the convention runs to the end of its period.
      await advanceTo(env, '2024-12-10T10:00:00+01:00');
      const denounced = await handle().executeUpdate(denounceUpdate, {
        args: [{ by: 'dga', at: '2024-12-10T10:00:00+01:00' }],
      });
      expect(denounced.status).toBe('denounced');
      expect(denounced.convention?.denouncedAt).toBe('2024-12-10T09:00:00.000Z');

      await advanceTo(env, '2025-01-02T10:00:00+01:00');
      const ended = await query();
      expect(ended.status).toBe('ended');
      expect(ended.closedAt).toBe('2024-12-31T22:59:59.999Z');
      expect(ended.convention?.renewals).toHaveLength(1);
      expect(ended.notifications.slice(4).map((n) => [n.id, n.at])).toEqual([
        // Period 2 (2024): the J-30 reminder (Sunday 01/12 → Friday 29/11) before the denunciation, then the end.
        ['denunciation@1:reminder:J-30', '2024-11-29T08:00:00.000Z'],
        ['convention@1:end', '2024-12-31T23:00:00.000Z'],
      ]);
      // It returns once its last write and messages are done (real-time activities): wait for that.
      await handle().result();
      expect((await handle().describe()).status.name).toBe('COMPLETED');
    });
    const renewal = sink
      .messages()
      .find((m) => m.headers['x-jalons-key'] === 'subvention-FT-1/convention@0:renewal');
    expect(renewal?.to).toEqual(['subventions@departement.example']);
    expect(renewal?.subject).toBe('[Jalons] Convention reconduite : FT-1 jusqu’au 31/12/2024');
    expect(renewal?.text).toContain('Une dénonciation écrite sera recevable à partir du 01/12/2024.');
    const end = sink.messages().find((m) => m.headers['x-jalons-key'] === 'subvention-FT-1/convention@1:end');
    expect(end?.text).toContain('dénoncée le 10/12/2024, a pris fin le 31/12/2024');
  });
});
