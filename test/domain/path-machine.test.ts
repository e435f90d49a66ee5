/**
 * The path's rules (docs/rules.md §1–2) on the pure state machine, each at its
 * boundary: the day before, the day of, the day after, in Paris time.
 * Expected instants are worked out by hand from the rules, in the comments.
 */
import { describe, expect, it } from 'vitest';
import { applyPathEvent, intensiveMonths, newPathState, refusalOf } from '../../domain/path/path-machine.js';
import type { PathState } from '../../domain/path/path.js';
import { fireTimedAction, timedActions } from '../../domain/path/path-timers.js';

type Data = Record<string, unknown>;

function path(opened = '2026-01-05T09:00:00+01:00', household = { size: 1, majore: false }): PathState {
  return newPathState({
    beneficiaryId: 'T-001',
    rightsOpenedAt: opened,
    territory: 'lens-lievin',
    household,
  });
}
/** Applies an event dated `at` (the clock reads `at` too). */
function act(s: PathState, type: string, at: string, data: Data = {}): PathState {
  return applyPathEvent(s, { type, at, data }, new Date(at));
}
function refusal(s: PathState, type: string, at: string, data: Data = {}): string | null {
  return refusalOf(s, { type, at, data }, new Date(at));
}
/** The same, as a path started by version 1.0 replays it (docs/architecture.md, patched()). */
const v1 = { law: false };
function refusal1(s: PathState, type: string, at: string, data: Data = {}): string | null {
  return refusalOf(s, { type, at, data }, new Date(at), v1);
}
const deadline = (s: PathState, kind: string) => s.deadlines.filter((d) => d.kind === kind).at(-1);

const orientation = { track: 'socio-professional', organisation: 'cd62', referent: 'ref-42' };
/** Oriented on Monday 12 January 2026, 10:00 Paris. */
function oriented(track = 'socio-professional', household?: { size: number; majore: boolean }): PathState {
  return act(path(undefined, household), 'orientation.decided', '2026-01-12T10:00:00+01:00', {
    ...orientation,
    track,
  });
}
/** …first appointment on 20 January, diagnostic, contract signed Monday 2 February 2026. */
function underContract(
  o: {
    track?: string;
    barriers?: string[];
    intensive?: boolean;
    household?: { size: number; majore: boolean };
  } = {},
): PathState {
  const s = oriented(o.track, o.household);
  act(s, 'appointment.attended', '2026-01-20T14:00:00+01:00');
  act(s, 'diagnostic.completed', '2026-01-20T15:00:00+01:00', { barriers: o.barriers ?? [] });
  return act(s, 'contract.signed', '2026-02-02T10:00:00+01:00', {
    weeklyHours: 15,
    intensive: o.intensive ?? false,
  });
}

describe('orientation (CASF D262-65-2; Pas-de-Calais 15 days)', () => {
  it('opens the local target and the legal limit at the end of their last Paris day', () => {
    const s = path();
    // 5 Jan + 15 days = 20 Jan; + 6 weeks = 16 Feb; both in winter time (UTC+1).
    expect(deadline(s, 'orientation.local')?.dueAt).toBe('2026-01-20T22:59:59.999Z');
    expect(deadline(s, 'orientation.legal')?.dueAt).toBe('2026-02-16T22:59:59.999Z');
  });

  it.each([
    ['2026-01-20T23:59:00+01:00', false],
    ['2026-01-21T00:00:00+01:00', true],
  ])('decided at %s: local target breached = %s', (at, breached) => {
    const s = act(path(), 'orientation.decided', at, orientation);
    expect(deadline(s, 'orientation.local')).toMatchObject({ metAt: new Date(at).toISOString(), breached });
    expect(deadline(s, 'orientation.legal')?.breached).toBe(false);
    expect(s.step).toBe('first-appointment');
  });

  it('refuses a second orientation: that is a réorientation', () => {
    expect(refusal(oriented(), 'orientation.decided', '2026-01-13T10:00:00+01:00', orientation)).toBe(
      'Ce parcours est déjà orienté : utilisez une réorientation (reorientation.decided).',
    );
  });
});

