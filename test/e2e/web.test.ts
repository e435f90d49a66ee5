/**
 * The operations web app in a real browser (Debian's Chromium driven by
 * playwright-core), on the dev server with the real worker and read model:
 * a person logs in with the keyboard, finds a late orientation, opens it, is
 * refused an invalid référent in French, records the orientation (in their
 * name), and sees it leave the late list.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { lateItems } from '../../store/queries.js';
import { createAccount } from '../../store/accounts.js';
import { MailSink } from '../../dev/mail-sink.js';
import { showPath, startPath } from '../../services/paths.js';
import { startGrantCycle } from '../../services/grants.js';
import { startWebApp } from '../../apps/web/server.js';
import { activitiesFor } from '../../workers/worker.js';
import { devServerEnv, testWorker } from '../support/temporal.js';

const DAY = 86_400_000;
let env: TestWorkflowEnvironment;
let sink: MailSink;
let db: ReadModelDb;
let worker: Worker;
let running: Promise<void>;
let browser: Browser;
let web: Awaited<ReturnType<typeof startWebApp>>;
const taskQueue = 'e2e-web';

beforeAll(async () => {
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
  worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', db), { taskQueue });
  running = worker.run();
  // Plain http on the loopback, as in the embedded stack: no Secure flag on the cookie.
  web = await startWebApp({ client: env.client, db, port: 0, secureCookie: false });
  await createAccount(
    db,
    { login: 'agent-web', role: 'agent', allCases: true, password: PASSWORD },
    { channel: 'cli' },
  );
  browser = await launchChromium(['--disable-quic']);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await web?.app.close();
  worker?.shutdown();
  await running;
  await db?.close();
  await env?.teardown();
  await sink?.close();
});

const PASSWORD = 'mot de passe du test web';

/** A new browser page, signed in through the login page with the keyboard only. */
async function signedInPage(path = '/'): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${web.port}${path}`);
  await expect.poll(() => page.locator('h1').textContent(), { timeout: 20_000 }).toBe('Connexion');
  // The login field has the focus; Tab to the password, Enter to submit.
  await page.keyboard.type('agent-web');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  // A slow, deliberate password hash (scrypt) on a shared machine: give it time.
  await expect.poll(() => page.url(), { timeout: 20_000 }).toBe(`http://127.0.0.1:${web.port}${path}`);
  return page;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 60 && !(await check()); i++) await new Promise((r) => setTimeout(r, 250));
}

