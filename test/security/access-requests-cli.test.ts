/**
 * `jalons compte demandes | accorder | refuser`, run as an administrator runs it,
 * against a real embedded read model: agents who signed in through the identity
 * provider wait; a grant creates their account keyed on issuer and subject (their
 * next sign-in opens it), a refusal refuses their next sign-in; bad input is refused
 * in French (exit 3) and changes nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { signInIdentity, type ProviderIdentity } from '../../store/identities.js';

const dir = mkdtempSync(join(tmpdir(), 'jalons-access-cli-'));
const readModel = join(dir, 'readmodel');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const origin = { channel: 'web' as const, ip: '127.0.0.1' };

function jalons(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'apps/cli/cli.ts', 'compte', ...args],
      { env: { ...process.env, JALONS_READMODEL_URL: readModel } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    ).stdin!.end();
  });
}

async function withDb<T>(work: (db: ReadModelDb) => Promise<T>): Promise<T> {
  const db = await openReadModel(readModel);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

const agent = (subject: string, name: string): ProviderIdentity => ({
  issuer: 'https://proconnect.exemple.test',
  subject,
  email: `${subject}@exemple.test`,
  name,
  siret: '00000000000000',
});

describe('jalons compte demandes | accorder | refuser', () => {
  it(
    'grants a waiting agent a role and a perimeter, refuses another, refuses bad input',
    { timeout: 120_000 },
    async () => {
      const waiting = await withDb(async (db) => [
        await signInIdentity(db, agent('sub-a', 'Agent Alpha'), origin),
        await signInIdentity(db, agent('sub-b', 'Agent Bêta'), origin),
      ]);
      expect(waiting.map((s) => s.kind)).toEqual(['pending', 'pending']);
      const [a, b] = waiting.map((s) => (s.kind === 'pending' ? s.request.id : 0));

      const listed = await jalons(['demandes', '--json']);
      expect(listed.code).toBe(0);
      expect(
        JSON.parse(listed.stdout)
          .map((r: { name: string }) => r.name)
          .sort(),
      ).toEqual(['Agent Alpha', 'Agent Bêta']);

      const noScope = await jalons(['accorder', String(a), '--role', 'agent']);
      expect(noScope.code).toBe(3);
      expect(noScope.stderr).toMatch(/périmètre/i);
      const notANumber = await jalons(['accorder', 'abc', '--role', 'agent', '--territoires', 'lens-lievin']);
      expect(notANumber.code).toBe(3);
      expect(notANumber.stderr).toContain('Demande : un numéro de demande est attendu');

      const granted = await jalons([
        'accorder',
        String(a),
        '--role',
        'agent',
        '--territoires',
        'lens-lievin',
      ]);
      expect(granted.code).toBe(0);
      expect(granted.stdout).toMatch(
        /^Accès accordé : compte agent-[0-9a-f]{8} \(agent ; territoires lens-lievin\)\./,
      );
      const refused = await jalons(['refuser', String(b)]);
      expect(refused.code).toBe(0);

      const next = await withDb(async (db) => [
        await signInIdentity(
          db,
          { ...agent('sub-a', 'Agent Alpha'), email: 'nouvelle@exemple.test' },
          origin,
        ),
        await signInIdentity(db, agent('sub-b', 'Agent Bêta'), origin),
      ]);
      expect(next[0]).toMatchObject({
        kind: 'account',
        account: { role: 'agent', territories: ['lens-lievin'] },
      });
      expect(next[1]?.kind).toBe('refused');
      const again = await jalons(['accorder', String(a), '--role', 'agent', '--tous']);
      expect(again.code).toBe(3);
      expect(again.stderr).toContain(`Aucune demande d’accès n° ${a}`);
    },
  );
});
