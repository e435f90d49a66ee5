/**
 * What every message template is made of (a page, its text and HTML; a field
 * read from the message's data): shared by ./templates.ts and the templates it
 * gathers (./templates-grants.ts, ./templates-exchanges.ts,
 * ./templates-incidents.ts), which import it from here, not through templates.ts.
 */
import { ApplicationFailure } from '@temporalio/common';
import { escapeHtml } from '../../domain/html.js';

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}
export type Data = Record<string, string>;

export function page(subject: string, paragraphs: string[]): Rendered {
  const text = `${paragraphs.join('\n\n')}\n\n— Jalons, service insertion du Département\n`;
  const html =
    `<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">` +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    `<p style="color:#555">— Jalons, service insertion du Département</p></body></html>`;
  return { subject, text, html };
}

export function field(data: Data, key: string): string {
  const value = data[key];
  if (value === undefined)
    throw ApplicationFailure.nonRetryable(`Donnée « ${key} » manquante pour le gabarit.`, 'UnknownTemplate');
  return value;
}
