/**
 * Operations staff's day on the lists, in a real browser (Debian's Chromium
 * driven by playwright-core) against the web app on the dev server with the
 * real worker and read model (issue 17, points 2, 6 and 7): find a case by its
 * number from the header's box, page through the late list (the total shown is
 * the real count, the next page the next rows by due date), export it as CSV
 * and XLSX and read both back, and axe-core finds nothing serious or critical
 * on the main screens. One browser and one stack for the file; each screen's
 * screenshot is kept in test-artifacts/screens/, the README's in docs/screens/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { parse } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { lateItems, lateItemsPage } from '../../store/queries.js';
import { recordPath } from '../../store/record.js';
import { createAccount } from '../../store/accounts.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import { MailSink } from '../../dev/mail-sink.js';
import { startPath } from '../../services/paths.js';
import { startGrantCycle } from '../../services/grants.js';
import { startWebApp } from '../../apps/web/server.js';
import { activitiesFor } from '../../workers/worker.js';
import { devServerEnv, testWorker } from '../support/temporal.js';
import { axeViolations } from '../support/axe.js';
import { readmeShot } from '../support/screens.js';

const DAY = 86_400_000;
const PASSWORD = 'mot de passe des listes';
const SEEDED = 62;
const SCREENS = 'test-artifacts/screens';
let env: TestWorkflowEnvironment;
let sink: MailSink;
let db: ReadModelDb;
let worker: Worker;
let running: Promise<void>;
let browser: Browser;
let web: Awaited<ReturnType<typeof startWebApp>>;
let base: string;
const taskQueue = 'e2e-web-lists';

/**
 * The late list reads only the read model: for a list test, paths recorded there by the read model's
 * own writer (store/record.ts) are legitimate and cheap (62 workflows would cost a minute). Each is
 * oriented, its first appointment late by a different number of days (its timer fired: breached).
 * One has an organisation a spreadsheet would take for a formula: the export must not trust the read
 * model (a rebuild, an older version, a hand-made fix may have written it).
 */
async function seedLatePaths(): Promise<void> {
  const now = Date.now();
  for (let i = 0; i < SEEDED; i++) {
    const id = `LST-${String(i).padStart(3, '0')}`;
    const orientedAt = now - (20 + i) * DAY;
    const opened = newPathState({
      beneficiaryId: id,
      rightsOpenedAt: new Date(orientedAt - DAY).toISOString(),
      territory: i % 2 ? 'audomarois' : 'lens-lievin',
    });
    const state = applyPathEvent(
      opened,
      {
        type: 'orientation.decided',
        at: new Date(orientedAt).toISOString(),
        data: { track: 'social', organisation: 'cd62', referent: `ref-${(i % 3) + 1}` },
      },
      new Date(now),
    );
    for (const d of state.deadlines) if (d.kind === 'first-appointment') d.breached = true;
    if (i === 7 && state.orientation) state.orientation.organisation = '=HYPERLINK("http://x")';
    // A transmission the CAF refused for good: a task on the home screen.
    if (i === 3)
      (state.partnerCalls ??= []).push({
        id: 'caf-suspension#1',
        operation: 'caf-suspension',
        status: 'failed',
        error: 'dossier inconnu de la CAF',
        failedAt: new Date(now - DAY).toISOString(),
      } as never);
    await recordPath(db, { workflowId: `parcours-${id}`, revision: 1, state });
  }
}

beforeAll(async () => {
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
  worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', db), { taskQueue });
  running = worker.run();
  web = await startWebApp({ client: env.client, db, port: 0, secureCookie: false });
  base = `http://127.0.0.1:${web.port}`;
  await createAccount(
    db,
    { login: 'exploitation', role: 'agent', allCases: true, password: PASSWORD },
    { channel: 'cli' },
  );
  // One real path (its case page reads the workflow) and one grant cycle (« Subventions »).
  await startPath(env.client, taskQueue, {
    beneficiaryId: 'CAS-4242',
    rightsOpenedAt: new Date(Date.now() - 3 * DAY).toISOString(),
    territory: 'lens-lievin',
  });
  await startGrantCycle(env.client, taskQueue, {
    grantId: 'G-LISTES',
    programme: 'ft-conseillers-autonomie-2023',
  });
  await seedLatePaths();
  mkdirSync(SCREENS, { recursive: true });
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await web?.app.close();
  worker?.shutdown();
  await running;
  await db?.close();
  await env?.teardown();
  await sink?.close();
});

/** A laptop-sized page, signed in through the login page with the keyboard. */
async function signedIn(path = '/'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  await page.goto(`${base}${path}`);
  await expect.poll(() => page.locator('h1').textContent(), { timeout: 20_000 }).toBe('Connexion');
  await page.keyboard.type('exploitation');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.url(), { timeout: 20_000 }).toBe(`${base}${path}`);
  return page;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 80 && !(await check()); i++) await new Promise((r) => setTimeout(r, 250));
}

