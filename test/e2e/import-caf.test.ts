/**
 * The CAF-flow import on the Temporal CLI dev server, with the real worker:
 * paths started (idempotently), ends of rights signalled, a rejection report with
 * line numbers, the checkpoint of an interrupted import, and `jalons import` itself.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, civilDateOf, parisInstant } from '../../domain/calendar.js';
import { pathWorkflowId } from '../../domain/ids.js';
import type { PathState } from '../../domain/path/path.js';
import {
  cafColumns,
  checkpointPath,
  ImportInterrupted,
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
const taskQueue = 'e2e-import-caf';

beforeAll(async () => {
  env = await devServerEnv();
  sink = await MailSink.start({ smtpPort: 0 });
  worker = await testWorker(env, realActivities(sink.smtpPort), { taskQueue });
  running = worker.run();
  dir = mkdtempSync(join(tmpdir(), 'jalons-import-'));
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
type Cells = Partial<Record<(typeof cafColumns)[number], string>>;
const line = (c: Cells): string =>
  cafColumns
    .map(
      (k) =>
        ({
          heure: '',
          territoire: 'lens-lievin',
          taille_foyer: '1',
          rsa_majore: 'non',
          accompagne_depuis: '',
          ...c,
        })[k] ?? '',
    )
    .join(';');
const endOf = (id: string, date: string): string =>
  line({
    id_pseudonyme: id,
    type_flux: 'fin_droit',
    date_effet: date,
    territoire: '',
    taille_foyer: '',
    rsa_majore: '',
  });
const csv = (rows: string[]): string => `${[cafColumns.join(';'), ...rows].join('\r\n')}\r\n`;

async function statusOf(id: string): Promise<string | null> {
  try {
    return (await env.client.workflow.getHandle(pathWorkflowId(id)).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

const jalons = jalonsCli(() => ({ address: env.address, taskQueue }));

describe('importing a CAF flow on the dev server', () => {
  // Line numbers: the header is line 1.
  const rows = [
    /* 2 */ line({ id_pseudonyme: 'IMP-001', type_flux: 'ouverture', date_effet: daysAgo(10) }),
    /* 3 */ line({
      id_pseudonyme: 'IMP-002',
      type_flux: 'mutation',
      date_effet: daysAgo(20),
      heure: '14:30',
      territoire: 'audomarois',
      taille_foyer: '3',
      rsa_majore: 'oui',
      accompagne_depuis: '2024-09-02',
    }),
    /* 4 */ line({ id_pseudonyme: 'IMP-003', type_flux: 'ouverture', date_effet: '2026-02-30' }),
    /* 5 */ line({
      id_pseudonyme: 'IMP-004',
      type_flux: 'ouverture',
      date_effet: daysAgo(3),
      territoire: '',
    }),
    /* 6 */ endOf('IMP-005', daysAgo(2)),
    /* 7 */ line({ id_pseudonyme: 'IMP-006', type_flux: 'ouverture', date_effet: daysAgo(30) }),
    /* 8 */ endOf('IMP-006', daysAgo(5)),
    /* 9 */ 'IMP-007;ouverture;2026-01-05',
    /* 10 */ line({ id_pseudonyme: 'IMP-008', type_flux: 'ouverture', date_effet: daysAgo(8) }),
    /* 11 */ endOf('IMP-008', daysAgo(9)),
  ];
  let file: string;
  let first: ImportSummary;

  it('starts the paths, ends one, and reports each rejected line with its French reason', async () => {
    file = join(dir, 'flux-caf.csv');
    writeFileSync(file, csv(rows));
    first = await importCafFlow(env.client, taskQueue, file);

    expect(first).toMatchObject({
      records: 10,
      created: 4, // IMP-001, IMP-002, IMP-006, IMP-008
      existing: 0,
      ended: 1, // IMP-006
      alreadyEnded: 0,
      rejected: 5,
      resumedAfterLine: null,
      staleCheckpoint: false,
      rejectionReport: rejectionReportPath(file),
    });
    expect(first.rejections.map((r) => [r.line, r.beneficiaryId, r.reason])).toEqual([
      [4, 'IMP-003', 'date_effet : date inexistante'],
      [5, 'IMP-004', 'territoire : requis pour une ouverture ou une mutation'],
      [6, 'IMP-005', 'aucun parcours pour l’allocataire IMP-005 : fin de droit sans ouverture connue'],
      [9, 'IMP-007', '3 colonne(s) au lieu de 8 (séparateur attendu : « ; »)'],
      [
        11,
        'IMP-008',
        'fin de droit refusée par le parcours : Un acte ne peut précéder l’ouverture du droit.',
      ],
    ]);
    const report = readFileSync(rejectionReportPath(file), 'utf8');
    expect(
      report
        .replace(/^\uFEFF/, '')
        .split('\r\n')
        .slice(0, 3),
    ).toEqual([
      'ligne;id_pseudonyme;type_flux;motif',
      '4;IMP-003;ouverture;date_effet : date inexistante',
      '5;IMP-004;ouverture;territoire : requis pour une ouverture ou une mutation',
    ]);
    expect(report.split('\r\n').filter(Boolean)).toHaveLength(6);
    expect(existsSync(checkpointPath(file))).toBe(false);

    const transferred = await showPath(env.client, 'IMP-002');
    expect(transferred).toMatchObject({
      territory: 'audomarois',
      household: { size: 3, majore: true },
      rightsOpenedAt: parisInstant(daysAgo(20), '14:30').toISOString(),
      status: 'active',
    });
    expect((await showPath(env.client, 'IMP-001')).rightsOpenedAt).toBe(
      parisInstant(daysAgo(10), '09:00').toISOString(),
    );
    for (const id of ['IMP-003', 'IMP-004', 'IMP-005', 'IMP-007']) expect(await statusOf(id)).toBeNull();
  });

  it('closes the path of a fin_droit row: end of rights at its date of effect', async () => {
    const handle = env.client.workflow.getHandle(pathWorkflowId('IMP-006'));
    const state = (await handle.result()) as PathState;
    expect(state.status).toBe('closed');
    expect(state.step).toBe('closed');
    expect(state.exit).toEqual({
      at: parisInstant(daysAgo(5), '09:00').toISOString(),
      reason: 'end-of-rights',
    });
    expect(await statusOf('IMP-006')).toBe('COMPLETED');
    // The refused end of rights changed nothing: IMP-008 goes on.
    expect((await showPath(env.client, 'IMP-008')).status).toBe('active');
  });

  it('imported twice, the same file changes nothing', async () => {
    const before = await showPath(env.client, 'IMP-001');
    const second = await importCafFlow(env.client, taskQueue, file);
    expect(second).toMatchObject({
      records: 10,
      created: 0,
      existing: 4,
      ended: 0,
      alreadyEnded: 1,
      rejected: 5,
    });
    expect(second.rejections.map((r) => r.line)).toEqual(first.rejections.map((r) => r.line));
    // The closed path was not started again: still one run, completed.
    expect(await statusOf('IMP-006')).toBe('COMPLETED');
    expect(await showPath(env.client, 'IMP-001')).toEqual(before);
  });

  it('refuses to reopen a closed path from a later opening (a person decides)', async () => {
    const reopen = join(dir, 'reouverture.csv');
    writeFileSync(
      reopen,
      csv([line({ id_pseudonyme: 'IMP-006', type_flux: 'ouverture', date_effet: daysAgo(1) })]),
    );
    const summary = await importCafFlow(env.client, taskQueue, reopen);
    expect(summary).toMatchObject({ created: 0, existing: 0, rejected: 1 });
    expect(summary.rejections[0]?.reason).toMatch(
      /^le parcours de IMP-006 est clos depuis le \d{2}\/\d{2}\/\d{4} : une réouverture du droit se traite à la main$/,
    );
    expect(await statusOf('IMP-006')).toBe('COMPLETED');
  });
});

