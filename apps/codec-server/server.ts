/**
 * The codec server: lets the Temporal Web UI show decrypted payloads to
 * authorised staff. Implements Temporal's remote codec protocol (POST /encode,
 * POST /decode, JSON payloads); requires a bearer token: one of the configured
 * tokens, or the personal API token of an administrator's account (decrypting
 * shows every case, whatever its perimeter: agents and read-only accounts are
 * refused); answers CORS only for the Temporal UI's origin.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { z } from '../../domain/validation.js';
import { accountByApiToken, recordAccountEvent } from '../../store/accounts.js';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Tokens accepted in `Authorization: Bearer …`. */
  tokens: string[];
  /** The read model holding the accounts: their API tokens are accepted too (administrators only). */
  accounts?: ReadModelDb;
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

function configured(token: string, tokens: string[]): boolean {
  const given = Buffer.from(token);
  return tokens.some((t) => {
    const want = Buffer.from(t);
    return want.length === given.length && timingSafeEqual(want, given);
  });
}

/** The UI calls /decode for every page: one journal line per account every 10 minutes is enough. */
const JOURNAL_EVERY_MS = 10 * 60_000;

/** 200: go on; 401: nobody known; 403: an account that may not decrypt. */
async function authorise(
  token: string,
  options: CodecServerOptions,
  ip: string,
  journaled: Map<string, number>,
): Promise<200 | 401 | 403> {
  if (token && configured(token, options.tokens)) return 200;
  const db = options.accounts;
  const account = db && token ? await accountByApiToken(db, token) : null;
  if (!db || !account) return 401;
  const origin = { channel: 'codec' as const, ip };
  if (account.role !== 'admin') {
    await recordAccountEvent(db, account.login, 'codec.refused', origin);
    return 403;
  }
  if (Date.now() - (journaled.get(account.login) ?? 0) > JOURNAL_EVERY_MS) {
    journaled.set(account.login, Date.now());
    await recordAccountEvent(db, account.login, 'codec.decrypt', origin);
  }
  return 200;
}

export async function startCodecServer(
  options: CodecServerOptions,
): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
  const journaled = new Map<string, number>();
  app.addHook('onRequest', async (req, reply) => {
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
    const status = await authorise(bearer(req.headers.authorization), options, req.ip, journaled);
    if (status === 401) return reply.code(401).send({ message: 'Authentification requise pour déchiffrer.' });
    if (status === 403)
      return reply.code(403).send({
        message: 'Déchiffrement réservé aux administrateurs : il montre les dossiers de tous les périmètres.',
      });
  });
  for (const route of ['encode', 'decode'] as const) {
    app.post(`/${route}`, async (req, reply) => {
      const parsed = bodySchema.safeParse(req.body);
      if (!parsed.success) return reply.code(400).send({ message: 'Corps attendu : { payloads: [...] }.' });
      const payloads = parsed.data.payloads.map(fromJson);
      try {
        const out =
          route === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
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
