/**
 * Readiness (issue 19): /sante/pret of the web app and of the worker's endpoint answers 200 while
 * the Temporal server answers, 503 with a French reason once it is stopped, and 200 again when
 * it is back (same SQLite file, same port); /sante/vivant stays 200 throughout.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { buildWebApp } from '../../apps/web/server.js';
import { startProcessServer } from '../../observability/server.js';
import { readModelCheck, temporalCheck } from '../../observability/health.js';
import { connectClient, freePort, killAll, startDevServer, type Child } from '../faults/processes.js';
import { quietRuntime } from '../support/temporal.js';

const dir = mkdtempSync(join(tmpdir(), 'jalons-readiness-'));
let port = 0;
let server: Child;
let client: Client;
let native: NativeConnection;
let db: ReadModelDb;
let web: FastifyInstance;
let worker: Awaited<ReturnType<typeof startProcessServer>>;
let webBase = '';
let workerBase = '';

const startServer = () =>
  startDevServer(inject('temporalCliPath'), join(dir, 'temporal.db'), port, join(dir, 'temporal.log'));

async function probe(base: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls until both /sante/pret answer `status` (the SDK reconnects with its own backoff). */
async function until(status: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const [a, b] = await Promise.all([probe(webBase, '/sante/pret'), probe(workerBase, '/sante/pret')]);
    if (a.status === status && b.status === status) return;
    if (Date.now() > end) throw new Error(`attendu ${status} : web ${a.status}, worker ${b.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  quietRuntime('ERROR');
  port = await freePort();
  server = await startServer();
  const address = `127.0.0.1:${port}`;
  client = await connectClient(address);
  native = await NativeConnection.connect({ address });
  db = await openReadModel('memory:');
  web = await buildWebApp({ client, db, sessionKeys: [randomBytes(32)] });
  await web.listen({ port: 0, host: '127.0.0.1' });
  webBase = `http://127.0.0.1:${(web.server.address() as { port: number }).port}`;
  worker = await startProcessServer({
    port: 0,
    host: '127.0.0.1',
    checks: [temporalCheck(() => native, address), readModelCheck(() => db)],
  });
  workerBase = `http://127.0.0.1:${worker.port}`;
}, 120_000);
afterAll(async () => {
  await web?.close();
  worker?.server.close();
  await native?.close().catch(() => undefined);
  await client?.connection.close().catch(() => undefined);
  await db?.close();
  await killAll();
});

describe('/sante/pret follows the Temporal server', () => {
  it('ready, then unready with a French reason when Temporal stops, then ready again', async () => {
    for (const base of [webBase, workerBase]) {
      expect(await probe(base, '/sante/pret')).toEqual({
        status: 200,
        body: { statut: 'prêt', controles: { temporal: 'ok', 'modele-lecture': 'ok' } },
      });
    }
    await server.kill('SIGTERM');
    await until(503, 30_000);
    const reason = `Serveur Temporal injoignable (127.0.0.1:${port}) : pas de réponse en 2 s.`;
    for (const base of [webBase, workerBase]) {
      expect(await probe(base, '/sante/pret')).toEqual({
        status: 503,
        body: { statut: 'non prêt', raison: reason, controles: { temporal: reason, 'modele-lecture': 'ok' } },
      });
      // Alive all the same: an orchestrator does not restart a process for its dependency.
      expect(await probe(base, '/sante/vivant')).toEqual({ status: 200, body: { statut: 'vivant' } });
    }
    server = await startServer();
    await until(200, 120_000);
  }, 240_000);
});
