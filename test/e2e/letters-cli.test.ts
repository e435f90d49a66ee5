/**
 * `jalons courriers …` as the mail room runs it (docs/courriers.md), a child
 * process against the dev server, its worker writing a real PostgreSQL read
 * model that the command reads too: the list of letters awaiting, a batch
 * printed into a PDF file (mode 600) whose text is read back and whose letters
 * are recorded sent, the batch run again printing nothing, the receipt of the
 * notice and the end of the 10 days it gives; bad input refused in French; the
 * mail room's web screen and the case's « Courriers » section, axe-core in Chromium.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathWorkflowId } from '../../domain/ids.js';
import { actOnPath, showPath } from '../../services/paths.js';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { lettersOf } from '../../store/letters.js';
import { beneficiaryPath } from '../../workflows/path/path.js';
import { jalonsCli } from '../support/cli.js';
import { axeViolations, type AxeViolation } from '../support/axe.js';
import { launchChromium } from '../support/browser.js';
import { randomBytes } from 'node:crypto';
import { startWebApp } from '../../apps/web/server.js';
import { createAccount } from '../../store/accounts.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { devServerWithWorker } from '../support/temporal.js';

const taskQueue = 'letters-cli';
let pg: TestPostgres;
let db: ReadModelDb;
const dir = mkdtempSync(join(tmpdir(), 'courriers-cli-'));
// Started before the worker (devServerWithWorker's beforeAll reads the URL then).
beforeAll(async () => {
  pg = await startPostgres();
  db = await openReadModel(pg.url);
});
// Registered before the worker's: hooks run in reverse, so PostgreSQL stops after the worker.
afterAll(async () => {
  await db?.close();
  pg?.stop();
});
const t = devServerWithWorker(taskQueue, undefined, () => pg.url);
const jalons = jalonsCli(() => ({
  address: t.env.connection.options.address,
  taskQueue,
  env: { JALONS_READMODEL_URL: pg.url, JALONS_DEPARTEMENT_NOM: 'Département du Pas-de-Calais' },
}));

const ID = 'T-CLI-LET';
const WF = pathWorkflowId(ID);

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
}

describe('jalons courriers', () => {
  it('refuses a bad reference or batch size in French, changing nothing', async () => {
    const ref = await jalons('courriers', 'recu', 'B-0042-XX-5');
    expect([ref.code, ref.stderr.trim()]).toEqual([
      3,
      'Refusé : Référence de courrier « B-0042-XX-5 » invalide : <dossier>-AS|DS|OR-<révision> attendu (ex. B-0042-AS-5).',
    ]);
    const max = await jalons('courriers', 'lot', '--max', '0');
    expect([max.code, max.stderr.trim()]).toEqual([
      3,
      'Refusé : --max : un nombre entier de 1 à 200 est attendu.',
    ]);
  }, 60_000);

  it('prints the batch, records it sent, then records the receipt that starts the 10 days', async () => {
    const now = Date.now();
    const day = 86_400_000;
    await t.env.client.workflow.start(beneficiaryPath, {
      args: [
        {
          beneficiaryId: ID,
          rightsOpenedAt: new Date(now - 40 * day).toISOString(),
          territory: 'lens-lievin',
        },
      ],
      workflowId: WF,
      taskQueue,
    });
    const act = (type: string, ago: number, data: object = {}) =>
      actOnPath(t.env.client, ID, { type, at: new Date(now - ago * day).toISOString(), data } as never);
    await act('orientation.decided', 35, {
      track: 'employment',
      organisation: 'ccas-lens',
      referent: 'ref-6',
    });
    await act('appointment.attended', 30);
    await act('diagnostic.completed', 30, { barriers: [] });
    await act('contract.signed', 25, { weeklyHours: 15, intensive: false });
    await act('breach.reported', 2, { kind: 'obligations' });
    await until(async () => (await lettersOf(db, WF)).length === 2);

    const list = await jalons('courriers', 'liste', '--json');
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { ref: string }[]).map((l) => l.ref)).toEqual([
      `${ID}-OR-1`,
      `${ID}-AS-5`,
    ]);

    const file = join(dir, 'lot.pdf');
    const batch = await jalons('courriers', 'lot', '--sortie', file, '--par', 'courrier-1');
    expect(batch.stderr).toBe('');
    expect(batch.stdout).toMatch(
      /^2 courrier\(s\) imprimé\(s\) dans .*lot\.pdf et enregistré\(s\) comme envoyé\(s\) \(lot lot-\d{8}-\d{4}\)\.$/m,
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(readFileSync(file))), {
      mergePages: false,
    });
    expect(text).toHaveLength(2);
    expect(text[0]?.replace(/\s+/g, ' ')).toContain('Votre accompagnement est confié à : CCAS de Lens.');
    expect(text[1]?.replace(/\s+/g, ' ')).toContain(
      'Vous disposez d’un délai de 10 jours à compter de la réception',
    );
    const journal = (await showPath(t.env.client, ID)).journal.filter((j) => j.event === 'letter.sent');
    expect(journal.map((j) => [j.by, j.ref])).toEqual([
      ['courrier-1', `letter-sent:${ID}-OR-1`],
      ['courrier-1', `letter-sent:${ID}-AS-5`],
    ]);
    await until(async () => (await lettersOf(db, WF)).every((l) => l.sentAt !== null));
    const again = await jalons('courriers', 'lot', '--sortie', join(dir, 'lot-2.pdf'));
    expect(again.stdout.trim()).toBe('Aucun courrier n’attend d’être imprimé.');

    // Received now: the 10 days end with the 10th civil day after today in Paris.
    const receivedAt = new Date();
    const [dd, mm, yyyy] = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris' })
      .format(receivedAt)
      .split('/')
      .map(Number) as [number, number, number];
    const end = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC' }).format(
      new Date(Date.UTC(yyyy, mm - 1, dd + 10)),
    );
    const received = await jalons('courriers', 'recu', `${ID}-AS-5`, '--le', receivedAt.toISOString());
    expect(received.stderr).toBe('');
    expect(received.stdout.trim()).toBe(
      `Réception du courrier ${ID}-AS-5 enregistrée. Observations possibles jusqu’au ${end} inclus.`,
    );
  }, 180_000);

  it('« Courriers à envoyer »: the mail room prints the batch from the web app; a scoped agent may not', async () => {
    const id = 'T-WEB-LET';
    const now = Date.now();
    await t.env.client.workflow.start(beneficiaryPath, {
      args: [
        {
          beneficiaryId: id,
          rightsOpenedAt: new Date(now - 9 * 86_400_000).toISOString(),
          territory: 'audomarois',
        },
      ],
      workflowId: pathWorkflowId(id),
      taskQueue,
    });
    await actOnPath(t.env.client, id, {
      type: 'orientation.decided',
      at: new Date(now - 86_400_000).toISOString(),
      data: { track: 'social', organisation: 'cd62', referent: 'ref-1' },
    });
    await until(async () => (await lettersOf(db, pathWorkflowId(id))).length === 1);
    const web = await startWebApp({ client: t.env.client, db, port: 0, sessionKeys: [randomBytes(32)] });
    let chromium: Awaited<ReturnType<typeof mailRoomBrowser>> | undefined;
    try {
      const base = `http://127.0.0.1:${web.port}`;
      await createAccount(
        db,
        { login: 'courrier', role: 'agent', allCases: true, password: PASSWORD },
        { channel: 'cli' },
      );
      await createAccount(
        db,
        { login: 'agent-audo', role: 'agent', territories: ['audomarois'], password: PASSWORD },
        { channel: 'cli' },
      );
      const scoped = await signedIn(base, 'agent-audo');
      const refused = await scoped.get('/courriers');
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain(
        'un compte agent ou administrateur qui voit tous les dossiers est nécessaire',
      );
      // In Chromium (one browser for the file), axe-core on the mail room's screen while letters await.
      chromium = await mailRoomBrowser(base);
      expect(await chromium.axe('/courriers')).toEqual([]);
      const room = await signedIn(base, 'courrier');
      const listed = await (await room.get('/courriers')).text();
      expect(listed).toContain(`${id}-OR-1`);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(listed)![1]!;
      const batch = await room.post('/courriers/lot', { _csrf: csrf });
      expect([batch.status, batch.headers.get('content-type')]).toEqual([200, 'application/pdf']);
      expect(batch.headers.get('content-disposition')).toMatch(
        /^attachment; filename="lot-\d{8}-\d{4}\.pdf"$/,
      );
      const { text } = await extractText(await getDocumentProxy(new Uint8Array(await batch.arrayBuffer())), {
        mergePages: false,
      });
      expect(text.map((p) => p.replace(/\s+/g, ' '))).toEqual([
        expect.stringContaining(`Référence : ${id}-OR-1`),
      ]);
      const journal = (await showPath(t.env.client, id)).journal.filter((j) => j.event === 'letter.sent');
      expect(journal.map((j) => [j.by, j.ref])).toEqual([['courrier', `letter-sent:${id}-OR-1`]]);
      // The case's « Courriers » section with its receipt form, in Chromium, axe-core again.
      await until(async () => (await lettersOf(db, pathWorkflowId(id)))[0]?.sentAt !== null);
      expect(await chromium.axe(`/parcours/${id}`, '#recu-T-WEB-LET-OR-1')).toEqual([]);
    } finally {
      await chromium?.close();
      await web.app.close();
    }
  }, 120_000);
});

const PASSWORD = 'mot de passe de test assez long';

/** One Chromium page signed in as the mail room; `axe` gives a page's serious or critical violations. */
async function mailRoomBrowser(base: string) {
  const browser = await launchChromium(['--lang=fr-FR']);
  const page = await browser.newPage({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  await page.goto(`${base}/connexion`);
  await page.fill('#login', 'courrier');
  await page.fill('#password', PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${base}/`, { timeout: 20_000 });
  return {
    axe: async (path: string, waitFor?: string): Promise<AxeViolation[]> => {
      await page.goto(`${base}${path}`);
      if (waitFor) await page.waitForSelector(waitFor);
      return axeViolations(page);
    },
    close: () => browser.close(),
  };
}

/** A person's browser over HTTP: signs in through the form (CSRF, session cookie), keeps its cookies. */
async function signedIn(base: string, login: string) {
  let cookie = '';
  const fetchWith = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie },
    });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      const jar = new Map(cookie ? cookie.split('; ').map((x) => [x.split('=')[0]!, x]) : []);
      jar.set(pair.split('=')[0]!, pair);
      cookie = [...jar.values()].join('; ');
    }
    return res;
  };
  const post = (path: string, fields: Record<string, string>) =>
    fetchWith(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await fetchWith('/connexion')).text())?.[1] ?? '';
  expect((await post('/connexion', { login, password: PASSWORD, _csrf: csrf, suite: '/' })).status).toBe(303);
  return { get: (path: string) => fetchWith(path), post };
}
