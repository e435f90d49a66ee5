/**
 * The schemas of the workflow sandbox: the part of zod's API the domain's schemas
 * use (domain/validation.ts), with zod 4's behaviour, built once and never changed
 * afterwards — so they can be shared, frozen, by every cached workflow
 * (workers/workflow-bundle.ts, `preloadModules`), where zod's own schemas, which
 * finish building themselves on first use, cannot.
 */
import {
  affixCheck,
  compareCheck,
  intCheck,
  lengthCheck,
  normalize,
  overwriteCheck,
  patternCheck,
  refineCheck,
  report,
  runChecks,
  superRefineCheck,
  typeIssue,
  type Check,
  type ErrorMap,
  type ErrorParams,
  type Payload,
  type RefineContext,
} from './checks.js';
import type { Issue } from './messages.js';

export class ZodError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    const shown = issues.map(({ code, path, message }) => ({ code, path, message }));
    super(JSON.stringify(shown, null, 2));
    this.name = 'ZodError';
    this.issues = issues.map(({ input: _input, continue: _continue, ...rest }) => rest as Issue);
  }
}

type Result = { success: true; data: unknown } | { success: false; error: ZodError };

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
  return value;
}

export abstract class Schema {
  readonly checks: readonly Check[] = [];
  readonly error?: ErrorMap;
  readonly optin?: 'optional' | 'defaulted';
  readonly optout?: 'optional';

  constructor(params?: ErrorParams) {
    this.error = normalize(params).error;
  }

  protected abstract parseType(payload: Payload): Payload;

  run(payload: Payload): Payload {
    return runChecks(this.parseType(payload), this.checks, this);
  }

  /** A copy with some fields changed: a schema, once built, never changes. */
  protected with(fields: object): this {
    return Object.assign(Object.create(Object.getPrototypeOf(this) as object) as this, this, fields);
  }

  check(check: Check): this {
    return this.with({ checks: [...this.checks, check] });
  }

  safeParse(data: unknown): Result {
    const p = this.run({ value: data, issues: [] });
    return p.issues.length
      ? { success: false, error: new ZodError(p.issues) }
      : { success: true, data: p.value };
  }

  parse(data: unknown): unknown {
    const r = this.safeParse(data);
    if (!r.success) throw r.error;
    return r.data;
  }

  isOptional(): boolean {
    return this.safeParse(undefined).success;
  }

  optional(): Schema {
    return new Optional(this);
  }
  nullable(): Schema {
    return new Nullable(this);
  }
  default(value: unknown): Schema {
    return new Default(this, value);
  }
  refine(test: (value: never) => unknown, params?: ErrorParams): this {
    return this.check(refineCheck(test, params));
  }
  superRefine(refine: (value: never, ctx: RefineContext) => void): this {
    return this.check(superRefineCheck(refine));
  }
  transform(change: (value: never, ctx: RefineContext) => unknown): Schema {
    return new Pipe(this, new Transform(change));
  }
  pipe(target: Schema): Schema {
    return new Pipe(this, target);
  }
}

/** What has a length (strings, arrays): bounded by it. */
export abstract class SizedSchema extends Schema {
  min(n: number, params?: ErrorParams) {
    return this.check(lengthCheck('min', n, params));
  }
  max(n: number, params?: ErrorParams) {
    return this.check(lengthCheck('max', n, params));
  }
  length(n: number, params?: ErrorParams) {
    return this.check(lengthCheck('exact', n, params));
  }
  nonempty(params?: ErrorParams) {
    return this.min(1, params);
  }
}

export class StringSchema extends SizedSchema {
  protected parseType(p: Payload): Payload {
    return typeof p.value === 'string' ? p : typeIssue(p, 'string', this);
  }
  regex(pattern: RegExp, params?: ErrorParams) {
    return this.check(patternCheck(pattern, 'regex', params));
  }
  email(params?: ErrorParams) {
    return this.check(patternCheck(EMAIL, 'email', params));
  }
  startsWith(text: string, params?: ErrorParams) {
    return this.check(affixCheck('starts_with', text, params));
  }
  endsWith(text: string, params?: ErrorParams) {
    return this.check(affixCheck('ends_with', text, params));
  }
  includes(text: string, params?: ErrorParams) {
    return this.check(affixCheck('includes', text, params));
  }
  trim() {
    return this.check(overwriteCheck((v) => (v as string).trim()));
  }
}

