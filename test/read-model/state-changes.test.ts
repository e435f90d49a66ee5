/**
 * The read model gets what changed, not the whole state (issue 18; domain/path/state-changes.ts,
 * store/record.ts, workflows/path/read-model-feed.ts): the changes applied to what was stored
 * give back the state, a write whose base the read model does not hold is answered by the whole
 * state, and a path whose row was lost (a restored backup) is whole again at its next change.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { ReadModelBaseMissing, recordPathChanges } from '../../store/record.js';
import { withoutSpecialCategory } from '../../store/special-category.js';
import { pathWorkflowId } from '../../domain/ids.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import type { PathState } from '../../domain/path/path.js';
import { fireTimedAction, timedActions } from '../../domain/path/path-timers.js';
import { compactPathState, pathRevision } from '../../domain/path/path-compaction.js';
import {
  applyStateChanges,
  noChange,
  stateChanges,
  type SentState,
} from '../../domain/path/state-changes.js';
import { MailSink } from '../../dev/mail-sink.js';
import { actOnPath, startPath } from '../../services/paths.js';
import { activitiesFor } from '../../workers/worker.js';
import { devServerEnv, testWorker } from '../support/temporal.js';

const DAY = 86_400_000;
const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as Record<string, unknown>;
const act = (s: PathState, type: string, at: string, data: Record<string, unknown> = {}) =>
  applyPathEvent(s, { type, at, data }, new Date(at));

/** A busy path, step by step: each step's state as the workflow holds it. */
function* busyPath(): Generator<PathState> {
  const s = newPathState({
    beneficiaryId: 'DELTA-1',
    rightsOpenedAt: '2026-01-05T09:00:00+01:00',
    territory: 'lens-lievin',
  });
  yield s;
  act(s, 'orientation.decided', '2026-01-12T10:00:00+01:00', {
    track: 'socio-professional',
    organisation: 'cd62',
    referent: 'ref-1',
  });
  yield s;
  act(s, 'appointment.attended', '2026-01-19T10:00:00+01:00');
  act(s, 'diagnostic.completed', '2026-01-19T11:00:00+01:00', { barriers: ['health', 'housing'] });
  yield s;
  act(s, 'contract.signed', '2026-02-02T10:00:00+01:00', { weeklyHours: 15, intensive: true });
  yield s;
  act(s, 'reminders.switched', '2026-02-03T10:00:00+01:00', { on: false });
  yield s;
  for (let m = 0; m < 8; m++) {
    const month = new Date(Date.UTC(2026, 2 + m, 1)).toISOString().slice(0, 7);
    act(s, 'interview.held', `${month}-05T10:00:00+01:00`);
    act(s, 'activity.declared', `${month}-12T10:00:00+01:00`, { hours: 60 });
    for (let a = timedActions(s)[0]; a && a.at <= new Date(`${month}-20T00:00:00Z`); a = timedActions(s)[0])
      fireTimedAction(s, a, a.at);
    yield s;
  }
  compactPathState(s);
  yield s;
  act(s, 'rights.ended', '2026-11-02T10:00:00+01:00', { reason: 'job' });
  yield s;
}

describe('changes of a path state', () => {
  it('applied one after the other to what was stored, give back the state at every step', () => {
    let stored: Record<string, unknown> = {};
    let sent: SentState | null = null;
    let steps = 0;
    for (const s of busyPath()) {
      const { changes, sent: next } = stateChanges(s, sent);
      // Through JSON, as the activity's input and the stored jsonb are.
      stored = applyStateChanges(stored, json(changes) as never);
      sent = next;
      expect(stored).toEqual(json(s));
      steps++;
    }
    expect(steps).toBe(15);
  });

  it('sends only what changed: an appended interview is one item, not the list', () => {
    const [first, ...rest] = [...busyPath()].map((s) => json(s));
    void first;
    const before = rest[5]! as unknown as PathState;
    const { sent } = stateChanges(before, null);
    const after = json(before) as unknown as PathState;
    after.interviews.push('2026-12-01T09:00:00.000Z');
    const { changes } = stateChanges(after, sent);
    expect(changes).toEqual({
      set: {},
      append: { interviews: ['2026-12-01T09:00:00.000Z'] },
      unset: [],
    });
    expect(noChange(stateChanges(after, stateChanges(after, null).sent).changes)).toBe(true);
  });

  it('replaces a list whose items changed, and removes a key the state no longer has', () => {
    const s = json({ a: [1, 2, 3], b: 'x', c: true });
    const { sent } = stateChanges(s, null);
    const { changes } = stateChanges({ a: [1, 9, 3, 4], b: 'x' }, sent);
    expect(changes).toEqual({ set: { a: [1, 9, 3, 4] }, append: {}, unset: ['c'] });
  });
});

