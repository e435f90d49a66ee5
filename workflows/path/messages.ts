/**
 * The path workflow's contract (./path.ts runs it): its type, its id, its
 * Updates, Signal and Queries. Whoever acts on a path (services/, apps/,
 * activities) imports this file, never the workflow itself, so that the
 * workflow's code (and the activities it calls) is not in their imports.
 */
import * as wf from '@temporalio/workflow';
import type { OrientationDecision, PathInput, PathState, PathStep } from '../../domain/path/path.js';
import type { PathEventInput } from '../../domain/path/path-events.js';

export { pathWorkflowId } from '../../domain/ids.js';

/** The workflow type: the name ./path.ts exports its function under (workflows/index.ts). */
export const pathWorkflowType = 'beneficiaryPath';
export type BeneficiaryPath = (rawInput: PathInput) => Promise<PathState>;

/**
 * What an act answers: the path's revision, step and status once it is applied. Not the
 * state: an Update's result stays in the path's history, and the whole state at each act
 * was most of it (issue 18); whoever wants the state reads it with `stateQuery`
 * (services/paths.ts does). Paths started under 1.0 answered their whole state.
 */
export interface PathReceipt {
  revision: number;
  step: PathStep;
  status: PathState['status'];
}

/** A person's act: validated first, refused with a French message, nothing changed. */
export const pathEventUpdate = wf.defineUpdate<PathReceipt, [PathEventInput]>('event');
/** The orientation decision alone (same as an `orientation.decided` event). */
export const orientUpdate = wf.defineUpdate<PathReceipt, [OrientationDecision]>('orient');
/** A partner system's message; a refused one is kept in `rejected` with its reason. */
export const partnerEventSignal = wf.defineSignal<[PathEventInput]>('partnerEvent');
export const stateQuery = wf.defineQuery<PathState>('state');
/** What the path still owes its side systems (operations' view of an outage). */
export const pendingEffectsQuery = wf.defineQuery<{ messages: number; readModelBehind: boolean }>(
  'pendingEffects',
);