describe('first appointment (Pas-de-Calais: 15 days after the orientation)', () => {
  it('is due 15 days after the orientation, end of the Paris day', () => {
    // 12 Jan + 15 days = 27 Jan.
    expect(deadline(oriented(), 'first-appointment')?.dueAt).toBe('2026-01-27T22:59:59.999Z');
  });

  it.each([
    ['2026-01-26T10:00:00+01:00', false],
    ['2026-01-27T17:00:00+01:00', false],
    ['2026-01-28T09:00:00+01:00', true],
  ])('attended at %s: breached = %s', (at, breached) => {
    const s = act(oriented(), 'appointment.attended', at);
    expect(deadline(s, 'first-appointment')).toMatchObject({ breached, metAt: new Date(at).toISOString() });
    expect(s.step).toBe('diagnostic');
  });

  it('across the DST change: oriented 20 March, due 4 April in summer time', () => {
    const s = act(
      path('2026-03-10T09:00:00+01:00'),
      'orientation.decided',
      '2026-03-20T10:00:00+01:00',
      orientation,
    );
    expect(deadline(s, 'first-appointment')?.dueAt).toBe('2026-04-04T21:59:59.999Z');
    expect(deadline(s, 'contract')?.dueAt).toBe('2026-04-20T21:59:59.999Z');
  });

  it('a missed appointment asks the référent for a new convocation, in business hours', () => {
    // Saturday 17 January 2026, 11:00: the message goes out Monday 19 January 09:00 Paris.
    const s = act(oriented(), 'appointment.missed', '2026-01-17T11:00:00+01:00', { excused: false });
    expect(s.step).toBe('first-appointment');
    expect(s.outbox).toEqual([
      expect.objectContaining({
        to: 'referent',
        template: 'convocation.new',
        at: '2026-01-19T08:00:00.000Z',
      }),
    ]);
  });

  it('the diagnostic is done at the first appointment, not before', () => {
    expect(
      refusal(oriented(), 'diagnostic.completed', '2026-01-15T10:00:00+01:00', { barriers: [] }),
    ).toContain('enregistrez d’abord la présence');
  });
});

describe('contrat d’engagement within 1 month of the orientation (CT D5411-14-1)', () => {
  it('is due one calendar month after the orientation', () => {
    expect(deadline(oriented(), 'contract')?.dueAt).toBe('2026-02-12T22:59:59.999Z');
  });

  it('signing the contract is also the first meeting, if none was recorded', () => {
    const s = act(oriented(), 'contract.signed', '2026-01-30T10:00:00+01:00', {
      weeklyHours: 15,
      intensive: false,
    });
    expect(deadline(s, 'first-appointment')).toMatchObject({
      metAt: '2026-01-30T09:00:00.000Z',
      breached: true,
    });
  });

  it('31 January + 1 month = 28 February (month end)', () => {
    const s = act(
      path('2026-01-20T09:00:00+01:00'),
      'orientation.decided',
      '2026-01-31T10:00:00+01:00',
      orientation,
    );
    expect(deadline(s, 'contract')?.dueAt).toBe('2026-02-28T22:59:59.999Z');
  });

  it.each([
    ['2026-02-12T23:00:00+01:00', false],
    ['2026-02-13T08:00:00+01:00', true],
  ])('signed at %s: breached = %s', (at, breached) => {
    const s = act(oriented(), 'contract.signed', at, { weeklyHours: 15, intensive: false });
    expect(deadline(s, 'contract')).toMatchObject({ breached, metAt: new Date(at).toISOString() });
    expect(s.step).toBe('accompaniment');
  });

  it('a réorientation restarts the month from its own date', () => {
    const s = act(oriented(), 'reorientation.decided', '2026-02-10T10:00:00+01:00', {
      track: 'social',
      organisation: 'ccas-lens',
      referent: 'ref-7',
      reason: 'freins de santé',
    });
    const contracts = s.deadlines.filter((d) => d.kind === 'contract');
    // 10 Feb + 1 month = 10 March (still winter time); the first month is no longer awaited.
    expect(contracts.map((d) => d.dueAt)).toEqual(['2026-03-10T22:59:59.999Z']);
    expect(deadline(s, 'first-appointment')?.dueAt).toBe('2026-02-25T22:59:59.999Z');
    expect(s.orientation).toMatchObject({ referent: 'ref-7', track: 'social' });
    expect(s.reorientations).toHaveLength(1);
    expect(s.step).toBe('first-appointment');
  });

  it('a breached contract deadline stays on record after a réorientation', () => {
    const s = act(oriented(), 'reorientation.decided', '2026-02-20T10:00:00+01:00', {
      ...orientation,
      reason: 'changement de situation',
    });
    // The first month had run out (12 Feb) before the réorientation: marked breached by the timer.
    expect(s.deadlines.filter((d) => d.kind === 'contract')).toHaveLength(1);
    const late = oriented();
    for (const a of timedActions(late).filter((x) => x.at < new Date('2026-02-20T09:00:00Z')))
      fireTimedAction(late, a, a.at);
    act(late, 'reorientation.decided', '2026-02-20T10:00:00+01:00', { ...orientation, reason: 'changement' });
    expect(
      late.deadlines.filter((d) => d.kind === 'contract').map((d) => [d.breached, d.cancelledAt]),
    ).toEqual([
      [true, '2026-02-20T09:00:00.000Z'],
      [false, undefined],
    ]);
  });
});

