/**
 * The web sessions' life (access.ts installs them): opened by a login or by the
 * identity provider, ended after JALONS_SESSION_IDLE_MINUTES without a request —
 * each request moves the limit (sliding); a session waiting for an administrator's
 * grant (store/identities.ts) becomes the account's as soon as the grant is made.
 */
import type { FastifyRequest } from 'fastify';
import type { ReadModelDb } from '../../store/db.js';
import { pseudonymousIdSchema } from '../../domain/ids.js';
import { z } from '../../domain/validation.js';
import { getAccount, recordAccountEvent, type Account } from '../../store/accounts.js';
import { accountByIdentity } from '../../store/identities.js';

export interface SessionOptions {
  db: ReadModelDb;
  /** A session ends after this many minutes without a request (JALONS_SESSION_IDLE_MINUTES). */
  sessionIdleMinutes: number;
  /** The clock of the idle limit (tests move it). */
  now: () => Date;
}

const sessionSchema = z.object({ login: pseudonymousIdSchema, v: z.number().int() });
const pendingSchema = z.object({ iss: z.string().min(1), sub: z.string().min(1) });

/** JALONS_SESSION_IDLE_MINUTES: minutes without a request before a session ends (default 30). */
export function sessionIdleMinutesFromEnv(env: NodeJS.ProcessEnv): number {
  const parsed = z.coerce
    .number()
    .int()
    .min(1)
    .max(720)
    .default(30)
    .safeParse(env.JALONS_SESSION_IDLE_MINUTES || undefined);
  if (!parsed.success)
    throw new Error('JALONS_SESSION_IDLE_MINUTES : nombre entier de minutes attendu, de 1 à 720.');
  return parsed.data;
}
export const idleMessage = (minutes: number) =>
  `Votre session a expiré après ${minutes} minutes d’inactivité.`;

export type SessionState = Account | 'anonymous' | 'expired' | 'pending' | 'removed';

/** Whether the session outlived its idle limit (moving the limit when not); ends it when it did. */
async function idle(db: ReadModelDb, req: FastifyRequest, o: SessionOptions): Promise<boolean> {
  const now = o.now().getTime();
  const seen = req.session.get('seen');
  if (typeof seen === 'number' && now - seen < o.sessionIdleMinutes * 60_000) {
    req.session.set('seen', now);
    return false;
  }
  const login = req.session.get('login');
  await recordAccountEvent(db, typeof login === 'string' ? login : null, 'session.expired', {
    channel: 'web',
    ip: req.ip,
  });
  req.session.regenerate();
  return true;
}

/** The session's account, or why there is none; a waiting identity's account once granted. */
export async function sessionState(
  db: ReadModelDb,
  req: FastifyRequest,
  o: SessionOptions,
): Promise<SessionState> {
  const pending = pendingSchema.safeParse(req.session.get('pending'));
  const parsed = sessionSchema.safeParse({ login: req.session.get('login'), v: req.session.get('v') });
  if (!pending.success && !parsed.success) return 'anonymous';
  if (await idle(db, req, o)) return 'expired';
  if (parsed.success) {
    const account = await getAccount(db, parsed.data.login);
    if (account && !account.disabled && account.sessionVersion === parsed.data.v) return account;
    req.session.regenerate();
    return 'anonymous';
  }
  const { iss, sub } = pending.data!;
  const account = await accountByIdentity(db, iss, sub);
  if (!account) return 'pending';
  if (account.disabled) {
    req.session.regenerate();
    return 'removed';
  }
  // An administrator granted access since the sign-in: this request opens the account.
  req.session.set('pending', undefined);
  req.session.set('login', account.login);
  req.session.set('v', account.sessionVersion);
  await recordAccountEvent(db, account.login, 'login', { channel: 'oidc', ip: req.ip }, 'accès accordé');
  return account;
}

/** A new session for an account (nothing chosen before it, a CSRF secret included, carries over). */
export function openSession(req: FastifyRequest, o: SessionOptions, account: Account): void {
  req.session.regenerate();
  req.session.set('login', account.login);
  req.session.set('v', account.sessionVersion);
  req.session.set('seen', o.now().getTime());
}

export function openPendingSession(
  req: FastifyRequest,
  o: SessionOptions,
  identity: { iss: string; sub: string },
) {
  req.session.regenerate();
  req.session.set('pending', identity);
  req.session.set('seen', o.now().getTime());
}
