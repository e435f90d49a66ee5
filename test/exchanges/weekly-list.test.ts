/**
 * The weekly list to France Travail, end to end on the time-skipping server:
 * real path workflows fill the read model, the real workflow builds the week's
 * file, deposits it on France Travail's simulated exchange over HTTP, records
 * the receipt and waits for the acknowledgement. A refused deposit, a week
 * missed, a file never acknowledged and a file rejected each alert a person by
 * email (SMTP sink); the missed week goes with the next run, its lines once.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnPath, startPath } from '../../services/paths.js';
import type { WeeklyListResult } from '../../workflows/exchanges/weekly-list.js';
import { franceTravailWeeklyList } from '../../workflows/exchanges/weekly-list.js';
import { advanceTo, timeSkippingEnv } from '../support/temporal.js';
import { mails, startHarness, until, type Harness } from './harness.js';

let env: TestWorkflowEnvironment;
let h: Harness;
const HEAD = 'chef-service-insertion@departement.example';

beforeAll(async () => {
  // Monday 1 June 2026, 09:00 Paris: week 2026-W23 begins.
  env = await timeSkippingEnv(new Date('2026-06-01T09:00:00+02:00'));
  h = await startHarness(env, 'exchanges-weekly-list');
}, 120_000);
afterAll(async () => {
  await h?.close();
  await env?.teardown();
});

let runs = 0;
const runList = (week?: string) =>
  env.client.workflow.execute(franceTravailWeeklyList, {
    args: [week ? { week } : {}],
    taskQueue: h.taskQueue,
    workflowId: `ft-liste-test-${++runs}`,
  });

async function open(id: string, at: string, territory = 'lens-lievin') {
  await startPath(env.client, h.taskQueue, { beneficiaryId: id, rightsOpenedAt: at, territory });
}
async function orient(id: string, at: string, track: string, organisation: string, referent: string) {
  await actOnPath(env.client, id, {
    type: 'orientation.decided',
    at,
    data: { track: track as 'social', organisation, referent },
  });
}
const recorded = async (id: string) =>
  (await h.db.query(`select 1 from paths where beneficiary_id = $1`, [id])).length === 1;
const journalOf = async (id: string, event: string) =>
  (
    await h.db.query(
      `select 1 from journal j join paths p using (workflow_id) where p.beneficiary_id = $1 and j.event = $2`,
      [id, event],
    )
  ).length === 1;
const listRow = async (week: string) =>
  (
    await h.db.query<{ status: string; deposit_id: string | null; rows: number; message: string | null }>(
      `select status, deposit_id, rows, message from ft_weekly_lists where week = $1`,
      [week],
    )
  )[0];
const header =
  'semaine;id_pseudonyme;motif;date_evenement;date_ouverture_droit;territoire;parcours;organisme_referent;referent\r\n';

describe('weekly list to France Travail', { timeout: 240_000 }, () => {
  it('lists the week’s openings and orientations (and the look-back’s), deposits once through 503s, and records the acknowledgement', async () => {
    await open('WL-001', '2026-05-26T09:00:00+02:00');
    await open('WL-002', '2026-05-27T09:00:00+02:00', 'audomarois');
    await open('WL-003', '2026-05-12T09:00:00+02:00');
    await open('WL-004', '2026-03-02T09:00:00+01:00'); // before the 8-week look-back
    await orient('WL-001', '2026-05-28T10:00:00+02:00', 'socio-professional', 'cd62', 'ref-1');
    await orient('WL-003', '2026-05-27T11:00:00+02:00', 'social', 'ccas-lens', 'ref-2');
    await until(
      async () =>
        (await journalOf('WL-001', 'orientation.decided')) &&
        (await journalOf('WL-003', 'orientation.decided')),
    );
    await until(async () => (await recorded('WL-002')) && (await recorded('WL-004')));

    h.sims.faults.inject({ partner: 'ft-exchange', route: 'deposit', kind: 'status', status: 503, times: 2 });
    const result: WeeklyListResult = await runList('2026-W22');

    const [deposit] = h.sims.exchanges.deposits();
    expect(result).toEqual({
      week: '2026-W22',
      late: [],
      weeks: [
        { week: '2026-W22', rows: 5, depositId: deposit?.depositId, outcome: 'accepted', message: null },
      ],
    });
    // Sorted by date of the event, then id; WL-003's opening (12 May, W20) is in the look-back.
    expect(deposit?.content).toBe(
      header +
        '2026-W22;WL-003;ouverture;2026-05-12;2026-05-12;lens-lievin;;;\r\n' +
        '2026-W22;WL-001;ouverture;2026-05-26;2026-05-26;lens-lievin;;;\r\n' +
        '2026-W22;WL-002;ouverture;2026-05-27;2026-05-27;audomarois;;;\r\n' +
        '2026-W22;WL-003;orientation;2026-05-27;2026-05-12;lens-lievin;social;ccas-lens;ref-2\r\n' +
        '2026-W22;WL-001;orientation;2026-05-28;2026-05-26;lens-lievin;socio-professionnel;cd62;ref-1\r\n',
    );
    expect(deposit).toMatchObject({
      fileName: 'jalons-liste-hebdo-ft-2026-W22.csv',
      week: '2026-W22',
      status: 'accepted',
    });
    const deposits = h.sims.requests('ft-exchange').filter((r) => r.operation === 'deposit');
    expect(deposits.map((r) => r.status)).toEqual([503, 503, 201]);
    expect(await listRow('2026-W22')).toEqual({
      status: 'accepted',
      deposit_id: deposit?.depositId,
      rows: 5,
      message: null,
    });

    // Run again: nothing is deposited a second time.
    const again = await runList('2026-W22');
    expect(again.weeks[0]?.outcome).toBe('accepted');
    expect(h.sims.exchanges.deposits()).toHaveLength(1);
    expect(h.sims.requests('ft-exchange').filter((r) => r.operation === 'deposit')).toHaveLength(3);
    expect(
      h.sink.messages().filter((m) => m.headers['x-jalons-template']?.startsWith('alert.ft-list')),
    ).toEqual([]);
  });

  it('a refused deposit alerts a person; the missed week goes first with the next Monday’s run, each line once', async () => {
    await advanceTo(env, '2026-06-03T10:00:00+02:00');
    await open('WL-005', '2026-06-02T09:00:00+02:00', 'montreuillois');
    await until(() => recorded('WL-005'));
    h.sims.faults.inject({
      partner: 'ft-exchange',
      route: 'deposit',
      kind: 'status',
      status: 403,
      message: 'certificat du Département expiré',
    });
    const failed = await runList('2026-W23');
    expect(failed.weeks).toEqual([
      {
        week: '2026-W23',
        rows: 1,
        depositId: null,
        outcome: 'not-sent',
        message: expect.stringContaining('statut 403'),
      },
    ]);
    expect((await listRow('2026-W23'))?.status).toBe('failed');
    await until(() => mails(h.sink, 'alert.ft-list-not-sent').length === 1);
    const [notSent] = mails(h.sink, 'alert.ft-list-not-sent');
    expect(notSent?.to).toEqual([HEAD]);
    expect(notSent?.subject).toBe(
      '[Jalons] Liste hebdomadaire non transmise à France Travail (semaine 2026-W23)',
    );
    expect(notSent?.text).toContain('certificat du Département expiré');

    await advanceTo(env, '2026-06-10T10:00:00+02:00');
    await open('WL-006', '2026-06-09T09:00:00+02:00');
    await until(() => recorded('WL-006'));
    // The Schedule's Monday run: no week given, it sends the week before (W24) — and W23 first.
    await advanceTo(env, '2026-06-15T06:00:00+02:00');
    const next = await runList();
    expect(next.week).toBe('2026-W24');
    expect(next.late).toEqual(['2026-W23']);
    expect(next.weeks.map((w) => [w.week, w.rows, w.outcome])).toEqual([
      ['2026-W23', 1, 'accepted'],
      ['2026-W24', 1, 'accepted'],
    ]);
    const [, w23, w24] = h.sims.exchanges.deposits();
    expect(w23?.content).toBe(
      header + '2026-W23;WL-005;ouverture;2026-06-02;2026-06-02;montreuillois;;;\r\n',
    );
    expect(w24?.content).toBe(header + '2026-W24;WL-006;ouverture;2026-06-09;2026-06-09;lens-lievin;;;\r\n');
    await until(() => mails(h.sink, 'alert.ft-list-late').length === 1);
    expect(mails(h.sink, 'alert.ft-list-late')[0]?.subject).toBe(
      '[Jalons] Semaine(s) non transmise(s) à temps à France Travail : 2026-W23',
    );
  });

  it('a deposit never processed alerts after two days; rejected, it alerts with France Travail’s reason, then goes again', async () => {
    await advanceTo(env, '2026-06-17T10:00:00+02:00');
    await open('WL-007', '2026-06-16T09:00:00+02:00', 'audomarois');
    await until(() => recorded('WL-007'));
    await advanceTo(env, '2026-06-22T06:00:00+02:00');
    h.sims.exchanges.setAcknowledgementMode('silent');
    const statusRequests = () =>
      h.sims.requests('ft-exchange').filter((r) => r.operation === 'depositStatus');
    const pollsBefore = statusRequests().length;
    const silent = await runList();
    expect(silent.weeks).toEqual([
      {
        week: '2026-W25',
        rows: 1,
        depositId: expect.any(String),
        outcome: 'not-acknowledged',
        message: null,
      },
    ]);
    // Two days of polls, spaced out: after 10 min, 30, 70, 150, 310, then every 4 hours up to 2,710 min,
    // and a last one at the end of the 2,880 minutes: 5 + 10 + 1.
    expect(statusRequests().length - pollsBefore).toBe(16);
    expect((await listRow('2026-W25'))?.status).toBe('deposited');
    await until(() => mails(h.sink, 'alert.ft-list-not-acknowledged').length === 1);
    expect(mails(h.sink, 'alert.ft-list-not-acknowledged')[0]?.text).toContain('dans les 48 heures');

    // Asked again, France Travail now processes it — and rejects it.
    h.sims.exchanges.setAcknowledgementMode('reject', 'colonne « referent » inconnue du référentiel');
    const rejected = await runList('2026-W25');
    expect(rejected.weeks[0]).toMatchObject({
      outcome: 'rejected',
      message: 'colonne « referent » inconnue du référentiel',
    });
    expect(h.sims.exchanges.deposits()).toHaveLength(4); // no second deposit to learn the answer
    await until(() => mails(h.sink, 'alert.ft-list-rejected').length === 1);
    expect(mails(h.sink, 'alert.ft-list-rejected')[0]?.text).toContain(
      'colonne « referent » inconnue du référentiel',
    );

    // Once the cause is fixed, the week is rebuilt and deposited anew (a new key), then accepted.
    h.sims.exchanges.setAcknowledgementMode('process');
    const fixed = await runList('2026-W25');
    expect(fixed.weeks[0]).toMatchObject({ week: '2026-W25', rows: 1, outcome: 'accepted' });
    expect(h.sims.exchanges.deposits()).toHaveLength(5);
    expect((await listRow('2026-W25'))?.status).toBe('accepted');
  });
});
