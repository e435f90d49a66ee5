/**
 * The CAF flow as an XLSX workbook (docs/import-caf.md « Fichier XLSX »): its first
 * sheet read with read-excel-file into the very records the CSV gives, so validation,
 * bounds (docs/bounds.md), checkpoint and rejection report are the CSV's.
 */
import { extname } from 'node:path';
import { unzipSync } from 'fflate';
import { readSheet, type CellValue, type SheetData } from 'read-excel-file/node';
import { cafRecordsOf, InvalidImportFile, type CafRecord, type RawRecord } from './parse.js';

/** An XLSX is a ZIP archive: its first bytes are « PK\x03\x04 » (an .xlsx renamed .csv is still read as one). */
const zipMagic = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** A legacy .xls (OLE compound file): read here only to be refused with the right advice. */
const oleMagic = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** What a workbook may unzip to: a 200 000-line flow is ~50 MiB of XML (docs/bounds.md). */
export const XLSX_UNZIPPED_MAX_BYTES = 256 * 1024 * 1024;

/**
 * A 32 MiB workbook can declare gigabytes once unzipped (a « zip bomb »): the sizes its
 * entries declare are summed without inflating anything, and too much is refused in French
 * before read-excel-file would run out of memory. A truncated archive is left to it.
 */
const mib = (bytes: number) =>
  new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(bytes / 2 ** 20);

export function refuseZipBomb(bytes: Buffer, max = XLSX_UNZIPPED_MAX_BYTES): void {
  let declared = 0;
  try {
    unzipSync(bytes, {
      filter: (entry) => {
        declared += entry.originalSize;
        return false;
      },
    });
  } catch {
    return;
  }
  if (declared > max)
    throw new InvalidImportFile(
      `Fichier XLSX refusé : une fois décompressé, il ferait ${mib(declared)} Mio, au plus ${mib(max)} Mio.`,
    );
}

/** The flow is read as a workbook when its name ends in .xlsx or .xls, or its bytes are one. */
export function isXlsxFlow(file: string, bytes: Buffer): boolean {
  return (
    ['.xlsx', '.xls'].includes(extname(file).toLowerCase()) ||
    bytes.subarray(0, 4).equals(zipMagic) ||
    bytes.subarray(0, 8).equals(oleMagic)
  );
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * One cell as the CSV would carry it. An Excel date has no time zone: read-excel-file
 * gives the wall-clock it shows as UTC, so its UTC fields are the date (or, in the
 * `heure` column, the time) a person in Paris typed — `AAAA-MM-JJ` / `HH:mm`, the
 * parser's formats. Numbers as text, booleans as a French spreadsheet writes them.
 */
export function xlsxCellText(cell: CellValue | null, column: string | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return '';
    if (column === 'heure') return `${two(cell.getUTCHours())}:${two(cell.getUTCMinutes())}`;
    return `${cell.getUTCFullYear()}-${two(cell.getUTCMonth() + 1)}-${two(cell.getUTCDate())}`;
  }
  if (typeof cell === 'boolean') return cell ? 'VRAI' : 'FAUX';
  return String(cell as string | number).trim();
}

/**
 * An id typed in a number cell: the spreadsheet has already dropped its leading zeros
 * (000123 became 123) or rounded it past 15 digits, so it may name another beneficiary.
 */
const numericId =
  'id_pseudonyme : cellule au format nombre (un tableur efface les zéros en tête) : mettez la colonne au format texte';

/** Drops the empty cells past `keep` (a sheet's used range may be wider than the header). */
function trimmed(cells: string[], keep: number): string[] {
  let end = cells.length;
  while (end > keep && cells[end - 1] === '') end--;
  return cells.slice(0, end);
}

/**
 * The first sheet's records: the header is its first non-empty row, each line the
 * sheet's row number, empty rows left out (as the CSV's blank lines).
 * Throws InvalidImportFile, in French, when the bytes are not a readable XLSX.
 */
export async function xlsxRecords(bytes: Buffer): Promise<RawRecord[]> {
  refuseZipBomb(bytes);
  let rows: SheetData;
  try {
    rows = await readSheet(bytes, 1);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === 'XLS_FILE_NOT_SUPPORTED'
        ? 'format .xls (Excel 97-2003) non pris en charge, enregistrez-le au format .xlsx'
        : code === 'FILE_NOT_SUPPORTED' || code === 'INVALID_ZIP'
          ? 'ce n’est pas un classeur .xlsx (archive illisible)'
          : code === 'NO_DATA'
            ? 'le classeur ne contient aucune feuille'
            : 'contenu du classeur invalide';
    throw new InvalidImportFile(`Fichier XLSX illisible : ${why}.`);
  }
  const records: RawRecord[] = [];
  // The header's columns, lower case: a date cell reads as a time in the `heure` column.
  let columns: string[] | null = null;
  for (const [index, row] of rows.entries()) {
    const raw = row.map((cell) => xlsxCellText(cell, undefined));
    if (raw.every((cell) => cell === '')) continue;
    if (!columns) {
      const header = trimmed(raw, 1);
      columns = header.map((h) => h.toLowerCase());
      records.push({ cells: header, line: index + 1 });
      continue;
    }
    const names = columns;
    const cells = row.map((cell, i) => xlsxCellText(cell, names[i]));
    const id = row[names.indexOf('id_pseudonyme')];
    records.push({
      cells: trimmed(cells, names.length),
      line: index + 1,
      ...(typeof id === 'number' ? { rejected: numericId } : {}),
    });
  }
  return records;
}

/**
 * Reads the XLSX flow: the CSV's header check, bounds and validation on the same records.
 * Throws InvalidImportFile, in French, when the file cannot be read as a CAF flow.
 */
export async function parseCafXlsx(bytes: Buffer, now: Date = new Date()): Promise<CafRecord[]> {
  return cafRecordsOf(await xlsxRecords(bytes), now, ' (cellule remplie hors des colonnes de l’en-tête)');
}
