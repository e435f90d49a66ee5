// The grant cycle's pure machine (domain/grants/cycle.ts): the acts it accepts and refuses (the
// same rules the workflow's validators and `jalons simulate` run), money in cents, reminder
// instants, the consequence of a miss. Expected values computed by hand from docs/rules.md §3.
import { describe, expect, it } from 'vitest';
import {
  applyGrantAction,
  fireGrantAction,
  grantReportOf,
  newGrantState,
  timedGrantActions,
  validateGrantAction,
  type GrantAction,
  type GrantState,
} from '../../domain/grants/cycle.js';

const HOURS = { opens: '09:00', closes: '17:30' };
const at = (iso: string) => new Date(iso);
const start = (programme: string, startedAt: string, id = 'G-1') =>
  newGrantState({ grantId: id, programme }, at(startedAt), HOURS);
const act = (s: GrantState, a: GrantAction, now: string) => applyGrantAction(s, a, at(now));
const TRANSMISSION = ['deliberation', 'annexe-1', 'annexe-3', 'annexe-4', 'annexe-5'];

/** Fires every timed action due up to `until`, as the workflow would. */
function runUntil(s: GrantState, until: string) {
  const sent = [];
  for (let i = 0; i < 200; i++) {
    const [next] = timedGrantActions(s);
    if (!next || next.at > at(until)) break;
    const m = fireGrantAction(s, next, next.at);
    if (m) sent.push({ at: next.at.toISOString(), key: m.key, template: m.template, to: m.recipient.role });
  }
  return sent;
}

function cnsaUpToVote(): GrantState {
  const s = start('cnsa-ami-2026', '2025-10-20T07:00:00Z');
  act(
    s,
    { type: 'complete', milestone: 'application', pieces: ['annexe-1', 'annexe-2'] },
    '2025-11-20T10:00:00Z',
  );
  act(s, { type: 'complete', milestone: 'committee-opinions' }, '2025-11-24T10:00:00Z');
  act(s, { type: 'complete', milestone: 'vote' }, '2025-12-08T15:00:00Z');
  return s;
}

