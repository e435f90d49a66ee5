/**
 * A référent's intensive portfolio (docs/rules.md §2: 70 at most in the
 * Pas-de-Calais): past the cap, an intensive contract is recorded all the same,
 * with a warning — the cap organises the work, the law does not refuse the contract.
 */
import type { Policy } from '../policy.js';

/** The French warning once `intensive` (the count with the new contract) passes the cap, else null. */
export function portfolioWarning(intensive: number, policy: Policy, referent: string): string | null {
  const max = policy.portfolio.intensiveMax;
  if (intensive <= max) return null;
  return `Attention : le référent ${referent} suit désormais ${intensive} personnes en accompagnement intensif, au-delà du plafond de ${max} (docs/rules.md §2). Le contrat est enregistré.`;
}
