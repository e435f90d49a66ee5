/**
 * Before `jalons simulate` sends a scenario event, the workflow is left to finish what the
 * clock has just made due.
 *
 * Why: the time-skipping test server mishandles an Update that reaches a workflow while the
 * workflow's own timer, due at the same instant, fires (CI, 05/12/2026: the worker's completion
 * is refused with "invalid history builder state for action", the Update is never answered and
 * the workflow stays stuck). A scenario event dated exactly at a deadline — « 17:00:00 » against
 * « avant 17h » — is the very case a simulation is for. Timers due at the event's instant fire
 * first (as on a real server an event at the deadline finds it passed) and the event is sent once
 * no workflow task is open.
 */
import type { Client, WorkflowClientInterceptor } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

const { EventType } = proto.temporal.api.enums.v1;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/** A timer due this close after the server's clock is waited for: it fires in real time. */
const DUE_MARGIN_MS = 100;
/** Never wait longer than this for a workflow to settle (then the event is sent anyway). */
const SETTLE_LIMIT_MS = 5_000;

const ms = (t: { seconds?: unknown; nanos?: unknown } | null | undefined) =>
  Number(String(t?.seconds ?? 0)) * 1000 + Math.floor(Number(t?.nanos ?? 0) / 1e6);

/** True when no workflow task is open and no timer due by `nowMs` is still waiting to fire. */
export function settled(events: HistoryEvent[], nowMs: number): boolean {
  let openTasks = 0;
  const timers = new Map<string, number>();
  for (const e of events) {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        openTasks++;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        openTasks--;
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED: {
        const a = e.timerStartedEventAttributes;
        timers.set(a?.timerId ?? '', ms(e.eventTime) + ms(a?.startToFireTimeout));
        break;
      }
      case EventType.EVENT_TYPE_TIMER_FIRED:
        timers.delete(e.timerFiredEventAttributes?.timerId ?? '');
        break;
      case EventType.EVENT_TYPE_TIMER_CANCELED:
        timers.delete(e.timerCanceledEventAttributes?.timerId ?? '');
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        return true;
    }
  }
  return openTasks <= 0 && [...timers.values()].every((due) => due > nowMs + DUE_MARGIN_MS);
}

/** Waits (bounded) until the workflow has settled at the server's current instant. */
export async function settle(
  env: TestWorkflowEnvironment,
  client: Client,
  workflowId: string,
): Promise<void> {
  const limit = Date.now() + SETTLE_LIMIT_MS;
  while (Date.now() < limit) {
    let events: HistoryEvent[];
    try {
      events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    } catch {
      return; // No such workflow: the event's own refusal says so.
    }
    if (settled(events, await env.currentTimeMs())) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The same precaution for every Update (and query) a client sends to the time-skipping server (the
 * tests' clients): the workflow settles first. `env` is read when the Update is sent (the
 * client is built before its environment exists).
 */
export function settleBeforeUpdate(
  env: () => TestWorkflowEnvironment | undefined,
): WorkflowClientInterceptor {
  return {
    async startUpdate(input, next) {
      const current = env();
      if (current) await settle(current, current.client, input.workflowExecution.workflowId);
      return next(input);
    },
    // A query was once seen left unanswered under load (CI, 05/12/2026): the same precaution.
    async query(input, next) {
      const current = env();
      if (current) await settle(current, current.client, input.workflowExecution.workflowId);
      return next(input);
    },
  };
}
