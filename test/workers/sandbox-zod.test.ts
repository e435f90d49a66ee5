/**
 * The workflow sandbox checks with workers/sandbox-zod/ where everything else checks
 * with zod (workers/workflow-bundle.ts): both must accept, refuse, word and return
 * the same. Every schema of the domain modules the workflows use is loaded twice —
 * once on zod, once on the sandbox's checker — and both are run on the same values:
 * the acts, events and settings of the example scenarios and the domain's own data,
 * each also spoilt one field at a time (missing, wrong type, empty, too long, out of
 * range, unknown key).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sharedDomainModules } from '../../workers/workflow-bundle.js';

type Exports = Record<string, unknown>;
interface Parser {
  safeParse(v: unknown): { success: boolean; data?: unknown; error?: { issues: Issue[] } };
}
interface Issue {
  code: string;
  path: (string | number)[];
  message: string;
}

const isParser = (v: unknown): v is Parser =>
  typeof v === 'object' && v !== null && typeof (v as Parser).safeParse === 'function';

/** Data as a person or a partner sends it: no schema, no function, nothing but JSON. */
function isData(v: unknown): boolean {
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every(isData);
  if (typeof v !== 'object' || isParser(v) || Object.getPrototypeOf(v) !== Object.prototype) return false;
  return Object.values(v as object).every(isData);
}

async function load(): Promise<Map<string, Exports>> {
  const modules = new Map<string, Exports>();
  for (const file of sharedDomainModules) modules.set(file, (await import(file)) as Exports);
  return modules;
}

/** What a parse gave, in a form both sides can be compared on (dates as ISO strings). */
function outcome(schema: Parser, value: unknown): unknown {
  const r = schema.safeParse(value);
  if (r.success) return { ok: JSON.parse(JSON.stringify(r.data ?? null)) as unknown };
  return { issues: r.error!.issues.map(({ code, path, message }) => ({ code, path, message })) };
}

const SPOILERS: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  1e20,
  '',
  'x',
  'ab-12',
  ' padded ',
  'é'.repeat(3001),
  true,
  [],
  {},
  ['a'],
  '2026-02-30',
  '2026-01-05T09:00:00+01:00',
  '2026-01-05T09:00:00',
  'zz@example.org',
];

/** The value with one field spoilt, for every field down to `depth` levels. */
function* spoilt(value: unknown, depth = 3): Generator<unknown> {
  if (depth === 0 || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    yield [];
    yield [...value, ...value];
    for (const [i, item] of value.slice(0, 3).entries())
      for (const v of [...SPOILERS.slice(0, 8), ...spoilt(item, depth - 1)])
        yield value.map((x, j) => (j === i ? v : x));
    return;
  }
  const obj = value as Record<string, unknown>;
  yield { ...obj, inconnu: 1 };
  for (const key of Object.keys(obj)) {
    const { [key]: _dropped, ...rest } = obj;
    yield rest;
    for (const v of [...SPOILERS, ...spoilt(obj[key], depth - 1)]) yield { ...obj, [key]: v };
  }
}

function* parts(value: unknown): Generator<unknown> {
  yield value;
  if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value as Record<string, unknown>)) yield* parts(v);
}

/**
 * The values: every part of the scenarios and of the domain's data, then each value
 * some schema accepts, spoilt one field at a time (what explores the rules).
 */
function corpus(domain: Map<string, Exports>, schemas: Parser[]): unknown[] {
  const dir = join(import.meta.dirname, '../../examples/scenarios');
  const seeds = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown);
  for (const m of domain.values())
    for (const v of Object.values(m)) if (typeof v === 'object' && isData(v)) seeds.push(v);
  const seen = new Set<string>();
  const out: unknown[] = [];
  const add = (v: unknown) => {
    const key = JSON.stringify(v) ?? 'undefined';
    if (key.length > 20_000 || seen.has(key)) return;
    seen.add(key);
    out.push(v);
  };
  for (const seed of seeds) for (const part of parts(seed)) add(part);
  // A scenario's event names its target beside the act: without it, it is the act itself.
  for (const v of [...out])
    if (typeof v === 'object' && v !== null && 'target' in v) {
      const { target: _target, ...act } = v as Record<string, unknown>;
      add(act);
    }
  const valid = out.filter(
    (v) => typeof v === 'object' && v !== null && schemas.some((s) => s.safeParse(v).success),
  );
  for (const value of valid) for (const v of spoilt(value)) add(v);
  return out;
}

function schemasOf(modules: Map<string, Exports>): [string, string, Parser][] {
  return [...modules].flatMap(([file, exports]) =>
    Object.entries(exports)
      .filter((e): e is [string, Parser] => isParser(e[1]) && e[0] !== 'z')
      .map(([name, schema]) => [file, name, schema] as [string, string, Parser]),
  );
}

let real: Map<string, Exports>;
let sandbox: Map<string, Exports>;
let values: unknown[];

