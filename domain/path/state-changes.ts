/**
 * What changed in a path's state since the read model last received it: the
 * workflow sends this, not the whole state, so that its history does not carry
 * a copy of the state at every change (docs/architecture.md, « Ce que reçoit le
 * modèle de lecture »). Pure: the workflow computes it, the read model applies it.
 */

/** The failure type by which the read model asks a path for its whole state (its base is not there). */
export const READ_MODEL_BASE_MISSING = 'ReadModelBaseMissing';

/** The changes of one write: keys replaced, items appended to lists, keys removed. */
export interface StateChanges {
  set: Record<string, unknown>;
  append: Record<string, unknown[]>;
  unset: string[];
}

/** What was sent, key by key: the JSON text of a value, or of each item of a list. */
export type SentState = ReadonlyMap<string, string | readonly string[]>;

const encode = (value: unknown): string | string[] =>
  Array.isArray(value) ? value.map((item) => JSON.stringify(item)) : JSON.stringify(value);

/** A list that only grew: the old items unchanged, in order. */
function grewFrom(before: readonly string[], now: readonly string[]): boolean {
  if (now.length < before.length) return false;
  for (let i = 0; i < before.length; i++) if (before[i] !== now[i]) return false;
  return true;
}

/**
 * The changes from `sent` to `state` (everything when nothing was sent) and what
 * will have been sent once they are applied.
 */
export function stateChanges(
  state: object,
  sent: SentState | null,
): { changes: StateChanges; sent: SentState } {
  const changes: StateChanges = { set: {}, append: {}, unset: [] };
  const next = new Map<string, string | readonly string[]>();
  for (const [key, value] of Object.entries(state)) {
    if (value === undefined) continue;
    const now = encode(value);
    next.set(key, now);
    const before = sent?.get(key);
    if (Array.isArray(now) && Array.isArray(before) && grewFrom(before, now)) {
      if (now.length > before.length) changes.append[key] = (value as unknown[]).slice(before.length);
    } else if (typeof now === 'string' ? before !== now : true) {
      changes.set[key] = value;
    }
  }
  for (const key of sent?.keys() ?? []) if (!next.has(key)) changes.unset.push(key);
  return { changes, sent: next };
}

/** The stored state with the changes applied (a new object; the stored one is left as it was). */
export function applyStateChanges(
  stored: Record<string, unknown>,
  changes: StateChanges,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...stored, ...changes.set };
  for (const [key, items] of Object.entries(changes.append)) {
    const list = result[key];
    result[key] = [...(Array.isArray(list) ? list : []), ...items];
  }
  for (const key of changes.unset) delete result[key];
  return result;
}

/** True when nothing changed. */
export const noChange = (c: StateChanges): boolean =>
  Object.keys(c.set).length === 0 && Object.keys(c.append).length === 0 && c.unset.length === 0;
