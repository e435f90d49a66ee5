/**
 * RDV-Insertion's client: signs the agent in on RDV-Solidarités, keeps the three
 * session headers and renews them an hour before their 24 h end (or at once on a
 * 401), and invites a user. Failures are told apart as for every partner
 * (partners/http.ts): 429, 5xx, a timeout or a refused connection are retried by
 * Temporal with backoff (`PartnerUnavailable`); any other 4xx is a refusal for a
 * person (`PartnerRejected`) carrying RDV-Insertion's own message.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { frenchIssues, type z } from '../domain/validation.js';
import {
  errorMessageOf,
  invitePath,
  inviteRequestSchema,
  inviteResponseSchema,
  sessionHeaders,
  SIGN_IN_PATH,
  usersPageSchema,
  usersPath,
  type InviteRequest,
  type UsersPage,
  type InviteResponse,
  type RdvInsertionConfig,
  type RdviSession,
} from './rdv-insertion.js';

export const RDVI_LABEL = 'RDV-Insertion';
/** The session's published life, and the margin kept before it ends. */
export const SESSION_HOURS = 24;
export const RENEW_BEFORE_MS = 60 * 60 * 1000;

const transient = new Set([408, 425, 429]);
const details = (operation: string, status?: number, partnerMessage?: string) => ({
  partner: 'rdv',
  operation,
  ...(status !== undefined ? { status } : {}),
  ...(partnerMessage !== undefined ? { partnerMessage } : {}),
});

function cancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

async function failureOf(res: Response, operation: string): Promise<ApplicationFailure> {
  const text = await res.text().catch(() => '');
  let message: string | null = null;
  try {
    message = errorMessageOf(JSON.parse(text));
  } catch {
    // not JSON: the raw text below
  }
  message ??= text.trim().slice(0, 300) || res.statusText || 'sans message';
  if (res.status >= 500 || transient.has(res.status))
    return ApplicationFailure.retryable(
      `${RDVI_LABEL} est indisponible (${res.status}) : ${message}. Nouvel essai plus tard.`,
      'PartnerUnavailable',
      details(operation, res.status, message),
    );
  return ApplicationFailure.nonRetryable(
    `${RDVI_LABEL} a refusé la demande (${operation}, statut ${res.status}) : ${message}`,
    'PartnerRejected',
    details(operation, res.status, message),
  );
}

export class RdvInsertionClient {
  private session: { headers: RdviSession; renewAt: number } | null = null;
  private signingIn: Promise<RdviSession> | null = null;
  /** Sign-ins done (tests: renewed only when due). */
  signIns = 0;

  constructor(
    private readonly config: RdvInsertionConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** One HTTP exchange; network failures and timeouts become `PartnerUnavailable`. */
  private async send(url: string, init: RequestInit, operation: string): Promise<Response> {
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const cancel = cancellation();
    try {
      return await fetch(url, { ...init, signal: cancel ? AbortSignal.any([timeout, cancel]) : timeout });
    } catch (err) {
      if (cancel?.aborted) throw err;
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      const why = timeout.aborted
        ? `pas de réponse en ${this.config.timeoutMs} ms`
        : `injoignable (${cause})`;
      throw ApplicationFailure.retryable(
        `${RDVI_LABEL} : ${why} (${operation}). Nouvel essai plus tard.`,
        'PartnerUnavailable',
        details(operation),
      );
    }
  }

  private async signIn(): Promise<RdviSession> {
    const operation = `POST ${SIGN_IN_PATH}`;
    const res = await this.send(
      `${this.config.signInUrl.replace(/\/+$/, '')}${SIGN_IN_PATH}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ email: this.config.email, password: this.config.password }),
      },
      operation,
    );
    if (!res.ok) throw await failureOf(res, operation);
    await res.body?.cancel();
    const headers = Object.fromEntries(
      sessionHeaders.map((h) => [h, res.headers.get(h) ?? '']),
    ) as RdviSession;
    if (sessionHeaders.some((h) => !headers[h]))
      throw ApplicationFailure.nonRetryable(
        `Réponse inattendue de RDV-Solidarités (${operation}) : en-têtes access-token, client et uid attendus.`,
        'PartnerProtocolError',
        details(operation, res.status),
      );
    this.signIns += 1;
    this.session = { headers, renewAt: this.now() + SESSION_HOURS * 3600_000 - RENEW_BEFORE_MS };
    return headers;
  }

  /** The current session's headers; a new sign-in when none, or when it ends within the hour. */
  async headers(): Promise<RdviSession> {
    if (this.session && this.now() < this.session.renewAt) return this.session.headers;
    // Concurrent activities share one sign-in.
    this.signingIn ??= this.signIn().finally(() => (this.signingIn = null));
    return this.signingIn;
  }

  /** Sends with the session's headers; a 401 (session ended early) signs in again, once. */
  private async authorised(path: string, init: RequestInit, operation: string): Promise<Response> {
    const go = async () =>
      this.send(
        `${this.config.url.replace(/\/+$/, '')}${path}`,
        {
          ...init,
          headers: {
            ...(await this.headers()),
            accept: 'application/json',
            ...(init.headers as Record<string, string>),
          },
        },
        operation,
      );
    const res = await go();
    if (res.status !== 401) return res;
    await res.body?.cancel();
    this.session = null;
    return go();
  }

  /** One page of `GET …/organisations/{org}/users` (ids and internal ids only). */
  async listUsers(organisationId: number, page: number): Promise<UsersPage> {
    const operation = `GET ${usersPath(organisationId)}`;
    const res = await this.authorised(
      `${usersPath(organisationId)}?page=${page}`,
      { method: 'GET' },
      operation,
    );
    if (!res.ok) throw await failureOf(res, operation);
    return parseOrFail(usersPageSchema, await res.text(), operation, res.status);
  }

  /** `POST …/organisations/{org}/users/{id}/invite`; a 401 signs in again once. */
  async invite(organisationId: number, userId: number, body: InviteRequest): Promise<InviteResponse> {
    const path = invitePath(organisationId, userId);
    const operation = `POST ${path}`;
    const request = inviteRequestSchema.safeParse(body);
    if (!request.success)
      throw ApplicationFailure.nonRetryable(
        `Demande invalide pour ${RDVI_LABEL} (${operation}) : ${frenchIssues(request.error)}`,
        'InvalidPartnerRequest',
        details(operation),
      );
    const res = await this.authorised(
      path,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.data) },
      operation,
    );
    if (!res.ok) throw await failureOf(res, operation);
    return parseOrFail(inviteResponseSchema, await res.text(), operation, res.status);
  }
}

function parseOrFail<T extends z.ZodType>(
  schema: T,
  text: string,
  operation: string,
  status: number,
): z.output<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw ApplicationFailure.nonRetryable(
      `Réponse inattendue de ${RDVI_LABEL} (${operation}, statut ${status}) : ${frenchIssues(parsed.error)}`,
      'PartnerProtocolError',
      details(operation, status),
    );
  return parsed.data;
}
