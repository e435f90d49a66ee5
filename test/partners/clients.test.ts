/**
 * The partner clients against the real simulators, over HTTP: success, 5xx,
 * timeouts, refusals, broken contracts, idempotency — RDV-Insertion's own in
 * rdv-insertion.test.ts —
 * and, through a real Temporal worker with `partnerRetry`, that transient
 * failures end in success and a refusal ends in a failure (or a human task)
 * carrying the partner's French message.
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPartnerActivities,
  partnerConfigFromEnv,
  type PartnerActivities,
} from '../../activities/partners/index.js';
import { partnerRetry } from '../../workflows/shared/partner-retry.js';
import { PartnerSimulators } from '../../dev/simulators/server.js';
import { testDataConverter, timeSkippingEnv } from '../support/temporal.js';
import type { PartnerOperation, PartnerOutcome } from './workflows.js';

const CLIENT_TIMEOUT_MS = 400;

let sims: PartnerSimulators;
let partners: PartnerActivities;

beforeAll(async () => {
  sims = await PartnerSimulators.start({ holdMs: 5_000 });
  partners = createPartnerActivities(sims.config({ timeoutMs: CLIENT_TIMEOUT_MS }));
});
afterAll(async () => {
  await sims?.close();
});
afterEach(() => {
  sims.reset();
});

const orientation = {
  beneficiaryId: 'B-0042',
  track: 'socio-professional' as const,
  organisation: 'cd62',
  referent: 'ref-42',
  decidedAt: '2026-01-12T10:00:00+01:00',
};
const suspension = { beneficiaryId: 'B-0042', rate: 0.3, from: '2026-02-01', months: 2 };
const pieces = [
  { id: 'P-1', kind: 'deliberation', sha256: 'a'.repeat(64) },
  { id: 'P-2', kind: 'budget' },
];

/** Runs `fn`, expecting it to throw an `ApplicationFailure`, and returns it. */
async function failureOf(fn: () => Promise<unknown>): Promise<ApplicationFailure> {
  const err = await fn().then(
    () => {
      throw new Error('un échec était attendu');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('each client against its simulator', () => {
  it('every operation succeeds, once, with a token and an idempotency key', async () => {
    const calls: { partner: Parameters<PartnerSimulators['effects']>[0]; run: () => Promise<unknown> }[] = [
      { partner: 'france-travail', run: () => partners.franceTravailNotifyOrientation(orientation) },
      {
        partner: 'france-travail',
        run: () =>
          partners.franceTravailNotifyContract({
            beneficiaryId: 'B-0042',
            signedAt: '2026-02-02T10:00:00+01:00',
            weeklyHours: 15,
            intensive: true,
          }),
      },
      {
        partner: 'france-travail',
        run: () =>
          partners.franceTravailNotifySanctionDecision({
            beneficiaryId: 'B-0042',
            decidedAt: '2026-05-04T10:00:00+02:00',
            rate: 0.3,
            months: 1,
            from: '2026-06-01',
          }),
      },
      { partner: 'caf', run: () => partners.cafSuspendAllocation(suspension) },
      {
        partner: 'caf',
        run: () => partners.cafRestoreAllocation({ beneficiaryId: 'B-0042', from: '2026-03-01' }),
      },
      { partner: 'cnsa', run: () => partners.cnsaSubmitApplication({ grantId: 'G-1', pieces }) },
      {
        partner: 'prefecture',
        run: () =>
          partners.prefectureTransmitAct({
            grantId: 'G-1',
            act: { kind: 'deliberation', reference: 'CD-2026-014', adoptedOn: '2026-03-16' },
            pieces,
          }),
      },
    ];
    for (const { partner, run } of calls) {
      const before = sims.effects(partner).length;
      const result = await run();
      const effects = sims.effects(partner);
      expect(effects).toHaveLength(before + 1);
      // What the client returned is what the partner answered to this request.
      expect(result).toEqual(effects.at(-1)?.response);
      expect(effects.at(-1)?.idempotencyKey).toMatch(/^jalons-[0-9a-f]{40}$/);
    }
    expect(sims.requests().every((r) => r.status === 201 && !r.replayed)).toBe(true);
    expect(sims.requests()).toHaveLength(calls.length);

    const [ack] = sims.effects('prefecture');
    expect((ack?.response as { accuseReception: string }).accuseReception).toMatch(/-CD-2026-014-DE$/);
    const [deposit] = sims.effects('cnsa');
    const receivedAt = (deposit?.response as { receivedAt: string }).receivedAt;
    expect(Math.abs(Date.parse(receivedAt) - Date.now())).toBeLessThan(60_000);
  });

  it('without RDV-Insertion (no JALONS_RDVI_URL) a convocation is a person’s task, sent nowhere', async () => {
    const failure = await failureOf(() =>
      partners.appointmentsConvoke({
        beneficiaryId: 'B-0042',
        referent: 'ref-42',
        at: '2026-01-20T14:00:00+01:00',
      }),
    );
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('InvalidPartnerRequest');
    expect(failure.message).toBe(
      'RDV-Insertion n’est pas configuré (JALONS_RDVI_URL absent) : convoquez « B-0042 » hors de Jalons, ' +
        'ou configurez RDV-Insertion puis renvoyez la convocation (docs/rdv-insertion.md).',
    );
    expect(sims.requests()).toEqual([]);
    expect(sims.rdvInsertion.requests()).toEqual([]);
  });

  it('a 5xx is a retryable failure; once the partner is back, the call succeeds', async () => {
    sims.faults.inject({ partner: 'caf', route: 'suspendAllocation', kind: 'status', status: 503 });
    const failure = await failureOf(() => partners.cafSuspendAllocation(suspension));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('PartnerUnavailable');
    expect(failure.message).toContain('La CAF est indisponible (503)');
    expect(sims.effects('caf')).toHaveLength(0);

    const receipt = await partners.cafSuspendAllocation(suspension);
    expect(receipt.receiptId).toBe((sims.effects('caf')[0]?.response as { receiptId: string }).receiptId);
    expect(sims.requests('caf').map((r) => r.status)).toEqual([503, 201]);
  });

  it('an answer slower than the client timeout is retryable, and the retry is applied once', async () => {
    sims.faults.inject({ partner: 'france-travail', kind: 'latency', ms: CLIENT_TIMEOUT_MS * 3 });
    const started = Date.now();
    const failure = await failureOf(() => partners.franceTravailNotifyOrientation(orientation));
    expect(Date.now() - started).toBeLessThan(CLIENT_TIMEOUT_MS * 3);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('PartnerUnavailable');
    expect(failure.message).toContain(`n’a pas répondu dans le délai de ${CLIENT_TIMEOUT_MS} ms`);

    const { receiptId } = await partners.franceTravailNotifyOrientation(orientation);
    // The slow first request ends too, with the stored answer: one notification only.
    await sims.waitFor((s) => s.requests('france-travail').every((r) => r.status !== null));
    expect(sims.effects('france-travail')).toHaveLength(1);
    expect(sims.effects('france-travail')[0]?.response).toEqual({ receiptId });
    expect(sims.requests('france-travail').filter((r) => r.replayed)).toHaveLength(1);
  });

  it('a request applied but never answered is retried under the same key and applied once', async () => {
    sims.faults.inject({ partner: 'cnsa', kind: 'timeout' });
    const failure = await failureOf(() => partners.cnsaSubmitApplication({ grantId: 'G-9', pieces }));
    expect(failure.type).toBe('PartnerUnavailable');
    expect(failure.nonRetryable).toBe(false);
    expect(sims.effects('cnsa')).toHaveLength(1);

    const receipt = await partners.cnsaSubmitApplication({ grantId: 'G-9', pieces });
    expect(receipt).toEqual(sims.effects('cnsa')[0]?.response);
    expect(sims.effects('cnsa')).toHaveLength(1);
    const [first, second] = sims.requests('cnsa');
    expect(second?.idempotencyKey).toBe(first?.idempotencyKey);
    expect(second?.replayed).toBe(true);
  });

  it('a partner that cannot be reached is a retryable failure', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const addr = probe.address();
        probe.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    const config = sims.config({ timeoutMs: CLIENT_TIMEOUT_MS });
    config.partners['france-travail'].url = `http://127.0.0.1:${port}/france-travail`;
    const failure = await failureOf(() =>
      createPartnerActivities(config).franceTravailNotifyOrientation(orientation),
    );
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('PartnerUnavailable');
    expect(failure.message).toContain('France Travail est injoignable');
  });

  it('a 4xx is a non-retryable refusal carrying the status and the partner’s French message', async () => {
    sims.faults.inject({
      partner: 'france-travail',
      route: 'notifyOrientation',
      kind: 'status',
      status: 422,
      message: 'allocataire inconnu de France Travail',
    });
    const failure = await failureOf(() => partners.franceTravailNotifyOrientation(orientation));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('PartnerRejected');
    expect(failure.message).toContain('France Travail a refusé la demande');
    expect(failure.message).toContain('statut 422');
    expect(failure.message).toContain('allocataire inconnu de France Travail');
    expect(failure.details?.[0]).toMatchObject({ partner: 'france-travail', status: 422 });
    expect(sims.effects('france-travail')).toHaveLength(0);
  });

  it('a refusal decided by the partner itself (restoring an allocation never suspended) is a 4xx', async () => {
    const failure = await failureOf(() =>
      partners.cafRestoreAllocation({ beneficiaryId: 'B-0099', from: '2026-03-01' }),
    );
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('PartnerRejected');
    expect(failure.message).toContain('statut 409');
    expect(failure.message).toContain('aucune suspension en cours pour l’allocataire B-0099');

    // Once the allocation is suspended, the same request is accepted: refusals are not stored.
    await partners.cafSuspendAllocation({ ...suspension, beneficiaryId: 'B-0099' });
    await partners.cafRestoreAllocation({ beneficiaryId: 'B-0099', from: '2026-03-01' });
    expect(sims.effects('caf').map((e) => e.operation)).toEqual(['suspendAllocation', 'restoreAllocation']);
  });

  it('a wrong token is refused (401) without retry', async () => {
    const wrong = createPartnerActivities(sims.config({ timeoutMs: CLIENT_TIMEOUT_MS, token: 'pas-le-bon' }));
    const failure = await failureOf(() => wrong.cnsaSubmitApplication({ grantId: 'G-1', pieces }));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('statut 401');
    expect(failure.message).toContain('jeton d’accès manquant ou invalide');
    expect(sims.effects('cnsa')).toHaveLength(0);
  });

  it('a request breaking the contract (a name instead of a pseudonymous id) never leaves', async () => {
    const failure = await failureOf(() =>
      partners.franceTravailNotifyOrientation({ ...orientation, beneficiaryId: 'Jeanne Martin' }),
    );
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('InvalidPartnerRequest');
    expect(failure.message).toContain('beneficiaryId : identifiant pseudonyme attendu');
    expect(sims.requests()).toHaveLength(0);
  });

  it('the simulator itself refuses invalid input with a French 400', async () => {
    const res = await fetch(`${sims.url('caf')}/suspensions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${sims.config().partners.caf.token}`,
        'content-type': 'application/json',
        'idempotency-key': 'k-invalid',
      },
      body: JSON.stringify({ ...suspension, rate: 1.5, extra: true }),
    });
    expect(res.status).toBe(400);
    const { message } = (await res.json()) as { message: string };
    expect(message).toContain('rate : taux au plus égal à 1');
    expect(sims.effects('caf')).toHaveLength(0);
  });

  it('an answer that breaks the contract is a non-retryable protocol error', async () => {
    sims.faults.inject({ partner: 'prefecture', kind: 'malformed' });
    const failure = await failureOf(() =>
      partners.prefectureTransmitAct({
        grantId: 'G-1',
        act: { kind: 'convention', reference: 'CONV-7', adoptedOn: '2026-03-16' },
        pieces,
      }),
    );
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('PartnerProtocolError');
    expect(failure.message).toContain('Réponse inattendue de La préfecture');
    expect(failure.message).toContain('accuseReception');
  });

  it('the same request twice is applied once; another request is applied too', async () => {
    const first = await partners.cafSuspendAllocation(suspension);
    const again = await partners.cafSuspendAllocation({ ...suspension });
    expect(again).toEqual(first);
    const other = await partners.cafSuspendAllocation({ ...suspension, beneficiaryId: 'B-0043' });
    expect(other.receiptId).not.toBe(first.receiptId);

    expect(sims.effects('caf')).toHaveLength(2);
    expect(sims.requests('caf').map((r) => r.replayed)).toEqual([false, true, false]);
  });

  it('an explicit key reused for a different request is refused', async () => {
    await partners.franceTravailNotifyOrientation(orientation, 'decision-7');
    const failure = await failureOf(() =>
      partners.franceTravailNotifyOrientation({ ...orientation, track: 'social' }, 'decision-7'),
    );
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('clé d’idempotence déjà utilisée pour une autre demande');
    expect(sims.effects('france-travail')).toHaveLength(1);
  });

  it('faults are armed over HTTP for the next N requests, then the partner is back to normal', async () => {
    const invalid = await fetch(`${sims.baseUrl()}/_faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ partner: 'caf', kind: 'status' }),
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { message: string }).message).toContain('statut requis');

    const armed = await fetch(`${sims.baseUrl()}/_faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ partner: 'caf', kind: 'status', status: 502, times: 2 }),
    });
    expect(armed.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const failure = await failureOf(() => partners.cafSuspendAllocation(suspension));
      expect(failure.type).toBe('PartnerUnavailable');
    }
    // Another partner is not affected.
    await partners.cnsaSubmitApplication({ grantId: 'G-1', pieces });
    await partners.cafSuspendAllocation(suspension);
    expect(sims.requests('caf').map((r) => r.status)).toEqual([502, 502, 201]);
    expect(sims.faults.list()).toHaveLength(0);
  });
});

