/**
 * The codec server: lets the Temporal Web UI show decrypted payloads to
 * authorised staff. Implements Temporal's remote codec protocol (POST /encode,
 * POST /decode, JSON payloads); requires the personal API token of an
 * administrator's account (decrypting shows every case, whatever its perimeter:
 * agents and read-only accounts are refused; no shared token exists: issue 19);
 * journals each decode in the accounts' journal (who, how many payloads, when);
 * answers CORS only for the Temporal UI's origin. /sante/vivant, /sante/pret (the
 * accounts' database answers) and /metrics (token or loopback) need no account.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { z } from '../../domain/validation.js';
import { accountByApiToken, recordAccountEvent, type Account } from '../../store/accounts.js';
import { codecRequests } from '../../observability/metrics.js';
import { codecProbes } from './probes.js';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The read model holding the accounts: an administrator's personal API token opens the codec. */
  accounts: ReadModelDb;
  /** Bearer token of /metrics (JALONS_METRICS_TOKEN); none: loopback only. */
  metricsToken?: string | undefined;
  logger?: FastifyBaseLogger;
  /** The Temporal UI's origin, e.g. http://127.0.0.1:8233. */
  uiOrigin: string;
  port: number;
  host?: string;
}

const jsonPayload = z.object({
  metadata: z.record(z.string(), z.string()).optional(),
  data: z.string().optional(),
});
const bodySchema = z.object({ payloads: z.array(jsonPayload) });

const fromJson = (p: z.infer<typeof jsonPayload>): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
  ),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

const bearer = (header: string | undefined) => /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';

/** The administrator's account; 401: nobody known; 403: an account that may not decrypt. */
async function authorise(token: string, db: ReadModelDb, ip: string): Promise<Account | 401 | 403> {
  const account = token ? await accountByApiToken(db, token) : null;
  if (!account) return 401;
  if (account.role !== 'admin') {
    await recordAccountEvent(db, account.login, 'codec.refused', { channel: 'codec', ip });
    return 403;
  }
  return account;
}

export async function startCodecServer(
  options: CodecServerOptions,
): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: 8 * 1024 * 1024,
  });
  codecProbes(app, options);
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/sante/') || req.url.split('?')[0] === '/metrics') return;
    const origin = req.headers.origin;
    if (origin && origin !== options.uiOrigin)
      return reply.code(403).send({ message: 'Origine non autorisée.' });
    if (origin) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
      reply.header('access-control-allow-headers', 'authorization, content-type, x-namespace');
      reply.header('access-control-allow-methods', 'POST, OPTIONS');
      reply.header('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') return reply.code(204).send();
    const status = await authorise(bearer(req.headers.authorization), options.accounts, req.ip);
    if (status === 401) {
      codecRequests.inc({ outcome: 'unauthenticated' });
      return reply
        .code(401)
        .send({ message: 'Authentification requise : jeton d’API personnel d’un compte administrateur.' });
    }
    if (status === 403) {
      codecRequests.inc({ outcome: 'forbidden' });
      return reply.code(403).send({
        message: 'Déchiffrement réservé aux administrateurs : il montre les dossiers de tous les périmètres.',
      });
    }
    (req as { account?: Account }).account = status;
  });
  for (const route of ['encode', 'decode'] as const) {
    app.post(`/${route}`, async (req, reply) => {
      const parsed = bodySchema.safeParse(req.body);
      if (!parsed.success) return reply.code(400).send({ message: 'Corps attendu : { payloads: [...] }.' });
      const payloads = parsed.data.payloads.map(fromJson);
      try {
        const out =
          route === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
        // Each decode journaled: who, how many payloads, when (the journal's own timestamp).
        // Encoding shows nothing: it encrypts what the administrator typed in the UI.
        if (route === 'decode')
          await recordAccountEvent(
            options.accounts,
            (req as { account?: Account }).account!.login,
            'codec.decrypt',
            { channel: 'codec', ip: req.ip },
            `${payloads.length} charge(s) utile(s) déchiffrée(s)`,
          );
        codecRequests.inc({ outcome: route });
        return { payloads: out.map(toJson) };
      } catch (err) {
        return reply.code(400).send({ message: (err as Error).message });
      }
    });
  }
  await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : options.port };
}
