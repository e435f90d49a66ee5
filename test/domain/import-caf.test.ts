/**
 * The CAF flow's rows (docs/import-caf.md): what is accepted, each reason a row is
 * rejected (French, by column), the lines reported, and the demo's sample flow.
 */
import { describe, expect, it } from 'vitest';
import { addCalendarDays, civilDateOf, parisInstant } from '../../domain/calendar.js';
import {
  cafColumns,
  cafRowSchema,
  InvalidImportFile,
  parseCafFlow,
  rejectionCsv,
  type CafRecord,
} from '../../services/import-caf.js';
import { pilotTerritories, SAMPLE_SPAN_DAYS, sampleCafFlow } from '../../dev/sample-caf.js';
import { frenchIssues } from '../../domain/validation.js';

const now = new Date('2026-06-15T10:00:00+02:00');
const header = cafColumns.join(';');
const opening = {
  id_pseudonyme: 'B-0042',
  type_flux: 'ouverture',
  date_effet: '2026-01-05',
  heure: '',
  territoire: 'lens-lievin',
  taille_foyer: '1',
  rsa_majore: 'non',
  accompagne_depuis: '',
};
const end = { ...opening, type_flux: 'fin_droit', territoire: '', taille_foyer: '', rsa_majore: '' };

function reasonOf(cells: Record<string, string>): string {
  const parsed = cafRowSchema(now).safeParse(cells);
  return parsed.success ? 'accepté' : frenchIssues(parsed.error);
}

describe('a row of the CAF flow', () => {
  it('accepts an opening, dated at 09:00 Paris by default (UTC+1 in January)', () => {
    expect(cafRowSchema(now).parse(opening)).toEqual({
      flow: 'ouverture',
      beneficiaryId: 'B-0042',
      effectiveAt: new Date('2026-01-05T08:00:00.000Z'),
      territory: 'lens-lievin',
      household: { size: 1, majore: false },
    });
  });

  it('accepts a transfer with its hour (summer time), a majored RSA and an earlier accompaniment', () => {
    const row = cafRowSchema(now).parse({
      ...opening,
      type_flux: 'mutation',
      date_effet: '2026-04-01',
      heure: '14h30',
      taille_foyer: '3',
      rsa_majore: 'OUI',
      accompagne_depuis: '2024-09-02',
    });
    expect(row).toEqual({
      flow: 'mutation',
      beneficiaryId: 'B-0042',
      effectiveAt: new Date('2026-04-01T12:30:00.000Z'),
      territory: 'lens-lievin',
      household: { size: 3, majore: true },
      accompaniedSince: '2024-09-02',
    });
  });

  it('accepts an end of rights whose household cells are empty', () => {
    expect(cafRowSchema(now).parse({ ...end, heure: '8:05' })).toEqual({
      flow: 'fin_droit',
      beneficiaryId: 'B-0042',
      effectiveAt: parisInstant('2026-01-05', '08:05'),
    });
  });

  const tomorrow = addCalendarDays(civilDateOf(now), 1);
  it.each([
    [
      'a name instead of a pseudonymous id',
      { id_pseudonyme: 'Jean Dupont' },
      'id_pseudonyme : identifiant pseudonyme attendu',
    ],
    ['an empty id', { id_pseudonyme: '' }, 'id_pseudonyme : identifiant pseudonyme attendu'],
    [
      'an unknown flow type',
      { type_flux: 'radiation' },
      'type_flux : ouverture, mutation ou fin_droit attendu',
    ],
    ['a French-style date', { date_effet: '05/01/2026' }, 'date_effet : date attendue au format AAAA-MM-JJ'],
    ['a date that does not exist', { date_effet: '2026-02-30' }, 'date_effet : date inexistante'],
    ['a date in the future', { date_effet: tomorrow }, 'date_effet : date d’effet dans le futur'],
    [
      'today, at an hour still to come',
      { date_effet: '2026-06-15', heure: '18:00' },
      'date_effet : date d’effet dans le futur (15/06/2026 à 18:00)',
    ],
    ['an hour out of range', { heure: '25:00' }, 'heure : heure attendue au format HH:mm (ex. 09:00)'],
    ['a missing territory', { territoire: '' }, 'territoire : requis pour une ouverture ou une mutation'],
    [
      'a territory as written on a letter',
      { territoire: 'Lens-Liévin' },
      'territoire : identifiant en minuscules, sans accent',
    ],
    ['an empty household', { taille_foyer: '0' }, 'taille_foyer : entier de 1 à 99 attendu'],
    ['a household in words', { taille_foyer: 'deux' }, 'taille_foyer : nombre entier de personnes attendu'],
    [
      'a missing household',
      { taille_foyer: '' },
      'taille_foyer : requise pour une ouverture ou une mutation',
    ],
    ['neither oui nor non', { rsa_majore: 'peut-être' }, 'rsa_majore : « oui » ou « non » attendu'],
    [
      'an impossible accompaniment date',
      { accompagne_depuis: '2025-13-01' },
      'accompagne_depuis : date inexistante',
    ],
    [
      'an accompaniment in the future',
      { accompagne_depuis: tomorrow },
      'accompagne_depuis : date de début d’accompagnement dans le futur',
    ],
  ])('rejects %s', (_, change, reason) => {
    expect(reasonOf({ ...opening, ...change })).toContain(reason);
  });

  it('gives every reason of a row at once', () => {
    expect(reasonOf({ ...opening, territoire: 'Lens', taille_foyer: '0', rsa_majore: 'x' })).toBe(
      'territoire : identifiant en minuscules, sans accent (ex. lens-lievin) ; taille_foyer : entier de 1 à 99 attendu ; rsa_majore : « oui » ou « non » attendu',
    );
  });

  it('rejects an end of rights dated in the future too', () => {
    expect(reasonOf({ ...end, date_effet: tomorrow })).toContain('date_effet : date d’effet dans le futur');
  });
});

