/**
 * Paths for the fault tests: fictitious people whose rights were opened days
 * ago, some oriented, some with reminders switched off, some closed, given as
 * a start input and the partner events (Signals) sent before any worker runs.
 * What each must have sent, and where it must stand, is worked out from the
 * pure domain exactly as the workflow does it: events applied first, then every
 * overdue timed action fired, late, at the instant the worker gets to it.
 */
import { pathWorkflowId } from '../../domain/ids.js';
import type { PathEventInput } from '../../domain/path/path-events.js';
import { applyPathEvent, newPathState, refusalOf } from '../../domain/path/path-machine.js';
import type { PathInput, PathState, PathStep } from '../../domain/path/path.js';
import { fireTimedAction, timedActions } from '../../domain/path/path-timers.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** As in workflows/path/path.ts: an action more than this overdue is dated when fired. */
const PROCESSING_TOLERANCE_MS = 60_000;

export interface FaultPath {
  input: PathInput;
  events: PathEventInput[];
  expected: { step: PathStep; keys: string[] };
}

/** The path as its workflow leaves it once every action due by `now` is fired (pure). */
export function outcomeAt(input: PathInput, events: PathEventInput[], now: Date): PathState {
  const s = livedState(input, events, now);
  for (let a = timedActions(s)[0]; a && a.at <= now; a = timedActions(s)[0]) {
    const late = now.getTime() - a.at.getTime() > PROCESSING_TOLERANCE_MS;
    fireTimedAction(s, a, late ? now : a.at);
  }
  return s;
}

/**
 * The path with the events it has already lived applied, before any timer: what the fault tests
 * start their workflows from (`carried`, as a restart from a recorded state does), since a
 * person's acts are Updates, which need a worker, and the tests start their paths before any runs.
 */
export function livedState(input: PathInput, events: PathEventInput[], now: Date): PathState {
  const s = newPathState(input);
  for (const e of events) if (refusalOf(s, e, now) === null) applyPathEvent(s, e, now);
  return s;
}

const signature = (s: PathState) => JSON.stringify([s.step, s.handled, s.notifications.map((n) => n.id)]);

type Shape = (opened: Date, n: number) => PathEventInput[];
const at = (opened: Date, days: number) => new Date(opened.getTime() + days * DAY).toISOString();
const orientation = (opened: Date, n: number): PathEventInput => ({
  type: 'orientation.decided',
  at: at(opened, 3),
  data: { track: n % 2 ? 'social' : 'socio-professional', organisation: 'cd62', referent: `ref-f${n % 4}` },
});

/** Five kinds of path, and how many days ago each is opened (cycled). */
const shapes: { days: number[]; events: Shape }[] = [
  // Waiting for an orientation: reminders, escalations, France Travail past the legal limit.
  { days: [13, 17, 20, 26, 37, 40, 45, 60], events: () => [] },
  // Oriented: first appointment and contract reminders, escalations.
  { days: [19, 27, 33, 41, 50], events: (o, n) => [orientation(o, n)] },
  // Diagnosed, waiting for the contract.
  {
    days: [30, 36, 44],
    events: (o, n) => [
      orientation(o, n),
      { type: 'appointment.attended', at: at(o, 8), data: {} },
      { type: 'diagnostic.completed', at: at(o, 8), data: { barriers: ['mobility'] } },
    ],
  },
  // Reminders switched off for this person: escalations still go.
  {
    days: [14, 21, 38, 47],
    events: (o) => [{ type: 'reminders.switched', at: at(o, 1), data: { on: false } }],
  },
  // Closed ten days after the opening: nothing more, ever.
  { days: [25, 60], events: (o) => [{ type: 'rights.ended', at: at(o, 10), data: { reason: 'moved-out' } }] },
];

/**
 * `count` paths for a run starting at `now`. A path whose outcome would change
 * within `stableFor` (a deadline or a sending time falls in the test's window)
 * is opened a few hours earlier, until its outcome no longer depends on when
 * exactly the worker gets to it.
 */
export function faultPaths(prefix: string, count: number, now: Date, stableFor = 45 * 60_000): FaultPath[] {
  return Array.from({ length: count }, (_, n) => {
    const shape = shapes[n % shapes.length]!;
    const days = shape.days[Math.floor(n / shapes.length) % shape.days.length]!;
    for (let shift = 0; shift < 48; shift++) {
      const opened = new Date(now.getTime() - days * DAY - shift * 3 * HOUR);
      const input: PathInput = {
        beneficiaryId: `${prefix}-${String(n + 1).padStart(3, '0')}`,
        rightsOpenedAt: opened.toISOString(),
        territory: ['lens-lievin', 'audomarois', 'montreuillois'][n % 3]!,
      };
      const events = shape.events(opened, n);
      const first = outcomeAt(input, events, now);
      if (signature(first) !== signature(outcomeAt(input, events, new Date(now.getTime() + stableFor))))
        continue;
      const workflowId = pathWorkflowId(input.beneficiaryId);
      return {
        input,
        events,
        expected: { step: first.step, keys: first.notifications.map((m) => `${workflowId}/${m.id}`) },
      };
    }
    throw new Error(`aucune date d’ouverture stable pour le parcours n° ${n + 1}`);
  });
}
