/**
 * Accounts of the people who use the web app, its API and the codec server:
 * a pseudonymous login, a role (lecture = read only, agent = acts within its
 * perimeter, admin = everything), a perimeter (organisations and/or territories,
 * or all cases), a scrypt password hash, a personal API token (its SHA-256 only).
 * Every login, failed login and account change goes to `account_events`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword, verifyHash } from './password-hash.js';
import type { Queryable } from './db.js';
import type { Scope } from './queries.js';
import { pseudonymousIdSchema } from '../domain/ids.js';
import { formatParis } from '../domain/calendar.js';
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
  /** When the personal API token stops working (JALONS_API_TOKEN_DAYS after it was issued). */
  apiTokenExpiresAt: string | null;
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

// Kept in store/password-hash.ts (this file's length); re-exported for its callers.
export { hashPassword, verifyHash };

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
  api_token_expires_at: Date | string | null;
  last_login_at: Date | string | null;
  created_at: Date | string;
  sso: boolean;
  email: string | null;
  display_name: string | null;
}
export const accountColumns = `login, role, organisations, territories, all_cases, disabled, session_version,
  api_token_hash is not null as has_api_token, api_token_expires_at, last_login_at, created_at,
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
  apiTokenExpiresAt: r.has_api_token && r.api_token_expires_at ? iso(r.api_token_expires_at) : null,
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
  // One row per view of a case (web page or API), the case's pseudonymous id as detail: who read
  // which case, when. Kept as long as the rest of this journal (JALONS_ACCOUNT_LOG_MONTHS).
  'case.read': 'dossier consulté',
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

/** A case was shown to an account (its page, or GET /api/parcours/:id): who, which case, when. */
export const recordCaseRead = (db: Queryable, login: string, caseId: string, origin: Origin) =>
  recordAccountEvent(db, login, 'case.read', origin, caseId);

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

export const DEFAULT_API_TOKEN_DAYS = 90;
export const API_TOKEN_DAYS_BOUNDS = { min: 1, max: 366 } as const;

/**
 * How long a personal API token lives (JALONS_API_TOKEN_DAYS, 90 by default, 1 to 366): a
 * token copied into a script or a shell history stops working on its own.
 */
export function apiTokenDays(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.JALONS_API_TOKEN_DAYS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_API_TOKEN_DAYS;
  const days = Number(raw);
  const { min, max } = API_TOKEN_DAYS_BOUNDS;
  if (!/^\d+$/.test(raw) || days < min || days > max)
    throw new ActionRefused(
      `JALONS_API_TOKEN_DAYS : nombre entier de jours entre ${min} et ${max} attendu (« ${raw} » reçu).`,
    );
  return days;
}

/**
 * Issues a new personal API token (the previous one stops working), valid `days` days. Only its
 * SHA-256 is kept: a token is 32 random bytes, so no salt or slow hash is needed.
 */
export async function issueApiToken(
  db: Queryable,
  login: string,
  origin: Origin,
  days = apiTokenDays(),
): Promise<string> {
  await existing(db, login);
  const token = `jalons_${randomBytes(32).toString('base64url')}`;
  await db.query(
    `update accounts set api_token_hash = $2, api_token_created_at = now(),
       api_token_expires_at = now() + make_interval(days => $3), updated_at = now() where login = $1`,
    [login, tokenHash(token), days],
  );
  await recordAccountEvent(db, login, 'token.issued', origin, `valable ${days} jours`);
  return token;
}

/** What a bearer token gives: its enabled account, or that it expired (and when), or nothing. */
export type ApiTokenCheck = { account: Account } | { expired: { login: string; at: string } } | null;

export async function checkApiToken(
  db: Queryable,
  token: string,
  now: Date = new Date(),
): Promise<ApiTokenCheck> {
  if (!/^jalons_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const [row] = await db.query<AccountRow>(
    `select ${accountColumns} from accounts where api_token_hash = $1 and not disabled`,
    [tokenHash(token)],
  );
  if (!row) return null;
  const account = toAccount(row);
  // A token without expiry cannot exist after migration 12; refused all the same if one did.
  const expiresAt = account.apiTokenExpiresAt;
  if (expiresAt === null || Date.parse(expiresAt) <= now.getTime())
    return { expired: { login: account.login, at: expiresAt ?? account.createdAt } };
  return { account };
}

/** The enabled account a bearer token belongs to while the token has not expired, or null. */
export async function accountByApiToken(
  db: Queryable,
  token: string,
  now: Date = new Date(),
): Promise<Account | null> {
  const check = await checkApiToken(db, token, now);
  return check && 'account' in check ? check.account : null;
}

/** The French answer to an expired token: when, and how to get a new one. */
export const expiredTokenMessage = (expiredAt: string, login: string): string =>
  `Jeton d’API expiré depuis le ${formatParis(new Date(expiredAt), true)} : ` +
  `demandez-en un nouveau à un administrateur (page « Comptes », ou « jalons compte jeton ${login} »).`;

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
