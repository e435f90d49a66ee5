// Issue 15 on the pure machine (domain/grants/): facts recorded and prerequisites advising, each
// deadline read as its words say at its boundary second, the ledger in cents (the CIE example of the
// issue), how conventions end, the co-funding rule, the bounds of every act.
import { describe, expect, it } from 'vitest';
import {
  applyGrantAction,
  fireGrantAction,
  grantReportOf,
  newGrantState,
  refresh,
  timedGrantActions,
  validateGrantAction,
  type GrantAction,
  type GrantState,
} from '../../domain/grants/cycle.js';
import { getProgramme, grantActSchemas, programmeIds, resolveDeadline } from '../../domain/grants/index.js';

const HOURS = { opens: '09:00', closes: '17:30' };
const at = (iso: string) => new Date(iso);
const start = (programme: string, startedAt: string) =>
  newGrantState({ grantId: 'G-1', programme }, at(startedAt), HOURS);
const act = (s: GrantState, a: GrantAction, now: string) => applyGrantAction(s, a, at(now));
const status = (s: GrantState, id: string) => s.milestones.find((m) => m.id === id)?.status;
const TRANSMISSION = ['deliberation', 'annexe-1', 'annexe-3', 'annexe-4', 'annexe-5'];

function runUntil(s: GrantState, until: string) {
  for (let i = 0; i < 300; i++) {
    const [next] = timedGrantActions(s);
    if (!next || next.at > at(until)) break;
    fireGrantAction(s, next, next.at);
  }
}

describe('1. facts are recorded, prerequisites advise', () => {
  it('CNSA: application, vote and a transmission at 16:59 without the committee opinions: admissible', () => {
    const s = start('cnsa-ami-2026', '2025-10-20T07:00:00Z');
    act(
      s,
      { type: 'complete', milestone: 'application', pieces: ['annexe-1', 'annexe-2'] },
      '2025-11-20T10:00:00Z',
    );
    act(s, { type: 'complete', milestone: 'vote' }, '2025-12-08T14:00:00Z');
    act(
      s,
      { type: 'complete', milestone: 'transmission', pieces: TRANSMISSION, at: '2025-12-15T16:59:00+01:00' },
      '2025-12-15T16:00:00Z',
    );
    runUntil(s, '2026-01-15T00:00:00Z');
    expect(s.status).toBe('active');
    expect(status(s, 'committee-opinions')).toBe('not-recorded');
    expect(status(s, 'transmission')).toBe('done');
    expect(s.advice.map((a) => [a.code, a.milestone])).toEqual([['not-recorded', 'committee-opinions']]);
    // A step the facts presuppose is neither reminded nor escalated.
    expect(
      s.notifications.filter((n) => n.milestone === 'committee-opinions' && n.at > '2025-12-08'),
    ).toEqual([]);
  });

  it('CLS: the notification recorded without the signature; the payment is due 15 days after it', () => {
    const s = start('etat-cls-2025', '2025-10-01T07:00:00Z');
    act(s, { type: 'complete', milestone: 'notification' }, '2025-10-16T08:00:00Z');
    expect(status(s, 'convention-signature')).toBe('not-recorded');
    expect(grantReportOf(s).payments).toEqual([
      { kind: 'balance', amount: 3_342_548, dueAt: '2025-10-31T22:59:59.999Z' },
    ]);
  });

  it('what cannot be true is still refused: an act in the future, a decision above the cap', () => {
    const s = start('cnsa-ami-2026', '2025-10-20T07:00:00Z');
    expect(
      validateGrantAction(s, { type: 'funder-decision', amount: 200_000.01 }, at('2026-02-02T10:00:00Z')),
    ).toMatch(/^Décision refusée : montant décidé de 200\u202F000,01/);
    expect(
      validateGrantAction(
        s,
        { type: 'complete', milestone: 'vote', at: '2025-12-08T15:02:00+01:00' },
        at('2025-12-08T14:00:00Z'),
      ),
    ).toBe('Un acte ne peut être daté dans le futur (08/12/2025 à 15:02, heure de Paris).');
  });
});

