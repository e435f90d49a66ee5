/**
 * The letters' templates and PDF (docs/courriers.md): the text of a generated
 * letter read back from the PDF, the empty address field the mail-merge fills,
 * a long letter numbered page by page, and a template the Département got wrong
 * refused in French with its file, line and the fields it may use.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { letterDrafts } from '../../domain/path/letter-facts.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import { letterLookFromEnv, renderLetters } from '../../services/letter-pdf.js';
import { TemplateError } from '../../services/letter-templates.js';

const look = letterLookFromEnv({ JALONS_DEPARTEMENT_NOM: 'Département du Pas-de-Calais' });
const at = new Date('2026-03-02T09:00:00Z');

async function pages(pdf: Uint8Array): Promise<string[]> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(doc, { mergePages: false });
  return text.map((p) => p.replace(/\s+/g, ' ').replace(/(\p{L})- (\p{L})/gu, '$1-$2'));
}

/** A household of three, oriented, under contract, then a breach: the notice's facts from the real state. */
function notice() {
  const s = newPathState({
    beneficiaryId: 'T-PDF-1',
    rightsOpenedAt: '2026-01-05T08:00:00Z',
    territory: 'audomarois',
    household: { size: 3, majore: false },
  });
  const act = (type: string, when: string, data: object = {}) =>
    applyPathEvent(s, { type, at: when, data }, new Date(when));
  act('orientation.decided', '2026-01-12T09:00:00Z', {
    track: 'social',
    organisation: 'ccas-arras',
    referent: 'ref-8',
  });
  act('appointment.attended', '2026-01-20T13:00:00Z');
  act('diagnostic.completed', '2026-01-20T14:00:00Z', { barriers: [] });
  act('contract.signed', '2026-02-02T09:00:00Z', { weeklyHours: 15, intensive: false });
  act('breach.reported', '2026-03-02T09:00:00Z', { kind: 'obligations' });
  return letterDrafts(s);
}

describe('a generated letter, read back from its PDF', () => {
  it('states the facts, the capped planned sanction, the 10 days and the rights, naming no one', async () => {
    const drafts = notice();
    expect(drafts.map((d) => d.ref)).toEqual(['T-PDF-1-OR-1', 'T-PDF-1-AS-5']);
    const [orientation, avis] = await pages(await renderLetters(drafts, look, at));
    expect(orientation).toContain(
      'vous a orienté(e) vers un parcours social. Votre accompagnement est confié à : CCAS d’Arras.',
    );
    // A household of three: the rate is capped at 50 % (CASF R262-68-6).
    expect(avis).toContain('une suspension de 30 % à 50 % de votre allocation pendant 1 à 2 mois');
    expect(avis).toContain('Référence : T-PDF-1-AS-5 Dossier : T-PDF-1 Édité le 02/03/2026');
    expect(avis).toContain(
      'Objet : Procédure de suspension-remobilisation de votre revenu de solidarité active',
    );
    expect(avis).toContain(
      'Pour le Président du Conseil départemental et par délégation, le service insertion',
    );
    expect(avis).toContain('Référence T-PDF-1-AS-5 — page 1/1.');
    // The address block is a form field for the mail-merge: no name, no address in the text.
    const doc = await getDocumentProxy(await renderLetters(drafts.slice(1), look, at));
    const fields = await (await doc.getPage(1)).getAnnotations();
    expect(
      fields.map((f: { fieldName?: string; fieldValue?: string }) => [f.fieldName, f.fieldValue ?? '']),
    ).toEqual([['destinataire-T-PDF-1-AS-5', '']]);
  });

  it('numbers the pages of a letter that runs over one page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'courriers-'));
    cpSync('config/courriers', dir, { recursive: true });
    const long = Array.from(
      { length: 40 },
      (_, i) => `Paragraphe ${i + 1} du courrier, assez long pour remplir la page.`,
    );
    writeFileSync(join(dir, 'avis-sanction.txt'), `objet: Long\n---\n${long.join('\n\n')}\n`);
    const text = await pages(await renderLetters(notice().slice(1), { ...look, templates: dir }, at));
    expect(text.length).toBe(2);
    expect(text[0]).toContain('Référence T-PDF-1-AS-5 — page 1/2.');
    expect(text[1]).toContain('Référence T-PDF-1-AS-5 — page 2/2.');
  });

  it('refuses a template naming a field Jalons does not fill, or without its subject', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'courriers-'));
    cpSync('config/courriers', dir, { recursive: true });
    writeFileSync(join(dir, 'avis-sanction.txt'), 'objet: Avis\n---\nBonjour {{nom}},\n');
    const refused = renderLetters(notice().slice(1), { ...look, templates: dir }, at);
    await expect(refused).rejects.toBeInstanceOf(TemplateError);
    await expect(refused).rejects.toThrow(
      `Modèle de courrier ${join(dir, 'avis-sanction.txt')}, ligne 3 : champ « nom » inconnu (champs possibles : reference, dossier, territoire, date_acte, departement, manquement, sanction_envisagee, delai_observations, repetition).`,
    );
    writeFileSync(join(dir, 'avis-sanction.txt'), 'Bonjour,\n');
    await expect(renderLetters(notice().slice(1), { ...look, templates: dir }, at)).rejects.toThrow(
      'une ligne « objet: … » puis une ligne « --- » sont attendues en tête.',
    );
  });
});
