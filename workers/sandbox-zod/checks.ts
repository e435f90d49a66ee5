/**
 * How a value is checked in the workflow sandbox: the payload a schema works on,
 * its problems, and the order in which checks run — zod 4's rules (a problem that
 * does not `continue` stops the checks after it, except size checks, which only an
 * explicit `abort` stops), so that the sandbox accepts, refuses and words exactly
 * what zod does outside it (docs/architecture.md, « Un workflow léger »).
 */
import { frenchSentence, type Issue, type Path, type RawIssue } from './messages.js';

export interface Payload {
  value: unknown;
  issues: Issue[];
  aborted?: boolean;
}

/** How a message is chosen for a problem (zod's `error` / `message` parameter). */
export type ErrorMap = (issue: RawIssue) => string | undefined;

export type ErrorParams =
  | string
  | {
      message?: string;
      error?: string | ((issue: RawIssue) => string | { message?: string } | undefined);
      abort?: boolean;
      path?: Path;
    }
  | undefined;

export interface Params {
  error?: ErrorMap;
  abort?: boolean;
  path?: Path;
}

export function normalize(params: ErrorParams): Params {
  if (typeof params === 'string') return { error: () => params };
  if (!params) return {};
  const { error, message, abort, path } = params;
  const map: ErrorMap | undefined =
    typeof error === 'string'
      ? () => error
      : typeof error === 'function'
        ? (i) => {
            const r = error(i);
            return typeof r === 'string' ? r : r?.message;
          }
        : message !== undefined
          ? () => message
          : undefined;
  return { error: map, abort, path };
}

/** What owns a check: its own error map words the check's problems it leaves unworded. */
export interface Owner {
  readonly error?: ErrorMap;
}

export interface Check {
  /** Size checks run even after a problem that did not `continue`, unless it said `abort`. */
  readonly when?: (payload: Payload) => boolean;
  /** A size check's upper bound (`max`, `length`): an array over it is not read further. */
  readonly cap?: number;
  /** Whether this is a size check at all (`min` too): only leading size checks cap an array. */
  readonly sized?: boolean;
  run(payload: Payload, owner: Owner): void;
}

/** Records a problem, worded by the check, else the schema, else zod's French. */
export function report(
  payload: Payload,
  raw: RawIssue,
  own: Params | undefined,
  owner: Owner | undefined,
): void {
  const message = raw.message ?? own?.error?.(raw) ?? owner?.error?.(raw) ?? frenchSentence(raw);
  payload.issues.push({ ...raw, path: raw.path ? [...raw.path] : [], message });
}

/** A value of the wrong type: the schema's own problem, worded by it or in zod's French. */
export function typeIssue(p: Payload, expected: string, owner: Owner): Payload {
  report(p, { code: 'invalid_type', expected, input: p.value }, undefined, owner);
  return p;
}

export function aborted(payload: Payload, from = 0): boolean {
  if (payload.aborted) return true;
  for (let i = from; i < payload.issues.length; i++) if (payload.issues[i]?.continue !== true) return true;
  return false;
}

function explicitlyAborted(payload: Payload): boolean {
  return payload.aborted === true || payload.issues.some((i) => i.continue === false);
}

export function runChecks(payload: Payload, checks: readonly Check[], owner: Owner): Payload {
  let stopped = aborted(payload);
  for (const check of checks) {
    if (check.when) {
      if (explicitlyAborted(payload) || !check.when(payload)) continue;
    } else if (stopped) continue;
    const before = payload.issues.length;
    check.run(payload, owner);
    if (payload.issues.length > before && !stopped) stopped = aborted(payload, before);
  }
  return payload;
}

const hasLength = (p: Payload) =>
  p.value !== null && p.value !== undefined && (p.value as { length?: unknown }).length !== undefined;
const originOf = (v: unknown) => (typeof v === 'string' ? 'string' : Array.isArray(v) ? 'array' : 'unknown');

export function lengthCheck(kind: 'min' | 'max' | 'exact', bound: number, params: ErrorParams): Check {
  const own = normalize(params);
  return {
    when: hasLength,
    sized: true,
    cap: kind === 'min' ? undefined : bound,
    run(p, owner) {
      // zod's own comparisons, so that even an odd `length` is judged as zod judges it.
      const length = (p.value as { length: number }).length;
      if (kind === 'min' ? length >= bound : kind === 'max' ? length <= bound : length === bound) return;
      const big = kind === 'max' || (kind === 'exact' && length > bound);
      const bounds = big ? { maximum: bound } : { minimum: bound };
      const exact = kind === 'exact' ? { exact: true } : {};
      const code = big ? 'too_big' : 'too_small';
      const issue = { code, origin: originOf(p.value), ...bounds, inclusive: true, ...exact };
      report(p, { ...issue, input: p.value, continue: !own.abort }, own, owner);
    },
  };
}