describe('weekly activity hours (CT L5411-6; Pas-de-Calais intensive: 15 h, 7 h minimum in the social track)', () => {
  it.each([
    ['socio-professional', { weeklyHours: 15, intensive: false }, null],
    ['socio-professional', { weeklyHours: 14, intensive: false }, 'suppose une réduction motivée'],
    ['socio-professional', { weeklyHours: 10, intensive: false, reduction: 'garde d’enfant' }, null],
    ['socio-professional', { weeklyHours: 0, intensive: false }, 'exemption pour un motif légal'],
    ['socio-professional', { weeklyHours: 0, intensive: false, exemption: 'health' }, null],
    ['socio-professional', { weeklyHours: 5, intensive: false, exemption: 'health' }, 'indiquez 0 heure'],
    ['socio-professional', { weeklyHours: 14, intensive: true, reduction: 'santé' }, 'au moins 15 heures'],
    ['social', { weeklyHours: 7, intensive: true, reduction: 'remobilisation' }, null],
    ['social', { weeklyHours: 6, intensive: true, reduction: 'remobilisation' }, 'au moins 7 heures'],
  ])('%s %j → %s', (track, contract, expected) => {
    const result = refusal(oriented(track), 'contract.signed', '2026-02-02T10:00:00+01:00', contract);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toContain(expected);
  });

  it('refuses an exemption reason outside the legal list', () => {
    expect(
      refusal(oriented(), 'contract.signed', '2026-02-02T10:00:00+01:00', {
        weeklyHours: 0,
        intensive: false,
        exemption: 'convenance',
      }),
    ).toMatch(/^Événement invalide : data\.exemption : motif d’exemption attendu/);
  });
});

describe('intensive accompaniment (Pas-de-Calais: 6 months, ≥ 2 interviews per calendar month)', () => {
  it('owes the calendar months it covers for at least half their days', () => {
    // 2 Feb → 2 Aug: February (27 days of 28) is owed, August (2 days) is not.
    expect(intensiveMonths(new Date('2026-02-02T09:00:00Z'), new Date('2026-08-02T21:59:59.999Z'))).toEqual([
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
    ]);
    // 20 Mar → 20 Sep: March (12 days of 31) is not, September (20 of 30) is.
    expect(intensiveMonths(new Date('2026-03-20T09:00:00Z'), new Date('2026-09-20T21:59:59.999Z'))).toEqual([
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
    ]);
  });

  it('a month is met by its second interview, not its first', () => {
    const s = underContract({ intensive: true });
    expect(s.step).toBe('intensive-accompaniment');
    act(s, 'interview.held', '2026-02-10T10:00:00+01:00');
    const february = s.deadlines.find((d) => d.period === '2026-02');
    expect(february).toMatchObject({ dueAt: '2026-02-28T22:59:59.999Z', metAt: null });
    act(s, 'interview.held', '2026-02-27T10:00:00+01:00');
    expect(s.deadlines.find((d) => d.period === '2026-02')?.metAt).toBe('2026-02-27T09:00:00.000Z');
    expect(s.deadlines.find((d) => d.period === '2026-03')?.metAt).toBeNull();
  });

  it('warns the référent 5 days before a month closes short, then escalates', () => {
    const s = underContract({ intensive: true });
    const march = s.deadlines.find((d) => d.period === '2026-03')!;
    const actions = timedActions(s).filter((a) => a.id.startsWith(`${march.id}:`));
    // 31 March − 5 = Thursday 26 March, 09:00 Paris (winter) = 08:00 UTC; the escalation is
    // Wednesday 1 April 09:00 Paris (summer) = 07:00 UTC.
    expect(actions.map((a) => [a.id.split(':').slice(1).join(':'), a.at.toISOString()])).toEqual([
      ['reminder:J-5', '2026-03-26T08:00:00.000Z'],
      ['breach', '2026-03-31T22:00:00.000Z'],
      ['escalation', '2026-04-01T07:00:00.000Z'],
    ]);
    const warning = actions[0]!;
    expect(fireTimedAction(s, warning, warning.at)).toMatchObject({
      template: 'warning.interviews',
      recipient: { referent: 'ref-42' },
      data: { period: '2026-03' },
    });
    expect(s.notifications.at(-1)).toMatchObject({ to: 'ref-42', template: 'warning.interviews' });
  });

  it('ends after 6 months: the path goes on in standard accompaniment', () => {
    const s = underContract({ intensive: true });
    const end = timedActions(s).find((a) => a.kind === 'intensive-end')!;
    // 2 Feb + 6 months = 2 Aug, end of day (summer time).
    expect(end.at.toISOString()).toBe('2026-08-02T22:00:00.000Z');
    fireTimedAction(s, end, end.at);
    expect(s.step).toBe('accompaniment');
    expect(s.accompaniment?.intensity).toBe('standard');
  });
});

