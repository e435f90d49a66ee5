/**
 * What the workflow bundle gets in place of zod (workers/workflow-bundle.ts): the
 * part of its API the domain's schemas use, with its behaviour and its French
 * words, in ~20 KiB of code built once per worker instead of zod's ~600 KiB
 * evaluated again for every cached workflow (issue 18; docs/architecture.md,
 * « Un workflow léger »). The web app, the CLI and the activities keep zod itself;
 * test/workers/sandbox-zod.test.ts runs every schema of the workflows through both.
 */
import type { ErrorParams } from './checks.js';
import { ArraySchema, DiscriminatedUnion, ObjectSchema, RecordSchema, Union } from './containers.js';
import {
  BooleanSchema,
  CustomSchema,
  NumberSchema,
  Schema,
  StringSchema,
  UnknownSchema,
  ValuesSchema,
  ZodError,
} from './schemas.js';
import { patternCheck } from './checks.js';

const DATE =
  '(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))';
const TIME = '(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?';
const OFFSET = '([+-](?:[01]\\d|2[0-3]):[0-5]\\d)';

type DatetimeParams = Exclude<ErrorParams, string | undefined> & { offset?: boolean };

/** An ISO-8601 date and time with seconds, ending in Z (or an offset when `offset`). */
function datetime(params: DatetimeParams = {}): StringSchema {
  const ends = params.offset ? `Z|${OFFSET}` : 'Z';
  const re = new RegExp(`^${DATE}T(?:${TIME}(?:${ends}))$`);
  return new StringSchema(params).check(patternCheck(re, 'datetime', undefined));
}

const enumOf = (values: readonly unknown[] | Record<string, unknown>, params?: ErrorParams) =>
  new ValuesSchema(Array.isArray(values) ? values : Object.values(values), params);

export const z = {
  string: (params?: ErrorParams) => new StringSchema(params),
  number: (params?: ErrorParams) => new NumberSchema(params),
  boolean: (params?: ErrorParams) => new BooleanSchema(params),
  unknown: () => new UnknownSchema(),
  any: () => new UnknownSchema(),
  enum: enumOf,
  literal: (value: unknown, params?: ErrorParams) => new ValuesSchema([value], params),
  object: (shape: Record<string, Schema>, params?: ErrorParams) => new ObjectSchema(shape, params),
  strictObject: (shape: Record<string, Schema>, params?: ErrorParams) =>
    new ObjectSchema(shape, params).strict(),
  array: (element: Schema, params?: ErrorParams) => new ArraySchema(element, params),
  record: (key: Schema, value: Schema, params?: ErrorParams) => new RecordSchema(key, value, params),
  union: (options: Schema[], params?: ErrorParams) => new Union(options, params),
  discriminatedUnion: (key: string, options: ObjectSchema[], params?: ErrorParams) =>
    new DiscriminatedUnion(key, options, params),
  custom: (test?: (value: unknown) => unknown, params?: ErrorParams) => new CustomSchema(test, params),
  iso: { datetime },
  /** zod's settings: the sandbox always speaks French (domain/validation.ts asks for it). */
  config: (_settings?: unknown) => ({}),
  locales: { fr: () => ({}), en: () => ({}) },
  ZodError,
  ZodType: Schema,
};

export default z;
export { ZodError };
