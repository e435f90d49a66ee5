/** What a CAF import did, and the rejection report written next to the file (`<fichier>.rejets.csv`). */
import { rmSync, writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { neutralise } from '../../domain/spreadsheet.js';

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

export const rejectionReportPath = (file: string): string => `${file}.rejets.csv`;

/** The rejection report: UTF-8 with a BOM (a spreadsheet opens it as is), semicolons, formulas neutralised. */
export function rejectionCsv(rejections: Rejection[]): string {
  const rows = rejections.map((r) => [String(r.line), r.beneficiaryId ?? '', r.flowType ?? '', r.reason]);
  const cells = rows.map((row) => row.map(neutralise));
  return (
    '\uFEFF' +
    stringify([['ligne', 'id_pseudonyme', 'type_flux', 'motif'], ...cells], {
      delimiter: ';',
      record_delimiter: '\r\n',
    })
  );
}

/** Writes the rejection report next to `file` (or removes a stale one): its path, or null without rejections. */
export function writeRejectionReport(file: string, rejections: Rejection[]): string | null {
  const reportFile = rejectionReportPath(file);
  if (rejections.length) writeFileSync(reportFile, rejectionCsv(rejections));
  else rmSync(reportFile, { force: true });
  return rejections.length ? reportFile : null;
}
