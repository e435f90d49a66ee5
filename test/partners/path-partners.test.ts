/**
 * The path tells the partner systems what they must know, over real HTTP to the
 * simulators, from a workflow on the time-skipping server: France Travail (the
 * orientation, the contract, the Département's sanction), the CAF (suspension,
 * restoration), RDV-Insertion (convocation as an invitation). Each failure mode ends
 * where the issue says: 5xx and outages retried until the partner is back (once
 * applied), a refusal turned into a person's task with an email, sent again on
 * the person's word with a new idempotency key.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pathWorkflowId } from '../../domain/ids.js';
import type { PartnerCall } from '../../domain/partner-calls.js';
import type { PathEventInput } from '../../domain/path/path-events.js';
import type { PathState } from '../../domain/path/path.js';
import { MailSink } from '../../dev/mail-sink.js';
import { PartnerSimulators } from '../../dev/simulators/server.js';
import { activitiesFor } from '../../workers/worker.js';
import {
  beneficiaryPath,
  partnerEventSignal,
  pathEventUpdate,
  stateQuery,
} from '../../workflows/path/path.js';
import { advanceTo, testWorker, timeSkippingEnv, watchWorkflow } from '../support/temporal.js';
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
  restoreRdvInsertion = useSimulatedRdvInsertion(sims.baseUrl());
});
afterAll(async () => {
  restoreRdvInsertion?.();
  await env?.teardown();
  await sink?.close();
  await sims?.close();
});
beforeEach(() => sims.reset());

const activities = () =>
  activitiesFor(
    { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined },
    'config/directory.json',
    'memory:',
    sims.config({ timeoutMs: 5_000 }),
  );

/**
 * Paths oriented months after OPENED open later: past the legal 6 weeks, the Département's own
 * orientation is refused (docs/rules.md §1), which these tests are not about.
 */
const openedOn: Record<string, string> = {
  'T-PART-2': '2026-04-06T09:00:00+02:00',
  'T-PART-3': '2026-05-25T09:00:00+02:00',
  'T-PART-4': '2026-06-29T09:00:00+02:00',
};

async function startPath(id: string, taskQueue: string) {
  const handle = await env.client.workflow.start(beneficiaryPath, {
    args: [
      {
        beneficiaryId: id,
        rightsOpenedAt: openedOn[id] ?? OPENED.toISOString(),
        territory: 'audomarois',
        household: { size: 3, majore: false },
      },
    ],
    workflowId: pathWorkflowId(id),
    taskQueue,
  });
  const update = async (event: PathEventInput) => {
    await handle.executeUpdate(pathEventUpdate, { args: [event] });
    return handle.query(stateQuery);
  };
  const state = () => handle.query(stateQuery);
  /**
   * Lets the server's time run by `stepMs` at a time (retry backoffs are server timers) until the
   * call has ended; the partner itself answers in real time over HTTP.
   */
  const settled = async (callId: string, stepMs = 1_000): Promise<PartnerCall> => {
    for (let i = 0; i < 200; i++) {
      const call = (await state()).partnerCalls?.find((c) => c.id === callId);
      if (call && call.status !== 'pending') return call;
      await env.sleep(stepMs);
    }
    throw new Error(`transmission ${callId} toujours en cours`);
  };
  return { handle, update, state, settled };
}

type TestPath = Awaited<ReturnType<typeof startPath>>;

/** Runs `body` on a new path with its own worker; the path is terminated whatever happens. */
async function withPath(id: string, body: (p: TestPath) => Promise<void>): Promise<void> {
  const worker = await testWorker(env, activities());
  await worker.runUntil(async () => {
    const p = await startPath(id, worker.options.taskQueue);
    const unwatch = watchWorkflow(env, pathWorkflowId(id));
    try {
      await body(p);
    } finally {
      unwatch();
      await p.handle.terminate('fin du test').catch(() => undefined);
    }
  });
}

const orientation = (at: string): PathEventInput => ({
  type: 'orientation.decided',
  at,
  by: 'agent-7',
  data: { track: 'socio-professional', organisation: 'cd62', referent: 'ref-42' },
});

