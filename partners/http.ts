/**
 * One small typed JSON client for every partner system, on Node's `fetch`:
 * bearer token, a timeout per request, an `Idempotency-Key` on every write,
 * requests and responses validated by zod. Failures are told apart for
 * Temporal's retry policy (`partnerRetry`):
 * - 4xx (the partner refuses the request): `PartnerRejected`, not retried — the
 *   workflow turns it into a task for a person;
 * - 5xx, 408, 429, a timeout, a refused connection: `PartnerUnavailable`, retried with backoff;
 * - a 2xx whose body is not what the contract says: `PartnerProtocolError`, not retried;
 * - a request that breaks our own contract: `InvalidPartnerRequest`, not retried.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { frenchIssues, z } from '../domain/validation.js';

export const partnerNames = [
  'france-travail',
  'caf',
  'rdv',
  'cnsa',
  'prefecture',
  // The insertion network's other systems (issue 9, activities/exchanges/).
  'ft-exchange',
  'catalogue',
  'monjob',
] as const;
export type PartnerName = (typeof partnerNames)[number];
export const partnerNameSchema = z.enum(partnerNames, {
  error: `partenaire attendu : ${partnerNames.join(', ')}`,
});

/** How a person reads each partner's name in a message. */
export const partnerLabels: Record<PartnerName, string> = {
  'france-travail': 'France Travail',
  caf: 'La CAF',
  // Convocations (issue 21): RDV-Insertion, partners/rdv-insertion.ts.
  rdv: 'RDV-Insertion',
  cnsa: 'La CNSA',
  prefecture: 'La préfecture',
  'ft-exchange': 'L’échange de fichiers de France Travail',
  catalogue: 'Le catalogue de l’offre d’insertion',
  monjob: 'MonJob62',
};

/** An ISO-8601 instant with an explicit offset, kept as a string on the wire. */
export const wireInstantSchema = z.iso.datetime({
  offset: true,
  message: 'instant ISO-8601 attendu, avec fuseau (ex. 2026-01-05T09:00:00+01:00)',
});

export type HttpMethod = 'POST' | 'PUT';

/** One operation of a partner's API: the same definition serves the client and the simulator. */
export interface PartnerRoute<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  path: string;
  request: Req;
  response: Res;
  /** Success status the partner answers with (201 for a creation). */
  status: 200 | 201;
}

export function route<Req extends z.ZodType, Res extends z.ZodType>(
  method: HttpMethod,
  path: string,
  request: Req,
  response: Res,
  status: 200 | 201 = 200,
): PartnerRoute<Req, Res> {
  return { method, path, request, response, status };
}

export type PartnerRoutes = Record<string, PartnerRoute>;

/** Where a partner is and how to reach it. */
export interface PartnerEndpoint {
  partner: PartnerName;
  baseUrl: string;
  token: string;
  timeoutMs: number;
}

/** The body of a partner's refusal, when it follows the usual `{ message }` shape. */
const errorBodySchema = z.object({ message: z.string() }).loose();

/** JSON with keys sorted, so that the same request always gives the same idempotency key. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The default idempotency key: a digest of the partner, the operation and the
 * request. A retried activity, a replayed workflow, a reset or a continue-as-new
 * sending the same request reuse it, so the partner applies it once.
 */
export function idempotencyKeyFor(partner: PartnerName, r: PartnerRoute, body: unknown): string {
  const digest = createHash('sha256')
    .update(`${partner} ${r.method} ${r.path} ${canonicalJson(body)}`)
    .digest('hex');
  return `jalons-${digest.slice(0, 40)}`;
}

/** The activity's cancellation, when called inside an activity (a test may call a client directly). */
function activityCancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

async function partnerMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.message;
  } catch {
    // not JSON: the raw text below
  }
  const trimmed = text.trim().slice(0, 300);
  return trimmed || res.statusText || 'sans message';
}

/** Statuses in the 4xx range that say « try again later », not « no ». */
const transientClientStatuses = new Set([408, 425, 429]);

