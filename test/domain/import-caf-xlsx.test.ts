/**
 * The CAF flow as an XLSX workbook (docs/import-caf.md « Fichier XLSX »): the same
 * records as the CSV of the same rows, Excel dates and times read as Paris wall-clock,
 * formulas inert in the rejection report, a broken workbook refused in French.
 */
import writeXlsxFile from 'write-excel-file/node';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parisInstant } from '../../domain/calendar.js';
import {
  cafBounds,
  cafColumns,
  InvalidImportFile,
  isXlsxFlow,
  parseCafFlow,
  parseCafXlsx,
  refuseZipBomb,
  rejectionCsv,
  XLSX_UNZIPPED_MAX_BYTES,
  type CafRecord,
} from '../../services/import-caf.js';

const now = new Date('2026-06-15T10:00:00+02:00');
type Cell = string | number | boolean | Date | null;

/** A workbook whose first sheet holds these rows (a Date cell shown as a date, or as a time). */
async function workbook(rows: Cell[][], timeColumn = -1): Promise<Buffer> {
  const data = rows.map((row) =>
    row.map((value, i) => {
      if (value === null) return null;
      if (value instanceof Date)
        return { value, type: Date, format: i === timeColumn ? 'hh:mm' : 'dd/mm/yyyy' };
      if (typeof value === 'number') return { value, type: Number };
      if (typeof value === 'boolean') return { value, type: Boolean };
      return { value, type: String };
    }),
  );
  return writeXlsxFile(data).toBuffer();
}

const opening: Record<(typeof cafColumns)[number], string> = {
  id_pseudonyme: 'B-0042',
  type_flux: 'ouverture',
  date_effet: '2026-01-05',
  heure: '',
  territoire: 'lens-lievin',
  taille_foyer: '1',
  rsa_majore: 'non',
  accompagne_depuis: '',
};
const row = (cells: Partial<typeof opening>): string[] =>
  cafColumns.map((c) => ({ ...opening, ...cells })[c]);
const summary = (records: CafRecord[]) =>
  records.map((r) => [r.line, r.beneficiaryId, r.ok ? r.row.flow : r.reason]);

