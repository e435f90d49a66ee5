/** The path the law's table tests start from, and how they act on it (test/domain/path-law*.test.ts). */
import { applyPathEvent, newPathState, refusalOf } from '../../domain/path/path-machine.js';
import type { PathState } from '../../domain/path/path.js';

type Data = Record<string, unknown>;
/** The procedure as 1.0 applied it (before `patched('path-law-procedure')`). */
export const v1 = { law: false };
export const orientation = { track: 'socio-professional', organisation: 'cd62', referent: 'ref-42' };

export function path(): PathState {
  // Opened Monday 5 January 2026: the legal 6 weeks end 16 February, end of day.
  return newPathState({
    beneficiaryId: 'L-001',
    rightsOpenedAt: '2026-01-05T09:00:00+01:00',
    territory: 'lens-lievin',
  });
}
export function act(s: PathState, type: string, at: string, data: Data = {}): PathState {
  return applyPathEvent(s, { type, at, data }, new Date(at));
}
export function refusal(
  s: PathState,
  type: string,
  at: string,
  data: Data = {},
  options = {},
): string | null {
  return refusalOf(s, { type, at, data }, new Date(at), options);
}
