/**
 * Accounts and perimeters in the read model, on both databases it runs on
 * (PGlite and a real PostgreSQL server): passwords are stored as salted scrypt
 * hashes (never the password, never twice the same), bad input is refused in
 * French and changes nothing, five failed logins lock the account, a disabled
 * account and an old token stop working, and the lists only return the cases
 * of an account's perimeter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import {
  filterChoices,
  indicators,
  lateItems,
  orientationDelays,
  workloads,
  type Scope,
} from '../../store/queries.js';
import { recordPath } from '../../store/record.js';
import { pathWorkflowId } from '../../domain/ids.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import type { PathState } from '../../domain/path/path.js';
import { fireTimedAction, timedActions } from '../../domain/path/path-timers.js';
import {
  accountByApiToken,
  accountEvents,
  createAccount,
  getAccount,
  hashPassword,
  inScope,
  issueApiToken,
  listAccounts,
  MAX_FAILURES,
  scopeOf,
  setDisabled,
  setPassword,
  verifyHash,
  verifyLogin,
} from '../../store/accounts.js';
import { ActionRefused } from '../../services/paths.js';
import { startPostgres } from '../support/postgres.js';

const web = { channel: 'web' as const, ip: '127.0.0.1' };
const cli = { channel: 'cli' as const, actor: 'cli' };
const PASSWORD = 'correct cheval pile agrafe';

/** Three paths seen on 2 March 2026: X (lens-lievin, org-a), Y (audomarois, org-b), Z (audomarois, not oriented). */
function fixtures(): PathState[] {
  const make = (id: string, territory: string, organisation?: string, referent?: string) => {
    const s = newPathState({ beneficiaryId: id, rightsOpenedAt: '2026-01-05T09:00:00+01:00', territory });
    if (organisation)
      applyPathEvent(
        s,
        {
          type: 'orientation.decided',
          at: '2026-01-12T10:00:00+01:00',
          data: { track: 'social', organisation, referent },
        },
        new Date('2026-01-12T10:00:00+01:00'),
      );
    for (
      let a = timedActions(s)[0];
      a && a.at <= new Date('2026-03-02T09:00:00+01:00');
      a = timedActions(s)[0]
    )
      fireTimedAction(s, a, a.at);
    return s;
  };
  return [
    make('SC-X', 'lens-lievin', 'org-a', 'ref-a'),
    make('SC-Y', 'audomarois', 'org-b', 'ref-b'),
    make('SC-Z', 'audomarois'),
  ];
}

describe('password hashes (no database)', () => {
  it('stores a salted scrypt hash that does not contain the password and verifies it in constant time', async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).toMatch(/^scrypt\$N=32768,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toContain(PASSWORD);
    expect(a).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(a).not.toBe(b); // a salt of its own
    expect(await verifyHash(a, PASSWORD)).toBe(true);
    expect(await verifyHash(b, PASSWORD)).toBe(true);
    expect(await verifyHash(a, `${PASSWORD} `)).toBe(false);
    expect(await verifyHash('n’importe quoi', PASSWORD)).toBe(false);
  });

  it('decides the perimeter of a case by territory, or by organisme référent once oriented', () => {
    const scope: Scope = { all: false, organisations: ['org-a'], territories: ['audomarois'] };
    expect(inScope(scope, { territory: 'audomarois' })).toBe(true);
    expect(inScope(scope, { territory: 'lens-lievin', organisation: 'org-a' })).toBe(true);
    expect(inScope(scope, { territory: 'lens-lievin', organisation: 'org-b' })).toBe(false);
    expect(inScope(scope, { territory: 'lens-lievin' })).toBe(false);
    expect(inScope({ all: true }, { territory: 'ailleurs' })).toBe(true);
  });
});