describe('resuming an interrupted import', () => {
  const ids = ['RES-001', 'RES-002', 'RES-003', 'RES-004', 'RES-005', 'RES-006'];
  const content = csv(
    ids.map((id, i) => line({ id_pseudonyme: id, type_flux: 'ouverture', date_effet: daysAgo(4 + i) })),
  );
  const sha256 = createHash('sha256').update(content).digest('hex');

  it('resumes after the checkpoint of the same file, and deletes it when done', async () => {
    const file = join(dir, 'reprise.csv');
    writeFileSync(file, content);
    // As if a first run had done lines 2 to 4 (RES-001 to RES-003), then stopped.
    const checkpoint: ImportCheckpoint = {
      version: 1,
      sha256,
      lastLine: 4,
      counts: { created: 3, existing: 0, ended: 0, alreadyEnded: 0, rejected: 0 },
      rejections: [],
    };
    writeFileSync(checkpointPath(file), JSON.stringify(checkpoint));
    const progress: number[] = [];
    const summary = await importCafFlow(env.client, taskQueue, file, { onProgress: (d) => progress.push(d) });

    expect(summary).toMatchObject({ records: 6, created: 6, existing: 0, rejected: 0, resumedAfterLine: 4 });
    expect(progress[0]).toBe(3);
    expect(progress.at(-1)).toBe(6);
    // Only lines 5 to 7 ran: the first three were left to the (imaginary) first run.
    expect(await Promise.all(ids.map(statusOf))).toEqual([null, null, null, 'RUNNING', 'RUNNING', 'RUNNING']);
    expect(existsSync(checkpointPath(file))).toBe(false);
  });

  it('starts over when the file changed since the checkpoint, still idempotent', async () => {
    const file = join(dir, 'reprise.csv');
    writeFileSync(
      checkpointPath(file),
      JSON.stringify({
        version: 1,
        sha256: 'autre-version-du-fichier',
        lastLine: 7,
      } satisfies ImportCheckpoint),
    );
    const summary = await importCafFlow(env.client, taskQueue, file);
    expect(summary).toMatchObject({
      created: 3,
      existing: 3,
      resumedAfterLine: null,
      staleCheckpoint: true,
    });
    expect(await Promise.all(ids.map(statusOf))).toEqual(ids.map(() => 'RUNNING'));
    expect(existsSync(checkpointPath(file))).toBe(false);
  });

  it('writes the checkpoint when stopped, and the next run finishes the file', async () => {
    const stopped = ['STOP-001', 'STOP-002', 'STOP-003', 'STOP-004'];
    const file = join(dir, 'arret.csv');
    writeFileSync(
      file,
      csv(stopped.map((id) => line({ id_pseudonyme: id, type_flux: 'ouverture', date_effet: daysAgo(2) }))),
    );
    const controller = new AbortController();
    const interrupted = await importCafFlow(env.client, taskQueue, file, {
      concurrency: 1,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(interrupted).toBeInstanceOf(ImportInterrupted);
    expect((interrupted as ImportInterrupted).lastLine).toBe(3);
    expect((interrupted as Error).message).toContain('L’import reprendra après la ligne 3');
    const saved = JSON.parse(readFileSync(checkpointPath(file), 'utf8')) as ImportCheckpoint;
    expect(saved).toMatchObject({ lastLine: 3, counts: { created: 2 } });
    expect(await Promise.all(stopped.map(statusOf))).toEqual(['RUNNING', 'RUNNING', null, null]);

    const resumed = await importCafFlow(env.client, taskQueue, file);
    expect(resumed).toMatchObject({ records: 4, created: 4, existing: 0, resumedAfterLine: 3 });
    expect(await Promise.all(stopped.map(statusOf))).toEqual(stopped.map(() => 'RUNNING'));
  });
});

describe('`jalons import` (child process)', () => {
  it('prints the summary as JSON, exit 0; the text summary lists rejected lines; an unreadable file exits 2', async () => {
    const file = join(dir, 'cli.csv');
    writeFileSync(
      file,
      csv([
        line({
          id_pseudonyme: 'CLI-001',
          type_flux: 'ouverture',
          date_effet: daysAgo(6),
          territoire: 'montreuillois',
        }),
        line({
          id_pseudonyme: 'CLI-002',
          type_flux: 'ouverture',
          date_effet: daysAgo(6),
          rsa_majore: 'peut-être',
        }),
      ]),
    );
    const json = await jalons('import', file, '--json');
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout) as ImportSummary;
    expect(summary).toMatchObject({ records: 2, created: 1, existing: 0, rejected: 1 });
    expect(summary.rejections).toEqual([
      {
        line: 3,
        beneficiaryId: 'CLI-002',
        flowType: 'ouverture',
        reason: 'rsa_majore : « oui » ou « non » attendu',
      },
    ]);
    expect((await showPath(env.client, 'CLI-001')).territory).toBe('montreuillois');

    const text = await jalons('import', file);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Parcours créés                 0');
    expect(text.stdout).toContain('Parcours déjà existants        1');
    expect(text.stdout).toContain('Ligne 3 (CLI-002) : rsa_majore : « oui » ou « non » attendu');

    const missing = await jalons('import', join(dir, 'absent.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Fichier illisible');
    const badHeader = join(dir, 'en-tete.csv');
    writeFileSync(badHeader, 'id;nom;date\nX-1;Dupont;2026-01-05\n');
    const refused = await jalons('import', badHeader);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('En-tête invalide');
  });
});
