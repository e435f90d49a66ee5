/**
 * Where the grant screens read a cycle: the read model for lists (one row per
 * cycle, written by the workflow at each change), the workflow itself for the
 * page of one cycle, where a person acts and must see their act at once (the
 * read model follows by an activity). Temporal unreachable: the read model's
 * copy, said so on the page.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Queryable } from '../../store/db.js';
import { civilDateOf, formatParis } from '../../domain/calendar.js';
import { grantWorkflowId, type GrantState } from '../../domain/grants/cycle.js';
import { getProgramme, type Milestone, type Programme } from '../../domain/grants/index.js';
import { pseudonymousIdSchema } from '../../domain/ids.js';
import { grantStateQuery } from '../../workflows/grants/messages.js';

export interface GrantRow {
  grant_id: string;
  programme: string;
  funder: string;
  title: string;
  status: string;
  state: GrantState;
}

/** Every cycle the read model holds, by id. */
export async function listGrants(db: Queryable): Promise<GrantRow[]> {
  return db.query<GrantRow>(
    'select grant_id, programme, funder, title, status, state from grants order by grant_id',
  );
}

export class GrantNotFound extends Error {}

/** The cycle as its workflow holds it now; `stale` when only the read model answered. */
export async function grantFor(
  client: Client,
  db: Queryable,
  id: string,
): Promise<{ state: GrantState; stale: boolean }> {
  const missing = new GrantNotFound(`Aucune subvention « ${id} ».`);
  if (!pseudonymousIdSchema.safeParse(id).success) throw missing;
  try {
    const state = await client.workflow.getHandle(grantWorkflowId(id)).query(grantStateQuery);
    return { state, stale: false };
  } catch (err) {
    const [row] = await db.query<GrantRow>('select state from grants where grant_id = $1', [id]);
    if (err instanceof WorkflowNotFoundError && !row) throw missing;
    if (!row) throw err;
    return { state: row.state, stale: !(err instanceof WorkflowNotFoundError) };
  }
}

export const grantStatusLabels: Record<string, string> = {
  active: 'en cours',
  'not-admissible': 'NON RECEVABLE',
  completed: 'terminé',
  denounced: 'dénoncée',
  ended: 'échue',
  terminated: 'résiliée',
};
export const milestoneStatusLabels: Record<string, string> = {
  done: 'fait',
  late: 'fait en retard',
  missed: 'MANQUÉ',
  pending: 'à faire',
  'not-recorded': 'non enregistré',
};
/** Cycles that take no more act and whose deadlines no longer run. */
export const CLOSED = new Set(['not-admissible', 'completed', 'ended', 'terminated']);

export const parisTime = (d: Date | string): string => formatParis(new Date(d), true);

const civilDays = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

/**
 * Days left counted in Paris civil days to the last day still on time (a
 * deadline « avant le 21/11 à 00:00 » leaves until the 20th): `aujourd’hui`,
 * `demain`, `12 j`, `dépassé de 3 j`.
 */
export function daysLeft(dueAt: string, now: Date): { days: number; text: string } {
  const due = new Date(dueAt);
  const lastDay = civilDays(civilDateOf(new Date(due.getTime() - 1)));
  const today = civilDays(civilDateOf(now));
  const days = lastDay - today;
  if (now.getTime() >= due.getTime()) {
    const late = Math.max(0, -days);
    return { days: Math.min(days, -1), text: late ? `dépassé de ${late} j` : 'dépassé aujourd’hui' };
  }
  return { days, text: days === 0 ? 'aujourd’hui' : days === 1 ? 'demain' : `${days} j` };
}

export function programmeOf(s: GrantState): Programme | null {
  try {
    return getProgramme(s.programme);
  } catch {
    return null;
  }
}

export function definitionOf(p: Programme | null, id: string): Milestone | undefined {
  return p?.milestones.find((m) => m.id === id);
}

/** How a wording is read (docs/rules.md §3), in words a person checks against the act. */
export const readingLabels: Record<string, string> = {
  'strictly-before': 'strictement avant : l’heure dite (ou le jour dit) est déjà en retard',
  'up-to-and-including': 'au plus tard : le dernier jour (ou l’instant dit) est encore à temps',
};

type Loose = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/**
 * The act's words of a deadline and how Jalons reads them (the milestone's
 * `reading` in the state, the programme's quote and reading note); nothing
 * for a milestone without a deadline.
 */
export function deadlineWords(
  p: Programme | null,
  m: { id: string; dueAt: string | null } & Loose,
): { words: string | null; reading: string | null } {
  const def = definitionOf(p, m.id) as (Milestone & Loose) | undefined;
  if (!m.dueAt && !def?.deadline) return { words: str(def?.quote), reading: null };
  const reading = str(m.reading) ?? str(def?.reading);
  const note = str(def?.readingNote);
  const label = reading ? (readingLabels[reading] ?? reading) : null;
  return { words: str(def?.quote), reading: label && note ? `${label} (${note})` : label };
}