describe('CNSA AMI 2026: transmission before 15/12/2025 17:00 Paris (= 16:00 UTC), else not admissible', () => {
  it('a transmission at 16:59 Paris is on time', () => {
    const s = cnsaUpToVote();
    act(s, { type: 'complete', milestone: 'transmission', pieces: TRANSMISSION }, '2025-12-15T15:59:00Z');
    expect(s.milestones.find((m) => m.id === 'transmission')).toMatchObject({
      dueAt: '2025-12-15T16:00:00.000Z',
      doneAt: '2025-12-15T15:59:00.000Z',
      status: 'done',
    });
    expect(s.status).toBe('active');
  });

  it('16:59:59 is on time; 17:00:00 is recorded (a fact), late: the application is not admissible', () => {
    const onTime = cnsaUpToVote();
    act(
      onTime,
      { type: 'complete', milestone: 'transmission', pieces: TRANSMISSION, at: '2025-12-15T16:59:59+01:00' },
      '2025-12-15T16:00:00Z',
    );
    expect(onTime.status).toBe('active');
    const s = cnsaUpToVote();
    act(
      s,
      { type: 'complete', milestone: 'transmission', pieces: TRANSMISSION, at: '2025-12-15T17:00:00+01:00' },
      '2025-12-15T16:00:00Z',
    );
    expect(s.milestones.find((m) => m.id === 'transmission')).toMatchObject({
      doneAt: '2025-12-15T16:00:00.000Z',
      reading: 'strictly-before',
      status: 'late',
    });
    expect(s.status).toBe('not-admissible');
    expect(s.closedAt).toBe('2025-12-15T16:00:00.000Z');
  });

  it('without a transmission, the deadline passing makes the grant not admissible; then every act is refused', () => {
    const s = cnsaUpToVote();
    const sent = runUntil(s, '2025-12-16T00:00:00Z');
    expect(s.status).toBe('not-admissible');
    expect(s.closedAt).toBe('2025-12-15T16:00:00.000Z');
    expect(s.milestones.find((m) => m.id === 'transmission')?.status).toBe('missed');
    // Monday 15 December, 17:00:00.001 is within business hours (until 17:30): escalated at once.
    expect(sent.filter((m) => m.key.startsWith('transmission'))).toEqual([
      // J-30 = Saturday 15/11 → Friday 14/11 09:00 CET; J-7 = Monday 08/12; J-2 = Saturday 13/12 → Friday 12/12; J-0 = 15/12.
      {
        at: '2025-11-14T08:00:00.000Z',
        key: 'transmission:reminder:J-30',
        template: 'reminder.grant-milestone',
        to: 'grants-team',
      },
      {
        at: '2025-12-08T08:00:00.000Z',
        key: 'transmission:reminder:J-7',
        template: 'reminder.grant-milestone',
        to: 'grants-team',
      },
      {
        at: '2025-12-12T08:00:00.000Z',
        key: 'transmission:reminder:J-2',
        template: 'reminder.grant-milestone',
        to: 'grants-team',
      },
      {
        at: '2025-12-15T08:00:00.000Z',
        key: 'transmission:reminder:J-0',
        template: 'reminder.grant-milestone',
        to: 'grants-team',
      },
      {
        at: '2025-12-15T16:00:00.000Z',
        key: 'transmission:escalation',
        template: 'escalation.grant-milestone',
        to: 'head-of-service',
      },
    ]);
    // Kept open 60 days: a transmission made on time but recorded afterwards makes it admissible again.
    expect(timedGrantActions(s).map((a) => [a.kind, a.at.toISOString()])).toEqual([
      ['close', '2026-02-13T16:00:00.000Z'],
    ]);
    act(
      s,
      { type: 'complete', milestone: 'transmission', pieces: TRANSMISSION, at: '2025-12-15T16:59:00+01:00' },
      '2025-12-16T09:00:00Z',
    );
    expect(s.status).toBe('active');
    expect(s.milestones.find((m) => m.id === 'transmission')?.status).toBe('done');
    expect(s.history.map((h) => h.event)).toContain('cycle.readmitted');
  });

  it('once the correction window is over, every act is refused', () => {
    const s = cnsaUpToVote();
    runUntil(s, '2026-03-01T00:00:00Z');
    expect(s.reopenUntil).toBeNull();
    expect(
      validateGrantAction(
        s,
        { type: 'complete', milestone: 'transmission', pieces: TRANSMISSION },
        at('2026-03-01T10:00:00Z'),
      ),
    ).toBe(
      'La candidature G-1 n’est pas recevable : le cycle de subvention est clos, plus aucun acte n’est possible.',
    );
  });

  it('reminders fall at 09:00 Paris on business days, across the end of summer time (26/10/2025)', () => {
    const s = start('cnsa-ami-2026', '2025-10-20T07:00:00Z');
    const application = timedGrantActions(s)
      .filter((a) => a.milestone === 'application' && a.kind === 'reminder')
      .map((a) => [a.id, a.at.toISOString()]);
    expect(application).toEqual([
      // « avant le 21 novembre »: the last day on time is Thursday 20/11, J-0; 20/11 − 30 days =
      // Tuesday 21/10, still summer time: 09:00 = 07:00 UTC.
      ['application:reminder:J-30', '2025-10-21T07:00:00.000Z'],
      // After the change to winter time, 09:00 = 08:00 UTC.
      ['application:reminder:J-7', '2025-11-13T08:00:00.000Z'],
      ['application:reminder:J-2', '2025-11-18T08:00:00.000Z'],
      ['application:reminder:J-0', '2025-11-20T08:00:00.000Z'],
    ]);
  });

  it('the funder’s base decision is capped at 200 000 €', () => {
    const s = cnsaUpToVote();
    act(s, { type: 'complete', milestone: 'transmission', pieces: TRANSMISSION }, '2025-12-15T15:59:00Z');
    expect(
      validateGrantAction(s, { type: 'funder-decision', amount: 200_000.01 }, at('2026-02-02T10:00:00Z')),
    ).toBe(
      'Décision refusée : montant décidé de 200\u202F000,01\u00A0€ supérieur au plafond de 200\u202F000,00\u00A0€ (cnsa-ami-2026).',
    );
    act(s, { type: 'funder-decision', amount: 200_000 }, '2026-02-02T10:00:00Z');
    expect(s.decision).toMatchObject({ amount: 200_000 });
    expect(s.milestones.find((m) => m.id === 'funder-decision')?.status).toBe('done');
  });
});

