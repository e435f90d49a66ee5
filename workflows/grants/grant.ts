/**
 * The grant-cycle workflow: one per grant, id `subvention-<grantId>`,
 * interpreting its programme's definition (domain/grants/programmes/). The rules
 * are the pure machine of domain/grants/ (docs/grants.md); this workflow feeds it the
 * acts people record (Updates, each validated by the same rules: a refusal is
 * French and changes nothing) and time (one durable timer for the earliest
 * reminder, miss, escalation or renewal), and sends the messages it decides.
 * It returns once the cycle is over (not admissible, completed, convention ended)
 * and nothing is left to send.
 */
import * as wf from '@temporalio/workflow';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import {
  applyGrantAction,
  fireGrantAction,
  GrantRefusal,
  grantFinished,
  newGrantState,
  timedGrantActions,
  validateGrantAction,
  type GrantAction,
  type GrantInput,
  type GrantState,
} from '../../domain/grants/cycle.js';
import { partnerOperationLabels, pendingPartnerCalls, type PartnerCall } from '../../domain/partner-calls.js';
import { PartnerCaller } from '../shared/partners.js';
import type { Activities } from '../../activities/index.js';
import { getPolicy } from '../../domain/policy.js';
import { SideEffects } from '../shared/effects.js';

/** Time spent sending the messages due at the same instant is not lateness. */
const PROCESSING_TOLERANCE_MS = 60_000;
/** Reminders go out at the opening time of the Département's policy. */
const POLICY = 'pas-de-calais';

import {
  completeMilestoneUpdate,
  denounceUpdate,
  grantStateQuery,
  recordFunderDecisionUpdate,
  recordPaymentUpdate,
  recordRepaymentOrderUpdate,
  requestTerminationUpdate,
  resolvePartnerCallUpdate,
  serveFormalNoticeUpdate,
  signAmendmentUpdate,
  submitReportUpdate,
  type GrantCycle,
} from './messages.js';

/** The cycle's messages, for those who import them with the workflow. */
export * from './messages.js';

const { recordGrant } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // The database may be down for days: retried beside the loop, never dropped (./effects.ts).
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** The contract its clients start it by (./messages.ts): a change of signature shows there. */
const _contract: GrantCycle = grantCycle;

/** The state's Query and the Updates, each validated then applied to the one state object. */
function registerGrantHandlers(state: GrantState, now: () => Date, changed: () => void): void {
  const on = <T extends object>(update: UpdateDefinition<GrantState, [T]>, type: GrantAction['type']) =>
    wf.setHandler(
      update,
      (raw: T): GrantState => {
        applyGrantAction(state, { ...raw, type } as GrantAction, now());
        changed();
        return state;
      },
      {
        validator: (raw: T): void => {
          const refusal = validateGrantAction(state, { ...raw, type } as GrantAction, now());
          if (refusal) throw ApplicationFailure.nonRetryable(refusal, 'ActionRefused');
        },
      },
    );
  wf.setHandler(grantStateQuery, () => state);
  on(completeMilestoneUpdate, 'complete');
  on(recordFunderDecisionUpdate, 'funder-decision');
  on(recordPaymentUpdate, 'payment');
  on(submitReportUpdate, 'report');
  on(denounceUpdate, 'denounce');
  on(resolvePartnerCallUpdate, 'resolve-partner-call');
  on(recordRepaymentOrderUpdate, 'repayment-order');
  on(serveFormalNoticeUpdate, 'formal-notice');
  on(requestTerminationUpdate, 'termination-request');
  on(signAmendmentUpdate, 'amendment');
}

export async function grantCycle(input: GrantInput): Promise<GrantState> {
  const now = () => new Date(Date.now());
  let state: GrantState;
  try {
    state = newGrantState(input, now(), getPolicy(POLICY).businessHours);
  } catch (err) {
    if (err instanceof GrantRefusal || err instanceof RangeError)
      throw ApplicationFailure.nonRetryable(err.message, 'InvalidGrant');
    throw err;
  }
  let version = 0;
  registerGrantHandlers(state, now, () => version++);

  const failures: PartnerCall[] = [];
  const partners = new PartnerCaller(
    () => state.partnerCalls ?? [],
    (failed) => {
      if (failed) failures.push(failed);
      version++;
    },
  );
  const hours = getPolicy(POLICY).businessHours;
  const effects = new SideEffects(
    async (revision) =>
      void (await recordGrant({ workflowId: wf.workflowInfo().workflowId, revision, state })),
    () => state.notifications,
    () => version++,
  );
  const sendToPartners = () => {
    if (pendingPartnerCalls(state.partnerCalls).length > 0) partners.launch();
    // A refused transmission near a hard deadline cannot wait for the morning: the team is told at once.
    for (const call of failures.splice(0)) effects.send(partnerAlert(state, call));
  };

  // The clock never waits on a side effect: the read model and the e-mails run beside the loop.
  while (!grantFinished(state)) {
    // Taken before anything else: a change made while we look wakes the wait at once.
    const seen = version;
    sendToPartners();
    effects.record(version);
    const changed = () => version !== seen;
    const [next] = timedGrantActions(state);
    if (!next) {
      await wf.condition(changed);
      continue;
    }
    const wait = next.at.getTime() - Date.now();
    if (wait > 0 && (await wf.condition(changed, wait))) continue;
    // An action is dated at its instant, unless it was already overdue (started late, worker down): now.
    const firedAt = Date.now() - next.at.getTime() > PROCESSING_TOLERANCE_MS ? now() : next.at;
    const message = fireGrantAction(state, next, firedAt);
    version++;
    if (message) effects.send({ ...message, due: { at: firedAt.toISOString(), hours } });
  }
  // A cycle that ends with a transmission under way waits for its answer.
  if (!partners.idle) {
    await wf.condition(() => partners.idle);
    sendToPartners();
  }
  effects.record(version);
  await wf.condition(() => effects.idle && wf.allHandlersFinished());
  return state;
}

function partnerAlert(state: GrantState, call: PartnerCall) {
  const key = `partner-failed:${call.id}#${call.attempt}`;
  const at = new Date(Date.now()).toISOString();
  state.notifications.push({
    id: key,
    at,
    to: 'grants-team',
    template: 'grant.partner.failed',
    milestone: null,
  });
  return {
    key,
    template: 'grant.partner.failed',
    recipient: { role: 'grants-team' as const },
    data: {
      grantId: state.id,
      title: state.title,
      operation: partnerOperationLabels[call.operation],
      call: call.id,
      error: call.error ?? '',
    },
  };
}
