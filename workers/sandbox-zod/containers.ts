/**
 * The sandbox's schemas that hold other schemas: objects, arrays, records and
 * unions, with zod 4's rules for absent keys, unknown keys, exhaustive records and
 * the first matching option (workers/sandbox-zod/schemas.ts says why they exist).
 */
import { report, typeIssue, type Check, type ErrorParams, type Payload } from './checks.js';
import { Schema, SizedSchema, ValuesSchema } from './schemas.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** zod's plain-object test, which holds across realms (the sandbox has its own `Object`). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  const ctor = (v as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const proto: unknown = (ctor as { prototype?: unknown }).prototype;
  return isObject(proto) && Object.prototype.hasOwnProperty.call(proto, 'isPrototypeOf');
}

function prefixed(into: Payload, key: string | number, from: Payload): void {
  for (const issue of from.issues) into.issues.push({ ...issue, path: [key, ...issue.path] });
}

/** One key of an object: zod's handling of absent, optional and defaulted keys. */
function property(r: Payload, into: Payload, key: string, input: Record<string, unknown>, el: Schema): void {
  const present = key in input;
  const out = into.value as Record<string, unknown>;
  if (!present && el.optout === 'optional' && el.optin === 'optional') return;
  if (r.issues.length) {
    if (el.optin !== undefined && el.optout === 'optional' && !present) return;
    prefixed(into, key, r);
  }
  if (!present && el.optin === undefined) {
    if (!r.issues.length)
      into.issues.push({
        code: 'invalid_type',
        expected: 'nonoptional',
        path: [key],
        message: 'Entrée invalide : non optionnel attendu, indéfini reçu',
      });
    return;
  }
  if (key === '__proto__') return;
  if (r.value === undefined) {
    if (present || (el.optin === 'defaulted' && el.optout !== 'optional')) out[key] = undefined;
  } else out[key] = r.value;
}

export class ObjectSchema extends Schema {
  constructor(
    readonly shape: Readonly<Record<string, Schema>>,
    params?: ErrorParams,
    private readonly unknownKeys: 'strip' | 'strict' | 'loose' = 'strip',
  ) {
    super(params);
  }
  /** Unknown keys refused. */
  strict(): this {
    return this.with({ unknownKeys: 'strict' });
  }
  /** Unknown keys dropped (the default). */
  strip(): this {
    return this.with({ unknownKeys: 'strip' });
  }
  /** Unknown keys kept as they are. */
  loose(): this {
    return this.with({ unknownKeys: 'loose' });
  }
  passthrough(): this {
    return this.loose();
  }
  extend(more: Record<string, Schema>): ObjectSchema {
    return this.with({ shape: { ...this.shape, ...more }, checks: [] });
  }
  keyof(): ValuesSchema {
    return new ValuesSchema(Object.keys(this.shape));
  }
  protected parseType(p: Payload): Payload {
    const input = p.value;
    if (!isObject(input)) return typeIssue(p, 'object', this);
    p.value = {};
    for (const [key, el] of Object.entries(this.shape)) {
      property(el.run({ value: input[key], issues: [] }), p, key, input, el);
    }
    if (this.unknownKeys === 'strip') return p;
    const unknown: string[] = [];
    for (const key in input) if (!Object.prototype.hasOwnProperty.call(this.shape, key)) unknown.push(key);
    if (this.unknownKeys === 'loose') {
      const out = p.value as Record<string, unknown>;
      for (const key of unknown) if (key !== '__proto__') out[key] = input[key];
    } else if (unknown.length) {
      report(p, { code: 'unrecognized_keys', keys: unknown, input, continue: true }, undefined, this);
    }
    return p;
  }
}

export class ArraySchema extends SizedSchema {
  constructor(
    readonly element: Schema,
    params?: ErrorParams,
  ) {
    super(params);
  }
  protected parseType(p: Payload): Payload {
    const input = p.value;
    if (!Array.isArray(input)) return typeIssue(p, 'array', this);
    if (overCap(this, p, input.length)) return p;
    const out: unknown[] = new Array(input.length);
    p.value = out;
    input.forEach((item, i) => {
      const r = this.element.run({ value: item, issues: [] });
      prefixed(p, i, r);
      out[i] = r.value;
    });
    return p;
  }
}

