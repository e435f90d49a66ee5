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
import { parse, CsvError } from 'csv-parse/sync';
import { civilDateOf, civilDateSchema, formatParis, parisInstant } from '../domain/calendar.js';
import { pathWorkflowId, pseudonymousIdSchema, territoryCodeSchema } from '../domain/ids.js';
import { cleanText, truncate } from '../domain/text.js';
import type { PathInput, PathState } from '../domain/path/path.js';
import type { PathEventInput } from '../domain/path/path-events.js';
import { refusalOf } from '../domain/path/path-machine.js';
import { frenchIssues, z } from '../domain/validation.js';
import { partnerEventSignal, stateQuery } from '../workflows/path/messages.js';
import { ActionRefused, startPath } from './paths.js';
import { frenchErrorMessage } from './temporal-errors.js';

/** The columns of the flow, in the documented order. */
export const cafColumns = [
  'id_pseudonyme',
  'type_flux',
  'date_effet',
  'heure',
  'territoire',
  'taille_foyer',
  'rsa_majore',
  'accompagne_depuis',
] as const;
export type CafColumn = (typeof cafColumns)[number];
/** Columns a file may leave out entirely (their cells are then empty). */
const optionalColumns: readonly CafColumn[] = ['heure', 'accompagne_depuis'];

export const DEFAULT_TIME = '09:00';

/** Bounds of a CAF flow (docs/bounds.md): a Département's monthly flow is a few thousand rows. */
export const cafBounds = {
  /** The file, read whole into memory. */
  fileBytes: 32 * 1024 * 1024,
  /** Data records in one file. */
  records: 200_000,
  /** One cell: the longest valid value is an id of 64 characters. */
  cellChars: 200,
  /** What the rejection report quotes of a cell as read. */
  quotedChars: 64,
} as const;
export const DEFAULT_CONCURRENCY = 20;

/** A file the import cannot read at all (unreadable, not UTF-8, wrong header, broken quoting). */
export class InvalidImportFile extends Error {}

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

// ---------------------------------------------------------------------------
// One row

// Messages read after the column's name: « taille_foyer : entier de 1 à 99 attendu ».
const flowTypeSchema = z.enum(['ouverture', 'mutation', 'fin_droit'], {
  error: 'ouverture, mutation ou fin_droit attendu',
});

/** `AAAA-MM-JJ` first: the calendar's own check only runs on that shape. */
const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date attendue au format AAAA-MM-JJ')
  .pipe(civilDateSchema);

const timeSchema = z
  .string()
  .regex(/^(?:|([01]?\d|2[0-3])[:hH]([0-5]\d))$/, 'heure attendue au format HH:mm (ex. 09:00)')
  .transform((s) => {
    const m = /^(\d{1,2})[:hH](\d{2})$/.exec(s);
    return m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : DEFAULT_TIME;
  });

const territorySchema = z
  .string()
  .min(1, 'requis pour une ouverture ou une mutation')
  .pipe(
    z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'identifiant en minuscules, sans accent (ex. lens-lievin)')
      .pipe(territoryCodeSchema),
  );

const householdSizeSchema = z
  .string()
  .min(1, 'requise pour une ouverture ou une mutation')
  .pipe(z.string().regex(/^\d+$/, 'nombre entier de personnes attendu'))
  .transform(Number)
  .refine((n) => n >= 1 && n <= 99, 'entier de 1 à 99 attendu');

const majoreSchema = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(['oui', 'non'], { error: '« oui » ou « non » attendu' }))
  .transform((s) => s === 'oui');

const optionalDateSchema = z.union([z.literal('').transform(() => undefined), dateSchema]);

/** A validated row: what the import does with it. */
export type CafRow =
  | {
      flow: 'ouverture' | 'mutation';
      beneficiaryId: string;
      /** Date of effect (date_effet at heure, Paris), as an instant. */
      effectiveAt: Date;
      territory: string;
      household: { size: number; majore: boolean };
      accompaniedSince?: string;
    }
  | { flow: 'fin_droit'; beneficiaryId: string; effectiveAt: Date };

/**
 * The schema of one row (cells by column name, already trimmed; a missing optional
 * column is an empty cell). `now` bounds the dates: nothing takes effect in the future.
 */
