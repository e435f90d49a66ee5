/** Every message a person reads is in French, zod's included. */
import { z } from 'zod';

z.config(z.locales.fr());

/** At most this many issues in one refusal: a thousand wrong keys still make one readable sentence. */
const MAX_ISSUES = 3;
/** Zod quotes unknown keys and values: a megabyte key must not come back in the refusal. */
const MAX_ISSUE_CHARS = 240;
const MAX_PATH_CHARS = 80;

/** Controls and bidi overrides of a hostile key are dropped (as domain/text.ts does for free text). */
// eslint-disable-next-line no-control-regex -- removing control characters is this regex's purpose
const HIDDEN = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

function cut(text: string, max: number): string {
  const t = text.slice(0, max * 2).replace(HIDDEN, '');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Zod issues as one French sentence (bounded), for Update validators and CLI errors. */
export function frenchIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, MAX_ISSUES).map((i) => {
    const message = cut(i.message, MAX_ISSUE_CHARS);
    return i.path.length ? `${cut(i.path.map(String).join('.'), MAX_PATH_CHARS)} : ${message}` : message;
  });
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join(' ; ')} (et ${more} autre(s) problème(s))` : shown.join(' ; ');
}

export { z };
