/**
 * Free text typed by a person (a reason, a reduction's motive): kept as written,
 * minus what could hide or reorder what a reader sees. Control characters (a
 * terminal's escapes, NUL) and the bidirectional overrides and isolates (which
 * make « 1202 » read as « 2021 », the "Trojan Source" trick) are removed; lone
 * surrogates (not text, invalid in UTF-8) too. Pure: the same in a workflow, the
 * CLI and the web app. Bounds are listed in docs/bounds.md.
 */
import { z } from './validation.js';

/** C0 controls except tab and line feed, DEL, and the C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is this regex's purpose
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** Bidi embeddings, overrides and isolates, the implicit marks and the Arabic letter mark. */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text without control, bidi-override or lone-surrogate characters, line ends as `\n`, trimmed. */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(BIDI, '')
    .replace(LONE_SURROGATE, '')
    .normalize('NFC')
    .trim();
}

/** Whether the text holds anything `cleanText` would remove (identifiers refuse rather than clean). */
export const hasHiddenCharacters = (text: string): boolean =>
  new RegExp(`${CONTROL.source}|${BIDI.source}|${LONE_SURROGATE.source}`).test(text);

/**
 * A person's free text: cleaned, then required and bounded. The French messages
 * name the field (`label`) and its bound.
 */
export function freeTextSchema(label: string, max: number) {
  return z
    .string({ error: `${label} : texte attendu` })
    .transform(cleanText)
    .pipe(z.string().min(1, `${label} : texte requis`).max(max, `${label} : ${max} caractères au plus`));
}

/** Cuts a text to `max` characters (never inside a surrogate pair), marking the cut with « … ». */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** A value quoted in a French message: cleaned and cut, so that a refusal never echoes a megabyte. */
export function quoted(value: unknown, max = 40): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : String(JSON.stringify(value) ?? value);
  } catch {
    text = typeof value;
  }
  // Cut first: cleaning a megabyte to show forty characters is wasted work.
  return `« ${truncate(cleanText(text.slice(0, max * 4)), max)} »`;
}
