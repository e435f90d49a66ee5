/**
 * What a workflow owes a partner system: each call is decided by a pure rule
 * (an orientation tells France Travail, a sanction tells the CAF…), kept in the
 * workflow's state until the partner acknowledges it, and, when the partner
 * refuses it for good, becomes a task for a person — never a silent stop.
 * Shared by the beneficiary path and the grant cycle.
 */

/** One operation of one partner (the activity that performs it is named in `workflows/shared/partners.ts`). */
export type PartnerOperation =
  | 'france-travail.orientation'
  | 'france-travail.contract'
  | 'france-travail.sanction-decision'
  | 'caf.suspension'
  | 'caf.restoration'
  | 'rdv.convocation'
  | 'cnsa.application'
  | 'prefecture.act';

export const partnerOperationLabels: Record<PartnerOperation, string> = {
  'france-travail.orientation': 'Transmission de l’orientation à France Travail',
  'france-travail.contract': 'Transmission du contrat d’engagement à France Travail',
  'france-travail.sanction-decision': 'Transmission de la décision de sanction à France Travail',
  'caf.suspension': 'Demande de suspension de l’allocation à la CAF',
  'caf.restoration': 'Demande de rétablissement de l’allocation à la CAF',
  'rdv.convocation': 'Invitation par RDV-Insertion',
  'cnsa.application': 'Dépôt de la candidature sur le portail de la CNSA',
  'prefecture.act': 'Transmission de l’acte au contrôle de légalité (préfecture)',
};

export interface PartnerCall {
  /** Unique in the workflow; with the workflow id and the attempt, the idempotency key. */
  id: string;
  operation: PartnerOperation;
  /** The request as the partner's client validates it. */
  request: Record<string, unknown>;
  decidedAt: string;
  status: 'pending' | 'done' | 'failed';
  /** Raised when a person asks to send it again after a refusal: a new key for the partner. */
  attempt: number;
  /** The partner's receipt (receipt id, appointment id, accusé de réception). */
  receipt: string | null;
  doneAt: string | null;
  /** The partner's French reason, for the person who handles the task. */
  error: string | null;
  failedAt: string | null;
  /** A person closed the task (handled outside Jalons) or asked to send again. */
  resolution: { at: string; by: string | null; action: 'retry' | 'handled' } | null;
}

export type PartnerCallRequest = Pick<PartnerCall, 'id' | 'operation' | 'request'>;

/** The key the partner dedupes on: a retried or replayed activity never applies twice. */
export const partnerIdempotencyKey = (workflowId: string, call: PartnerCall): string =>
  `${workflowId}/${call.id}#${call.attempt}`;

/** Queues a call once (a second decision with the same id changes nothing). */
export function queuePartnerCall(calls: PartnerCall[], c: PartnerCallRequest, at: Date): void {
  if (calls.some((x) => x.id === c.id)) return;
  calls.push({
    ...c,
    decidedAt: at.toISOString(),
    status: 'pending',
    attempt: 1,
    receipt: null,
    doneAt: null,
    error: null,
    failedAt: null,
    resolution: null,
  });
}

export const pendingPartnerCalls = (calls: PartnerCall[] | undefined): PartnerCall[] =>
  (calls ?? []).filter((c) => c.status === 'pending');

export const failedPartnerCalls = (calls: PartnerCall[] | undefined): PartnerCall[] =>
  (calls ?? []).filter((c) => c.status === 'failed');

/** The partner acknowledged attempt `attempt` (a stale attempt's answer is ignored). */
export function partnerCallDone(
  calls: PartnerCall[],
  id: string,
  attempt: number,
  receipt: string,
  at: Date,
): boolean {
  const c = calls.find((x) => x.id === id);
  if (!c || c.status !== 'pending' || c.attempt !== attempt) return false;
  c.status = 'done';
  c.receipt = receipt;
  c.doneAt = at.toISOString();
  return true;
}

/** The partner refused attempt `attempt` for good: it becomes a person's task. */
export function partnerCallFailed(
  calls: PartnerCall[],
  id: string,
  attempt: number,
  error: string,
  at: Date,
): boolean {
  const c = calls.find((x) => x.id === id);
  if (!c || c.status !== 'pending' || c.attempt !== attempt) return false;
  c.status = 'failed';
  c.error = error;
  c.failedAt = at.toISOString();
  return true;
}

/**
 * A person resolves a failed call: `retry` sends it again (a new attempt, so a
 * new idempotency key), `handled` closes it (done outside Jalons). Returns the
 * French reason it cannot, or null.
 */
export function resolvePartnerCall(
  calls: PartnerCall[],
  id: string,
  action: 'retry' | 'handled',
  at: Date,
  by: string | null,
): string | null {
  const c = calls.find((x) => x.id === id);
  if (!c) return `Aucune transmission « ${id} » dans ce dossier.`;
  if (c.status !== 'failed')
    return c.status === 'pending'
      ? `La transmission « ${id} » est en cours : attendez sa réponse.`
      : `La transmission « ${id} » a déjà abouti.`;
  c.resolution = { at: at.toISOString(), by, action };
  if (action === 'handled') {
    c.status = 'done';
    c.doneAt = at.toISOString();
    return null;
  }
  c.status = 'pending';
  c.attempt += 1;
  c.error = null;
  c.failedAt = null;
  return null;
}