describe.each([
  ['PGlite', async () => ({ db: await openReadModel('memory:'), stop: () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const pg = await startPostgres();
      return { db: await openReadModel(pg.url), stop: pg.stop };
    },
  ],
] as const)('accounts on %s', (_name, open) => {
  let db: ReadModelDb;
  let stop: () => void;
  beforeAll(async () => {
    ({ db, stop } = await open());
    let revision = 0;
    for (const state of fixtures())
      await recordPath(db, { workflowId: pathWorkflowId(state.beneficiaryId), revision: ++revision, state });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    stop?.();
  });

  it('creates an account whose stored hash is not the password, and verifies the login', async () => {
    const { account, password } = await createAccount(
      db,
      { login: 'agent-a', role: 'agent', organisations: ['org-a'], password: PASSWORD },
      cli,
    );
    expect(password).toBe(PASSWORD);
    expect(account).toMatchObject({
      login: 'agent-a',
      role: 'agent',
      organisations: ['org-a'],
      disabled: false,
    });
    const [row] = await db.query<{ password_hash: string }>(
      "select password_hash from accounts where login = 'agent-a'",
    );
    expect(row!.password_hash).not.toContain(PASSWORD);
    expect(row!.password_hash.startsWith('scrypt$')).toBe(true);
    expect(await verifyLogin(db, 'agent-a', PASSWORD, web)).toMatchObject({ ok: true });
    expect(await verifyLogin(db, 'agent-a', 'pas le bon mot de passe', web)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await verifyLogin(db, 'personne', PASSWORD, web)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('generates a password when none is given', async () => {
    const { password } = await createAccount(
      db,
      { login: 'lecteur-b', role: 'lecture', territories: ['audomarois'] },
      cli,
    );
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await verifyLogin(db, 'lecteur-b', password, web)).toMatchObject({ ok: true });
  });

  it('refuses bad input in French and creates nothing', async () => {
    const before = (await listAccounts(db)).length;
    const refusal = async (input: Parameters<typeof createAccount>[1]) => {
      const err = await createAccount(db, input, cli).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ActionRefused);
      return (err as Error).message;
    };
    expect(await refusal({ login: 'Jean Dupont', role: 'agent', organisations: ['x'] })).toContain(
      'identifiant pseudonyme attendu',
    );
    expect(await refusal({ login: 'x1', role: 'chef' as 'agent', organisations: ['x'] })).toContain(
      'rôle attendu : lecture, agent ou admin',
    );
    expect(await refusal({ login: 'x2', role: 'agent' })).toContain('périmètre requis');
    expect(await refusal({ login: 'x3', role: 'admin', territories: ['audomarois'] })).toContain(
      'un administrateur voit tous les dossiers',
    );
    expect(await refusal({ login: 'x4', role: 'agent', organisations: ['x'], password: 'court' })).toContain(
      'mot de passe trop court : 12 caractères au moins',
    );
    expect(await refusal({ login: 'agent-a', role: 'agent', organisations: ['x'] })).toBe(
      'Le compte « agent-a » existe déjà.',
    );
    expect(await setPassword(db, 'agent-a', 'court', cli).catch((e: Error) => e.message)).toContain(
      'mot de passe trop court',
    );
    expect(await verifyLogin(db, 'agent-a', PASSWORD, web)).toMatchObject({ ok: true });
    expect((await listAccounts(db)).length).toBe(before);
  });

  it(`locks an account after ${MAX_FAILURES} failed logins, the right password included, and journals no password`, async () => {
    await createAccount(
      db,
      { login: 'cible', role: 'agent', territories: ['audomarois'], password: PASSWORD },
      cli,
    );
    for (let i = 1; i < MAX_FAILURES; i++)
      expect(await verifyLogin(db, 'cible', `essai-${i}-mauvais`, web)).toEqual({
        ok: false,
        reason: 'invalid',
      });
    expect(await verifyLogin(db, 'cible', 'essai-5-mauvais', web)).toEqual({
      ok: false,
      reason: 'locked',
      retryInMinutes: 15,
    });
    expect(await verifyLogin(db, 'cible', PASSWORD, web)).toMatchObject({ ok: false, reason: 'locked' });
    const events = await accountEvents(db, 50, 'cible');
    expect(events.filter((e) => e.event === 'login.failed')).toHaveLength(MAX_FAILURES);
    expect(events.filter((e) => e.event === 'login.locked')).toHaveLength(1);
    expect(
      events
        .filter((e) => e.event.startsWith('login'))
        .every((e) => e.ip === '127.0.0.1' && e.channel === 'web'),
    ).toBe(true);
    const everything = JSON.stringify(await db.query('select * from account_events'));
    expect(everything).not.toContain('mauvais');
    expect(everything).not.toContain(PASSWORD);
    // An administrator's new password lifts the lock.
    const fresh = await setPassword(db, 'cible', undefined, cli);
    expect(await verifyLogin(db, 'cible', fresh, web)).toMatchObject({ ok: true });
  });

  it('a disabled account cannot log in; a password change or disabling ends its sessions', async () => {
    const v1 = (await getAccount(db, 'lecteur-b'))!.sessionVersion;
    const password = await setPassword(db, 'lecteur-b', `${PASSWORD}!`, cli);
    expect((await getAccount(db, 'lecteur-b'))!.sessionVersion).toBe(v1 + 1);
    await setDisabled(db, 'lecteur-b', true, cli);
    expect((await getAccount(db, 'lecteur-b'))!.sessionVersion).toBe(v1 + 2);
    expect(await verifyLogin(db, 'lecteur-b', password, web)).toEqual({ ok: false, reason: 'invalid' });
    await setDisabled(db, 'lecteur-b', false, cli);
    expect(await verifyLogin(db, 'lecteur-b', password, web)).toMatchObject({ ok: true });
    expect(await setDisabled(db, 'inconnu', true, cli).catch((e: Error) => e.message)).toBe(
      'Aucun compte « inconnu ».',
    );
  });

  it('keeps only the API token’s hash; a new token replaces the old one; a disabled account’s token stops', async () => {
    const first = await issueApiToken(db, 'agent-a', cli);
    expect(first).toMatch(/^jalons_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(await db.query('select * from accounts'))).not.toContain(first.slice(7));
    expect((await accountByApiToken(db, first))?.login).toBe('agent-a');
    const second = await issueApiToken(db, 'agent-a', cli);
    expect(await accountByApiToken(db, first)).toBeNull();
    expect((await accountByApiToken(db, second))?.login).toBe('agent-a');
    await setDisabled(db, 'agent-a', true, cli);
    expect(await accountByApiToken(db, second)).toBeNull();
    await setDisabled(db, 'agent-a', false, cli);
    expect(await accountByApiToken(db, 'jalons_faux')).toBeNull();
  });

  it('filters every list by the perimeter, in SQL', async () => {
    const orgA: Scope = { all: false, organisations: ['org-a'], territories: [] };
    const audomarois: Scope = { all: false, organisations: [], territories: ['audomarois'] };
    const ids = async (scope: Scope) =>
      [...new Set((await lateItems(db, { scope })).map((i) => i.beneficiary_id))].sort();
    expect(await ids({ all: true })).toEqual(['SC-X', 'SC-Y', 'SC-Z']);
    expect(await ids(orgA)).toEqual(['SC-X']);
    expect(await ids(audomarois)).toEqual(['SC-Y', 'SC-Z']);
    expect(await ids({ all: false, organisations: ['org-a'], territories: ['audomarois'] })).toEqual([
      'SC-X',
      'SC-Y',
      'SC-Z',
    ]);
    expect(await ids({ all: false, organisations: [], territories: [] })).toEqual([]);
    // The perimeter narrows the person's own filters, never widens them.
    expect(await lateItems(db, { territory: 'audomarois', scope: orgA })).toEqual([]);
    expect((await workloads(db, orgA)).map((w) => w.referent)).toEqual(['ref-a']);
    expect((await workloads(db, audomarois)).map((w) => w.referent)).toEqual(['ref-b']);
    expect((await indicators(db, orgA)).map((r) => [r.territory, r.opened])).toEqual([['lens-lievin', 1]]);
    expect((await orientationDelays(db, audomarois)).reduce((n, b) => n + b.count, 0)).toBe(1);
    expect(await filterChoices(db, orgA)).toEqual({
      territory: ['lens-lievin'],
      organisation: ['org-a'],
      referent: ['ref-a'],
      step: ['first-appointment'],
    });
    const agent = (await getAccount(db, 'agent-a'))!;
    expect(scopeOf(agent)).toEqual(orgA);
  });
});
