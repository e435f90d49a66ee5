/**
 * A backup of the read model restored into a fresh cluster (docs/sauvegardes.md), with
 * Debian's real PostgreSQL binaries: `pg_dump --format=custom` of a read model holding a
 * late path, an account with its password and API token, and the accounts journal;
 * `pg_restore --no-owner` into a new, empty cluster; the restored read model opens (its
 * migrations all there, none re-applied), lists the path as late, accepts the account's
 * password and token, and keeps the journal — and the special-category data is still absent.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { lateItems } from '../../store/queries.js';
import { recordPath } from '../../store/record.js';
import {
  accountByApiToken,
  accountEvents,
  createAccount,
  issueApiToken,
  recordCaseRead,
  verifyLogin,
} from '../../store/accounts.js';
import { pathWorkflowId } from '../../domain/ids.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import { fireTimedAction, timedActions } from '../../domain/path/path-timers.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

const PASSWORD = 'mot de passe de sauvegarde assez long';
let source: TestPostgres;
let target: TestPostgres;
let dir: string;
let token = '';
let stopped = false;
/** The migrations the source had applied: the restored copy has the same, and re-applies none. */
let applied: number[] = [];
const versions = async (db: ReadModelDb) =>
  (await db.query<{ version: number }>('select version from schema_migrations order by version')).map(
    (r) => r.version,
  );

/** The PostgreSQL client tools of the Debian package (the same as the test server's). */
function tool(name: string): string {
  for (const d of ['/usr/local/bin', '/usr/lib/postgresql/15/bin', '/usr/bin'])
    try {
      statSync(join(d, name));
      return join(d, name);
    } catch {
      continue;
    }
  throw new Error(`${name} introuvable : installez le paquet Debian postgresql-client`);
}

async function withDb<T>(url: string, work: (db: ReadModelDb) => Promise<T>): Promise<T> {
  const db = await openReadModel(url);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jalons-backup-'));
  source = await startPostgres();
  target = await startPostgres();
  await withDb(source.url, async (db) => {
    // A path opened on 5 January 2026, oriented, met, diagnosed with a health barrier, no contract by June: late.
    const s = newPathState({
      beneficiaryId: 'SAUV-1',
      rightsOpenedAt: '2026-01-05T09:00:00+01:00',
      territory: 'lens-lievin',
    });
    const act = (type: string, at: string, data: Record<string, unknown> = {}) =>
      applyPathEvent(s, { type, at, data }, new Date(at));
    act('orientation.decided', '2026-01-12T10:00:00+01:00', {
      track: 'social',
      organisation: 'org-a',
      referent: 'ref-a',
    });
    act('appointment.attended', '2026-01-19T10:00:00+01:00');
    act('diagnostic.completed', '2026-01-19T11:00:00+01:00', { barriers: ['health'] });
    // Time runs to 1 June, as the workflow's timers would: the contract's deadline passes.
    for (let a = timedActions(s)[0]; a && a.at <= new Date('2026-06-01T08:00:00Z'); a = timedActions(s)[0])
      fireTimedAction(s, a, a.at);
    await recordPath(db, { workflowId: pathWorkflowId('SAUV-1'), revision: 5, state: s });
    await createAccount(
      db,
      { login: 'agent-sauv', role: 'agent', territories: ['lens-lievin'], password: PASSWORD },
      { channel: 'cli' },
    );
    token = await issueApiToken(db, 'agent-sauv', { channel: 'cli' });
    await recordCaseRead(db, 'agent-sauv', 'SAUV-1', { channel: 'web', ip: '10.0.0.7' });
    applied = await versions(db);
    expect(applied).toContain(13);
  });
}, 120_000);

afterAll(() => {
  if (!stopped) source?.stop();
  target?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore of the read model', () => {
  it('pg_dump then pg_restore into a fresh cluster gives back the path, the account and the journal', async () => {
    const file = join(dir, 'jalons.dump');
    execFileSync(tool('pg_dump'), ['--format=custom', '--file', file, '--dbname', source.url]);
    expect(statSync(file).size).toBeGreaterThan(0);
    // The target cluster is new: only its empty `postgres` database, no Jalons table.
    execFileSync(tool('pg_restore'), ['--no-owner', '--exit-on-error', '--dbname', target.url, file]);
    // The source is gone: what follows reads only the restored copy.
    source.stop();
    stopped = true;

    await withDb(target.url, async (db) => {
      expect(await versions(db)).toEqual(applied);
      const late = await lateItems(db);
      expect(late.map((i) => i.beneficiary_id)).toContain('SAUV-1');
      const [row] = await db.query<{ revision: number; state: string }>(
        'select revision, state::text as state from paths where workflow_id = $1',
        [pathWorkflowId('SAUV-1')],
      );
      expect(row?.revision).toBe(5);
      expect(row?.state).not.toMatch(/health/);

      expect(await verifyLogin(db, 'agent-sauv', PASSWORD, { channel: 'web' })).toMatchObject({ ok: true });
      expect((await accountByApiToken(db, token))?.login).toBe('agent-sauv');
      const journal = await accountEvents(db, 100, 'agent-sauv');
      expect(journal.map((e) => [e.event, e.detail])).toEqual(
        expect.arrayContaining([
          ['account.created', expect.any(String)],
          ['token.issued', 'valable 90 jours'],
          ['case.read', 'SAUV-1'],
        ]),
      );
    });
  }, 120_000);
});
