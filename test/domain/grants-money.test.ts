// Grant money in integer cents (docs/rules.md §3.1, §3.2); expected values computed by hand.
import { describe, expect, it } from 'vitest';
import {
  advance,
  assertWithinCap,
  balance,
  complementaryEnvelope,
  euros,
  formatEuros,
  getMilestone,
  getProgramme,
  repaymentDue,
  resolveDeadline,
} from '../../domain/grants/index.js';

const NNBSP = '\u202F';
const NBSP = '\u00A0';

describe('euros → cents', () => {
  it.each([
    [5_124_190, 512_419_000],
    [3_074_514, 307_451_400],
    [198_000, 19_800_000],
    [0.1, 10],
    [0.3, 30],
    [12.5, 1_250],
    [1_659_288.07, 165_928_807],
    [-3.07, -307],
    [0, 0],
  ])('%d € = %i cents', (amount, cents) => {
    expect(euros(amount)).toBe(cents);
  });
  it.each([12.345, 0.1 + 0.2, Number.NaN, Number.POSITIVE_INFINITY, 1e21])('%d € is refused', (amount) => {
    expect(() => euros(amount)).toThrow(/montant (invalide|trop grand) : .* €/);
  });
  it('says why in French', () => {
    expect(() => euros(12.345)).toThrow(
      'montant invalide : 12.345 € (un nombre d’euros avec au plus 2 décimales est attendu)',
    );
  });
});

describe('French formatting: narrow no-break spaces between thousands, no-break space before €', () => {
  it.each([
    [307_451_400, `3${NNBSP}074${NNBSP}514,00${NBSP}€`],
    [512_419_000, `5${NNBSP}124${NNBSP}190,00${NBSP}€`],
    [19_800_000, `198${NNBSP}000,00${NBSP}€`],
    [100_000, `1${NNBSP}000,00${NBSP}€`],
    [99_999, `999,99${NBSP}€`],
    [5, `0,05${NBSP}€`],
    [0, `0,00${NBSP}€`],
    [-57_451_400, `-574${NNBSP}514,00${NBSP}€`],
  ])('%i cents → %s', (cents, text) => {
    expect(formatEuros(cents)).toBe(text);
  });
  it('refuses a fraction of a cent', () => {
    expect(() => formatEuros(1.5)).toThrow(/montant invalide : 1.5/);
  });
});

describe('advance = rate × commitment, truncated to the cent', () => {
  it.each([
    ['60 % of 5 124 190 € = 3 074 514 € (CIE 2025)', 512_419_000, 0.6, 307_451_400],
    ['100 % of 3 342 548 € (CLS 2025)', 334_254_800, 1, 334_254_800],
    ['60 % of 1 000,01 € = 600,006 € → 600,00 €', 100_001, 0.6, 60_000],
    ['60 % of 0,01 € → 0,00 €', 1, 0.6, 0],
    ['33,3333 % of 100 € = 33,3333 € → 33,33 €', 10_000, 0.333333, 3_333],
  ])('%s', (_label, commitment, rate, expected) => {
    expect(advance(commitment, rate)).toBe(expected);
  });
  it.each([0, 1.2, -0.5, 0.1234567])('refuses the rate %d', (rate) => {
    expect(() => advance(512_419_000, rate)).toThrow(/^taux invalide : /);
  });
});

