/**
 * Operations see the transmissions a partner refused (each a task for a person),
 * from the read model, within their perimeter only; once sent again, gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { failedPartnerCalls } from '../../store/queries.js';
import { recordPath } from '../../store/record.js';
import { partnerCallFailed } from '../../domain/partner-calls.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import type { PathState } from '../../domain/path/path.js';

let db: ReadModelDb;
beforeAll(async () => {
  db = await openReadModel('memory:');
});
afterAll(async () => {
  await db?.close();
});

function oriented(id: string, organisation: string): PathState {
  const s = newPathState({
    beneficiaryId: id,
    rightsOpenedAt: '2026-01-05T09:00:00+01:00',
    territory: 'audomarois',
  });
  const at = '2026-01-12T10:00:00+01:00';
  return applyPathEvent(
    s,
    { type: 'orientation.decided', at, data: { track: 'employment', organisation, referent: 'ref-1' } },
    new Date(at),
  );
}

describe('failed partner calls in the read model', () => {
  it('lists each refused transmission with its reason, within the perimeter, until it is sent again', async () => {
    const refused = oriented('TASK-1', 'org-a');
    partnerCallFailed(
      refused.partnerCalls!,
      'france-travail-orientation#1',
      1,
      'inconnu de France Travail',
      new Date('2026-01-12T09:01:00Z'),
    );
    const fine = oriented('TASK-2', 'org-a');
    await recordPath(db, { workflowId: 'parcours-TASK-1', revision: 1, state: refused });
    await recordPath(db, { workflowId: 'parcours-TASK-2', revision: 1, state: fine });

    expect(await failedPartnerCalls(db)).toEqual([
      {
        beneficiary_id: 'TASK-1',
        call: 'france-travail-orientation#1',
        operation: 'france-travail.orientation',
        error: 'inconnu de France Travail',
        failed_at: new Date('2026-01-12T09:01:00Z'),
      },
    ]);
    expect(
      await failedPartnerCalls(db, 100, { all: false, organisations: ['org-b'], territories: [] }),
    ).toEqual([]);
    expect(
      await failedPartnerCalls(db, 100, { all: false, organisations: ['org-a'], territories: [] }),
    ).toHaveLength(1);

    applyPathEvent(
      refused,
      {
        type: 'partner.resolved',
        at: '2026-01-13T10:00:00+01:00',
        data: { call: 'france-travail-orientation#1', action: 'retry' },
      },
      new Date('2026-01-13T10:00:00+01:00'),
    );
    await recordPath(db, { workflowId: 'parcours-TASK-1', revision: 2, state: refused });
    expect(await failedPartnerCalls(db)).toEqual([]);
  });
});
