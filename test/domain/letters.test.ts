/**
 * The letters' events on the pure path machine (docs/courriers.md): `letter.sent`
 * and `letter.received`, and the receipt of a notice of planned sanction moving
 * the 10 days (décret 2025-478, docs/rules.md §2) at their boundary.
 * Pas-de-Calais assumes receipt the day of sending (receiptDelay 0 days).
 */
import { describe, expect, it } from 'vitest';
import { applyPathEvent, newPathState, refusalOf } from '../../domain/path/path-machine.js';
import type { PathState } from '../../domain/path/path.js';
import { timedActions } from '../../domain/path/path-timers.js';
import { actsOffered } from '../../domain/path/act-fields.js';

type Data = Record<string, unknown>;
const act = (s: PathState, type: string, at: string, data: Data = {}, id?: string): PathState =>
  applyPathEvent(s, { type, at, data, ...(id ? { id } : {}) }, new Date(at));
const refusal = (s: PathState, type: string, at: string, data: Data = {}): string | null =>
  refusalOf(s, { type, at, data }, new Date(at));

/** Under contract since Monday 2 February 2026; breach reported Monday 2 March 10:00 Paris (revision 5). */
function inProcedure(): PathState {
  const s = newPathState({
    beneficiaryId: 'T-001',
    rightsOpenedAt: '2026-01-05T09:00:00+01:00',
    territory: 'lens-lievin',
    household: { size: 1, majore: false },
  });
  act(s, 'orientation.decided', '2026-01-12T10:00:00+01:00', {
    track: 'socio-professional',
    organisation: 'cd62',
    referent: 'ref-42',
  });
  act(s, 'appointment.attended', '2026-01-20T14:00:00+01:00');
  act(s, 'diagnostic.completed', '2026-01-20T15:00:00+01:00', { barriers: [] });
  act(s, 'contract.signed', '2026-02-02T10:00:00+01:00', { weeklyHours: 15, intensive: false });
  return act(s, 'breach.reported', '2026-03-02T10:00:00+01:00', { kind: 'obligations' });
}
const notice = { letter: 'sanction-notice', ref: 'T-001-AS-5' };
const decision = { rate: 0.3, months: 1 };

