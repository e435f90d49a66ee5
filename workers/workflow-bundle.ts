/**
 * How the workflow code is bundled, wherever it is (the build, a worker bundling
 * at start, the tests, the release recordings): one set of options, so that what
 * is measured (`npm run bench`) and replayed is what runs.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundleOptions } from '@temporalio/worker';

const require = createRequire(import.meta.url);
const zod = (file: string) => join(dirname(require.resolve('zod/package.json')), 'v4', file);
const beside = (name: string) =>
  fileURLToPath(new URL(`./${name}.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url));

/** Parts of zod the workflows never use, replaced in their bundle (measured in `npm run bench`). */
const replaced: Record<string, string> = {
  [zod('locales/index.js')]: beside('zod-locales'),
  [zod('core/compile.js')]: beside('zod-unused'),
  [zod('core/to-json-schema.js')]: beside('zod-unused'),
  [zod('core/json-schema-generator.js')]: beside('zod-unused'),
  [zod('classic/from-json-schema.js')]: beside('zod-unused'),
};

type Hook = NonNullable<BundleOptions['webpackConfigHook']>;

/**
 * zod's forty-odd locales replaced by the two the product uses (./zod-locales.ts), its
 * JSON-Schema conversions and compiler by failures (./zod-unused.ts).
 */
const lighterZod: Hook = (config) => ({
  ...config,
  resolve: {
    ...config.resolve,
    alias: { ...(config.resolve?.alias as Record<string, string> | undefined), ...replaced },
  },
});

interface SwcRule {
  use?: { loader?: string; options?: { minify?: boolean; jsc?: Record<string, unknown> } };
}

/**
 * Our TypeScript without its comments and blank lines (names kept, no mangling: stack
 * traces stay readable, and the source map points at the sources): the comments say
 * why, for people; a cached workflow does not need them in memory. Compiled for the
 * ECMAScript Node 20 runs, not ES2017.
 */
const withoutComments: Hook = (config) => {
  for (const rule of (config.module?.rules ?? []) as SwcRule[]) {
    const options = rule.use?.loader?.includes('swc-loader') ? rule.use.options : undefined;
    if (!options) continue;
    options.minify = true;
    options.jsc = {
      ...options.jsc,
      // Node 20's V8 runs ES2022 as it is: no helper for each object spread, copied into every module.
      target: 'es2022',
      minify: { compress: false, mangle: false, format: { comments: false } },
    };
  }
  return config;
};

/** workflows/index.ts loads each workflow's module on first use: kept in the one bundle, not split. */
const eagerImports: Hook = (config) => ({
  ...config,
  module: {
    ...config.module,
    parser: {
      ...config.module?.parser,
      javascript: { ...config.module?.parser?.javascript, dynamicImportMode: 'eager' },
    },
  },
});

export const workflowBundlerOptions = {
  webpackConfigHook: (config) => eagerImports(withoutComments(lighterZod(config))),
} satisfies Partial<BundleOptions>;