describe('social-track review (CASF L262-31, D262-65-2-1)', () => {
  it('is due 6 months after the contract', () => {
    expect(deadline(underContract({ track: 'social' }), 'social-review')?.dueAt).toBe(
      '2026-08-02T21:59:59.999Z',
    );
  });
  it('12 months when health, disability, housing or family difficulties were identified', () => {
    const s = underContract({ track: 'social', barriers: ['housing', 'mobility'] });
    expect(deadline(s, 'social-review')?.dueAt).toBe('2027-02-02T22:59:59.999Z');
  });
  it('other barriers keep 6 months; other tracks have no review', () => {
    expect(deadline(underContract({ track: 'social', barriers: ['mobility'] }), 'social-review')?.dueAt).toBe(
      '2026-08-02T21:59:59.999Z',
    );
    expect(deadline(underContract({ track: 'socio-professional' }), 'social-review')).toBeUndefined();
  });
});

describe('sanction procedure: 10 days for observations from receipt (décret 2025-478)', () => {
  const breach = (s: PathState, at = '2026-03-02T10:00:00+01:00', data: Data = {}) =>
    act(s, 'breach.reported', at, { kind: 'obligations', ...data });

  it('opens the observations window: 2 March + 10 days = 12 March, end of day', () => {
    const s = breach(underContract());
    expect(s.step).toBe('sanction-procedure');
    expect(deadline(s, 'observations')?.dueAt).toBe('2026-03-12T22:59:59.999Z');
    expect(s.outbox.at(-1)).toMatchObject({ template: 'notice.sanction', to: 'referent' });
  });

  it('counts from the recorded receipt when there is one', () => {
    const s = breach(underContract(), undefined, { receivedAt: '2026-03-05T10:00:00+01:00' });
    expect(deadline(s, 'observations')?.dueAt).toBe('2026-03-15T22:59:59.999Z');
  });

  it.each([
    ['2026-03-12T18:00:00+01:00', 'aucune décision avant'],
    ['2026-03-13T09:00:00+01:00', null],
  ])('a decision at %s → %s', (at, expected) => {
    const result = refusal(breach(underContract()), 'sanction.decided', at, { rate: 0.3, months: 1 });
    if (expected === null) expect(result).toBeNull();
    else expect(result).toContain(expected);
  });

  it('observations in: 1.0 decided before the 10 days end; now the 10 days run unless waived in writing', () => {
    const s = act(breach(underContract()), 'observations.received', '2026-03-06T10:00:00+01:00');
    const early = ['sanction.decided', '2026-03-09T10:00:00+01:00', { rate: 0.3, months: 1 }] as const;
    expect(refusal1(s, ...early)).toBeNull();
    expect(refusal(s, ...early)).toBe(
      'La personne a jusqu’au 12/03/2026 pour présenter ses observations ou demander à être entendue : aucune décision avant, sauf renonciation écrite (observations.waived) (décret 2025-478).',
    );
  });

  it('refuses observations after the window', () => {
    expect(refusal(breach(underContract()), 'observations.received', '2026-03-13T00:30:00+01:00')).toBe(
      'Le délai pour présenter des observations a expiré le 12/03/2026.',
    );
  });

  it('a contract refusal can only be reported before the contract is signed', () => {
    expect(
      refusal(underContract(), 'breach.reported', '2026-03-02T10:00:00+01:00', { kind: 'contract-refusal' }),
    ).toContain('tant que le contrat n’est pas signé');
    expect(
      refusal(oriented(), 'breach.reported', '2026-02-20T10:00:00+01:00', { kind: 'contract-refusal' }),
    ).toBeNull();
  });

  it('no scale is modelled before the suspension-remobilisation regime of 1 June 2025', () => {
    const s = act(
      path('2025-03-03T09:00:00+01:00'),
      'orientation.decided',
      '2025-03-10T10:00:00+01:00',
      orientation,
    );
    expect(
      refusal(s, 'breach.reported', '2025-05-30T10:00:00+02:00', { kind: 'contract-refusal' }),
    ).toContain('depuis le 01/06/2025');
    expect(
      refusal(s, 'breach.reported', '2025-06-02T10:00:00+02:00', { kind: 'contract-refusal' }),
    ).toBeNull();
  });
});

