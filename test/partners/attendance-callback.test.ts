/**
 * The appointments service calls Jalons back with the attendance: over real
 * HTTP from the simulator to the callback route, into the path on the dev
 * server. A callback delivered twice is applied once; a wrong token, a
 * malformed body or an unknown person get a French error and change nothing.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { buildWebApp } from '../../apps/web/server.js';
import { failedPartnerCalls } from '../../store/queries.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATORS_TOKEN } from '../../activities/partners/index.js';
import type { PathState } from '../../domain/path/path.js';
import { MailSink } from '../../dev/mail-sink.js';
import { actOnPath, showPath, startPath } from '../../services/paths.js';
import { ATTENDANCE_CALLBACK_PATH } from '../../apps/web/partner-callbacks.js';
import { PartnerSimulators } from '../../dev/simulators/server.js';
import { activitiesFor } from '../../workers/worker.js';
import { devServerEnv, testWorker } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
let sink: MailSink;
let sims: PartnerSimulators;
let app: FastifyInstance;
let db: ReadModelDb;
let worker: Worker;
let running: Promise<void>;
const taskQueue = 'e2e-attendance';

beforeAll(async () => {
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  // The real operations app (sessions, CSRF, roles): the webhook opts out of them for the partner's token.
  db = await openReadModel('memory:');
  app = await buildWebApp({ client: env.client, db, partnerToken: SIMULATORS_TOKEN });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  sims = await PartnerSimulators.start({
    port: 0,
    attendanceCallbackUrl: `${url}${ATTENDANCE_CALLBACK_PATH}`,
  });
  // The worker writes the read model the web app reads (as in the embedded stack).
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

describe('the attendance callback', () => {
  it('a convocation sent to the service comes back as the attendance, twice delivered, applied once', async () => {
    const id = 'ATT-001';
    await startPath(env.client, taskQueue, {
      beneficiaryId: id,
      rightsOpenedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      territory: 'audomarois',
    });
    await actOnPath(env.client, id, {
      type: 'orientation.decided',
      data: { track: 'employment', organisation: 'france-travail', referent: 'ref-5' },
    });
    await actOnPath(env.client, id, {
      type: 'appointment.scheduled',
      by: 'agent-1',
      data: { at: new Date(Date.now() + 7 * 86_400_000).toISOString() },
    });
    const convoked = await until(id, (s) =>
      (s.partnerCalls ?? []).some((c) => c.operation === 'rdv.convocation' && c.status === 'done'),
    );
    const appointmentId = convoked.partnerCalls?.find((c) => c.operation === 'rdv.convocation')?.receipt;
    expect(appointmentId).toMatch(/^RDV-/);

    sims.faults.inject({ partner: 'rdv', route: 'attendance', kind: 'duplicate-callback' });
    const deliveries = await sims.recordAttendance(appointmentId!, 'attended');
    expect(deliveries.map((d) => [d.delivery, d.status])).toEqual([
      [1, 202],
      [2, 202],
    ]);
    const attended = await until(id, (s) => s.step === 'diagnostic');
    expect(attended.journal.filter((j) => j.event === 'appointment.attended')).toEqual([
      expect.objectContaining({ by: 'rdv-insertion', ref: deliveries[0]?.event.eventId }),
    ]);
    expect(attended.rejected).toEqual([]);
    await env.client.workflow.getHandle(`parcours-${id}`).terminate('fin du test');
  }, 120_000);

  it('a transmission the partner refuses reaches the read model as a task for operations', async () => {
    const id = 'ATT-002';
    sims.faults.inject({
      partner: 'france-travail',
      route: 'notifyOrientation',
      kind: 'status',
      status: 422,
      message: 'personne inconnue de France Travail',
    });
    await startPath(env.client, taskQueue, {
      beneficiaryId: id,
      rightsOpenedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      territory: 'audomarois',
    });
    await actOnPath(env.client, id, {
      type: 'orientation.decided',
      data: { track: 'employment', organisation: 'france-travail', referent: 'ref-6' },
    });
    let tasks: Awaited<ReturnType<typeof failedPartnerCalls>> = [];
    for (let i = 0; i < 100 && tasks.length === 0; i++) {
      tasks = (await failedPartnerCalls(db)).filter((t) => t.beneficiary_id === id);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(tasks).toEqual([
      expect.objectContaining({
        call: 'france-travail-orientation#1',
        operation: 'france-travail.orientation',
        error: expect.stringContaining('personne inconnue de France Travail'),
      }),
    ]);
    await env.client.workflow.getHandle(`parcours-${id}`).terminate('fin du test');
  }, 120_000);

  it('refuses a wrong token, a malformed body and an unknown person, in French', async () => {
    const post = (body: unknown, token = SIMULATORS_TOKEN) =>
      app.inject({
        method: 'POST',
        url: ATTENDANCE_CALLBACK_PATH,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const valid = {
      eventId: 'EVT-X',
      appointmentId: 'RDV-X',
      beneficiaryId: 'ATT-INCONNU',
      status: 'missed',
      recordedAt: new Date().toISOString(),
    };
    const wrong = await post(valid, 'pas-le-bon');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(wrong.json()).toMatchObject({
      code: 'non-authentifie',
      detail: 'Jeton du partenaire absent ou invalide.',
      erreur: 'Jeton du partenaire absent ou invalide.',
    });
    const malformed = await post({ ...valid, status: 'peut-être' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('parametre-invalide');
    expect(malformed.json().detail).toContain('présence attendue : attended (venu) ou missed (absent)');
    const unknown = await post(valid);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      code: 'introuvable',
      detail: 'Aucun parcours en cours pour « ATT-INCONNU ».',
      erreur: 'Aucun parcours en cours pour « ATT-INCONNU ».',
    });
  });
});
