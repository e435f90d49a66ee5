/**
 * A letter as a PDF (pdfkit), in the Département's voice (docs/courriers.md): its
 * name and logo (JALONS_DEPARTEMENT_NOM, JALONS_LOGO — PNG or JPEG; an SVG or
 * WebP logo is left out of the letters), its template, the letter's facts.
 * Pseudonymous: Jalons holds no identity, so the address block is an empty
 * form field, `destinataire-<reference>`, that the mail room's mail-merge fills
 * (or the Département's own system prints over); the person is never named by
 * Jalons. Several letters make one PDF (the mail room's batch), each on its own
 * pages, each page numbered within its letter.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import PDFDocument from 'pdfkit';
import { formatParis } from '../domain/calendar.js';
import type { LetterKind } from '../domain/path/letter-kinds.js';
import { organisationsSchema } from '../domain/organisations.js';
import {
  fill,
  loadHeading,
  loadSignature,
  loadTemplate,
  templatesDir,
  type Block,
} from './letter-templates.js';

export interface LetterToRender {
  letter: LetterKind;
  ref: string;
  facts: Record<string, string>;
}

export interface LetterLook {
  /** The Département's name (JALONS_DEPARTEMENT_NOM); empty: « Le Département ». */
  name: string;
  /** A PNG or JPEG file, or null. */
  logo: string | null;
  /** Where the templates are (JALONS_COURRIERS_DIR). */
  templates: string;
  /** Organisation codes to their names (the directory's `organisations`). */
  organisations: Record<string, string>;
}

/** The organisations' names from the directory (JALONS_DIRECTORY), to name them in full on paper. */
function directoryNames(file: string): { code: string; name: string }[] {
  try {
    const raw = (JSON.parse(readFileSync(file, 'utf8')) as { organisations?: unknown }).organisations;
    const parsed = organisationsSchema.optional().safeParse(raw);
    return parsed.success ? (parsed.data ?? []) : [];
  } catch {
    return [];
  }
}

export function letterLookFromEnv(
  env: NodeJS.ProcessEnv,
  organisations = directoryNames(env.JALONS_DIRECTORY ?? 'config/directory.json'),
): LetterLook {
  const logo = env.JALONS_LOGO && existsSync(env.JALONS_LOGO) ? env.JALONS_LOGO : null;
  return {
    name: (env.JALONS_DEPARTEMENT_NOM ?? '').trim(),
    logo: logo && ['.png', '.jpg', '.jpeg'].includes(extname(logo).toLowerCase()) ? logo : null,
    templates: templatesDir(env),
    organisations: Object.fromEntries(organisations.map((o) => [o.code, o.name])),
  };
}

// A4 in points, margins of 20 mm; the address block sits in a window envelope's window (DL, right).
const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 57;
const ADDRESS = { x: 312, y: 150, width: 226, height: 100 };
const BODY_WIDTH = A4.width - 2 * MARGIN;

/** The standard PDF fonts speak WinAnsi: the narrow no-break space French typography uses is not in it. */
const printable = (text: string): string => text.replace(/\u202f/g, '\u00a0');

