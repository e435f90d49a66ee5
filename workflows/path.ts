/**
 * The beneficiary path workflow: one per person, id `parcours-<pseudonymous id>`,
 * from the opening of the right to the exit. The step machine and the deadlines
 * are pure domain code (domain/path-machine.ts, domain/path-timers.ts); this
 * workflow feeds it events (Updates from people, Signals from partners) and
 * time (one durable timer for the earliest pending action), sends the messages
 * it decides, keeps the search attributes current and continues as new before
 * the history grows large.
 */
import * as wf from '@temporalio/workflow';
import { ApplicationFailure, type SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import type { OrientationDecision, PathInput, PathState } from '../domain/path.js';
import { pathInputSchema } from '../domain/path.js';
import type { PathEventInput } from '../domain/path-events.js';
import { applyPathEvent, newPathState, refusalOf } from '../domain/path-machine.js';
import { fireTimedAction, outboxActions, timedActions } from '../domain/path-timers.js';
import { orientationSliceV1 } from './path-v1.js';
import { sendRecorded } from './notify.js';
import { pathSearchValues } from './search-attributes.js';
import { PartnerCaller } from './partners.js';
import { pendingPartnerCalls } from '../domain/partner-calls.js';
import { partnerFailureMessage } from '../domain/path-partners.js';

/** Paths started before this patch run the orientation-only slice (v1). */
export const FULL_PATH_PATCH = 'full-path';
/** Continue as new past this many history events (Temporal's limit is 51,200). */
const DEFAULT_HISTORY_LIMIT = 8_000;
/** Time spent sending the messages due at the same instant is not lateness. */
const PROCESSING_TOLERANCE_MS = 60_000;

const { recordPath } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // The database may be down for a while: retried with backoff, never dropped.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
/** Paths started before this patch did not write to the read model. */
export const READ_MODEL_PATCH = 'read-model';
export const WAKE_AFTER_RECORD_PATCH = 'wake-after-record';
/**
 * Paths before this patch could close without recording their last change, and did not record
 * a partner's answer in the read model.
 */
export const RECORD_AT_CLOSE_PATCH = 'record-at-close';
/** Paths before this patch did not call the partner systems (their owed calls go out once they wake up). */
export const PARTNERS_PATCH = 'partners';
/** How long a continue-as-new waits for partner calls under way (the next run sends them again, same key). */
const PARTNER_DRAIN_MS = 60_000;

/** A person's act: validated first, refused with a French message, nothing changed. */
export const pathEventUpdate = wf.defineUpdate<PathState, [PathEventInput]>('event');
/** The v1 orientation Update, still accepted (same as an `orientation.decided` event). */
export const orientUpdate = wf.defineUpdate<PathState, [OrientationDecision]>('orient');
/** A partner system's message; a refused one is kept in `rejected` with its reason. */
export const partnerEventSignal = wf.defineSignal<[PathEventInput]>('partnerEvent');
export const stateQuery = wf.defineQuery<PathState>('state');

export async function beneficiaryPath(rawInput: PathInput): Promise<PathState> {
  if (!wf.patched(FULL_PATH_PATCH)) return (await orientationSliceV1(rawInput)) as unknown as PathState;
  const input = pathInputSchema.parse(rawInput);
  const state = input.carried ?? newPathState(input);
  let version = 0;

  const act = (raw: unknown): PathState => {
    applyPathEvent(state, raw, new Date(Date.now()));
    version++;
    return state;
  };
  const validate = (raw: unknown): void => {
    const refusal = refusalOf(state, raw, new Date(Date.now()));
    if (refusal) throw ApplicationFailure.nonRetryable(refusal, 'ActionRefused');
  };
  wf.setHandler(stateQuery, () => state);
  wf.setHandler(pathEventUpdate, act, { validator: validate });
  wf.setHandler(orientUpdate, (d) => act(fromDecision(d)), { validator: (d) => validate(fromDecision(d)) });
  wf.setHandler(partnerEventSignal, (raw) => {
    const refusal = refusalOf(state, raw, new Date(Date.now()));
    if (refusal === null) return void act(raw);
    const type = typeof raw === 'object' && raw && 'type' in raw ? String(raw.type) : 'inconnu';
    state.rejected.push({ at: new Date(Date.now()).toISOString(), event: type, error: refusal });
    version++;
  });

  const partners = new PartnerCaller(
    () => state.partnerCalls ?? [],
    (failed) => {
      if (failed) partnerFailureMessage(state, failed, new Date(Date.now()));
      version++;
    },
  );
  const sendToPartners = () => {
    if (pendingPartnerCalls(state.partnerCalls).length > 0 && wf.patched(PARTNERS_PATCH)) partners.launch();
  };

  const limit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  let shown = '';
  let recorded = -1;
  for (;;) {
    // Taken before any await: a change during the read-model write below wakes the wait at once.
    const seenAtTop = version;
    sendToPartners();
    shown = showInVisibility(state, shown);
    const revision = revisionOf(state, wf.patched(RECORD_AT_CLOSE_PATCH));
    if (revision !== recorded && wf.patched(READ_MODEL_PATCH)) {
      await recordPath({ workflowId: wf.workflowInfo().workflowId, revision, state });
      recorded = revision;
    }
    if (state.status === 'closed') break;
    const info = wf.workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > limit) {
      await wf.condition(wf.allHandlersFinished);
      if (!partners.idle) await wf.condition(() => partners.idle, PARTNER_DRAIN_MS);
      await wf.continueAsNew<typeof beneficiaryPath>({ ...rawInput, carried: state, historyLimit: limit });
    }
    // Before this patch, a change made while the read model was being written waited for the next timer.
    const seen = wf.patched(WAKE_AFTER_RECORD_PATCH) ? seenAtTop : version;
    const changed = () => version !== seen;
    const [next] = timedActions(state);
    if (!next) {
      await wf.condition(changed);
      continue;
    }
    const wait = next.at.getTime() - Date.now();
    if (wait > 0 && (await wf.condition(changed, wait))) continue;
    // An action is dated at its instant, unless it was already overdue (a backdated act): now.
    const late = Date.now() - next.at.getTime() > PROCESSING_TOLERANCE_MS;
    const message = fireTimedAction(state, next, late ? new Date(Date.now()) : next.at);
    version++;
    if (message) await sendRecorded(state.notifications, message);
  }
  await closeWithPartners(state, partners);
  // What changed while the loop was writing (the closing act itself, a partner's answer) is recorded too.
  if (wf.patched(RECORD_AT_CLOSE_PATCH) && revisionOf(state, true) !== recorded)
    await recordPath({ workflowId: wf.workflowInfo().workflowId, revision: revisionOf(state, true), state });
  await wf.condition(wf.allHandlersFinished);
  return state;
}

