/**
 * The grant cycle workflow's contract (./grant.ts runs it): its type, its
 * Updates (one per act) and its Query. Whoever acts on a cycle (services/,
 * apps/) imports this file, never the workflow itself.
 */
import * as wf from '@temporalio/workflow';
import type {
  AmendmentInput,
  CompleteMilestoneInput,
  DenounceInput,
  FormalNoticeInput,
  FunderDecisionInput,
  PaymentInput,
  RepaymentOrderInput,
  ReportInput,
  ResolvePartnerCallInput,
  TerminationRequestInput,
  GrantInput,
  GrantState,
} from '../../domain/grants/cycle.js';

/** The workflow type: the name ./grant.ts exports its function under (workflows/index.ts). */
export const grantWorkflowType = 'grantCycle';
export type GrantCycle = (input: GrantInput) => Promise<GrantState>;

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
/** A person's answer to a partner's refusal: `{ call, action: 'retry' | 'handled', at?, by? }`. */
export const resolvePartnerCallUpdate = wf.defineUpdate<GrantState, [ResolvePartnerCallInput]>(
  'resolvePartnerCall',
);
/** The State issued its ordre de reversement: `{ amount?, reference?, at (emission)?, by? }`; repayment due two months later. */
export const recordRepaymentOrderUpdate = wf.defineUpdate<GrantState, [RepaymentOrderInput]>(
  'recordRepaymentOrder',
);
/** A formal notice: `{ action: 'served' | 'complied', defaulting?, reason?, at?, by? }`. */
export const serveFormalNoticeUpdate = wf.defineUpdate<GrantState, [FormalNoticeInput]>('serveFormalNotice');
/** A party asks to end the convention: `{ from: 'departement' | 'funder', reason?, at?, by? }`. */
export const requestTerminationUpdate = wf.defineUpdate<GrantState, [TerminationRequestInput]>(
  'requestTermination',
);
/** An avenant signed: `{ reference?, at?, by?, pieces? }`. */
export const signAmendmentUpdate = wf.defineUpdate<GrantState, [AmendmentInput]>('signAmendment');
export const grantStateQuery = wf.defineQuery<GrantState>('grantState');
