/**
 * RDV-Insertion end to end, over real HTTP: a path's convocation goes out as an invitation
 * (Temporal dev server, the worker's real activities, the simulator), RDV-Insertion's
 * refusal becomes a person's task, and its signed webhooks come back into the path through
 * the web app: valid, bad signature, replay, out of order, unknown participation, rotation.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../apps/web/server.js';
import { RDVI_WEBHOOK_PATH } from '../../apps/web/rdv-insertion-webhook.js';
import { MailSink } from '../../dev/mail-sink.js';
import { rubyTimestamp } from '../../dev/simulators/rdv-insertion.js';
import { PartnerSimulators } from '../../dev/simulators/server.js';
import type { PathState } from '../../domain/path/path.js';
import { actOnPath, showPath, startPath } from '../../services/paths.js';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { failedPartnerCalls } from '../../store/queries.js';
import { deliveriesOf, linkRdviUser } from '../../store/rdv-insertion.js';
import { signBody } from '../../partners/rdv-insertion.js';
import { activitiesFor } from '../../workers/worker.js';
import { devServerEnv, testWorker } from '../support/temporal.js';
import { useSimulatedRdvInsertion } from '../support/rdv-insertion.js';

let env: TestWorkflowEnvironment;
let sink: MailSink;
let sims: PartnerSimulators;
let app: FastifyInstance;
let db: ReadModelDb;
let worker: Worker;
let running: Promise<void>;
const taskQueue = 'e2e-rdv-insertion';

let restoreRdvInsertion: (() => void) | undefined;
beforeAll(async () => {
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  // Two secrets: a rotation is under way, the simulator still signs with the previous one at first.
  app = await buildWebApp({
    client: env.client,
    db,
    rdvInsertionSecrets: ['nouveau-secret', 'ancien-secret'],
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  sims = await PartnerSimulators.start({ port: 0 });
  sims.rdvInsertion.configureWebhook(`${url}${RDVI_WEBHOOK_PATH}`, 'nouveau-secret');
  const orgs = join(mkdtempSync(join(tmpdir(), 'rdvi-')), 'organisations.json');
  writeFileSync(
    orgs,
    JSON.stringify({
      organisations: [
        { code: 'cd62', rdvSolidaritesOrganisationId: 62001, motifCategory: 'rsa_accompagnement' },
      ],
    }),
  );
  restoreRdvInsertion = useSimulatedRdvInsertion(sims.baseUrl(), { JALONS_RDVI_ORGANISATIONS: orgs });
  const activities = activitiesFor(
    { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined },
    'config/directory.json',
    db,
    sims.config(),
  );
  worker = await testWorker(env, activities, { taskQueue });
  running = worker.run();
});
afterAll(async () => {
  restoreRdvInsertion?.();
  worker?.shutdown();
  await running;
  await app?.close();
  await db?.close();
  await sims?.close();
  await env?.teardown();
  await sink?.close();
});

async function until(id: string, ok: (s: PathState) => boolean): Promise<PathState> {
  for (let i = 0; i < 200; i++) {
    const s = await showPath(env.client, id);
    if (ok(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`état attendu non atteint pour ${id}`);
}

/** A path oriented towards a référent of cd62 (ref-5), linked to a user RDV-Insertion knows. */
async function orientedPath(id: string): Promise<number> {
  await startPath(env.client, taskQueue, {
    beneficiaryId: id,
    rightsOpenedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
    territory: 'audomarois',
  });
  await actOnPath(env.client, id, {
    type: 'orientation.decided',
    data: { track: 'social', organisation: 'cd62', referent: 'ref-5' },
  });
  const user = sims.rdvInsertion.addUser(id);
  await linkRdviUser(db, id, user, 'import');
  return user;
}
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();
const later = (seconds: number) => rubyTimestamp(new Date(Date.now() + seconds * 1000));
const resultsOf = (r: { body: unknown }) =>
  (r.body as { recu: { resultat: string }[] }).recu.map((x) => x.resultat);
const events = (s: PathState, type: string) => s.journal.filter((j) => j.event === type);