/** The address zod accepts by default (the domain never asks for another). */
const EMAIL =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export class NumberSchema extends Schema {
  protected parseType(p: Payload): Payload {
    return typeof p.value === 'number' && Number.isFinite(p.value) ? p : typeIssue(p, 'number', this);
  }
  gt(n: number, params?: ErrorParams) {
    return this.check(compareCheck('gt', n, params));
  }
  gte(n: number, params?: ErrorParams) {
    return this.check(compareCheck('gte', n, params));
  }
  min(n: number, params?: ErrorParams) {
    return this.gte(n, params);
  }
  lt(n: number, params?: ErrorParams) {
    return this.check(compareCheck('lt', n, params));
  }
  lte(n: number, params?: ErrorParams) {
    return this.check(compareCheck('lte', n, params));
  }
  max(n: number, params?: ErrorParams) {
    return this.lte(n, params);
  }
  positive(params?: ErrorParams) {
    return this.gt(0, params);
  }
  nonnegative(params?: ErrorParams) {
    return this.gte(0, params);
  }
  negative(params?: ErrorParams) {
    return this.lt(0, params);
  }
  nonpositive(params?: ErrorParams) {
    return this.lte(0, params);
  }
  int(params?: ErrorParams) {
    return this.check(intCheck(params));
  }
}

export class BooleanSchema extends Schema {
  protected parseType(p: Payload): Payload {
    return typeof p.value === 'boolean' ? p : typeIssue(p, 'boolean', this);
  }
}

export class UnknownSchema extends Schema {
  protected parseType(p: Payload): Payload {
    return p;
  }
}

/** A closed set of values (`z.enum`, `z.literal`): what a record's keys and a union's tags are read from. */
export class ValuesSchema extends Schema {
  readonly values: readonly unknown[];
  constructor(values: readonly unknown[], params?: ErrorParams) {
    super(params);
    this.values = values;
  }
  get options(): unknown[] {
    return [...this.values];
  }
  get enum(): Record<string, unknown> {
    return Object.fromEntries(this.values.map((v) => [String(v), v]));
  }
  protected parseType(p: Payload): Payload {
    if (this.values.includes(p.value)) return p;
    report(p, { code: 'invalid_value', values: [...this.values], input: p.value }, undefined, this);
    return p;
  }
}

export class CustomSchema extends Schema {
  private readonly test: (value: unknown) => unknown;
  private readonly stops: boolean;
  constructor(test: (value: unknown) => unknown = () => true, params?: ErrorParams) {
    super(params);
    this.test = test;
    this.stops = normalize(params).abort ?? true;
  }
  protected parseType(p: Payload): Payload {
    if (!this.test(p.value))
      report(p, { code: 'custom', input: p.value, continue: !this.stops }, undefined, this);
    return p;
  }
}

export class Optional extends Schema {
  override readonly optin = 'optional' as const;
  override readonly optout = 'optional' as const;
  constructor(readonly inner: Schema) {
    super();
  }
  unwrap(): Schema {
    return this.inner;
  }
  protected parseType(p: Payload): Payload {
    return p.value === undefined ? p : this.inner.run(p);
  }
}

export class Nullable extends Schema {
  override readonly optin: 'optional' | 'defaulted' | undefined;
  override readonly optout: 'optional' | undefined;
  constructor(readonly inner: Schema) {
    super();
    this.optin = inner.optin;
    this.optout = inner.optout;
  }
  unwrap(): Schema {
    return this.inner;
  }
  protected parseType(p: Payload): Payload {
    return p.value === null ? p : this.inner.run(p);
  }
}

export class Default extends Schema {
  override readonly optin = 'defaulted' as const;
  constructor(
    readonly inner: Schema,
    private readonly fallback: unknown,
  ) {
    super();
  }
  private value(): unknown {
    return typeof this.fallback === 'function' ? (this.fallback as () => unknown)() : clone(this.fallback);
  }
  protected parseType(p: Payload): Payload {
    if (p.value === undefined) {
      p.value = this.value();
      return p;
    }
    const r = this.inner.run(p);
    if (r.value === undefined) r.value = this.value();
    return r;
  }
}

export class Transform extends Schema {
  constructor(private readonly change: (value: never, ctx: RefineContext) => unknown) {
    super();
  }
  protected parseType(p: Payload): Payload {
    const ctx: RefineContext = {
      value: p.value,
      addIssue: (issue) => {
        const given = typeof issue === 'string' ? { message: issue } : issue;
        report(p, { code: 'custom', input: p.value, ...given }, undefined, this);
      },
    };
    p.value = this.change(p.value as never, ctx);
    return p;
  }
}

export class Pipe extends Schema {
  override readonly optin: 'optional' | 'defaulted' | undefined;
  override readonly optout: 'optional' | undefined;
  constructor(
    readonly in_: Schema,
    readonly out: Schema,
  ) {
    super();
    this.optin = in_.optin;
    this.optout = out.optout;
  }
  protected parseType(p: Payload): Payload {
    const left = this.in_.run(p);
    if (left.issues.length) {
      left.aborted = true;
      return left;
    }
    return this.out.run({ value: left.value, issues: left.issues });
  }
}
