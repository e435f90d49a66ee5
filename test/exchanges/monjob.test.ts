/**
 * Running beside MonJob62, end to end on the time-skipping server: the real
 * `monjobSync` workflow pushes the paths' journal to the MonJob62 simulator and
 * applies its référent assignments to the real path workflows (Updates sent
 * with the worker's own client). Each direction is idempotent: a re-export is
 * only duplicates, a re-import changes no path; bad assignments are reported to
 * a person, one by one, with their French reason.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetAssignmentCursor } from '../../activities/exchanges/monjob.js';
import type { PathState } from '../../domain/path/path.js';
import { actOnPath, showPath, startPath } from '../../services/paths.js';
import { monjobSync, type MonjobSyncResult } from '../../workflows/exchanges/exchanges.js';
import { timeSkippingEnv } from '../support/temporal.js';
import { mails, startHarness, until, type Harness } from './harness.js';

let env: TestWorkflowEnvironment;
let h: Harness;

beforeAll(async () => {
  env = await timeSkippingEnv(new Date('2026-06-01T09:00:00+02:00'));
  h = await startHarness(env, 'exchanges-monjob');
}, 120_000);
afterAll(async () => {
  await h?.close();
  await env?.teardown();
});

let runs = 0;
const sync = (): Promise<MonjobSyncResult> =>
  env.client.workflow.execute(monjobSync, { taskQueue: h.taskQueue, workflowId: `monjob-test-${++runs}` });

const journalCount = async () =>
  Number((await h.db.query<{ n: number }>('select count(*)::int as n from journal'))[0]?.n);
const recordedSeq = async (id: string) =>
  (
    await h.db.query<{ seq: number }>(
      `select max(j.seq)::int as seq from journal j join paths p using (workflow_id) where p.beneficiary_id = $1`,
      [id],
    )
  )[0]?.seq ?? 0;
const fingerprint = (s: PathState) =>
  JSON.stringify({ seq: s.seq, orientation: s.orientation, journal: s.journal });

const assignment = (
  id: string,
  beneficiaryId: string,
  parcours: string,
  organisme: string,
  referent: string,
) => ({
  assignmentId: id,
  beneficiaryId,
  parcours,
  organisme,
  referent,
  decidedAt: '2026-05-29T10:00:00+02:00',
});

describe('MonJob62, both ways', () => {
  it('exports the journal, applies the assignments, reports the others, and neither way repeats itself', async () => {
    await startPath(env.client, h.taskQueue, {
      beneficiaryId: 'MJ-001',
      rightsOpenedAt: '2026-05-28T09:00:00+02:00',
      territory: 'lens-lievin',
    });
    await startPath(env.client, h.taskQueue, {
      beneficiaryId: 'MJ-002',
      rightsOpenedAt: '2026-05-20T09:00:00+02:00',
      territory: 'lens-lievin',
    });
    await startPath(env.client, h.taskQueue, {
      beneficiaryId: 'MJ-003',
      rightsOpenedAt: '2026-05-25T09:00:00+02:00',
      territory: 'audomarois',
    });
    await actOnPath(env.client, 'MJ-002', {
      type: 'orientation.decided',
      at: '2026-05-22T10:00:00+02:00',
      data: { track: 'socio-professional', organisation: 'cd62', referent: 'ref-1' },
    });
    await actOnPath(env.client, 'MJ-003', {
      type: 'orientation.decided',
      at: '2026-05-26T10:00:00+02:00',
      data: { track: 'social', organisation: 'ccas-arques', referent: 'ref-3' },
    });
    await until(async () => (await recordedSeq('MJ-002')) === 1 && (await recordedSeq('MJ-003')) === 1);

    h.sims.exchanges.addAssignments([
      assignment('A-1', 'MJ-001', 'socio-professionnel', 'cd62', 'ref-5'), // first orientation
      assignment('A-2', 'MJ-002', 'emploi', 'france-travail', 'ref-9'), // a réorientation
      assignment('A-3', 'MJ-002', 'emploi', 'france-travail', 'ref-9'), // what the path already has
      assignment('A-4', 'MJ-003', 'social', 'ccas-arques', 'ref-4'), // only the référent changes
      assignment('A-5', 'MJ-999', 'social', 'ccas-arques', 'ref-4'), // no such path
      { ...assignment('A-6', 'MJ-001', 'inconnu', 'cd62', 'ref-5') },
    ]);
    h.sims.faults.inject({ partner: 'monjob', route: 'pushEvents', kind: 'status', status: 503 });
    const first = await sync();

    expect(first.exported).toEqual({ pushed: 2, duplicates: 0, batches: 1 });
    expect(first.imported).toEqual({
      received: 6,
      applied: 2,
      unchanged: 1,
      alreadyImported: 0,
      rejected: [
        {
          position: 4,
          assignmentId: 'A-4',
          beneficiaryId: 'MJ-003',
          reason:
            'changement de référent seul (ref-3 → ref-4) : le parcours n’a pas d’acte pour cela sans réorientation ; à reporter par l’équipe',
        },
        {
          position: 5,
          assignmentId: 'A-5',
          beneficiaryId: 'MJ-999',
          reason: 'Aucun parcours pour l’allocataire MJ-999.',
        },
        {
          position: 6,
          assignmentId: 'A-6',
          beneficiaryId: 'MJ-001',
          reason: 'parcours : parcours attendu : emploi, socio-professionnel ou social',
        },
      ],
    });
    const mj1 = await showPath(env.client, 'MJ-001');
    expect(mj1.orientation).toMatchObject({
      track: 'socio-professional',
      organisation: 'cd62',
      referent: 'ref-5',
      decidedBy: 'monjob62',
    });
    expect(mj1.journal.at(-1)).toMatchObject({
      event: 'orientation.decided',
      by: 'monjob62',
      ref: 'monjob62:A-1',
    });
    const mj2 = await showPath(env.client, 'MJ-002');
    expect(mj2.orientation).toMatchObject({
      track: 'employment',
      organisation: 'france-travail',
      referent: 'ref-9',
      reason: 'réorientation décidée dans MonJob62',
    });
    expect(mj2.reorientations).toHaveLength(1);

    await until(() => mails(h.sink, 'alert.monjob-assignments').length === 1);
    const [report] = mails(h.sink, 'alert.monjob-assignments');
    expect(report?.to).toEqual(['chef-service-insertion@departement.example']);
    expect(report?.subject).toBe('[Jalons] 3 affectation(s) de MonJob62 non appliquée(s)');
    expect(report?.text).toContain('• A-5|MJ-999|Aucun parcours pour l’allocataire MJ-999.');
    // The 503 on the first push was retried: MonJob62 got the two orientations once.
    expect(
      h.sims
        .requests('monjob')
        .filter((r) => r.operation === 'pushEvents')
        .map((r) => r.status),
    ).toEqual([503, 200]);

    // The next run exports what the import did, with the orientation it set.
    await until(async () => (await recordedSeq('MJ-001')) === 1 && (await recordedSeq('MJ-002')) === 2);
    const second = await sync();
    expect(second.exported).toEqual({ pushed: 2, duplicates: 0, batches: 1 });
    expect(second.imported).toMatchObject({ received: 0, applied: 0, rejected: [] });
    const events = h.sims.exchanges.monjobEvents();
    expect(events).toHaveLength(await journalCount());
    expect(events.find((e) => e.eventId === 'parcours-MJ-001#1')).toEqual({
      eventId: 'parcours-MJ-001#1',
      beneficiaryId: 'MJ-001',
      type: 'orientation.decided',
      at: '2026-05-29T08:00:00.000Z',
      step: 'first-appointment',
      details: { parcours: 'socio-professionnel', organisme: 'cd62', referent: 'ref-5' },
    });
    expect(events.find((e) => e.eventId === 'parcours-MJ-002#2')?.details).toEqual({
      parcours: 'emploi',
      organisme: 'france-travail',
      referent: 'ref-9',
    });

    // Everything again from the start, both ways: nothing changes in Jalons nor in MonJob62.
    const before = await Promise.all(
      ['MJ-001', 'MJ-002', 'MJ-003'].map(async (id) => fingerprint(await showPath(env.client, id))),
    );
    await resetAssignmentCursor(h.db);
    await h.db.query('delete from monjob_exported');
    const again = await sync();
    expect(again.exported).toEqual({ pushed: 0, duplicates: events.length, batches: 1 });
    expect(again.imported).toMatchObject({ received: 6, applied: 0, unchanged: 0, alreadyImported: 3 });
    // Even without Jalons' record of them, the assignments find the paths as they left them.
    await h.db.query('delete from monjob_assignments');
    await resetAssignmentCursor(h.db);
    const third = await sync();
    expect(third.imported).toMatchObject({ received: 6, applied: 0, unchanged: 3, alreadyImported: 0 });
    const after = await Promise.all(
      ['MJ-001', 'MJ-002', 'MJ-003'].map(async (id) => fingerprint(await showPath(env.client, id))),
    );
    expect(after).toEqual(before);
    expect(h.sims.exchanges.monjobEvents()).toHaveLength(events.length);
  });

  it('a refusal by MonJob62 stops that direction and alerts a person, in French', async () => {
    h.sims.faults.inject({
      partner: 'monjob',
      route: 'assignments',
      kind: 'status',
      status: 403,
      message: 'compte de service Jalons désactivé',
    });
    const result = await sync();
    expect(result.imported).toEqual({
      failed:
        'MonJob62 a refusé la demande (POST /referent-assignments/search, statut 403) : compte de service Jalons désactivé',
    });
    await until(() => mails(h.sink, 'alert.exchange-failed').length === 1);
    const [alert] = mails(h.sink, 'alert.exchange-failed');
    expect(alert?.subject).toBe('[Jalons] Échange en échec : monjob-import');
    expect(alert?.text).toContain('compte de service Jalons désactivé');
  });
});
