/**
 * How the workflow code is bundled, wherever it is (the build, a worker bundling
 * at start, the tests, the release recordings): one set of options, so that what
 * is measured (`npm run bench`) and replayed is what runs.
 */
import { fileURLToPath } from 'node:url';
import type { BundleOptions } from '@temporalio/worker';

const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
/** A module of the project, by its path from the project's root (sources, or the compiled copy). */
const ours = (path: string) => fileURLToPath(new URL(`../${path}.${ext}`, import.meta.url));

type Hook = NonNullable<BundleOptions['webpackConfigHook']>;

/**
 * zod replaced, in the workflows' bundle only, by the part of its API the domain's
 * schemas use (workers/sandbox-zod/): zod's schemas finish building themselves on
 * first use, so they can neither be shared, frozen, between cached workflows nor
 * cost less than ~600 KiB evaluated again per workflow (issue 18).
 */
const sandboxZod: Hook = (config) => ({
  ...config,
  resolve: {
    ...config.resolve,
    alias: {
      ...(config.resolve?.alias as Record<string, string> | undefined),
      zod$: ours('workers/sandbox-zod/index'),
    },
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

/**
 * The domain's modules the workflows use, evaluated once per worker thread and shared,
 * frozen, by every cached workflow instead of evaluated again for each (the SDK's
 * `preloadModules`). They hold no state of a workflow: pure functions, rules as data,
 * schemas built once, memo tables of pure results (docs/architecture.md, « Un workflow
 * léger »). test/workflows/workflow-bundle.test.ts checks each is in the bundle.
 */
export const sharedDomainModules = [
  'domain/calendar',
  'domain/holidays',
  'domain/ids',
  'domain/validation',
  'domain/policy',
  'domain/partner-calls',
  'domain/reporting',
  'domain/path/path',
  'domain/path/path-machine',
  'domain/path/path-events',
  'domain/path/path-timers',
  'domain/path/path-partners',
  'domain/path/path-compaction',
  'domain/path/state-changes',
  'domain/grants/cycle',
  'domain/exchanges/weekly-list',
].map(ours);

export const workflowBundlerOptions = {
  webpackConfigHook: (config) => eagerImports(withoutComments(sandboxZod(config))),
  preloadModules: [ours('workers/sandbox-stack-depth'), ...sharedDomainModules],
} satisfies Partial<BundleOptions>;
