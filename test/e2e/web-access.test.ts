/**
 * An agent of another territory cannot see a case of Lens-Liévin (issue 17,
 * points 5 and 7), in a real browser (Debian's Chromium driven by playwright-core)
 * against the web app on the dev server with the real worker and read model, and
 * a ProConnect stand-in (dev/simulators/proconnect.ts) that sends identity only:
 * the agent signs in through it and waits on « Accès en attente »; an
 * administrator grants them agent on the Audomarois territory; the agent's next
 * page opens Jalons, where the Audomarois case is listed and opens, and the
 * Lens-Liévin case is in no list, is not found by the header's search and its
 * address answers « introuvable ». axe-core finds nothing serious or critical on
 * these screens. One browser and one stack for the file; screenshots in
 * test-artifacts/screens/, the pending page's in docs/screens/acces-en-attente.png.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { createAccount, getAccount } from '../../store/accounts.js';
import { MailSink } from '../../dev/mail-sink.js';
import { startProConnectSimulator, type ProConnectSimulator } from '../../dev/simulators/proconnect.js';
import { startPath } from '../../services/paths.js';
import { startWebApp } from '../../apps/web/server.js';
import { activitiesFor } from '../../workers/worker.js';
import { devServerEnv, testWorker } from '../support/temporal.js';
import { axeViolations } from '../support/axe.js';
import { readmeShot } from '../support/screens.js';

const DAY = 86_400_000;
const SCREENS = 'test-artifacts/screens';
const ADMIN_PASSWORD = 'mot de passe de l’administrateur';
const taskQueue = 'e2e-web-access';
let env: TestWorkflowEnvironment;
let sink: MailSink;
let db: ReadModelDb;
let worker: Worker;
let running: Promise<void>;
let browser: Browser;
let idp: ProConnectSimulator;
let web: Awaited<ReturnType<typeof startWebApp>>;
let base = '';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 80 && !(await check()); i++) await new Promise((r) => setTimeout(r, 250));
}

beforeAll(async () => {
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  db = await openReadModel('memory:');
  const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
  worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', db), { taskQueue });
  running = worker.run();
  const [idpPort, webPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${webPort}`;
  idp = await startProConnectSimulator({
    port: idpPort,
    redirectUris: [`${base}/connexion/oidc/retour`],
    people: {
      'sub-audomarois': {
        email: 'paul.durand@audomarois.example',
        given_name: 'Paul',
        usual_name: 'Durand',
        siret: '22620001200022',
      },
    },
  });
  web = await startWebApp({
    client: env.client,
    db,
    port: webPort,
    secureCookie: false,
    // ProConnect's settings (docs/proconnect.md), on the loopback.
    oidc: {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      redirectUrl: `${base}/connexion/oidc/retour`,
      scope: 'openid email given_name usual_name siret uid idp_id',
      claims: { login: 'uid', role: 'groups', organisations: 'orgs', territories: 'territories' },
      acrValues: 'eidas1',
      userinfoSignedAlg: 'RS256',
      label: 'S’identifier avec ProConnect',
      allowHttp: true,
    },
  });
  await createAccount(
    db,
    { login: 'admin-acces', role: 'admin', password: ADMIN_PASSWORD },
    { channel: 'cli' },
  );
  // Two real paths, late on their orientation (opened 20 days ago): one per territory.
  for (const [id, territory] of [
    ['LENS-0017', 'lens-lievin'],
    ['AUDO-0017', 'audomarois'],
  ] as const)
    await startPath(env.client, taskQueue, {
      beneficiaryId: id,
      rightsOpenedAt: new Date(Date.now() - 20 * DAY).toISOString(),
      territory,
    });
  mkdirSync(SCREENS, { recursive: true });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await web?.app.close();
  await idp?.close();
  worker?.shutdown();
  await running;
  await db?.close();
  await env?.teardown();
  await sink?.close();
});

const h1 = (page: Page) => page.locator('h1').textContent();

describe('an agent of another territory', () => {
  it(
    'signs in through ProConnect, waits for an administrator, then sees Audomarois and never the Lens-Liévin case',
    { timeout: 180_000 },
    async () => {
      await until(async () => (await db.query(`select 1 from paths`)).length === 2);
      const agent = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await agent.goto(`${base}/`);
      await expect.poll(() => h1(agent), { timeout: 20_000 }).toBe('Connexion');
      await agent.getByRole('link', { name: 'S’identifier avec ProConnect' }).click();
      // The stand-in's own login page: the subject as login.
      await agent.waitForSelector('input[name=login]', { timeout: 20_000 });
      await agent.fill('input[name=login]', 'sub-audomarois');
      await agent.fill('input[name=password]', 'peu importe');
      await agent.click('button[type=submit]');
      await expect.poll(() => agent.url(), { timeout: 20_000 }).toBe(`${base}/acces-en-attente`);
      expect(await h1(agent)).toBe('Accès en attente');
      expect(await agent.locator('main').textContent()).toContain('Paul Durand');
      expect(await agent.locator('nav').count()).toBe(0);
      expect(await axeViolations(agent)).toEqual([]);
      await agent.screenshot({ path: `${SCREENS}/acces-en-attente.png`, fullPage: true });
      await readmeShot(agent, 'acces-en-attente');
      // Nothing else opens while waiting: a case's address leads back here.
      await agent.goto(`${base}/parcours/AUDO-0017`);
      expect(agent.url()).toBe(`${base}/acces-en-attente`);

      const admin = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await admin.goto(`${base}/comptes`);
      await expect.poll(() => h1(admin), { timeout: 20_000 }).toBe('Connexion');
      await admin.fill('#login', 'admin-acces');
      await admin.fill('#password', ADMIN_PASSWORD);
      await admin.click('button:has-text("Se connecter")');
      await expect.poll(() => admin.url(), { timeout: 20_000 }).toBe(`${base}/comptes`);
      const request = admin.locator('fieldset', { hasText: 'paul.durand@audomarois.example' });
      expect(await admin.locator('h2#demandes').textContent()).toBe('Accès en attente (1)');
      expect(await axeViolations(admin)).toEqual([]);
      await request.getByLabel('Identifiant dans Jalons').fill('agent-audomarois');
      await request.getByLabel('Rôle').selectOption('agent');
      await request.getByLabel('Territoires du périmètre').fill('audomarois');
      await admin.screenshot({ path: `${SCREENS}/comptes-demande-acces.png`, fullPage: true });
      await request.getByRole('button', { name: 'Accorder l’accès' }).click();
      await expect
        .poll(() => admin.locator('[role=status]').first().textContent())
        .toContain('Accès accordé : compte agent-audomarois');
      expect(await getAccount(db, 'agent-audomarois')).toMatchObject({ territories: ['audomarois'] });
      await admin.close();

      // The agent's next page opens Jalons: the Audomarois case only.
      await agent.goto(`${base}/`);
      expect(await agent.locator('header').textContent()).toContain('agent-audomarois');
      const main = agent.locator('main');
      await expect.poll(() => main.locator('a', { hasText: 'AUDO-0017' }).count()).toBeGreaterThan(0);
      expect(await main.locator('a', { hasText: 'LENS-0017' }).count()).toBe(0);
      await agent.screenshot({ path: `${SCREENS}/agent-autre-territoire.png`, fullPage: true });

      // The header's search finds the Audomarois case, not the Lens-Liévin one.
      await agent.locator('#recherche-dossier').fill('LENS-0017');
      await agent.keyboard.press('Enter');
      await expect.poll(() => agent.url()).toContain('/recherche?q=LENS-0017');
      expect(await main.textContent()).toContain('Aucun dossier');
      expect(await main.locator('a', { hasText: 'LENS-0017' }).count()).toBe(0);
      await agent.locator('#recherche-dossier').fill('AUDO-0017');
      await agent.keyboard.press('Enter');
      await expect.poll(() => agent.url()).toBe(`${base}/parcours/AUDO-0017`);
      expect(await h1(agent)).toContain('AUDO-0017');

      // Its address, typed directly: the same answer as a case that does not exist.
      const direct = await agent.goto(`${base}/parcours/LENS-0017`);
      expect(direct?.status()).toBe(404);
      expect(await agent.locator('[role=alert]').textContent()).toBe(
        'Aucun parcours pour l’allocataire LENS-0017 dans votre périmètre.',
      );
      expect(await main.textContent()).not.toContain('lens-lievin');
      expect(await axeViolations(agent)).toEqual([]);
      await agent.screenshot({ path: `${SCREENS}/dossier-hors-perimetre.png`, fullPage: true });

      // Logging out ends the provider's session too: the next ProConnect sign-in asks again.
      await agent.getByRole('button', { name: 'Se déconnecter' }).click();
      await expect.poll(() => agent.url(), { timeout: 20_000 }).toContain(`${idp.issuer}/session/end`);
      expect(new URL(agent.url()).searchParams.get('post_logout_redirect_uri')).toBe(`${base}/connexion`);
      expect(new URL(agent.url()).searchParams.get('id_token_hint')).toBeTruthy();
      await agent.getByRole('button', { name: 'Se déconnecter' }).click();
      await expect.poll(() => agent.url(), { timeout: 20_000 }).toMatch(new RegExp(`^${base}/connexion`));
      expect(await h1(agent)).toBe('Connexion');
      await agent.getByRole('link', { name: 'S’identifier avec ProConnect' }).click();
      await agent.waitForSelector('input[name=login]', { timeout: 20_000 });
      await agent.close();
    },
  );
});