describe('letter.sent and letter.received', () => {
  it('records the sending and the receipt of a letter, with their instants', () => {
    const s = inProcedure();
    act(s, 'letter.sent', '2026-03-03T09:00:00+01:00', { ...notice, channel: 'post' });
    expect(actsOffered(s)).toContain('letter.received');
    act(s, 'letter.received', '2026-03-06T11:00:00+01:00', notice);
    expect(s.letters).toEqual([
      {
        letter: 'sanction-notice',
        ref: 'T-001-AS-5',
        channel: 'post',
        sentAt: '2026-03-03T08:00:00.000Z',
        receivedAt: '2026-03-06T10:00:00.000Z',
      },
    ]);
    expect(actsOffered(s)).not.toContain('letter.received');
  });

  it('by e-mail: queues one message to the mail room, in business hours, with the reference', () => {
    const s = inProcedure();
    // Saturday 7 March 2026: the message waits for Monday 9, 09:00 Paris.
    act(s, 'letter.sent', '2026-03-07T10:00:00+01:00', { ...notice, channel: 'email' });
    expect(s.outbox.filter((m) => m.template === 'letter.email')).toEqual([
      {
        id: 'courrier:T-001-AS-5',
        at: '2026-03-09T08:00:00.000Z',
        to: 'mail-room',
        template: 'letter.email',
        deadline: 'courrier',
        data: { ref: 'T-001-AS-5', label: 'Avis de sanction envisagée' },
      },
    ]);
  });

  it('refuses a reference that is not one of this path’s letters of that kind', () => {
    const s = inProcedure();
    const at = '2026-03-03T09:00:00+01:00';
    // Another person, another letter's code, a revision not reached yet, a revision with a leading zero.
    for (const ref of ['T-002-AS-5', 'T-001-DS-5', 'T-001-AS-6', 'T-001-AS-05'])
      expect(refusal(s, 'letter.sent', at, { letter: 'sanction-notice', ref, channel: 'post' })).toContain(
        `La référence ${ref} n’est pas celle d’un courrier « Avis de sanction envisagée »`,
      );
    expect(refusal(s, 'letter.sent', at, { ...notice, channel: 'fax' })).toContain(
      'canal attendu : post (courrier postal) ou email (courriel)',
    );
    expect(refusal(s, 'letter.sent', at, { ...notice, ref: 'x'.repeat(101), channel: 'post' })).toContain(
      'référence du courrier : 100 caractères au plus',
    );
  });

  it('refuses a second sending, applies the same event id once', () => {
    const s = inProcedure();
    act(
      s,
      'letter.sent',
      '2026-03-03T09:00:00+01:00',
      { ...notice, channel: 'post' },
      'letter-sent:T-001-AS-5',
    );
    act(
      s,
      'letter.sent',
      '2026-03-03T09:05:00+01:00',
      { ...notice, channel: 'post' },
      'letter-sent:T-001-AS-5',
    );
    expect(s.letters).toHaveLength(1);
    expect(refusal(s, 'letter.sent', '2026-03-03T09:10:00+01:00', { ...notice, channel: 'email' })).toBe(
      'Le courrier T-001-AS-5 est déjà enregistré comme envoyé le 03/03/2026.',
    );
  });

  it('refuses a receipt before the sending, twice, or of a letter not sent', () => {
    const s = inProcedure();
    expect(refusal(s, 'letter.received', '2026-03-06T11:00:00+01:00', notice)).toBe(
      'Le courrier T-001-AS-5 n’est pas enregistré comme envoyé : enregistrez d’abord son envoi (letter.sent).',
    );
    act(s, 'letter.sent', '2026-03-03T09:00:00+01:00', { ...notice, channel: 'post' });
    // One millisecond before the sending: refused; at the sending itself: accepted.
    expect(refusal(s, 'letter.received', '2026-03-03T07:59:59.999Z', notice)).toContain(
      'La réception ne peut précéder l’envoi du courrier',
    );
    expect(refusal(s, 'letter.received', '2026-03-03T08:00:00.000Z', notice)).toBeNull();
    act(s, 'letter.received', '2026-03-06T11:00:00+01:00', notice);
    expect(refusal(s, 'letter.received', '2026-03-07T11:00:00+01:00', notice)).toContain(
      'La réception du courrier T-001-AS-5 est déjà enregistrée',
    );
  });
});

describe('a letter is dated by the post, not by the path’s steps', () => {
  it('accepts a receipt recorded after the path moved on, dated before its last step', () => {
    const s = inProcedure();
    const orientation = { letter: 'orientation', ref: 'T-001-OR-1' };
    act(s, 'letter.sent', '2026-01-13T09:00:00+01:00', { ...orientation, channel: 'post' });
    // The acknowledgement of 15 January comes back in March, after the contract and the breach.
    act(s, 'letter.received', '2026-01-15T11:00:00+01:00', orientation);
    expect(s.letters?.[0]?.receivedAt).toBe('2026-01-15T10:00:00.000Z');
  });

  it('refuses a sending before the act that calls for the letter', () => {
    const s = inProcedure();
    expect(refusal(s, 'letter.sent', '2026-03-02T09:59:59+01:00', { ...notice, channel: 'post' })).toBe(
      'Un courrier ne part pas avant l’acte qui l’appelle (02/03/2026 à 10:00).',
    );
    expect(refusal(s, 'letter.sent', '2026-03-02T10:00:00+01:00', { ...notice, channel: 'post' })).toBeNull();
  });
});