describe('sanction scales (CASF R262-68, R262-68-1, R262-68-6, L262-37)', () => {
  const decidable = (household?: { size: number; majore: boolean }) =>
    act(underContract({ household }), 'breach.reported', '2026-03-02T10:00:00+01:00', {
      kind: 'obligations',
    });
  const decide = (s: PathState, data: Data, at = '2026-03-13T09:00:00+01:00') =>
    refusal(s, 'sanction.decided', at, data);

  it.each([
    [{ rate: 0.29, months: 1 }, undefined, 'au moins 30 %'],
    [{ rate: 0.3, months: 1 }, undefined, null],
    [{ rate: 0.6, months: 2 }, undefined, null],
    [{ rate: 0.3, months: 3 }, undefined, 'de 1 à 2 mois'],
    [{ rate: 0.5, months: 1 }, { size: 2, majore: false }, null],
    [{ rate: 0.51, months: 1 }, { size: 2, majore: false }, 'plafonné à 50 %'],
    [{ rate: 0.6, months: 1 }, { size: 1, majore: true }, 'plafonné à 50 %'],
    [{ rate: 1, months: 2, suppression: true, epAvis: true }, undefined, 'persistance ou de répétition'],
  ])('first failure %j, household %j → %s', (data, household, expected) => {
    const result = decide(decidable(household), data);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toContain(expected);
  });

  /** A first sanction decided 13 March 2026, ended by remobilisation on 20 March. */
  function afterFirstSanction(): PathState {
    const s = decidable();
    act(s, 'sanction.decided', '2026-03-13T09:00:00+01:00', { rate: 0.3, months: 1 });
    return act(s, 'compliance.resumed', '2026-03-20T10:00:00+01:00');
  }
  const secondBreach = (s: PathState, at: string) => act(s, 'breach.reported', at, { kind: 'obligations' });

  it('a new failure within 24 months is a repetition: 1 to 4 months, suppression with the EP’s avis', () => {
    const s = secondBreach(afterFirstSanction(), '2026-05-04T10:00:00+02:00');
    expect(s.procedure?.repetition).toBe(true);
    const at = '2026-05-15T10:00:00+02:00';
    expect(decide(s, { rate: 0.3, months: 4 }, at)).toBeNull();
    expect(decide(s, { rate: 0.3, months: 5 }, at)).toContain('de 1 à 4 mois');
    expect(decide(s, { rate: 1, months: 4, suppression: true }, at)).toContain(
      'avis de l’équipe pluridisciplinaire',
    );
    // 1.0's flag still counts for a 1.0 path; the current procedure needs the avis recorded.
    const flagged = { rate: 1, months: 4, suppression: true, epAvis: true };
    expect(refusal1(s, 'sanction.decided', at, flagged)).toBeNull();
    expect(decide(s, flagged, at)).toBe(
      'Une suppression exige l’avis de l’équipe pluridisciplinaire (CASF L262-37 III).',
    );
    act(s, 'ep.referred', '2026-05-05T10:00:00+02:00', { date: '2026-05-12T14:00:00+02:00' });
    act(s, 'ep.avis', '2026-05-12T16:00:00+02:00', {
      favourable: false,
      text: 'Situation de santé à revoir.',
    });
    expect(decide(s, { rate: 1, months: 4, suppression: true }, at)).toBeNull();
  });

  it.each([
    // The first decision was notified 13 March 2026: the window ends 13 March 2028, end of day.
    ['2028-03-13T20:00:00+01:00', true],
    ['2028-03-14T09:00:00+01:00', false],
  ])('failure at %s: repetition = %s', (at, repetition) => {
    expect(secondBreach(afterFirstSanction(), at).procedure?.repetition).toBe(repetition);
  });

  it('a new orientation decision restarts the count', () => {
    const s = afterFirstSanction();
    act(s, 'reorientation.decided', '2026-04-01T10:00:00+02:00', {
      ...orientation,
      reason: 'nouvelle orientation',
    });
    act(s, 'contract.signed', '2026-04-15T10:00:00+02:00', { weeklyHours: 15, intensive: false });
    expect(secondBreach(s, '2026-05-04T10:00:00+02:00').procedure?.repetition).toBe(false);
  });
});

