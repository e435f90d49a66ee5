/**
 * Money of the grant cycles, in integer cents: a sum of euros read as a float
 * drifts (0.1 + 0.2), a count of cents does not. Amounts come in as euros with
 * at most 2 decimals (docs/architecture.md) and are converted once, here.
 */
import { deadlineAfter, type Delay } from '../path/deadlines.js';
import { formatParis } from '../calendar.js';

/** An amount in euro cents, a safe integer. */
export type Cents = number;

const NARROW_NBSP = '\u202F';
const NBSP = '\u00A0';

function assertCents(amount: Cents, what: string, nonNegative = true): void {
  if (!Number.isSafeInteger(amount) || (nonNegative && amount < 0))
    throw new RangeError(
      `${what} invalide : ${amount} (nombre entier de centimes${nonNegative ? ' positif' : ''} attendu)`,
    );
}

/**
 * Euros → cents. Reads the shortest decimal writing of the number (what JSON
 * and people wrote), so 0.1 is exactly 10 cents and 12.345 is refused.
 */
export function euros(amount: number): Cents {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount));
  if (!m)
    throw new RangeError(
      `montant invalide : ${amount} € (un nombre d’euros avec au plus 2 décimales est attendu)`,
    );
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) throw new RangeError(`montant trop grand : ${amount} €`);
  return m[1] && cents !== 0 ? -cents : cents;
}

/** `3 074 514,00 €`: narrow no-break spaces between thousands, a no-break space before €, as French typography (and Intl fr-FR) writes it. */
export function formatEuros(amount: Cents): string {
  assertCents(amount, 'montant', false);
  const abs = Math.abs(amount);
  const units = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+$)/g, NARROW_NBSP);
  const cents = String(abs % 100).padStart(2, '0');
  return `${amount < 0 ? '-' : ''}${units},${cents}${NBSP}€`;
}

const RATE_SCALE = 1_000_000;

/** A rate in ]0, 1] with at most 6 decimals, as millionths (exact integer arithmetic). */
function millionths(rate: number): bigint {
  const scaled = Math.round(rate * RATE_SCALE);
  if (!(rate > 0 && rate <= 1) || Math.abs(rate * RATE_SCALE - scaled) > 1e-6)
    throw new RangeError(`taux invalide : ${rate} (un taux entre 0 et 1, au plus 6 décimales, est attendu)`);
  return BigInt(scaled);
}

/**
 * The share `rate` of a commitment (an advance: 60 % of 5 124 190 € = 3 074 514 €).
 * Rounding: truncated to the cent below, so an advance never exceeds its rate of
 * the commitment; the cent left over is paid with the balance, which settles
 * the exact amount anyway.
 */
export function advance(commitment: Cents, rate: number): Cents {
  assertCents(commitment, 'engagement');
  return Number((BigInt(commitment) * millionths(rate)) / BigInt(RATE_SCALE));
}

export type Settlement = { kind: 'balance'; amount: Cents } | { kind: 'repayment-order'; amount: Cents };

/**
 * What settles a grant once the spending is known: the balance is what was
 * spent, never more than the initial commitment, minus the advance already
 * paid. Below the advance, the funder issues an ordre de reversement for the
 * difference (docs/rules.md §3.2).
 */
export function balance(commitment: Cents, advancePaid: Cents, spent: Cents): Settlement {
  assertCents(commitment, 'engagement');
  assertCents(advancePaid, 'avance versée');
  assertCents(spent, 'dépense réalisée');
  const due = Math.min(spent, commitment) - advancePaid;
  return due >= 0 ? { kind: 'balance', amount: due } : { kind: 'repayment-order', amount: -due };
}

/** An ordre de reversement is repaid within 2 months of its issue: end of that civil day, Paris. */
export function repaymentDue(orderDate: Date, delay: Delay = { months: 2 }): Date {
  return deadlineAfter(orderDate, delay);
}

/** A funder's decision may not exceed the programme's cap (CNSA base grant ≤ 200 000 €). */
export function assertWithinCap(amount: Cents, cap: Cents, what = 'montant'): void {
  assertCents(amount, what);
  if (amount > cap)
    throw new RangeError(`${what} de ${formatEuros(amount)} supérieur au plafond de ${formatEuros(cap)}`);
}

export interface ComplementaryCase {
  requested: Cents;
  /** Co-funding brought by the platform's partners. */
  coFunding: Cents;
  /** When the compte rendu financier was delivered, null if not yet. */
  financialReportAt: Date | null;
}

export type ComplementaryDecision = { allowed: true; amount: Cents } | { allowed: false; reason: string };

/**
 * The CNSA complementary envelope: only with partners' co-funding and after the
 * compte rendu financier, delivered by its deadline; capped (100 000 €).
 */
export function complementaryEnvelope(
  request: ComplementaryCase,
  rule: { cap: Cents; reportDeadline: Date },
): ComplementaryDecision {
  assertCents(request.requested, 'montant demandé');
  assertCents(request.coFunding, 'cofinancement');
  const refuse = (why: string): ComplementaryDecision => ({
    allowed: false,
    reason: `enveloppe complémentaire refusée : ${why}`,
  });
  if (request.coFunding <= 0) return refuse('aucun cofinancement des partenaires');
  if (!request.financialReportAt) return refuse('le compte rendu financier n’a pas été remis');
  if (request.financialReportAt.getTime() > rule.reportDeadline.getTime())
    return refuse(`compte rendu financier remis après le ${formatParis(rule.reportDeadline)}`);
  return { allowed: true, amount: Math.min(request.requested, rule.cap) };
}
