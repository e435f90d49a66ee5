/**
 * Web forms derived from the grant acts' zod schemas (domain/grants/acts.ts):
 * one widget per field, French labels, so that an act added to the map gets
 * its form without more code. A person never types JSON: dates are Paris
 * wall-clock times, amounts are euros as French people write them, pieces are
 * check boxes. Turning a submitted form back into the act's input keeps every
 * typed value, and each refusal is attached to the field it is about.
 */
import { civilDateOf, formatParis, parisInstant } from '../../domain/calendar.js';
import type { z } from '../../domain/validation.js';
import { html, raw, type Raw } from '../../domain/html.js';

export type FieldKind = 'datetime' | 'euros' | 'enum' | 'text' | 'list' | 'boolean';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  required: boolean;
  /** Enum values (in the schema's order). */
  values?: string[];
}

/** What the page knows that the schema does not: fixed values, choices and their labels. */
export interface FormContext {
  /** Fields whose value the form fixes (sent hidden, not shown). */
  fixed?: Record<string, string>;
  /** Choices for a list or a text field (pieces of a milestone, refused transmissions). */
  options?: Record<string, { value: string; label: string }[]>;
  /** Labels of enum values, by field. */
  valueLabels?: Record<string, Record<string, string>>;
}

/** What a person reads next to each field (the schema's keys stay in English). */
export const fieldLabels: Record<string, string> = {
  milestone: 'Jalon',
  at: 'Date et heure (heure de Paris)',
  pieces: 'Pièces transmises',
  reference: 'Numéro d’acte',
  amount: 'Montant (€)',
  envelope: 'Enveloppe',
  coFunding: 'Cofinancement des partenaires (€)',
  kind: 'Nature',
  spent: 'Part du financeur dépensée (€)',
  departementSpent: 'Part du Département dépensée (€)',
  call: 'Transmission',
  action: 'Réponse',
  defaulting: 'Partie défaillante',
  reason: 'Motif',
  from: 'À la demande de',
};

export const valueLabels: Record<string, string> = {
  advance: 'Avance',
  balance: 'Solde',
  repayment: 'Reversement',
  grant: 'Subvention',
  interim: 'Rapport intermédiaire',
  'mid-term': 'Rapport à mi-parcours',
  financial: 'Compte rendu financier',
  final: 'Rapport final',
  base: 'Subvention socle',
  complementary: 'Enveloppe complémentaire',
  retry: 'Renvoyer la transmission',
  handled: 'Traitée hors de Jalons',
  served: 'Mise en demeure reçue ou envoyée',
  complied: 'Mise en demeure suivie d’effet',
  departement: 'Le Département',
  funder: 'Le financeur',
};

/** Fields a person never fills: `by` is the signed-in account (the audit trail). */
const NOT_TYPED = new Set(['by']);

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  entries?: Record<string, string>;
  element?: z.ZodType;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The field's own schema, without optional / default / nullable / pipe wrappers. */
function unwrap(s: z.ZodType): { schema: z.ZodType; optional: boolean } {
  let schema = s;
  let optional = false;
  for (;;) {
    const d = defOf(schema);
    if ((d.type === 'optional' || d.type === 'default' || d.type === 'nullable') && d.innerType) {
      optional = true;
      schema = d.innerType;
    } else if (d.type === 'pipe' && d.in) schema = d.in;
    else return { schema, optional };
  }
}

function kindOf(s: z.ZodType): Pick<FieldSpec, 'kind' | 'values'> {
  const d = defOf(s);
  if (d.type === 'enum') return { kind: 'enum', values: Object.values(d.entries ?? {}) };
  if (d.type === 'number') return { kind: 'euros' };
  if (d.type === 'boolean') return { kind: 'boolean' };
  if (d.type === 'array') return { kind: 'list' };
  if (d.type === 'string' && (s as unknown as { format?: string }).format === 'datetime')
    return { kind: 'datetime' };
  return { kind: 'text' };
}

/** The fields of an act's object schema, in the schema's order. */
export function fieldsOf(schema: z.ZodType): FieldSpec[] {
  const d = defOf(unwrap(schema).schema);
  if (d.type !== 'object' || !d.shape) throw new TypeError('schéma d’acte : un objet attendu');
  return Object.entries(d.shape)
    .filter(([name]) => !NOT_TYPED.has(name))
    .map(([name, field]) => {
      const { schema: inner, optional } = unwrap(field);
      return { name, required: !optional, ...kindOf(inner) };
    });
}

// ─── Values ──────────────────────────────────────────────────────────────────

/** `2025-12-15T16:59` as the datetime-local widget shows an instant, in Paris time. */
export function parisLocal(instant: Date): string {
  return `${civilDateOf(instant)}T${formatParis(instant, true).slice(-5)}`;
}