describe('suspension and remobilisation (CASF L262-37 I, R262-68-1; policy: repay, capped to 3 months)', () => {
  function suspended(months: number, repetition = false): PathState {
    const s = underContract();
    if (repetition) {
      act(s, 'breach.reported', '2026-02-16T10:00:00+01:00', { kind: 'obligations' });
      act(s, 'sanction.decided', '2026-02-27T10:00:00+01:00', { rate: 0.3, months: 1 });
      act(s, 'compliance.resumed', '2026-03-01T10:00:00+01:00');
    }
    act(s, 'breach.reported', '2026-03-02T10:00:00+01:00', { kind: 'obligations' });
    return act(s, 'sanction.decided', '2026-03-13T09:00:00+01:00', { rate: 0.4, months });
  }

  it('a suspension runs as a timer to its term, then the path goes back where it was', () => {
    const s = suspended(2);
    expect(s.step).toBe('suspension');
    const term = timedActions(s).find((a) => a.kind === 'suspension-end')!;
    // 13 March + 2 months = 13 May, 00:00 Paris (summer time).
    expect(term.at.toISOString()).toBe('2026-05-12T22:00:00.000Z');
    fireTimedAction(s, term, term.at);
    expect(s.sanctions[0]).toMatchObject({
      endedAt: '2026-05-12T22:00:00.000Z',
      endedBy: 'term',
      repayment: null,
    });
    expect(s.step).toBe('accompaniment');
  });

  it('remobilisation mid-suspension ends it early and pays back the suspended period', () => {
    const s = act(suspended(2), 'compliance.resumed', '2026-04-02T10:00:00+02:00');
    expect(s.sanctions[0]).toMatchObject({
      endedAt: '2026-04-02T08:00:00.000Z',
      endedBy: 'remobilisation',
      repayment: { from: '2026-03-13T08:00:00.000Z', to: '2026-04-02T08:00:00.000Z' },
    });
    expect(s.step).toBe('accompaniment');
    expect(timedActions(s).some((a) => a.kind === 'suspension-end')).toBe(false);
  });

  it('a longer sanction pays back its last 3 months only', () => {
    const s = act(suspended(4, true), 'compliance.resumed', '2026-07-01T10:00:00+02:00');
    // 1 July − 3 months = 1 April, 00:00 Paris (summer time) = 31 March 22:00 UTC.
    expect(s.sanctions.at(-1)?.repayment).toEqual({
      from: '2026-03-31T22:00:00.000Z',
      to: '2026-07-01T08:00:00.000Z',
    });
  });

  it('a total suppression for 4 months ends with a proposal of removal to France Travail', () => {
    const s = underContract();
    act(s, 'breach.reported', '2026-02-16T10:00:00+01:00', { kind: 'obligations' });
    act(s, 'sanction.decided', '2026-02-27T10:00:00+01:00', { rate: 0.3, months: 1 });
    const first = timedActions(s).find((a) => a.kind === 'suspension-end')!;
    fireTimedAction(s, first, first.at);
    act(s, 'breach.reported', '2026-04-01T10:00:00+02:00', { kind: 'obligations' });
    const v1Path = JSON.parse(JSON.stringify(s)) as PathState;
    const decision = { rate: 1, months: 4, suppression: true, epAvis: true };
    applyPathEvent(
      v1Path,
      { type: 'sanction.decided', at: '2026-04-13T10:00:00+02:00', data: decision },
      new Date('2026-04-13T10:00:00+02:00'),
      v1,
    );
    // 1.0: the proposal leaves at the term itself, 13 August 00:00 Paris.
    const v1Term = timedActions(v1Path).find((a) => a.kind === 'suspension-end')!;
    expect(fireTimedAction(v1Path, v1Term, v1Term.at, v1)).toMatchObject({
      template: 'proposal.removal',
      recipient: { role: 'france-travail' },
    });
    // Now: after the EP's avis, the proposal waits for business hours (Thursday 13 August, 09:00).
    act(s, 'ep.referred', '2026-04-02T10:00:00+02:00', { date: '2026-04-09T14:00:00+02:00' });
    act(s, 'ep.avis', '2026-04-09T15:00:00+02:00', { favourable: true, text: 'Aucun motif légitime.' });
    act(s, 'sanction.decided', '2026-04-13T10:00:00+02:00', { rate: 1, months: 4, suppression: true });
    const term = timedActions(s).find((a) => a.kind === 'suspension-end')!;
    expect(term.at.toISOString()).toBe('2026-08-12T22:00:00.000Z');
    expect(fireTimedAction(s, term, term.at)).toBeNull();
    const proposal = timedActions(s).find((a) => a.id.startsWith('removal@'))!;
    expect(proposal.at.toISOString()).toBe('2026-08-13T07:00:00.000Z');
    expect(fireTimedAction(s, proposal, proposal.at)).toMatchObject({
      template: 'proposal.removal',
      recipient: { role: 'france-travail' },
      data: { deadline: 'removal' },
    });
    expect(s.removal).toEqual({ proposedAt: '2026-08-13T07:00:00.000Z', answeredAt: null, removed: null });
    // France Travail's answer is followed up one month on: 13 September, end of day.
    expect(deadline(s, 'removal')?.dueAt).toBe('2026-09-13T21:59:59.999Z');
  });
});

