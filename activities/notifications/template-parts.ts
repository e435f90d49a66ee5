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

/** What a template may need besides its data: the web app's public address (./links.ts). */
export interface RenderContext {
  publicUrl?: string;
}

const SIGNATURE = '— Jalons, service insertion du Département';

/** A paragraph in HTML: escaped, its lines kept, its web addresses made links. */
const htmlParagraph = (p: string): string =>
  `<p>${escapeHtml(p)
    .replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`)
    .replace(/\n/g, '<br>')}</p>`;

export function page(subject: string, paragraphs: string[]): Rendered {
  const text = `${paragraphs.join('\n\n')}\n\n${SIGNATURE}\n`;
  const html =
    `<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">` +
    paragraphs.map(htmlParagraph).join('') +
    `<p style="color:#555">${SIGNATURE}</p></body></html>`;
  return { subject, text, html };
}

/** The message with a last paragraph that links to its page (« Ouvrir le dossier : https://… »). */
export function withLink(m: Rendered, link: { label: string; url: string } | null): Rendered {
  if (!link) return m;
  const line = `${link.label} : ${link.url}`;
  return {
    subject: m.subject,
    text: m.text.replace(`\n\n${SIGNATURE}\n`, `\n\n${line}\n\n${SIGNATURE}\n`),
    html: m.html.replace(`<p style="color:#555">`, `${htmlParagraph(line)}<p style="color:#555">`),
  };
}

export function field(data: Data, key: string): string {
  const value = data[key];
  if (value === undefined)
    throw ApplicationFailure.nonRetryable(`Donnée « ${key} » manquante pour le gabarit.`, 'UnknownTemplate');
  return value;
}
