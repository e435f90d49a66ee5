/**
 * The CAF flow read (docs/import-caf.md): its columns and bounds, each row
 * validated with a French reason, the file refused whole when it cannot be read.
 */
import { parse, CsvError } from 'csv-parse/sync';
import { civilDateOf, civilDateSchema, formatParis, parisInstant } from '../../domain/calendar.js';
import { pseudonymousIdSchema, territoryCodeSchema } from '../../domain/ids.js';
import { cleanText, truncate } from '../../domain/text.js';
import { frenchIssues, z } from '../../domain/validation.js';

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

/** The header's columns, lower case; refused in French when one is unknown, missing or doubled. */
function checkedHeader(record: string[]): string[] {
  const header = record.map((h) => truncate(cleanText(h.toLowerCase()), cafBounds.quotedChars));
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
  return header;
}

/** One record as read, before validation: its cells as text (trimmed) and its line in the file. */
export interface RawRecord {
  cells: string[];
  /** Line of the file (CSV) or row of the sheet (XLSX) where the record starts; the header's is 1. */
  line: number;
  /** Why the record is rejected whatever its cells say (a cell the format itself made unreliable). */
  rejected?: string;
}

/**
 * The CSV's records (bytes as read from disk), blank lines left out.
 * Throws InvalidImportFile, in French, when the file is not UTF-8 or its quoting is broken.
 */
export function csvRecords(content: Buffer | string): RawRecord[] {
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
  return records.map(({ record, info }) => {
    const embedded = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    return { cells: record, line: info.lines - embedded };
  });
}

/**
 * Validates the records of a flow, whatever its format (the header first): header
 * checked, row-count bound, each record validated. `columnHint` follows the reason
 * of a row whose cell count differs from the header's.
 */
export function cafRecordsOf(
  records: RawRecord[],
  now: Date = new Date(),
  columnHint = ' (séparateur attendu : « ; »)',
): CafRecord[] {
  const [head, ...body] = records;
  if (!head) throw new InvalidImportFile('Le fichier est vide : une ligne d’en-tête est attendue.');
  const header = checkedHeader(head.cells);

  if (body.length > cafBounds.records)
    throw new InvalidImportFile(
      `Le fichier compte ${body.length} lignes : ${cafBounds.records} au plus par import (découpez-le).`,
    );
  const schema = cafRowSchema(now);
  const out: CafRecord[] = [];
  for (const { cells: record, line, rejected } of body) {
    // A line of empty cells (a spreadsheet's trailing « ;;;; ») is not a record.
    if (record.every((cell) => cell === '')) continue;
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
    if (rejected) {
      out.push({ ...known, ok: false, reason: rejected });
      continue;
    }
    const long = cafColumns.find((c) => cells[c].length > cafBounds.cellChars);
    if (long) {
      out.push({ ...known, ok: false, reason: `${long} : ${cafBounds.cellChars} caractères au plus` });
      continue;
    }
    if (record.length !== header.length) {
      out.push({
        ...known,
        ok: false,
        reason: `${record.length} colonne(s) au lieu de ${header.length}${columnHint}`,
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

/**
 * Reads the CSV flow (bytes as read from disk): header checked, each record validated.
 * Throws InvalidImportFile, in French, when the file cannot be read as a CAF flow.
 */
export function parseCafFlow(content: Buffer | string, now: Date = new Date()): CafRecord[] {
  return cafRecordsOf(csvRecords(content), now);
}