export function cafRowSchema(now: Date = new Date()) {
  const today = civilDateOf(now);
  return z
    .object({
      id_pseudonyme: pseudonymousIdSchema,
      type_flux: flowTypeSchema,
      date_effet: dateSchema,
      heure: timeSchema,
      territoire: z.string(),
      taille_foyer: z.string(),
      rsa_majore: z.string(),
      accompagne_depuis: z.string(),
    })
    .strict()
    .transform((r, ctx): CafRow => {
      const effectiveAt = parisInstant(r.date_effet, r.heure);
      if (effectiveAt.getTime() > now.getTime())
        ctx.addIssue({
          code: 'custom',
          path: ['date_effet'],
          message: `date d’effet dans le futur (${formatParis(effectiveAt, true)}) : rien ne prend effet avant d’avoir eu lieu`,
        });
      if (r.type_flux === 'fin_droit')
        return { flow: 'fin_droit', beneficiaryId: r.id_pseudonyme, effectiveAt };

      const fields = {
        territoire: territorySchema,
        taille_foyer: householdSizeSchema,
        rsa_majore: majoreSchema,
      };
      const out: Record<string, unknown> = {};
      for (const [key, schema] of Object.entries(fields)) {
        const parsed = schema.safeParse(r[key as keyof typeof fields]);
        if (parsed.success) out[key] = parsed.data;
        else
          for (const i of parsed.error.issues)
            ctx.addIssue({ code: 'custom', path: [key], message: i.message });
      }
      const since = optionalDateSchema.safeParse(r.accompagne_depuis);
      if (!since.success)
        for (const i of since.error.issues)
          ctx.addIssue({ code: 'custom', path: ['accompagne_depuis'], message: i.message });
      else if (since.data && since.data > today)
        ctx.addIssue({
          code: 'custom',
          path: ['accompagne_depuis'],
          message: 'date de début d’accompagnement dans le futur',
        });
      return {
        flow: r.type_flux,
        beneficiaryId: r.id_pseudonyme,
        effectiveAt,
        territory: out.territoire as string,
        household: { size: out.taille_foyer as number, majore: out.rsa_majore as boolean },
        ...(since.success && since.data ? { accompaniedSince: since.data } : {}),
      };
    });
}

/** One data record of the file: its line, and either a valid row or the French reason it is rejected. */
export type CafRecord = {
  /** Line of the file where the record starts (the header is line 1). */
  line: number;
  /** As read (for the rejection report), or null when the cell is missing. */
  beneficiaryId: string | null;
  flowType: string | null;
} & ({ ok: true; row: CafRow } | { ok: false; reason: string });

const csvErrors: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'guillemet ouvert jamais refermé',
  CSV_INVALID_CLOSING_QUOTE: 'guillemet fermant mal placé',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'nombre de colonnes incohérent',
};

/**
 * Reads the flow (bytes as read from disk): header checked, each record validated.
 * Throws InvalidImportFile, in French, when the file cannot be read as a CAF flow.
 */
