/**
 * `jalons import <fichier.csv|.xlsx>`: the Département's flow of new and transferred RSA
 * beneficiaries (CAF/MSA notices), one path started per beneficiary, idempotently.
 *
 * The format is documented in docs/import-caf.md. Each row is validated (zod,
 * French reasons); a rejected row is reported with its line number, printed and
 * written next to the input (`<fichier>.rejets.csv`). Starts go through `startPath`
 * (deterministic workflow ids), a bounded number in flight; a `fin_droit` row
 * signals `rights.ended` to the existing path. A checkpoint (`<fichier>.reprise.json`)
 * lets an interrupted import resume; it is deleted when the import completes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { type Client } from '@temporalio/client';
import { frenchErrorMessage } from './temporal-errors.js';
import { checkpointPath, loadCheckpoint } from './import-caf/checkpoint.js';
import { applyRow, type Outcome } from './import-caf/apply.js';
import { ImportProgress } from './import-caf/progress.js';
import {
  cafBounds,
  DEFAULT_CONCURRENCY,
  InvalidImportFile,
  parseCafFlow,
  type CafRow,
} from './import-caf/parse.js';
import { writeRejectionReport, type ImportSummary } from './import-caf/report.js';
import { isXlsxFlow, parseCafXlsx } from './import-caf/xlsx.js';

export * from './import-caf/parse.js';
export * from './import-caf/checkpoint.js';
export * from './import-caf/report.js';
export * from './import-caf/apply.js';
export * from './import-caf/xlsx.js';

/** The import stopped before its end; the checkpoint lets the next run resume after `lastLine`. */
export class ImportInterrupted extends Error {
  constructor(
    message: string,
    readonly lastLine: number,
    readonly checkpoint: string,
  ) {
    super(message);
  }
}

export interface ImportOptions {
  /** Departmental policy of the started paths. */
  policy?: string;
  /** Starts in flight at once. */
  concurrency?: number;
  /** The import's instant (validation, chronology); default: now. */
  now?: Date;
  /** Called each time a record is done (lines before a resumed checkpoint count as done). */
  onProgress?: (done: number, total: number) => void;
  /** Stops the import cleanly: in-flight rows finish, the checkpoint is written. */
  signal?: AbortSignal;
}

/** The flow's bytes, refused in French when unreadable or above cafBounds.fileBytes. */
function readFlow(file: string): Buffer {
  try {
    const size = statSync(file).size;
    if (size > cafBounds.fileBytes)
      throw new InvalidImportFile(
        `Fichier trop volumineux (${Math.ceil(size / 1024 / 1024)} Mio) : ${cafBounds.fileBytes / 1024 / 1024} Mio au plus par import (découpez-le).`,
      );
    return readFileSync(file);
  } catch (err) {
    if (err instanceof InvalidImportFile) throw err;
    throw new InvalidImportFile(
      `Fichier illisible : ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
    );
  }
}

/**
 * Imports a CAF flow: starts each opening's path, signals each end of rights.
 * Idempotent: a second import of the same file starts nothing and ends nothing.
 */
export async function importCafFlow(
  client: Client,
  taskQueue: string,
  file: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const now = options.now ?? new Date();
  const policy = options.policy ?? 'pas-de-calais';
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 200)
    throw new InvalidImportFile('Le nombre de démarrages simultanés doit être un entier de 1 à 200.');

  const bytes = readFlow(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  // The same records from a workbook as from a CSV (docs/import-caf.md « Fichier XLSX »).
  const records = isXlsxFlow(file, bytes) ? await parseCafXlsx(bytes, now) : parseCafFlow(bytes, now);

  // Resume after a checkpoint of this very file; a checkpoint of another version is ignored.
  const checkpointFile = checkpointPath(file);
  const { checkpoint, staleCheckpoint } = loadCheckpoint(checkpointFile, sha256);
  const progress = new ImportProgress(records, checkpoint, checkpointFile, sha256, options);
  const { todo, total, settledRejections, settled } = progress;
  const settle = (index: number, outcome: Outcome): void => progress.settle(index, outcome);

  const apply = (row: CafRow): Promise<Outcome> => applyRow(client, taskQueue, { policy, now }, row);

  options.onProgress?.(progress.doneCount, total);
  // Rows of one beneficiary run in file order (an opening before its end of rights).
  const chains = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  for (const [index, record] of todo.entries()) {
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure !== null || options.signal?.aborted) break;
    if (!record.ok) {
      settle(index, { kind: 'rejected', reason: record.reason });
      continue;
    }
    const { row } = record;
    const task = (chains.get(row.beneficiaryId) ?? Promise.resolve())
      .then(() => (failure === null ? apply(row) : null))
      .then(
        (outcome) => {
          if (outcome) settle(index, outcome);
        },
        (err: unknown) => {
          failure ??= err;
        },
      );
    chains.set(row.beneficiaryId, task);
    inFlight.add(task);
    void task.then(() => inFlight.delete(task));
  }
  await Promise.all(inFlight);

  if (failure !== null || progress.next < todo.length) {
    progress.save();
    const resume = `L’import reprendra après la ligne ${progress.watermark} en relançant la même commande (${basename(checkpointFile)}).`;
    if (failure !== null)
      throw new ImportInterrupted(
        `Import interrompu : ${frenchErrorMessage(failure).replace(/\.$/, '')}. ${resume}`,
        progress.watermark,
        checkpointFile,
      );
    throw new ImportInterrupted(`Import interrompu. ${resume}`, progress.watermark, checkpointFile);
  }

  const rejections = [...settledRejections].sort((a, b) => a.line - b.line);
  const reportFile = writeRejectionReport(file, rejections);
  rmSync(checkpointFile, { force: true });
  return {
    file,
    records: total,
    ...settled,
    rejections,
    rejectionReport: reportFile,
    resumedAfterLine: checkpoint ? checkpoint.lastLine : null,
    staleCheckpoint,
  };
}
