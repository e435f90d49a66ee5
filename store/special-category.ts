/**
 * Special-category data (RGPD art. 9: health, disability) stays out of the read model
 * (issue 19, « portes verrouillées »). The path's workflow keeps it, encrypted by the
 * payload codec in Temporal, and the case page reads it from there; the read model's
 * `paths.state` gets a copy without it. No page, list, export or indicator reads these
 * fields from the read model (store/queries.ts, store/reporting.ts read none of them).
 *
 * Withheld from the snapshot:
 * - the diagnostic's barriers (freins: health, disability…), all of them: the list as a whole
 *   says too much, and nothing counts them; the workflow draws from them the social review's
 *   delay (docs/rules.md, « Réexamen du parcours social »), and the read model gets that deadline;
 * - a contract's exemption when its reason is health, disability or invalidity (replaced by
 *   WITHHELD: that an exemption exists stays visible, 0 h a week says it anyway);
 * - a contract's reduction reason (free text, usually a health reason), replaced by WITHHELD.
 */
import type { PathState } from '../domain/path/path.js';

/** What a withheld field holds in the read model. */
export const WITHHELD = 'withheld';
export const SPECIAL_CATEGORY_EXEMPTIONS = ['health', 'disability', 'invalidity'] as const;

/** The snapshot written to the read model: the path's state without its special-category data. */
export function withoutSpecialCategory(s: PathState): PathState {
  const contract = s.contract && {
    ...s.contract,
    exemption:
      s.contract.exemption !== null &&
      (SPECIAL_CATEGORY_EXEMPTIONS as readonly string[]).includes(s.contract.exemption)
        ? WITHHELD
        : s.contract.exemption,
    reduction: s.contract.reduction === null ? null : WITHHELD,
  };
  return {
    ...s,
    diagnostic: s.diagnostic && { completedAt: s.diagnostic.completedAt, barriers: [] },
    contract,
  };
}

/**
 * Migration 13: the rows written before this file existed lose the same fields (the next
 * snapshot of each path would do it too, but a closed path gets none).
 */
export const specialCategoryMigration = {
  version: 13,
  name: 'données sensibles (freins de santé, handicap, motifs d’exemption) retirées du modèle de lecture',
  sql: `
    update paths set state = jsonb_set(state, '{diagnostic,barriers}', '[]'::jsonb)
      where jsonb_typeof(state->'diagnostic') = 'object' and state->'diagnostic'->'barriers' <> '[]'::jsonb;
    update paths set state = jsonb_set(state, '{contract,exemption}', '"${WITHHELD}"'::jsonb)
      where state->'contract'->>'exemption' in (${SPECIAL_CATEGORY_EXEMPTIONS.map((e) => `'${e}'`).join(', ')});
    update paths set state = jsonb_set(state, '{contract,reduction}', '"${WITHHELD}"'::jsonb)
      where jsonb_typeof(state->'contract'->'reduction') = 'string';
  `,
};
