/** The embedded stack's first accounts (`npm start`): an administrator, and the demo's agent. */
import { chmodSync, writeFileSync } from 'node:fs';
import type { Queryable } from '../store/queryable.js';
import { countAccounts, createAccount, type Origin } from '../store/accounts.js';

/** The demo's agent: its perimeter is a territory of the demo's cases (they are not oriented yet). */
export const DEMO_AGENT = { login: 'agent-lens-lievin', territories: ['lens-lievin'] };

/**
 * On the first start of the embedded stack (no account yet): an administrator,
 * and with the demo an agent limited to one territory, with random passwords
 * written to `file` (mode 600). Returns the logins created (none on later starts).
 */
export async function bootstrapAccounts(db: Queryable, file: string, demo: boolean): Promise<string[]> {
  if ((await countAccounts(db)) > 0) return [];
  const origin: Origin = { channel: 'stack', actor: 'npm-start' };
  const admin = await createAccount(db, { login: 'admin', role: 'admin' }, origin);
  const lines = [
    '# Jalons : comptes créés au premier démarrage. Changez ces mots de passe (page « Comptes »,',
    '# ou « npm run jalons -- compte mot-de-passe <identifiant> » pile arrêtée), puis supprimez ce fichier.',
    `admin ${admin.password}`,
  ];
  if (demo) {
    const agent = await createAccount(db, { ...DEMO_AGENT, role: 'agent' }, origin);
    lines.push(`${DEMO_AGENT.login} ${agent.password}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return demo ? ['admin', DEMO_AGENT.login] : ['admin'];
}
