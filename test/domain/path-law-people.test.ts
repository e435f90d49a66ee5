/**
 * The path's procedure in depth (docs/rules.md §1, issue 20), the people's side,
 * on the pure machine, each rule at its boundary in Paris time: who is concerned
 * by the droits et devoirs, France Travail's registration and the late
 * orientation, the instant an act was recorded. The procedure itself is in
 * ./path-law.test.ts. Expected instants are worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { applyPathEvent } from '../../domain/path/path-machine.js';
import { act, orientation, path, refusal, v1 } from '../support/path-law.js';
import type { PathState } from '../../domain/path/path.js';
import { fireTimedAction, timedActions } from '../../domain/path/path-timers.js';

/** Under contract on Monday 2 February 2026. */
function underContract(): PathState {
  const s = act(path(), 'orientation.decided', '2026-01-12T10:00:00+01:00', orientation);
  act(s, 'appointment.attended', '2026-01-20T14:00:00+01:00');
  act(s, 'diagnostic.completed', '2026-01-20T15:00:00+01:00', { barriers: [] });
  return act(s, 'contract.signed', '2026-02-02T10:00:00+01:00', { weeklyHours: 15, intensive: false });
}
/** A breach reported Monday 2 March 2026, received the same day: the 10 days end 12 March, 23:59:59 Paris. */
const inProcedure = () =>
  act(underContract(), 'breach.reported', '2026-03-02T10:00:00+01:00', { kind: 'obligations' });
const decision = { rate: 0.3, months: 1 };

describe('who is concerned: droits et devoirs (CASF L262-28)', () => {
  const notConcerned = { concerned: false, since: '2026-02-01T00:00:00+01:00' };

  it('no breach, no proposal, no decision for a person recorded as not concerned', () => {
    const s = act(underContract(), 'duties.status', '2026-02-20T10:00:00+01:00', notConcerned);
    const reason =
      'La personne n’est pas soumise aux droits et devoirs depuis le 01/02/2026 (revenus d’activité d’au moins 500 € par mois, CASF L262-28) : aucune sanction possible.';
    expect(refusal(s, 'breach.reported', '2026-03-02T10:00:00+01:00', { kind: 'obligations' })).toBe(reason);
    expect(
      refusal(s, 'sanction.proposed', '2026-03-02T10:00:00+01:00', { kind: 'obligations', ...decision }),
    ).toBe(`Proposition de France Travail irrecevable : ${reason}`);
    // Recorded during a procedure: the decision is refused.
    const p = act(inProcedure(), 'duties.status', '2026-03-05T10:00:00+01:00', notConcerned);
    expect(refusal(p, 'sanction.decided', '2026-03-13T09:00:00+01:00', decision)).toBe(reason);
    // Concerned again: the decision may come.
    act(p, 'duties.status', '2026-03-06T10:00:00+01:00', {
      concerned: true,
      since: '2026-03-01T00:00:00+01:00',
    });
    expect(refusal(p, 'sanction.decided', '2026-03-13T09:00:00+01:00', decision)).toBeNull();
  });

  it('recorded during a France Travail proposal: France Travail pronounces nothing when its delay ends', () => {
    const s = act(underContract(), 'sanction.proposed', '2026-03-02T10:00:00+01:00', {
      kind: 'obligations',
      ...decision,
    });
    act(s, 'duties.status', '2026-03-05T10:00:00+01:00', notConcerned);
    const lapse = timedActions(s).find((a) => a.kind === 'proposal-lapse')!;
    fireTimedAction(s, lapse, lapse.at);
    expect(s.sanctions).toEqual([]);
    expect(s.step).toBe('accompaniment');
    expect(s.history.at(-1)?.event).toBe('sanction.proposal-void');
  });

  it('the status date is not in the future; informing of rights and duties is a step of the first appointment', () => {
    expect(
      refusal(path(), 'duties.status', '2026-01-06T10:00:00+01:00', {
        concerned: true,
        since: '2026-01-06T10:06:00+01:00',
      }),
    ).toBe('Date de la situation (since) : pas dans le futur.');
    expect(refusal(path(), 'duties.informed', '2026-01-06T10:00:00+01:00')).toContain(
      'au premier rendez-vous',
    );
    const s = act(path(), 'orientation.decided', '2026-01-12T10:00:00+01:00', orientation);
    act(s, 'duties.informed', '2026-01-20T14:10:00+01:00');
    expect(s.dutiesInformedAt).toBe('2026-01-20T13:10:00.000Z');
  });
});