describe('reading a CAF flow from an XLSX workbook', () => {
  // Line numbers: the header is line 1 (row 1 of the sheet).
  const rows: string[][] = [
    [...cafColumns],
    /* 2 */ row({ id_pseudonyme: 'A-1' }),
    /* 3 */ row({
      id_pseudonyme: 'A-2',
      type_flux: 'mutation',
      heure: '14:30',
      territoire: 'audomarois',
      taille_foyer: '3',
      rsa_majore: 'OUI',
      accompagne_depuis: '2024-09-02',
    }),
    /* 4 */ row({ id_pseudonyme: 'A-3', date_effet: '2026-02-30' }),
    /* 5 */ row({ id_pseudonyme: 'A-4', taille_foyer: '0' }),
    /* 6 */ row({
      id_pseudonyme: 'A-5',
      type_flux: 'fin_droit',
      territoire: '',
      taille_foyer: '',
      rsa_majore: '',
    }),
    /* 7 */ row({ id_pseudonyme: 'A 6' }),
    /* 8 */ row({ id_pseudonyme: 'A-7', date_effet: '2026-07-01' }),
  ];

  it('gives the very records the CSV of the same rows gives', async () => {
    const csv = `${rows.map((r) => r.join(';')).join('\r\n')}\r\n`;
    const fromCsv = parseCafFlow(csv, now);
    const fromXlsx = await parseCafXlsx(await workbook(rows), now);
    expect(fromXlsx).toEqual(fromCsv);
    expect(summary(fromXlsx)).toEqual([
      [2, 'A-1', 'ouverture'],
      [3, 'A-2', 'mutation'],
      [4, 'A-3', 'date_effet : date inexistante'],
      [5, 'A-4', 'taille_foyer : entier de 1 à 99 attendu'],
      [6, 'A-5', 'fin_droit'],
      [7, 'A 6', expect.stringMatching(/^id_pseudonyme : /)],
      [8, 'A-7', expect.stringContaining('date_effet : date d’effet dans le futur')],
    ]);
  });

  it('reads an Excel date as the date shown (Paris), a time cell as the hour, numbers as text', async () => {
    // What a person in Paris typed: 01/03/2026 and 14:30; Excel stores them without a zone.
    const shown = new Date(Date.UTC(2026, 2, 1));
    const time = new Date(Date.UTC(1899, 11, 30, 14, 30));
    const since = new Date(Date.UTC(2024, 8, 2));
    const sheet = await workbook(
      [
        [...cafColumns],
        ['B-1', 'ouverture', shown, time, 'lens-lievin', 3, 'oui', since],
        ['B-2', 'ouverture', shown, null, 'lens-lievin', 1.5, 'non', null],
        ['B-3', 'ouverture', 20260301, null, 'lens-lievin', 1, 'non', null],
        ['B-4', 'ouverture', shown, null, 'lens-lievin', 1, true, null],
      ],
      cafColumns.indexOf('heure'),
    );
    const [b1, b2, b3, b4] = await parseCafXlsx(sheet, now);
    expect(b1).toMatchObject({
      line: 2,
      ok: true,
      row: {
        effectiveAt: parisInstant('2026-03-01', '14:30'),
        household: { size: 3, majore: true },
        accompaniedSince: '2024-09-02',
      },
    });
    expect(b1?.ok && b1.row.effectiveAt.toISOString()).toBe('2026-03-01T13:30:00.000Z');
    expect(b2).toMatchObject({ ok: false, reason: 'taille_foyer : nombre entier de personnes attendu' });
    expect(b3).toMatchObject({ ok: false, reason: 'date_effet : date attendue au format AAAA-MM-JJ' });
    // A checkbox reads as a French spreadsheet writes it in a CSV: « VRAI », not « oui ».
    expect(b4).toMatchObject({ ok: false, reason: 'rsa_majore : « oui » ou « non » attendu' });
  });

  it('numbers records by sheet row: empty rows above the header and between records are skipped', async () => {
    const sheet = await workbook([
      [],
      [...cafColumns],
      row({ id_pseudonyme: 'C-1' }),
      [],
      [],
      row({ id_pseudonyme: 'C-2' }),
      [...row({ id_pseudonyme: 'C-3' }), '', 'en trop'],
    ]);
    expect(summary(await parseCafXlsx(sheet, now))).toEqual([
      [3, 'C-1', 'ouverture'],
      [6, 'C-2', 'ouverture'],
      [7, 'C-3', '10 colonne(s) au lieu de 8 (cellule remplie hors des colonnes de l’en-tête)'],
    ]);
  });

  it('rejects an id typed in a number cell (its leading zeros are already gone), not another beneficiary', async () => {
    const sheet = await workbook([
      [...cafColumns],
      ['D-1', 'ouverture', '2026-01-05', '', 'lens-lievin', '1', 'non', ''],
      [123, 'ouverture', '2026-01-05', '', 'lens-lievin', '1', 'non', ''],
      ['000123', 'ouverture', '2026-01-05', '', 'lens-lievin', '1', 'non', ''],
    ]);
    expect(summary(await parseCafXlsx(sheet, now))).toEqual([
      [2, 'D-1', 'ouverture'],
      [
        3,
        '123',
        'id_pseudonyme : cellule au format nombre (un tableur efface les zéros en tête) : mettez la colonne au format texte',
      ],
      [4, '000123', 'ouverture'],
    ]);
  });

  it('neutralises a formula-looking cell of a rejected row in the rejection report', async () => {
    const hyperlink = '=HYPERLINK("http://x.example";"clic")';
    const records = await parseCafXlsx(
      await workbook([[...cafColumns], row({ id_pseudonyme: hyperlink })]),
      now,
    );
    const rejected = records.flatMap((r) =>
      r.ok ? [] : [{ line: r.line, beneficiaryId: r.beneficiaryId, flowType: r.flowType, reason: r.reason }],
    );
    expect(rejected).toHaveLength(1);
    const report = rejectionCsv(rejected);
    expect(report).toContain(`;"'=HYPERLINK(""http://x.example"";""clic"")";ouverture;`);
    expect(report).not.toMatch(/;"?=HYPERLINK/);
  });

  it('checks the header as the CSV does', async () => {
    const sheet = await workbook([
      [...cafColumns, 'nom'],
      [...row({}), 'Dupont'],
    ]);
    await expect(parseCafXlsx(sheet, now)).rejects.toThrow('En-tête invalide (colonne(s) inconnue(s) : nom)');
    await expect(parseCafXlsx(await workbook([[]]), now)).rejects.toThrow('Le fichier est vide');
  });

  const notXlsx = 'Fichier XLSX illisible : ce n’est pas un classeur .xlsx (archive illisible).';
  it.each([
    ['bytes that are no workbook', Buffer.from('id_pseudonyme;type_flux\n'), notXlsx],
    ['a broken archive', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64, 7)]), notXlsx],
    [
      'a legacy .xls',
      Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600)]),
      'Fichier XLSX illisible : format .xls (Excel 97-2003) non pris en charge, enregistrez-le au format .xlsx.',
    ],
  ])('refuses %s in one French sentence', async (_, bytes, message) => {
    await expect(parseCafXlsx(bytes, now)).rejects.toThrow(InvalidImportFile);
    await expect(parseCafXlsx(bytes, now)).rejects.toThrow(message);
  });

  it('refuses a workbook that would unzip beyond the bound, without inflating it (a zip bomb)', async () => {
    // 1 MiB of zeros deflates to about a kilobyte: the declared size is what counts.
    const bomb = Buffer.from(zipSync({ 'xl/worksheets/sheet1.xml': new Uint8Array(2 ** 20) }, { level: 9 }));
    expect(bomb.length).toBeLessThan(8 * 1024);
    expect(() => refuseZipBomb(bomb, 2 ** 20)).not.toThrow();
    expect(() => refuseZipBomb(bomb, 2 ** 20 - 1)).toThrow(InvalidImportFile);
    expect(() => refuseZipBomb(bomb, 2 ** 19)).toThrow(
      'Fichier XLSX refusé : une fois décompressé, il ferait 1 Mio, au plus 0,5 Mio.',
    );
    // A real flow's workbook is far below the default bound, and reads.
    const sheet = await workbook([[...cafColumns]]);
    expect(() => refuseZipBomb(sheet)).not.toThrow();
    expect(XLSX_UNZIPPED_MAX_BYTES).toBe(256 * 2 ** 20);
  });

  it('refuses a workbook above the row bound, before any row is validated', async () => {
    const many = Array.from({ length: cafBounds.records + 1 }, (_, i) => [`R-${i}`]);
    const sheet = await workbook([[...cafColumns], ...many]);
    await expect(parseCafXlsx(sheet, now)).rejects.toThrow(
      `Le fichier compte ${cafBounds.records + 1} lignes : ${cafBounds.records} au plus par import (découpez-le).`,
    );
  }, 60_000);

  it('reads a file as XLSX by its name or by its bytes (an .xlsx renamed .csv, a legacy .xls to refuse)', () => {
    const zip = Buffer.from('PK\x03\x04rest');
    expect(isXlsxFlow('flux.XLSX', Buffer.from('x'))).toBe(true);
    expect(isXlsxFlow('flux.csv', zip)).toBe(true);
    expect(isXlsxFlow('flux.csv', Buffer.from('id_pseudonyme;'))).toBe(false);
    expect(isXlsxFlow('flux.xls', Buffer.from('x'))).toBe(true);
    expect(isXlsxFlow('flux', Buffer.from('d0cf11e0a1b11ae1', 'hex'))).toBe(true);
  });
});