describe('2. each deadline read as its words say, at its boundary second', () => {
  // [programme, milestone, last instant on time, first instant late]
  it.each<[string, string, string, string]>([
    // « avant le 21 novembre 2025 » (ambiguous: read strictly, a documented parameter).
    ['cnsa-ami-2026', 'application', '2025-11-20T23:59:59+01:00', '2025-11-21T00:00:00+01:00'],
    // « avant le 15/12/2025 à 17h »: 17:00:00 is late.
    ['cnsa-ami-2026', 'transmission', '2025-12-15T16:59:59+01:00', '2025-12-15T17:00:00+01:00'],
    // « au plus tard le 31 juillet 2027 »: the whole day.
    ['cnsa-ami-2026', 'financial-report', '2027-07-31T23:59:59+02:00', '2027-08-01T00:00:00+02:00'],
    // « transmis au 30 juin de l'année N+1 ».
    ['etat-cie-2025-2027', 'interim-report', '2026-06-30T23:59:59+02:00', '2026-07-01T00:00:00+02:00'],
    ['etat-cie-2025-2027', 'final-report', '2028-06-30T23:59:59+02:00', '2028-07-01T00:00:00+02:00'],
    // « au plus tard le 31 mars 2026 ».
    ['etat-cls-2025', 'mid-term-report', '2026-03-31T23:59:59+02:00', '2026-04-01T00:00:00+02:00'],
  ])('%s %s: %s on time, %s late', (programme, id, onTime, late) => {
    const m = getProgramme(programme).milestones.find((x) => x.id === id)!;
    expect(m.quote).toBeTruthy();
    for (const [when, expected] of [
      [onTime, 'done'],
      [late, 'late'],
    ] as const) {
      const s = start(programme, '2025-10-01T07:00:00Z');
      const r = s.milestones.find((x) => x.id === id)!;
      expect(resolveDeadline(m, {})?.toISOString()).toBe(r.dueAt);
      // The milestone recorded at that instant (the same derivation every act ends with).
      r.doneAt = new Date(when).toISOString();
      refresh(s, getProgramme(programme), at('2030-01-01T00:00:00Z'));
      expect(status(s, id)).toBe(expected);
    }
  });

  it('« dans les deux mois » includes its last day: the repayment two months after the order', () => {
    const s = start('etat-cie-2025-2027', '2025-10-01T07:00:00Z');
    act(s, { type: 'complete', milestone: 'convention-signature' }, '2025-10-10T08:00:00Z');
    act(s, { type: 'report', kind: 'interim', spent: 3_074_513.99 }, '2026-06-15T08:00:00Z');
    act(s, { type: 'repayment-order', at: '2026-09-15T10:00:00+02:00' }, '2026-09-15T09:00:00Z');
    const m = s.milestones.find((x) => x.id === 'repayment')!;
    expect([m.dueAt, m.reading]).toEqual(['2026-11-15T22:59:59.999Z', 'up-to-and-including']);
    const miss = timedGrantActions(s).find((a) => a.kind === 'miss' && a.milestone === 'repayment');
    expect(miss?.at.toISOString()).toBe('2026-11-15T23:00:00.000Z');
  });
});

