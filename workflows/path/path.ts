/**
 * The beneficiary path workflow: one per person, id `parcours-<pseudonymous id>`,
 * from the opening of the right to the exit. The step machine and the deadlines
 * are pure domain code (domain/path/path-machine.ts, domain/path/path-timers.ts); this
 * workflow feeds it events (Updates from people, Signals from partners) and
 * time (one durable timer for the earliest pending action). Its clock never
 * waits on a side effect: the read model, the e-mails (./effects.ts) and the
 * partner calls (./partners.ts) run beside the loop, so a deadline breaches and
 * its escalation is queued at its instant whatever the database, the SMTP relay
 * or a partner is doing (docs/architecture.md).
 */
import * as wf from '@temporalio/workflow';
import { ApplicationFailure, type SearchAttributeUpdatePair } from '@temporalio/common';
import type { OrientationDecision, PathInput, PathState } from '../../domain/path/path.js';
import { pathInputSchema } from '../../domain/path/path.js';
import { partnerEventTypes, type PathEventInput, type PathEventType } from '../../domain/path/path-events.js';
import { applyPathEvent, newPathState, refusalOf } from '../../domain/path/path-machine.js';
import {
  fireTimedAction,
  outboxActions,
  timedActions,
  type TimedAction,
} from '../../domain/path/path-timers.js';
import { getPolicy } from '../../domain/policy.js';
import { pathSearchValues } from '../shared/search-attributes.js';
import { PartnerCaller } from '../shared/partners.js';
import { SideEffects } from '../shared/effects.js';
import { ReadModelFeed } from './read-model-feed.js';
import type { RecordedMessage } from '../notifications/notify.js';
import { pendingPartnerCalls } from '../../domain/partner-calls.js';
import { compactPathState, pathRevision, recordRejected } from '../../domain/path/path-compaction.js';
import { partnerFailureMessage } from '../../domain/path/path-partners.js';

/** Continue as new past this many history events (Temporal's limit is 51,200). */
const DEFAULT_HISTORY_LIMIT = 8_000;
/** Time spent handling the actions due at the same instant is not lateness. */
const PROCESSING_TOLERANCE_MS = 60_000;
/** How long a continue-as-new waits for partner calls under way (the next run sends them again, same key). */
const PARTNER_DRAIN_MS = 60_000;
/**
 * The path's procedure in depth (issue 20: the 10 days in full, the EP's avis, the
 * late orientation, the removal in business hours): a 1.0 path replays its past
 * as 1.0 applied it (docs/architecture.md « Changements derrière patched() »).
 */
const LAW_PATCH = 'path-law-procedure';
/**
 * Visibility gets only the search attributes that changed, not all six at each change
 * (issue 18: bytes of history per path-year). Earlier paths upsert all six, as they did.
 */
const CHANGED_ATTRIBUTES_PATCH = 'search-attributes-changed-only';

import {
  orientUpdate,
  partnerEventSignal,
  pathEventUpdate,
  pendingEffectsQuery,
  stateQuery,
  type BeneficiaryPath,
  type PathReceipt,
} from './messages.js';

export { orientUpdate, partnerEventSignal, pathEventUpdate, pendingEffectsQuery, stateQuery };

/** The contract its clients start it by (./messages.ts): a change of signature shows there. */
const _contract: BeneficiaryPath = beneficiaryPath;