describe('partnerConfigFromEnv', () => {
  it('defaults to the local simulators', () => {
    const config = partnerConfigFromEnv({});
    expect(config.partners['france-travail'].url).toBe('http://127.0.0.1:8099/france-travail');
    expect(config.partners.prefecture.url).toBe('http://127.0.0.1:8099/prefecture');
    expect(config.timeoutMs).toBe(10_000);
    expect(config.partners.caf.token).toBe(config.partners.cnsa.token);
  });

  it('reads the URLs, the token and the timeout', () => {
    const config = partnerConfigFromEnv({
      JALONS_FT_URL: 'https://api.francetravail.example/rsa',
      JALONS_CAF_URL: 'https://caf.example/v1',
      JALONS_PARTNER_TOKEN: 'secret',
      JALONS_PARTNER_TIMEOUT_MS: '2500',
      JALONS_SIMULATORS_PORT: '9000',
    });
    expect(config.partners['france-travail']).toEqual({
      url: 'https://api.francetravail.example/rsa',
      token: 'secret',
    });
    expect(config.partners.caf.url).toBe('https://caf.example/v1');
    expect(config.partners.cnsa.url).toBe('http://127.0.0.1:9000/cnsa');
    expect(config.timeoutMs).toBe(2500);
  });

  it('refuses a remote partner without a token, and an invalid value, in French', () => {
    expect(() => partnerConfigFromEnv({ JALONS_CNSA_URL: 'https://cnsa.example' })).toThrow(
      /JALONS_PARTNER_TOKEN est requis pour joindre JALONS_CNSA_URL/,
    );
    expect(() => partnerConfigFromEnv({ JALONS_PARTNER_TIMEOUT_MS: '10' })).toThrow(/au moins 100 ms/);
    expect(() => partnerConfigFromEnv({ JALONS_CAF_URL: 'pas une url' })).toThrow(/JALONS_CAF_URL/);
  });
});