const lateTable = (page: Page) => page.locator('#table-retards');
const shownIds = (page: Page) => lateTable(page).locator('tbody th a').allTextContents();

/** Downloads what the link named `name` in the late list's export line gives. */
async function download(page: Page, name: 'CSV' | 'XLSX'): Promise<Buffer> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page
      .locator('.exports')
      .first()
      .getByRole('link', { name: new RegExp(`^${name}`) })
      .click(),
  ]);
  return readFileSync((await file.path())!);
}

describe('operations staff on the lists', () => {
  it('find a case by its number from the header box, or the cases a beginning matches', async () => {
    await until(
      async () => (await db.query(`select 1 from paths where beneficiary_id = 'CAS-4242'`)).length === 1,
    );
    const page = await signedIn('/');
    await page.getByLabel('Numéro de dossier').fill('CAS-4242');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toBe(`${base}/parcours/CAS-4242`);
    expect(await page.locator('h1').textContent()).toContain('CAS-4242');
    await page.screenshot({ path: `${SCREENS}/dossier-trouve.png`, fullPage: true });

    await page.getByLabel('Numéro de dossier').first().fill('LST-01');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Chercher un dossier');
    // LST-010 … LST-019: ten cases start so.
    expect(await page.locator('#table-dossiers caption').textContent()).toContain('Dossiers trouvés (10)');
    expect(await page.locator('#table-dossiers tbody tr').count()).toBe(10);
    await page.screenshot({ path: `${SCREENS}/recherche.png`, fullPage: true });

    await page.goto(`${base}/recherche?q=${encodeURIComponent('LST 01')}`);
    expect(await page.locator('[role=alert]').textContent()).toContain(
      'numéro de dossier : lettres sans accent',
    );
    await page.close();
  });

  it('page through the late list: the real total, the next rows by due date, the filters kept', async () => {
    const page = await signedIn('/');
    const real = await lateItemsPage(db, {}, { offset: 0, limit: 1000 });
    expect(real.total).toBeGreaterThanOrEqual(SEEDED);
    const total = new Intl.NumberFormat('fr-FR').format(real.total);
    expect(await page.locator('h2#retards').textContent()).toBe(`En retard (${real.total})`);
    expect(await page.locator('nav.pager').first().textContent()).toContain(`1–50 sur ${total}`);
    expect(await shownIds(page)).toEqual(real.rows.slice(0, 50).map((r) => r.beneficiary_id));
    expect(await page.locator('#table-transmissions caption').textContent()).toContain(
      'Transmissions refusées par un partenaire (1)',
    );
    await page.screenshot({ path: `${SCREENS}/retards.png`, fullPage: true });
    await readmeShot(page, 'retards');

    await page.getByRole('link', { name: 'Page suivante' }).first().click();
    await expect.poll(() => page.url()).toContain('page=2');
    expect(await page.locator('nav.pager').first().textContent()).toContain(`51–${real.total} sur ${total}`);
    expect(await shownIds(page)).toEqual(real.rows.slice(50).map((r) => r.beneficiary_id));
    await page.screenshot({ path: `${SCREENS}/retards-page-2.png`, fullPage: true });

    // Most recent first, on one territory: the order and the filter travel in the URL and its links.
    await page.selectOption('#f-territory', 'audomarois');
    await page.selectOption('#f-ordre', 'decroissant');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await expect.poll(() => page.url()).toContain('territoire=audomarois');
    const audomarois = await lateItemsPage(
      db,
      { territory: 'audomarois' },
      { offset: 0, limit: 50, order: 'desc' },
    );
    expect(await shownIds(page)).toEqual(audomarois.rows.map((r) => r.beneficiary_id));
    const sortLink = await lateTable(page).locator('th[aria-sort] a').getAttribute('href');
    expect(sortLink).toContain('territoire=audomarois');
    expect(await lateTable(page).locator('th[aria-sort]').getAttribute('aria-sort')).toBe('descending');

    // A wrong page number: one French sentence naming the parameter and its bound.
    await page.goto(`${base}/?page=0`);
    expect(await page.locator('[role=alert]').textContent()).toBe(
      'Paramètre refusé : page : nombre entier de 1 à 100\u202f000 attendu.',
    );
    await page.close();
  });

  it('export the whole late list as CSV and XLSX, a formula-like value neutralised', async () => {
    const page = await signedIn('/');
    const real = await lateItems(db, {}, 1000);
    const rows = parse((await download(page, 'CSV')).toString('utf8'), {
      delimiter: ';',
      bom: true,
    }) as string[][];
    expect(rows[0]).toEqual([
      'Dossier',
      'Échéance',
      'Dépassée depuis le',
      'Étape',
      'Territoire',
      'Organisme',
      'Référent',
    ]);
    expect(rows.length - 1).toBe(real.length);
    expect(rows.slice(1).map((r) => r[0])).toEqual(real.map((i) => i.beneficiary_id));
    expect(rows.find((r) => r[0] === 'LST-007')?.[5]).toBe(`'=HYPERLINK("http://x")`);

    const sheet = await readSheet(await download(page, 'XLSX'));
    expect(sheet[0]).toEqual(rows[0]);
    expect(sheet.length - 1).toBe(real.length);
    expect(sheet.slice(1).map((r) => r[0])).toEqual(real.map((i) => i.beneficiary_id));
    expect(sheet.find((r) => r[0] === 'LST-007')?.[5]).toBe(`'=HYPERLINK("http://x")`);

    // The other lists export the same way, with their filters; a wrong parameter exports nothing.
    const get = (path: string) => page.request.get(`${base}${path}`);
    const week = await readSheet(await (await get('/echeances.xlsx?territoire=lens-lievin')).body());
    expect(week[0]?.[2]).toBe('Pour le');
    const referents = parse(await (await get('/referents.csv')).text(), {
      delimiter: ';',
      bom: true,
    }) as string[][];
    expect(referents[0]).toEqual(['Référent', 'En accompagnement intensif', 'Parcours ouverts']);
    expect(referents.slice(1).map((r) => r[0])).toEqual(expect.arrayContaining(['ref-1', 'ref-2', 'ref-3']));
    const indicators = await readSheet(await (await get('/indicateurs.xlsx?territoire=audomarois')).body());
    expect(indicators[0]).toHaveLength(17);
    expect(new Set(indicators.slice(1).map((r) => r[1]))).toEqual(new Set(['audomarois']));
    const wrong = await get('/retards.csv?ordre=alphabetique');
    expect(wrong.status()).toBe(400);
    expect(await wrong.text()).toContain(
      'Paramètre refusé : ordre : « croissant » ou « decroissant » attendu.',
    );
    await page.close();
  });

  it('the indicators fit a laptop: three tables, each scrolling in its own region, the chart with its data', async () => {
    const page = await signedIn('/indicateurs');
    expect(await page.locator('main table').count()).toBeGreaterThanOrEqual(4);
    for (const id of ['table-orientation', 'table-contrat', 'table-sanctions']) {
      const region = page.locator(`#${id}`).locator('xpath=..');
      expect(await region.getAttribute('role')).toBe('region');
      expect(await region.getAttribute('tabindex')).toBe('0');
    }
    // Nothing wider than the window: the page itself does not scroll sideways.
    expect(await page.evaluate<boolean>(`document.documentElement.scrollWidth <= window.innerWidth`)).toBe(
      true,
    );
    expect(await page.locator('.chart table caption').textContent()).toContain('données du graphique');
    await page.screenshot({ path: `${SCREENS}/indicateurs.png`, fullPage: true });
    await readmeShot(page, 'indicateurs');
    await page.close();
  });

  it('axe-core finds nothing serious or critical on the main screens', async () => {
    await until(
      async () => (await db.query(`select 1 from grants where grant_id = 'G-LISTES'`)).length === 1,
    );
    const page = await signedIn('/');
    for (const path of [
      '/',
      '/?page=2',
      '/referents',
      '/indicateurs',
      '/subventions',
      '/subventions/G-LISTES',
      '/rapports',
      '/sante',
      '/accessibilite',
      '/recherche?q=LST',
    ]) {
      await page.goto(`${base}${path}`);
      expect({ path, violations: await axeViolations(page) }).toEqual({ path, violations: [] });
      const name = path === '/' ? 'accueil' : path.slice(1).replace(/[^a-z]+/g, '-');
      await page.screenshot({ path: `${SCREENS}/axe-${name}.png`, fullPage: true });
    }
    // The statement is public and linked from every page's footer.
    expect(await page.locator('footer a[href="/accessibilite"]').textContent()).toContain('Accessibilité');
    const anonymous = await browser.newPage();
    await anonymous.goto(`${base}/accessibilite`);
    expect(await anonymous.locator('h1').textContent()).toBe('Déclaration d’accessibilité');
    expect(await anonymous.locator('main').textContent()).toContain('axe-core');
    expect(await axeViolations(anonymous)).toEqual([]);
    await anonymous.goto(`${base}/connexion`);
    expect({ path: '/connexion', violations: await axeViolations(anonymous) }).toEqual({
      path: '/connexion',
      violations: [],
    });
    await anonymous.close();
    await page.close();
  });
});
