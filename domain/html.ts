/** HTML escaping for every page and message Jalons renders. */
export const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** A template literal whose interpolations are escaped unless wrapped in `raw()`. */
export class Raw {
  constructor(readonly value: string) {}
}
export const raw = (value: string): Raw => new Raw(value);

type Part = string | number | null | undefined | Raw | Part[];
const render = (p: Part): string =>
  p === null || p === undefined
    ? ''
    : p instanceof Raw
      ? p.value
      : Array.isArray(p)
        ? p.map(render).join('')
        : escapeHtml(String(p));

export function html(strings: TemplateStringsArray, ...parts: Part[]): Raw {
  return raw(strings.reduce((out, s, i) => out + s + (i < parts.length ? render(parts[i]!) : ''), ''));
}
