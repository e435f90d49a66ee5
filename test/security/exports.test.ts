/**
 * The web app's exports (apps/web/exports.ts): a text a spreadsheet would run as
 * a formula comes back inert in CSV and XLSX alike (OWASP « CSV injection »), a
 * list above the bound is refused in French, and the CSV is the one a French
 * spreadsheet opens (« ; », UTF-8 with its mark), read back by csv-parse.
 */
import { parse } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';
import { describe, expect, it } from 'vitest';
import {
  EXPORT_MAX_ROWS,
  exportRefusal,
  neutralise,
  toCsv,
  toXlsx,
  type ExportColumn,
} from '../../apps/web/exports.js';

const hostile = ['=1+1', '+33 6', '-2+3', '@SUM(A1)', '\tcaché', '\rretour', '=HYPERLINK("http://x";"clic")'];
const columns: ExportColumn<{ text: string; n: number | null; at: Date | null }>[] = [
  { header: 'Texte', value: (r) => r.text },
  { header: 'Nombre', value: (r) => r.n },
  { header: 'Instant', value: (r) => r.at },
];
const rows = hostile.map((text, i) => ({
  text,
  n: i === 0 ? null : -i,
  at: new Date('2026-03-01T08:00:00Z'),
}));

describe('exports', () => {
  it('neutralise every text starting with = + - @, a tab or a carriage return, and nothing else', () => {
    for (const t of hostile) expect(neutralise(t)).toBe(`'${t}`);
    for (const t of ['CAS-1', 'ref-7', 'lens-lievin', 'a=b', '']) expect(neutralise(t)).toBe(t);
  });

  it('CSV: « ; », quoted where needed, formulas inert, numbers as numbers, instants in Paris time', () => {
    const csv = toCsv(columns, rows);
    expect(csv.startsWith('\ufeffTexte;Nombre;Instant\n')).toBe(true);
    const back = parse(csv, { delimiter: ';', bom: true }) as string[][];
    expect(back.slice(1).map((r) => r[0])).toEqual(hostile.map((t) => `'${t}`));
    expect(back[1]?.[1]).toBe('');
    expect(back[2]?.[1]).toBe('-1');
    expect(back[1]?.[2]).toBe('01/03/2026 à 09:00');
  });

  it('XLSX: the same cells, read back by read-excel-file', async () => {
    const sheet = await readSheet(await toXlsx(columns, rows, 'retards-jalons'));
    expect(sheet[0]).toEqual(['Texte', 'Nombre', 'Instant']);
    expect(sheet.slice(1).map((r) => r[0])).toEqual(hostile.map((t) => `'${t}`));
    expect(sheet[2]?.[1]).toBe(-1);
  });

  it('refuses in French a list longer than the bound, at the bound and no sooner', () => {
    expect(exportRefusal(EXPORT_MAX_ROWS)).toBeNull();
    expect(exportRefusal(EXPORT_MAX_ROWS + 1)).toBe(
      'Export refusé : la liste compte 50\u202f001 lignes, au plus 50\u202f000 par export ; précisez les filtres (territoire, organisme, référent, étape).',
    );
  });
});
