/**
 * What operations staff can filter paths on in Temporal's visibility. Only
 * pseudonymous ids and codes: no name, no personal data.
 */
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  type SearchAttributeUpdatePair,
} from '@temporalio/common';
import { openDeadlines } from '../domain/path-machine.js';
import type { PathState } from '../domain/path.js';

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

/** The values a path exposes now; a missing value is removed (`null`). */
export function pathSearchValues(s: PathState): SearchAttributeUpdatePair[] {
  const open = openDeadlines(s);
  const next = open.map((d) => d.dueAt).sort()[0];
  const k = pathSearchAttributes;
  return [
    { key: k.step, value: s.step },
    { key: k.nextDeadline, value: next ? new Date(next) : null },
    { key: k.late, value: open.some((d) => d.breached) },
    { key: k.territory, value: s.territory },
    { key: k.organisation, value: s.orientation?.organisation ?? null },
    { key: k.referent, value: s.orientation?.referent ?? null },
  ];
}
