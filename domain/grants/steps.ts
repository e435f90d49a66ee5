/**
 * The steps every act of a grant cycle shares (its date, its pieces, a
 * milestone marked done), used by the acts (./machine.ts) and by how a
 * convention ends (./endings.ts): apart, so that neither imports the other.
 */
import { formatParis, instantSchema } from '../calendar.js';
import type { Milestone } from './programme.js';
import { history, iso, refuse, type GrantMilestoneState, type GrantState } from './state.js';

/** A clock skew tolerated between the caller and the workflow's clock; an act is never dated later. */
const FUTURE_TOLERANCE_MS = 60_000;

export function actInstant(raw: { at?: string | undefined }, now: Date): Date {
  const at = raw.at ? instantSchema.parse(raw.at) : now;
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS)
    refuse(`Un acte ne peut être daté dans le futur (${formatParis(at, true)}, heure de Paris).`);
  return at;
}

export function checkPieces(def: Milestone, given: readonly string[]): void {
  const known = def.pieces.map((x) => x.id);
  const unknown = given.filter((x) => !known.includes(x));
  if (unknown.length)
    refuse(
      `Pièce inconnue pour « ${def.id} » : ${unknown.join(', ')}` +
        (known.length ? ` (pièces attendues : ${known.join(', ')}).` : ' (aucune pièce attendue).'),
    );
  const missing = def.pieces.filter((x) => !given.includes(x.id));
  if (missing.length)
    refuse(
      `Pièces manquantes pour « ${def.id} » : ${missing.map((x) => `${x.id} « ${x.title} »${x.signed ? ' (signée)' : ''}`).join(' ; ')}.`,
    );
}

export function markDone(
  s: GrantState,
  m: GrantMilestoneState,
  at: Date,
  by: string | undefined,
  pieces: string[],
): void {
  m.doneAt = iso(at);
  m.by = by ?? null;
  m.pieces = pieces;
  history(s, at, 'milestone.completed', { milestone: m.id, ...(by ? { by } : {}) });
}