describe('France Travail registration and the late orientation (CT L5411-1, CASF D262-65-2)', () => {
  /** The path as its timers left it at `at` (the transfer to France Travail included). */
  function timedUntil(at: string): PathState {
    const s = path();
    for (let next = timedActions(s)[0]; next && next.at <= new Date(at); next = timedActions(s)[0])
      fireTimedAction(s, next, next.at);
    return s;
  }

  it.each([
    // 5 January + 6 weeks = 16 February, end of day; France Travail is told at the next opening,
    // Tuesday 17 February 09:00: from then on, the Département's orientation is refused.
    ['2026-02-16T23:59:00+01:00', 'cd62', null],
    ['2026-02-17T08:59:00+01:00', 'cd62', null],
    [
      '2026-02-17T09:00:00+01:00',
      'cd62',
      'Le délai légal d’orientation de 6 semaines a expiré le 16/02/2026',
    ],
    // France Travail's own orientation, past the limit, is recorded.
    ['2026-02-17T09:00:00+01:00', 'france-travail', null],
  ])('orientation at %s by %s → %s', (at, organisation, expected) => {
    const result = refusal(timedUntil(at), 'orientation.decided', at, { ...orientation, organisation });
    if (expected === null) expect(result).toBeNull();
    else expect(result).toContain(expected);
    // 1.0 accepted it silently.
    expect(
      refusal(timedUntil(at), 'orientation.decided', at, { ...orientation, organisation }, v1),
    ).toBeNull();
  });

  it('a decision taken within the 6 weeks and recorded after the transfer is recorded (a fact)', () => {
    const late = timedUntil('2026-02-20T10:00:00+01:00');
    expect(refusal(late, 'orientation.decided', '2026-02-16T22:00:00+01:00', orientation)).toBeNull();
    expect(refusal(late, 'orientation.decided', '2026-02-17T00:00:00+01:00', orientation)).toContain(
      'le Département n’oriente que si France Travail lui rend la main',
    );
  });

  it('handed back by France Travail, the Département orients past the 6 weeks', () => {
    expect(
      refusal(
        timedUntil('2026-02-20T10:00:00+01:00'),
        'orientation.decided',
        '2026-02-23T10:00:00+01:00',
        orientation,
      ),
    ).toContain('le Département n’oriente que si France Travail lui rend la main (orientation.returned)');
    const s = act(
      timedUntil('2026-02-20T10:00:00+01:00'),
      'orientation.returned',
      '2026-02-20T10:00:00+01:00',
    );
    expect(refusal(s, 'orientation.decided', '2026-02-23T10:00:00+01:00', orientation)).toBeNull();
  });

  it('registration: registered, or exempted for a legal reason — not both', () => {
    const s = act(path(), 'registration.status', '2026-01-06T10:00:00+01:00', {
      registered: false,
      exemption: 'invalidity',
    });
    expect(s.registration).toEqual({
      registered: false,
      exemption: 'invalidity',
      at: '2026-01-06T09:00:00.000Z',
    });
    expect(
      refusal(path(), 'registration.status', '2026-01-06T10:00:00+01:00', {
        registered: true,
        exemption: 'retirement-age',
      }),
    ).toContain('concerne une personne non inscrite');
    expect(
      refusal(path(), 'registration.status', '2026-01-06T10:00:00+01:00', {
        registered: false,
        exemption: 'age',
      }),
    ).toContain('dispense d’inscription attendue');
  });
});

describe('practice: each act keeps when it was recorded beside the instant it declares', () => {
  it('a backdated act shows both', () => {
    const s = path();
    applyPathEvent(
      s,
      { type: 'orientation.decided', at: '2026-01-12T10:00:00+01:00', data: orientation },
      new Date('2026-01-14T16:00:00+01:00'),
    );
    expect(s.journal.at(-1)).toMatchObject({
      at: '2026-01-12T09:00:00.000Z',
      recordedAt: '2026-01-14T15:00:00.000Z',
    });
  });
});