/**
 * Grows with every change the read model shows: events, fired timers, refusals, and partner calls
 * settled or sent again (a queued call comes with its event).
 */
function revisionOf(state: PathState, withCalls: boolean): number {
  const calls = withCalls
    ? (state.partnerCalls ?? []).reduce((n, c) => n + c.attempt + (c.status === 'pending' ? 0 : 1), 0)
    : 0;
  return state.seq + state.handled.length + state.rejected.length + calls;
}

/**
 * A closing path still owes its last partner calls (e.g. the CAF restoring the
 * allocation at the exit): it waits for them, and a refusal is sent at once.
 */
async function closeWithPartners(state: PathState, partners: PartnerCaller): Promise<void> {
  if (partners.idle) return;
  await wf.condition(() => partners.idle);
  const unsent = outboxActions(state).filter(
    (x) => x.id.startsWith('partner-failed:') && !state.handled.includes(x.id),
  );
  for (const action of unsent) {
    const message = fireTimedAction(state, action, new Date(Date.now()));
    if (message) await sendRecorded(state.notifications, message);
  }
}

function fromDecision(d: OrientationDecision): PathEventInput {
  const { decidedAt, decidedBy, ...data } = d;
  return {
    type: 'orientation.decided',
    ...(decidedAt ? { at: decidedAt } : {}),
    ...(decidedBy ? { by: decidedBy } : {}),
    data,
  };
}

/** Upserts the search attributes when they changed; returns what is shown now. */
function showInVisibility(state: PathState, shown: string): string {
  const values: SearchAttributeUpdatePair[] = pathSearchValues(state);
  const now = JSON.stringify(values.map((v) => [v.key.name, v.value]));
  if (now !== shown) wf.upsertSearchAttributes(values);
  return now;
}