describe('operations web app', () => {
  it('a person finds a late orientation, is refused an invalid référent, records the orientation, and the item leaves the list', async () => {
    await startPath(env.client, taskQueue, {
      beneficiaryId: 'WEB-001',
      rightsOpenedAt: new Date(Date.now() - 20 * DAY).toISOString(),
      territory: 'lens-lievin',
    });
    await startPath(env.client, taskQueue, {
      beneficiaryId: 'WEB-002',
      rightsOpenedAt: new Date(Date.now() - 10 * DAY).toISOString(),
      territory: 'audomarois',
    });
    await until(async () => (await lateItems(db)).some((i) => i.beneficiary_id === 'WEB-001'));

    const page = await signedInPage('/');
    const base = `http://127.0.0.1:${web.port}`;
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    // The style sheet loads under the strict Content-Security-Policy (no inline style).
    expect(
      await page.evaluate<string>(`getComputedStyle(document.querySelector('header')).backgroundColor`),
    ).toBe('rgb(46, 60, 75)'); // the neutral default look (apps/web/brand.ts)
    expect(await page.locator('header').textContent()).toContain('Connecté : agent-web');
    const late = page.locator('table', { has: page.locator('caption', { hasText: 'En retard' }) });
    await expect.poll(() => late.locator('a', { hasText: 'WEB-001' }).count()).toBe(1);
    expect(await late.locator('a', { hasText: 'WEB-002' }).count()).toBe(0);
    // WEB-002's local target falls in 5 days: due this week.
    const soon = page.locator('table', { has: page.locator('caption', { hasText: 'dans les 7 jours' }) });
    expect(await soon.locator('a', { hasText: 'WEB-002' }).count()).toBe(1);
    // Every form control has a label.
    const unlabelled = await page.evaluate<number>(
      `[...document.querySelectorAll('select, input:not([type=hidden]), textarea')]
        .filter((e) => !(e.id && document.querySelector('label[for="' + e.id + '"]'))).length`,
    );
    expect(unlabelled).toBe(0);

    await late.locator('a', { hasText: 'WEB-001' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Parcours WEB-001');
    // Organisation and référent come from the directory's lists: a référent of another organisation is refused.
    await page.selectOption('#orientation-decided-track', 'social');
    await page.selectOption('#orientation-decided-organisation', 'ccas-lens');
    await page.selectOption('#orientation-decided-referent', 'ref-42');
    await page.click('button:has-text("Enregistrer : Décision d’orientation")');
    const alert = page.locator('[role=alert]');
    await expect.poll(() => alert.textContent()).toContain('n’est pas un référent de l’organisme');
    expect(await page.getAttribute('#orientation-decided-referent', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#orientation-decided-organisation')).toBe('ccas-lens');
    expect(await page.inputValue('#orientation-decided-track')).toBe('social');

    await page.selectOption('#orientation-decided-referent', 'ref-77');
    await page.click('button:has-text("Enregistrer : Décision d’orientation")');
    await expect
      .poll(() => page.locator('.notice[role=status]', { hasText: 'Acte enregistré' }).textContent())
      .toContain('Décision d’orientation');
    expect(await page.locator('main').textContent()).toContain('référent ref-77');
    expect((await showPath(env.client, 'WEB-001')).journal.at(-1)).toMatchObject({
      event: 'orientation.decided',
      by: 'agent-web',
    });

    await until(
      async () =>
        !(await lateItems(db)).some(
          (i) => i.beneficiary_id === 'WEB-001' && i.kind.startsWith('orientation'),
        ),
    );
    await page.goto(`${base}/`);
    expect(await late.locator('a', { hasText: 'WEB-001' }).count()).toBe(0);
    await page.close();
  });

  it('shows grant cycles as timelines with the days left', async () => {
    await startGrantCycle(env.client, taskQueue, {
      grantId: 'G-WEB',
      programme: 'ft-conseillers-autonomie-2023',
    });
    const page = await signedInPage('/subventions');
    // The list reads the read model, which the workflow writes at its start.
    await expect
      .poll(() => page.reload().then(() => page.locator('main a', { hasText: 'G-WEB' }).count()))
      .toBe(1);
    await page.locator('main a', { hasText: 'G-WEB' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Subvention G-WEB');
    expect(await page.locator('main').textContent()).toMatch(/dépassé de \d+ j|MANQUÉ|fait/);
    await page.close();
  });

  it('shows référents’ portfolios and the indicators, with a CSV export', async () => {
    const page = await signedInPage('/referents');
    const base = `http://127.0.0.1:${web.port}`;
    expect(await page.locator('table').textContent()).toContain('ref-77');
    await page.goto(`${base}/indicateurs`);
    expect(await page.locator('svg[role=img] title').textContent()).toContain(
      'Délais entre l’ouverture du droit et l’orientation',
    );
    // The browser's session: the export needs a signed-in account too.
    expect((await fetch(`${base}/indicateurs.csv`, { redirect: 'manual' })).status).toBe(303);
    const csv = await (await page.request.get(`${base}/indicateurs.csv`)).text();
    const [header, ...rows] = csv.trim().split('\n');
    expect(header).toContain('Part orientée en 15 jours');
    // WEB-001 was oriented 20 days after the opening (late for 15 days, on time for 6 weeks).
    expect(rows.some((r) => r.includes(';lens-lievin;1;1;20;'))).toBe(true);
    await page.close();
  });
});
