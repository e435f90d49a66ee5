/**
 * People an OpenID Connect provider vouches for (ProConnect, or the Département's
 * own SSO): an account is keyed on the provider's issuer and subject (`iss`, `sub`),
 * never on an e-mail or a username the provider may change (docs/proconnect.md).
 * Someone the provider knows and Jalons does not waits in `access_requests` until
 * an administrator grants a role and a perimeter (the account is created then) or
 * refuses. Every request, grant and refusal goes to `account_events`.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './queryable.js';
import {
  accountColumns,
  describeScope,
  recordAccountEvent,
  toAccount,
  validateNewAccount,
  type Account,
  type AccountRow,
  type NewAccount,
  type Origin,
} from './accounts.js';
import { ActionRefused } from '../domain/refusal.js';

/** Who the provider says the person is; `issuer` and `subject` are the key, the rest is shown. */
export interface ProviderIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
  siret: string | null;
}

export interface AccessRequest extends ProviderIdentity {
  id: number;
  status: 'pending' | 'refused';
  firstSeenAt: string;
  lastSeenAt: string;
  decidedBy: string | null;
}

export type SignIn =
  | { kind: 'account'; account: Account }
  | { kind: 'pending'; request: AccessRequest }
  | { kind: 'refused'; message: string };

interface RequestRow {
  id: number | string;
  issuer: string;
  subject: string;
  email: string | null;
  display_name: string | null;
  siret: string | null;
  status: 'pending' | 'refused';
  first_seen_at: Date | string;
  last_seen_at: Date | string;
  decided_by: string | null;
}
const iso = (d: Date | string) => new Date(d).toISOString();
const toRequest = (r: RequestRow): AccessRequest => ({
  id: Number(r.id),
  issuer: r.issuer,
  subject: r.subject,
  email: r.email,
  name: r.display_name,
  siret: r.siret,
  status: r.status,
  firstSeenAt: iso(r.first_seen_at),
  lastSeenAt: iso(r.last_seen_at),
  decidedBy: r.decided_by,
});
const who = (i: { email: string | null; name: string | null }) =>
  [i.name, i.email ? `<${i.email}>` : null].filter(Boolean).join(' ') || 'identité sans nom';

export const REFUSED_MESSAGE =
  'Votre demande d’accès à Jalons a été refusée par un administrateur : adressez-vous à lui.';
export const REMOVED_MESSAGE =
  'Votre accès à Jalons a été retiré par un administrateur : adressez-vous à lui.';

export async function accountByIdentity(
  db: Queryable,
  issuer: string,
  subject: string,
): Promise<(Account & { disabled: boolean }) | null> {
  const [row] = await db.query<AccountRow>(
    `select ${accountColumns} from accounts where oidc_issuer = $1 and oidc_subject = $2`,
    [issuer, subject],
  );
  return row ? toAccount(row) : null;
}

export async function requestByIdentity(
  db: Queryable,
  issuer: string,
  subject: string,
): Promise<AccessRequest | null> {
  const [row] = await db.query<RequestRow>(
    'select * from access_requests where issuer = $1 and subject = $2',
    [issuer, subject],
  );
  return row ? toRequest(row) : null;
}

/** Pending requests first, then refused ones; the most recent first. */
export async function listAccessRequests(db: Queryable): Promise<AccessRequest[]> {
  const rows = await db.query<RequestRow>(
    `select * from access_requests order by status = 'refused', last_seen_at desc, id desc`,
  );
  return rows.map(toRequest);
}

/**
 * A sign-in through the provider when Jalons gives roles itself: the account of
 * this issuer and subject (its e-mail and name brought up to date), or a request
 * that waits for an administrator, or a refusal.
 */
export async function signInIdentity(db: Queryable, id: ProviderIdentity, origin: Origin): Promise<SignIn> {
  const account = await accountByIdentity(db, id.issuer, id.subject);
  if (account) {
    if (account.disabled) {
      await recordAccountEvent(db, account.login, 'login.disabled', origin);
      return { kind: 'refused', message: REMOVED_MESSAGE };
    }
    await db.query(
      `update accounts set email = $2, display_name = $3, last_login_at = now() where login = $1`,
      [account.login, id.email, id.name],
    );
    await recordAccountEvent(db, account.login, 'login', origin);
    return { kind: 'account', account: { ...account, email: id.email, name: id.name } };
  }
  const before = await requestByIdentity(db, id.issuer, id.subject);
  const [row] = await db.query<RequestRow>(
    `insert into access_requests (issuer, subject, email, display_name, siret) values ($1, $2, $3, $4, $5)
     on conflict (issuer, subject) do update set email = excluded.email,
       display_name = excluded.display_name, siret = excluded.siret, last_seen_at = now()
     returning *`,
    [id.issuer, id.subject, id.email, id.name, id.siret],
  );
  const request = toRequest(row!);
  if (request.status === 'refused') {
    await recordAccountEvent(db, null, 'login.refused', origin, who(id));
    return { kind: 'refused', message: REFUSED_MESSAGE };
  }
  await recordAccountEvent(
    db,
    null,
    before ? 'login.pending' : 'access.requested',
    origin,
    `${who(id)}${id.siret ? ` — SIRET ${id.siret}` : ''}`,
  );
  return { kind: 'pending', request };
}