describe('RDV-Insertion, end to end', () => {
  it('a scheduled appointment is an invitation; « seen » comes back attended, once, whatever the replays', async () => {
    const id = 'RDVI-E2E-1';
    const user = await orientedPath(id);
    await actOnPath(env.client, id, {
      type: 'appointment.scheduled',
      by: 'agent-1',
      data: { at: inAWeek() },
    });
    const convoked = await until(id, (s) =>
      (s.partnerCalls ?? []).some((c) => c.operation === 'rdv.convocation' && c.status === 'done'),
    );
    expect(convoked.partnerCalls?.find((c) => c.operation === 'rdv.convocation')?.receipt).toBe(
      `rdvi:62001:${user}:rsa_accompagnement`,
    );
    expect(sims.rdvInsertion.invitationsOf(user)).toHaveLength(1);

    const seen = {
      userId: user,
      departmentInternalId: id,
      status: 'seen' as const,
      startsAt: inAWeek(),
      timestamp: later(1),
    };
    const first = await sims.rdvInsertion.sendRdv(seen);
    expect([first.status, resultsOf(first)]).toEqual([200, ['applied']]);
    const replay = await sims.rdvInsertion.deliver(first.payload);
    expect([replay.status, resultsOf(replay)]).toEqual([200, ['duplicate']]);
    const attended = await until(id, (s) => s.step === 'diagnostic');
    expect(events(attended, 'appointment.attended')).toEqual([
      expect.objectContaining({ by: 'rdv-insertion' }),
    ]);
    expect(attended.rejected).toEqual([]);

    // The body changed after signing (the signature of the original is sent with it).
    const forged = await sims.rdvInsertion.deliver(
      first.payload.replace('"seen"', '"noshow"'),
      signBody(first.payload, 'nouveau-secret'),
    );
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ detail: 'Signature X-RDVI-Signature absente ou invalide.' });
    const unsigned = await sims.rdvInsertion.deliver(first.payload, '');
    expect(unsigned.status).toBe(401);
    expect(events(await showPath(env.client, id), 'appointment.missed')).toEqual([]);
    // Nothing of the person's identity is kept: only ids.
    const kept = JSON.stringify([
      ...(await db.query('select * from rdvi_users')),
      ...(await db.query('select * from rdvi_deliveries')),
    ]);
    expect(kept).not.toMatch(/Fictif|Prénom/);
    await env.client.workflow.getHandle(`parcours-${id}`).terminate('fin du test');
  }, 120_000);

  it('a new starts_at schedules, a later noshow misses, an older delivery changes nothing', async () => {
    const id = 'RDVI-E2E-2';
    const user = await orientedPath(id);
    const base = { userId: user, departmentInternalId: id, participationId: 7001, startsAt: inAWeek() };
    // One origin for the four timestamps: their order is the test's, not the machine's speed.
    const t0 = Date.now();
    const later = (seconds: number) => rubyTimestamp(new Date(t0 + seconds * 1000));
    const scheduled = await sims.rdvInsertion.sendRdv({
      ...base,
      status: 'unknown',
      timestamp: later(1),
      event: 'created',
    });
    expect(resultsOf(scheduled)).toEqual(['applied']);
    const noshow = await sims.rdvInsertion.sendRdv({ ...base, status: 'noshow', timestamp: later(3) });
    expect(resultsOf(noshow)).toEqual(['applied']);
    const older = await sims.rdvInsertion.sendRdv({ ...base, status: 'seen', timestamp: later(2) });
    expect(resultsOf(older)).toEqual(['stale']);
    const sameTime = await sims.rdvInsertion.sendRdv({ ...base, status: 'unknown', timestamp: later(4) });
    expect(resultsOf(sameTime)).toEqual(['journaled']);
    const s = await until(id, (x) => events(x, 'appointment.missed').length === 1);
    expect(events(s, 'appointment.scheduled')).toEqual([expect.objectContaining({ by: 'rdv-insertion' })]);
    expect(events(s, 'appointment.attended')).toEqual([]);
    // Scheduled by RDV-Insertion itself: no convocation is sent back to it.
    expect((s.partnerCalls ?? []).filter((c) => c.operation === 'rdv.convocation')).toEqual([]);
    expect((await deliveriesOf(db, 'Rdv', 7001)).map((d) => [d.status, d.outcome])).toEqual([
      ['unknown', 'applied'],
      ['noshow', 'applied'],
      ['seen', 'stale'],
      ['unknown', 'journaled'],
    ]);
    await env.client.workflow.getHandle(`parcours-${id}`).terminate('fin du test');
  }, 120_000);

  it('an unknown participation, a revoked one and an invitation are recorded and change no path', async () => {
    const stranger = sims.rdvInsertion.addUser(null);
    const unknown = await sims.rdvInsertion.sendRdv({
      userId: stranger,
      status: 'seen',
      startsAt: inAWeek(),
      timestamp: later(1),
    });
    expect([unknown.status, resultsOf(unknown)]).toEqual([200, ['unknown']]);
    const noPath = await sims.rdvInsertion.sendRdv({
      userId: stranger + 1000,
      departmentInternalId: 'RDVI-SANS-PARCOURS',
      status: 'seen',
      startsAt: inAWeek(),
      timestamp: later(1),
    });
    expect(resultsOf(noPath)).toEqual(['unknown']);

    const id = 'RDVI-E2E-3';
    const user = await orientedPath(id);
    const revoked = await sims.rdvInsertion.sendRdv({
      userId: user,
      status: 'revoked',
      startsAt: inAWeek(),
      timestamp: later(1),
    });
    expect(resultsOf(revoked)).toEqual(['journaled']); // found through the imported link: no department_internal_id sent
    const invitation = JSON.stringify({
      data: { id: 9001, format: 'sms', user: { id: user, department_internal_id: id } },
      meta: { model: 'Invitation', event: 'created', timestamp: later(1) },
    });
    const recorded = await sims.rdvInsertion.deliver(invitation);
    expect([recorded.status, resultsOf(recorded)]).toEqual([200, ['journaled']]);
    expect((await deliveriesOf(db, 'Invitation', 9001)).map((d) => d.status)).toEqual(['created']);
    const s = await showPath(env.client, id);
    expect(s.journal.filter((j) => j.by === 'rdv-insertion')).toEqual([]);
    await env.client.workflow.getHandle(`parcours-${id}`).terminate('fin du test');
  }, 120_000);

  it('the previous secret is accepted during a rotation; any other is refused', async () => {
    sims.rdvInsertion.configureWebhook(sims.rdvInsertion.webhookUrl()!, 'ancien-secret');
    const user = sims.rdvInsertion.addUser(null);
    const old = await sims.rdvInsertion.sendRdv({
      userId: user,
      status: 'unknown',
      startsAt: inAWeek(),
      timestamp: later(1),
    });
    expect(old.status).toBe(200);
    sims.rdvInsertion.configureWebhook(sims.rdvInsertion.webhookUrl()!, 'un-autre-secret');
    const other = await sims.rdvInsertion.sendRdv({
      userId: user,
      status: 'unknown',
      startsAt: inAWeek(),
      timestamp: later(2),
    });
    expect(other.status).toBe(401);
    sims.rdvInsertion.configureWebhook(sims.rdvInsertion.webhookUrl()!, 'nouveau-secret');
  });

  it('a signed body that is not the published shape is refused in French, and changes nothing', async () => {
    const bad = async (payload: string) => {
      const r = await sims.rdvInsertion.deliver(payload);
      return [r.status, (r.body as { detail: string }).detail];
    };
    expect(await bad('{"data":')).toEqual([400, 'Webhook RDV-Insertion illisible : corps JSON attendu.']);
    const meta = { model: 'Rdv', event: 'updated', timestamp: 'hier' };
    expect(await bad(JSON.stringify({ data: {}, meta }))).toEqual([
      400,
      'Webhook RDV-Insertion invalide : meta.timestamp n’est pas un instant.',
    ]);
    const [status, detail] = await bad(
      JSON.stringify({ data: { id: 1 }, meta: { ...meta, timestamp: later(1) } }),
    );
    expect(status).toBe(400);
    expect(detail).toMatch(/^Webhook RDV-Insertion invalide \(Rdv\) : /);
    expect(await db.query('select * from rdvi_deliveries where resource_id = 1')).toEqual([]);
  });

  it('RDV-Insertion’s 422 ends as a task for a person, with its message', async () => {
    const id = 'RDVI-E2E-4';
    await orientedPath(id);
    sims.rdvInsertion.failNext('invite', 422);
    await actOnPath(env.client, id, {
      type: 'appointment.scheduled',
      by: 'agent-1',
      data: { at: inAWeek() },
    });
    let tasks: Awaited<ReturnType<typeof failedPartnerCalls>> = [];
    for (let i = 0; i < 100 && tasks.length === 0; i++) {
      tasks = (await failedPartnerCalls(db)).filter((t) => t.beneficiary_id === id);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(tasks).toEqual([
      expect.objectContaining({
        operation: 'rdv.convocation',
        error: expect.stringContaining(
          'Erreur en envoyant l’invitation par sms: l’invitation n’a pas pu être délivrée',
        ),
      }),
    ]);
    await env.client.workflow.getHandle(`parcours-${id}`).terminate('fin du test');
  }, 120_000);
});
