/**
 * What the path owes the partner systems (domain/path/path-partners.ts), on the pure
 * machine: which event queues which call, with which data, and when nothing is owed.
 */
import { describe, expect, it } from 'vitest';
import { applyPathEvent, newPathState, refusalOf } from '../../domain/path/path-machine.js';
import type { PathState } from '../../domain/path/path.js';
import { fireTimedAction, timedActions } from '../../domain/path/path-timers.js';
import { partnerCallFailed } from '../../domain/partner-calls.js';
import { partnerFailureMessage } from '../../domain/path/path-partners.js';

type Data = Record<string, unknown>;
const act = (s: PathState, type: string, at: string, data: Data = {}, by?: string): PathState =>
  applyPathEvent(s, { type, at, data, ...(by ? { by } : {}) }, new Date(at));
const calls = (s: PathState) => (s.partnerCalls ?? []).map((c) => [c.id, c.operation]);

const orientation = { track: 'employment', organisation: 'france-travail', referent: 'ref-9' };
function oriented(): PathState {
  const s = newPathState({
    beneficiaryId: 'T-P-1',
    rightsOpenedAt: '2026-01-05T09:00:00+01:00',
    territory: 'lens-lievin',
    household: { size: 1, majore: false },
  });
  return act(s, 'orientation.decided', '2026-01-12T10:00:00+01:00', orientation);
}
function underContract(): PathState {
  const s = oriented();
  act(s, 'appointment.attended', '2026-01-20T10:00:00+01:00');
  act(s, 'diagnostic.completed', '2026-01-20T11:00:00+01:00', { barriers: [] });
  return act(s, 'contract.signed', '2026-02-02T10:00:00+01:00', { weeklyHours: 15, intensive: false });
}
function suspended(): PathState {
  const s = underContract();
  act(s, 'breach.reported', '2026-03-02T10:00:00+01:00', {
    kind: 'obligations',
    receivedAt: '2026-03-02T10:00:00+01:00',
  });
  return act(s, 'sanction.decided', '2026-03-16T10:00:00+01:00', { rate: 0.3, months: 2 });
}