/** One PDF holding each letter, in order. */
export async function renderLetters(
  letters: readonly LetterToRender[],
  look: LetterLook,
  editedAt: Date,
): Promise<Uint8Array> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    autoFirstPage: false,
    bufferPages: true,
    info: {
      Title: letters.length === 1 ? `Courrier ${letters[0]!.ref}` : `Lot de ${letters.length} courriers`,
      Author: look.name || 'Le Département',
      Creator: 'Jalons',
      CreationDate: editedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((ok, fail) => (doc.on('end', ok), doc.on('error', fail)));
  doc.initForm();
  const signature = loadSignature(look.templates);
  const ranges: { ref: string; first: number; count: number }[] = [];
  for (const l of letters) {
    const first = doc.bufferedPageRange().count;
    writeLetter(doc, l, look, signature, editedAt);
    ranges.push({ ref: l.ref, first, count: doc.bufferedPageRange().count - first });
  }
  for (const r of ranges) numberPages(doc, r);
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

function writeLetter(
  doc: PDFKit.PDFDocument,
  l: LetterToRender,
  look: LetterLook,
  signature: string[],
  editedAt: Date,
): void {
  const template = loadTemplate(look.templates, l.letter);
  const departement = look.name || 'Département';
  const organisation = l.facts.organisme_code;
  const facts = {
    ...l.facts,
    departement,
    ...(organisation ? { organisme: look.organisations[organisation] ?? organisation } : {}),
  };
  doc.addPage();
  header(doc, l, look, departement, editedAt);
  addressBlock(doc, l.ref);
  doc.x = MARGIN;
  doc.y = ADDRESS.y + ADDRESS.height + 30;
  doc
    .font('Helvetica-Bold')
    .fontSize(11)
    .text(printable(`Objet : ${fill(template.subject, facts)}`), { width: BODY_WIDTH });
  doc.moveDown(1);
  for (const block of template.blocks) writeBlock(doc, block, facts);
  doc.moveDown(1);
  doc.font('Helvetica').fontSize(10.5);
  for (const line of signature)
    doc.text(printable(line), MARGIN + BODY_WIDTH / 2, doc.y, { width: BODY_WIDTH / 2 });
}

function header(
  doc: PDFKit.PDFDocument,
  l: LetterToRender,
  look: LetterLook,
  departement: string,
  editedAt: Date,
): void {
  let y = MARGIN;
  if (look.logo) {
    doc.image(look.logo, MARGIN, y, { fit: [140, 60] });
    y += 66;
  }
  doc.font('Helvetica-Bold').fontSize(12).text(printable(departement), MARGIN, y, { width: 240 });
  doc.font('Helvetica').fontSize(9);
  for (const line of loadHeading(look.templates)) doc.text(printable(line), { width: 240 });
  doc
    .font('Helvetica')
    .fontSize(9)
    .text(printable(`Référence : ${l.ref}`), ADDRESS.x, MARGIN, { width: ADDRESS.width })
    .text(printable(`Dossier : ${l.facts.dossier ?? ''}`), { width: ADDRESS.width })
    .text(`Édité le ${formatParis(editedAt)}`, { width: ADDRESS.width });
}

/** The window's place, shown by four light corner marks, and the empty field the mail-merge fills. */
function addressBlock(doc: PDFKit.PDFDocument, ref: string): void {
  const { x, y, width: w, height: h } = ADDRESS;
  const m = 8;
  doc.save().lineWidth(0.5).strokeColor('#999999');
  for (const [cx, cy, dx, dy] of [
    [x, y, m, m],
    [x + w, y, -m, m],
    [x, y + h, m, -m],
    [x + w, y + h, -m, -m],
  ] as const)
    doc
      .moveTo(cx + dx, cy)
      .lineTo(cx, cy)
      .lineTo(cx, cy + dy)
      .stroke();
  doc.restore();
  doc.formText(`destinataire-${ref}`, x + 4, y + 4, w - 8, h - 8, { multiline: true });
}

function writeBlock(doc: PDFKit.PDFDocument, block: Block, facts: Record<string, string>): void {
  const text = printable(fill(block.text, facts));
  if (block.kind === 'heading') {
    doc.moveDown(0.4).font('Helvetica-Bold').fontSize(11).text(text, MARGIN, doc.y, { width: BODY_WIDTH });
    doc.moveDown(0.3);
  } else if (block.kind === 'bullet') {
    doc.font('Helvetica').fontSize(10.5);
    const y = doc.y;
    doc.text('•', MARGIN + 6, y, { width: 10 });
    doc.text(text, MARGIN + 20, y, { width: BODY_WIDTH - 20, align: 'justify' });
    doc.moveDown(0.3);
  } else {
    doc.font('Helvetica').fontSize(10.5).text(text, MARGIN, doc.y, { width: BODY_WIDTH, align: 'justify' });
    doc.moveDown(0.6);
  }
}

/** « Référence … — page n/m » at the foot of each page of one letter; says who adds the address. */
function numberPages(doc: PDFKit.PDFDocument, r: { ref: string; first: number; count: number }): void {
  for (let i = 0; i < r.count; i++) {
    doc.switchToPage(r.first + i);
    // Writing in the bottom margin must not open a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#555555')
      .text(
        `Référence ${r.ref} — page ${i + 1}/${r.count}. Nom et adresse ajoutés par le Département : Jalons ne détient aucune donnée d’identité.`,
        MARGIN,
        A4.height - 40,
        { width: BODY_WIDTH, align: 'center', lineBreak: true },
      )
      .fillColor('black');
    doc.page.margins.bottom = bottom;
  }
}
