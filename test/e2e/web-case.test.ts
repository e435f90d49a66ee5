/**
 * A référent's day on a case, in a real browser (Debian's Chromium driven by
 * playwright-core) on the dev server with the real worker and read model
 * (issue 17, points 1, 3 and 7): the référent opens a case by its number,
 * records a contract through its form (fields typed, no JSON), is refused a
 * value next to its field with what was typed kept, then sees the act in the
 * case's story in their name; an everyday act is one click; a stopped path
 * shows its banner and no form. axe-core finds nothing serious on the case
 * page. Each screen is kept in test-artifacts/screens/, the case page also in
 * docs/screens/parcours.png (the README shows it).
 */
import { mkdirSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { createAccount } from '../../store/accounts.js';
import { recordIncident } from '../../store/incidents.js';
import { MailSink } from '../../dev/mail-sink.js';
import { orientPath, showPath, startPath } from '../../services/paths.js';
import { startWebApp } from '../../apps/web/server.js';
import { activitiesFor } from '../../workers/worker.js';
import { pathWorkflowId } from '../../domain/ids.js';
import { devServerEnv, testWorker } from '../support/temporal.js';
import { axeViolations } from '../support/axe.js';
import { readmeShot } from '../support/screens.js';

const DAY = 86_400_000;
const PASSWORD = 'mot de passe du test de la fiche';
const LOGIN = 'referente-lens';
const SCREENS = 'test-artifacts/screens';
const taskQueue = 'e2e-web-case';
let env: TestWorkflowEnvironment;
let sink: MailSink;
let db: ReadModelDb;
let worker: Worker;
let running: Promise<void>;
let browser: Browser;
let web: Awaited<ReturnType<typeof startWebApp>>;
let page: Page;

const base = () => `http://127.0.0.1:${web.port}`;
const shot = (name: string) => page.screenshot({ path: `${SCREENS}/${name}.png`, fullPage: true });

beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
  worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', db), { taskQueue });
  running = worker.run();
  web = await startWebApp({ client: env.client, db, port: 0, secureCookie: false });
  await createAccount(
    db,
    { login: LOGIN, role: 'agent', territories: ['lens-lievin'], password: PASSWORD },
    { channel: 'cli' },
  );
  browser = await launchChromium(['--lang=fr-FR']);
  // One signed-in page for the whole file (one browser, one stack).
  page = await browser.newPage({
    viewport: { width: 1280, height: 900 },
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
  });
  await page.goto(`${base()}/`);
  await page.fill('#login', LOGIN);
  await page.fill('#password', PASSWORD);
  await page.keyboard.press('Enter');
  // A slow, deliberate password hash (scrypt) on a shared machine: give it time.
  await page.waitForURL(`${base()}/`, { timeout: 20_000 });
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

/** A path of the référent's territory, oriented: waiting for its first appointment. */
async function orientedPath(id: string): Promise<void> {
  await startPath(env.client, taskQueue, {
    beneficiaryId: id,
    rightsOpenedAt: new Date(Date.now() - 12 * DAY).toISOString(),
    territory: 'lens-lievin',
  });
  await orientPath(env.client, id, { track: 'employment', organisation: 'cd62', referent: 'ref-42' });
}

const storyRow = (what: string) =>
  page.locator('table.story tbody tr', { has: page.locator('th', { hasText: what }) });

describe('a référent’s case page', () => {
  it('records a contract through its form: a refused value next to its field, kept; then the act in the story, in the référent’s name', async () => {
    await orientedPath('CASE-001');
    await page.goto(`${base()}/parcours/CASE-001`);
    expect(await page.locator('h1').textContent()).toBe('Parcours CASE-001');
    // Only the acts of the step: no orientation any more, no interview before the contract.
    expect(await page.locator('summary', { hasText: 'Décision d’orientation' }).count()).toBe(0);
    expect(await page.locator('button', { hasText: 'Entretien de suivi' }).count()).toBe(0);
    expect(await page.locator('textarea[name=data]').count()).toBe(0);
    await shot('parcours-premier-rendez-vous');

    await page.click('summary:has-text("Contrat d’engagement signé")');
    expect(await page.locator('label[for=contract-signed-weeklyHours]').textContent()).toContain(
      'heures par semaine',
    );
    await page.fill('#contract-signed-weeklyHours', '90');
    await page.check('#contract-signed-intensive');
    await page.click('button:has-text("Enregistrer : Contrat d’engagement signé")');
    const hours = page.locator('#contract-signed-weeklyHours');
    await expect.poll(() => hours.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await hours.getAttribute('aria-describedby')) ?? '';
    expect(describedBy.split(' ')).toContain('contract-signed-weeklyHours-erreur');
    expect(await page.locator('#contract-signed-weeklyHours-erreur').textContent()).toContain(
      'au plus 80 heures par semaine',
    );
    expect(await hours.inputValue()).toBe('90');
    expect(await page.isChecked('#contract-signed-intensive')).toBe(true);
    expect((await showPath(env.client, 'CASE-001')).contract).toBeNull();
    await shot('parcours-refus');

    await page.fill('#contract-signed-weeklyHours', '20');
    await page.click('button:has-text("Enregistrer : Contrat d’engagement signé")');
    await expect
      .poll(() => page.locator('[role=status]').first().textContent())
      .toContain('Acte enregistré : Contrat d’engagement signé');
    const row = storyRow('Contrat d’engagement signé');
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(LOGIN);
    expect((await showPath(env.client, 'CASE-001')).contract).toMatchObject({
      weeklyHours: 20,
      intensive: true,
    });
    expect((await showPath(env.client, 'CASE-001')).journal.at(-1)).toMatchObject({
      event: 'contract.signed',
      by: LOGIN,
    });
    // The message sent about the case shows what it said, as the relay received it.
    const ofCase = (m: { headers: Record<string, string> }) =>
      m.headers['x-jalons-key']?.startsWith(`${pathWorkflowId('CASE-001')}/`);
    const mail = (await sink.waitFor((mails) => mails.some(ofCase))).find(ofCase);
    const message = storyRow('Message envoyé').locator('details.message');
    await message.locator('summary').click();
    expect(await message.locator('strong').textContent()).toBe(mail!.subject);
    expect(await message.locator('pre').textContent()).toContain('/parcours/CASE-001');
    // The timeline shows the steps and the deadlines to come (two interviews this month).
    expect(await page.locator('ol.timeline').textContent()).toContain('accompagnement intensif');
    await shot('parcours-contrat');
    await readmeShot(page, 'parcours', { fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
  });

  it('records an everyday act in one click from the top of the case', async () => {
    await page.goto(`${base()}/parcours/CASE-001`);
    const quick = page.locator('section.quick-acts');
    expect(await quick.locator('#vite-interview-held-dateActe').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await quick.locator('button', { hasText: 'Entretien de suivi' }).click();
    await expect
      .poll(() => page.locator('[role=status]').first().textContent())
      .toContain('Acte enregistré : Entretien de suivi');
    expect(await storyRow('Entretien de suivi').textContent()).toContain(LOGIN);
    // Every control of the case page has its label.
    const unlabelled = await page.evaluate<number>(
      `[...document.querySelectorAll('select, input:not([type=hidden]), textarea')]
        .filter((e) => !(e.id && document.querySelector('label[for="' + e.id + '"]')) && !e.closest('fieldset legend, fieldset')).length`,
    );
    expect(unlabelled).toBe(0);
    await shot('parcours-entretien');
  });

  it('shows a stopped path’s banner and no form', async () => {
    await orientedPath('CASE-002');
    const handle = env.client.workflow.getHandle(pathWorkflowId('CASE-002'));
    const { runId } = await handle.describe();
    await handle.terminate('arrêt du test');
    // What the health watch records for a terminated path (docs/health.md).
    await recordIncident(db, {
      workflowId: pathWorkflowId('CASE-002'),
      runId,
      kind: 'terminated',
      workflowType: 'beneficiaryPath',
      reason: 'arrêt du test',
      since: new Date().toISOString(),
    });
    await page.goto(`${base()}/parcours/CASE-002`);
    expect(await page.locator('[role=alert]').first().textContent()).toContain('Parcours arrêté');
    expect(await page.locator('form[action$="/actes"]').count()).toBe(0);
    expect(await page.locator('section.quick-acts').count()).toBe(0);
    await shot('parcours-arrete');
  });
});
