/**
 * The first slice of the path workflow (v1): orientation only, completing when a
 * person records it. Paths started before the `full-path` patch still run this
 * code: it is kept, unchanged in behaviour, until none is left (see
 * test/histories/path-orientation-*.json), then deleted with the patch.
 */
import * as wf from '@temporalio/workflow';
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import { deadlineAfter } from '../domain/deadlines.js';
import { followUpActions, type FollowUpAction } from '../domain/follow-up.js';
import { nationalRulesAt } from '../domain/national-rules.js';
import {
  orientationDecisionSchema,
  pathInputSchema,
  type DeadlineRecord,
  type NotificationRecord,
  type OrientationDecision,
  type OrientationRecord,
  type PathInput,
} from '../domain/path.js';
import { getPolicy } from '../domain/policy.js';
import { frenchIssues } from '../domain/validation.js';
import { notificationRetry } from './retry.js';

const { sendNotification } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: notificationRetry,
});

/** The v1 state, as its running paths still report it. */
export interface PathStateV1 {
  beneficiaryId: string;
  policy: string;
  territory: string;
  step: 'orientation' | 'oriented' | 'closed';
  status: 'active' | 'closed';
  rightsOpenedAt: string;
  orientation: Omit<OrientationRecord, 'reason'> | null;
  deadlines: Omit<DeadlineRecord, 'id'>[];
  notifications: NotificationRecord[];
  history: { at: string; step: PathStateV1['step'] }[];
}
type PathState = PathStateV1;

const orientUpdate = wf.defineUpdate<PathState, [OrientationDecision]>('orient');
const stateQuery = wf.defineQuery<PathState>('state');

export async function orientationSliceV1(rawInput: PathInput): Promise<PathState> {
  const input = pathInputSchema.parse(rawInput);
  const policy = getPolicy(input.policy);
  const openedAt = new Date(input.rightsOpenedAt);
  const rules = nationalRulesAt(openedAt);

  const state: PathState = {
    beneficiaryId: input.beneficiaryId,
    policy: policy.id,
    territory: input.territory,
    step: 'orientation',
    status: 'active',
    rightsOpenedAt: openedAt.toISOString(),
    orientation: null,
    deadlines: [],
    notifications: [],
    history: [{ at: openedAt.toISOString(), step: 'orientation' }],
  };
  wf.setHandler(stateQuery, () => state);

  const local = { kind: 'orientation.local', dueAt: deadlineAfter(openedAt, policy.orientation.target) };
  const legal = { kind: 'orientation.legal', dueAt: deadlineAfter(openedAt, rules.orientation.legalLimit) };
  for (const d of [local, legal])
    state.deadlines.push({ kind: d.kind, dueAt: d.dueAt.toISOString(), metAt: null, breached: false });

  wf.setHandler(
    orientUpdate,
    (raw) => {
      const decision = orientationDecisionSchema.parse(raw);
      const decidedAt = decision.decidedAt ?? new Date(Date.now());
      state.orientation = {
        track: decision.track,
        organisation: decision.organisation,
        referent: decision.referent,
        decidedAt: decidedAt.toISOString(),
        decidedBy: decision.decidedBy ?? null,
      };
      for (const d of state.deadlines) {
        if (d.kind.startsWith('orientation.')) {
          d.metAt = decidedAt.toISOString();
          d.breached = decidedAt.getTime() > Date.parse(d.dueAt);
        }
      }
      moveTo(state, 'oriented', decidedAt);
      return state;
    },
    { validator: (raw) => validateOrientation(state, openedAt, raw) },
  );

  const actions = [
    ...followUpActions(local, 'orientation', policy.orientation.targetFollowUp, policy.businessHours),
    ...followUpActions(legal, 'orientation', policy.orientation.legalFollowUp, policy.businessHours),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());

  await followDeadlines(state, actions, [local, legal], () => state.step !== 'orientation');
  return state;
}

function validateOrientation(state: PathState, openedAt: Date, raw: unknown): void {
  if (state.step !== 'orientation') {
    throw ApplicationFailure.nonRetryable(
      'Ce parcours est déjà orienté : utilisez une réorientation.',
      'InvalidAction',
    );
  }
  const parsed = orientationDecisionSchema.safeParse(raw);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `Décision d’orientation invalide : ${frenchIssues(parsed.error)}`,
      'InvalidInput',
    );
  }
  const at = parsed.data.decidedAt;
  if (at && at < openedAt) {
    throw ApplicationFailure.nonRetryable(
      'La décision d’orientation ne peut précéder l’ouverture du droit.',
      'InvalidInput',
    );
  }
  if (at && at.getTime() > Date.now()) {
    throw ApplicationFailure.nonRetryable(
      'La décision d’orientation ne peut être datée dans le futur.',
      'InvalidInput',
    );
  }
}

function moveTo(state: PathState, step: PathState['step'], at: Date): void {
  state.step = step;
  state.history.push({ at: at.toISOString(), step });
}

/**
 * Waits for `done()` while firing each follow-up at its instant. A reminder whose
 * deadline has already passed is pointless and skipped; an escalation is never skipped.
 */
async function followDeadlines(
  state: PathState,
  actions: FollowUpAction[],
  deadlines: { kind: string; dueAt: Date }[],
  done: () => boolean,
): Promise<void> {
  for (const action of actions) {
    const wait = action.at.getTime() - Date.now();
    if (wait > 0 && (await wf.condition(done, wait))) return;
    // On time, a follow-up is dated at its instant; one already due when the workflow got there, now.
    const firedAt = wait > 0 ? action.at : new Date(Date.now());
    if (done()) return;
    const deadline = deadlines.find((d) => d.kind === action.deadline);
    if (!deadline) continue;
    const record = state.deadlines.find((d) => d.kind === action.deadline);
    if (action.kind === 'reminder' && Date.now() > deadline.dueAt.getTime()) continue;
    if (action.kind === 'escalation' && record) record.breached = true;
    await notify(state, action, deadline.dueAt, firedAt);
  }
  await wf.condition(done);
}

async function notify(state: PathState, action: FollowUpAction, dueAt: Date, firedAt: Date): Promise<void> {
  const { workflowId } = wf.workflowInfo();
  await sendNotification({
    key: `${workflowId}/${action.id}`,
    template: action.template,
    to: { role: action.to },
    data: {
      beneficiaryId: state.beneficiaryId,
      territory: state.territory,
      deadline: action.deadline,
      dueAt: dueAt.toISOString(),
    },
  });
  state.notifications.push({
    id: action.id,
    at: firedAt.toISOString(),
    to: action.to,
    template: action.template,
    deadline: action.deadline,
  });
}
