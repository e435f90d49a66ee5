/**
 * The README's pictures (docs/screens/) are taken by the browser tests, but
 * rewritten only when asked (`JALONS_CAPTURES_README=1 npm test`), so that a
 * test run leaves the repository as it found it; every screen also goes to
 * test-artifacts/screens/ on each run (each test does that itself).
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';

export async function readmeShot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  if (process.env.JALONS_CAPTURES_README !== '1') return;
  mkdirSync('docs/screens', { recursive: true });
  await page.screenshot({ path: `docs/screens/${name}.png`, ...options });
}