describe('acts refused with a French message, nothing changed', () => {
  const s = start('cnsa-ami-2026', '2025-10-20T07:00:00Z');
  const now = at('2025-11-03T10:00:00Z');
  it.each<[string, GrantAction, string]>([
    [
      'a milestone the programme does not have',
      { type: 'complete', milestone: 'advance-payment' },
      'Le programme « cnsa-ami-2026 » n’a pas de jalon « advance-payment » (jalons du programme : application, committee-opinions, vote, transmission, prefecture-transmission, funder-decision, financial-report).',
    ],
    [
      'an unknown milestone',
      { type: 'complete', milestone: 'lunch' },
      'Jalon inconnu : « lunch » (jalons du programme : application, committee-opinions, vote, transmission, prefecture-transmission, funder-decision, financial-report).',
    ],
    [
      'missing pieces',
      { type: 'complete', milestone: 'application', pieces: ['annexe-1'] },
      'Pièces manquantes pour « application » : annexe-2 « Annexe 2 — acte d’engagement » (signée).',
    ],
    [
      'an act dated in the future',
      {
        type: 'complete',
        milestone: 'application',
        pieces: ['annexe-1', 'annexe-2'],
        at: '2025-11-04T10:00:00Z',
      },
      'Un acte ne peut être daté dans le futur (04/11/2025 à 11:00, heure de Paris).',
    ],
    [
      'an amount with more than 2 decimals',
      { type: 'payment', kind: 'grant', amount: 12.345 },
      'Données invalides : amount : montant en euros attendu : un nombre positif avec au plus 2 décimales',
    ],
  ])('%s', (_, action, message) => {
    const before = JSON.stringify(s);
    expect(validateGrantAction(s, action, now)).toBe(message);
    expect(() => applyGrantAction(s, action, now)).toThrow(message);
    expect(JSON.stringify(s)).toBe(before);
  });

  it('a milestone already done', () => {
    const g = start('etat-cls-2025', '2025-10-01T07:00:00Z');
    act(
      g,
      { type: 'complete', milestone: 'convention-signature', at: '2025-10-02T10:00:00+02:00' },
      '2025-10-03T08:00:00Z',
    );
    expect(validateGrantAction(g, { type: 'complete', milestone: 'convention-signature' }, now)).toBe(
      'Le jalon « convention-signature » est déjà fait (le 02/10/2025 à 10:00).',
    );
  });
});

