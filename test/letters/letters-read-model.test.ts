/**
 * The letters kept by the read model (store/letters.ts, docs/courriers.md): a row
 * for each act that calls for a letter, created when the act is first recorded;
 * the acts of a path recorded before the letters existed call for none (no
 * orientation of last year is printed at the upgrade); the sending and receipt
 * follow the path's state; a letter already sent keeps the PDF that left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathWorkflowId } from '../../domain/ids.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import type { PathState } from '../../domain/path/path.js';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { keepLetterPdf, letterPdf, lettersOf, lettersToSend } from '../../store/letters.js';
import { recordPath } from '../../store/record.js';

let db: ReadModelDb;
beforeAll(async () => {
  db = await openReadModel('memory:');
});
afterAll(async () => db?.close());

let revision = 0;
const write = (s: PathState) =>
  recordPath(db, { workflowId: pathWorkflowId(s.beneficiaryId), revision: ++revision, state: s });
const act = (s: PathState, type: string, at: string, data: object = {}) =>
  applyPathEvent(s, { type, at, data }, new Date(at));

function underContract(id: string): PathState {
  const s = newPathState({
    beneficiaryId: id,
    rightsOpenedAt: '2026-01-05T08:00:00Z',
    territory: 'lens-lievin',
  });
  act(s, 'orientation.decided', '2026-01-12T09:00:00Z', {
    track: 'social',
    organisation: 'cd62',
    referent: 'ref-1',
  });
  act(s, 'appointment.attended', '2026-01-20T13:00:00Z');
  act(s, 'diagnostic.completed', '2026-01-20T14:00:00Z', { barriers: [] });
  return act(s, 'contract.signed', '2026-02-02T09:00:00Z', { weeklyHours: 15, intensive: false });
}

describe('the letters in the read model', () => {
  it('a path recorded before the letters existed: only its new acts call for letters', async () => {
    const s = underContract('T-RM-OLD');
    await write(s);
    // As a database migrated to 15 holds it: the journal recorded, no letter for those acts.
    await db.query('delete from letters where workflow_id = $1', [pathWorkflowId('T-RM-OLD')]);
    act(s, 'breach.reported', '2026-03-02T09:00:00Z', { kind: 'obligations' });
    await write(s);
    expect((await lettersOf(db, pathWorkflowId('T-RM-OLD'))).map((l) => l.ref)).toEqual(['T-RM-OLD-AS-5']);
  });

  it('follows the sending and the receipt; keeps the PDF that left', async () => {
    const s = underContract('T-RM-NEW');
    await write(s);
    const wf = pathWorkflowId('T-RM-NEW');
    expect(
      (await lettersToSend(db, { limit: 10, workflowId: wf })).map((l) => [l.ref, l.facts.parcours]),
    ).toEqual([['T-RM-NEW-OR-1', 'social']]);
    await keepLetterPdf(db, 'T-RM-NEW-OR-1', new Uint8Array([1, 2, 3]), 'lot-1');
    // Printed: no longer awaiting printing, awaiting its sending's record.
    expect(await lettersToSend(db, { limit: 10, workflowId: wf })).toEqual([]);
    expect(
      (await lettersToSend(db, { limit: 10, workflowId: wf, printed: true })).map((l) => l.batch),
    ).toEqual(['lot-1']);
    act(s, 'letter.sent', '2026-02-03T09:00:00Z', {
      letter: 'orientation',
      ref: 'T-RM-NEW-OR-1',
      channel: 'post',
    });
    act(s, 'letter.received', '2026-02-05T09:00:00Z', { letter: 'orientation', ref: 'T-RM-NEW-OR-1' });
    await write(s);
    const [row] = await lettersOf(db, wf);
    expect([row?.channel, row?.sentAt, row?.receivedAt, row?.hasPdf]).toEqual([
      'post',
      '2026-02-03T09:00:00.000Z',
      '2026-02-05T09:00:00.000Z',
      true,
    ]);
    expect(await lettersToSend(db, { limit: 10, workflowId: wf, printed: true })).toEqual([]);
    await keepLetterPdf(db, 'T-RM-NEW-OR-1', new Uint8Array([9]), null);
    expect([...((await letterPdf(db, 'T-RM-NEW-OR-1')) ?? [])]).toEqual([1, 2, 3]);
  });
});
