/**
 * What the workflow bundle gets in place of zod's JSON-Schema conversions and its
 * ahead-of-time compiler (workers/workflow-bundle.ts): workflows only parse, they
 * never describe a schema nor compile one; these ~160 KiB were evaluated again for
 * every cached workflow (issue 18). Anything that reaches them fails loudly.
 */
const unavailable = (what: string) => () => {
  throw new Error(`zod : ${what} n’est pas disponible dans le code des workflows (workers/zod-unused.ts)`);
};

// zod/v4/core/compile.js
export const INVALID = Symbol.for('zod.compile.invalid');
export class ZodCompileAsyncError extends Error {}
export class ZodCompileUnsupportedError extends Error {}
export const compile = unavailable('compile');
export const compileFn = unavailable('compile');
export const withParser = unavailable('withParser');
// zod/v4/core/to-json-schema.js: the methods are created with each schema, called only to describe it.
export const createToJSONSchemaMethod = () => unavailable('toJSONSchema');
export const createStandardJSONSchemaMethod = () => unavailable('~standard.jsonSchema');
export const initializeContext = unavailable('toJSONSchema');
export const handleUnrepresentable = unavailable('toJSONSchema');
export const processSchema = unavailable('toJSONSchema');
export const process = processSchema;
export const extractDefs = unavailable('toJSONSchema');
export const finalize = unavailable('toJSONSchema');
// zod/v4/core/json-schema-generator.js, zod/v4/classic/from-json-schema.js
export class JSONSchemaGenerator {
  constructor() {
    unavailable('JSONSchemaGenerator')();
  }
}
export const fromJSONSchema = unavailable('fromJSONSchema');
