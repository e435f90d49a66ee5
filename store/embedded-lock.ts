/** One process at a time on the embedded read model (PGlite): the stack's lock file, checked by the CLI. */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ActionRefused } from '../domain/refusal.js';

/**
 * PGlite keeps no lock of its own: two processes on the same folder would corrupt
 * it. The stack writes its pid beside the folder; the CLI refuses while it runs.
 */
const lockFile = (readModelUrl: string) => `${readModelUrl.replace(/\/+$/, '')}.lock`;
const embedded = (url: string) => !/^postgres(ql)?:\/\//.test(url) && url !== 'memory:';

export function lockEmbeddedReadModel(readModelUrl: string): () => void {
  if (!embedded(readModelUrl)) return () => undefined;
  assertEmbeddedReadModelFree(readModelUrl);
  const file = lockFile(readModelUrl);
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

export function assertEmbeddedReadModelFree(readModelUrl: string): void {
  if (!embedded(readModelUrl)) return;
  const file = lockFile(readModelUrl);
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // a stack that did not stop cleanly: its lock is stale
  }
  throw new ActionRefused(
    `Le modèle de lecture embarqué (${readModelUrl}) est ouvert par la pile (processus ${pid}) : ` +
      'arrêtez-la (Ctrl-C), ou gérez les comptes dans l’application web (page « Comptes »).',
  );
}
