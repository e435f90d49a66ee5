/**
 * Local stand-ins for the partner systems, on one HTTP server (fastify), each
 * partner under its own prefix (`/france-travail`, `/caf`, `/cnsa`, `/prefecture`…),
 * RDV-Insertion as published under `/rdv-insertion` (./rdv-insertion.ts). They implement what Jalons' clients use, with the same zod
 * schemas: a bearer token (401 without it), an `Idempotency-Key` on every write
 * (the same key gives the same answer and no second effect), a 400 with a
 * French message on invalid input. Faults are injected per partner and per
 * operation from a test (`faults`) or over HTTP (`POST /_faults`); every request
 * and every applied effect is recorded so that a test can assert « applied once ».
 *
 * Control routes (no token, local use only): `GET|POST|DELETE /_faults`,
 * `GET /_requests?partner=`, `GET /_effects?partner=`, `POST /_reset`, `GET /_health`,
 * and RDV-Insertion's under `/_rdv-insertion`.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { frenchIssues, z } from '../../domain/validation.js';
import {
  canonicalJson,
  partnerLabels,
  partnerNameSchema,
  partnerNames,
  type PartnerName,
  type PartnerRoute,
  type PartnerRoutes,
} from '../../partners/http.js';
import { franceTravailRoutes } from '../../partners/france-travail.js';
import { cafRoutes } from '../../partners/caf.js';
import { cnsaRoutes } from '../../partners/cnsa.js';
import { prefectureRoutes } from '../../partners/prefecture.js';
import { SIMULATORS_TOKEN, simulatorUrls, type PartnerConfig } from '../../partners/config.js';
import { FaultController, type Fault, type FaultKind, type FaultSpec } from './faults.js';
import { ftExchangeRoutes } from '../../partners/ft-exchange.js';
import { catalogueRoutes } from '../../partners/catalogue.js';
import { monjobRoutes } from '../../partners/monjob.js';
import { ExchangeSimulators } from './exchanges.js';
import { RdvInsertionSimulator } from './rdv-insertion.js';

export { FaultController, type Fault, type FaultKind, type FaultSpec };
export type { AppliedEffect, PartnerSimulatorsOptions, RecordedRequest } from './records.js';
import type { AppliedEffect, PartnerSimulatorsOptions, RecordedRequest } from './records.js';

interface Outcome {
  status: number;
  body: unknown;
}

type Handler = (body: never) => Outcome;

const routesOf: Record<PartnerName, PartnerRoutes> = {
  'france-travail': franceTravailRoutes,
  caf: cafRoutes,
  // RDV-Insertion has its own published contract (./rdv-insertion.ts), not these routes.
  rdv: {},
  cnsa: cnsaRoutes,
  prefecture: prefectureRoutes,
  'ft-exchange': ftExchangeRoutes,
  catalogue: catalogueRoutes,
  monjob: monjobRoutes,
};

/** ACTES nature codes of the accusé de réception. */
const actCodes = { deliberation: 'DE', arrete: 'AR', convention: 'CC' } as const;

const bodyHash = (body: unknown): string => createHash('sha256').update(canonicalJson(body)).digest('hex');

export class PartnerSimulators {
  readonly faults: FaultController;
  /** France Travail's file exchange, the offer catalogue, MonJob62 (dev/simulators/exchanges.ts). */
  readonly exchanges = new ExchangeSimulators();
  /** RDV-Insertion's published API and webhooks (dev/simulators/rdv-insertion.ts, issue 21). */
  readonly rdvInsertion = new RdvInsertionSimulator();
  port = 0;
  private app!: FastifyInstance;
  private readonly token: string;
  private readonly holdMs: number;
  private closed = false;
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly held = new Set<ServerResponse>();

  // Recorded traffic and the partners' state.
  private records: RecordedRequest[] = [];
  private applied: AppliedEffect[] = [];
  private idempotency = new Map<string, { hash: string; pending: Promise<Outcome> }>();
  private counters = new Map<string, number>();
  private suspensions = new Map<string, { rate: number; from: string; months: number }>();

