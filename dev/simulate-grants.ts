/**
 * The grant side of `jalons simulate` (docs/architecture.md, « Public contracts »): the
 * grant event types and their data, starting a grant's cycle, applying an event
 * at its instant, and the grant's entry of the report.
 *
 * The time-skipping test server drops an Update its validator refused (the
 * client then sees "update not found", without the French reason): each event
 * is first checked by the same pure rules the workflow's validators run
 * (domain/grants/cycle.ts), on the state the workflow shows, at the event's
 * instant; only an act they accept is sent.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  grantReportOf,
  grantWorkflowId,
  paymentKinds,
  reportKinds,
  validateGrantAction,
  type GrantAction,
  type GrantReport,
  type GrantState,
  type PaymentInput,
  type ReportInput,
} from '../domain/grants/cycle.js';

import { getProgramme, milestoneIds } from '../domain/grants/index.js';
import { frenchIssues, z } from '../domain/validation.js';
import { actOnGrant, ActionRefused, startGrantCycle } from '../services/grants.js';
import { grantStateQuery } from '../workflows/grants/messages.js';

export type { GrantReport };

export const grantEventTypes = [
  'grant.milestone.completed',
  'grant.funder.decided',
  'grant.payment.received',
  'grant.report.submitted',
  // Beyond the contract's four (docs/grants.md): the acts of how money settles and conventions end.
  'grant.repayment-order.issued',
  'grant.formal-notice.served',
  'grant.formal-notice.complied',
  'grant.termination.requested',
  'grant.amendment.signed',
  'grant.denounced',
] as const;
export type GrantEventType = (typeof grantEventTypes)[number];

/** Euros, at most 2 decimals (computed in cents by the workflow). */
const amount = z
  .number()
  .positive()
  .refine((n) => /^\d+(\.\d{1,2})?$/.test(String(n)), 'montant en euros avec au plus 2 décimales attendu');
const spent = z
  .number()
  .nonnegative()
  .refine((n) => /^\d+(\.\d{1,2})?$/.test(String(n)), 'montant en euros avec au plus 2 décimales attendu');

/** The data of each grant event, exactly as docs/architecture.md lists them. */
export const grantEventSchemas = {
  'grant.milestone.completed': z.object({ milestone: z.enum(milestoneIds) }).strict(),
  'grant.funder.decided': z.object({ amount }).strict(),
  'grant.payment.received': z.object({ kind: z.enum(paymentKinds), amount }).strict(),
  'grant.report.submitted': z
    .object({ kind: z.enum(reportKinds), spent, departementSpent: spent.optional() })
    .strict(),
  'grant.repayment-order.issued': z
    .object({ amount: amount.optional(), reference: z.string().max(30).optional() })
    .strict(),
  'grant.formal-notice.served': z
    .object({
      defaulting: z.enum(['departement', 'funder']).optional(),
      reason: z.string().max(500).optional(),
    })
    .strict(),
  'grant.formal-notice.complied': z.object({}).strict(),
  'grant.termination.requested': z.object({ from: z.enum(['departement', 'funder']) }).strict(),
  'grant.amendment.signed': z.object({ reference: z.string().max(30).optional() }).strict(),
  'grant.denounced': z.object({}).strict(),
} satisfies Record<GrantEventType, z.ZodType>;

/** The schema of a grant event's data; undefined for a type that is not a grant event. */
export function grantEventSchema(type: string): z.ZodType | undefined {
  return (grantEventSchemas as Record<string, z.ZodType>)[type];
}

