/**
 * The grant-cycle workflow: one per grant, id `subvention-<grantId>`,
 * interpreting its programme's definition (domain/grants/programmes/). The rules
 * are the pure machine of domain/grants/cycle.ts; this workflow feeds it the
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
  type CompleteMilestoneInput,
  type DenounceInput,
  type FunderDecisionInput,
  type GrantAction,
  type GrantInput,
  type GrantState,
  type PaymentInput,
  type ReportInput,
} from '../domain/grants/cycle.js';
import { getPolicy } from '../domain/policy.js';
import { sendRecorded } from './notify.js';

/** Time spent sending the messages due at the same instant is not lateness. */
const PROCESSING_TOLERANCE_MS = 60_000;
/** Reminders go out at the opening time of the Département's policy. */
const POLICY = 'pas-de-calais';

/** A milestone done: `{ milestone, at?, by?, pieces? }`. */
export const completeMilestoneUpdate = wf.defineUpdate<GrantState, [CompleteMilestoneInput]>(
  'completeMilestone',
);
/** The funder's decision: `{ amount (euros), envelope?: 'base' | 'complementary', coFunding?, at?, by? }`. */
export const recordFunderDecisionUpdate = wf.defineUpdate<GrantState, [FunderDecisionInput]>(
  'recordFunderDecision',
);
/** Money received or paid: `{ kind: 'advance' | 'balance' | 'repayment' | 'grant', amount (euros), at?, by? }`. */
export const recordPaymentUpdate = wf.defineUpdate<GrantState, [PaymentInput]>('recordPayment');
/** A report sent: `{ kind: 'interim' | 'mid-term' | 'financial' | 'final', spent? (euros), at?, by?, pieces? }`. */
export const submitReportUpdate = wf.defineUpdate<GrantState, [ReportInput]>('submitReport');
/** A written denunciation of a tacitly renewed convention: `{ at?, by? }`. */
export const denounceUpdate = wf.defineUpdate<GrantState, [DenounceInput]>('denounce');
export const grantStateQuery = wf.defineQuery<GrantState>('grantState');

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

  const handle = <T extends object>(type: GrantAction['type']) => ({
    act: (raw: T): GrantState => {
      applyGrantAction(state, { ...raw, type } as GrantAction, now());
      version++;
      return state;
    },
    validate: (raw: T): void => {
      const refusal = validateGrantAction(state, { ...raw, type } as GrantAction, now());
      if (refusal) throw ApplicationFailure.nonRetryable(refusal, 'ActionRefused');
    },
  });
  const on = <T extends object>(update: UpdateDefinition<GrantState, [T]>, type: GrantAction['type']) => {
    const h = handle<T>(type);
    wf.setHandler(update, h.act, { validator: h.validate });
  };
  wf.setHandler(grantStateQuery, () => state);
  on(completeMilestoneUpdate, 'complete');
  on(recordFunderDecisionUpdate, 'funder-decision');
  on(recordPaymentUpdate, 'payment');
  on(submitReportUpdate, 'report');
  on(denounceUpdate, 'denounce');

  while (!grantFinished(state)) {
    const seen = version;
    const changed = () => version !== seen;
    const [next] = timedGrantActions(state);
    if (!next) {
      await wf.condition(changed);
      continue;
    }
    const wait = next.at.getTime() - Date.now();
    if (wait > 0 && (await wf.condition(changed, wait))) continue;
    // An action is dated at its instant, unless it was already overdue (started late, worker down): now.
    const late = Date.now() - next.at.getTime() > PROCESSING_TOLERANCE_MS;
    const message = fireGrantAction(state, next, late ? now() : next.at);
    version++;
    if (message) await sendRecorded(state.notifications, message);
  }
  await wf.condition(wf.allHandlersFinished);
  return state;
}