describe('3. money as a ledger in cents', () => {
  function cieSigned(): GrantState {
    const s = start('etat-cie-2025-2027', '2025-10-01T07:00:00Z');
    act(s, { type: 'complete', milestone: 'convention-signature' }, '2025-10-10T08:00:00Z');
    return s;
  }

  it('the issue’s CIE: signed, 2 500 000 € spent, advance not recorded → ordre de reversement of 574 514 €', () => {
    const s = cieSigned();
    act(s, { type: 'report', kind: 'interim', spent: 2_500_000 }, '2026-06-15T08:00:00Z');
    expect(grantReportOf(s).ledger.expected).toEqual([
      expect.objectContaining({
        kind: 'advance',
        amount: 3_074_514,
        dueAt: '2025-10-10T21:59:59.999Z',
        received: 0,
      }),
      expect.objectContaining({
        kind: 'repayment',
        amount: 574_514,
        dueAt: null,
        direction: 'from-departement',
      }),
    ]);
    expect(s.settlement).toMatchObject({ kind: 'repayment-order', amount: 574_514 });
  });

  it('the smallest repayment: spent one cent below the advance → 0,01 €', () => {
    const s = cieSigned();
    act(s, { type: 'report', kind: 'interim', spent: 3_074_513.99 }, '2026-06-15T08:00:00Z');
    expect(s.settlement).toMatchObject({ kind: 'repayment-order', amount: 0.01 });
  });

  it('a balance that would exceed the commitment is capped: 5 124 190,01 € spent → 2 049 676 €', () => {
    const s = cieSigned();
    act(s, { type: 'payment', kind: 'advance', amount: 3_074_514 }, '2025-10-20T08:00:00Z');
    act(s, { type: 'report', kind: 'interim', spent: 5_124_190.01 }, '2026-06-15T08:00:00Z');
    expect(s.settlement).toMatchObject({ kind: 'balance', amount: 2_049_676 });
    expect(grantReportOf(s).ledger.received).toEqual([
      { kind: 'advance', amount: 3_074_514, receivedAt: '2025-10-20T08:00:00.000Z' },
    ]);
  });

  it('CNSA: the 100 000 € envelope is conditional on the compte rendu financier by 31/07/2027', () => {
    const s = start('cnsa-ami-2026', '2025-10-20T07:00:00Z');
    act(s, { type: 'funder-decision', amount: 200_000 }, '2026-02-02T10:00:00Z');
    expect(grantReportOf(s).ledger.expected.map((e) => [e.kind, e.amount, e.status])).toEqual([
      ['grant', 200_000, 'expected'],
      ['grant', 100_000, 'conditional'],
    ]);
    expect(grantReportOf(s).ledger.expected[1]?.basis).toMatch(/au plus tard le 31\/07\/2027$/);
  });

  it('France Travail: the Département pays the 198 000 € on the appel de fonds', () => {
    const s = start('ft-conseillers-autonomie-2023', '2023-01-02T08:00:00Z');
    act(s, { type: 'complete', milestone: 'funds-call', pieces: ['appel-de-fonds'] }, '2023-02-01T09:00:00Z');
    expect(grantReportOf(s).ledger.expected).toEqual([
      expect.objectContaining({
        kind: 'balance',
        amount: 198_000,
        dueAt: '2023-02-01T22:59:59.999Z',
        direction: 'from-departement',
      }),
    ]);
  });
});