describe('exit and the rules every event follows', () => {
  it('the end of the right closes the path at any step; nothing more is accepted', () => {
    const s = act(underContract({ intensive: true }), 'rights.ended', '2026-04-10T10:00:00+02:00', {
      reason: 'job',
    });
    expect(s).toMatchObject({ status: 'closed', step: 'closed', exit: { reason: 'job' } });
    expect(timedActions(s)).toEqual([]);
    expect(refusal(s, 'interview.held', '2026-04-11T10:00:00+02:00')).toBe(
      'Ce parcours est clos depuis le 10/04/2026 : plus aucune action.',
    );
  });

  it('a refused event changes nothing', () => {
    const s = underContract();
    const before = JSON.stringify(s);
    expect(
      refusal(s, 'sanction.decided', '2026-03-13T09:00:00+01:00', { rate: 0.3, months: 1 }),
    ).not.toBeNull();
    expect(() => act(s, 'sanction.decided', '2026-03-13T09:00:00+01:00', { rate: 0.3, months: 1 })).toThrow();
    expect(JSON.stringify(s)).toBe(before);
  });

  it('refuses acts in the future, before the opening, or before the last recorded act', () => {
    const s = oriented();
    expect(
      refusalOf(
        s,
        { type: 'appointment.attended', at: '2026-01-20T10:00:00+01:00', data: {} },
        new Date('2026-01-19T10:00:00Z'),
      ),
    ).toBe('Un acte ne peut être daté dans le futur.');
    expect(refusal(s, 'appointment.attended', '2026-01-11T10:00:00+01:00')).toContain('dernier événement');
    expect(refusal(path(), 'orientation.decided', '2026-01-01T10:00:00+01:00', orientation)).toBe(
      'Un acte ne peut précéder l’ouverture du droit.',
    );
  });

  it('refuses unknown events and unknown fields with French messages', () => {
    expect(refusal(path(), 'orientation.validated', '2026-01-06T10:00:00+01:00')).toMatch(
      /type d’événement inconnu/,
    );
    expect(
      refusal(path(), 'orientation.decided', '2026-01-06T10:00:00+01:00', { ...orientation, nom: 'X' }),
    ).toMatch(/Clé non reconnue/);
  });
});

describe('the per-person switch stops reminders, not escalations', () => {
  it('with reminders off, the J-3 reminder is skipped and the escalation still goes', () => {
    const s = act(oriented(), 'reminders.switched', '2026-01-13T10:00:00+01:00', { on: false });
    const sent = timedActions(s)
      .filter((a) => a.id.startsWith('first-appointment'))
      .map((a) => fireTimedAction(s, a, a.at)?.template)
      .filter(Boolean);
    expect(sent).toEqual(['escalation.first-appointment']);
    act(s, 'reminders.switched', '2026-01-30T10:00:00+01:00', { on: true });
    const contractReminder = timedActions(s).find(
      (a) => a.id.startsWith('contract') && a.id.includes(':reminder:'),
    )!;
    expect(fireTimedAction(s, contractReminder, contractReminder.at)?.template).toBe('reminder.contract');
  });
});

describe('reminders go to the right person (Pas-de-Calais policy)', () => {
  it('orientation → platform; first appointment and contract → the référent; escalations → head of service', () => {
    const s = oriented();
    const recipients = new Map<string, string>();
    for (const a of timedActions(s)) {
      const message = fireTimedAction(s, a, a.at);
      if (message)
        recipients.set(`${a.id.split('#')[0]}:${message.template}`, JSON.stringify(message.recipient));
    }
    expect(Object.fromEntries(recipients)).toEqual({
      'first-appointment:reminder.first-appointment': '{"referent":"ref-42"}',
      'first-appointment:escalation.first-appointment': '{"role":"head-of-service"}',
      'contract:reminder.contract': '{"referent":"ref-42"}',
      'contract:escalation.contract': '{"role":"head-of-service"}',
    });
    // First appointment J-3 of Tuesday 27 January = Saturday 24 → Friday 23 January, 09:00 Paris.
    expect(s.notifications.find((n) => n.template === 'reminder.first-appointment')?.at).toBe(
      '2026-01-23T08:00:00.000Z',
    );
  });
});

