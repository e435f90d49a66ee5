/**
 * The « Subventions » screens in a real browser (Debian's Chromium driven by
 * playwright-core), on the time-skipping server whose clock starts in November
 * 2025 (the CNSA call's real dates), with the real worker and read model:
 * a grants-team agent signs in, opens a CNSA cycle, is refused a transmission
 * dated in the future and an amount with three decimals — each reason next to
 * its field, what was typed kept — then records the transmission through the
 * form and sees it recorded in their name. A read-only account sees no form.
 * The iCalendar feed: a link made on the page gives the deadlines at their
 * instants (UTC) without a session; a wrong, replaced or revoked link is a 404.
 * Screenshots of each screen go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { grantWorkflowId, type GrantState } from '../../domain/grants/cycle.js';
import { getProgramme } from '../../domain/grants/index.js';
import { createAccount } from '../../store/accounts.js';
import { actOnGrant, startGrantCycle } from '../../services/grants.js';
import { MailSink } from '../../dev/mail-sink.js';
import { startWebApp } from '../../apps/web/server.js';
import { activitiesFor } from '../../workers/worker.js';
import { grantStateQuery } from '../../workflows/grants/grant.js';
import { advanceTo, testWorker, timeSkippingEnv } from '../support/temporal.js';

const ARTIFACTS = 'test-artifacts/web-grants';
const PASSWORD = 'mot de passe du test subventions';
const taskQueue = 'e2e-web-grants';
// Monday 17 November 2025, 09:00 Paris: before the CNSA application's 21/11.
const START = new Date('2025-11-17T09:00:00+01:00');

let env: TestWorkflowEnvironment;
let sink: MailSink;
let db: ReadModelDb;
let worker: Worker;
let running: Promise<void>;
let browser: Browser;
let web: Awaited<ReturnType<typeof startWebApp>>;
/** The test server's clock minus the real one: the web app reads the same "now" as the workflows. */
let offset = 0;
const base = () => `http://127.0.0.1:${web.port}`;

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 80 && !(await check()); i++) await new Promise((r) => setTimeout(r, 250));
}
const state = (id: string): Promise<GrantState> =>
  env.client.workflow.getHandle(grantWorkflowId(id)).query(grantStateQuery);
const inReadModel = async (id: string, check: (s: GrantState) => boolean) => {
  const [row] = await db.query<{ state: GrantState }>('select state from grants where grant_id = $1', [id]);
  return Boolean(row && check(row.state));
};

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  env = await timeSkippingEnv(START);
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
  worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', db), { taskQueue });
  running = worker.run();
  web = await startWebApp({
    client: env.client,
    db,
    port: 0,
    secureCookie: false,
    now: () => new Date(Date.now() + offset),
  });
  for (const [login, role] of [
    ['equipe-subventions', 'agent'],
    ['lecteur-subventions', 'lecture'],
  ] as const)
    await createAccount(db, { login, role, allCases: true, password: PASSWORD }, { channel: 'cli' });
  browser = await launchChromium();

  // The CNSA cycle up to its vote, then the morning of the transmission's last day.
  await startGrantCycle(env.client, taskQueue, {
    grantId: 'CNSA-WEB',
    programme: 'cnsa-ami-2026',
    startedAt: START.toISOString(),
  });
  await startGrantCycle(env.client, taskQueue, {
    grantId: 'CLS-WEB',
    programme: 'etat-cls-2025',
    startedAt: START.toISOString(),
  });
  for (const [at, milestone] of [
    ['2025-11-20T10:00:00+01:00', 'application'],
    ['2025-11-24T15:00:00+01:00', 'committee-opinions'],
    ['2025-12-08T16:00:00+01:00', 'vote'],
  ] as const) {
    await advanceTo(env, at);
    const pieces = getProgramme('cnsa-ami-2026')
      .milestones.find((m) => m.id === milestone)!
      .pieces.map((x) => x.id);
    await actOnGrant(env.client, 'CNSA-WEB', { type: 'complete', milestone, at, pieces });
  }
  await advanceTo(env, '2025-12-15T10:00:00+01:00');
  offset = (await env.currentTimeMs()) - Date.now();
  await until(() => inReadModel('CNSA-WEB', (s) => s.milestones.some((m) => m.id === 'vote' && m.doneAt)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.app.close();
  worker?.shutdown();
  await running;
  await db?.close();
  await env?.teardown();
  await sink?.close();
});

