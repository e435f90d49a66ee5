/**
 * A person changes their own password (local accounts only): the current one is
 * required, the new one is bounded like every password (store/accounts.ts), and
 * the change ends everything the old password could have handed out — the other
 * sessions (session version), the personal API token and the grants' calendar link.
 * A wrong current password counts as a failed login, so this form cannot be used
 * to guess it faster than the login page.
 */
import type { Queryable } from './queryable.js';
import {
  LOCK_MINUTES,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  hashPassword,
  lockedFor,
  recordAccountEvent,
  verifyHash,
  type Origin,
} from './accounts.js';

export interface PasswordChange {
  current: string;
  next: string;
  confirmation: string;
}
/** The form's fields, each with at most one French sentence. */
export type PasswordErrors = Partial<Record<keyof PasswordChange, string>>;
export type PasswordChangeResult =
  { ok: true; sessionVersion: number } | { ok: false; errors: PasswordErrors };

function newPasswordErrors(change: PasswordChange): PasswordErrors {
  const errors: PasswordErrors = {};
  const length = [...change.next.normalize('NFC')].length;
  if (length < MIN_PASSWORD_LENGTH)
    errors.next = `Nouveau mot de passe : ${MIN_PASSWORD_LENGTH} caractères au moins (${length} saisis).`;
  else if (length > MAX_PASSWORD_LENGTH)
    errors.next = `Nouveau mot de passe : ${MAX_PASSWORD_LENGTH} caractères au plus (${length} saisis).`;
  else if (change.next === change.current)
    errors.next = 'Nouveau mot de passe : il doit être différent du mot de passe actuel.';
  if (!errors.next && change.confirmation !== change.next)
    errors.confirmation = 'Confirmation : elle ne reprend pas le nouveau mot de passe à l’identique.';
  return errors;
}

/** Checks and applies the change; on a refusal nothing is changed. */
export async function changeOwnPassword(
  db: Queryable,
  login: string,
  change: PasswordChange,
  origin: Origin,
): Promise<PasswordChangeResult> {
  const [row] = await db.query<{ password_hash: string | null }>(
    'select password_hash from accounts where login = $1 and not disabled',
    [login],
  );
  if (!row?.password_hash)
    return {
      ok: false,
      errors: {
        current:
          'Mot de passe actuel : ce compte se connecte par le fournisseur d’identité et n’a pas de mot de passe dans Jalons.',
      },
    };
  const errors = newPasswordErrors(change);
  const locked = await lockedFor(db, login);
  if (locked > 0) {
    errors.current = `Mot de passe actuel : trop d’échecs en ${LOCK_MINUTES} minutes, réessayez dans ${locked} minute(s).`;
  } else if (!(await verifyHash(row.password_hash, change.current))) {
    errors.current = 'Mot de passe actuel : il ne correspond pas.';
    await recordAccountEvent(db, login, 'login.failed', origin, 'changement de mot de passe');
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const [updated] = await db.query<{ session_version: number }>(
    `update accounts set password_hash = $2, password_changed_at = now(), updated_at = now(),
       session_version = session_version + 1, api_token_hash = null, api_token_created_at = null
     where login = $1 returning session_version`,
    [login, await hashPassword(change.next)],
  );
  await db.query('delete from grant_calendar_tokens where login = $1', [login]);
  await recordAccountEvent(
    db,
    login,
    'password.changed',
    origin,
    'par la personne : autres sessions fermées, jeton d’API et lien d’agenda révoqués',
  );
  return { ok: true, sessionVersion: updated!.session_version };
}
