/**
 * The acts of a case as forms (issue 17, point 1): one form per act offered at
 * the path's current step, its fields read from the act's zod schema and
 * worded by domain/path/act-fields.ts, so that a form asks exactly what the
 * workflow validates. A refusal shows next to its field (aria-invalid,
 * aria-describedby) and what was typed stays. The everyday acts are small
 * forms at the top of the case, their date prefilled with now.
 */
import { html, raw, type Raw } from '../../domain/html.js';
import {
  actDateText,
  actFields,
  actLabels,
  actsOffered,
  everydayActs,
  type ActField,
  type FieldText,
} from '../../domain/path/act-fields.js';
import type { PathEventType } from '../../domain/path/path-events.js';
import type { PathState, PathStep } from '../../domain/path/path.js';
import type { Organisation } from '../../domain/organisations.js';
import { partnerOperationLabels } from '../../domain/partner-calls.js';
import { civilDateOf, formatParis } from '../../domain/calendar.js';
import { stepLabel } from '../../domain/path/labels.js';

/** What a form sent back: one value, or several (a group of checkboxes). */
export type FormValues = Record<string, string | string[]>;
/** Refusals by form field name (the data field's, or `dateActe`); '' for the act as a whole. */
export type FieldErrors = Record<string, string>;

export interface ActFormContext {
  state: PathState;
  csrf: Raw;
  organisations: Organisation[];
  now: Date;
  /** The act just refused: what was typed and why, shown in its own form. */
  refused?: { type: string; values: FormValues; errors: FieldErrors } | undefined;
}

/**
 * The form field of a data field: its own name (no act's data has a field named
 * type, seen, by, _csrf or dateActe, the envelope's fields).
 */
export const dataName = (field: string) => field;
/** The form field of the act's date (the envelope's `at`; `at` is also a rendez-vous's own field). */
export const ACT_DATE = 'dateActe';
const slug = (type: string) => type.replace(/\./g, '-');

/** The main act of a step: its form is open when the page opens. */
const mainAct: Partial<Record<PathStep, PathEventType>> = {
  orientation: 'orientation.decided',
  diagnostic: 'diagnostic.completed',
  contract: 'contract.signed',
};

/** An instant as a datetime-local value in Paris time, to the second (`2026-03-05T14:30:07`). */
export function parisLocalValue(d: Date): string {
  const time = formatParis(d, true).slice(-5);
  const seconds = String(new Date(d).getUTCSeconds()).padStart(2, '0');
  return `${civilDateOf(d)}T${time}:${seconds}`;
}

interface Control {
  id: string;
  name: string;
  field: ActField | null;
  text: FieldText;
  value: string | string[] | undefined;
  error: string | undefined;
}

function aria(c: Control, extra: string[] = []): Raw {
  const ids = [...extra, c.text.hint ? `${c.id}-aide` : '', c.error ? `${c.id}-erreur` : ''].filter(Boolean);
  return raw(
    `${ids.length ? ` aria-describedby="${ids.join(' ')}"` : ''}${c.error ? ' aria-invalid="true"' : ''}`,
  );
}

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
const option = (value: string, label: string, selected: string) =>
  html`<option value="${value}" ${raw(value === selected ? ' selected' : '')}>${label}</option>`;

function selectControl(c: Control, options: [string, string][], empty: string): Raw {
  const selected = one(c.value);
  const known = options.some(([v]) => v === selected);
  return html`<select id="${c.id}" name="${c.name}" ${aria(c)} ${raw(c.field?.required ? ' required' : '')}>
    <option value="">${empty}</option>
    ${options.map(([v, l]) => option(v, l, selected))}
    ${selected && !known ? option(selected, selected, selected) : ''}
  </select>`;
}

/** The référents, grouped by organisation: the server checks the one chosen belongs to the organisation. */
function referentControl(c: Control, ctx: ActFormContext): Raw {
  const selected = one(c.value);
  return html`<select id="${c.id}" name="${c.name}" ${aria(c)} required>
    <option value="">— choisir un référent —</option>
    ${ctx.organisations.map(
      (o) =>
        html`<optgroup label="${o.name}">
          ${o.referents.map((r) => option(r, `${r} (${o.code})`, selected))}
        </optgroup>`,
    )}
  </select>`;
}