describe('people already accompanied on 1 January 2025 (décret 2024-1244)', () => {
  const stock = (accompaniedSince: string) =>
    newPathState({
      beneficiaryId: 'T-STOCK',
      rightsOpenedAt: '2026-01-05T09:00:00+01:00',
      territory: 'lens-lievin',
      accompaniedSince,
    });
  it.each([
    ['2024-06-01', true],
    ['2025-01-01', true],
    ['2025-01-02', false],
  ])('accompanied since %s: contract due before 1 January 2027 = %s', (since, due) => {
    const d = deadline(stock(since), 'contract.stock');
    if (due) expect(d?.dueAt).toBe('2026-12-31T22:59:59.999Z');
    else expect(d).toBeUndefined();
  });
  it('the contract meets it', () => {
    const s = act(stock('2024-06-01'), 'orientation.decided', '2026-01-12T10:00:00+01:00', orientation);
    act(s, 'contract.signed', '2026-02-02T10:00:00+01:00', { weeklyHours: 15, intensive: false });
    expect(deadline(s, 'contract.stock')).toMatchObject({
      metAt: '2026-02-02T09:00:00.000Z',
      breached: false,
    });
  });
});

describe('a sanction proposed by France Travail (CASF L262-37 IV; delay [U]: 15 days in the policy)', () => {
  const proposed = (data: Data = {}) =>
    act(underContract(), 'sanction.proposed', '2026-03-02T10:00:00+01:00', {
      kind: 'obligations',
      rate: 0.3,
      months: 2,
      ...data,
    });

  it('gives the Département 15 days to decide itself: 2 March → 17 March, end of day', () => {
    const s = proposed();
    expect(s.step).toBe('sanction-procedure');
    expect(deadline(s, 'france-travail-proposal')?.dueAt).toBe('2026-03-17T22:59:59.999Z');
    expect(s.outbox.at(-1)).toMatchObject({ to: 'head-of-service', template: 'proposal.sanction' });
  });

  it('unanswered, France Travail pronounces the suspension it proposed', () => {
    const s = proposed();
    const lapse = timedActions(s).find((a) => a.kind === 'proposal-lapse')!;
    expect(lapse.at.toISOString()).toBe('2026-03-17T23:00:00.000Z');
    fireTimedAction(s, lapse, lapse.at);
    expect(s.step).toBe('suspension');
    expect(s.sanctions).toEqual([
      expect.objectContaining({
        decidedBy: 'france-travail',
        rate: 0.3,
        months: 2,
        endsAt: '2026-05-17T22:00:00.000Z',
      }),
    ]);
  });

  it('the Département may decide itself, no harsher than proposed without its own observations step', () => {
    const s = proposed();
    expect(refusal(s, 'sanction.decided', '2026-03-05T10:00:00+01:00', { rate: 0.4, months: 2 })).toContain(
      'plus sévère que la proposition',
    );
    act(s, 'sanction.decided', '2026-03-05T10:00:00+01:00', { rate: 0.3, months: 1 });
    expect(s.sanctions[0]).toMatchObject({ decidedBy: 'departement', months: 1 });
    expect(deadline(s, 'france-travail-proposal')?.metAt).toBe('2026-03-05T09:00:00.000Z');
    expect(timedActions(s).some((a) => a.kind === 'proposal-lapse')).toBe(false);
  });

  it('a proposal outside the scales is refused', () => {
    expect(
      refusal(
        underContract({ household: { size: 2, majore: false } }),
        'sanction.proposed',
        '2026-03-02T10:00:00+01:00',
        {
          kind: 'obligations',
          rate: 0.6,
          months: 1,
        },
      ),
    ).toBe(
      'Proposition de France Travail irrecevable : Le taux est plafonné à 50 % pour un foyer de plus d’une personne ou un RSA majoré (CASF R262-68-6).',
    );
  });
});

describe('a second Département’s policy is a data file', () => {
  it('the national baseline policy has the legal limit as its only orientation target and other follow-ups', () => {
    const s = newPathState({
      beneficiaryId: 'T-SOCLE',
      rightsOpenedAt: '2026-01-05T09:00:00+01:00',
      territory: 'ailleurs',
      policy: 'socle-national',
    });
    expect(deadline(s, 'orientation.local')?.dueAt).toBe(deadline(s, 'orientation.legal')?.dueAt);
    act(s, 'orientation.decided', '2026-01-12T10:00:00+01:00', orientation);
    // First appointment within the contract month: 12 February, like the contract.
    expect(deadline(s, 'first-appointment')?.dueAt).toBe('2026-02-12T22:59:59.999Z');
    act(s, 'appointment.attended', '2026-01-20T10:00:00+01:00');
    act(s, 'diagnostic.completed', '2026-01-20T11:00:00+01:00', { barriers: [] });
    act(s, 'contract.signed', '2026-02-02T10:00:00+01:00', { weeklyHours: 15, intensive: false });
    act(s, 'breach.reported', '2026-03-02T10:00:00+01:00', { kind: 'obligations' });
    // Receipt = sending day + 2 days (4 March), + 10 days = 14 March.
    expect(deadline(s, 'observations')?.dueAt).toBe('2026-03-14T22:59:59.999Z');
  });
});
