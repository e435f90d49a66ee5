/**
 * A sent act form read back into the event the path's Update takes (`by` is
 * the account, never a field), each refusal tied to its field: first what the
 * form itself can tell (a number that is not one, an organisation or a
 * référent not in the directory), then the act's own schema (the same the
 * workflow validates), then, after the workflow's refusal, the field its
 * sentence is about.
 */
import { parisInstant } from '../../domain/calendar.js';
import { actDateText, actFields, type ActField } from '../../domain/path/act-fields.js';
import {
  pathEventData,
  pathEventTypes,
  type PathEventInput,
  type PathEventType,
} from '../../domain/path/path-events.js';
import type { Organisation } from '../../domain/organisations.js';
import { ActionRefused } from '../../services/paths.js';
import { ACT_DATE, dataName, type FieldErrors, type FormValues } from './act-form.js';

export interface ReadAct {
  type: PathEventType;
  event: PathEventInput;
  /** Refusals found before the act is sent (empty: send it). */
  errors: FieldErrors;
}

const LOCAL = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

/** A datetime-local value (Paris wall clock) as an ISO instant, or null if it is not one. */
export function parisLocalToIso(value: string): string | null {
  const m = LOCAL.exec(value.trim());
  if (!m) return null;
  try {
    return new Date(parisInstant(m[1]!, m[2]!).getTime() + Number(m[3] ?? 0) * 1000).toISOString();
  } catch {
    return null;
  }
}

const text = (v: string | string[] | undefined): string =>
  (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();

/** The French sentence of a refusal, naming its field unless it already does. */
export function namingField(label: string, message: string): string {
  return message.toLowerCase().startsWith(label.toLowerCase()) ? message : `${label} : ${message}`;
}

/** One field's value as its schema takes it; undefined when left empty. */
function valueOf(f: ActField, raw: string | string[] | undefined, errors: FieldErrors): unknown {
  const name = dataName(f.name);
  if (f.kind === 'list') return (Array.isArray(raw) ? raw : raw ? [raw] : []).filter(Boolean);
  if (f.kind === 'boolean') return text(raw) === 'true';
  const value = text(raw);
  if (!value) return undefined;
  if (f.kind === 'number') {
    const n = Number(value.replace(',', '.'));
    if (!Number.isFinite(n)) errors[name] = `${f.text.label} : nombre attendu (par exemple 15 ou 7,5).`;
    return n;
  }
  if (f.kind === 'instant') {
    const iso = parisLocalToIso(value);
    if (!iso) errors[name] = `${f.text.label} : date et heure attendues (jj/mm/aaaa hh:mm).`;
    return iso ?? value;
  }
  return value;
}

/** The organisation and référent must be the directory's, the référent one of the organisation's. */
function directoryCheck(data: Record<string, unknown>, organisations: Organisation[], errors: FieldErrors) {
  if (organisations.length === 0 || typeof data.organisation !== 'string') return;
  const org = organisations.find((o) => o.code === data.organisation);
  if (!org) {
    errors[dataName('organisation')] =
      `Organisme référent : « ${data.organisation} » n’est pas dans l’annuaire des organismes.`;
    return;
  }
  if (typeof data.referent === 'string' && !org.referents.includes(data.referent))
    errors[dataName('referent')] =
      `Référent : ${data.referent} n’est pas un référent de l’organisme ${org.name} (${org.code}) dans l’annuaire.`;
}

/** Reads the form; a refusal the form can already tell is returned by field, nothing is sent. */
export function readActForm(form: FormValues, organisations: Organisation[]): ReadAct {
  const type = text(form.type) as PathEventType;
  if (!pathEventTypes.includes(type))
    throw new ActionRefused('Acte inconnu : choisissez un acte de la liste.');
  const errors: FieldErrors = {};
  const fields = actFields(type);
  const data: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.text.widget === 'elsewhere') continue;
    const v = valueOf(f, form[dataName(f.name)], errors);
    if (v !== undefined) data[f.name] = v;
  }
  const atText = text(form[ACT_DATE]);
  const at = atText ? parisLocalToIso(atText) : undefined;
  if (at === null) errors[ACT_DATE] = `${actDateText.label} : date et heure attendues (jj/mm/aaaa hh:mm).`;
  directoryCheck(data, organisations, errors);
  const checked = pathEventData[type].safeParse(data);
  if (!checked.success)
    for (const issue of checked.error.issues) {
      const field = fields.find((f) => f.name === issue.path[0]);
      const key = field ? dataName(field.name) : '';
      errors[key] ??= field ? namingField(field.text.label, issue.message) : issue.message;
    }
  const seen = text(form.seen);
  const event = {
    type,
    ...(/^\d+$/.test(seen) ? { seen: Number(seen) } : {}),
    ...(at ? { at } : {}),
    data,
  } as PathEventInput;
  return { type, event, errors };
}

/** Which field a refusal of the workflow speaks of, by its wording; '' for the act as a whole. */
const refusalFields: [RegExp, string][] = [
  [/date du rendez-vous/i, dataName('at')],
  [/réception de la notification/i, dataName('receivedAt')],
  [/dans le futur|précéder|ouverture du droit/i, ACT_DATE],
  [/exemption/i, dataName('exemption')],
  [/réduction|heures/i, dataName('weeklyHours')],
  [/taux|sévère/i, dataName('rate')],
  [/mois/i, dataName('months')],
  [/suppression|équipe pluridisciplinaire/i, dataName('epAvis')],
];

/** The workflow's refusal, tied to the field it names when the form has it. */
export function refusalByField(type: PathEventType, message: string): FieldErrors {
  if (/a changé depuis/.test(message)) return { '': message };
  const names = new Set([...actFields(type).map((f) => dataName(f.name)), ACT_DATE]);
  for (const [pattern, name] of refusalFields)
    if (pattern.test(message) && names.has(name)) return { [name]: message };
  if (type === 'activity.declared' && /heure/i.test(message)) return { [dataName('hours')]: message };
  return { '': message };
}
