/**
 * The path's procedure in depth (docs/rules.md §1, issue 20) on the pure machine,
 * each rule at its boundary in Paris time: the 10 days in full (hearing, written
 * waiver), the EP's avis, the appeal (RAPO) and the PCD's silence, the removal's
 * follow-up and the end of the right, who is concerned, France Travail's
 * registration and the late orientation, the instant an act was recorded.
 * Expected instants are worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { applyPathEvent } from '../../domain/path/path-machine.js';
import { act, orientation, path, refusal, v1 } from '../support/path-law.js';
import type { PathState } from '../../domain/path/path.js';
import { fireTimedAction, timedActions } from '../../domain/path/path-timers.js';
import { pathEventBounds } from '../../domain/path/path-events.js';
import { compactPathState } from '../../domain/path/path-compaction.js';

const deadline = (s: PathState, kind: string) => s.deadlines.filter((d) => d.kind === kind).at(-1);

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

describe('the 10 days in full: hearing and written waiver (décret 2025-478)', () => {
  it.each([
    ['2026-03-12T23:59:00+01:00', null],
    [
      '2026-03-13T00:00:00+01:00',
      'La demande d’être entendu se fait dans les 10 jours, échus le 12/03/2026.',
    ],
  ])('a request to be heard at %s → %s', (at, expected) => {
    expect(refusal(inProcedure(), 'hearing.requested', at, { at: '2026-03-20T10:00:00+01:00' })).toBe(
      expected,
    );
  });

  it('the decision waits for the hearing, even past the 10 days', () => {
    const s = act(inProcedure(), 'hearing.requested', '2026-03-05T10:00:00+01:00', {
      at: '2026-03-18T10:00:00+01:00',
    });
    expect(refusal(s, 'sanction.decided', '2026-03-17T10:00:00+01:00', decision)).toBe(
      'La personne a demandé à être entendue le 18/03/2026 à 10:00 : aucune décision avant l’audition (hearing.held).',
    );
    act(s, 'hearing.held', '2026-03-18T10:30:00+01:00');
    expect(s.procedure?.hearing).toEqual({
      requestedAt: '2026-03-05T09:00:00.000Z',
      at: '2026-03-18T09:00:00.000Z',
      heldAt: '2026-03-18T09:30:00.000Z',
      attended: true,
    });
    expect(refusal(s, 'sanction.decided', '2026-03-18T11:00:00+01:00', decision)).toBeNull();
  });

  it('a person who does not come to the hearing does not hold the decision back', () => {
    const s = act(inProcedure(), 'hearing.requested', '2026-03-05T10:00:00+01:00', {
      at: '2026-03-18T10:00:00+01:00',
    });
    act(s, 'hearing.held', '2026-03-18T10:30:00+01:00', { attended: false });
    expect(s.procedure?.hearing?.attended).toBe(false);
    expect(refusal(s, 'sanction.decided', '2026-03-18T11:00:00+01:00', decision)).toBeNull();
  });

  it('refuses a hearing in the past, a second request, a hearing held without request', () => {
    const s = inProcedure();
    expect(
      refusal(s, 'hearing.requested', '2026-03-05T10:00:00+01:00', { at: '2026-03-05T09:59:00+01:00' }),
    ).toBe('La date de l’audition est déjà passée.');
    expect(refusal(s, 'hearing.held', '2026-03-05T10:00:00+01:00')).toBe(
      'Aucune audition n’a été demandée (hearing.requested).',
    );
    act(s, 'hearing.requested', '2026-03-05T10:00:00+01:00', { at: '2026-03-10T10:00:00+01:00' });
    expect(
      refusal(s, 'hearing.requested', '2026-03-06T10:00:00+01:00', { at: '2026-03-11T10:00:00+01:00' }),
    ).toBe('Une audition est déjà demandée pour le 10/03/2026 à 10:00.');
  });

  it.each([
    // Without a waiver: no decision until the last instant of 12 March, observations or not.
    [false, false, '2026-03-12T23:59:00+01:00', 'aucune décision avant, sauf renonciation écrite'],
    [false, true, '2026-03-12T23:59:00+01:00', 'aucune décision avant, sauf renonciation écrite'],
    [false, false, '2026-03-13T00:00:00+01:00', null],
    // Waived in writing on 6 March: a decision may come at once.
    [true, false, '2026-03-06T10:01:00+01:00', null],
    [true, true, '2026-03-06T10:01:00+01:00', null],
  ])('waived %s, observations %s, decision at %s → %s', (waived, observations, at, expected) => {
    const s = inProcedure();
    if (observations) act(s, 'observations.received', '2026-03-05T10:00:00+01:00');
    if (waived) act(s, 'observations.waived', '2026-03-06T10:00:00+01:00');
    const result = refusal(s, 'sanction.decided', at, decision);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toContain(expected);
  });

  it('a waiver closes the window; after the 10 days it is refused; a France Travail proposal has none', () => {
    const s = act(inProcedure(), 'observations.waived', '2026-03-06T10:00:00+01:00');
    expect(deadline(s, 'observations')).toMatchObject({ metAt: '2026-03-06T09:00:00.000Z', breached: false });
    expect(refusal(inProcedure(), 'observations.waived', '2026-03-13T00:00:00+01:00')).toBe(
      'Le délai de 10 jours est déjà échu (le 12/03/2026) : la décision peut être prise.',
    );
    const proposed = act(underContract(), 'sanction.proposed', '2026-03-02T10:00:00+01:00', {
      kind: 'obligations',
      ...decision,
    });
    expect(refusal(proposed, 'observations.waived', '2026-03-03T10:00:00+01:00')).toContain(
      'France Travail a conduit la procédure contradictoire',
    );
  });

  it('observations in: the window stays open to its end under the current procedure, met under 1.0', () => {
    const now = act(inProcedure(), 'observations.received', '2026-03-05T10:00:00+01:00');
    expect(deadline(now, 'observations')?.metAt).toBeNull();
    const old = inProcedure();
    applyPathEvent(
      old,
      { type: 'observations.received', at: '2026-03-05T10:00:00+01:00' },
      new Date('2026-03-05T10:00:00+01:00'),
      v1,
    );
    expect(deadline(old, 'observations')?.metAt).toBe('2026-03-05T09:00:00.000Z');
  });
});

/** A repetition: first sanction 13 March (ended 20 March), second breach 4 May 2026 (10 days → 14 May). */
function repetition(): PathState {
  const s = inProcedure();
  act(s, 'sanction.decided', '2026-03-13T09:00:00+01:00', decision);
  act(s, 'compliance.resumed', '2026-03-20T10:00:00+01:00');
  return act(s, 'breach.reported', '2026-05-04T10:00:00+02:00', { kind: 'obligations' });
}
const suppression = { rate: 1, months: 4, suppression: true };

