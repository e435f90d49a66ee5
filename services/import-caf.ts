/**
 * `jalons import <fichier.csv>`: the Département's flow of new and transferred RSA
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
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { formatParis } from '../domain/calendar.js';
import { pathWorkflowId } from '../domain/ids.js';
import type { PathInput, PathState } from '../domain/path/path.js';
import type { PathEventInput } from '../domain/path/path-events.js';
import { refusalOf } from '../domain/path/path-machine.js';
import { partnerEventSignal, stateQuery } from '../workflows/path/messages.js';
import { ActionRefused, startPath } from './paths.js';
import { frenchErrorMessage } from './temporal-errors.js';
import { checkpointPath, checkpointSchema, type ImportCheckpoint } from './import-caf/checkpoint.js';
import {
  cafBounds,
  DEFAULT_CONCURRENCY,
  InvalidImportFile,
  parseCafFlow,
  type CafRow,
} from './import-caf/parse.js';
import {
  rejectionCsv,
  rejectionReportPath,
  type ImportCounts,
  type ImportSummary,
  type Rejection,
} from './import-caf/report.js';

export * from './import-caf/parse.js';
export * from './import-caf/checkpoint.js';
export * from './import-caf/report.js';

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

type Outcome = { kind: Exclude<keyof ImportCounts, 'rejected'> } | { kind: 'rejected'; reason: string };

const statusLabels: Partial<Record<string, string>> = {
  TERMINATED: 'arrêté',
  FAILED: 'en échec',
  CANCELLED: 'annulé',
  TIMED_OUT: 'expiré',
};

async function statusOf(handle: WorkflowHandle): Promise<string | null> {
  try {
    return (await handle.describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
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

  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > cafBounds.fileBytes)
      throw new InvalidImportFile(
        `Fichier trop volumineux (${Math.ceil(size / 1024 / 1024)} Mio) : ${cafBounds.fileBytes / 1024 / 1024} Mio au plus par import (découpez-le).`,
      );
    bytes = readFileSync(file);
  } catch (err) {
    if (err instanceof InvalidImportFile) throw err;
    throw new InvalidImportFile(
      `Fichier illisible : ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const records = parseCafFlow(bytes, now);

  // Resume after a checkpoint of this very file; a checkpoint of another version is ignored.
  const checkpointFile = checkpointPath(file);
  let checkpoint: ImportCheckpoint | null = null;
  let staleCheckpoint = false;
  if (existsSync(checkpointFile)) {
    let parsed: ImportCheckpoint | null = null;
    try {
      parsed = checkpointSchema.parse(JSON.parse(readFileSync(checkpointFile, 'utf8')));
    } catch {
      parsed = null;
    }
    if (parsed && parsed.sha256 === sha256) checkpoint = parsed;
    else staleCheckpoint = true;
  }
  const lastLineBefore = checkpoint?.lastLine ?? 0;
  const settled: ImportCounts = {
    created: 0,
    existing: 0,
    ended: 0,
    alreadyEnded: 0,
    rejected: 0,
    ...checkpoint?.counts,
  };
  const settledRejections: Rejection[] = [...(checkpoint?.rejections ?? [])];
  const todo = records.filter((r) => r.line > lastLineBefore);
  const total = records.length;
  const skipped = total - todo.length;

  // The watermark: every record up to todo[next - 1] is done (what the checkpoint records).
  const outcomes: (Outcome | undefined)[] = new Array(todo.length);
  let next = 0;
  let watermark = lastLineBefore;
  let doneCount = skipped;
  let lastSave = 0;
  const saveCheckpoint = (): void => {
    const content: ImportCheckpoint = {
      version: 1,
      sha256,
      lastLine: watermark,
      updatedAt: new Date().toISOString(),
      counts: { ...settled },
      rejections: settledRejections,
    };
    const tmp = `${checkpointFile}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`);
    renameSync(tmp, checkpointFile);
    lastSave = Date.now();
  };
  const settle = (index: number, outcome: Outcome): void => {
    outcomes[index] = outcome;
    doneCount++;
    for (let o = outcomes[next]; o !== undefined && next < todo.length; o = outcomes[next]) {
      const record = todo[next]!;
      settled[o.kind]++;
      if (o.kind === 'rejected')
        settledRejections.push({
          line: record.line,
          beneficiaryId: record.beneficiaryId,
          flowType: record.flowType,
          reason: o.reason,
        });
      watermark = record.line;
      next++;
    }
    if (Date.now() - lastSave >= 250) saveCheckpoint();
    options.onProgress?.(doneCount, total);
  };

  const apply = async (row: CafRow): Promise<Outcome> => {
    const handle = client.workflow.getHandle(pathWorkflowId(row.beneficiaryId));
    const status = await statusOf(handle);
    if (row.flow === 'fin_droit') return endRights(handle, row, status, now);
    if (status === 'COMPLETED') {
      // A closed path is never restarted by an import (its workflow id is the person's).
      const state = (await handle.result()) as PathState;
      if (state.exit && row.effectiveAt.getTime() > new Date(state.exit.at).getTime())
        return {
          kind: 'rejected',
          reason: `le parcours de ${row.beneficiaryId} est clos depuis le ${formatParis(new Date(state.exit.at))} : une réouverture du droit se traite à la main`,
        };
      return { kind: 'existing' };
    }
    if (status !== null) return { kind: 'existing' };
    const input: PathInput = {
      beneficiaryId: row.beneficiaryId,
      policy,
      rightsOpenedAt: row.effectiveAt.toISOString(),
      territory: row.territory,
      household: row.household,
      ...(row.accompaniedSince ? { accompaniedSince: row.accompaniedSince } : {}),
    };
    try {
      return { kind: (await startPath(client, taskQueue, input)).created ? 'created' : 'existing' };
    } catch (err) {
      if (err instanceof ActionRefused) return { kind: 'rejected', reason: err.message };
      throw err;
    }
  };

  options.onProgress?.(doneCount, total);
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

  if (failure !== null || next < todo.length) {
    saveCheckpoint();
    const resume = `L’import reprendra après la ligne ${watermark} en relançant la même commande (${basename(checkpointFile)}).`;
    if (failure !== null)
      throw new ImportInterrupted(
        `Import interrompu : ${frenchErrorMessage(failure).replace(/\.$/, '')}. ${resume}`,
        watermark,
        checkpointFile,
      );
    throw new ImportInterrupted(`Import interrompu. ${resume}`, watermark, checkpointFile);
  }

  const rejections = [...settledRejections].sort((a, b) => a.line - b.line);
  const reportFile = rejectionReportPath(file);
  if (rejections.length) writeFileSync(reportFile, rejectionCsv(rejections));
  else rmSync(reportFile, { force: true });
  rmSync(checkpointFile, { force: true });
  return {
    file,
    records: total,
    ...settled,
    rejections,
    rejectionReport: rejections.length ? reportFile : null,
    resumedAfterLine: checkpoint ? checkpoint.lastLine : null,
    staleCheckpoint,
  };
}

async function endRights(
  handle: WorkflowHandle,
  row: CafRow,
  status: string | null,
  now: Date,
): Promise<Outcome> {
  const id = row.beneficiaryId;
  if (status === null)
    return {
      kind: 'rejected',
      reason: `aucun parcours pour l’allocataire ${id} : fin de droit sans ouverture connue`,
    };
  if (status === 'COMPLETED') {
    const state = (await handle.result()) as PathState;
    if (state.status === 'closed') return { kind: 'alreadyEnded' };
  }
  if (status !== 'RUNNING')
    return {
      kind: 'rejected',
      reason: `le parcours de ${id} n’est plus en cours (${statusLabels[status] ?? status})`,
    };
  const event: PathEventInput = {
    type: 'rights.ended',
    at: row.effectiveAt.toISOString(),
    data: { reason: 'end-of-rights' },
  };
  // Checked before it is sent: a Signal the path refuses would only be kept in its `rejected`.
  // A worker too busy to answer (a large flow catching up) does not stop the import: the
  // Signal is sent unchecked, and the path itself still refuses what its rules forbid.
  let state: PathState | null = null;
  try {
    state = await handle.query(stateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw err;
  }
  if (state?.status === 'closed') return { kind: 'alreadyEnded' };
  const refusal = state && refusalOf(state, event, now);
  if (refusal) return { kind: 'rejected', reason: `fin de droit refusée par le parcours : ${refusal}` };
  await handle.signal(partnerEventSignal, event);
  return { kind: 'ended' };
}