describe('through a Temporal worker with partnerRetry', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `partners-${process.pid}`;
  let counter = 0;

  beforeAll(async () => {
    env = await timeSkippingEnv();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
      dataConverter: testDataConverter,
      activities: createPartnerActivities(sims.config({ timeoutMs: CLIENT_TIMEOUT_MS })),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  const execute = <T>(
    workflow: 'callPartner' | 'callPartnerOrHumanTask',
    op: PartnerOperation,
    req: unknown,
  ) =>
    env.client.workflow.execute<(o: PartnerOperation, r: unknown) => Promise<T>>(workflow, {
      taskQueue,
      workflowId: `partners-${++counter}`,
      args: [op, req],
    });

  it('the policy retries unavailability and stops at a refusal', () => {
    expect(partnerRetry.nonRetryableErrorTypes).toEqual(
      expect.arrayContaining(['PartnerRejected', 'PartnerProtocolError']),
    );
    expect(partnerRetry.nonRetryableErrorTypes).not.toContain('PartnerUnavailable');
    expect(partnerRetry.maximumInterval).toBeDefined();
  });

  it('two 503 then success ends in success, applied once', async () => {
    sims.faults.inject({
      partner: 'france-travail',
      route: 'notifyOrientation',
      kind: 'status',
      status: 503,
      times: 2,
    });
    const result = await execute<{ receiptId: string }>(
      'callPartner',
      'franceTravailNotifyOrientation',
      orientation,
    );
    expect(sims.requests('france-travail').map((r) => r.status)).toEqual([503, 503, 201]);
    expect(sims.effects('france-travail')).toHaveLength(1);
    expect(result).toEqual(sims.effects('france-travail')[0]?.response);
  });

  it('a timeout then success ends in success, applied once', async () => {
    sims.faults.inject({ partner: 'caf', kind: 'latency', ms: CLIENT_TIMEOUT_MS * 3 });
    const result = await execute<{ receiptId: string }>('callPartner', 'cafSuspendAllocation', suspension);
    await sims.waitFor((s) => s.requests('caf').every((r) => r.status !== null));
    expect(sims.effects('caf')).toHaveLength(1);
    expect(result).toEqual(sims.effects('caf')[0]?.response);
  });

  it('a 422 ends in a non-retryable ActivityFailure with the French message, not retried', async () => {
    sims.faults.inject({
      partner: 'cnsa',
      kind: 'status',
      status: 422,
      message: 'pièce « budget » manquante',
    });
    const err = await execute('callPartner', 'cnsaSubmitApplication', { grantId: 'G-1', pieces }).then(
      () => {
        throw new Error('un échec était attendu');
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (err as WorkflowFailedError).cause;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    const cause = (activityFailure as ActivityFailure).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).nonRetryable).toBe(true);
    expect((cause as ApplicationFailure).type).toBe('PartnerRejected');
    expect(cause?.message).toContain('La CNSA a refusé la demande');
    expect(cause?.message).toContain('statut 422');
    expect(cause?.message).toContain('pièce « budget » manquante');
    expect(sims.requests('cnsa')).toHaveLength(1);
  });

  it('a refusal becomes a task for a person, never a silent stop', async () => {
    const outcome = await execute<PartnerOutcome>('callPartnerOrHumanTask', 'cafRestoreAllocation', {
      beneficiaryId: 'B-0100',
      from: '2026-03-01',
    });
    expect(outcome).toMatchObject({
      outcome: 'human-task',
      type: 'PartnerRejected',
      partner: 'caf',
      status: 409,
    });
    expect(outcome.outcome === 'human-task' && outcome.message).toContain(
      'aucune suspension en cours pour l’allocataire B-0100',
    );

    const done = await execute<PartnerOutcome>('callPartnerOrHumanTask', 'cafSuspendAllocation', {
      ...suspension,
      beneficiaryId: 'B-0100',
    });
    expect(done).toEqual({ outcome: 'done', result: sims.effects('caf')[0]?.response });
  });
});
