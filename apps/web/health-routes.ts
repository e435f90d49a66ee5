/**
 * The web app's probes and metrics (issue 19): /sante/vivant (the process answers),
 * /sante/pret (Temporal and the read model answer within 2 s; 503 with a French reason
 * otherwise), /metrics (Prometheus text: Jalons' counters and the read model's gauges — paths
 * late by step and territory, stopped workflows).
 *
 * None of them needs an account (`auth: 'none'`): orchestrators and Prometheus have none. The
 * probes say nothing about a person. /metrics is protected: with JALONS_METRICS_TOKEN, only
 * `Authorization: Bearer <token>`; without it, only a client on this machine (loopback, the
 * socket's own address: X-Forwarded-For is not believed here).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { readiness, readinessBody, readModelCheck, temporalCheck } from '../../observability/health.js';
import { METRICS_CONTENT_TYPE, metricsText, registerReadModelMetrics } from '../../observability/metrics.js';

export interface HealthRoutesOptions {
  client: Client;
  db: ReadModelDb;
  /** Bearer token of /metrics; none: loopback only. */
  metricsToken?: string | undefined;
}

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sameSecret(given: string, want: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether this request may read /metrics (see the file's comment). */
export function metricsAllowed(req: FastifyRequest, token: string | undefined): boolean {
  if (token) {
    const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    return sameSecret(given, token);
  }
  return loopback.has(req.socket.remoteAddress ?? '');
}

export function healthRoutes(app: FastifyInstance, o: HealthRoutesOptions): void {
  registerReadModelMetrics(o.db);
  const address = (o.client.connection as { options?: { address?: string } }).options?.address ?? 'Temporal';
  const checks = [temporalCheck(() => o.client.connection, address), readModelCheck(() => o.db)];
  const open = { config: { auth: 'none' as const } };
  app.get('/sante/vivant', open, async (_req, reply) =>
    reply.header('cache-control', 'no-store').send({ statut: 'vivant' }),
  );
  app.get('/sante/pret', open, async (_req, reply) => {
    const r = await readiness(checks);
    return reply
      .code(r.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(readinessBody(r));
  });
  app.get('/metrics', open, async (req, reply) => {
    if (!metricsAllowed(req, o.metricsToken))
      return reply
        .code(401)
        .send({ message: 'Métriques : jeton requis (Authorization: Bearer <JALONS_METRICS_TOKEN>).' });
    return reply
      .type(METRICS_CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .send(await metricsText());
  });
}