/** Why a scenario's grant cannot start (unknown programme), or null. */
export function grantProgrammeIssue(programme: string): string | null {
  try {
    getProgramme(programme);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Starts the grant's cycle at `at` (idempotent: an existing cycle is left as it is). */
export async function startGrant(
  client: Client,
  taskQueue: string,
  grant: { id: string; programme: string },
  at: Date,
): Promise<void> {
  await startGrantCycle(client, taskQueue, {
    grantId: grant.id,
    programme: grant.programme,
    startedAt: at.toISOString(),
  });
}

/** A scenario event aimed at a grant (`at`: ISO-8601 with offset; `by`: who recorded it, optional). */
export interface GrantEvent {
  at: string;
  type: string;
  data: unknown;
  by?: string;
}

/** The act an event records, dated at the event's instant. */
function actionOf(state: GrantState, event: GrantEvent): GrantAction | string {
  const schema = grantEventSchema(event.type);
  if (!schema) return `type d’événement inconnu : « ${event.type} »`;
  const parsed = schema.safeParse(event.data ?? {});
  if (!parsed.success) return `Données invalides : ${frenchIssues(parsed.error)}`;
  const at = new Date(event.at).toISOString();
  const by = event.by ? { by: event.by } : {};
  const data = parsed.data as Record<string, unknown>;
  switch (event.type as GrantEventType) {
    case 'grant.milestone.completed': {
      // The event records the act itself: the pieces the programme asks for went with it.
      const milestone = String(data.milestone);
      const def = getProgramme(state.programme).milestones.find((m) => m.id === milestone);
      return { type: 'complete', milestone, at, ...by, pieces: def?.pieces.map((p) => p.id) ?? [] };
    }
    case 'grant.funder.decided':
      return { type: 'funder-decision', amount: data.amount as number, at, ...by };
    case 'grant.payment.received':
      return {
        type: 'payment',
        kind: data.kind as PaymentInput['kind'],
        amount: data.amount as number,
        at,
        ...by,
      };
    case 'grant.report.submitted':
      return {
        type: 'report',
        ...(data as Pick<ReportInput, 'kind' | 'spent' | 'departementSpent'>),
        at,
        ...by,
      };
    case 'grant.repayment-order.issued':
      return { type: 'repayment-order', ...data, at, ...by };
    case 'grant.formal-notice.served':
      return { type: 'formal-notice', action: 'served', ...data, at, ...by };
    case 'grant.formal-notice.complied':
      return { type: 'formal-notice', action: 'complied', at, ...by };
    case 'grant.termination.requested':
      return { type: 'termination-request', from: data.from as 'funder', at, ...by };
    case 'grant.amendment.signed':
      return { type: 'amendment', ...data, at, ...by };
    case 'grant.denounced':
      return { type: 'denounce', at, ...by };
  }
}

/** Applies one scenario event; a refusal comes back with its French message and changes nothing. */
export async function applyGrantEvent(
  client: Client,
  grantId: string,
  event: GrantEvent,
): Promise<{ ok: true } | { ok: false; error: string }> {
  let state: GrantState;
  try {
    const handle = client.workflow.getHandle(grantWorkflowId(grantId));
    state = await patientQuery(client, () => handle.query(grantStateQuery));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      return { ok: false, error: `Aucune subvention « ${grantId} ».` };
    throw err;
  }
  const action = actionOf(state, event);
  if (typeof action === 'string') return { ok: false, error: action };
  const refusal = validateGrantAction(state, action, new Date(event.at));
  if (refusal) return { ok: false, error: refusal };
  try {
    await actOnGrant(client, grantId, action);
    return { ok: true };
  } catch (err) {
    if (err instanceof ActionRefused || err instanceof WorkflowUpdateFailedError)
      return { ok: false, error: err.message };
    throw err;
  }
}

/** The grant's entry of the simulation report (docs/architecture.md). */
export async function grantReport(client: Client, grantId: string): Promise<GrantReport> {
  const handle = client.workflow.getHandle(grantWorkflowId(grantId));
  return grantReportOf(await patientQuery(client, () => handle.query(grantStateQuery)));
}

/**
 * A query asked again when it gets no answer: on a loaded machine the time-skipping test server
 * was seen to leave a query on an idle workflow unanswered for ever (CI, 05/12/2026), while the
 * same query asked again is answered at once.
 */
export async function patientQuery<T>(client: Client, ask: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.withDeadline(Date.now() + 15_000, ask);
    } catch (err) {
      const code =
        (err as { code?: number; cause?: { code?: number } }).cause?.code ?? (err as { code?: number }).code;
      if (attempt >= 4 || (code !== 4 && !/deadline/i.test(String(err)))) throw err;
    }
  }
}
