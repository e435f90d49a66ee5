/**
 * The workflow bundle stays light (issue 18; workers/workflow-bundle.ts): every cached
 * workflow evaluates its code again, so what is in it costs memory per path. The bundle
 * the tests run is built with the production options (test/support/global-setup.ts).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { expect, inject, it } from 'vitest';
import { sharedDomainModules } from '../../workers/workflow-bundle.js';

const bundle = readFileSync(inject('workflowBundlePath'), 'utf8');
const code = bundle.slice(0, bundle.indexOf('//# sourceMappingURL='));
const modules = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"/gm)].map((m) => m[1]!);

it('holds at most 1.5 MiB of code, source map aside', () => {
  expect(code.length).toBeLessThanOrEqual(1.5 * 1024 * 1024);
});

it('carries neither zod nor a holiday library: the sandbox checks with its own checker', () => {
  expect(modules.filter((m) => m.includes('node_modules/zod/'))).toEqual([]);
  expect(modules.filter((m) => m.includes('date-holidays') || m.includes('astronomia'))).toEqual([]);
  expect(modules).toContain('./workers/sandbox-zod/index.ts');
});

it('shares the domain modules between cached workflows (loaded once, before any workflow)', () => {
  const preload = code.slice(
    code.indexOf('preloadModules = function'),
    code.indexOf('importWorkflows = function'),
  );
  for (const file of sharedDomainModules) {
    const id = `./${relative(process.cwd(), file)}`;
    expect(modules).toContain(id);
    expect(preload).toContain(`"${id}"`);
  }
});

it('keeps our comments out of the code, and the source map pointing at the sources', () => {
  expect(code).not.toContain('docs/architecture.md, « Ce que reçoit le modèle de lecture »');
  expect(bundle).toContain('sourceMappingURL=data:application/json');
});