describe('the read model applies a path’s changes', () => {
  let db: ReadModelDb;
  beforeAll(async () => {
    db = await openReadModel('memory:');
  });
  afterAll(async () => db?.close());

  it('from the revision it holds; refuses another base; ignores an older revision', async () => {
    const steps = [...busyPath()].map((s) => json(s) as unknown as PathState);
    const workflowId = pathWorkflowId('DELTA-1');
    const first = stateChanges(steps[1]!, null);
    expect(
      await recordPathChanges(db, { workflowId, revision: 10, base: null, changes: first.changes }),
    ).toBe(true);
    const second = stateChanges(steps[3]!, first.sent);
    // Not the revision the read model holds (10): the whole state is asked for, nothing written.
    const wrong = { workflowId, revision: 20, base: 9, changes: second.changes };
    await expect(recordPathChanges(db, wrong)).rejects.toBeInstanceOf(ReadModelBaseMissing);
    expect(await recordPathChanges(db, { ...wrong, base: 10 })).toBe(true);
    // Already there: a retried or late write changes nothing.
    expect(await recordPathChanges(db, { ...wrong, base: 10 })).toBe(false);
    const [row] = await db.query<{ revision: number; step: string; state: PathState }>(
      'select revision, step, state from paths where workflow_id = $1',
      [workflowId],
    );
    expect(row?.revision).toBe(20);
    expect(row?.step).toBe(steps[3]!.step);
    // The special-category data the changes carried is withheld as from a whole state.
    expect(row?.state).toEqual(json(withoutSpecialCategory(steps[3]!)));
    const journal = await db.query<{ event: string }>(
      'select event from journal where workflow_id = $1 order by seq',
      [workflowId],
    );
    expect(journal.map((j) => j.event)).toEqual(steps[3]!.journal.map((j) => j.event));
    // No row at all (a restored backup older than the path): the whole state is asked for.
    await expect(
      recordPathChanges(db, {
        workflowId: pathWorkflowId('DELTA-NONE'),
        revision: 3,
        base: 2,
        changes: second.changes,
      }),
    ).rejects.toBeInstanceOf(ReadModelBaseMissing);
  });
});

describe('a path on the dev server, its read model row lost', () => {
  const taskQueue = 'read-model-state-changes';
  let env: TestWorkflowEnvironment;
  let sink: MailSink;
  let db: ReadModelDb;
  let worker: Worker;
  let running: Promise<void>;
  beforeAll(async () => {
    env = await devServerEnv();
    sink = await MailSink.start({ smtpPort: 0 });
    db = await openReadModel('memory:');
    const smtp = { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined };
    worker = await testWorker(env, activitiesFor(smtp, 'config/directory.json', db), { taskQueue });
    running = worker.run();
  }, 120_000);
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await db?.close();
    await env?.teardown();
    await sink?.close();
  });

  const rowOf = async (id: string) =>
    (
      await db.query<{ revision: number; state: PathState }>(
        'select revision, state from paths where workflow_id = $1',
        [pathWorkflowId(id)],
      )
    )[0];
  async function until<T>(read: () => Promise<T | undefined>, ok: (x: T) => boolean): Promise<T> {
    for (let i = 0; i < 120; i++) {
      const x = await read();
      if (x !== undefined && ok(x)) return x;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('attendu : le modèle de lecture à jour');
  }

  it('is written whole again at the path’s next change', async () => {
    const id = 'DELTA-LOST';
    const at = (days: number) => new Date(Date.now() - days * DAY).toISOString();
    await startPath(env.client, taskQueue, {
      beneficiaryId: id,
      rightsOpenedAt: at(30),
      territory: 'lens-lievin',
    });
    await actOnPath(env.client, id, {
      type: 'orientation.decided',
      at: at(20),
      data: { track: 'social', organisation: 'org-a', referent: 'ref-a' },
    });
    await until(
      () => rowOf(id),
      (r) => r.state.step === 'first-appointment',
    );
    // A restore from an older backup: the row is gone; the path does not know it.
    await db.query('delete from journal where workflow_id = $1', [pathWorkflowId(id)]);
    await db.query('delete from paths where workflow_id = $1', [pathWorkflowId(id)]);
    const state = await actOnPath(env.client, id, { type: 'appointment.attended', at: at(10) });
    // The row catches up with the path as it is once the act is applied (partner calls may follow it).
    const row = await until(
      () => rowOf(id),
      (r) => r.revision === pathRevision(state),
    );
    expect(row.revision).toBe(pathRevision(state));
    expect(row.state).toEqual(json(withoutSpecialCategory(state)));
    const journal = await db.query<{ event: string }>(
      'select event from journal where workflow_id = $1 order by seq',
      [pathWorkflowId(id)],
    );
    expect(journal.map((j) => j.event)).toEqual(['orientation.decided', 'appointment.attended']);
  }, 60_000);
});
