/**
 * The codec server's probes and metrics (issue 19): /sante/vivant, /sante/pret (the accounts'
 * database answers: without it no administrator's token can be checked; the codec server does not
 * call Temporal), /metrics (JALONS_METRICS_TOKEN as a bearer token, or loopback only).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { readiness, readinessBody, readModelCheck } from '../../observability/health.js';
import { METRICS_CONTENT_TYPE, metricsText } from '../../observability/metrics.js';

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function allowed(req: FastifyRequest, token: string | undefined): boolean {
  if (!token) return loopback.has(req.socket.remoteAddress ?? '');
  const given = Buffer.from(/^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export function codecProbes(
  app: FastifyInstance,
  o: { accounts: ReadModelDb; metricsToken?: string | undefined },
): void {
  const checks = [readModelCheck(() => o.accounts)];
  app.get('/sante/vivant', async (_req, reply) =>
    reply.header('cache-control', 'no-store').send({ statut: 'vivant' }),
  );
  app.get('/sante/pret', async (_req, reply) => {
    const r = await readiness(checks);
    return reply
      .code(r.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(readinessBody(r));
  });
  app.get('/metrics', async (req, reply) => {
    if (!allowed(req, o.metricsToken))
      return reply
        .code(401)
        .send({ message: 'Métriques : jeton requis (Authorization: Bearer <JALONS_METRICS_TOKEN>).' });
    return reply
      .type(METRICS_CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .send(await metricsText());
  });
}
