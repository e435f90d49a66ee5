/**
 * A small demo for a newcomer: fictitious, pseudonymous cases whose rights were
 * opened in the past, so reminders and escalations are due at once (real
 * durations, nothing shortened). Idempotent: a second run starts nothing new.
 */
import type { Client } from '@temporalio/client';
import type { PathInput } from '../domain/path.js';
import { startPath } from './paths.js';

const DAY = 86_400_000;

/** Days since the opening of the right, chosen to show each follow-up. */
const demoCases: { id: string; daysAgo: number; territory: string }[] = [
  { id: 'DEMO-001', daysAgo: 2, territory: 'lens-lievin' }, // nothing due yet
  { id: 'DEMO-002', daysAgo: 13, territory: 'lens-lievin' }, // reminder before the 15-day target
  { id: 'DEMO-003', daysAgo: 20, territory: 'audomarois' }, // target missed: escalation
  { id: 'DEMO-004', daysAgo: 38, territory: 'montreuillois' }, // legal limit near: reminders
  { id: 'DEMO-005', daysAgo: 50, territory: 'montreuillois' }, // legal limit passed
];

export function demoPaths(now: Date): PathInput[] {
  return demoCases.map((c) => ({
    beneficiaryId: c.id,
    policy: 'pas-de-calais',
    territory: c.territory,
    rightsOpenedAt: new Date(now.getTime() - c.daysAgo * DAY).toISOString(),
  }));
}

export async function loadDemo(
  client: Client,
  taskQueue: string,
  now = new Date(),
): Promise<{ created: number; existing: number }> {
  let created = 0;
  for (const input of demoPaths(now)) if ((await startPath(client, taskQueue, input)).created) created++;
  return { created, existing: demoCases.length - created };
}