describe('balance = min(spent, commitment) − advance; below the advance, an ordre de reversement', () => {
  const commitment = 512_419_000; // 5 124 190 €
  const paid = 307_451_400; // 3 074 514 €
  it.each([
    ['spent 4 000 000 € → balance 925 486 €', 400_000_000, { kind: 'balance', amount: 92_548_600 }],
    [
      'spent 6 000 000 €, capped at 5 124 190 € → balance 2 049 676 €',
      600_000_000,
      { kind: 'balance', amount: 204_967_600 },
    ],
    [
      'spent exactly the commitment → balance 2 049 676 €',
      512_419_000,
      { kind: 'balance', amount: 204_967_600 },
    ],
    ['spent exactly the advance → nothing either way', 307_451_400, { kind: 'balance', amount: 0 }],
    ['spent 2 500 000 € → repay 574 514 €', 250_000_000, { kind: 'repayment-order', amount: 57_451_400 }],
    ['spent 3 074 513,99 € → repay 0,01 €', 307_451_399, { kind: 'repayment-order', amount: 1 }],
    ['spent nothing → repay the whole advance', 0, { kind: 'repayment-order', amount: 307_451_400 }],
  ])('%s', (_label, spent, expected) => {
    expect(balance(commitment, paid, spent)).toEqual(expected);
  });
  it('refuses amounts that are not whole cents', () => {
    expect(() => balance(commitment, paid, 1.5)).toThrow('dépense réalisée invalide : 1.5');
    expect(() => balance(commitment, -1, 0)).toThrow('avance versée invalide : -1');
  });
});

describe('repayment within 2 months of the order, to the end of that day in Paris', () => {
  it.each([
    ['2026-09-15T10:00:00+02:00', '2026-11-15T22:59:59.999Z'],
    ['2026-12-31T15:00:00+01:00', '2027-02-28T22:59:59.999Z'],
    // 29 May 23:30 UTC is 30 May in Paris → 30 July, summer time.
    ['2026-05-29T23:30:00Z', '2026-07-30T21:59:59.999Z'],
  ])('order issued %s → repay by %s', (order, expected) => {
    expect(repaymentDue(new Date(order)).toISOString()).toBe(expected);
  });
});

describe('CNSA caps', () => {
  const p = getProgramme('cnsa-ami-2026');
  const caps = p.figures.caps ?? { base: 0, complementary: 0 };
  it('a base grant up to 200 000 € is accepted, one cent more is refused', () => {
    expect(() => assertWithinCap(20_000_000, caps.base, 'subvention socle')).not.toThrow();
    expect(() => assertWithinCap(20_000_001, caps.base, 'subvention socle')).toThrow(
      `subvention socle de 200${NNBSP}000,01${NBSP}€ supérieur au plafond de 200${NNBSP}000,00${NBSP}€`,
    );
  });

  const rule = {
    cap: caps.complementary,
    reportDeadline: resolveDeadline(getMilestone(p, 'financial-report'), {}) as Date,
  };
  const report = new Date('2027-06-15T10:00:00+02:00');
  it.each([
    [
      'co-funding and report: granted',
      { requested: 8_000_000, coFunding: 5_000_000, financialReportAt: report },
      { allowed: true, amount: 8_000_000 },
    ],
    [
      'capped at 100 000 €',
      { requested: 15_000_000, coFunding: 5_000_000, financialReportAt: report },
      { allowed: true, amount: 10_000_000 },
    ],
    [
      'report delivered 31/07/2027 at 23:00 Paris: in time',
      { requested: 10_000_000, coFunding: 1, financialReportAt: new Date('2027-07-31T23:00:00+02:00') },
      { allowed: true, amount: 10_000_000 },
    ],
    [
      'no co-funding',
      { requested: 10_000_000, coFunding: 0, financialReportAt: report },
      { allowed: false, reason: 'enveloppe complémentaire refusée : aucun cofinancement des partenaires' },
    ],
    [
      'no financial report yet',
      { requested: 10_000_000, coFunding: 5_000_000, financialReportAt: null },
      {
        allowed: false,
        reason: 'enveloppe complémentaire refusée : le compte rendu financier n’a pas été remis',
      },
    ],
    [
      'report delivered 01/08/2027 at 00:30 Paris: too late',
      {
        requested: 10_000_000,
        coFunding: 5_000_000,
        financialReportAt: new Date('2027-08-01T00:30:00+02:00'),
      },
      {
        allowed: false,
        reason: 'enveloppe complémentaire refusée : compte rendu financier remis après le 31/07/2027',
      },
    ],
  ])('complementary envelope — %s', (_label, request, expected) => {
    expect(complementaryEnvelope(request, rule)).toEqual(expected);
  });
});
