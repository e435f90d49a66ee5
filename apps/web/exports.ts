/**
 * A list of the web app as a file: CSV (csv-stringify, « ; » as a French
 * spreadsheet expects, UTF-8 with its byte-order mark) or XLSX
 * (write-excel-file). The whole list with the page's filters, not just the page
 * shown, bounded (EXPORT_MAX_ROWS): above it the export is refused in French and
 * the person narrows the filters. A text cell a spreadsheet would read as a
 * formula (starting with = + - @, a tab or a carriage return) is prefixed with a
 * single quote (OWASP « CSV injection »): ids and codes never start so, but a
 * partner's refusal reason or a free label might.
 */
import { stringify } from 'csv-stringify/sync';
import writeXlsxFile from 'write-excel-file/node';
import type { FastifyReply } from 'fastify';
import { formatParis } from '../../domain/calendar.js';
import { neutralise } from '../../domain/spreadsheet.js';

/** The most rows one export carries (a spreadsheet stays usable; a request stays short). */
export const EXPORT_MAX_ROWS = 50_000;

export type ExportFormat = 'csv' | 'xlsx';
export type CellValue = string | number | Date | null | undefined;

/** One column of an export: its French header and how a row gives its value. */
export interface ExportColumn<T> {
  header: string;
  value: (row: T) => CellValue;
}

/** A whole list ready for export: its file name (without extension), columns and rows. */
export interface ExportedList<T> {
  name: string;
  columns: ExportColumn<T>[];
  rows: T[];
}

/** A text a spreadsheet would take for a formula, made inert. */
export { neutralise };

/** A value as a spreadsheet cell's text: instants in Paris time, texts neutralised. */
function cellText(v: CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return formatParis(v, true);
  return typeof v === 'number' ? String(v) : neutralise(v);
}

/** The refusal of an export above the bound, or null. */
export function exportRefusal(total: number, max = EXPORT_MAX_ROWS): string | null {
  if (total <= max) return null;
  const n = (x: number) => new Intl.NumberFormat('fr-FR').format(x);
  return `Export refusé : la liste compte ${n(total)} lignes, au plus ${n(max)} par export ; précisez les filtres (territoire, organisme, référent, étape).`;
}

export function toCsv<T>(columns: ExportColumn<T>[], rows: T[]): string {
  const records = rows.map((r) => columns.map((c) => cellText(c.value(r))));
  // The byte-order mark makes a French spreadsheet read the file as UTF-8 (accents).
  return (
    '\ufeff' +
    stringify([columns.map((c) => c.header), ...records], { delimiter: ';', record_delimiter: '\n' })
  );
}

export async function toXlsx<T>(columns: ExportColumn<T>[], rows: T[], sheet: string): Promise<Buffer> {
  const cell = (v: CellValue) =>
    typeof v === 'number' ? { value: v, type: Number } : { value: cellText(v), type: String };
  const data = [
    columns.map((c) => ({ value: c.header, type: String, fontWeight: 'bold' as const })),
    ...rows.map((r) => columns.map((c) => cell(c.value(r)))),
  ];
  return writeXlsxFile(data, { sheet: sheet.slice(0, 31) }).toBuffer();
}

/** Sends the rows as a downloaded file named `<name>.<format>`. */
export async function sendExport<T>(
  reply: FastifyReply,
  format: ExportFormat,
  name: string,
  columns: ExportColumn<T>[],
  rows: T[],
): Promise<FastifyReply> {
  reply.header('content-disposition', `attachment; filename="${name}.${format}"`);
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(columns, rows));
  return reply
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .send(await toXlsx(columns, rows, name));
}
