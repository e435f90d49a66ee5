/**
 * A workflow named like the path whose code throws a plain Error: in the
 * TypeScript SDK that fails the workflow *task*, retried without end (a bug, as a
 * non-determinism would): the health test's « task keeps failing » case.
 */
export async function beneficiaryPath(): Promise<never> {
  throw new Error('bogue de test : erreur dans le code du workflow');
}