  private constructor(private readonly options: PartnerSimulatorsOptions) {
    this.token = options.token ?? SIMULATORS_TOKEN;
    this.holdMs = options.holdMs ?? 30_000;
    this.faults = new FaultController(
      Object.fromEntries(partnerNames.map((p) => [p, Object.keys(routesOf[p])])) as Record<
        PartnerName,
        string[]
      >,
    );
  }

  static async start(options: PartnerSimulatorsOptions = {}): Promise<PartnerSimulators> {
    const sims = new PartnerSimulators(options);
    await sims.listen();
    return sims;
  }

  /** A partner's base URL (what `JALONS_FT_URL`… would be). */
  url(partner: PartnerName): string {
    return `${this.baseUrl()}/${partner}`;
  }

  baseUrl(): string {
    return `http://${this.options.host ?? '127.0.0.1'}:${this.port}`;
  }

  /** A configuration pointing every client at these simulators. */
  config(overrides: { timeoutMs?: number; token?: string } = {}): PartnerConfig {
    const urls = simulatorUrls(this.port, this.options.host ?? '127.0.0.1');
    return {
      partners: Object.fromEntries(
        partnerNames.map((p) => [p, { url: urls[p], token: overrides.token ?? this.token }]),
      ) as PartnerConfig['partners'],
      timeoutMs: overrides.timeoutMs ?? 10_000,
    };
  }

  /** Requests received by a partner (all partners when absent), oldest first. */
  requests(partner?: PartnerName): RecordedRequest[] {
    return this.records.filter((r) => !partner || r.partner === partner).map((r) => ({ ...r }));
  }

  /** Effects a partner applied (all partners when absent), oldest first. */
  effects(partner?: PartnerName): AppliedEffect[] {
    return this.applied.filter((e) => !partner || e.partner === partner).map((e) => ({ ...e }));
  }

  /** Forgets faults, records and the partners' state. */
  reset(): void {
    this.faults.clear();
    this.records = [];
    this.applied = [];
    this.idempotency.clear();
    this.counters.clear();
    this.suspensions.clear();
    this.exchanges.reset();
    this.rdvInsertion.reset();
  }

