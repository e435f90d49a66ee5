/**
 * The acts the grants team records from the web: which forms a cycle offers
 * (derived from domain/grants' `grantActSchemas`, so a new act gets a form),
 * and recording one — the same validated Update the CLI sends, in the signed-in
 * account's name (`by`, kept in the cycle's history: the audit trail), refused
 * in French with the reason attached to its field.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  grantWorkflowId,
  validateGrantAction,
  type GrantAction,
  type GrantState,
} from '../../domain/grants/cycle.js';
import { grantActSchemas, type GrantActType, type Programme } from '../../domain/grants/index.js';
import type { Account } from '../../store/accounts.js';
import { CLOSED, definitionOf, programmeOf } from './grants-data.js';
import {
  fieldOfRefusal,
  fieldsOf,
  inputFromForm,
  zodErrorsByField,
  type FieldErrors,
  type FieldSpec,
  type FormContext,
  type FormValues,
} from './grants-form.js';

/** One form of a cycle's page. */
export interface ActForm {
  /** Unique on the page and in the form's URL (`complete-transmission`, `payment`). */
  key: string;
  act: GrantActType;
  title: string;
  fields: FieldSpec[];
  context: FormContext;
}

type ActDef = { update: string; schema: Parameters<typeof fieldsOf>[0]; label: string };
const acts = grantActSchemas as Record<GrantActType, ActDef>;

/** Milestones recorded through their own act (with an amount, a kind of report, a letter). */
const OWN_ACT = new Set(['funder-decision', 'denunciation', 'renewal']);
const reportMilestone = (id: string) => id.endsWith('-report');

/** Forms shown for a programme only when it has what they act on. */
function relevant(act: string, s: GrantState, p: Programme | null): boolean {
  const has = (id: string) => s.milestones.some((m) => m.id === id);
  const convention = Boolean(s.convention) || has('convention-signature');
  switch (act) {
    case 'funder-decision':
      return has('funder-decision') || Boolean(s.decision);
    case 'denounce':
      return Boolean(s.convention) && has('denunciation');
    case 'resolve-partner-call':
      return (s.partnerCalls ?? []).some((c) => c.status === 'failed');
    case 'repayment-order':
      // Once the State's order is recorded, its amount and date are known: no second one.
      return (has('repayment') || s.settlement?.kind === 'repayment-order') && !s.ledger?.order;
    case 'formal-notice':
    case 'termination-request':
    case 'amendment':
      return convention || Boolean(p?.renewal);
    default:
      return true;
  }
}

function piecesOf(p: Programme | null, milestone: string) {
  return (definitionOf(p, milestone)?.pieces ?? []).map((x) => ({
    value: x.id,
    label: `${x.title}${x.signed && !/sign/i.test(x.title) ? ' (signée)' : ''}`,
  }));
}

/** A form whose fields a context narrows: fixed values and fields that do not apply are left out. */
function form(
  key: string,
  act: GrantActType,
  title: string,
  context: FormContext,
  omit: string[] = [],
): ActForm {
  const fields = fieldsOf(acts[act].schema).filter((f) => !omit.includes(f.name));
  return { key, act, title, fields, context };
}

/** The forms of a cycle, in the order a person works: its milestones first, then the other acts. */
export function formsFor(s: GrantState, now: Date): ActForm[] {
  // A closed cycle still takes a correction for a while (its `reopenUntil`).
  const reopenUntil = (s as { reopenUntil?: string | null }).reopenUntil;
  if (CLOSED.has(s.status) && !(reopenUntil && reopenUntil > now.toISOString())) return [];
  const p = programmeOf(s);
  const open = s.milestones.filter((m) => m.applies && !m.doneAt);
  const forms: ActForm[] = [];
  for (const m of open) {
    if (OWN_ACT.has(m.id) || reportMilestone(m.id)) continue;
    const pieces = piecesOf(p, m.id);
    forms.push(
      form(
        `complete-${m.id}`,
        'complete',
        `${m.title}`,
        { fixed: { milestone: m.id }, options: { pieces } },
        [...(pieces.length ? [] : ['pieces']), ...(m.id === 'prefecture-transmission' ? [] : ['reference'])],
      ),
    );
  }
  for (const m of open.filter((x) => reportMilestone(x.id))) {
    const kind = m.id.replace(/-report$/, '');
    const pieces = piecesOf(p, m.id);
    forms.push(
      form(
        `report-${kind}`,
        'report',
        m.title,
        { fixed: { kind }, options: { pieces } },
        pieces.length ? [] : ['pieces'],
      ),
    );
  }
  const failed = (s.partnerCalls ?? []).filter((c) => c.status === 'failed');
  for (const act of Object.keys(acts) as GrantActType[]) {
    if (act === 'complete' || act === 'report' || !relevant(act, s, p)) continue;
    forms.push(
      form(act, act, acts[act].label, {
        options: { call: failed.map((c) => ({ value: c.id, label: `${c.id} : ${c.error ?? 'refusée'}` })) },
      }),
    );
  }
  return forms;
}

export type ActResult =
  { ok: true; state: GrantState } | { ok: false; errors: FieldErrors; values: FormValues };

/**
 * Records the act of `key` on the cycle, as `account`. Checked here against
 * the cycle's current state by the workflow's own rules (the page answers at
 * once, and a test server that drops refused Updates still gets the reason),
 * then sent as the workflow's Update, whose validator decides.
 */
export async function recordAct(
  client: Client,
  account: Account,
  s: GrantState,
  key: string,
  values: FormValues,
  now: Date,
): Promise<ActResult> {
  const f = formsFor(s, now).find((x) => x.key === key);
  const refused = (errors: FieldErrors): ActResult => ({ ok: false, errors, values });
  if (!f)
    return refused({
      '': 'Cet acte n’est plus proposé pour ce cycle (déjà enregistré, ou le cycle a changé) : la page est à jour.',
    });
  const read = inputFromForm(f.fields, values, f.context.fixed);
  if (Object.keys(read.errors).length) return refused(read.errors);
  const input = { ...read.input, by: account.login };
  const parsed = acts[f.act].schema.safeParse(input);
  if (!parsed.success) return refused(zodErrorsByField(parsed.error));
  const attach = (message: string): ActResult => refused({ [fieldOfRefusal(message, f.fields)]: message });
  let refusal: string | null;
  try {
    refusal = validateGrantAction(s, { type: f.act, ...input } as unknown as GrantAction, now);
  } catch {
    refusal = null; // An act the local rules do not know yet: the workflow's validator decides.
  }
  if (refusal) return attach(refusal);
  try {
    const state = await client.workflow
      .getHandle(grantWorkflowId(s.id))
      .executeUpdate<GrantState, [Record<string, unknown>]>(acts[f.act].update, { args: [input] });
    return { ok: true, state };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return attach(err.cause?.message ?? err.message);
    if (err instanceof WorkflowNotFoundError)
      return refused({ '': `La subvention ${s.id} n’accepte plus d’acte : son cycle est clos.` });
    throw err;
  }
}