function checkboxesControl(c: Control): Raw {
  const checked = new Set(Array.isArray(c.value) ? c.value : c.value ? [c.value] : []);
  const options = c.field?.options ?? [];
  return html`<fieldset ${aria(c)}>
    <legend>${c.text.label}</legend>
    ${options.map(
      (v, i) =>
        html`<div>
          <input
            type="checkbox"
            id="${c.id}-${i}"
            name="${c.name}"
            value="${v}"
            ${raw(checked.has(v) ? ' checked' : '')}
          />
          <label class="inline" for="${c.id}-${i}">${c.text.options?.[v] ?? v}</label>
        </div>`,
    )}
    ${c.text.hint ? html`<p class="hint" id="${c.id}-aide">${c.text.hint}</p>` : ''}
    ${c.error ? html`<p class="field-error" id="${c.id}-erreur">${c.error}</p>` : ''}
  </fieldset>`;
}

function inputControl(c: Control, ctx: ActFormContext): Raw {
  const value = one(c.value);
  const required = raw(c.field?.required ? ' required' : '');
  switch (c.text.widget) {
    case 'datetime':
      return html`<input
        type="datetime-local"
        step="1"
        id="${c.id}"
        name="${c.name}"
        value="${value}"
        ${aria(c)}
        ${required}
      />`;
    case 'number':
      return html`<input
        type="number"
        inputmode="decimal"
        step="${c.text.step ?? 'any'}"
        min="0"
        id="${c.id}"
        name="${c.name}"
        value="${value}"
        ${aria(c)}
        ${required}
      />`;
    case 'textarea':
      return html`<textarea id="${c.id}" name="${c.name}" rows="2" cols="50" ${aria(c)}>${value}</textarea>`;
    case 'checkbox':
      return html`<input
        type="checkbox"
        id="${c.id}"
        name="${c.name}"
        value="true"
        ${raw(value === 'true' ? ' checked' : '')}
        ${aria(c)}
      />`;
    case 'select':
    case 'track':
      return selectControl(c, enumOptions(c), c.field?.required ? '— choisir —' : 'aucune');
    case 'organisation':
      return ctx.organisations.length
        ? selectControl(c, orgOptions(ctx), '— choisir un organisme —')
        : html`<input id="${c.id}" name="${c.name}" value="${value}" ${aria(c)} required />`;
    case 'referent':
      return ctx.organisations.length
        ? referentControl(c, ctx)
        : html`<input id="${c.id}" name="${c.name}" value="${value}" ${aria(c)} required />`;
    case 'partner-call':
      return selectControl(c, failedCalls(ctx.state), '— choisir la transmission —');
    default:
      return html`<input id="${c.id}" name="${c.name}" value="${value}" ${aria(c)} ${required} />`;
  }
}

const enumOptions = (c: Control): [string, string][] =>
  (c.field?.options ?? []).map((v) => [v, c.text.options?.[v] ?? v]);
const orgOptions = (ctx: ActFormContext): [string, string][] =>
  ctx.organisations.map((o) => [o.code, `${o.name} (${o.code})`]);
const failedCalls = (s: PathState): [string, string][] =>
  (s.partnerCalls ?? [])
    .filter((c) => c.status === 'failed')
    .map((c) => [c.id, `${partnerOperationLabels[c.operation]} (${c.id}) : ${c.error ?? 'refusée'}`]);

/** One field: its label (with its unit), its control, its hint and its refusal. */
function fieldBlock(c: Control, ctx: ActFormContext, beneficiaryId: string): Raw {
  if (c.text.widget === 'elsewhere')
    return html`<p class="hint">
      ${c.text.label} : <a href="/parcours/${beneficiaryId}/plan">${c.text.hint ?? ''}</a>
    </p>`;
  if (c.text.widget === 'checkboxes') return html`<div class="field">${checkboxesControl(c)}</div>`;
  const optional = c.field && !c.field.required && c.text.widget !== 'checkbox';
  const label = html`${c.text.label}${c.text.unit ? ` (${c.text.unit})` : ''}${optional ? html` <span class="hint">(facultatif)</span>` : ''}`;
  const control = inputControl(c, ctx);
  return c.text.widget === 'checkbox'
    ? html`<div class="field">
        ${control} <label class="inline" for="${c.id}">${label}</label>
        ${c.text.hint ? html`<p class="hint" id="${c.id}-aide">${c.text.hint}</p>` : ''}
        ${c.error ? html`<p class="field-error" id="${c.id}-erreur">${c.error}</p>` : ''}
      </div>`
    : html`<div class="field">
        <label for="${c.id}">${label}</label>${control}
        ${c.text.hint ? html`<p class="hint" id="${c.id}-aide">${c.text.hint}</p>` : ''}
        ${c.error ? html`<p class="field-error" id="${c.id}-erreur">${c.error}</p>` : ''}
      </div>`;
}

