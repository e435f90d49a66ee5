/**
 * `jalons simulate` waits, before sending an event, until the workflow has no open task and
 * no timer due at that instant still to fire (dev/simulate-settle.ts: the time-skipping
 * server mishandles an Update racing a timer of the same instant).
 */
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { settled } from '../../dev/simulate-settle.js';

const { EventType } = proto.temporal.api.enums.v1;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
/** Seconds as the decimal string a Long prints (the history's Timestamp). */
const history = (...events: object[][]) => events.flat() as HistoryEvent[];
const T = Date.parse('2025-12-15T16:00:00Z');
const at = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
const task = (type: number, ms: number) => ({ eventType: type, eventTime: at(ms) });
const timer = (id: string, startedMs: number, fireInMs: number) => ({
  eventType: EventType.EVENT_TYPE_TIMER_STARTED,
  eventTime: at(startedMs),
  timerStartedEventAttributes: { timerId: id, startToFireTimeout: at(fireInMs) },
});
const fired = (id: string) => ({
  eventType: EventType.EVENT_TYPE_TIMER_FIRED,
  timerFiredEventAttributes: { timerId: id },
});
const started = T - 8 * 3600_000;
const idle = [
  task(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, started),
  task(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, started),
  task(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, started),
];

describe('simulate settles a workflow before sending an event', () => {
  it('waits for a timer due at the event’s instant, and for one due within 100 ms after it', () => {
    expect(settled(history(idle, [timer('1', started, 8 * 3600_000)]), T)).toBe(false);
    expect(settled(history(idle, [timer('1', started, 8 * 3600_000 + 100)]), T)).toBe(false);
  });

  it('does not wait for a timer due later (an event one second before a deadline goes first)', () => {
    expect(settled(history(idle, [timer('1', started, 8 * 3600_000 + 101)]), T)).toBe(true);
    expect(settled(history(idle, [timer('1', started, 8 * 3600_000)]), T - 1000)).toBe(true);
  });

  it('waits while a workflow task is open, then goes once the fired timer’s task completed', () => {
    const firing = [...idle, timer('1', started, 8 * 3600_000), fired('1')];
    const open = [...firing, task(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, T)];
    expect(settled(history(open), T)).toBe(false);
    expect(settled(history(open, [task(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, T)]), T)).toBe(true);
  });

  it('a closed workflow is settled (the event’s own refusal says why)', () => {
    const open = [...idle, task(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, T)];
    expect(
      settled(history(open, [{ eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED }]), T),
    ).toBe(true);
  });
});