export async function beneficiaryPath(rawInput: PathInput): Promise<PathState> {
  const input = pathInputSchema.parse(rawInput);
  const state = input.carried ?? newPathState(input);
  const hours = getPolicy(state.policy).businessHours;
  let version = 0;
  const now = () => new Date(Date.now());
  // Decided here and at each turn of the loop, never in a handler or validator: both see one procedure.
  let law = wf.patched(LAW_PATCH);

  const act = (raw: unknown): PathReceipt => {
    applyPathEvent(state, raw, now(), { law });
    version++;
    return { revision: pathRevision(state), step: state.step, status: state.status };
  };
  const validate = (raw: unknown): void => refused(refusalOf(state, raw, now(), { law }));
  wf.setHandler(stateQuery, () => state);
  wf.setHandler(pathEventUpdate, act, { validator: validate });
  wf.setHandler(orientUpdate, (d) => act(fromDecision(d)), { validator: (d) => validate(fromDecision(d)) });
  wf.setHandler(partnerEventSignal, (raw) => {
    const refusal = partnerRefusal(raw) ?? refusalOf(state, raw, now(), { law });
    if (refusal === null) return void act(raw);
    recordRejected(state, { type: eventTypeOf(raw) }, refusal, now());
    version++;
  });

  const partners = new PartnerCaller(
    () => state.partnerCalls ?? [],
    (failed) => {
      if (failed) partnerFailureMessage(state, failed, now());
      version++;
    },
  );
  const feed = new ReadModelFeed(() => state);
  const effects = new SideEffects(
    (revision) => feed.write(revision),
    () => state.notifications,
    () => version++,
  );
  wf.setHandler(pendingEffectsQuery, () => ({
    messages: effects.queued,
    readModelBehind: effects.recordBehind,
  }));
  const send = (message: RecordedMessage | null, dueAt: Date) => {
    if (message) effects.send({ ...message, due: { at: dueAt.toISOString(), hours } });
  };

  const limit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  // Since when the history asks for a continue-as-new: it waits for the side effects, never the clock.
  let fullSince: number | null = null;
  const readyToContinue = () =>
    fullSince !== null && effects.idle && (partners.idle || Date.now() - fullSince >= PARTNER_DRAIN_MS);
  let shown = '';
  const onlyChanged = wf.patched(CHANGED_ATTRIBUTES_PATCH);
  for (;;) {
    // Taken before anything else: a change made while we look wakes the wait at once.
    const seen = version;
    law ||= wf.patched(LAW_PATCH);
    if (pendingPartnerCalls(state.partnerCalls).length > 0) partners.launch();
    shown = showInVisibility(state, shown, onlyChanged);
    effects.record(pathRevision(state));
    if (state.status === 'closed') break;
    if (fullSince === null && historyFull(limit)) fullSince = Date.now();
    if (readyToContinue()) {
      compactPathState(state);
      await wf.continueAsNew<typeof beneficiaryPath>({ ...rawInput, carried: state, historyLimit: limit });
    }

    const changed = () => version !== seen || readyToContinue();
    const [next] = timedActions(state, { law });
    const wait = Math.min(nextWake(next), drainWake(fullSince, partners.idle));
    if (wait === Infinity) {
      await wf.condition(changed);
      continue;
    }
    if (wait > 0 && (await wf.condition(changed, wait))) continue;
    if (!next || next.at.getTime() > Date.now()) continue;
    // An action is dated at its instant, unless it was already overdue (a backdated act): now.
    const firedAt = Date.now() - next.at.getTime() > PROCESSING_TOLERANCE_MS ? now() : next.at;
    send(fireTimedAction(state, next, firedAt, { law }), firedAt);
    compactPathState(state);
    version++;
  }
  await closeWithPartners(state, partners, (m) => send(m, now()));
  // What changed while the loop was writing (the closing act itself, a partner's answer) is recorded too.
  effects.record(pathRevision(state));
  await wf.condition(() => effects.idle && partners.idle && wf.allHandlersFinished());
  return state;
}

/** A person's act the path refuses: the Update is rejected with the French reason, nothing changes. */
function refused(refusal: string | null): void {
  if (refusal) throw ApplicationFailure.nonRetryable(refusal, 'ActionRefused');
}

const nextWake = (next: TimedAction | undefined): number =>
  next ? next.at.getTime() - Date.now() : Infinity;

const drainWake = (fullSince: number | null, partnersIdle: boolean): number =>
  fullSince === null || partnersIdle ? Infinity : Math.max(0, fullSince + PARTNER_DRAIN_MS - Date.now());

function historyFull(limit: number): boolean {
  const info = wf.workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > limit;
}

/** A Signal carries a partner system's message only; a person's act goes through the `event` Update. */
function partnerRefusal(raw: unknown): string | null {
  const type = eventTypeOf(raw);
  return (partnerEventTypes as readonly string[]).includes(type as PathEventType)
    ? null
    : `type « ${type} » refusé : un partenaire ne peut envoyer que ${partnerEventTypes.join(', ')}`;
}

/** The event's type as a short printable word, for the refusal record (never the whole input). */
function eventTypeOf(raw: unknown): string {
  const type = typeof raw === 'object' && raw && 'type' in raw ? raw.type : undefined;
  return typeof type === 'string' && /^[a-z.-]{1,40}$/.test(type) ? type : 'inconnu';
}

/**
 * A closing path still owes its last partner calls (e.g. the CAF restoring the
 * allocation at the exit): it waits for them, and a refusal is sent at once.
 */
async function closeWithPartners(
  state: PathState,
  partners: PartnerCaller,
  send: (m: RecordedMessage | null) => void,
): Promise<void> {
  if (partners.idle) return;
  await wf.condition(() => partners.idle);
  const unsent = outboxActions(state).filter(
    (x) => x.id.startsWith('partner-failed:') && !state.handled.includes(x.id),
  );
  // Only partner-failure messages here: the same under either procedure.
  for (const action of unsent) send(fireTimedAction(state, action, new Date(Date.now())));
}

function fromDecision(d: OrientationDecision): PathEventInput {
  const { decidedAt, decidedBy, ...data } = d;
  return {
    type: 'orientation.decided',
    // Any value given is passed on, so that a wrong one (`false`, '') is refused, never dropped.
    ...(decidedAt !== undefined ? { at: decidedAt } : {}),
    ...(decidedBy !== undefined ? { by: decidedBy } : {}),
    data,
  };
}

/**
 * Upserts the search attributes when they changed — those that changed only, once the
 * run has shown them all — and returns what is shown now.
 */
function showInVisibility(state: PathState, shown: string, onlyChanged: boolean): string {
  const values: SearchAttributeUpdatePair[] = pathSearchValues(state);
  const pairs = values.map((v) => JSON.stringify([v.key.name, v.value]));
  const now = `[${pairs.join(',')}]`;
  if (now === shown) return now;
  const before = new Set(shown ? (JSON.parse(shown) as unknown[]).map((p) => JSON.stringify(p)) : []);
  const changed = onlyChanged && shown ? values.filter((_, i) => !before.has(pairs[i]!)) : values;
  wf.upsertSearchAttributes(changed);
  return now;
}
