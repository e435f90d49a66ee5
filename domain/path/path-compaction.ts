/**
 * Keeps a path's state small whatever is done to it: the lists that grow with
 * acts and time (journal, history, messages, refusals, closed deadlines, handled
 * timed actions, settled partner calls…) keep their most recent entries, so the
 * state carried by continue-as-new and every payload (a query, an Update's
 * answer, the read model's write) stay far below Temporal's 2 MB — under
 * ~256 KiB in the worst case measured by test/domain/bounds.test.ts. Nothing a
 * rule still needs is dropped: open deadlines, pending or refused transmissions,
 * messages not yet sent and the ids of timed actions that could still fire stay.
 * The audit keeps everything elsewhere: the read model's journal and messages
 * are never deleted by a later snapshot, and Temporal's history holds every act.
 * Pure and in place (callers may hold a reference to a list). Bounds:
 * docs/bounds.md.
 */
import type { DeadlineRecord, PathState } from './path.js';
import { truncate } from '../text.js';

/** How many entries of each list a path keeps (the most recent ones). */
export const pathListBounds = {
  journal: 200,
  history: 200,
  interviews: 120,
  activity: 120,
  missed: 20,
  notifications: 200,
  rejected: 50,
  /** Closed deadlines (met, or breached then no longer awaited) kept in `deadlines`. */
  closedDeadlines: 100,
  dropped: 100,
  /** Partner calls settled (acknowledged, or closed by hand) kept. */
  settledCalls: 50,
  /** Messages an event queued and already sent, kept in `outbox`. */
  sentOutbox: 50,
  /** Réorientations and sanctions count in partner call ids: bounded by refusal, never dropped. */
  reorientations: 50,
  sanctions: 50,
} as const;

/** One refusal of a partner's message, as kept in `rejected`. */
export const rejectedBounds = { event: 64, error: 500 } as const;

/** What compaction removed, by list; `revision` keeps the path's revision monotonic (see below). */
export interface Compacted {
  [list: string]: number;
}

/** Kinds met once per path that indicators read (orientation delays, the stock's contract). */
const keptKinds = new Set(['orientation.local', 'orientation.legal', 'contract.stock']);

/** Keeps in place the entries `keep` accepts; returns how many left. */
function keepInPlace<T>(list: T[], keep: (x: T, i: number) => boolean): number {
  const n = list.length;
  let w = 0;
  for (let r = 0; r < n; r++) if (keep(list[r]!, r)) list[w++] = list[r]!;
  list.length = w;
  return n - w;
}

/** Keeps the last `max` entries, in place; returns how many left. */
function keepLast<T>(list: T[], max: number): number {
  const extra = list.length - max;
  if (extra <= 0) return 0;
  list.splice(0, extra);
  return extra;
}

const isClosed = (d: DeadlineRecord) => d.metAt !== null || Boolean(d.cancelledAt);

/**
 * Compacts the state in place. Called after every event (applyPathEvent); the
 * workflow also calls it after a timed action or a refused Signal, and before a
 * continue-as-new.
 *
 * The revision the read model orders snapshots by counts handled actions,
 * refusals, partner attempts and failed messages: what is removed here is added to
 * `compacted.revision`, which the workflow adds to its revision so it never goes back.
 */