describe('calls the path owes its partners', () => {
  it('an orientation registers the person with France Travail, with the decision’s data', () => {
    const s = oriented();
    expect(s.partnerCalls).toEqual([
      expect.objectContaining({
        id: 'france-travail-orientation#1',
        operation: 'france-travail.orientation',
        status: 'pending',
        attempt: 1,
        request: {
          beneficiaryId: 'T-P-1',
          track: 'employment',
          organisation: 'france-travail',
          referent: 'ref-9',
          decidedAt: '2026-01-12T09:00:00.000Z',
        },
      }),
    ]);
  });

  it('a réorientation is a second, distinct call', () => {
    const s = act(oriented(), 'reorientation.decided', '2026-01-19T10:00:00+01:00', {
      ...orientation,
      track: 'social',
      organisation: 'cd62',
      reason: 'santé',
    });
    expect(calls(s)).toEqual([
      ['france-travail-orientation#1', 'france-travail.orientation'],
      ['france-travail-orientation#2', 'france-travail.orientation'],
    ]);
    expect(s.partnerCalls?.[1]?.request).toMatchObject({ track: 'social', organisation: 'cd62' });
  });

  it('a contract goes to France Travail; a sanction to the CAF (suspension) and France Travail (decision)', () => {
    const s = suspended();
    expect(calls(s)).toEqual([
      ['france-travail-orientation#1', 'france-travail.orientation'],
      ['france-travail-contract@2026-02-02T09:00:00.000Z', 'france-travail.contract'],
      ['caf-suspension#1', 'caf.suspension'],
      ['france-travail-sanction#1', 'france-travail.sanction-decision'],
    ]);
    expect(s.partnerCalls?.[2]?.request).toEqual({
      beneficiaryId: 'T-P-1',
      rate: 0.3,
      months: 2,
      from: '2026-03-16',
    });
  });

  it('a remobilisation or an exit during a suspension restores the allocation from that day', () => {
    const remobilised = act(suspended(), 'compliance.resumed', '2026-04-01T10:00:00+02:00');
    expect(remobilised.partnerCalls?.at(-1)).toMatchObject({
      id: 'caf-restoration#1',
      request: { beneficiaryId: 'T-P-1', from: '2026-04-01' },
    });
    const exited = act(suspended(), 'rights.ended', '2026-04-02T10:00:00+02:00', { reason: 'job' });
    expect(exited.partnerCalls?.at(-1)).toMatchObject({
      id: 'caf-restoration#1',
      operation: 'caf.restoration',
    });
  });

  it('a suspension that runs to its term owes no restoration (the CAF knows its months)', () => {
    const s = suspended();
    for (;;) {
      const [next] = timedActions(s);
      if (!next || next.kind === 'suspension-end') {
        if (next) fireTimedAction(s, next, next.at);
        break;
      }
      fireTimedAction(s, next, next.at);
    }
    expect(s.sanctions[0]?.endedBy).toBe('term');
    expect(s.partnerCalls?.some((c) => c.operation === 'caf.restoration')).toBe(false);
  });

  it('a suspension France Travail pronounced itself goes to the CAF only', () => {
    const s = underContract();
    act(s, 'sanction.proposed', '2026-03-02T10:00:00+01:00', { kind: 'obligations', rate: 0.3, months: 1 });
    const lapse = timedActions(s).find((x) => x.kind === 'proposal-lapse');
    if (!lapse) throw new Error('délai de réponse attendu');
    fireTimedAction(s, lapse, lapse.at);
    expect(calls(s).slice(2)).toEqual([['caf-suspension#1', 'caf.suspension']]);
  });

  it('a first appointment fixed by a person is a convocation; one the service reports is not sent back', () => {
    const byPerson = act(oriented(), 'appointment.scheduled', '2026-01-13T10:00:00+01:00', {
      at: '2026-01-27T14:00:00+01:00',
    });
    expect(byPerson.partnerCalls?.at(-1)).toMatchObject({
      id: 'rdv-convocation@2026-01-27T13:00:00.000Z',
      request: { beneficiaryId: 'T-P-1', referent: 'ref-9', at: '2026-01-27T13:00:00.000Z' },
    });
    const byService = act(
      oriented(),
      'appointment.scheduled',
      '2026-01-13T10:00:00+01:00',
      { at: '2026-01-27T14:00:00+01:00' },
      'rdv-insertion',
    );
    expect(calls(byService)).toEqual([['france-travail-orientation#1', 'france-travail.orientation']]);
  });

  it('a refusal queues one alert to operations at the next opening; a person retries or closes it', () => {
    const s = oriented();
    // Saturday 17 January 2026: the alert waits for Monday 19 January, 09:00 Paris.
    partnerCallFailed(
      s.partnerCalls ?? [],
      'france-travail-orientation#1',
      1,
      'inconnu',
      new Date('2026-01-17T11:00:00Z'),
    );
    partnerFailureMessage(s, s.partnerCalls![0]!, new Date('2026-01-17T11:00:00Z'));
    partnerFailureMessage(s, s.partnerCalls![0]!, new Date('2026-01-17T11:00:00Z'));
    expect(s.outbox).toEqual([
      expect.objectContaining({
        id: 'partner-failed:france-travail-orientation#1#1',
        at: '2026-01-19T08:00:00.000Z',
        to: 'head-of-service',
        template: 'partner.failed',
        data: {
          operation: 'Transmission de l’orientation à France Travail',
          call: 'france-travail-orientation#1',
          error: 'inconnu',
        },
      }),
    ]);
    const at = '2026-01-19T10:00:00+01:00';
    expect(
      refusalOf(s, { type: 'partner.resolved', at, data: { call: 'nope', action: 'retry' } }, new Date(at)),
    ).toBe('Aucune transmission « nope » dans ce dossier.');
    act(s, 'partner.resolved', at, { call: 'france-travail-orientation#1', action: 'retry' }, 'agent-3');
    expect(s.partnerCalls?.[0]).toMatchObject({ status: 'pending', attempt: 2, error: null });
    expect(
      refusalOf(
        s,
        { type: 'partner.resolved', at, data: { call: 'france-travail-orientation#1', action: 'handled' } },
        new Date(at),
      ),
    ).toBe('La transmission « france-travail-orientation#1 » est en cours : attendez sa réponse.');
  });

  it('an event delivered twice with the same id is applied once', () => {
    const s = oriented();
    const e = { type: 'appointment.attended', id: 'EVT-1', at: '2026-01-20T10:00:00+01:00', data: {} };
    applyPathEvent(s, e, new Date(e.at));
    applyPathEvent(s, e, new Date('2026-01-20T10:05:00+01:00'));
    expect(s.journal.filter((j) => j.ref === 'EVT-1')).toHaveLength(1);
    expect(s.seq).toBe(2);
  });
});