/** A partner's answer other than 2xx: « later » (5xx, 408, 425, 429) is retried, « no » is not. */
async function failureOfStatus(
  res: Response,
  label: string,
  details: { partner: PartnerName; operation: string },
): Promise<ApplicationFailure> {
  const message = await partnerMessage(res);
  if (res.status >= 500 || transientClientStatuses.has(res.status))
    return ApplicationFailure.retryable(
      `${label} est indisponible (${res.status}) : ${message}. Nouvel essai plus tard.`,
      'PartnerUnavailable',
      { ...details, status: res.status, partnerMessage: message },
    );
  return ApplicationFailure.nonRetryable(
    `${label} a refusé la demande (${details.operation}, statut ${res.status}) : ${message}`,
    'PartnerRejected',
    { ...details, status: res.status, partnerMessage: message },
  );
}

export interface CallOptions {
  /** Overrides the key derived from the request (e.g. a key the workflow keeps). */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** Calls one operation; returns the validated response or throws an `ApplicationFailure`. */
export async function callPartner<Req extends z.ZodType, Res extends z.ZodType>(
  endpoint: PartnerEndpoint,
  r: PartnerRoute<Req, Res>,
  body: z.input<Req>,
  options: CallOptions = {},
): Promise<z.output<Res>> {
  const label = partnerLabels[endpoint.partner];
  const where = `${r.method} ${r.path}`;
  const details = { partner: endpoint.partner, operation: where };

  const request = r.request.safeParse(body);
  if (!request.success) {
    throw ApplicationFailure.nonRetryable(
      `Demande invalide pour ${label} (${where}) : ${frenchIssues(request.error)}`,
      'InvalidPartnerRequest',
      details,
    );
  }
  const idempotencyKey = options.idempotencyKey ?? idempotencyKeyFor(endpoint.partner, r, request.data);
  const timeout = AbortSignal.timeout(endpoint.timeoutMs);
  const cancel = options.signal ?? activityCancellation();
  const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
  const url = `${endpoint.baseUrl.replace(/\/+$/, '')}${r.path}`;

  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: r.method,
      headers: {
        authorization: `Bearer ${endpoint.token}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'idempotency-key': idempotencyKey,
      },
      body: JSON.stringify(request.data),
      signal,
    });
    if (!res.ok) throw await failureOfStatus(res, label, details);
    text = await res.text();
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    if (cancel?.aborted) throw err;
    if (timeout.aborted) {
      throw ApplicationFailure.retryable(
        `${label} n’a pas répondu dans le délai de ${endpoint.timeoutMs} ms (${where}). Nouvel essai plus tard.`,
        'PartnerUnavailable',
        { ...details, timeoutMs: endpoint.timeoutMs },
      );
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw ApplicationFailure.retryable(
      `${label} est injoignable (${where}) : ${cause?.code ?? cause?.message ?? (err as Error).message}. Nouvel essai plus tard.`,
      'PartnerUnavailable',
      details,
    );
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw ApplicationFailure.nonRetryable(
      `Réponse illisible de ${label} (${where}, statut ${res.status}) : JSON attendu.`,
      'PartnerProtocolError',
      { ...details, status: res.status },
    );
  }
  const response = r.response.safeParse(json);
  if (!response.success) {
    throw ApplicationFailure.nonRetryable(
      `Réponse inattendue de ${label} (${where}) : ${frenchIssues(response.error)}`,
      'PartnerProtocolError',
      { ...details, status: res.status },
    );
  }
  return response.data;
}

/** A typed client: one function per operation of `routes`. */
export type PartnerClient<R extends PartnerRoutes> = {
  [K in keyof R]: (
    req: z.input<R[K]['request']>,
    options?: CallOptions,
  ) => Promise<z.output<R[K]['response']>>;
};

export function clientFor<R extends PartnerRoutes>(endpoint: PartnerEndpoint, routes: R): PartnerClient<R> {
  return Object.fromEntries(
    Object.entries(routes).map(([name, r]) => [
      name,
      (req: unknown, options?: CallOptions) => callPartner(endpoint, r, req, options),
    ]),
  ) as PartnerClient<R>;
}
