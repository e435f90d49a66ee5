/**
 * The CAF flow as an XLSX workbook on the Temporal CLI dev server, with the real worker
 * (docs/import-caf.md « Fichier XLSX »): the same summary as the CSV of the same rows,
 * idempotent across both formats, Excel dates at the right Paris instant, a formula
 * neutralised in the rejection report (still a CSV), the checkpoint keyed on the
 * workbook's bytes, and a broken workbook refused by `jalons import` with nothing started.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import writeXlsxFile from 'write-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, civilDateOf, parisInstant } from '../../domain/calendar.js';
import { pathWorkflowId } from '../../domain/ids.js';
import {
  cafColumns,
  checkpointPath,
  importCafFlow,
  rejectionReportPath,
  type ImportCheckpoint,
  type ImportSummary,
} from '../../services/import-caf.js';
import { MailSink } from '../../dev/mail-sink.js';
import { showPath } from '../../services/paths.js';
import { devServerEnv, realActivities, testWorker } from '../support/temporal.js';
import { jalonsCli } from '../support/cli.js';

let env: TestWorkflowEnvironment;
let sink: MailSink;
let worker: Worker;
let running: Promise<void>;
let dir: string;
const taskQueue = 'e2e-import-caf-xlsx';

beforeAll(async () => {
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  worker = await testWorker(env, realActivities(sink.smtpPort), { taskQueue });
  running = worker.run();
  dir = mkdtempSync(join(tmpdir(), 'jalons-import-xlsx-'));
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await sink?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const today = civilDateOf(new Date());
const daysAgo = (n: number): string => addCalendarDays(today, -n);
type Column = (typeof cafColumns)[number];
type Cells = Partial<Record<Column, string>>;
const defaults: Cells = { heure: '', territoire: 'lens-lievin', taille_foyer: '1', rsa_majore: 'non' };
const cellsOf = (c: Cells): string[] => cafColumns.map((k) => ({ ...defaults, ...c })[k] ?? '');
const endOf = (id: string, date: string): Cells => ({
  id_pseudonyme: id,
  type_flux: 'fin_droit',
  date_effet: date,
  territoire: '',
  taille_foyer: '',
  rsa_majore: '',
});

const csv = (rows: Cells[]): string =>
  `${[cafColumns.join(';'), ...rows.map((r) => cellsOf(r).join(';'))].join('\r\n')}\r\n`;

/**
 * The workbook a person would save from the same rows: dates and the hour typed as
 * Excel dates and times (no zone: the wall-clock shown, written as UTC), sizes as numbers.
 */
async function xlsx(rows: Cells[]): Promise<Buffer> {
  const cell = (column: Column, value: string) => {
    if (value === '') return null;
    const date = new Date(`${value}T00:00:00Z`);
    // A date Excel could hold (not 2026-02-30, which stays text as typed).
    const real = !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
    if ((column === 'date_effet' || column === 'accompagne_depuis') && real)
      return { value: date, type: Date, format: 'dd/mm/yyyy' };
    if (column === 'heure')
      return { value: new Date(`1899-12-30T${value}:00Z`), type: Date, format: 'hh:mm' };
    if (column === 'taille_foyer' && /^\d+$/.test(value)) return { value: Number(value), type: Number };
    return { value, type: String };
  };
  const data = [
    cafColumns.map((c) => ({ value: c, type: String })),
    ...rows.map((r) => cellsOf(r).map((v, i) => cell(cafColumns[i]!, v))),
  ];
  return writeXlsxFile(data).toBuffer();
}