describe('the équipe pluridisciplinaire: referral, meeting, avis (CASF L262-37 III)', () => {
  it('a suppression needs the avis recorded; it is kept with the decision', () => {
    const s = repetition();
    expect(refusal(s, 'sanction.decided', '2026-05-15T10:00:00+02:00', suppression)).toBe(
      'Une suppression exige l’avis de l’équipe pluridisciplinaire (CASF L262-37 III).',
    );
    act(s, 'ep.referred', '2026-05-05T10:00:00+02:00', { date: '2026-05-12T14:00:00+02:00' });
    // Referred but no avis yet: still refused.
    expect(refusal(s, 'sanction.decided', '2026-05-15T10:00:00+02:00', suppression)).toContain('avis');
    act(s, 'ep.avis', '2026-05-12T14:00:00+02:00', { favourable: false, text: '  Situation de santé  ' });
    act(s, 'sanction.decided', '2026-05-15T10:00:00+02:00', suppression);
    expect(s.sanctions.at(-1)).toMatchObject({
      suppression: true,
      epAvis: { at: '2026-05-12T12:00:00.000Z', favourable: false, text: 'Situation de santé' },
      appeal: null,
    });
  });

  it.each([
    [
      'ep.avis',
      '2026-05-05T10:00:00+02:00',
      { favourable: true, text: 'x' },
      'L’équipe pluridisciplinaire n’est pas saisie',
    ],
    [
      'ep.referred',
      '2026-05-05T10:00:00+02:00',
      { date: '2026-05-05T09:59:00+02:00' },
      'ne peut précéder sa saisine',
    ],
    ['ep.referred', '2026-05-05T10:00:00+02:00', { date: '2026-05-05T10:00:00+02:00' }, null],
  ])('%s at %s %j → %s', (type, at, data, expected) => {
    const result = refusal(repetition(), type, at, data);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toContain(expected);
  });

  it('the avis comes at the meeting, not before; once; its text is bounded', () => {
    const s = act(repetition(), 'ep.referred', '2026-05-05T10:00:00+02:00', {
      date: '2026-05-12T14:00:00+02:00',
    });
    expect(refusal(s, 'ep.avis', '2026-05-12T13:59:00+02:00', { favourable: true, text: 'x' })).toBe(
      'L’avis est rendu en séance, le 12/05/2026 à 14:00 : pas avant.',
    );
    const max = pathEventBounds.avisChars;
    expect(
      refusal(s, 'ep.avis', '2026-05-12T14:00:00+02:00', { favourable: true, text: 'a'.repeat(max) }),
    ).toBeNull();
    expect(
      refusal(s, 'ep.avis', '2026-05-12T14:00:00+02:00', { favourable: true, text: 'a'.repeat(max + 1) }),
    ).toContain(`texte de l’avis : ${max} caractères au plus`);
    act(s, 'ep.avis', '2026-05-12T14:00:00+02:00', { favourable: true, text: 'Avis conforme.' });
    expect(refusal(s, 'ep.avis', '2026-05-12T15:00:00+02:00', { favourable: true, text: 'x' })).toContain(
      'a déjà rendu son avis le 12/05/2026',
    );
  });
});