export function parseCafFlow(content: Buffer | string, now: Date = new Date()): CafRecord[] {
  let text: string;
  try {
    text = typeof content === 'string' ? content : new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw new InvalidImportFile(
      'Le fichier n’est pas encodé en UTF-8 : enregistrez-le au format « CSV UTF-8 (délimité par des points-virgules) ».',
    );
  }
  // One line ending everywhere: csv-parse then counts lines exactly.
  text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let records: { record: string[]; info: { lines: number } }[];
  // Where the last good record ended: a broken one starts after it.
  let lastGoodLine = 0;
  try {
    records = parse(text, {
      delimiter: ';',
      info: true,
      trim: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record, context) => {
        lastGoodLine = context.lines;
        return record;
      },
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    throw new InvalidImportFile(
      `Fichier CSV illisible à partir de la ligne ${lastGoodLine + 1} : ${csvErrors[err.code] ?? err.message}.`,
    );
  }
  const [head, ...body] = records;
  if (!head) throw new InvalidImportFile('Le fichier est vide : une ligne d’en-tête est attendue.');
  const header = head.record.map((h) => truncate(cleanText(h.toLowerCase()), cafBounds.quotedChars));
  if (header.length === 1 && /[,\t]/.test(header[0]!))
    throw new InvalidImportFile(
      'En-tête illisible : les colonnes doivent être séparées par des points-virgules (« ; »).',
    );
  const unknown = header.filter((h) => !(cafColumns as readonly string[]).includes(h));
  const missing = cafColumns.filter((c) => !header.includes(c) && !optionalColumns.includes(c));
  const doubled = header.filter((h, i) => header.indexOf(h) !== i);
  const named = (list: string[]) => list.slice(0, 5).join(', ') + (list.length > 5 ? '…' : '');
  const problems = [
    ...(unknown.length ? [`colonne(s) inconnue(s) : ${named(unknown)}`] : []),
    ...(missing.length ? [`colonne(s) manquante(s) : ${missing.join(', ')}`] : []),
    ...(doubled.length ? [`colonne(s) en double : ${doubled.join(', ')}`] : []),
  ];
  if (problems.length)
    throw new InvalidImportFile(
      `En-tête invalide (${problems.join(' ; ')}). Colonnes attendues : ${cafColumns.join(';')}.`,
    );

  if (body.length > cafBounds.records)
    throw new InvalidImportFile(
      `Le fichier compte ${body.length} lignes : ${cafBounds.records} au plus par import (découpez-le).`,
    );
  const schema = cafRowSchema(now);
  const out: CafRecord[] = [];
  for (const { record, info } of body) {
    // A line of empty cells (a spreadsheet's trailing « ;;;; ») is not a record.
    if (record.every((cell) => cell === '')) continue;
    const embedded = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    const line = info.lines - embedded;
    const cells = Object.fromEntries(
      cafColumns.map((c) => {
        const i = header.indexOf(c);
        return [c, i >= 0 ? (record[i] ?? '') : ''];
      }),
    ) as Record<CafColumn, string>;
    // As read, for the report: cleaned and cut (a cell is never echoed whole).
    const asRead = (cell: string) => truncate(cleanText(cell), cafBounds.quotedChars) || null;
    const known = {
      line,
      beneficiaryId: asRead(cells.id_pseudonyme),
      flowType: asRead(cells.type_flux),
    };
    const long = cafColumns.find((c) => cells[c].length > cafBounds.cellChars);
    if (long) {
      out.push({ ...known, ok: false, reason: `${long} : ${cafBounds.cellChars} caractères au plus` });
      continue;
    }
    if (record.length !== header.length) {
      out.push({
        ...known,
        ok: false,
        reason: `${record.length} colonne(s) au lieu de ${header.length} (séparateur attendu : « ; »)`,
      });
      continue;
    }
    const parsed = schema.safeParse(cells);
    out.push(
      parsed.success
        ? { ...known, ok: true, row: parsed.data }
        : { ...known, ok: false, reason: frenchIssues(parsed.error) },
    );
  }
  return out;
}

// ---------------------------------------------------------------------------
// The import

export interface ImportCounts {
  /** Paths started by this import. */
  created: number;
  /** Opening or transfer of a path that already existed: nothing changed. */
  existing: number;
  /** `fin_droit` sent to a running path. */
  ended: number;
  /** `fin_droit` for a path already closed: nothing changed. */
  alreadyEnded: number;
  rejected: number;
}

export interface Rejection {
  line: number;
  beneficiaryId: string | null;
  flowType: string | null;
  reason: string;
}

export interface ImportSummary extends ImportCounts {
  file: string;
  /** Data records in the file (blank lines excluded). */
  records: number;
  /** Rejected rows, by line. */
  rejections: Rejection[];
  /** `<file>.rejets.csv`, or null when no row was rejected. */
  rejectionReport: string | null;
  /** The import resumed after this line (a checkpoint of an interrupted run), or null. */
  resumedAfterLine: number | null;
  /** A checkpoint was found for another version of the file: the import started over. */
  staleCheckpoint: boolean;
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

/** `<file>.reprise.json`: everything about lines up to `lastLine` is settled. */
const checkpointSchema = z.object({
  version: z.literal(1),
  sha256: z.string(),
  lastLine: z.number().int().nonnegative(),
  updatedAt: z.string().optional(),
  counts: z
    .object({
      created: z.number(),
      existing: z.number(),
      ended: z.number(),
      alreadyEnded: z.number(),
      rejected: z.number(),
    })
    .optional(),
  rejections: z
    .array(
      z.object({
        line: z.number(),
        beneficiaryId: z.string().nullable(),
        flowType: z.string().nullable(),
        reason: z.string(),
      }),
    )
    .optional(),
});
export type ImportCheckpoint = z.infer<typeof checkpointSchema>;

export const checkpointPath = (file: string): string => `${file}.reprise.json`;
export const rejectionReportPath = (file: string): string => `${file}.rejets.csv`;

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

const csvCell = (value: string | number | null): string => {
  // A cell a spreadsheet would read as a formula (« =HYPERLINK(…) ») is quoted as text.
  const s = value === null ? '' : String(value).replace(/^[=+\-@\t\r]/, "'$&");
  return /[;"\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The rejection report: UTF-8 with a BOM (a spreadsheet opens it as is), semicolons. */
export function rejectionCsv(rejections: Rejection[]): string {
  const lines = [
    'ligne;id_pseudonyme;type_flux;motif',
    ...rejections.map((r) =>
      [r.line, r.beneficiaryId, r.flowType, r.reason].map((v) => csvCell(v)).join(';'),
    ),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