/** `3 074 514,50` or `3074514.5` → 3074514.5; null when it is not an amount. */
export function parseEuros(typed: string): number | null {
  const s = typed.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  return /^\d+(\.\d+)?$/.test(s) ? Number(s) : null;
}

export type FormValues = Record<string, string | string[]>;
export type FieldErrors = Record<string, string>;

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
const many = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v ? [v] : [])
    .flatMap((x) => x.split(/\r?\n/))
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * The act's input from what was typed, or the fields that cannot be read
 * (an amount that is not a number, a time that does not exist in Paris).
 * The schema's own checks run after, in the workflow and before it.
 */
export function inputFromForm(
  fields: FieldSpec[],
  form: FormValues,
  fixed: Record<string, string> = {},
): { input: Record<string, unknown>; errors: FieldErrors } {
  const input: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const f of fields) {
    const typed = fixed[f.name] ?? one(form[f.name]).trim();
    if (f.kind === 'list') {
      const list = many(form[f.name]);
      if (list.length || f.required) input[f.name] = list;
      continue;
    }
    if (f.kind === 'boolean') {
      input[f.name] = typed === 'on' || typed === 'true';
      continue;
    }
    if (typed === '') {
      if (f.required) errors[f.name] = `${fieldLabels[f.name] ?? f.name} : champ requis.`;
      continue;
    }
    if (f.kind === 'euros') {
      const n = parseEuros(typed);
      if (n === null)
        errors[f.name] = `${fieldLabels[f.name] ?? f.name} : un montant en euros est attendu (ex. 2 500,50).`;
      else input[f.name] = n;
    } else if (f.kind === 'datetime') {
      const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/.exec(typed);
      const at = m ? parisInstant(m[1]!, m[2]) : null;
      if (!at || Number.isNaN(at.getTime()) || parisLocal(at) !== typed)
        errors[f.name] =
          `${fieldLabels[f.name] ?? f.name} : date et heure inexistantes à Paris (jj/mm/aaaa hh:mm).`;
      else input[f.name] = at.toISOString();
    } else input[f.name] = typed;
  }
  return { input, errors };
}

/** A zod error's issues, by the top-level field they are about ('' for the whole act). */
export function zodErrorsByField(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '');
    const label = key ? (fieldLabels[key] ?? key) : '';
    const sentence = `${label ? `${label} : ` : ''}${issue.message}`;
    out[key] = out[key] ? `${out[key]} ; ${sentence}` : sentence;
  }
  for (const k of Object.keys(out)) if (!/[.!?]$/.test(out[k]!)) out[k] += '.';
  return out;
}

/**
 * The field a workflow's refusal is about, read from its French words (the
 * validator answers one sentence, not a path); '' when it is about the act as
 * a whole (shown above the form's button).
 */
export function fieldOfRefusal(message: string, fields: FieldSpec[]): string {
  const has = (name: string) => fields.some((f) => f.name === name);
  const rules: [RegExp, string][] = [
    [/futur|daté|dater|hors délai|avant « |instant/i, 'at'],
    [/pièce/i, 'pieces'],
    [/dépens|spent/i, 'spent'],
    [/cofinancement|co-?funding/i, 'coFunding'],
    [/montant|versement|plafond|€/i, 'amount'],
    [/numéro d’acte|référence/i, 'reference'],
    [/transmission « |transmission inconnue/i, 'call'],
  ];
  for (const [re, name] of rules) if (re.test(message) && has(name)) return name;
  return '';
}

// ─── Rendering ───────────────────────────────────────────────────────────────

interface RenderOptions {
  /** Unique per form on the page (ids of widgets and messages). */
  prefix: string;
  values: FormValues;
  errors: FieldErrors;
  context: FormContext;
  /** What the datetime widget shows when nothing was typed. */
  now: Date;
}