describe('money (docs/rules.md §3.2–3.3), in cents, reported in euros', () => {
  /** État CIE 2025: signed 10/10/2025, advance received 20/10/2025. */
  function cie(): GrantState {
    const s = start('etat-cie-2025-2027', '2025-10-01T07:00:00Z');
    act(s, { type: 'complete', milestone: 'convention-signature' }, '2025-10-10T08:00:00Z');
    act(s, { type: 'payment', kind: 'advance', amount: 3_074_514 }, '2025-10-20T08:00:00Z');
    return s;
  }

  it('the advance is 60 % of 5 124 190 € = 3 074 514 €, due at the signature', () => {
    const s = start('etat-cie-2025-2027', '2025-10-01T07:00:00Z');
    act(s, { type: 'complete', milestone: 'convention-signature' }, '2025-10-10T08:00:00Z');
    expect(grantReportOf(s).payments).toEqual([
      { kind: 'advance', amount: 3_074_514, dueAt: '2025-10-10T21:59:59.999Z' },
    ]);
    // What cannot be true: receipts above the commitment (5 124 190 €), by one cent.
    expect(
      validateGrantAction(
        s,
        { type: 'payment', kind: 'advance', amount: 5_124_190 },
        at('2025-10-20T08:00:00Z'),
      ),
    ).toBeNull();
    expect(
      validateGrantAction(
        s,
        { type: 'payment', kind: 'advance', amount: 5_124_190.01 },
        at('2025-10-20T08:00:00Z'),
      ),
    ).toBe(
      'Versement refusé : 5\u202F124\u202F190,01\u00A0€ porterait les versements à 5\u202F124\u202F190,01\u00A0€, au-delà de l’engagement de 5\u202F124\u202F190,00\u00A0€.',
    );
  });

  it('an advance received without the signature recorded is a fact: the signature shows as not recorded', () => {
    const s = start('etat-cie-2025-2027', '2025-10-01T07:00:00Z');
    act(s, { type: 'payment', kind: 'advance', amount: 3_074_514 }, '2025-10-20T08:00:00Z');
    expect(s.milestones.find((m) => m.id === 'advance-payment')?.doneAt).toBe('2025-10-20T08:00:00.000Z');
    expect(s.milestones.find((m) => m.id === 'convention-signature')?.status).toBe('not-recorded');
    expect(s.advice).toEqual([
      {
        code: 'not-recorded',
        milestone: 'convention-signature',
        message:
          '« Signature de la convention » n’est pas enregistré, alors que « Avance de 60 % versée à la signature » l’est (le 20/10/2025 à 10:00) : à compléter.',
      },
    ]);
    expect(grantReportOf(s).milestones.find((m) => m.id === 'convention-signature')?.status).toBe(
      'not-recorded',
    );
  });

  it('spent above the advance: the balance is the difference (4 500 000 − 3 074 514 = 1 425 486 €)', () => {
    const s = cie();
    act(s, { type: 'report', kind: 'interim', spent: 4_500_000 }, '2026-06-15T08:00:00Z');
    expect(s.settlement).toMatchObject({ kind: 'balance', amount: 1_425_486 });
    expect(grantReportOf(s).payments.map((p) => [p.kind, p.amount])).toEqual([
      ['advance', 3_074_514],
      ['balance', 1_425_486],
    ]);
    expect(s.milestones.find((m) => m.id === 'repayment')?.applies).toBe(false);
    act(s, { type: 'payment', kind: 'balance', amount: 1_425_486 }, '2026-09-01T08:00:00Z');
    expect(s.milestones.find((m) => m.id === 'balance-payment')?.doneAt).toBe('2026-09-01T08:00:00.000Z');
  });

  it('the balance never exceeds the initial commitment (spent 6 000 000 €: 5 124 190 − 3 074 514 = 2 049 676 €)', () => {
    const s = cie();
    act(s, { type: 'report', kind: 'interim', spent: 6_000_000 }, '2026-06-15T08:00:00Z');
    expect(s.settlement).toMatchObject({ kind: 'balance', amount: 2_049_676 });
  });

  it('spent below the advance: an ordre de reversement of the difference, repaid within 2 months', () => {
    const s = cie();
    act(s, { type: 'report', kind: 'interim', spent: 2_500_000.5 }, '2026-06-15T08:00:00Z');
    // 3 074 514 − 2 500 000,50 = 574 513,50 €, due two months after the order's emission, not the report.
    expect(s.settlement).toEqual({
      kind: 'repayment-order',
      amount: 574_513.5,
      at: '2026-06-15T08:00:00.000Z',
      dueAt: null,
    });
    expect(grantReportOf(s).payments).toEqual([
      { kind: 'advance', amount: 3_074_514, dueAt: '2025-10-10T21:59:59.999Z' },
      { kind: 'repayment', amount: 574_513.5, dueAt: null },
    ]);
    expect(s.milestones.find((m) => m.id === 'repayment')).toMatchObject({ applies: true, dueAt: null });
    // The State issues the order on 15/09/2026: 15/11/2026, end of day (winter time).
    act(s, { type: 'repayment-order', at: '2026-09-15T10:00:00+02:00' }, '2026-09-16T08:00:00Z');
    expect(s.settlement).toMatchObject({ at: '2026-09-15T08:00:00.000Z', dueAt: '2026-11-15T22:59:59.999Z' });
    const repayment = s.milestones.find((m) => m.id === 'repayment');
    expect(repayment).toMatchObject({ applies: true, dueAt: '2026-11-15T22:59:59.999Z', status: 'pending' });
    act(s, { type: 'payment', kind: 'repayment', amount: 574_513.5 }, '2026-10-03T08:00:00Z');
    expect(s.milestones.find((m) => m.id === 'repayment')?.status).toBe('done');
  });

  it('CLS 2025: 100 % (3 342 548 €) due 15 days after the notification of the avenant', () => {
    const s = start('etat-cls-2025', '2025-10-01T07:00:00Z');
    act(s, { type: 'complete', milestone: 'convention-signature' }, '2025-10-06T08:00:00Z');
    act(s, { type: 'complete', milestone: 'notification' }, '2025-10-16T08:00:00Z');
    // 16/10 + 15 days = 31/10/2025, end of day; winter time since 26/10 (UTC+1).
    expect(grantReportOf(s).payments).toEqual([
      { kind: 'balance', amount: 3_342_548, dueAt: '2025-10-31T22:59:59.999Z' },
    ]);
    expect(s.milestones.find((m) => m.id === 'balance-payment')?.dueAt).toBe('2025-10-31T22:59:59.999Z');
  });
});

