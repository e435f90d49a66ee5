// France Travail tacit renewal and termination (docs/rules.md §3.4); expected values computed by hand.
import { describe, expect, it } from 'vitest';
import {
  checkDenunciation,
  conventionEnd,
  getMilestone,
  getProgramme,
  periods,
  renewalTermsSchema,
  resolveDeadline,
  terminationEffectiveOn,
  type RenewalTerms,
} from '../../domain/grants/index.js';
import { frenchIssues } from '../../domain/validation.js';

const ft = getProgramme('ft-conseillers-autonomie-2023');
const terms = ft.renewal as RenewalTerms;

describe('periods of 12 months from 2023-01-01, each with its denunciation window', () => {
  it.each([
    // index, start, last day, window opens, end instant (Paris midnight, winter), window opening instant
    [0, '2023-01-01', '2023-12-31', '2023-12-01', '2023-12-31T22:59:59.999Z', '2023-11-30T23:00:00.000Z'],
    [1, '2024-01-01', '2024-12-31', '2024-12-01', '2024-12-31T22:59:59.999Z', '2024-11-30T23:00:00.000Z'],
    [2, '2025-01-01', '2025-12-31', '2025-12-01', '2025-12-31T22:59:59.999Z', '2025-11-30T23:00:00.000Z'],
  ])('period %i: %s → %s, denounce from %s', (index, start, end, opens, endsAt, opensAt) => {
    const p = periods(terms, 3)[index];
    expect(p).toMatchObject({ index, start, end });
    expect(p?.endsAt.toISOString()).toBe(endsAt);
    expect(p?.denunciationWindow.opens).toBe(opens);
    expect(p?.denunciationWindow.closes).toBe(end);
    expect(p?.denunciationWindow.opensAt.toISOString()).toBe(opensAt);
    expect(p?.denunciationWindow.closesAt.toISOString()).toBe(endsAt);
  });
  it('the programme’s denunciation deadline is the end of the first period', () => {
    expect(resolveDeadline(getMilestone(ft, 'denunciation'), {})).toEqual(periods(terms, 1)[0]?.endsAt);
  });
  it('month ends do not drift: 31 January + 1, 2 months → 29 February, 31 March', () => {
    const monthly = { start: '2024-01-31', months: 1, renewalMonths: 1, denunciationWindowMonths: 1 };
    expect(periods(monthly, 2).map((p) => [p.start, p.end])).toEqual([
      ['2024-01-31', '2024-02-28'],
      ['2024-02-29', '2024-03-30'],
    ]);
  });
});

describe('a written denunciation ends the convention only inside the window', () => {
  it.each([
    ['10/12/2023', '2023-12-10T10:00:00+01:00', '2023-12-31T22:59:59.999Z'],
    [
      '01/12/2023 at midnight, the window’s first instant',
      '2023-12-01T00:00:00+01:00',
      '2023-12-31T22:59:59.999Z',
    ],
    ['31/12/2023 at 23:59, its last minute', '2023-12-31T23:59:00+01:00', '2023-12-31T22:59:59.999Z'],
    ['15/12/2024, in the second period’s window', '2024-12-15T10:00:00+01:00', '2024-12-31T22:59:59.999Z'],
  ])('received %s: valid, the convention ends at %s', (_label, at, endsAt) => {
    const check = checkDenunciation(terms, new Date(at));
    expect(check.valid).toBe(true);
    if (check.valid) expect(check.endsAt.toISOString()).toBe(endsAt);
  });

  it.each([
    [
      '30/11/2023 at 23:59, one minute early',
      '2023-11-30T23:59:00+01:00',
      'dénonciation refusée : reçue le 30/11/2023, hors de la fenêtre du 01/12/2023 au 31/12/2023 (le mois précédant la fin de la convention) ; sans dénonciation dans cette fenêtre, la convention est reconduite',
    ],
    [
      '15/06/2023, months early',
      '2023-06-15T10:00:00+02:00',
      'dénonciation refusée : reçue le 15/06/2023, hors de la fenêtre du 01/12/2023 au 31/12/2023 (le mois précédant la fin de la convention) ; sans dénonciation dans cette fenêtre, la convention est reconduite',
    ],
    [
      '01/01/2024, the first day of the renewal',
      '2024-01-01T00:00:00+01:00',
      'dénonciation refusée : reçue le 01/01/2024, hors de la fenêtre du 01/12/2024 au 31/12/2024 (le mois précédant la fin de la convention) ; sans dénonciation dans cette fenêtre, la convention est reconduite',
    ],
    [
      '15/12/2022, before the start',
      '2022-12-15T10:00:00+01:00',
      'dénonciation refusée : la convention ne commence que le 01/01/2023',
    ],
  ])('received %s: refused', (_label, at, error) => {
    expect(checkDenunciation(terms, new Date(at))).toMatchObject({ valid: false, error });
  });

  it.each([
    ['no denunciation: it keeps renewing', [], null],
    [
      'denounced in the window: it ends 31/12/2023',
      ['2023-12-10T10:00:00+01:00'],
      '2023-12-31T22:59:59.999Z',
    ],
    ['denounced outside: renewed', ['2023-06-15T10:00:00+02:00'], null],
    [
      'refused in 2023, valid in December 2024: it ends 31/12/2024',
      ['2023-06-15T10:00:00+02:00', '2024-12-02T09:00:00+01:00'],
      '2024-12-31T22:59:59.999Z',
    ],
  ])('%s', (_label, denunciations, end) => {
    expect(
      conventionEnd(
        terms,
        denunciations.map((d) => new Date(d)),
      )?.toISOString() ?? null,
    ).toBe(end);
  });
});

describe('termination', () => {
  const termination = ft.termination;
  it.each([
    ['on request, 6 months after receipt', termination?.onRequest, '2023-03-15T10:00:00+01:00', '2023-09-15'],
    [
      'on request received 31/08, 6 months → last day of February',
      termination?.onRequest,
      '2023-08-31T10:00:00+02:00',
      '2024-02-29',
    ],
    // 15 March + 60 days: 16 days to 31 March, 30 in April, 14 in May.
    [
      'for breach, 60 days after the formal notice',
      termination?.forBreach,
      '2023-03-15T10:00:00+01:00',
      '2023-05-14',
    ],
  ])('%s', (_label, delay, received, expected) => {
    expect(delay).toBeDefined();
    if (delay) expect(terminationEffectiveOn(new Date(received), delay)).toBe(expected);
  });
  it('State CIE: termination for breach 2 months after the formal notice', () => {
    const delay = getProgramme('etat-cie-2025-2027').termination?.forBreach;
    expect(delay && terminationEffectiveOn(new Date('2026-01-10T10:00:00+01:00'), delay)).toBe('2026-03-10');
  });
});

describe('renewal terms are validated', () => {
  it('refuses a window longer than a period, in French', () => {
    const r = renewalTermsSchema.safeParse({
      start: '2023-01-01',
      months: 12,
      renewalMonths: 1,
      denunciationWindowMonths: 2,
    });
    expect(r.success).toBe(false);
    if (!r.success)
      expect(frenchIssues(r.error)).toBe('la fenêtre de dénonciation doit tenir dans une période');
  });
});