export function compactPathState(s: PathState): PathState {
  const b = pathListBounds;
  const removed: Record<string, number> = {};
  const note = (list: string, n: number) => {
    if (n > 0) removed[list] = (removed[list] ?? 0) + n;
  };
  note('journal', keepLast(s.journal, b.journal));
  note('history', keepLast(s.history, b.history));
  note('interviews', keepLast(s.interviews, b.interviews));
  note('activity', keepLast(s.activity, b.activity));
  note('missed', keepLast(s.appointment.missed, b.missed));
  note('dropped', keepLast(s.dropped, b.dropped));

  const failedBefore = s.notifications.filter((n) => n.failed).length;
  note('notifications', keepLast(s.notifications, b.notifications));
  const failedGone = failedBefore - s.notifications.filter((n) => n.failed).length;
  const rejectedGone = keepLast(s.rejected, b.rejected);
  note('rejected', rejectedGone);

  // A pending message's deadline stays: its template names the deadline's kind.
  const handled = new Set(s.handled);
  const pending = new Set(s.outbox.filter((m) => !handled.has(m.id)).map((m) => m.deadline));
  const closed = s.deadlines.filter((d) => isClosed(d) && !keptKinds.has(d.kind) && !pending.has(d.id));
  const closedGone = new Set(closed.slice(0, Math.max(0, closed.length - b.closedDeadlines)));
  note(
    'deadlines',
    keepInPlace(s.deadlines, (d) => !closedGone.has(d)),
  );

  const sent = s.outbox.filter((m) => handled.has(m.id));
  const sentGone = new Set(sent.slice(0, Math.max(0, sent.length - b.sentOutbox)));
  note(
    'outbox',
    keepInPlace(s.outbox, (m) => !sentGone.has(m)),
  );

  let callsRevision = 0;
  if (s.partnerCalls) {
    const settled = s.partnerCalls.filter((c) => c.status === 'done');
    const gone = new Set(settled.slice(0, Math.max(0, settled.length - b.settledCalls)));
    for (const c of gone) callsRevision += c.attempt + 1;
    note(
      'partnerCalls',
      keepInPlace(s.partnerCalls, (c) => !gone.has(c)),
    );
  }

  const handledGone = keepInPlace(s.handled, (id) => mayStillFire(s, id));
  note('handled', handledGone);

  const revision = handledGone + rejectedGone + failedGone + callsRevision;
  if (Object.keys(removed).length > 0 || revision > 0) {
    const c = (s.compacted ??= {});
    for (const [list, n] of Object.entries(removed)) c[list] = (c[list] ?? 0) + n;
    if (revision > 0) c.revision = (c.revision ?? 0) + revision;
  }
  return s;
}

/**
 * Whether a handled action's id must stay in `handled` (so that it never fires
 * twice): its deadline is still awaited (or only hidden while no procedure runs),
 * its message is still in the outbox, or its accompaniment or sanction still
 * runs. An id of a kind not known here is kept.
 */
function mayStillFire(s: PathState, id: string): boolean {
  if (id.startsWith('intensive-end@')) return id === `intensive-end@${s.accompaniment?.startedAt}`;
  if (id.startsWith('sanction@'))
    return s.sanctions.some((x) => x.endedAt === null && id.startsWith(`sanction@${x.decidedAt}:`));
  if (s.outbox.some((m) => m.id === id)) return true;
  const deadline = /^([a-z.-]+#\d+):/.exec(id)?.[1];
  if (deadline !== undefined) {
    const d = s.deadlines.find((x) => x.id === deadline);
    return d !== undefined && !isClosed(d);
  }
  // An outbox message no longer in the outbox was sent and compacted with it.
  if (id.startsWith('partner-failed:') || id.startsWith('appointment-missed#') || id.startsWith('removal@'))
    return false;
  return true;
}

/** The number a path's revision adds for what compaction removed (0 before any compaction). */
export const compactedRevision = (s: PathState): number => s.compacted?.revision ?? 0;

/**
 * Records a refused partner message in `rejected`, bounded (its type and reason
 * cut, the list compacted): a flood of hostile Signals cannot grow the state.
 */
export function recordRejected(s: PathState, raw: unknown, error: string, at: Date): void {
  const type =
    typeof raw === 'object' && raw !== null && 'type' in raw && typeof raw.type === 'string'
      ? raw.type
      : 'inconnu';
  s.rejected.push({
    at: at.toISOString(),
    event: truncate(type, rejectedBounds.event),
    error: truncate(error, rejectedBounds.error),
  });
  compactPathState(s);
}

/**
 * A path's revision: grows with every change the read model shows — events, fired timers,
 * refusals, partner calls settled or sent again, messages refused by the relay — and counts what
 * compaction removed, so it never goes back. The workflow records under it and the rebuild
 * (services/rebuild.ts) finds the same number.
 */
export function pathRevision(s: PathState): number {
  const calls = (s.partnerCalls ?? []).reduce((n, c) => n + c.attempt + (c.status === 'pending' ? 0 : 1), 0);
  const failed = s.notifications.reduce((n, m) => n + (m.failed ? 1 : 0), 0);
  return s.seq + s.handled.length + s.rejected.length + calls + failed + compactedRevision(s);
}