  /** Resolves once `predicate` holds (polled), or rejects after `timeoutMs`. */
  async waitFor(predicate: (sims: PartnerSimulators) => boolean, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > until) throw new Error(`condition attendue non remplie en ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.sleepers) {
      clearTimeout(s.timer);
      s.resolve();
    }
    for (const res of this.held) res.destroy();
    await this.app.close();
  }

  private nextId(counter: string, prefix: string): string {
    const n = (this.counters.get(counter) ?? 0) + 1;
    this.counters.set(counter, n);
    return `${prefix}-${String(n).padStart(6, '0')}`;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
        resolve,
      };
      this.sleepers.add(sleeper);
    });
  }

  /** What each operation does, given a valid request. */
  private handlers(): Record<PartnerName, Record<string, Handler>> {
    const created = (body: unknown): Outcome => ({ status: 201, body });
    const now = () => new Date().toISOString();
    return {
      'france-travail': {
        notifyOrientation: () => created({ receiptId: this.nextId('ft-ori', 'FT-ORI') }),
        notifyContract: () => created({ receiptId: this.nextId('ft-con', 'FT-CON') }),
        notifySanctionDecision: () => created({ receiptId: this.nextId('ft-san', 'FT-SAN') }),
      },
      caf: {
        suspendAllocation: (b: { beneficiaryId: string; rate: number; from: string; months: number }) => {
          this.suspensions.set(b.beneficiaryId, { rate: b.rate, from: b.from, months: b.months });
          return created({ receiptId: this.nextId('caf-sus', 'CAF-SUS') });
        },
        restoreAllocation: (b: { beneficiaryId: string }) => {
          if (!this.suspensions.has(b.beneficiaryId)) {
            return {
              status: 409,
              body: { message: `aucune suspension en cours pour l’allocataire ${b.beneficiaryId}` },
            };
          }
          this.suspensions.delete(b.beneficiaryId);
          return created({ receiptId: this.nextId('caf-res', 'CAF-RES') });
        },
      },
      rdv: {},
      cnsa: {
        submitApplication: () => created({ receiptId: this.nextId('cnsa', 'CNSA-DEPOT'), receivedAt: now() }),
      },
      prefecture: {
        transmitAct: (b: { act: { kind: keyof typeof actCodes; reference: string; adoptedOn: string } }) => {
          this.nextId('actes', 'ACTES');
          return created({
            accuseReception: `062-000000000-${b.act.adoptedOn.replaceAll('-', '')}-${b.act.reference}-${actCodes[b.act.kind]}`,
            receivedAt: now(),
          });
        },
      },
      ...this.exchanges.handlers(),
    };
  }

  private async serve(
    partner: PartnerName,
    operation: string,
    r: PartnerRoute,
    handler: Handler,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | undefined> {
    const key = req.headers['idempotency-key'];
    const record: RecordedRequest = {
      partner,
      operation,
      method: req.method,
      path: req.url,
      idempotencyKey: typeof key === 'string' ? key : null,
      body: req.body ?? null,
      status: null,
      replayed: false,
      faults: [],
      at: new Date().toISOString(),
    };
    this.records.push(record);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      return reply.code(status).headers(headers).send(body);
    };

    const faults = this.faults.take(partner, operation, ['latency', 'status', 'timeout', 'malformed']);
    record.faults = Object.keys(faults) as FaultKind[];
    if (faults.latency) await this.sleep(faults.latency.ms ?? 0);
    if (this.closed) return undefined;
    if (faults.status) {
      const status = faults.status.status ?? 503;
      const message =
        faults.status.message ??
        (status >= 500
          ? 'service momentanément indisponible (panne simulée)'
          : 'demande refusée (panne simulée)');
      return send(status, { message });
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return send(401, { message: 'jeton d’accès manquant ou invalide' }, { 'www-authenticate': 'Bearer' });
    }
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
      return send(400, { message: 'en-tête Idempotency-Key requis (1 à 255 caractères)' });
    }
    const parsed = r.request.safeParse(req.body);
    if (!parsed.success) {
      return send(400, { message: `demande invalide : ${frenchIssues(parsed.error)}` });
    }
    if (faults.malformed) {
      return send(r.status, { resultat: 'ok', remarque: 'réponse hors contrat (panne simulée)' });
    }

    const outcome = await this.idempotentOutcome(partner, operation, key, parsed.data, handler, record);
    if (outcome === null) {
      return send(422, {
        message: 'clé d’idempotence déjà utilisée pour une autre demande',
      });
    }

    if (faults.timeout) {
      // The effect is applied but the answer never comes: the client gives up and retries.
      await this.holdUnanswered(reply, faults.timeout?.ms ?? this.holdMs);
      return undefined;
    }
    return send(outcome.status, outcome.body, record.replayed ? { 'idempotent-replayed': 'true' } : {});
  }

  /**
   * The handler's outcome under this idempotency key: run once (a refusal is not kept, so the
   * same key may be tried again), replayed afterwards; null when the key served another request.
   */
  private async idempotentOutcome(
    partner: PartnerName,
    operation: string,
    key: string,
    data: unknown,
    handler: Handler,
    record: RecordedRequest,
  ): Promise<Outcome | null> {
    const scopedKey = `${partner} ${key}`;
    const hash = bodyHash({ operation, body: data });
    const existing = this.idempotency.get(scopedKey);
    if (existing) {
      if (existing.hash !== hash) return null;
      const outcome = await existing.pending;
      record.replayed = true;
      return outcome;
    }
    const pending = Promise.resolve().then(() => handler(data as never));
    this.idempotency.set(scopedKey, { hash, pending });
    const outcome = await pending.catch((err: Error) => ({
      status: 500,
      body: { message: `erreur interne du simulateur : ${err.message}` },
    }));
    if (outcome.status >= 400) {
      // Refusals are not stored: the same key may be tried again once the cause is fixed.
      this.idempotency.delete(scopedKey);
    } else {
      this.applied.push({
        partner,
        operation,
        idempotencyKey: key,
        request: data,
        response: outcome.body,
        at: new Date().toISOString(),
      });
    }
    return outcome;
  }

  /** The effect is applied but the answer never comes: the connection is held, then dropped. */
  private async holdUnanswered(reply: FastifyReply, ms: number): Promise<void> {
    reply.hijack();
    await new Promise<void>((resolve) => {
      const res = reply.raw;
      this.held.add(res);
      const timer = setTimeout(() => res.destroy(), ms);
      res.once('close', () => {
        clearTimeout(timer);
        this.held.delete(res);
        resolve();
      });
    });
  }

  private async listen(): Promise<void> {
    const app = Fastify({ logger: false, forceCloseConnections: true });
    app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
      const status = err.statusCode ?? 500;
      const message =
        status === 400
          ? 'requête illisible : corps JSON attendu'
          : status === 415
            ? 'type de contenu non pris en charge : application/json attendu'
            : status === 413
              ? 'corps de requête trop volumineux'
              : `erreur interne du simulateur : ${err.message}`;
      return reply.code(status).send({ message });
    });
    app.setNotFoundHandler((req, reply) =>
      reply.code(404).send({ message: `route inconnue : ${req.method} ${req.url}` }),
    );

    const handlers = this.handlers();
    for (const partner of partnerNames) {
      await app.register(
        async (scope) => {
          for (const [operation, r] of Object.entries(routesOf[partner])) {
            const handler = handlers[partner][operation];
            if (!handler) throw new Error(`simulateur ${partner} : opération ${operation} non implémentée`);
            scope.route({
              method: r.method,
              url: r.path,
              handler: (req, reply) => this.serve(partner, operation, r, handler, req, reply),
            });
          }
        },
        { prefix: `/${partner}` },
      );
    }
    this.rdvInsertion.register(app);
    this.controlRoutes(app);

    await app.listen({ port: this.options.port ?? 0, host: this.options.host ?? '127.0.0.1' });
    const addr = app.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : (this.options.port ?? 0);
    this.app = app;
  }

  private controlRoutes(app: FastifyInstance): void {
    const partnerQuery = z.object({ partner: partnerNameSchema.optional() });
    const bad = (reply: FastifyReply, message: string) => reply.code(400).send({ message });

    app.get('/_health', async () => ({
      status: 'ok',
      partners: Object.fromEntries(
        partnerNames.map((p) => [
          p,
          { url: p === 'rdv' ? `${this.baseUrl()}/rdv-insertion` : this.url(p), label: partnerLabels[p] },
        ]),
      ),
    }));
    app.get('/_faults', async () => this.faults.list());
    app.post('/_faults', async (req, reply) => {
      try {
        return reply.code(201).send(this.faults.inject(req.body as FaultSpec));
      } catch (err) {
        return bad(reply, (err as Error).message);
      }
    });
    app.delete('/_faults', async (req, reply) => {
      const q = partnerQuery.safeParse(req.query);
      if (!q.success) return bad(reply, frenchIssues(q.error));
      this.faults.clear(q.data.partner);
      return reply.code(204).send();
    });
    app.get('/_requests', async (req, reply) => {
      const q = partnerQuery.safeParse(req.query);
      return q.success ? this.requests(q.data.partner) : bad(reply, frenchIssues(q.error));
    });
    app.get('/_effects', async (req, reply) => {
      const q = partnerQuery.safeParse(req.query);
      return q.success ? this.effects(q.data.partner) : bad(reply, frenchIssues(q.error));
    });
    this.exchanges.controlRoutes(app);
    app.post('/_reset', async (_req, reply) => {
      this.reset();
      return reply.code(204).send();
    });
  }
}
