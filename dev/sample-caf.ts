/**
 * A fictitious CAF flow for the demo (format: docs/import-caf.md). Pseudonymous ids
 * only (`CAF-000001`…), nothing that looks like a person. Openings over the past
 * 8 months across the pilot territories in the proportions of a month of the
 * Pas-de-Calais (177 : 63 : 36), a few transfers, a few ends of rights for earlier
 * ids, and a handful of deliberately faulty rows so the rejection report shows
 * something. Deterministic for a given `now` (seeded generator, no Math.random).
 */
import { addCalendarDays, civilDateOf } from '../domain/calendar.js';
import { cafColumns } from '../services/import-caf.js';

/** Pilot territories and their monthly openings. */
export const pilotTerritories: readonly { id: string; perMonth: number }[] = [
  { id: 'lens-lievin', perMonth: 177 },
  { id: 'audomarois', perMonth: 63 },
  { id: 'montreuillois', perMonth: 36 },
];

/** Days back over which the openings are spread (about 8 months). */
export const SAMPLE_SPAN_DAYS = 240;

/** mulberry32: a small seeded generator, the same numbers for the same seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Cells = Record<(typeof cafColumns)[number], string>;

export const cafId = (n: number): string => `CAF-${String(n).padStart(6, '0')}`;

/** Faulty rows, each with one mistake the rejection report explains; ids after the `n` openings. */
function faultyRows(today: string, n: number, faulty: number): Cells[] {
  const year = today.slice(0, 4);
  const base = (n: number, daysAgo: number): Cells => ({
    id_pseudonyme: cafId(n),
    type_flux: 'ouverture',
    date_effet: addCalendarDays(today, -daysAgo),
    heure: '',
    territoire: 'lens-lievin',
    taille_foyer: '1',
    rsa_majore: 'non',
    accompagne_depuis: '',
  });
  return [
    { ...base(n + 1, 20), date_effet: `${year}-02-30` }, // date inexistante
    { ...base(n + 2, 12), type_flux: 'radiation' }, // type de flux inconnu
    { ...base(n + 3, 9), taille_foyer: '0' }, // foyer vide
    { ...base(n + 4, 7), rsa_majore: 'peut-être' }, // ni oui ni non
    { ...base(n + 5, 5), territoire: '' }, // territoire manquant
    { ...base(n + 6, -3) }, // date d'effet dans le futur
    { ...base(999_999, 2), type_flux: 'fin_droit', territoire: '', taille_foyer: '', rsa_majore: '' }, // parcours inconnu
  ].slice(0, faulty);
}

/** The CSV content (UTF-8 text, `;`, header row, CRLF line endings as spreadsheets write them). */
export function sampleCafFlow(now: Date, count = 300): string {
  const rand = seeded(Math.floor(now.getTime() / 1000) ^ 0x6a616c6f);
  const pick = (n: number): number => Math.floor(rand() * n);
  const today = civilDateOf(now);
  const totalPerMonth = pilotTerritories.reduce((s, t) => s + t.perMonth, 0);
  const territory = (): string => {
    let r = rand() * totalPerMonth;
    for (const t of pilotTerritories) if ((r -= t.perMonth) < 0) return t.id;
    return pilotTerritories[0]!.id;
  };

  const faulty = count >= 50 ? 7 : 0;
  const ends = Math.floor(count / 30);
  const openingsCount = count - faulty - ends;

  // Openings, then ids in chronological order (CAF-000001 is the oldest).
  const openings = Array.from({ length: openingsCount }, (_, i) => {
    const daysAgo = 1 + pick(SAMPLE_SPAN_DAYS);
    const size = [1, 1, 1, 1, 1, 2, 2, 3, 3, 4, 5][pick(11)]!;
    const transfer = rand() < 0.06;
    return {
      order: i,
      daysAgo,
      cells: {
        id_pseudonyme: '',
        type_flux: transfer ? 'mutation' : 'ouverture',
        date_effet: addCalendarDays(today, -daysAgo),
        heure:
          rand() < 0.3 ? `${String(8 + pick(9)).padStart(2, '0')}:${['00', '15', '30', '45'][pick(4)]}` : '',
        territoire: territory(),
        taille_foyer: String(size),
        rsa_majore: size >= 2 && rand() < 0.25 ? 'oui' : 'non',
        accompagne_depuis: transfer && rand() < 0.5 ? addCalendarDays(today, -daysAgo - 30 - pick(400)) : '',
      } satisfies Cells,
    };
  }).sort((a, b) => b.daysAgo - a.daysAgo || a.order - b.order);
  openings.forEach((o, i) => (o.cells.id_pseudonyme = cafId(i + 1)));

  // Ends of rights for earlier ids: at least 30 days after the opening, at the latest yesterday.
  const older = openings.filter((o) => o.daysAgo >= 40);
  const endRows: { daysAgo: number; cells: Cells }[] = [];
  const ended = new Set<number>();
  for (let i = 0; i < ends && ended.size < older.length; i++) {
    let k = pick(older.length);
    while (ended.has(k)) k = (k + 1) % older.length;
    ended.add(k);
    const o = older[k]!;
    const daysAgo = 1 + pick(o.daysAgo - 30);
    endRows.push({
      daysAgo,
      cells: {
        id_pseudonyme: o.cells.id_pseudonyme,
        type_flux: 'fin_droit',
        date_effet: addCalendarDays(today, -daysAgo),
        heure: '',
        territoire: '',
        taille_foyer: '',
        rsa_majore: '',
        accompagne_depuis: '',
      },
    });
  }
  const valid = [...openings, ...endRows].sort((a, b) => b.daysAgo - a.daysAgo).map((r) => r.cells);

  const faults = faultyRows(today, openingsCount, faulty);
  const rows = [...valid];
  faults.forEach((f, i) => rows.splice(Math.floor(((i + 1) * valid.length) / (faults.length + 1)) + i, 0, f));

  const lines = [cafColumns.join(';'), ...rows.map((r) => cafColumns.map((c) => r[c]).join(';'))];
  return `${lines.join('\r\n')}\r\n`;
}
