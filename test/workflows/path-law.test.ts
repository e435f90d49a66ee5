/**
 * The path's procedure in depth (docs/rules.md §1, issue 20) on the time-skipping
 * server, with the real activities and a real SMTP server: a decision refused
 * before the 10 days and before the hearing, an appeal left unanswered (implicit
 * rejection), a suppression on the EP's avis, the removal proposal in business
 * hours, then the end of the right by the PCD.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathWorkflowId } from '../../domain/ids.js';
import type { PathEventInput } from '../../domain/path/path-events.js';
import { MailSink } from '../../dev/mail-sink.js';
import { PartnerSimulators } from '../../dev/simulators/server.js';
import {
  beneficiaryPath,
  partnerEventSignal,
  pathEventUpdate,
  stateQuery,
} from '../../workflows/path/path.js';
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
  sims = await PartnerSimulators.start({ port: 0 });
  sims.rdvInsertion.addUser('T-LAW-1');
  restoreRdvInsertion = useSimulatedRdvInsertion(sims.baseUrl());
});
afterAll(async () => {
  restoreRdvInsertion?.();
  await env?.teardown();
  await sink?.close();
  await sims?.close();
});

/** The French reason of a refused Update. */
async function refusedWith(p: Promise<unknown>): Promise<string> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((error as WorkflowUpdateFailedError).cause as Error).message;
}

