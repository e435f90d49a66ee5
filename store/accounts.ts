/**
 * Accounts of the people who use the web app, its API and the codec server:
 * a pseudonymous login, a role (lecture = read only, agent = acts within its
 * perimeter, admin = everything), a perimeter (organisations and/or territories,
 * or all cases), a scrypt password hash, a personal API token (its SHA-256 only).
 * Every login, failed login and account change goes to `account_events`.
 */
import {
  createHash,
  randomBytes,
  scrypt as scryptCb,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';
import type { Queryable } from './db.js';
import type { Scope } from './queries.js';
import { pseudonymousIdSchema } from '../domain/ids.js';
import { frenchIssues, z } from '../domain/validation.js';
import { ActionRefused } from '../domain/refusal.js';

export const roles = ['lecture', 'agent', 'admin'] as const;
export type Role = (typeof roles)[number];
export const roleLabels: Record<Role, string> = {
  lecture: 'lecture seule',
  agent: 'agent',
  admin: 'administrateur',
};

export interface Account {
  login: string;
  role: Role;
  organisations: string[];
  territories: string[];
  allCases: boolean;
  disabled: boolean;
  /** Bumped by a password change or a disabling: older sessions stop working. */
  sessionVersion: number;
  hasApiToken: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  /** Signed in through an OpenID Connect provider (keyed on its issuer and subject: store/identities.ts). */
  sso: boolean;
  /** As the provider last gave them (shown to administrators; never a key). */
  email: string | null;
  name: string | null;
}

/** Where a login or an account change came from, for the journal. */
export interface Origin {
  channel: 'web' | 'oidc' | 'api' | 'cli' | 'codec' | 'stack';
  ip?: string;
  /** Who made an account change (the administrator's login, or `cli`). */
  actor?: string;
}

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
/** After this many failed logins within LOCK_MINUTES, the account refuses logins for the rest of the window. */
export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;

// --- Password hashing (scrypt, parameters stored with each hash) -------------------------------

const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };
const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, keylen, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
// N=2^15, r=8 needs 32 MiB: above Node's default ceiling.
const maxmem = (N: number, r: number) => 128 * N * r * 2;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keylen } = SCRYPT;
  const key = await scrypt(password, salt, keylen, { N, r, p, maxmem: maxmem(N, r) });
  return `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const storedHash = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** Constant-time check of a password against a stored hash (any parameters it was made with). */
export async function verifyHash(stored: string, password: string): Promise<boolean> {
  const m = storedHash.exec(stored);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const want = Buffer.from(m[5]!, 'base64');
  const got = await scrypt(password, Buffer.from(m[4]!, 'base64'), want.length, {
    N,
    r,
    p,
    maxmem: maxmem(N, r),
  });
  return timingSafeEqual(want, got);
}

// Checked when the login is unknown, so that the answer takes as long as for a known one.
let decoy: Promise<string> | undefined;

// --- Validation --------------------------------------------------------------------------------

const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `mot de passe trop court : ${MIN_PASSWORD_LENGTH} caractères au moins`)
  .max(MAX_PASSWORD_LENGTH, `mot de passe trop long : ${MAX_PASSWORD_LENGTH} caractères au plus`);

const newAccountSchema = z
  .object({
    login: pseudonymousIdSchema,
    role: z.enum(roles, { error: 'rôle attendu : lecture, agent ou admin' }),
    organisations: z.array(pseudonymousIdSchema).default([]),
    territories: z.array(pseudonymousIdSchema).default([]),
    allCases: z.boolean().default(false),
    password: passwordSchema.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const perimeter = a.organisations.length > 0 || a.territories.length > 0;
    if (a.role === 'admin' && perimeter)
      ctx.addIssue({
        code: 'custom',
        message: 'un administrateur voit tous les dossiers : ne lui donnez ni organisme ni territoire',
      });
    if (a.role !== 'admin' && !perimeter && !a.allCases)
      ctx.addIssue({
        code: 'custom',
        message: 'périmètre requis : au moins un organisme ou un territoire, ou tous les dossiers',
      });
    if (a.allCases && perimeter)
      ctx.addIssue({
        code: 'custom',
        message: 'tous les dossiers, ou un périmètre (organismes, territoires), pas les deux',
      });
  });
export type NewAccount = z.input<typeof newAccountSchema>;

/** A new account's fields checked (role, perimeter), or a French refusal. */
export const validateNewAccount = (input: NewAccount) => parse(newAccountSchema, input);

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ActionRefused(frenchIssues(parsed.error));
  return parsed.data;
}

// --- Reading -----------------------------------------------------------------------------------

export interface AccountRow {
  login: string;
  role: Role;
  organisations: string[];
  territories: string[];
  all_cases: boolean;
  disabled: boolean;
  session_version: number;
  has_api_token: boolean;
  last_login_at: Date | string | null;
  created_at: Date | string;
  sso: boolean;
  email: string | null;
  display_name: string | null;
}
export const accountColumns = `login, role, organisations, territories, all_cases, disabled, session_version,
  api_token_hash is not null as has_api_token, last_login_at, created_at,
  oidc_subject is not null as sso, email, display_name`;
const iso = (d: Date | string) => new Date(d).toISOString();
export const toAccount = (r: AccountRow): Account => ({
  login: r.login,
  role: r.role,
  organisations: r.organisations,
  territories: r.territories,
  allCases: r.all_cases,
  disabled: r.disabled,
  sessionVersion: r.session_version,
  hasApiToken: r.has_api_token,
  lastLoginAt: r.last_login_at ? iso(r.last_login_at) : null,
  createdAt: iso(r.created_at),
  sso: r.sso,
  email: r.email,
  name: r.display_name,
});

export async function getAccount(db: Queryable, login: string): Promise<Account | null> {
  const [row] = await db.query<AccountRow>(`select ${accountColumns} from accounts where login = $1`, [
    login,
  ]);
  return row ? toAccount(row) : null;
}

export async function listAccounts(db: Queryable): Promise<Account[]> {
  return (await db.query<AccountRow>(`select ${accountColumns} from accounts order by login`)).map(toAccount);
}

export async function countAccounts(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>('select count(*)::int as n from accounts');
  return row?.n ?? 0;
}

async function existing(db: Queryable, login: string): Promise<Account> {
  const account = await getAccount(db, login);
  if (!account) throw new ActionRefused(`Aucun compte « ${login} ».`);
  return account;
}

// --- Perimeter ---------------------------------------------------------------------------------

export function scopeOf(a: Account): Scope {
  return a.role === 'admin' || a.allCases
    ? { all: true }
    : { all: false, organisations: a.organisations, territories: a.territories };
}

/** Whether a case (its territory, and its organisme référent once oriented) is within the perimeter. */
export function inScope(scope: Scope, c: { territory: string; organisation?: string | null }): boolean {
  if (scope.all) return true;
  return (
    scope.territories.includes(c.territory) ||
    (c.organisation !== null && c.organisation !== undefined && scope.organisations.includes(c.organisation))
  );
}

export const canAct = (a: Account): boolean => a.role === 'agent' || a.role === 'admin';

export function describeScope(a: Account): string {
  if (scopeOf(a).all) return 'tous les dossiers';
  const parts = [
    ...(a.organisations.length ? [`organismes ${a.organisations.join(', ')}`] : []),
    ...(a.territories.length ? [`territoires ${a.territories.join(', ')}`] : []),
  ];
  return parts.join(' ; ');
}

// --- Journal -----------------------------------------------------------------------------------

export const eventLabels: Record<string, string> = {
  login: 'connexion',
  'login.failed': 'échec de connexion',
  'login.locked': 'connexion refusée (trop d’échecs)',
  'login.disabled': 'connexion refusée (compte désactivé)',
  logout: 'déconnexion',
  'account.created': 'compte créé',
  'account.disabled': 'compte désactivé',
  'account.enabled': 'compte réactivé',
  'password.changed': 'mot de passe changé',
  'session.expired': 'session expirée (inactivité)',
  'access.requested': 'demande d’accès (fournisseur d’identité)',
  'login.pending': 'connexion en attente d’un accès',
  'login.refused': 'connexion refusée (accès refusé)',
  'access.granted': 'accès accordé',
  'access.refused': 'accès refusé',
  'token.issued': 'jeton d’API émis',
  'codec.decrypt': 'déchiffrement (serveur de codec)',
  'codec.refused': 'déchiffrement refusé (rôle)',
  'calendar.issued': 'lien d’agenda des subventions émis',
  'calendar.revoked': 'lien d’agenda des subventions révoqué',
};

export interface AccountEvent {
  at: string;
  login: string | null;
  event: string;
  channel: string;
  ip: string | null;
  actor: string | null;
  detail: string | null;
}

export async function recordAccountEvent(
  db: Queryable,
  login: string | null,
  event: keyof typeof eventLabels,
  origin: Origin,
  detail?: string,
): Promise<void> {
  await db.query(
    'insert into account_events (login, event, channel, ip, actor, detail) values ($1, $2, $3, $4, $5, $6)',
    [login, event, origin.channel, origin.ip ?? null, origin.actor ?? null, detail ?? null],
  );
}

export async function accountEvents(db: Queryable, limit = 100, login?: string): Promise<AccountEvent[]> {
  const rows = await db.query<AccountEvent & { at: Date | string }>(
    `select at, login, event, channel, ip, actor, detail from account_events
     where ($1::text is null or login = $1) order by id desc limit ${Number(limit)}`,
    [login ?? null],
  );
  return rows.map((r) => ({ ...r, at: iso(r.at) }));
}

// --- Changes -----------------------------------------------------------------------------------

export const generatePassword = (): string => randomBytes(18).toString('base64url');

/** Creates an account; returns the password (generated when none is given: shown once, never stored). */
export async function createAccount(
  db: Queryable,
  input: NewAccount,
  origin: Origin,
): Promise<{ account: Account; password: string }> {
  const a = parse(newAccountSchema, input);
  const password = a.password ?? generatePassword();
  const rows = await db.query(
    `insert into accounts (login, password_hash, role, organisations, territories, all_cases, password_changed_at)
     values ($1, $2, $3, $4, $5, $6, now()) on conflict (login) do nothing returning login`,
    [a.login, await hashPassword(password), a.role, a.organisations, a.territories, a.allCases],
  );
  if (rows.length === 0) throw new ActionRefused(`Le compte « ${a.login} » existe déjà.`);
  const account = await existing(db, a.login);
  await recordAccountEvent(db, a.login, 'account.created', origin, `${a.role} — ${describeScope(account)}`);
  return { account, password };
}

/** Sets a new password (generated when none is given); ends the account's sessions and lock. */
export async function setPassword(
  db: Queryable,
  login: string,
  password: string | undefined,
  origin: Origin,
): Promise<string> {
  await existing(db, login);
  const chosen = password === undefined ? generatePassword() : parse(passwordSchema, password);
  await db.query(
    `update accounts set password_hash = $2, password_changed_at = now(), updated_at = now(),
       session_version = session_version + 1 where login = $1`,
    [login, await hashPassword(chosen)],
  );
  await recordAccountEvent(db, login, 'password.changed', origin);
  return chosen;
}

export async function setDisabled(
  db: Queryable,
  login: string,
  disabled: boolean,
  origin: Origin,
): Promise<Account> {
  await existing(db, login);
  await db.query(
    `update accounts set disabled = $2, updated_at = now(),
       session_version = session_version + (case when $2 then 1 else 0 end) where login = $1`,
    [login, disabled],
  );
  await recordAccountEvent(db, login, disabled ? 'account.disabled' : 'account.enabled', origin);
  return existing(db, login);
}

/** Logout: every session of the account ends (a copy of the cookie kept elsewhere included). */
export async function endSessions(db: Queryable, login: string, origin: Origin): Promise<void> {
  await db.query('update accounts set session_version = session_version + 1 where login = $1', [login]);
  await recordAccountEvent(db, login, 'logout', origin);
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Issues a new personal API token (the previous one stops working). Only its
 * SHA-256 is kept: a token is 32 random bytes, so no salt or slow hash is needed.
 */
export async function issueApiToken(db: Queryable, login: string, origin: Origin): Promise<string> {
  await existing(db, login);
  const token = `jalons_${randomBytes(32).toString('base64url')}`;
  await db.query(
    'update accounts set api_token_hash = $2, api_token_created_at = now(), updated_at = now() where login = $1',
    [login, tokenHash(token)],
  );
  await recordAccountEvent(db, login, 'token.issued', origin);
  return token;
}

/** The enabled account a bearer token belongs to, or null. */
export async function accountByApiToken(db: Queryable, token: string): Promise<Account | null> {
  if (!/^jalons_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const [row] = await db.query<AccountRow>(
    `select ${accountColumns} from accounts where api_token_hash = $1 and not disabled`,
    [tokenHash(token)],
  );
  return row ? toAccount(row) : null;
}

// --- Login -------------------------------------------------------------------------------------

export type LoginResult =
  | { ok: true; account: Account }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryInMinutes: number };

/** Minutes left before the account accepts logins again (0: not locked). */
export async function lockedFor(db: Queryable, login: string): Promise<number> {
  const [row] = await db.query<{ failures: number; oldest: Date | string | null }>(
    `select count(*)::int as failures, min(at) as oldest from (
       select at from account_events
       where login = $1 and event = 'login.failed' and at > now() - make_interval(mins => $2)
         and at > coalesce((select max(at) from account_events where login = $1 and event in ('login', 'password.changed')), '-infinity')
       order by at desc limit $3) recent`,
    [login, LOCK_MINUTES, MAX_FAILURES],
  );
  if (!row || row.failures < MAX_FAILURES || !row.oldest) return 0;
  const until = new Date(row.oldest).getTime() + LOCK_MINUTES * 60_000;
  return Math.max(1, Math.ceil((until - Date.now()) / 60_000));
}

/**
 * Checks a login and password. Failures are journaled (a failure on an unknown
 * login without the text typed, which may be a password typed in the wrong field);
 * after MAX_FAILURES failures within LOCK_MINUTES the account refuses every login,
 * the right password included, until the window has passed.
 */
export async function verifyLogin(
  db: Queryable,
  login: string,
  password: string,
  origin: Origin,
): Promise<LoginResult> {
  const [row] = pseudonymousIdSchema.safeParse(login).success
    ? await db.query<AccountRow & { password_hash: string | null }>(
        `select ${accountColumns}, password_hash from accounts where login = $1`,
        [login],
      )
    : [];
  if (!row?.password_hash) {
    await verifyHash(await (decoy ??= hashPassword(generatePassword())), password);
    await recordAccountEvent(db, null, 'login.failed', origin, 'identifiant inconnu');
    return { ok: false, reason: 'invalid' };
  }
  const retryInMinutes = await lockedFor(db, login);
  if (retryInMinutes > 0) {
    await recordAccountEvent(db, login, 'login.locked', origin);
    return { ok: false, reason: 'locked', retryInMinutes };
  }
  if (!(await verifyHash(row.password_hash, password))) {
    await recordAccountEvent(db, login, 'login.failed', origin);
    const lock = await lockedFor(db, login);
    return lock > 0
      ? { ok: false, reason: 'locked', retryInMinutes: lock }
      : { ok: false, reason: 'invalid' };
  }
  if (row.disabled) {
    await recordAccountEvent(db, login, 'login.disabled', origin);
    return { ok: false, reason: 'invalid' };
  }
  await db.query('update accounts set last_login_at = now() where login = $1', [login]);
  await recordAccountEvent(db, login, 'login', origin);
  return { ok: true, account: toAccount(row) };
}

export { assertEmbeddedReadModelFree, lockEmbeddedReadModel } from './embedded-lock.js';
