/**
 * axe-core in a real browser page (docs/architecture.md, « Tests »): injects
 * axe.min.js into a playwright page, runs the WCAG 2.x A/AA rules and returns
 * the violations a person would be stopped by (impact serious or critical),
 * each with the selectors of its offending nodes, ready for a readable
 * `expect(...).toEqual([])`. Automated checks only: they are not an RGAA audit
 * (apps/web/accessibility.ts says so to users).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  /** The first offending nodes' CSS selectors (at most 5). */
  nodes: string[];
}

interface AxeResult {
  passes: unknown[];
  violations: {
    id: string;
    impact?: string | null;
    help: string;
    nodes: { target: unknown[] }[];
  }[];
}

/** The serious and critical axe-core violations of the page as it is now (WCAG 2.x A and AA rules). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // addScriptTag would be refused by the app's CSP (no inline script): evaluate runs in the page's
  // world through the DevTools protocol, which the CSP does not govern.
  await page.evaluate(axeSource);
  const result = await page.evaluate<AxeResult>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })`,
  );
  // A run that checked nothing (axe not loaded, an empty page) must not pass for a clean one.
  if (result.passes.length === 0) throw new Error('axe-core n’a vérifié aucune règle sur cette page');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')),
    }));
}