/** A login to offer the administrator: pseudonymous, stable for the identity (never its e-mail). */
export const suggestedLogin = (r: { issuer: string; subject: string }): string =>
  `agent-${createHash('sha256').update(`${r.issuer}\n${r.subject}`).digest('hex').slice(0, 8)}`;

async function requestById(db: Queryable, id: number): Promise<AccessRequest> {
  const [row] = await db.query<RequestRow>('select * from access_requests where id = $1', [id]);
  if (!row) throw new ActionRefused(`Aucune demande d’accès n° ${id} (déjà traitée ?).`);
  return toRequest(row);
}

/**
 * An administrator grants a role and a perimeter to a person waiting (or refused
 * before): their account is created, keyed on the request's issuer and subject,
 * and their next request opens Jalons.
 */
export async function grantAccess(
  db: Queryable,
  requestId: number,
  input: Omit<NewAccount, 'password'>,
  origin: Origin,
): Promise<Account> {
  const request = await requestById(db, requestId);
  const a = validateNewAccount({ ...input, password: undefined });
  const inserted = await db.query(
    `insert into accounts (login, role, organisations, territories, all_cases, oidc_issuer, oidc_subject,
       email, display_name)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict do nothing returning login`,
    [
      a.login,
      a.role,
      a.organisations,
      a.territories,
      a.allCases,
      request.issuer,
      request.subject,
      request.email,
      request.name,
    ],
  );
  if (inserted.length === 0)
    throw new ActionRefused(
      `Identifiant : le compte « ${a.login} » existe déjà (ou cette identité a déjà un compte) ; choisissez-en un autre.`,
    );
  await db.query('delete from access_requests where id = $1', [requestId]);
  const account = (await accountByIdentity(db, request.issuer, request.subject))!;
  await recordAccountEvent(
    db,
    account.login,
    'access.granted',
    origin,
    `${a.role} — ${describeScope(account)} — ${who(request)}`,
  );
  return account;
}

/** An administrator refuses a request: the person's next sign-ins are refused, until a grant. */
export async function refuseAccess(db: Queryable, requestId: number, origin: Origin): Promise<void> {
  const request = await requestById(db, requestId);
  await db.query(
    `update access_requests set status = 'refused', decided_by = $2, decided_at = now() where id = $1`,
    [requestId, origin.actor ?? origin.channel],
  );
  await recordAccountEvent(db, null, 'access.refused', origin, who(request));
}

/**
 * When the provider's role claims are trusted (JALONS_OIDC_TRUST_ROLES): the
 * account of this issuer and subject, created or brought up to date from the
 * claims. An account made before accounts were keyed on the subject is adopted
 * once, by its login, if it has no password and no other identity.
 */
export async function upsertClaimedAccount(
  db: Queryable,
  id: ProviderIdentity,
  input: NewAccount,
  origin: Origin,
): Promise<Account> {
  const a = validateNewAccount({ ...input, password: undefined });
  const mine = await accountByIdentity(db, id.issuer, id.subject);
  if (!mine) {
    const [row] = await db.query<{ local: boolean; disabled: boolean; other: boolean }>(
      `select password_hash is not null as local, disabled, oidc_subject is not null as other
       from accounts where login = $1`,
      [a.login],
    );
    if (row?.local)
      throw new ActionRefused(
        `Le compte « ${a.login} » est un compte local : connectez-vous avec son mot de passe.`,
      );
    if (row?.other)
      throw new ActionRefused(`Le compte « ${a.login} » appartient à une autre identité du fournisseur.`);
    if (row?.disabled) throw new ActionRefused(`Le compte « ${a.login} » est désactivé.`);
  } else if (mine.disabled) throw new ActionRefused(`Le compte « ${mine.login} » est désactivé.`);
  const login = mine?.login ?? a.login;
  await db.query(
    `insert into accounts (login, role, organisations, territories, all_cases, oidc_issuer, oidc_subject,
       email, display_name, last_login_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
     on conflict (login) do update set role = excluded.role, organisations = excluded.organisations,
       territories = excluded.territories, all_cases = excluded.all_cases,
       oidc_issuer = excluded.oidc_issuer, oidc_subject = excluded.oidc_subject, email = excluded.email,
       display_name = excluded.display_name, last_login_at = now(), updated_at = now()`,
    [login, a.role, a.organisations, a.territories, a.allCases, id.issuer, id.subject, id.email, id.name],
  );
  const account = (await accountByIdentity(db, id.issuer, id.subject))!;
  await recordAccountEvent(db, login, 'login', origin, `${a.role} — ${describeScope(account)}`);
  return account;
}