/** A suspension of 2 months decided Friday 13 March 2026, 09:00 (ends 13 May, 00:00 Paris). */
function suspended(months = 2): PathState {
  return act(inProcedure(), 'sanction.decided', '2026-03-13T09:00:00+01:00', { rate: 0.5, months });
}

describe('the appeal (RAPO, CASF L262-47, R262-88): 2 months to file, 2 months to answer', () => {
  it.each([
    // 13 March + 2 months = 13 May, end of day.
    ['2026-05-13T23:59:00+02:00', null],
    [
      '2026-05-14T00:00:00+02:00',
      'Le recours administratif préalable se forme dans les 2 mois de la décision (CASF R262-88) : délai échu le 13/05/2026.',
    ],
  ])('filed at %s → %s', (at, expected) => {
    expect(refusal(suspended(), 'appeal.filed', at)).toBe(expected);
  });

  it('the PCD’s silence for 2 months is an implicit rejection, shown in the deadline and the decision', () => {
    const s = act(suspended(), 'appeal.filed', '2026-03-20T10:00:00+01:00');
    // Filed 20 March: answer due 20 May, end of day (summer time).
    expect(deadline(s, 'appeal')).toMatchObject({ dueAt: '2026-05-20T21:59:59.999Z', metAt: null });
    expect(s.sanctions[0]?.appeal).toMatchObject({ answerDue: '2026-05-20T21:59:59.999Z', outcome: null });
    const lapse = timedActions(s).find((a) => a.kind === 'appeal-lapse')!;
    expect(lapse.at.toISOString()).toBe('2026-05-20T22:00:00.000Z');
    fireTimedAction(s, lapse, lapse.at);
    expect(s.sanctions[0]?.appeal?.outcome).toBe('implicit-rejection');
    expect(deadline(s, 'appeal')).toMatchObject({ breached: true, metAt: null });
    // An explicit answer may still come; it replaces the implicit rejection and meets the deadline late.
    act(s, 'appeal.answered', '2026-05-25T10:00:00+02:00', { outcome: 'upheld' });
    expect(s.sanctions[0]?.appeal).toMatchObject({
      outcome: 'upheld',
      answeredAt: '2026-05-25T08:00:00.000Z',
    });
    expect(deadline(s, 'appeal')).toMatchObject({ breached: true, metAt: '2026-05-25T08:00:00.000Z' });
  });

  it('annulled during the suspension: it ends now, the path goes back, everything withheld is owed', () => {
    const s = act(suspended(), 'appeal.filed', '2026-03-20T10:00:00+01:00');
    act(s, 'appeal.answered', '2026-04-01T10:00:00+02:00', {
      outcome: 'annulled',
      text: 'Motif légitime établi.',
    });
    expect(s.step).toBe('accompaniment');
    expect(s.sanctions[0]).toMatchObject({
      endedAt: '2026-04-01T08:00:00.000Z',
      endedBy: 'appeal',
      repayment: { from: '2026-03-13T08:00:00.000Z', to: '2026-04-01T08:00:00.000Z' },
      appeal: { outcome: 'annulled', text: 'Motif légitime établi.' },
    });
    expect(timedActions(s).some((a) => a.kind === 'suspension-end')).toBe(false);
  });

  it.each([
    // Reduced to 1 month: ends 13 April 00:00 Paris; answered before, it runs to then, answered after, it ends now.
    ['2026-04-01T10:00:00+02:00', 'suspension', '2026-04-12T22:00:00.000Z', null],
    ['2026-04-14T10:00:00+02:00', 'accompaniment', '2026-04-12T22:00:00.000Z', 'appeal'],
  ])('reduced to 1 month, answered at %s → step %s', (at, step, endsAt, endedBy) => {
    const s = act(suspended(), 'appeal.filed', '2026-03-20T10:00:00+01:00');
    act(s, 'appeal.answered', at, { outcome: 'reduced', months: 1 });
    expect(s.step).toBe(step);
    expect(s.sanctions[0]).toMatchObject({ months: 1, rate: 0.5, endsAt, endedBy });
    expect(s.sanctions[0]?.appeal?.before).toEqual({ rate: 0.5, months: 2, suppression: false });
  });

  it('reduced after the suspension ran its term: the month past the new end is owed', () => {
    const s = act(suspended(), 'appeal.filed', '2026-03-20T10:00:00+01:00');
    const term = timedActions(s).find((a) => a.kind === 'suspension-end')!;
    fireTimedAction(s, term, term.at);
    act(s, 'appeal.answered', '2026-05-18T10:00:00+02:00', { outcome: 'reduced', months: 1 });
    expect(s.sanctions[0]).toMatchObject({
      endsAt: '2026-04-12T22:00:00.000Z',
      endedAt: '2026-05-12T22:00:00.000Z',
      endedBy: 'term',
      repayment: { from: '2026-04-12T22:00:00.000Z', to: '2026-05-12T22:00:00.000Z' },
    });
  });

  it.each([
    [{ outcome: 'reduced', months: 3 }, 'ne peut être plus sévère'],
    [{ outcome: 'reduced', rate: 0.6 }, 'ne peut être plus sévère'],
    [{ outcome: 'reduced', rate: 0.5, months: 2 }, 'sinon la décision est maintenue'],
    [{ outcome: 'reduced', rate: 0.2 }, 'au moins 30 %'],
    [{ outcome: 'upheld', months: 1 }, 'ne se donnent que pour une sanction réduite'],
    [{ outcome: 'reduced', rate: 0.3 }, null],
  ])('answer %j → %s', (data, expected) => {
    const s = act(suspended(), 'appeal.filed', '2026-03-20T10:00:00+01:00');
    const result = refusal(s, 'appeal.answered', '2026-04-01T10:00:00+02:00', data);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toContain(expected);
  });

  it('refuses an appeal without a decision, a second one, and one on France Travail’s own suspension', () => {
    expect(refusal(underContract(), 'appeal.filed', '2026-03-01T10:00:00+01:00')).toBe(
      'Aucune décision de sanction à contester.',
    );
    const s = act(suspended(), 'appeal.filed', '2026-03-20T10:00:00+01:00');
    expect(refusal(s, 'appeal.filed', '2026-03-21T10:00:00+01:00')).toBe(
      'Un recours est déjà formé contre cette décision (le 20/03/2026).',
    );
    const ft = act(underContract(), 'sanction.proposed', '2026-03-02T10:00:00+01:00', {
      kind: 'obligations',
      ...decision,
    });
    const lapse = timedActions(ft).find((a) => a.kind === 'proposal-lapse')!;
    fireTimedAction(ft, lapse, lapse.at);
    expect(refusal(ft, 'appeal.filed', '2026-03-30T10:00:00+02:00')).toContain(
      'le recours se forme auprès de France Travail',
    );
  });
});

