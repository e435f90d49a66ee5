/**
 * `jalons courriers …` as the mail room runs it (docs/courriers.md), a child
 * process against the dev server, its worker writing a real PostgreSQL read
 * model that the command reads too: the list of letters awaiting, a batch
 * printed into a PDF file (mode 600) whose text is read back and whose letters
 * are recorded sent, the batch run again printing nothing, the receipt of the
 * notice and the end of the 10 days it gives; bad input refused in French.
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
const t = devServerWithWorker(taskQueue, undefined, () => pg.url);
afterAll(async () => {
  await db?.close();
  pg?.stop();
});
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
});
