/**
 * Sending what a workflow owes the partner systems (`PartnerCall`s queued by
 * the pure rules), beside the workflow's loop: a partner down for hours delays
 * its own call, never a reminder. 5xx and timeouts are retried by Temporal with
 * backoff (partner-retry.ts); a refusal or two days of outage end the call as
 * `failed`, which the workflow turns into a person's task.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import {
  partnerCallDone,
  partnerCallFailed,
  partnerIdempotencyKey,
  pendingPartnerCalls,
  type PartnerCall,
  type PartnerOperation,
} from '../../domain/partner-calls.js';
import { partnerActivityOptions, partnerFailureForHumans } from './partner-retry.js';

const a = wf.proxyActivities<Activities>(partnerActivityOptions);

type Send = (request: never, key: string) => Promise<string>;
const send: Record<PartnerOperation, Send> = {
  'france-travail.orientation': async (r, k) => (await a.franceTravailNotifyOrientation(r, k)).receiptId,
  'france-travail.contract': async (r, k) => (await a.franceTravailNotifyContract(r, k)).receiptId,
  'france-travail.sanction-decision': async (r, k) =>
    (await a.franceTravailNotifySanctionDecision(r, k)).receiptId,
  'caf.suspension': async (r, k) => (await a.cafSuspendAllocation(r, k)).receiptId,
  'caf.restoration': async (r, k) => (await a.cafRestoreAllocation(r, k)).receiptId,
  'rdv.convocation': async (r, k) => (await a.appointmentsConvoke(r, k)).appointmentId,
  'cnsa.application': async (r, k) => (await a.cnsaSubmitApplication(r, k)).receiptId,
  'prefecture.act': async (r, k) => (await a.prefectureTransmitAct(r, k)).accuseReception,
};

export class PartnerCaller {
  private readonly inFlight = new Set<string>();

  /**
   * @param calls the workflow's calls (read each time: the state may be replaced)
   * @param settled called after a call ended, with the failed call when it failed
   */
  constructor(
    private readonly calls: () => PartnerCall[],
    private readonly settled: (failed: PartnerCall | null) => void,
  ) {}

  /** Starts every pending call not already under way. */
  launch(): void {
    for (const call of pendingPartnerCalls(this.calls())) {
      const key = partnerIdempotencyKey(wf.workflowInfo().workflowId, call);
      if (this.inFlight.has(key)) continue;
      this.inFlight.add(key);
      void this.run(call.id, call.attempt, call.operation, call.request, key);
    }
  }

  get idle(): boolean {
    return this.inFlight.size === 0;
  }

  private async run(
    id: string,
    attempt: number,
    operation: PartnerOperation,
    request: Record<string, unknown>,
    key: string,
  ): Promise<void> {
    let failed: PartnerCall | null = null;
    try {
      const receipt = await send[operation](request as never, key);
      partnerCallDone(this.calls(), id, attempt, receipt, new Date(Date.now()));
    } catch (err) {
      const human = partnerFailureForHumans(err);
      const reason = human?.message ?? (err instanceof Error ? err.message : String(err));
      if (partnerCallFailed(this.calls(), id, attempt, reason, new Date(Date.now())))
        failed = this.calls().find((c) => c.id === id) ?? null;
      wf.log.warn('transmission au partenaire refusée', { call: id, operation });
    } finally {
      this.inFlight.delete(key);
    }
    this.settled(failed);
  }
}