/**
 * An array longer than a leading `max` is refused before its items are read (zod 4):
 * one problem, and no later check runs on a value that was not parsed.
 */
function overCap(array: Schema, p: Payload, length: number): boolean {
  const caps: Check[] = [];
  for (const check of array.checks) {
    if (!check.sized) break;
    if (check.cap !== undefined) caps.push(check);
  }
  const over = caps.find((c) => length > c.cap!);
  if (!over) return false;
  const start = p.issues.length;
  over.run(p, array);
  if (p.issues[start]) p.issues[start].continue = false;
  return true;
}

export class RecordSchema extends Schema {
  constructor(
    readonly keyType: Schema,
    readonly valueType: Schema,
    params?: ErrorParams,
  ) {
    super(params);
  }
  protected parseType(p: Payload): Payload {
    const input = p.value;
    if (!isPlainObject(input)) return typeIssue(p, 'record', this);
    const out: Record<string, unknown> = {};
    p.value = out;
    if (this.keyType instanceof ValuesSchema) return this.exhaustive(p, input, out, this.keyType.values);
    for (const key of Object.keys(input)) {
      if (key === '__proto__') continue;
      const k = this.keyType.run({ value: key, issues: [] });
      if (k.issues.length) {
        const issues = k.issues.map(({ input: _i, continue: _c, ...rest }) => rest);
        report(
          p,
          { code: 'invalid_key', origin: 'record', issues, input: key, path: [key] },
          undefined,
          this,
        );
        continue;
      }
      const r = this.valueType.run({ value: input[key], issues: [] });
      prefixed(p, key, r);
      out[k.value as string] = r.value;
    }
    return p;
  }
  /** A record keyed by an enum needs every key, and no other (zod 4). */
  private exhaustive(
    p: Payload,
    input: Record<string, unknown>,
    out: Record<string, unknown>,
    keys: readonly unknown[],
  ) {
    for (const key of keys) {
      const k = String(key);
      const r = this.valueType.run({ value: input[k], issues: [] });
      prefixed(p, k, r);
      out[k] = r.value;
    }
    const unknown = Object.keys(input).filter((k) => !keys.includes(k));
    if (unknown.length) report(p, { code: 'unrecognized_keys', keys: unknown, input }, undefined, this);
    return p;
  }
}

export class Union extends Schema {
  constructor(
    readonly options: readonly Schema[],
    params?: ErrorParams,
  ) {
    super(params);
  }
  protected parseType(p: Payload): Payload {
    if (this.options.length === 1) return this.options[0]!.run(p);
    const results: Payload[] = [];
    for (const option of this.options) {
      const r = option.run({ value: p.value, issues: [] });
      if (!r.issues.length) return r;
      results.push(r);
    }
    const live = results.filter((r) => !r.aborted && r.issues.every((i) => i.continue === true));
    if (live.length === 1) return live[0]!;
    report(
      p,
      { code: 'invalid_union', input: p.value, errors: results.map((r) => r.issues) },
      undefined,
      this,
    );
    return p;
  }
}

/** Options told apart by one key's literal value (`type`), as a path's events are. */
export class DiscriminatedUnion extends Schema {
  private readonly byTag: ReadonlyMap<unknown, Schema>;
  constructor(
    readonly discriminator: string,
    readonly options: readonly ObjectSchema[],
    params?: ErrorParams,
  ) {
    super(params);
    const byTag = new Map<unknown, Schema>();
    options.forEach((option, i) => {
      const tag = option.shape[discriminator];
      if (!(tag instanceof ValuesSchema))
        throw new Error(`Invalid discriminated union option at index "${i}"`);
      for (const v of tag.values) byTag.set(v, option);
    });
    this.byTag = byTag;
  }
  protected parseType(p: Payload): Payload {
    const input = p.value;
    if (!isObject(input)) return typeIssue(p, 'object', this);
    const option = this.byTag.get(input[this.discriminator]);
    if (option) return option.run(p);
    const raw = {
      code: 'invalid_union',
      errors: [],
      note: 'No matching discriminator',
      discriminator: this.discriminator,
      options: [...this.byTag.keys()],
      input,
      path: [this.discriminator],
    };
    report(p, raw, undefined, this);
    return p;
  }
}