describe('reading a CAF flow file', () => {
  const row = (cells: Partial<typeof opening>): string =>
    cafColumns.map((c) => ({ ...opening, ...cells })[c]).join(';');
  const summary = (records: CafRecord[]) =>
    records.map((r) => [r.line, r.beneficiaryId, r.ok ? r.row.flow : r.reason]);

  it('numbers each record by its line in the file (BOM, CRLF, blank lines, a quoted line break)', () => {
    const file = [
      `\uFEFF${header}`,
      row({ id_pseudonyme: 'A-1' }),
      '',
      ';;;;;;;',
      row({ id_pseudonyme: 'A-2', territoire: '"lens-\nlievin"' }),
      row({ id_pseudonyme: 'A-3', taille_foyer: '0' }),
      'A-4;ouverture;2026-01-05',
      `${row({ id_pseudonyme: 'A-5' }).replace('ouverture', 'fin_droit')}`,
    ].join('\r\n');
    expect(summary(parseCafFlow(file, now))).toEqual([
      [2, 'A-1', 'ouverture'],
      [5, 'A-2', 'territoire : identifiant en minuscules, sans accent (ex. lens-lievin)'],
      [7, 'A-3', 'taille_foyer : entier de 1 à 99 attendu'],
      [8, 'A-4', '3 colonne(s) au lieu de 8 (séparateur attendu : « ; »)'],
      [9, 'A-5', 'fin_droit'],
    ]);
  });

  it('takes the columns by name, in any order and case; heure and accompagne_depuis may be left out', () => {
    const file =
      'TERRITOIRE;id_pseudonyme;type_flux;date_effet;taille_foyer;rsa_majore\naudomarois;A-1;ouverture;2026-03-02;2;oui\n';
    const [record] = parseCafFlow(file, now);
    expect(record).toMatchObject({
      line: 2,
      ok: true,
      row: {
        beneficiaryId: 'A-1',
        territory: 'audomarois',
        household: { size: 2, majore: true },
        effectiveAt: parisInstant('2026-03-02', '09:00'),
      },
    });
  });

  it.each([
    [
      'an unknown column (no personal data is taken in)',
      `${header};nom\n`,
      'En-tête invalide (colonne(s) inconnue(s) : nom)',
    ],
    [
      'a missing column',
      'id_pseudonyme;type_flux;date_effet;territoire;taille_foyer\n',
      'colonne(s) manquante(s) : rsa_majore',
    ],
    ['a column twice', `${header};territoire\n`, 'colonne(s) en double : territoire'],
    ['commas instead of semicolons', `${cafColumns.join(',')}\n`, 'séparées par des points-virgules'],
    ['an empty file', '', 'Le fichier est vide'],
    [
      'a quote never closed',
      `${header}\n${row({ id_pseudonyme: 'A-1' })}\nA-2;"ouverture;2026-01-05;;lens-lievin;1;non;\n${row({ id_pseudonyme: 'A-3' })}\n`,
      'Fichier CSV illisible à partir de la ligne 3 : guillemet ouvert jamais refermé.',
    ],
  ])('refuses the whole file with %s', (_, content, message) => {
    expect(() => parseCafFlow(content, now)).toThrow(InvalidImportFile);
    expect(() => parseCafFlow(content, now)).toThrow(message);
  });

  it('refuses a file that is not UTF-8 (a Latin-1 export)', () => {
    const latin1 = Buffer.from(`${header}\n${row({ territoire: 'béthune' })}\n`, 'latin1');
    expect(() => parseCafFlow(latin1, now)).toThrow('n’est pas encodé en UTF-8');
  });

  it('writes the rejection report as a spreadsheet reads it, a reason with « ; » quoted', () => {
    expect(
      rejectionCsv([
        { line: 4, beneficiaryId: 'A-3', flowType: 'ouverture', reason: 'a ; b' },
        { line: 9, beneficiaryId: null, flowType: null, reason: 'dit "non"' },
      ]),
    ).toBe('\uFEFFligne;id_pseudonyme;type_flux;motif\r\n4;A-3;ouverture;"a ; b"\r\n9;;;"dit ""non"""\r\n');
  });
});