function describedBy(id: string, error: string | undefined, hint: string | undefined): Raw {
  const ids = [hint ? `${id}-aide` : '', error ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  return raw(`${ids ? ` aria-describedby="${ids}"` : ''}${error ? ' aria-invalid="true"' : ''}`);
}

/** What one widget needs: its ids, what was typed, its refusal. */
interface WidgetParts {
  id: string;
  typed: string | string[] | undefined;
  error: string | undefined;
  req: Raw;
}

/** A list with known choices (a milestone's pieces): one check box each; all checked at first. */
function checkboxes(f: FieldSpec, p: WidgetParts, choices: { value: string; label: string }[]): Raw {
  const { id, typed, error } = p;
  const checked = new Set(Array.isArray(typed) ? typed : typed ? [typed] : choices.map((c) => c.value));
  return html`<fieldset class="field" id="${id}" ${describedBy(id, error, undefined)}>
    <legend>${fieldLabels[f.name] ?? f.name}</legend>
    ${choices.map(
      (c, i) =>
        html`<div>
          <input
            type="checkbox"
            id="${id}-${i}"
            name="${f.name}"
            value="${c.value}"
            ${raw(checked.has(c.value) ? ' checked' : '')}${raw(error ? ' aria-invalid="true"' : '')}${raw(error ? ` aria-describedby="${id}-erreur"` : '')}
          />
          <label class="inline" for="${id}-${i}">${c.label}</label>
        </div>`,
    )}
    ${error ? html`<p class="field-error" id="${id}-erreur">${error}</p>` : ''}
  </fieldset>`;
}

/** The control of a field and the hint under it. */
function control(f: FieldSpec, p: WidgetParts, o: RenderOptions): { control: Raw; hint?: string } {
  const { id, typed, error, req } = p;
  const text = typeof typed === 'string' ? typed : '';
  const choices = o.context.options?.[f.name];
  if (f.kind === 'enum' || (f.kind === 'text' && choices)) {
    const opts =
      choices ??
      (f.values ?? []).map((v) => ({
        value: v,
        label: o.context.valueLabels?.[f.name]?.[v] ?? valueLabels[v] ?? v,
      }));
    const control = html`<select id="${id}" name="${f.name}" ${req}${describedBy(id, error, undefined)}>
      ${f.required ? '' : html`<option value="">—</option>`}
      ${opts.map((c) => html`<option value="${c.value}" ${raw(c.value === text ? ' selected' : '')}>${c.label}</option>`)}
    </select>`;
    return { control };
  }
  if (f.kind === 'datetime') {
    const hint = f.required
      ? undefined
      : 'Laissé tel quel : maintenant. L’acte ne peut être daté dans le futur.';
    const value = typeof typed === 'string' ? typed : parisLocal(o.now);
    const control = html`<input
      type="datetime-local"
      id="${id}"
      name="${f.name}"
      value="${value}"
      ${req}${describedBy(id, error, hint)}
    />`;
    return hint ? { control, hint } : { control };
  }
  if (f.kind === 'euros') {
    const hint = 'En euros, au centime près (ex. 2 500,50).';
    const control = html`<input
      type="text"
      inputmode="decimal"
      id="${id}"
      name="${f.name}"
      value="${text}"
      ${req}${describedBy(id, error, hint)}
    />`;
    return { control, hint };
  }
  if (f.kind === 'list') {
    const hint = 'Une par ligne.';
    const control = html`<textarea id="${id}" name="${f.name}" rows="3" ${req}${describedBy(id, error, hint)}>
${many(typed).join('\n')}</textarea>`;
    return { control, hint };
  }
  if (f.kind === 'boolean') {
    const control = html`<input
      type="checkbox"
      id="${id}"
      name="${f.name}"
      ${raw(typed === 'on' ? ' checked' : '')}${describedBy(id, error, undefined)}
    />`;
    return { control };
  }
  const control = html`<input
    type="text"
    id="${id}"
    name="${f.name}"
    value="${text}"
    ${req}${describedBy(id, error, undefined)}
  />`;
  return { control };
}

function widget(f: FieldSpec, o: RenderOptions): Raw {
  const id = `${o.prefix}-${f.name}`;
  const parts: WidgetParts = {
    id,
    typed: o.values[f.name],
    error: o.errors[f.name],
    req: raw(f.required ? ' required' : ''),
  };
  const choices = o.context.options?.[f.name];
  if (f.kind === 'list' && choices) return checkboxes(f, parts, choices);
  const { control: c, hint } = control(f, parts, o);
  return html`<div class="field">
    <label for="${id}"
      >${fieldLabels[f.name] ?? f.name}${f.required ? '' : html` <span class="hint">(facultatif)</span>`}</label
    >
    ${c} ${hint ? html`<p class="hint" id="${id}-aide">${hint}</p>` : ''}
    ${parts.error ? html`<p class="field-error" id="${id}-erreur">${parts.error}</p>` : ''}
  </div>`;
}

/** The widgets of an act (fixed fields as hidden inputs), and the act-wide refusal if any. */
export function renderFields(fields: FieldSpec[], o: RenderOptions): Raw {
  const fixed = o.context.fixed ?? {};
  const general = o.errors[''];
  return html`${Object.entries(fixed).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}
  ${fields.filter((f) => !(f.name in fixed)).map((f) => widget(f, o))}
  ${general ? html`<p class="field-error" id="${o.prefix}-erreur" role="alert">${general}</p>` : ''}`;
}

/** The button names the act and, when the act as a whole is refused, points at the reason. */
export function submitButton(prefix: string, label: string, errors: FieldErrors): Raw {
  return html`<button type="submit" ${raw(errors[''] ? ` aria-describedby="${prefix}-erreur"` : '')}>
    ${label}
  </button>`;
}