beforeAll(async () => {
  real = await load();
  vi.resetModules();
  vi.doMock('zod', () => import('../../workers/sandbox-zod/index.js'));
  sandbox = await load();
  vi.doUnmock('zod');
  values = corpus(
    real,
    schemasOf(real).map(([, , s]) => s),
  );
}, 60_000);

describe('the sandbox checker and zod', () => {
  it('are two different implementations of the same schemas', () => {
    const events = (m: Map<string, Exports>) =>
      [...m.entries()].find(([f]) => f.includes('path-events'))![1].pathEventSchema;
    expect(events(real)!.constructor.name).not.toBe(events(sandbox)!.constructor.name);
    expect(values.length).toBeGreaterThan(5_000);
  });

  it('accept, refuse, word and return the same for every schema the workflows use', () => {
    let refused = 0;
    const schemas = schemasOf(real);
    for (const [file, name, schema] of schemas) {
      const twin = sandbox.get(file)![name] as Parser;
      const label = `${file.replace(/.*\/domain\//, 'domain/')} ${name}`;
      for (const value of values) {
        const expected = outcome(schema, value);
        if ('issues' in (expected as object)) refused++;
        const got = outcome(twin, value);
        if (JSON.stringify(got) !== JSON.stringify(expected))
          expect({ schema: label, value, got }).toEqual({ schema: label, value, got: expected });
      }
    }
    expect(schemas.length).toBeGreaterThan(30);
    expect(refused).toBeGreaterThan(values.length);
  }, 120_000);
});

/**
 * The checker's own rules, beyond what today's domain schemas happen to use: the same
 * schemas built with zod (in French, as domain/validation.ts sets it) and with the
 * sandbox's `z`, run on the same values.
 */
describe('the sandbox checker on the rules themselves', () => {
  type Z = typeof import('zod').z;
  const build = (z: Z) => ({
    stripped: z.object({ a: z.string(), b: z.number().optional() }),
    loose: z.object({ a: z.string() }).loose(),
    strict: z.object({ a: z.string().max(3), n: z.number().int().positive() }).strict(),
    defaulted: z.object({ list: z.array(z.number()).default([]), flag: z.boolean().default(false) }),
    nullable: z.object({ a: z.string().nullable().optional() }),
    sizes: z.array(z.string().min(2).max(4)).min(1).max(2),
    exact: z.string().length(3),
    numbers: z.number().gt(0).lte(10),
    int: z.number().int().nonnegative(),
    enumerated: z.enum(['a', 'b']),
    one: z.literal('seul'),
    union: z.union([z.string().min(3), z.number().positive()]),
    record: z.record(z.string().regex(/^[a-z]+$/), z.number()),
    exhaustive: z.record(z.enum(['x', 'y']), z.number()),
    refined: z
      .object({ from: z.number(), to: z.number() })
      .refine((p) => p.from <= p.to, { message: 'fin avant début', path: ['to'] }),
    piped: z
      .string()
      .transform((s) => s.trim())
      .pipe(z.string().min(1)),
    affixes: z.string().startsWith('ab').endsWith('yz').includes('m'),
    email: z.string().email(),
    datetime: z.iso.datetime({ offset: true }),
    custom: z.custom<string>((v) => typeof v === 'string' && v.length > 1),
    trimmed: z.string().trim().max(2),
  });
  const values: unknown[] = [
    undefined,
    null,
    0,
    -3,
    2.5,
    11,
    2 ** 60,
    '',
    'a',
    'abc',
    ' abc ',
    'abmyz',
    'abcdefgh',
    'x@y.fr',
    'not an email',
    '2026-03-29T02:30:00+01:00',
    '2026-03-29T02:30Z',
    '2026-02-29T10:00:00Z',
    true,
    [],
    ['ab'],
    ['ab', 'cdef', 'x'],
    [1, 'a'],
    {},
    { a: 'x' },
    { a: 'x', b: 2, c: 3 },
    { a: 'xxxx', n: 1.5, z: 1 },
    { a: 'x', n: 3 },
    { list: [1], flag: true },
    { list: 'x' },
    { a: null },
    { from: 3, to: 1 },
    { from: 'x', to: 1 },
    { x: 1 },
    { x: 1, y: 2 },
    { x: 1, y: 2, z: 3 },
    { abc: 1, ABC: 2 },
  ];

  it('accept, refuse, word and return the same', async () => {
    const { z: zod } = await vi.importActual<typeof import('zod')>('zod');
    zod.config(zod.locales.fr());
    const { z: lite } = await import('../../workers/sandbox-zod/index.js');
    const [a, b] = [build(zod), build(lite as unknown as Z)];
    for (const [name, schema] of Object.entries(a)) {
      for (const value of values) {
        const got = outcome(b[name as keyof typeof b] as unknown as Parser, value);
        expect({ name, value, got }).toEqual({ name, value, got: outcome(schema as Parser, value) });
      }
    }
  });
});