describe('the sample CAF flow of the demo', () => {
  const csv = sampleCafFlow(now);
  const records = parseCafFlow(csv, now);

  it('is the same for the same instant, and another for another day', () => {
    expect(sampleCafFlow(new Date(now))).toBe(csv);
    expect(sampleCafFlow(new Date(now.getTime() + 86_400_000))).not.toBe(csv);
    expect(sampleCafFlow(now, 120).split('\r\n').filter(Boolean)).toHaveLength(121);
  });

  it('has 300 records with fictitious ids only, all but the faulty ones valid', () => {
    expect(csv.startsWith(`${header}\r\n`)).toBe(true);
    expect(records).toHaveLength(300);
    expect(records.every((r) => /^CAF-\d{6}$/.test(r.beneficiaryId ?? ''))).toBe(true);
    // The 6 rows written with a mistake of form; the 7th (an unknown id's end of rights) is refused at import.
    expect(records.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.reason.split(' : ')[0]))).toEqual([
      'date_effet',
      'type_flux',
      'taille_foyer',
      'rsa_majore',
      'territoire',
      'date_effet',
    ]);
    expect(records.filter((r) => r.beneficiaryId === 'CAF-999999').map((r) => r.flowType)).toEqual([
      'fin_droit',
    ]);
  });

  it('spreads openings over the past 8 months, across the pilot territories in their proportions', () => {
    const openings = records.flatMap((r) => (r.ok && r.row.flow !== 'fin_droit' ? [r.row] : []));
    const earliest = parisInstant(addCalendarDays(civilDateOf(now), -SAMPLE_SPAN_DAYS));
    expect(openings.every((o) => o.effectiveAt >= earliest && o.effectiveAt <= now)).toBe(true);
    const perTerritory = pilotTerritories.map((t) => openings.filter((o) => o.territory === t.id).length);
    expect(perTerritory.reduce((a, b) => a + b, 0)).toBe(openings.length);
    // 177 : 63 : 36 ≈ 64 % : 23 % : 13 %, within a few points.
    const total = pilotTerritories.reduce((s, t) => s + t.perMonth, 0);
    pilotTerritories.forEach((t, i) =>
      expect(Math.abs(perTerritory[i]! / openings.length - t.perMonth / total)).toBeLessThan(0.06),
    );
    const transfers = openings.filter((o) => o.flow === 'mutation').length;
    expect(transfers).toBeGreaterThan(0);
    expect(transfers).toBeLessThan(openings.length / 5);
  });

  it('ends the rights of earlier ids only, after their opening', () => {
    const opened = new Map<string, { line: number; at: Date }>();
    for (const r of records)
      if (r.ok && r.row.flow !== 'fin_droit')
        opened.set(r.row.beneficiaryId, { line: r.line, at: r.row.effectiveAt });
    const ends = records.flatMap((r) =>
      r.ok && r.row.flow === 'fin_droit' ? [{ ...r.row, line: r.line }] : [],
    );
    const known = ends.filter((e) => e.beneficiaryId !== 'CAF-999999');
    expect(known.length).toBeGreaterThanOrEqual(5);
    for (const e of known) {
      const o = opened.get(e.beneficiaryId);
      expect(o, e.beneficiaryId).toBeDefined();
      expect(o!.line).toBeLessThan(e.line);
      expect(e.effectiveAt.getTime()).toBeGreaterThan(o!.at.getTime());
    }
  });
});