describe('the receipt of the notice starts the 10 days (décret 2025-478)', () => {
  /** Sent Tuesday 3 March, received Friday 6 March 11:00: 6 + 10 = Monday 16 March, to its end (Paris). */
  function received(): PathState {
    const s = inProcedure();
    // Assumed receipt (Pas-de-Calais): the day of sending, so 2 + 10 = 12 March.
    expect(s.procedure?.observationsDue).toBe('2026-03-12T22:59:59.999Z');
    act(s, 'letter.sent', '2026-03-03T09:00:00+01:00', { ...notice, channel: 'post' });
    return act(s, 'letter.received', '2026-03-06T11:00:00+01:00', notice);
  }

  it('moves the observations window to 10 days after the receipt', () => {
    const s = received();
    expect(s.procedure?.receivedAt).toBe('2026-03-06T10:00:00.000Z');
    expect(s.procedure?.observationsDue).toBe('2026-03-16T22:59:59.999Z');
    const open = s.deadlines.filter((d) => d.kind === 'observations' && !d.metAt && !d.cancelledAt);
    expect(open.map((d) => d.dueAt)).toEqual(['2026-03-16T22:59:59.999Z']);
    expect(s.dropped.map((d) => [d.kind, d.dueAt])).toEqual([['observations', '2026-03-12T22:59:59.999Z']]);
    // The decider hears of the window's end at the next opening after it: Tuesday 17 March, 09:00 Paris.
    const closing = timedActions(s).filter((a) => a.id.endsWith(':closed'));
    expect(closing.map((a) => [a.id, a.at.toISOString()])).toEqual([
      [`${open[0]!.id}:closed`, '2026-03-17T08:00:00.000Z'],
    ]);
  });

  it('refuses a decision until the last millisecond of the 16th, accepts it just after', () => {
    const s = received();
    expect(refusal(s, 'sanction.decided', '2026-03-16T22:59:59.999Z', decision)).toBe(
      // The procedure in full (issue 20): the 10 days also let the person ask to be heard or waive them.
      'La personne a jusqu’au 16/03/2026 pour présenter ses observations ou demander à être entendue : aucune décision avant, sauf renonciation écrite (observations.waived) (décret 2025-478).',
    );
    expect(refusal(s, 'sanction.decided', '2026-03-16T23:00:00.000Z', decision)).toBeNull();
  });

  it('accepts observations after the assumed end (12 March) and up to the new one', () => {
    const s = received();
    expect(refusal(s, 'observations.received', '2026-03-16T22:59:59.999Z')).toBeNull();
    expect(refusal(s, 'observations.received', '2026-03-16T23:00:00.000Z')).toContain(
      'Le délai pour présenter des observations a expiré le 16/03/2026',
    );
  });

  it('changes nothing once the decision is taken (the receipt of the decision letter is only recorded)', () => {
    const s = inProcedure();
    act(s, 'letter.sent', '2026-03-02T16:00:00+01:00', { ...notice, channel: 'post' });
    act(s, 'sanction.decided', '2026-03-13T10:00:00+01:00', decision);
    const ref = 'T-001-DS-7'; // the decision is revision 7 (the sending is 6)
    act(s, 'letter.sent', '2026-03-13T15:00:00+01:00', {
      letter: 'sanction-decision',
      ref,
      channel: 'email',
    });
    const before = JSON.stringify(s.deadlines);
    act(s, 'letter.received', '2026-03-16T10:00:00+01:00', { letter: 'sanction-decision', ref });
    act(s, 'letter.received', '2026-03-16T10:00:00+01:00', notice);
    expect(JSON.stringify(s.deadlines)).toBe(before);
    expect(s.step).toBe('suspension');
    expect(s.letters?.map((l) => [l.ref, l.receivedAt])).toEqual([
      ['T-001-AS-5', '2026-03-16T09:00:00.000Z'],
      ['T-001-DS-7', '2026-03-16T09:00:00.000Z'],
    ]);
  });
});
