/**
 * Every error that comes from Temporal, as one French sentence: the CLI prints
 * it, the web app shows it (pages and JSON API). The SDK's own messages
 * ("Workflow Update failed", "workflow execution already completed", gRPC codes)
 * never reach a person. One mapping for both edges (docs/bounds.md lists what a
 * refusal says).
 */
import {
  QueryNotRegisteredError,
  QueryRejectedError,
  ServiceError,
  TimeoutFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { ActionRefused } from '../domain/refusal.js';
import { truncate } from '../domain/text.js';

/**
 * What went wrong, for the status an edge answers with: `refused` (the act is
 * refused: its cause's French reason), `not-found`, `closed` (the path ended),
 * `conflict` (already exists), `too-large`, `unavailable` (server unreachable or
 * too slow), `failed` (anything else from Temporal).
 */
export type TemporalErrorKind =
  'refused' | 'not-found' | 'closed' | 'conflict' | 'too-large' | 'unavailable' | 'failed';

export const temporalErrorStatus: Record<TemporalErrorKind, number> = {
  refused: 422,
  'not-found': 404,
  closed: 409,
  conflict: 409,
  'too-large': 413,
  unavailable: 503,
  failed: 502,
};

export interface FrenchTemporalError {
  kind: TemporalErrorKind;
  /** One French sentence. */
  message: string;
}

/** Failure types our workflows throw with a French message meant for a person. */
const refusalTypes = new Set(['ActionRefused', 'InvalidAction', 'InvalidInput', 'GrantRefused']);
/** The longest cause shown (a refusal is a sentence; a payload is never echoed). */
const MAX_MESSAGE = 600;

/** gRPC status codes (as numbers: the client surfaces them on `code`). */
const grpc = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const codeOf = (err: unknown): number | undefined => {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (typeof e.code === 'number') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
};

const closedPath = (subject: string | undefined, rest: string) =>
  `${subject ? `Le parcours de ${subject}` : 'Ce parcours'} est clos : ${rest}`;

/**
 * The French reading of an error from Temporal, or null when the error does not
 * come from Temporal (the caller handles it). `subject` names the file
 * (a beneficiary's pseudonymous id) in the sentence.
 */
export function frenchTemporalError(err: unknown, subject?: string): FrenchTemporalError | null {
  if (err instanceof WorkflowUpdateFailedError) return updateFailure(err);
  if (err instanceof WorkflowNotFoundError) {
    if (/already completed|already finished|closed/i.test(err.message))
      return {
        kind: 'closed',
        message: closedPath(subject, 'aucune action n’est plus possible.'),
      };
    return {
      kind: 'not-found',
      message: subject ? `Aucun parcours pour l’allocataire ${subject}.` : 'Dossier introuvable.',
    };
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError)
    return { kind: 'conflict', message: 'Ce dossier existe déjà : rien n’a changé.' };
  if (err instanceof QueryRejectedError || err instanceof QueryNotRegisteredError)
    return { kind: 'closed', message: closedPath(subject, 'il ne répond plus.') };
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
    return {
      kind: 'unavailable',
      message:
        'Le serveur Temporal n’a pas répondu à temps : l’acte a peut-être été enregistré, rechargez le dossier avant de le refaire.',
    };
  if (err instanceof WorkflowFailedError)
    return {
      kind: 'failed',
      message: `${subject ? `Le parcours de ${subject}` : 'Ce parcours'} s’est arrêté en erreur : voir la page « Santé ».`,
    };
  if (err instanceof ServiceError || codeOf(err) !== undefined || isTransport(err))
    return serviceFailure(err, subject);
  return null;
}

function updateFailure(err: WorkflowUpdateFailedError): FrenchTemporalError {
  const cause = err.cause;
  if (cause instanceof ApplicationFailure && cause.type && refusalTypes.has(cause.type))
    return { kind: 'refused', message: truncate(cause.message, MAX_MESSAGE) };
  // A validator that refused with a French sentence of another type is still a refusal.
  if (cause instanceof TemporalFailure && cause.message && /[àâçéèêëîïôûùœ’«]/i.test(cause.message))
    return { kind: 'refused', message: truncate(cause.message, MAX_MESSAGE) };
  return {
    kind: 'failed',
    message:
      'L’acte n’a pas pu être enregistré : le parcours n’a pas pu le traiter (incident journalisé, voir la page « Santé »).',
  };
}

function isTransport(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  // Temporal's own transport messages only: a database's ECONNREFUSED is not Temporal's.
  return (
    name === 'TransportError' || /Failed to connect before the deadline|tcp connect error/i.test(String(err))
  );
}

function serviceFailure(err: unknown, subject?: string): FrenchTemporalError {
  const code = codeOf(err);
  const text = String((err as Error)?.message ?? err);
  if (
    code === grpc.UNAVAILABLE ||
    code === grpc.DEADLINE_EXCEEDED ||
    code === grpc.CANCELLED ||
    isTransport(err)
  )
    return {
      kind: 'unavailable',
      message: 'Serveur Temporal injoignable : réessayez dans un instant (la pile est-elle démarrée ?).',
    };
  if (code === grpc.RESOURCE_EXHAUSTED || /size limit|too large|exceeds/i.test(text))
    return {
      kind: 'too-large',
      message: 'La demande dépasse la taille que le serveur Temporal accepte : rien n’a changé.',
    };
  if (code === grpc.NOT_FOUND)
    return {
      kind: 'not-found',
      message: subject ? `Aucun parcours pour l’allocataire ${subject}.` : 'Dossier introuvable.',
    };
  if (code === grpc.ALREADY_EXISTS)
    return { kind: 'conflict', message: 'Ce dossier existe déjà : rien n’a changé.' };
  if (code === grpc.PERMISSION_DENIED || code === grpc.UNAUTHENTICATED)
    return {
      kind: 'failed',
      message: 'Le serveur Temporal refuse l’accès à ce client (droits ou certificat).',
    };
  if (code === grpc.FAILED_PRECONDITION && /completed|closed/i.test(text))
    return {
      kind: 'closed',
      message: closedPath(subject, 'aucune action n’est plus possible.'),
    };
  return {
    kind: 'failed',
    message: `Le serveur Temporal a refusé la demande${code !== undefined ? ` (code ${code})` : ''} : rien n’a changé.`,
  };
}

/** The French sentence for any error at an edge: Temporal's mapped, ours (already French) as is. */
export function frenchErrorMessage(err: unknown, subject?: string): string {
  return (
    frenchTemporalError(err, subject)?.message ??
    truncate(String((err as Error)?.message ?? err), MAX_MESSAGE)
  );
}

/**
 * Runs `job`, a workflow the workers carry out for a command, and says its failure in one French
 * sentence: no worker in time (are they started?), or the failure's own cause — as a refusal
 * (`ActionRefused`, exit 3 in the CLI) or as an error (exit 1).
 */
export async function onWorkers<T>(
  what: string,
  job: () => Promise<T>,
  failure: 'refused' | 'error' = 'error',
): Promise<T> {
  try {
    return await job();
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    if (err.cause instanceof TimeoutFailure)
      throw new Error(`${what} : aucun worker n’a répondu à temps (les workers sont-ils démarrés ?).`);
    const cause = (err.cause?.cause ?? err.cause) as Error | undefined;
    const message = `${what} : ${cause?.message ?? err.message}`;
    throw failure === 'refused' ? new ActionRefused(message) : new Error(message);
  }
}