async function signedInPage(login: string, path: string): Promise<Page> {
  // A person in Paris.
  const page = await browser.newPage({
    viewport: { width: 1280, height: 900 },
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
  });
  await page.goto(`${base()}${path}`);
  await expect.poll(() => page.locator('h1').textContent(), { timeout: 20_000 }).toBe('Connexion');
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await page.click('button:has-text("Se connecter")');
  await expect.poll(() => page.url(), { timeout: 20_000 }).toBe(`${base()}${path}`);
  return page;
}
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

describe('the grants team in the web app', () => {
  it('records a transmission through the form; a date in the future and a bad amount are refused next to their field', async () => {
    const page = await signedInPage('equipe-subventions', '/subventions');
    const cycles = page.locator('table', {
      has: page.locator('caption', { hasText: 'Cycles de subvention' }),
    });
    await expect.poll(() => cycles.locator('a', { hasText: 'CNSA-WEB' }).count()).toBe(1);
    await shot(page, '1-cycles');

    await cycles.locator('a', { hasText: 'CNSA-WEB' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Subvention CNSA-WEB');
    const main = page.locator('main');
    // The act's words of the transmission's deadline, next to it.
    expect(await main.textContent()).toContain('avant le 15/12/2025 à 17h');
    // Every control of every form has a label; the whole page is in French.
    const unlabelled = await page.evaluate<number>(
      `[...document.querySelectorAll('select, input:not([type=hidden]), textarea')]
        .filter((e) => !(e.id && document.querySelector('label[for="' + e.id + '"]'))).length`,
    );
    expect(unlabelled).toBe(0);
    await shot(page, '2-cycle');

    // A transmission dated in the future: refused by the workflow's rule, the reason at the date.
    const form = '#acte-complete-transmission';
    await page.click(`${form} summary`);
    await page.fill(`${form}-at`, '2026-01-10T10:00');
    await page.uncheck(`${form}-pieces-4`);
    await page.click(`${form} button[type=submit]`);
    await expect.poll(() => page.locator(`${form}-at-erreur`).count()).toBe(1);
    expect(await page.locator(`${form}-at-erreur`).textContent()).toContain('futur');
    expect(await page.getAttribute(`${form}-at`, 'aria-invalid')).toBe('true');
    expect(await page.getAttribute(`${form}-at`, 'aria-describedby')).toContain(
      'acte-complete-transmission-at-erreur',
    );
    // What was typed is kept: the date and the unchecked piece.
    expect(await page.inputValue(`${form}-at`)).toBe('2026-01-10T10:00');
    expect(await page.isChecked(`${form}-pieces-4`)).toBe(false);
    expect(await page.isChecked(`${form}-pieces-0`)).toBe(true);
    await shot(page, '3-refus-date');
    expect((await state('CNSA-WEB')).milestones.find((m) => m.id === 'transmission')?.doneAt).toBeNull();

    // An amount with three decimals: refused by the act's schema, next to the amount.
    await page.click('#acte-payment summary');
    await page.selectOption('#acte-payment-kind', 'grant');
    await page.fill('#acte-payment-amount', '12,345');
    await page.click('#acte-payment button[type=submit]');
    await expect.poll(() => page.locator('#acte-payment-amount-erreur').count()).toBe(1);
    expect(await page.locator('#acte-payment-amount-erreur').textContent()).toMatch(/^Montant \(€\) : /);
    expect(await page.getAttribute('#acte-payment-amount', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#acte-payment-amount')).toBe('12,345');
    await shot(page, '4-refus-montant');

    // The transmission at 09:30 Paris, every piece: recorded in the agent's name.
    await page.click(`${form} summary`);
    await page.fill(`${form}-at`, '2025-12-15T09:30');
    await page.check(`${form}-pieces-4`);
    await page.click(`${form} button[type=submit]`);
    await expect.poll(() => page.locator('[role=status]').textContent()).toContain('Acte enregistré');
    const row = page
      .locator('tr', { has: page.locator('td', { hasText: /^Résultat du vote et annexe 1/ }) })
      .first();
    expect(await row.textContent()).toContain('fait le 15/12/2025 à 09:30 par equipe-subventions');
    await shot(page, '5-transmission-faite');
    const transmission = (await state('CNSA-WEB')).milestones.find((m) => m.id === 'transmission');
    expect(transmission).toMatchObject({ doneAt: '2025-12-15T08:30:00.000Z', by: 'equipe-subventions' });
    // The form is gone: the milestone is done.
    expect(await page.locator(form).count()).toBe(0);

    // « Prochaines échéances »: both cycles, earliest first, with the days left.
    await until(() =>
      inReadModel('CNSA-WEB', (s) => s.milestones.some((m) => m.id === 'transmission' && m.doneAt)),
    );
    await page.goto(`${base()}/subventions/echeances`);
    const dates = await page.locator('tbody tr td:first-child').allTextContents();
    expect(dates.length).toBeGreaterThan(1);
    // « au plus tard le 31/03/2026 (fin de journée) », « avant le 15/12/2025 à 17:00 ».
    const instants = dates.map((d) => d.replace(/^.*(\d\d)\/(\d\d)\/(\d{4}).*$/, '$3-$2-$1'));
    expect(instants[0]).toBe('2026-03-31');
    expect(instants).toEqual([...instants].sort());
    expect(await page.locator('main').textContent()).toContain('CLS-WEB');
    expect(await page.locator('main').textContent()).not.toContain('Résultat du vote et annexe 1');
    await shot(page, '6-echeances');
    await page.close();

    const reader = await signedInPage('lecteur-subventions', '/subventions/CNSA-WEB');
    expect(await reader.locator('main form').count()).toBe(0);
    expect(await reader.locator('main').textContent()).toContain('lecture seule');
    const refused = await reader.request.post(`${base()}/subventions/CNSA-WEB/actes/payment`, {
      form: { kind: 'grant', amount: '10' },
    });
    expect(refused.status()).toBe(403);
    await reader.close();
  });

  it('records a CIE convention’s acts through the forms: the report’s spending settles an ordre de reversement, its emission, a formal notice', async () => {
    await startGrantCycle(env.client, taskQueue, {
      grantId: 'CIE-WEB',
      programme: 'etat-cie-2025-2027',
      startedAt: START.toISOString(),
    });
    await until(() => inReadModel('CIE-WEB', () => true));
    const page = await signedInPage('equipe-subventions', '/subventions/CIE-WEB');
    const submit = async (key: string, fill: Record<string, string> = {}) => {
      const form = `#acte-${key}`;
      await page.click(`${form} summary`);
      for (const [field, value] of Object.entries(fill)) {
        const selector = `${form}-${field}`;
        if ((await page.locator(selector).evaluate((e) => e.tagName)) === 'SELECT')
          await page.selectOption(selector, value);
        else await page.fill(selector, value);
      }
      await page.click(`${form} button[type=submit]`);
      await expect.poll(() => page.locator('[role=status], [role=alert]').first().textContent()).toBeTruthy();
      const refused = await page.locator('.field-error').allTextContents();
      expect(refused).toEqual([]);
    };
    await submit('complete-convention-signature', { at: '2025-11-20T10:00' });
    await submit('complete-advance-payment', { at: '2025-12-01T10:00' });
    // French figures: spaces between thousands, a decimal comma.
    await submit('report-interim', { at: '2025-12-15T09:00', spent: '2 500 000,00' });
    const money = page.locator('table', { has: page.locator('caption', { hasText: 'Argent' }) });
    // 60 % of 5 124 190 € received, 2 500 000 € spent: 574 514 € to pay back.
    expect(await money.textContent()).toMatch(/574\s514,00\s€/);
    await submit('repayment-order', { at: '2025-12-15T09:30', reference: 'OR-2025-77' });
    expect(await page.locator('main').textContent()).toContain(
      'Ordre de reversement émis le 15/12/2025 à 09:30',
    );
    await submit('formal-notice', { action: 'served', at: '2025-12-15T09:45', reason: 'Bilan incomplet' });
    // Two months to comply (CIE): the termination's date is shown.
    expect(await page.locator('main .alert').textContent()).toMatch(
      /Mise en demeure du\s+15\/12\/2025 à 09:45\s*:\s*prend effet le 15\/02\/2026/,
    );
    await shot(page, '8-cie-reversement');
    const s = await state('CIE-WEB');
    expect(s.ledger.order).toMatchObject({
      amount: 574_514_00,
      reference: 'OR-2025-77',
      by: 'equipe-subventions',
    });
    expect(s.history.filter((h) => h.by === 'equipe-subventions').length).toBeGreaterThanOrEqual(4);
    await page.close();
  });

  it('gives the deadlines as an iCalendar feed behind a secret link; a wrong, replaced or revoked link is a 404', async () => {
    await until(() => inReadModel('CLS-WEB', () => true));
    const page = await signedInPage('equipe-subventions', '/subventions/calendrier');
    await page.click('button:has-text("Créer mon lien")');
    const link = (await page.locator('#lien-agenda').textContent())!.trim();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/subventions\/agenda\/jcal_[A-Za-z0-9_-]{43}\.ics$/);
    await shot(page, '7-agenda');

    // Without any cookie, as a calendar application fetches it.
    const feed = await fetch(link);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    const text = await feed.text();
    expect(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n');
    const events = text.split('BEGIN:VEVENT').slice(1);
    // Each deadline still to meet of the open cycles, at its instant in UTC, under a stable UID.
    const open = await Promise.all(['CNSA-WEB', 'CLS-WEB', 'CIE-WEB'].map(state));
    const expected = open
      .flatMap((s) => s.milestones)
      .filter((m) => m.applies && !m.doneAt && m.dueAt)
      .map((m) => m.dueAt!);
    expect(events).toHaveLength(expected.length);
    const cls = (await state('CLS-WEB')).milestones.find((m) => m.id === 'mid-term-report')!;
    const utc = (iso: string) => `${iso.slice(0, 19).replace(/[-:]/g, '')}Z`;
    const uid = lines.indexOf('UID:CLS-WEB.mid-term-report@jalons');
    expect(uid).toBeGreaterThan(0);
    expect(lines.slice(uid, uid + 6)).toContain(`DTSTART:${utc(cls.dueAt!)}`);
    // « au plus tard le 31 mars 2026 »: the end of that day in Paris (summer time, UTC+2).
    expect(utc(cls.dueAt!)).toBe('20260331T215959Z');
    expect(text).not.toContain('UID:CNSA-WEB.transmission@jalons');
    // RFC 5545 §3.1: content lines folded at 75 octets.
    expect(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);

    expect((await fetch(link.replace(/jcal_.{5}/, 'jcal_AAAAA'))).status).toBe(404);
    expect((await fetch(`${base()}/subventions/agenda/nimporte.ics`)).status).toBe(404);

    // A new link replaces the old one.
    await page.click('button:has-text("Créer un nouveau lien")');
    const second = (await page.locator('#lien-agenda').textContent())!.trim();
    expect(second).not.toBe(link);
    expect((await fetch(link)).status).toBe(404);
    expect((await fetch(second)).status).toBe(200);

    await page.click('button:has-text("Révoquer le lien")');
    expect(await page.locator('[role=status]').textContent()).toContain('Lien révoqué');
    expect((await fetch(second)).status).toBe(404);
    await page.close();
  });
});