/** The values a form opens with: what was typed if it was refused, else sensible defaults. */
function initialValues(type: PathEventType, ctx: ActFormContext, quick: boolean): FormValues {
  if (ctx.refused?.type === type) return ctx.refused.values;
  const values: FormValues = {};
  if (quick) values[ACT_DATE] = parisLocalValue(ctx.now);
  if (type === 'reminders.switched') values[dataName('on')] = ctx.state.remindersOff ? 'true' : '';
  if (type === 'reorientation.decided' && ctx.state.orientation) {
    values[dataName('organisation')] = ctx.state.orientation.organisation;
    values[dataName('referent')] = ctx.state.orientation.referent;
  }
  return values;
}

/** One act's form; `quick` is the small one-click form of the top of the case. */
export function actForm(type: PathEventType, ctx: ActFormContext, quick = false): Raw {
  const s = ctx.state;
  const prefix = `${quick ? 'vite-' : ''}${slug(type)}`;
  const values = initialValues(type, ctx, quick);
  const errors = ctx.refused?.type === type ? ctx.refused.errors : {};
  const control = (name: string, field: ActField | null, text: FieldText): Control => ({
    id: `${prefix}-${name}`,
    name,
    field,
    text,
    value: values[name],
    error: errors[name],
  });
  const fields = actFields(type).map((f) => control(dataName(f.name), f, f.text));
  const general = errors[''];
  return html`<form
    method="post"
    action="/parcours/${s.beneficiaryId}/actes"
    class="${quick ? 'quick' : 'act'}"
  >
    ${ctx.csrf}
    <input type="hidden" name="seen" value="${String(s.seq)}" />
    <input type="hidden" name="type" value="${type}" />
    ${general ? html`<p class="field-error" id="${prefix}-erreur" role="alert">${general}</p>` : ''}
    ${fields.map((c) => fieldBlock(c, ctx, s.beneficiaryId))}
    ${fieldBlock(control(ACT_DATE, null, actDateText), ctx, s.beneficiaryId)}
    <button type="submit" ${raw(general ? ` aria-describedby="${prefix}-erreur"` : '')}>
      Enregistrer : ${actLabels[type]}
    </button>
  </form>`;
}

/** The everyday acts the step admits, each a small form at the top of the case. */
export function quickActs(ctx: ActFormContext): Raw {
  const offered = actsOffered(ctx.state).filter((t) => everydayActs.includes(t));
  if (offered.length === 0) return html``;
  return html`<section aria-labelledby="actes-courants" class="quick-acts">
    <h2 id="actes-courants">Actes courants</h2>
    ${offered.map((t) => actForm(t, ctx, true))}
  </section>`;
}

/** Every other act the step admits, each in its own form (the main act of the step open). */
export function actForms(ctx: ActFormContext, login: string): Raw {
  const s = ctx.state;
  if (s.status === 'closed') return html`<p>Parcours clos : plus aucun acte possible.</p>`;
  const offered = actsOffered(s).filter((t) => !everydayActs.includes(t));
  return html`<section aria-labelledby="actes">
    <h2 id="actes">Enregistrer un acte</h2>
    <p class="hint">
      ${`Seuls les actes possibles à cette étape (${stepLabel(s.step)}) sont proposés. Les actes sont enregistrés au nom de ${login} (journal d’audit).`}
    </p>
    ${offered.map(
      (t) =>
        html`<details ${raw(ctx.refused?.type === t || mainAct[s.step] === t ? ' open' : '')}>
          <summary>${actLabels[t]}</summary>
          ${actForm(t, ctx)}
        </details>`,
    )}
  </section>`;
}