async function statusOf(id: string): Promise<string | null> {
  try {
    return (await env.client.workflow.getHandle(pathWorkflowId(id)).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

const jalons = jalonsCli(() => ({ address: env.address, taskQueue }));
const hyperlink = '=HYPERLINK("http://x.example")';

/** The rows of test/e2e/import-caf.test.ts's first flow, ids prefixed, plus a formula in an id. */
const flow = (p: string): Cells[] => [
  /* 2 */ { id_pseudonyme: `${p}-001`, type_flux: 'ouverture', date_effet: daysAgo(10) },
  /* 3 */ {
    id_pseudonyme: `${p}-002`,
    type_flux: 'mutation',
    date_effet: daysAgo(20),
    heure: '14:30',
    territoire: 'audomarois',
    taille_foyer: '3',
    rsa_majore: 'oui',
    accompagne_depuis: '2024-09-02',
  },
  /* 4 */ { id_pseudonyme: `${p}-003`, type_flux: 'ouverture', date_effet: '2026-02-30' },
  /* 5 */ { id_pseudonyme: `${p}-004`, type_flux: 'ouverture', date_effet: daysAgo(3), territoire: '' },
  /* 6 */ endOf(`${p}-005`, daysAgo(2)),
  /* 7 */ { id_pseudonyme: `${p}-006`, type_flux: 'ouverture', date_effet: daysAgo(30) },
  /* 8 */ endOf(`${p}-006`, daysAgo(5)),
  /* 9 */ { id_pseudonyme: hyperlink, type_flux: 'ouverture', date_effet: daysAgo(4) },
  /* 10 */ { id_pseudonyme: `${p}-008`, type_flux: 'ouverture', date_effet: daysAgo(8) },
  /* 11 */ endOf(`${p}-008`, daysAgo(9)),
];

/** The summary without its ids and file names: what both formats must agree on. */
const outcome = (s: ImportSummary, p: string) => ({
  counts: [s.records, s.created, s.existing, s.ended, s.alreadyEnded, s.rejected],
  rejections: s.rejections.map((r) => [r.line, r.beneficiaryId?.replace(p, '#'), r.reason.replace(p, '#')]),
});

describe('importing a CAF flow saved as XLSX', () => {
  let fromCsv: ImportSummary;
  let fromXlsx: ImportSummary;
  let workbook: string;

  it('gives the CSV’s summary for the same rows: started, ended, rejected with the same reasons', async () => {
    const csvFile = join(dir, 'flux-caf.csv');
    writeFileSync(csvFile, csv(flow('CSV')));
    fromCsv = await importCafFlow(env.client, taskQueue, csvFile);
    workbook = join(dir, 'flux-caf.xlsx');
    writeFileSync(workbook, await xlsx(flow('XLS')));
    fromXlsx = await importCafFlow(env.client, taskQueue, workbook);

    expect(fromXlsx).toMatchObject({
      records: 10,
      created: 4,
      existing: 0,
      ended: 1,
      alreadyEnded: 0,
      rejected: 5,
      rejectionReport: `${workbook}.rejets.csv`,
    });
    expect(outcome(fromXlsx, 'XLS')).toEqual(outcome(fromCsv, 'CSV'));
    expect(fromXlsx.rejections.map((r) => [r.line, r.reason.split(' : ')[0]])).toEqual([
      [4, 'date_effet'],
      [5, 'territoire'],
      [6, 'aucun parcours pour l’allocataire XLS-005'],
      [9, 'id_pseudonyme'],
      [11, 'fin de droit refusée par le parcours'],
    ]);
    // The end of rights closes XLS-006's path (its workflow ends once the signal is handled).
    await env.client.workflow.getHandle(pathWorkflowId('XLS-006')).result();
    expect(await statusOf('XLS-006')).toBe('COMPLETED');
    for (const id of ['XLS-003', 'XLS-004', 'XLS-005']) expect(await statusOf(id)).toBeNull();
    expect(existsSync(checkpointPath(workbook))).toBe(false);
  });

  it('dates an Excel date and time at the Paris instant they show', async () => {
    expect((await showPath(env.client, 'XLS-002')).rightsOpenedAt).toBe(
      parisInstant(daysAgo(20), '14:30').toISOString(),
    );
    expect((await showPath(env.client, 'XLS-001')).rightsOpenedAt).toBe(
      parisInstant(daysAgo(10), '09:00').toISOString(),
    );
    expect(await showPath(env.client, 'XLS-002')).toMatchObject({
      territory: 'audomarois',
      household: { size: 3, majore: true },
    });
  });

  it('writes the rejection report as a CSV, the formula-looking id neutralised', () => {
    expect(fromXlsx.rejectionReport).toBe(rejectionReportPath(workbook));
    const raw = readFileSync(rejectionReportPath(workbook), 'utf8');
    const report = raw.replace(/^\uFEFF/, '');
    const lines = report.split('\r\n');
    expect(lines[0]).toBe('ligne;id_pseudonyme;type_flux;motif');
    const formula = lines.find((l) => l.startsWith('9;'));
    expect(formula).toMatch(/^9;"'=HYPERLINK\(""http:\/\/x\.example""\)";ouverture;id_pseudonyme : /);
    expect(report).not.toMatch(/(^|;)"?=/m);
    const csvReport = readFileSync(rejectionReportPath(join(dir, 'flux-caf.csv')), 'utf8');
    expect(raw).toBe(csvReport.replaceAll('CSV-', 'XLS-'));
  });

  it('is idempotent: the workbook again, or the CSV’s rows as a workbook, changes nothing', async () => {
    const again = await importCafFlow(env.client, taskQueue, workbook);
    expect(again).toMatchObject({
      records: 10,
      created: 0,
      existing: 4,
      ended: 0,
      alreadyEnded: 1,
      rejected: 5,
    });
    const csvRowsAsXlsx = join(dir, 'flux-caf-csv.xlsx');
    writeFileSync(csvRowsAsXlsx, await xlsx(flow('CSV')));
    const across = await importCafFlow(env.client, taskQueue, csvRowsAsXlsx);
    expect(across).toMatchObject({ created: 0, existing: 4, ended: 0, alreadyEnded: 1, rejected: 5 });
  });

  it('resumes after the checkpoint of this very workbook (its bytes’ hash)', async () => {
    const ids = ['XRES-001', 'XRES-002', 'XRES-003', 'XRES-004'];
    const bytes = await xlsx(
      ids.map((id, i) => ({ id_pseudonyme: id, type_flux: 'ouverture', date_effet: daysAgo(4 + i) })),
    );
    const file = join(dir, 'reprise.xlsx');
    writeFileSync(file, bytes);
    const checkpoint: ImportCheckpoint = {
      version: 1,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      lastLine: 3,
      counts: { created: 2, existing: 0, ended: 0, alreadyEnded: 0, rejected: 0 },
      rejections: [],
    };
    writeFileSync(checkpointPath(file), JSON.stringify(checkpoint));
    const summary = await importCafFlow(env.client, taskQueue, file);
    expect(summary).toMatchObject({ records: 4, created: 4, resumedAfterLine: 3, staleCheckpoint: false });
    expect(await Promise.all(ids.map(statusOf))).toEqual([null, null, 'RUNNING', 'RUNNING']);
    expect(existsSync(checkpointPath(file))).toBe(false);
  });

  it('`jalons import` refuses a broken workbook in French, exit 2, and starts nothing', async () => {
    const broken = join(dir, 'casse.xlsx');
    const whole = await xlsx([{ id_pseudonyme: 'XBRK-001', type_flux: 'ouverture', date_effet: daysAgo(2) }]);
    // A download cut short: the archive's end is missing.
    writeFileSync(broken, whole.subarray(0, Math.floor(whole.length / 2)));
    const refused = await jalons('import', broken);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      'Fichier XLSX illisible : ce n’est pas un classeur .xlsx (archive illisible).',
    );
    expect(await statusOf('XBRK-001')).toBeNull();
    expect(existsSync(rejectionReportPath(broken))).toBe(false);
    expect(existsSync(checkpointPath(broken))).toBe(false);
  });
});