describe('the mid-term report of the CLS across the start of summer time (29/03/2026)', () => {
  it('is reminded at 09:00 Paris on business days and escalated at the next opening', () => {
    const s = start('etat-cls-2025', '2026-02-02T08:00:00Z');
    const sent = runUntil(s, '2026-04-02T00:00:00Z').filter((m) => m.key.startsWith('mid-term-report'));
    expect(sent.map((m) => [m.key, m.at])).toEqual([
      // J-30 = Sunday 01/03 → Friday 27/02, 09:00 CET.
      ['mid-term-report:reminder:J-30', '2026-02-27T08:00:00.000Z'],
      ['mid-term-report:reminder:J-7', '2026-03-24T08:00:00.000Z'],
      // J-2 = Sunday 29/03, the day of the change → Friday 27/03, still winter time.
      ['mid-term-report:reminder:J-2', '2026-03-27T08:00:00.000Z'],
      // J-0 = Tuesday 31/03, summer time: 09:00 = 07:00 UTC.
      ['mid-term-report:reminder:J-0', '2026-03-31T07:00:00.000Z'],
      // Missed at the end of 31/03; escalated Wednesday 01/04 at 09:00.
      ['mid-term-report:escalation', '2026-04-01T07:00:00.000Z'],
    ]);
    expect(s.milestones.find((m) => m.id === 'mid-term-report')?.status).toBe('missed');
    act(s, { type: 'report', kind: 'mid-term' }, '2026-04-10T08:00:00Z');
    expect(s.milestones.find((m) => m.id === 'mid-term-report')?.status).toBe('late');
  });
});

describe('France Travail convention: tacit renewal, denunciation in the month before the end', () => {
  it('renews on 31/12/2023 without a denunciation, then a denunciation is accepted only in the window', () => {
    const s = start('ft-conseillers-autonomie-2023', '2023-11-01T08:00:00Z', 'FT-1');
    expect(validateGrantAction(s, { type: 'denounce' }, at('2023-11-30T22:59:00Z'))).toBe(
      'Dénonciation refusée : reçue le 30/11/2023, hors de la fenêtre du 01/12/2023 au 31/12/2023 (le mois précédant la fin de la convention) ; sans dénonciation dans cette fenêtre, la convention est reconduite.',
    );
    const sent = runUntil(s, '2024-01-02T00:00:00Z');
    expect(sent.map((m) => [m.key, m.at, m.to])).toEqual([
      // J-30 = Friday 01/12 (the window opens that day); J-7 = Sunday 24/12 → Friday 22/12; J-2 and J-0 (29 and 31/12) → Friday 29/12.
      ['denunciation@0:reminder:J-30', '2023-12-01T08:00:00.000Z', 'head-of-service'],
      ['denunciation@0:reminder:J-7', '2023-12-22T08:00:00.000Z', 'head-of-service'],
      ['denunciation@0:reminder:J-2', '2023-12-29T08:00:00.000Z', 'head-of-service'],
      ['convention@0:renewal', '2023-12-31T23:00:00.000Z', 'grants-team'],
    ]);
    expect(s.convention).toMatchObject({ period: 1, start: '2024-01-01', end: '2024-12-31' });
    expect(s.milestones.find((m) => m.id === 'renewal')).toMatchObject({
      doneAt: '2023-12-31T22:59:59.999Z',
      status: 'done',
    });
    expect(s.milestones.find((m) => m.id === 'denunciation')?.dueAt).toBe('2024-12-31T22:59:59.999Z');
    // 30/11/2024 23:59 Paris: one minute before the window.
    expect(validateGrantAction(s, { type: 'denounce' }, at('2024-11-30T22:59:00Z'))).toMatch(
      /^Dénonciation refusée : reçue le 30\/11\/2024, hors de la fenêtre du 01\/12\/2024 au 31\/12\/2024/,
    );
    act(s, { type: 'denounce', by: 'dga' }, '2024-11-30T23:00:00Z');
    expect(s.status).toBe('denounced');
    const end = runUntil(s, '2025-01-02T00:00:00Z');
    expect(end.map((m) => m.key)).toEqual(['convention@1:end']);
    expect(s.status).toBe('ended');
    expect(s.closedAt).toBe('2024-12-31T22:59:59.999Z');
    expect(timedGrantActions(s)).toEqual([]);
  });
});