describe('the path’s procedure in depth, on the workflow', () => {
  it('waits for the 10 days and the hearing, lets an appeal lapse, suppresses on the EP’s avis, ends the right', async () => {
    const worker = await testWorker(env, realActivities(sink.smtpPort));
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(beneficiaryPath, {
        args: [{ beneficiaryId: 'T-LAW-1', rightsOpenedAt: OPENED.toISOString(), territory: 'lens-lievin' }],
        workflowId: pathWorkflowId('T-LAW-1'),
        taskQueue: worker.options.taskQueue,
      });
      const update = async (type: string, at: string, data: Record<string, unknown> = {}) =>
        handle.executeUpdate(pathEventUpdate, {
          args: [{ type, at: await advanceTo(env, at), data } as PathEventInput],
        });

      await update('orientation.decided', '2026-01-12T10:00:00+01:00', {
        track: 'socio-professional',
        organisation: 'cd62',
        referent: 'ref-42',
      });
      await update('appointment.attended', '2026-01-20T14:00:00+01:00');
      // Recorded at 14:40 for an act of 14:10: the journal keeps both instants.
      await advanceTo(env, '2026-01-20T14:40:00+01:00');
      await handle.executeUpdate(pathEventUpdate, {
        args: [{ type: 'duties.informed', at: '2026-01-20T14:10:00+01:00' }],
      });
      await update('diagnostic.completed', '2026-01-20T15:00:00+01:00', { barriers: [] });
      await update('contract.signed', '2026-02-02T10:00:00+01:00', { weeklyHours: 15, intensive: false });

      // The 10 days run from 2 March to 12 March; observations in do not shorten them.
      await update('breach.reported', '2026-03-02T10:00:00+01:00', { kind: 'obligations' });
      await update('observations.received', '2026-03-05T10:00:00+01:00');
      expect(
        await refusedWith(update('sanction.decided', '2026-03-09T10:00:00+01:00', { rate: 0.3, months: 1 })),
      ).toBe(
        'La personne a jusqu’au 12/03/2026 pour présenter ses observations ou demander à être entendue : aucune décision avant, sauf renonciation écrite (observations.waived) (décret 2025-478).',
      );
      await update('hearing.requested', '2026-03-10T10:00:00+01:00', { at: '2026-03-16T10:00:00+01:00' });
      expect(
        await refusedWith(update('sanction.decided', '2026-03-13T10:00:00+01:00', { rate: 0.3, months: 1 })),
      ).toBe(
        'La personne a demandé à être entendue le 16/03/2026 à 10:00 : aucune décision avant l’audition (hearing.held).',
      );
      await update('hearing.held', '2026-03-16T10:30:00+01:00');
      await update('sanction.decided', '2026-03-16T11:00:00+01:00', { rate: 0.3, months: 1 });

      // The RAPO on 20 March: the PCD has until 20 May (end of day) to answer.
      await update('appeal.filed', '2026-03-20T10:00:00+01:00');

      // A repetition on 4 May: suppression on the EP's avis, decided 15 May for 4 months.
      await update('breach.reported', '2026-05-04T10:00:00+02:00', { kind: 'obligations' });
      await update('ep.referred', '2026-05-05T10:00:00+02:00', { date: '2026-05-12T14:00:00+02:00' });
      expect(
        await refusedWith(
          update('sanction.decided', '2026-05-15T10:00:00+02:00', {
            rate: 1,
            months: 4,
            suppression: true,
            epAvis: true,
          }),
        ),
      ).toBe('Une suppression exige l’avis de l’équipe pluridisciplinaire (CASF L262-37 III).');
      await update('ep.avis', '2026-05-15T10:30:00+02:00', {
        favourable: true,
        text: 'Aucun motif légitime.',
      });
      await update('sanction.decided', '2026-05-15T11:00:00+02:00', {
        rate: 1,
        months: 4,
        suppression: true,
      });

      // The PCD's silence: an implicit rejection at the first instant of 21 May.
      await advanceTo(env, '2026-05-21T12:00:00+02:00');
      let state = await handle.query(stateQuery);
      expect(state.sanctions[0]).toMatchObject({
        endedBy: 'term',
        appeal: { filedAt: '2026-03-20T09:00:00.000Z', outcome: 'implicit-rejection', answeredAt: null },
      });
      expect(state.deadlines.find((d) => d.kind === 'appeal')).toMatchObject({
        dueAt: '2026-05-20T21:59:59.999Z',
        breached: true,
        metAt: null,
      });
      expect(state.sanctions[1]).toMatchObject({ suppression: true, epAvis: { favourable: true } });
      const informed = state.journal.find((j) => j.event === 'duties.informed');
      expect(informed?.at).toBe('2026-01-20T13:10:00.000Z');
      expect(informed?.recordedAt?.slice(0, 16)).toBe('2026-01-20T13:40');

      // 15 May + 4 months = Tuesday 15 September 00:00 Paris; the proposal leaves at 09:00.
      await advanceTo(env, '2026-09-16T12:00:00+02:00');
      state = await handle.query(stateQuery);
      expect(state.step).toBe('accompaniment');
      expect(state.notifications.filter((n) => n.template === 'proposal.removal')).toEqual([
        expect.objectContaining({
          at: '2026-09-15T07:00:00.000Z',
          to: 'france-travail',
          deadline: 'removal',
        }),
      ]);
      expect(state.removal).toEqual({
        proposedAt: '2026-09-15T07:00:00.000Z',
        answeredAt: null,
        removed: null,
      });

      await update('rights.ended', '2026-09-21T10:00:00+02:00', { reason: 'pcd-decision' });
      state = await handle.query(stateQuery);
      expect(state).toMatchObject({ status: 'closed', exit: { reason: 'pcd-decision' } });
    });
    const removal = sink
      .messages()
      .filter(
        (m) =>
          m.headers['x-jalons-key']?.startsWith('parcours-T-LAW-1/') && /radiation/.test(m.subject ?? ''),
      );
    expect(removal).toHaveLength(1);
  });

  it('past the 6 weeks, once France Travail is told, the Département orients only after France Travail hands back', async () => {
    const worker = await testWorker(env, realActivities(sink.smtpPort));
    await worker.runUntil(async () => {
      const opened = await advanceTo(env, '2026-09-28T09:00:00+02:00');
      const handle = await env.client.workflow.start(beneficiaryPath, {
        args: [{ beneficiaryId: 'T-LAW-2', rightsOpenedAt: opened, territory: 'lens-lievin' }],
        workflowId: pathWorkflowId('T-LAW-2'),
        taskQueue: worker.options.taskQueue,
      });
      await handle.signal(partnerEventSignal, {
        type: 'registration.status',
        at: await advanceTo(env, '2026-09-29T10:00:00+02:00'),
        data: { registered: true },
      });
      // 28 September + 6 weeks = Monday 9 November, end of day; France Travail is told Tuesday 10 at 09:00.
      const orient = async (at: string) =>
        handle.executeUpdate(pathEventUpdate, {
          args: [
            {
              type: 'orientation.decided',
              at: await advanceTo(env, at),
              data: { track: 'social', organisation: 'cd62', referent: 'ref-42' },
            },
          ],
        });
      expect(await refusedWith(orient('2026-11-10T10:00:00+01:00'))).toContain(
        'Le délai légal d’orientation de 6 semaines a expiré le 09/11/2026 et France Travail a été chargé d’orienter la personne',
      );
      await handle.signal(partnerEventSignal, {
        type: 'orientation.returned',
        at: await advanceTo(env, '2026-11-12T10:00:00+01:00'),
      });
      await orient('2026-11-13T10:00:00+01:00');
      const state = await handle.query(stateQuery);
      expect(state.notifications.find((n) => n.template === 'transfer.orientation')?.at).toBe(
        '2026-11-10T08:00:00.000Z',
      );
      expect(state).toMatchObject({
        step: 'first-appointment',
        registration: { registered: true, exemption: null },
        orientationReturnedAt: '2026-11-12T09:00:00.000Z',
        orientation: { organisation: 'cd62', decidedAt: '2026-11-13T09:00:00.000Z' },
        rejected: [],
      });
      await handle.terminate('fin du test');
    });
  });
});