describe('the path calls the partners where the path needs them', () => {
  it('tells France Travail, the CAF and RDV-Insertion, each once, with the path’s data', async () => {
    // RDV-Insertion knows the person by the pseudonymous id (docs/rdv-insertion.md § 3).
    const user = sims.rdvInsertion.addUser('T-PART-1');
    await withPath('T-PART-1', async (p) => {
      await p.update(orientation(await advanceTo(env, '2026-01-12T10:00:00+01:00')));
      const oriented = await p.settled('france-travail-orientation#1');
      const [registration] = sims.effects('france-travail');
      expect(registration).toMatchObject({
        operation: 'notifyOrientation',
        idempotencyKey: 'parcours-T-PART-1/france-travail-orientation#1#1',
        request: {
          beneficiaryId: 'T-PART-1',
          track: 'socio-professional',
          organisation: 'cd62',
          referent: 'ref-42',
          decidedAt: '2026-01-12T09:00:00.000Z',
        },
      });
      expect(oriented.receipt).toBe((registration?.response as { receiptId: string }).receiptId);

      // A person fixes the first appointment: Jalons invites through RDV-Insertion (cd62's organisation)…
      await p.update({
        type: 'appointment.scheduled',
        at: await advanceTo(env, '2026-01-13T10:00:00+01:00'),
        by: 'agent-7',
        data: { at: '2026-01-27T14:00:00+01:00' },
      });
      const convocation = await p.settled('rdv-convocation@2026-01-27T13:00:00.000Z');
      expect(sims.rdvInsertion.requests('invite')).toEqual([
        expect.objectContaining({
          path: `/rdv-insertion/api/v1/organisations/62001/users/${user}/invite`,
          body: { invitation: { motif_category: { short_name: 'rsa_accompagnement' } } },
          status: 200,
        }),
      ]);
      expect(convocation.receipt).toBe(`rdvi:62001:${user}:rsa_accompagnement`);
      // …but an appointment RDV-Insertion itself reports is not sent back to it.
      await p.handle.signal(partnerEventSignal, {
        type: 'appointment.scheduled',
        at: await advanceTo(env, '2026-01-14T10:00:00+01:00'),
        by: 'rdv-insertion',
        data: { at: '2026-01-28T14:00:00+01:00' },
      });
      await p.handle.signal(partnerEventSignal, {
        type: 'appointment.attended',
        at: await advanceTo(env, '2026-01-28T14:30:00+01:00'),
        by: 'rdv-insertion',
      });
      await p.update({ type: 'diagnostic.completed', data: { barriers: [] } });
      await p.update({
        type: 'contract.signed',
        at: await advanceTo(env, '2026-02-09T10:00:00+01:00'),
        data: { weeklyHours: 15, intensive: false },
      });
      await p.settled('france-travail-contract@2026-02-09T09:00:00.000Z');
      expect(sims.effects('france-travail').map((e) => e.request)).toContainEqual({
        beneficiaryId: 'T-PART-1',
        signedAt: '2026-02-09T09:00:00.000Z',
        weeklyHours: 15,
        intensive: false,
      });

      // A sanction: the CAF suspends 30 % for 2 months; France Travail learns the decision.
      await p.update({
        type: 'breach.reported',
        at: await advanceTo(env, '2026-03-02T10:00:00+01:00'),
        data: { kind: 'obligations', receivedAt: '2026-03-02T10:00:00+01:00' },
      });
      await p.update({
        type: 'sanction.decided',
        at: await advanceTo(env, '2026-03-16T10:00:00+01:00'),
        data: { rate: 0.3, months: 2 },
      });
      await p.settled('caf-suspension#1');
      await p.settled('france-travail-sanction#1');
      expect(sims.effects('caf')).toEqual([
        expect.objectContaining({
          operation: 'suspendAllocation',
          request: { beneficiaryId: 'T-PART-1', rate: 0.3, months: 2, from: '2026-03-16' },
        }),
      ]);
      // Remobilisation: the allocation is restored from that day.
      await p.update({
        type: 'compliance.resumed',
        at: await advanceTo(env, '2026-04-01T10:00:00+02:00'),
        data: {},
      });
      await p.settled('caf-restoration#1');
      expect(sims.effects('caf').map((e) => [e.operation, e.request])).toEqual([
        ['suspendAllocation', expect.anything()],
        ['restoreAllocation', { beneficiaryId: 'T-PART-1', from: '2026-04-01' }],
      ]);
      const final = await p.state();
      expect(final.partnerCalls?.map((c) => [c.id, c.status])).toEqual([
        ['france-travail-orientation#1', 'done'],
        ['rdv-convocation@2026-01-27T13:00:00.000Z', 'done'],
        ['france-travail-contract@2026-02-09T09:00:00.000Z', 'done'],
        ['caf-suspension#1', 'done'],
        ['france-travail-sanction#1', 'done'],
        ['caf-restoration#1', 'done'],
      ]);
      // Every effect applied once: one per call.
      expect(sims.effects()).toHaveLength(5);
      expect(sims.rdvInsertion.requests('invite')).toHaveLength(1);
    });
  });

  it('a partner down for hours (5xx) is retried with backoff until it is back, and applies it once', async () => {
    sims.faults.inject({ partner: 'france-travail', kind: 'status', status: 503, times: 16 });
    sims.rdvInsertion.addUser('T-PART-2');
    await withPath('T-PART-2', async (p) => {
      const decided = await advanceTo(env, '2026-04-13T10:00:00+02:00');
      await p.update(orientation(decided));
      // The path does not wait for France Travail: an act is applied during the outage.
      const during = await p.update({
        type: 'appointment.scheduled',
        data: { at: '2026-04-27T14:00:00+02:00' },
      });
      expect(during.appointment.scheduledAt).toBe('2026-04-27T12:00:00.000Z');
      const call = await p.settled('france-travail-orientation#1', 120_000);
      expect(call.status).toBe('done');
      const requests = sims.requests('france-travail');
      expect(requests).toHaveLength(17);
      expect(new Set(requests.map((r) => r.idempotencyKey))).toEqual(
        new Set(['parcours-T-PART-2/france-travail-orientation#1#1']),
      );
      expect(sims.effects('france-travail')).toHaveLength(1);
      // Backoff 1 s, 2 s, 4 s … capped at 10 minutes: 16 failures span more than an hour (77 min) of workflow time.
      expect(Date.parse(call.doneAt ?? '') - Date.parse(decided)).toBeGreaterThan(60 * 60_000);
    });
  });

  it('a refusal (4xx) becomes a task: operations are emailed, and a person sends it again', async () => {
    sims.faults.inject({
      partner: 'caf',
      route: 'suspendAllocation',
      kind: 'status',
      status: 422,
      message: 'dossier allocataire introuvable',
    });
    await withPath('T-PART-3', async (p) => {
      await p.update(orientation(await advanceTo(env, '2026-06-01T10:00:00+02:00')));
      await p.update({
        type: 'breach.reported',
        at: await advanceTo(env, '2026-06-02T10:00:00+02:00'),
        data: { kind: 'contract-refusal', receivedAt: '2026-06-02T10:00:00+02:00' },
      });
      // Friday 19 June 2026, 18:30 Paris: after closing time.
      await p.update({
        type: 'sanction.decided',
        at: await advanceTo(env, '2026-06-19T18:30:00+02:00'),
        data: { rate: 0.5, months: 1 },
      });
      const failed = await p.settled('caf-suspension#1');
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain('dossier allocataire introuvable');
      expect(sims.requests('caf')).toHaveLength(1); // a refusal is not retried
      expect(sims.effects('caf')).toHaveLength(0);

      // The alert waits for the next opening: Monday 22 June, 09:00 Paris.
      const opening = '2026-06-22T07:00:00.000Z';
      await advanceTo(env, '2026-06-22T08:59:00+02:00');
      expect(sink.messages().filter((m) => m.subject.includes('Action requise'))).toHaveLength(0);
      await advanceTo(env, '2026-06-22T09:01:00+02:00');
      const isAlert = (m: { subject: string }) => m.subject.includes('Action requise');
      const alert = (await sink.waitFor((ms) => ms.some(isAlert))).find(isAlert);
      expect(alert?.to).toEqual(['chef-service-insertion@departement.example']);
      expect(alert?.subject).toBe('[Jalons] Action requise : transmission refusée pour T-PART-3');
      expect(alert?.text).toContain('Demande de suspension de l’allocation à la CAF');
      expect(alert?.text).toContain('dossier allocataire introuvable');
      expect(alert?.text).toContain('caf-suspension#1');
      expect((await p.state()).notifications).toContainEqual(
        expect.objectContaining({ id: 'partner-failed:caf-suspension#1#1', at: opening }),
      );

      // The person fixes it with the CAF and sends it again: a new key, applied once.
      await p.update({
        type: 'partner.resolved',
        by: 'agent-7',
        data: { call: 'caf-suspension#1', action: 'retry' },
      });
      const sent = await p.settled('caf-suspension#1');
      expect(sent).toMatchObject({
        status: 'done',
        attempt: 2,
        resolution: { by: 'agent-7', action: 'retry' },
      });
      expect(sims.effects('caf')).toEqual([
        expect.objectContaining({ idempotencyKey: 'parcours-T-PART-3/caf-suspension#1#2' }),
      ]);
      // A done call cannot be resolved again: French refusal, nothing changes.
      await expect(
        p.update({ type: 'partner.resolved', data: { call: 'caf-suspension#1', action: 'handled' } }),
      ).rejects.toThrow();
    });
  });

  it('the same partner event delivered twice (same id) is applied once', async () => {
    await withPath('T-PART-4', async (p) => {
      await p.update(orientation(await advanceTo(env, '2026-07-06T10:00:00+02:00')));
      const attended = {
        type: 'appointment.attended',
        id: 'RDV-EVT-000042',
        by: 'rdv-insertion',
        at: await advanceTo(env, '2026-07-08T10:00:00+02:00'),
      } as const;
      await p.handle.signal(partnerEventSignal, attended);
      await p.handle.signal(partnerEventSignal, attended);
      const state: PathState = await p.state();
      expect(state.journal.filter((j) => j.event === 'appointment.attended')).toEqual([
        expect.objectContaining({ ref: 'RDV-EVT-000042', by: 'rdv-insertion' }),
      ]);
      expect(state.rejected).toEqual([]);
      expect(state.step).toBe('diagnostic');
    });
  });
});