export function compareCheck(kind: 'gt' | 'gte' | 'lt' | 'lte', bound: number, params: ErrorParams): Check {
  const own = normalize(params);
  const inclusive = kind === 'gte' || kind === 'lte';
  const below = kind === 'lt' || kind === 'lte';
  return {
    run(p, owner) {
      const n = p.value as number;
      const ok = below ? (inclusive ? n <= bound : n < bound) : inclusive ? n >= bound : n > bound;
      if (ok) return;
      const raw = below ? { code: 'too_big', maximum: bound } : { code: 'too_small', minimum: bound };
      report(p, { ...raw, origin: 'number', inclusive, input: n, continue: !own.abort }, own, owner);
    },
  };
}

export function intCheck(params: ErrorParams): Check {
  const own = normalize(params);
  return {
    run(p, owner) {
      const n = p.value as number;
      if (!Number.isInteger(n)) {
        const raw = { code: 'invalid_type', expected: 'int', format: 'safeint', input: n, continue: false };
        report(p, raw, own, owner);
      } else if (!Number.isSafeInteger(n)) {
        const bound =
          n > 0
            ? { code: 'too_big', maximum: Number.MAX_SAFE_INTEGER }
            : { code: 'too_small', minimum: Number.MIN_SAFE_INTEGER };
        report(p, { ...bound, origin: 'int', inclusive: true, input: n, continue: !own.abort }, own, owner);
      }
    },
  };
}

/** A regular expression, as zod runs it: from its start, whatever its flags. */
export function patternCheck(pattern: RegExp, format: string, params: ErrorParams): Check {
  const own = normalize(params);
  // A shared, frozen RegExp cannot have its lastIndex reset: a copy without g/y never needs it.
  const re =
    pattern.global || pattern.sticky
      ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
      : pattern;
  const shown = pattern.toString();
  return {
    run(p, owner) {
      if (re.test(p.value as string)) return;
      const raw = { code: 'invalid_format', origin: 'string', format, input: p.value, continue: !own.abort };
      report(p, format === 'regex' ? { ...raw, pattern: shown } : raw, own, owner);
    },
  };
}

export function affixCheck(
  kind: 'starts_with' | 'ends_with' | 'includes',
  text: string,
  params: ErrorParams,
): Check {
  const own = normalize(params);
  const key = kind === 'starts_with' ? 'prefix' : kind === 'ends_with' ? 'suffix' : 'includes';
  return {
    run(p, owner) {
      const s = p.value as string;
      const ok =
        kind === 'starts_with'
          ? s.startsWith(text)
          : kind === 'ends_with'
            ? s.endsWith(text)
            : s.includes(text);
      if (ok) return;
      const raw = {
        code: 'invalid_format',
        origin: 'string',
        format: kind,
        [key]: text,
        input: s,
        continue: !own.abort,
      };
      report(p, raw, own, owner);
    },
  };
}

/** A change of the value among the checks (`trim`): it keeps its place in their order. */
export function overwriteCheck(change: (value: unknown) => unknown): Check {
  return {
    run(p) {
      p.value = change(p.value);
    },
  };
}

export interface RefineContext {
  value: unknown;
  addIssue(issue: Partial<RawIssue> | string): void;
}

export function refineCheck(test: (value: never) => unknown, params: ErrorParams): Check {
  const own = normalize(params);
  return {
    run(p, owner) {
      if (test(p.value as never)) return;
      report(p, { code: 'custom', input: p.value, path: own.path ?? [], continue: !own.abort }, own, owner);
    },
  };
}

export function superRefineCheck(refine: (value: never, ctx: RefineContext) => void): Check {
  return {
    run(p, owner) {
      const ctx: RefineContext = {
        value: p.value,
        addIssue(issue) {
          const given = typeof issue === 'string' ? { message: issue } : issue;
          const stop = (given as { fatal?: boolean }).fatal ? { continue: false } : {};
          const raw = { code: 'custom', input: p.value, continue: true, ...given, ...stop } as RawIssue;
          report(p, raw, undefined, owner);
        },
      };
      refine(p.value as never, ctx);
    },
  };
}
