/**
 * How a convention ends (docs/grants.md, « La fin d’une convention ») and the
 * State's co-funding rule: a written denunciation in its window (France
 * Travail), a termination on request (six months' notice), a formal notice
 * left without effect (État two months, France Travail 60 days with a pro-rata
 * repayment), a renewal by avenant. Each termination's effective day is a
 * deadline with its reminders (./timers.ts).
 */
import { endOfCivilDay, formatParis } from '../calendar.js';
import type { z } from '../validation.js';
import type { amendmentSchema, formalNoticeSchema, terminationRequestSchema } from './acts.js';
import { formatEuros } from './money.js';
import type { Programme } from './programme.js';
import { checkDenunciation, terminationEffectiveOn } from './renewal.js';
import { actInstant, checkPieces, markDone } from './steps.js';
import {
  definitionOf,
  history,
  iso,
  milestoneOf,
  refuse,
  type GrantAdvice,
  type GrantState,
  type GrantTermination,
} from './state.js';

/** Département ≥ its minimum share of the financing (État: 50 %), checked on each report's figures. */
export function coFundingAdvice(s: GrantState, p: Programme): GrantAdvice[] {
  const min = p.figures.departementShareMin;
  if (!min) return [];
  return s.reports.flatMap((r): GrantAdvice[] => {
    if (r.spent === null || r.departementSpent === null) return [];
    const dep = Math.round(r.departementSpent * 100);
    const total = dep + Math.round(r.spent * 100);
    // Integer comparison: dep / total ≥ min ⇔ dep × 10⁶ ≥ min × 10⁶ × total.
    if (total === 0 || dep * 1_000_000 >= Math.round(min * 1_000_000) * total) return [];
    return [
      {
        code: 'co-funding',
        milestone: null,
        message:
          `Rapport « ${r.kind} » du ${formatParis(new Date(r.at))} : la part du Département ` +
          `(${formatEuros(dep)} sur ${formatEuros(total)}, ${((dep * 100) / total).toFixed(1).replace('.', ',')} %) ` +
          `est inférieure aux ${Math.round(min * 100)} % qu’il s’est engagé à apporter.`,
      },
    ];
  });
}

type Denounce = { at?: string | undefined; by?: string | undefined; pieces?: string[] };

function denounce(s: GrantState, p: Programme, a: Denounce, now: Date): void {
  const at = actInstant(a, now);
  const m = milestoneOf(s, 'denunciation');
  if (!p.renewal || !s.convention || !m)
    refuse(`Le programme « ${p.id} » n’est pas une convention à dénoncer.`);
  if (s.status === 'denounced')
    refuse(
      `La convention ${s.id} est déjà dénoncée (le ${formatParis(new Date(s.convention.denouncedAt ?? m.doneAt ?? ''), true)}).`,
    );
  if (a.pieces) checkPieces(definitionOf(p, 'denunciation'), a.pieces);
  const check = checkDenunciation(p.renewal, at);
  if (!check.valid) refuse(`${check.error[0]?.toUpperCase()}${check.error.slice(1)}.`);
  if (check.period.index !== s.convention.period)
    refuse(
      `Dénonciation refusée : la période qui s’achevait le ${formatParis(check.period.endsAt)} est close, ` +
        'la convention a été reconduite.',
    );
  markDone(s, m, at, a.by, a.pieces ?? ['lettre-denonciation']);
  s.convention.denouncedAt = iso(at);
  const renewal = milestoneOf(s, 'renewal');
  if (renewal && !renewal.doneAt) renewal.applies = false;
  s.status = 'denounced';
  history(s, at, 'convention.denounced', { detail: `fin le ${formatParis(check.endsAt)}` });
}

function assertConvention(s: GrantState, p: Programme): void {
  if (!p.termination) refuse(`Le programme « ${p.id} » ne prévoit pas de résiliation.`);
  if (s.termination && !s.termination.compliedAt)
    refuse(
      `Une résiliation est déjà en cours : effet le ${formatParis(new Date(s.termination.effectiveAt))}.`,
    );
}

function formalNotice(s: GrantState, p: Programme, a: z.output<typeof formalNoticeSchema>, now: Date): void {
  const at = actInstant(a, now);
  if (a.action === 'complied') {
    const t = s.termination;
    if (!t || t.kind !== 'breach' || t.compliedAt) refuse('Aucune mise en demeure en cours à lever.');
    if (at.getTime() > new Date(t.effectiveAt).getTime())
      refuse(
        `La mise en demeure a produit son effet le ${formatParis(new Date(t.effectiveAt))} : trop tard pour la lever.`,
      );
    t.compliedAt = iso(at);
    history(s, at, 'formal-notice.complied', { ...(a.by ? { by: a.by } : {}) });
    return;
  }
  assertConvention(s, p);
  const delay = p.termination?.forBreach;
  if (!delay) refuse(`La convention « ${p.id} » ne prévoit pas de résiliation après mise en demeure.`);
  const effectiveAt = startTermination(s, 'breach', a.defaulting, at, delay, a.reason);
  history(s, at, 'formal-notice.served', {
    ...(a.by ? { by: a.by } : {}),
    detail: `résiliation le ${formatParis(effectiveAt)} si elle reste sans effet`,
  });
}

function request(s: GrantState, p: Programme, a: z.output<typeof terminationRequestSchema>, now: Date): void {
  const at = actInstant(a, now);
  assertConvention(s, p);
  const delay = p.termination?.onRequest;
  if (!delay) refuse(`La convention « ${p.id} » ne prévoit pas de résiliation à la demande d’une partie.`);
  const effectiveAt = startTermination(s, 'request', a.from, at, delay, a.reason);
  history(s, at, 'termination.requested', {
    ...(a.by ? { by: a.by } : {}),
    detail: `effet le ${formatParis(effectiveAt)}`,
  });
}

/** An avenant: the renewal of the current period (France Travail), or the year's amounts (État). */
function amendment(s: GrantState, p: Programme, a: z.output<typeof amendmentSchema>, now: Date): void {
  const at = actInstant(a, now);
  const renewal = milestoneOf(s, 'renewal');
  if (renewal && renewal.applies && !renewal.doneAt) {
    markDone(s, renewal, at, a.by, a.pieces ?? []);
    return;
  }
  history(s, at, 'amendment.signed', {
    ...(a.by ? { by: a.by } : {}),
    ...(a.reference ? { detail: a.reference } : {}),
  });
}

/** The termination takes effect: the convention ends; a pro-rata repayment follows (./ledger.ts). */
export function terminate(s: GrantState, at: Date): void {
  s.status = 'terminated';
  s.closedAt = iso(at);
  history(s, at, 'convention.terminated', {
    detail:
      s.termination?.kind === 'breach' ? 'mise en demeure restée sans effet' : 'à la demande d’une partie',
  });
}

export const endConvention = { denounce, formalNotice, request, amendment };

/** A termination under way: it takes effect at the end of the day its delay ends on. */
function startTermination(
  s: GrantState,
  kind: GrantTermination['kind'],
  party: GrantTermination['party'],
  at: Date,
  delay: Parameters<typeof terminationEffectiveOn>[1],
  reason: string | undefined,
): Date {
  const effectiveAt = endOfCivilDay(terminationEffectiveOn(at, delay));
  s.termination = {
    kind,
    party,
    noticeAt: iso(at),
    effectiveAt: iso(effectiveAt),
    compliedAt: null,
    reason: reason ?? null,
  };
  return effectiveAt;
}
