/**
 * Points the worker's activities at the RDV-Insertion simulator for one test file: the worker
 * reads RDV-Insertion's configuration from the environment, as in production
 * (dev/simulators/rdv-insertion.ts `simulatedRdvInsertionEnv`). Returns what puts it back.
 */
import { simulatedRdvInsertionEnv } from '../../dev/simulators/rdv-insertion.js';

export function useSimulatedRdvInsertion(
  baseUrl: string,
  overrides: Record<string, string> = {},
): () => void {
  const vars = { ...simulatedRdvInsertionEnv(baseUrl), ...overrides };
  Object.assign(process.env, vars);
  return () => {
    for (const name of Object.keys(vars)) delete process.env[name];
  };
}
