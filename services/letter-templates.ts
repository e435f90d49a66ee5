/**
 * The Département's letter templates (docs/courriers.md): plain text files it
 * edits (`config/courriers/`, or JALONS_COURRIERS_DIR), one per letter, and the
 * signature. A template is an `objet:` line, `---`, then paragraphs; `## ` opens
 * a heading, `- ` a bullet, `#` a comment; `{{field}}` is filled from the
 * letter's facts. A template naming a field Jalons does not fill is refused in
 * French, with the file, the line and the fields it may use.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LetterKind } from '../domain/path/letter-kinds.js';
import { ActionRefused } from '../domain/refusal.js';

export const templateFiles: Record<LetterKind, string> = {
  'sanction-notice': 'avis-sanction.txt',
  'sanction-decision': 'decision-sanction.txt',
  orientation: 'orientation.txt',
};

/** The fields each letter's template may use (the facts of domain/path/letter-facts.ts, plus the setting). */
const common = ['reference', 'dossier', 'territoire', 'date_acte', 'departement'];
export const templateFields: Record<LetterKind, readonly string[]> = {
  'sanction-notice': [...common, 'manquement', 'sanction_envisagee', 'delai_observations', 'repetition'],
  'sanction-decision': [
    ...common,
    'manquement',
    'nature',
    'taux',
    'duree',
    'date_effet',
    'date_fin',
    'delai_recours',
  ],
  orientation: [
    ...common,
    'parcours',
    'organisme',
    'organisme_code',
    'referent',
    'delai_premier_rdv',
    'delai_contrat',
    'delai_recours',
    'motif',
  ],
};

export type Block = { kind: 'paragraph' | 'heading' | 'bullet'; text: string };
export interface LetterTemplate {
  subject: string;
  blocks: Block[];
}

/** A template the Département got wrong: refused in French, nothing printed nor recorded. */
export class TemplateError extends ActionRefused {
  override name = 'TemplateError';
}

export const templatesDir = (env: NodeJS.ProcessEnv = process.env): string =>
  resolve(env.JALONS_COURRIERS_DIR ?? 'config/courriers');

/** Reads and checks one template file. */
export function loadTemplate(dir: string, letter: LetterKind): LetterTemplate {
  const file = join(dir, templateFiles[letter]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TemplateError(`Modèle de courrier illisible (${file}) : ${(err as Error).message}`);
  }
  return parseTemplate(text, file, templateFields[letter]);
}

export function parseTemplate(text: string, file: string, fields: readonly string[]): LetterTemplate {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const at = (i: number) => `${file}, ligne ${i + 1}`;
  lines.forEach((line, i) => {
    for (const [, name] of line.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g))
      if (!fields.includes(name!))
        throw new TemplateError(
          `Modèle de courrier ${at(i)} : champ « ${name} » inconnu (champs possibles : ${fields.join(', ')}).`,
        );
  });
  const separator = lines.findIndex((l) => l.trim() === '---');
  const subjectLine = lines.findIndex((l) => /^objet\s*:/i.test(l));
  if (separator < 0 || subjectLine < 0 || subjectLine > separator)
    throw new TemplateError(
      `Modèle de courrier ${file} : une ligne « objet: … » puis une ligne « --- » sont attendues en tête.`,
    );
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
    paragraph = [];
  };
  for (const raw of lines.slice(separator + 1)) {
    const line = raw.trim();
    if (line.startsWith('#') && !line.startsWith('## ')) continue;
    if (line === '') {
      flush();
      continue;
    }
    const item = line.startsWith('## ') ? 'heading' : line.startsWith('- ') ? 'bullet' : null;
    if (!item) {
      paragraph.push(line);
      continue;
    }
    flush();
    blocks.push({ kind: item, text: line.slice(item === 'heading' ? 3 : 2).trim() });
  }
  flush();
  return { subject: lines[subjectLine]!.replace(/^objet\s*:/i, '').trim(), blocks };
}

/** The lines of a settings file (comments left out), or `fallback` when it is absent. */
function settingLines(dir: string, file: string, fallback: string[]): string[] {
  try {
    return readFileSync(join(dir, file), 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
  } catch {
    return fallback;
  }
}

/** The signature, right-aligned under each letter. */
export const loadSignature = (dir: string): string[] =>
  settingLines(dir, 'signature.txt', ['Le Président du Conseil départemental']);

/** The sender's lines under the Département's name (its service, its address). */
export const loadHeading = (dir: string): string[] => settingLines(dir, 'en-tete.txt', []);

/** Fills `{{field}}` from the facts (a field without a value is left empty). */
export const fill = (text: string, facts: Record<string, string>): string =>
  text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_m, name: string) => facts[name] ?? '');