describe('suppression to the end of the right (CASF L262-37 III)', () => {
  /** A total suppression of 4 months decided 15 May 2026, run to its term, proposal sent in business hours. */
  function removalProposed(): PathState {
    const s = repetition();
    act(s, 'ep.referred', '2026-05-05T10:00:00+02:00', { date: '2026-05-12T14:00:00+02:00' });
    act(s, 'ep.avis', '2026-05-12T14:00:00+02:00', { favourable: true, text: 'Aucun motif légitime.' });
    act(s, 'sanction.decided', '2026-05-15T10:00:00+02:00', suppression);
    for (const kind of ['suspension-end', 'message']) {
      const next = timedActions(s).find(
        (a) => a.kind === kind && (kind !== 'message' || a.id.startsWith('removal@')),
      )!;
      fireTimedAction(s, next, next.at);
    }
    return s;
  }

  it('the proposal goes once: sent, compacted, it is not due again', () => {
    const s = removalProposed();
    compactPathState(s);
    expect(timedActions(s).filter((a) => a.kind === 'message' && a.template === 'proposal.removal')).toEqual(
      [],
    );
  });

  it('the PCD ends the right only after the proposal of removal', () => {
    expect(
      refusal(repetition(), 'rights.ended', '2026-05-06T10:00:00+02:00', { reason: 'pcd-decision' }),
    ).toContain('suit une suppression totale de 4 mois et la proposition de radiation');
    const s = removalProposed();
    // 15 May + 4 months = 15 September, 00:00 Paris (a Tuesday): the proposal leaves at 09:00.
    expect(s.removal?.proposedAt).toBe('2026-09-15T07:00:00.000Z');
    act(s, 'rights.ended', '2026-09-20T10:00:00+02:00', { reason: 'pcd-decision' });
    expect(s.exit).toEqual({ at: '2026-09-20T08:00:00.000Z', reason: 'pcd-decision' });
  });

  it('France Travail’s answer meets the follow-up; a second answer is refused', () => {
    const s = removalProposed();
    expect(deadline(s, 'removal')?.dueAt).toBe('2026-10-15T21:59:59.999Z');
    act(s, 'removal.answered', '2026-10-16T10:00:00+02:00', { removed: true });
    expect(deadline(s, 'removal')).toMatchObject({ metAt: '2026-10-16T08:00:00.000Z', breached: true });
    expect(refusal(s, 'removal.answered', '2026-10-17T10:00:00+02:00', { removed: true })).toBe(
      'France Travail a déjà répondu le 16/10/2026.',
    );
  });
});
