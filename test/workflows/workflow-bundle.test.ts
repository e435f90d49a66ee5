/**
 * The workflow bundle stays light (issue 18; workers/workflow-bundle.ts): every cached
 * workflow evaluates its code again, so what is in it costs memory per path. The bundle
 * the tests run is built with the production options (test/support/global-setup.ts).
 */
import { readFileSync } from 'node:fs';
import { expect, inject, it } from 'vitest';

const bundle = readFileSync(inject('workflowBundlePath'), 'utf8');
const code = bundle.slice(0, bundle.indexOf('//# sourceMappingURL='));
const modules = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"/gm)].map((m) => m[1]!);

it('holds at most 1.5 MiB of code, source map aside', () => {
  expect(code.length).toBeLessThanOrEqual(1.5 * 1024 * 1024);
});

it('carries no holiday library, no zod locale but French and English, no JSON-Schema code', () => {
  expect(modules.some((m) => m.includes('node_modules/zod/v4/core/schemas.js'))).toBe(true);
  expect(modules.filter((m) => m.includes('date-holidays') || m.includes('astronomia'))).toEqual([]);
  expect(modules.filter((m) => m.includes('/zod/v4/locales/'))).toEqual([
    './node_modules/zod/v4/locales/en.js',
    './node_modules/zod/v4/locales/fr.js',
  ]);
  expect(
    modules.filter((m) =>
      /zod\/v4\/(core\/(compile|to-json-schema|json-schema-generator)|classic\/from-json)/.test(m),
    ),
  ).toEqual([]);
});

it('keeps our comments out of the code, and the source map pointing at the sources', () => {
  expect(code).not.toContain('docs/architecture.md, « Ce que reçoit le modèle de lecture »');
  expect(bundle).toContain('sourceMappingURL=data:application/json');
});
