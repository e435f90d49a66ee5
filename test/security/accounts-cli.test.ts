/**
 * `jalons compte …` run as a person runs it, against a real embedded read
 * model: a generated password is printed once and works, a chosen one is read
 * from the standard input, bad input is refused in French (exit 3) and creates
 * nothing, a token is issued, an account disabled, the journal read; and the
 * CLI refuses to open the embedded read model while the stack holds it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openReadModel } from '../../store/db.js';
import { accountByApiToken, verifyLogin } from '../../store/accounts.js';

const dir = mkdtempSync(join(tmpdir(), 'jalons-accounts-cli-'));
const readModel = join(dir, 'readmodel');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function jalons(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'apps/cli/cli.ts', 'compte', ...args],
      { env: { ...process.env, JALONS_READMODEL_URL: readModel } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
    else child.stdin!.end();
  });
}

/** Reads the read model once the CLI has closed it (one process at a time on PGlite). */
async function withDb<T>(work: (db: Awaited<ReturnType<typeof openReadModel>>) => Promise<T>): Promise<T> {
  const db = await openReadModel(readModel);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

describe('jalons compte', () => {
  it(
    'creates accounts, prints a generated password once, reads a chosen one from stdin, lists them',
    { timeout: 120_000 },
    async () => {
      const added = await jalons(['creer', 'agent-cli', '--role', 'agent', '--organisations', 'org-a,org-c']);
      expect(added.code).toBe(0);
      expect(added.stdout).toContain('Compte agent-cli créé (agent ; organismes org-a, org-c).');
      const password = /affiché une seule fois : (\S+)/.exec(added.stdout)?.[1];
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

      const chosen = await jalons(
        ['creer', 'admin-cli', '--role', 'admin', '--mot-de-passe-stdin', '--json'],
        'une phrase de passe choisie\n',
      );
      expect(chosen.code).toBe(0);
      expect(JSON.parse(chosen.stdout)).toMatchObject({
        login: 'admin-cli',
        role: 'admin',
        scope: { all: true },
      });
      expect(chosen.stdout).not.toContain('phrase de passe');

      const list = await jalons(['liste', '--json']);
      expect(JSON.parse(list.stdout)).toEqual([
        expect.objectContaining({ login: 'admin-cli', role: 'admin', disabled: false }),
        expect.objectContaining({
          login: 'agent-cli',
          scope: { all: false, organisations: ['org-a', 'org-c'], territories: [] },
        }),
      ]);
      await withDb(async (db) => {
        expect(await verifyLogin(db, 'agent-cli', password!, { channel: 'web' })).toMatchObject({ ok: true });
        expect(
          await verifyLogin(db, 'admin-cli', 'une phrase de passe choisie', { channel: 'web' }),
        ).toMatchObject({
          ok: true,
        });
      });
    },
  );

  it('refuses bad input in French with exit code 3, and changes nothing', { timeout: 120_000 }, async () => {
    const cases: [string[], string][] = [
      [['creer', 'agent-x', '--role', 'agent'], 'Refusé : périmètre requis'],
      [['creer', 'Jean Dupont', '--role', 'lecture', '--tous'], 'identifiant pseudonyme attendu'],
      [['creer', 'agent-y', '--role', 'superviseur', '--tous'], 'rôle attendu : lecture, agent ou admin'],
      [['disable', 'personne'], 'Refusé : Aucun compte « personne ».'],
    ];
    for (const [args, message] of cases) {
      const r = await jalons(args);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(message);
    }
    const short = await jalons(['mot-de-passe', 'agent-cli', '--mot-de-passe-stdin'], 'court\n');
    expect(short.code).toBe(3);
    expect(short.stderr).toContain('mot de passe trop court : 12 caractères au moins');
    expect(JSON.parse((await jalons(['liste', '--json'])).stdout)).toHaveLength(2);
  });

  it(
    'issues a token, disables an account, and shows the journal without any password',
    { timeout: 120_000 },
    async () => {
      const token = JSON.parse((await jalons(['jeton', 'agent-cli', '--json'])).stdout) as { token: string };
      await withDb(async (db) => expect((await accountByApiToken(db, token.token))?.login).toBe('agent-cli'));
      expect((await jalons(['desactiver', 'agent-cli'])).stdout).toContain('Compte agent-cli désactivé.');
      await withDb(async (db) => expect(await accountByApiToken(db, token.token)).toBeNull());
      const journal = await jalons(['journal', '--identifiant', 'agent-cli']);
      expect(journal.stdout).toContain('compte désactivé (cli, par cli)');
      expect(journal.stdout).toContain('jeton d’API émis');
      expect(journal.stdout).toContain('compte créé (cli, par cli) : agent — organismes org-a, org-c');
      expect(journal.stdout).not.toContain(token.token);
    },
  );

  it(
    'refuses to open the embedded read model while a running stack holds it',
    { timeout: 60_000 },
    async () => {
      writeFileSync(`${readModel}.lock`, String(process.pid));
      const busy = await jalons(['liste']);
      rmSync(`${readModel}.lock`);
      expect(busy.code).toBe(3);
      expect(busy.stderr).toContain(
        `Refusé : Le modèle de lecture embarqué (${readModel}) est ouvert par la pile (processus ${process.pid})`,
      );
      // A lock left by a stack that is gone does not stand in the way.
      writeFileSync(`${readModel}.lock`, '999999999');
      expect((await jalons(['liste'])).code).toBe(0);
    },
  );
});
