/**
 * What operations staff can filter paths on in Temporal's visibility. Only
 * pseudonymous ids and codes: no name, no personal data.
 */
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  type SearchAttributeUpdatePair,
} from '@temporalio/common';
import { openDeadlines } from '../../domain/path/path-machine.js';
import type { PathState } from '../../domain/path/path.js';

export const pathSearchAttributes = {
  step: defineSearchAttributeKey('JalonsStep', SearchAttributeType.KEYWORD),
  nextDeadline: defineSearchAttributeKey('JalonsNextDeadline', SearchAttributeType.DATETIME),
  late: defineSearchAttributeKey('JalonsLate', SearchAttributeType.BOOL),
  territory: defineSearchAttributeKey('JalonsTerritory', SearchAttributeType.KEYWORD),
  organisation: defineSearchAttributeKey('JalonsOrganisation', SearchAttributeType.KEYWORD),
  referent: defineSearchAttributeKey('JalonsReferent', SearchAttributeType.KEYWORD),
};

/** `--search-attribute` flags for `temporal server start-dev` and the docs. */
export const searchAttributeFlags = (): string[] =>
  Object.values(pathSearchAttributes).flatMap((k) => [
    '--search-attribute',
    `${k.name}=${k.type === SearchAttributeType.DATETIME ? 'Datetime' : k.type === SearchAttributeType.BOOL ? 'Bool' : 'Keyword'}`,
  ]);

/**
 * The longest keyword a path shows, in UTF-8 bytes: Temporal refuses a value over
 * 2 KB (and 40 KB for all of a workflow's), and a refused upsert fails the workflow
 * task again and again. Every keyword shown is an identifier (docs/bounds.md), far
 * shorter; this check is the last guard, before anything is sent.
 */
export const KEYWORD_MAX_BYTES = 128;
/**
 * What is shown instead of a keyword over the bound or outside an identifier's
 * charset: never the value itself. The path stays listed (late, step, deadline)
 * and operations find such paths with `JalonsOrganisation = "hors-limite"`.
 */
export const KEYWORD_OUT_OF_BOUNDS = 'hors-limite';
const KEYWORD = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/** A keyword as it may be upserted: itself, `hors-limite`, or null when absent. */
export function safeKeyword(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  // The charset is ASCII: its length in characters is its length in bytes (no Buffer in a workflow).
  const fits = value.length <= KEYWORD_MAX_BYTES && KEYWORD.test(value);
  return fits ? value : KEYWORD_OUT_OF_BOUNDS;
}

/** The values a path exposes now; a missing value is removed (`null`), an unfit one replaced. */
export function pathSearchValues(s: PathState): SearchAttributeUpdatePair[] {
  const open = openDeadlines(s);
  const next = open.map((d) => d.dueAt).sort()[0];
  const k = pathSearchAttributes;
  return [
    { key: k.step, value: safeKeyword(s.step) },
    { key: k.nextDeadline, value: next ? new Date(next) : null },
    { key: k.late, value: open.some((d) => d.breached) },
    { key: k.territory, value: safeKeyword(s.territory) },
    { key: k.organisation, value: safeKeyword(s.orientation?.organisation) },
    { key: k.referent, value: safeKeyword(s.orientation?.referent) },
  ];
}