describe('4. how conventions end', () => {
  it('France Travail: a formal notice left 60 days without effect terminates; pro-rata repayment', () => {
    const s = start('ft-conseillers-autonomie-2023', '2023-01-02T08:00:00Z');
    act(s, { type: 'payment', kind: 'balance', amount: 198_000 }, '2023-02-01T09:00:00Z');
    act(
      s,
      { type: 'formal-notice', action: 'served', reason: 'Comité de pilotage non réuni' },
      '2023-03-02T09:00:00Z',
    );
    // 02/03/2023 + 60 days = 01/05/2023, end of day.
    expect(s.termination?.effectiveAt).toBe('2023-05-01T21:59:59.999Z');
    expect(
      timedGrantActions(s)
        .filter((a) => a.id.startsWith('termination'))
        .map((a) => a.id.split(':').pop()),
    ).toEqual(['J-30', 'J-7', 'J-2', 'J-0', 'terminate']);
    runUntil(s, '2023-05-02T12:00:00Z');
    expect(s.status).toBe('terminated');
    // 198 000 € × (31/12/2023 24:00 − 01/05/2023 24:00) / the year: 244 of 365 days, to the millisecond.
    const repay = s.ledger.expected.find((e) => e.id === 'pro-rata');
    expect(repay).toMatchObject({ kind: 'repayment', direction: 'to-departement' });
    expect(repay!.amount).toBe(
      Math.floor((19_800_000 * (1704063599999 - 1682978399999)) / (1704063599999 - 1672527600000)),
    );
  });

  it('a formal notice complied with before its effect ends nothing', () => {
    const s = start('etat-cie-2025-2027', '2025-10-01T07:00:00Z');
    act(s, { type: 'formal-notice', action: 'served' }, '2026-01-05T09:00:00Z');
    expect(s.termination?.effectiveAt).toBe('2026-03-05T22:59:59.999Z');
    act(s, { type: 'formal-notice', action: 'complied' }, '2026-03-05T22:00:00Z');
    runUntil(s, '2026-04-01T00:00:00Z');
    expect(s.status).toBe('active');
  });

  it('termination on request takes effect six months after receipt; the État convention has none', () => {
    const s = start('ft-conseillers-autonomie-2023', '2023-01-02T08:00:00Z');
    act(s, { type: 'termination-request', from: 'funder' }, '2023-03-15T09:00:00Z');
    expect(s.termination?.effectiveAt).toBe('2023-09-15T21:59:59.999Z');
    const cie = start('etat-cie-2025-2027', '2025-10-01T07:00:00Z');
    expect(
      validateGrantAction(
        cie,
        { type: 'termination-request', from: 'departement' },
        at('2026-01-05T09:00:00Z'),
      ),
    ).toBe('La convention « etat-cie-2025-2027 » ne prévoit pas de résiliation à la demande d’une partie.');
  });

  it('the State’s co-funding rule: the Département’s share below 50 % is flagged on the report', () => {
    const s = start('etat-cie-2025-2027', '2025-10-01T07:00:00Z');
    act(
      s,
      { type: 'report', kind: 'interim', spent: 1_000_000, departementSpent: 999_999.99 },
      '2026-06-15T08:00:00Z',
    );
    expect(s.advice.filter((a) => a.code === 'co-funding')).toHaveLength(1);
    const ok = start('etat-cie-2025-2027', '2025-10-01T07:00:00Z');
    act(
      ok,
      { type: 'report', kind: 'interim', spent: 1_000_000, departementSpent: 1_000_000 },
      '2026-06-15T08:00:00Z',
    );
    expect(ok.advice.filter((a) => a.code === 'co-funding')).toEqual([]);
  });
});

describe('bounds of every act (issue 14)', () => {
  const s = start('cnsa-ami-2026', '2025-10-20T07:00:00Z');
  const now = at('2025-11-03T10:00:00Z');
  it.each<[string, GrantAction, string]>([
    [
      'an amount above 100 000 000 €',
      { type: 'payment', kind: 'grant', amount: 100_000_000.01 },
      'amount : montant limité à 100\u202F000\u202F000 €',
    ],
    ['an agent id with a space', { type: 'denounce', by: 'jean dupont' }, 'by : identifiant d’agent attendu'],
    [
      '21 pieces',
      { type: 'complete', milestone: 'application', pieces: Array.from({ length: 21 }, (_, i) => `p-${i}`) },
      'pieces : 20 pièces au plus',
    ],
    [
      'a reason of 501 characters',
      { type: 'formal-notice', action: 'served', reason: 'x'.repeat(501) },
      'reason : motif : 500 caractères au plus',
    ],
    [
      'a reference of 31 characters',
      { type: 'repayment-order', reference: 'R'.repeat(31) },
      'reference : numéro d’acte attendu',
    ],
  ])('%s', (_, action, fragment) => {
    const before = JSON.stringify(s);
    expect(validateGrantAction(s, action, now)).toContain(fragment);
    expect(JSON.stringify(s)).toBe(before);
  });

  it('every act has its Update name and French label', () => {
    expect(Object.values(grantActSchemas).map((a) => a.update)).toEqual([
      'completeMilestone',
      'recordFunderDecision',
      'recordPayment',
      'submitReport',
      'denounce',
      'resolvePartnerCall',
      'recordRepaymentOrder',
      'serveFormalNotice',
      'requestTermination',
      'signAmendment',
    ]);
    expect(programmeIds()).toHaveLength(4);
  });
});
