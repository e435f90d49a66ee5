/**
 * A small demo for a newcomer: fictitious, pseudonymous cases whose rights were
 * opened in the past, so reminders and escalations are due at once (real
 * durations, nothing shortened). Idempotent: a second run starts nothing new.
 */
import type { Client } from '@temporalio/client';
import type { PathInput } from '../domain/path/path.js';
import { startPath } from '../services/paths.js';
import { startGrantCycle } from '../services/grants.js';
import type { GrantInput } from '../domain/grants/cycle.js';

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

// ─── The four seed grant cycles, on their real dates ─────────────────────────

/** Noon, Paris: the seeds give days, not hours (docs/grants.md, « La démo »). */
const noon = (date: string, offset: '+01:00' | '+02:00') => `${date}T12:00:00${offset}`;

/**
 * The seed cycles as the Département's acts record them (docs/grants.md): each
 * starts on its real date with the acts its seed records, dated; what the seeds
 * do not record stays unrecorded, so the page shows where things stand today.
 */
export function demoGrants(): GrantInput[] {
  return [
    {
      grantId: 'DEMO-cnsa-ami-2026',
      programme: 'cnsa-ami-2026',
      // The closed call was launched in October 2025.
      startedAt: noon('2025-10-01', '+02:00'),
      acts: [
        // « transmise complétée mais non signée à la CNSA (annexe 1) pour cette date » (21/11/2025): the day before.
        {
          type: 'complete',
          milestone: 'application',
          pieces: ['annexe-1', 'annexe-2'],
          at: noon('2025-11-20', '+01:00'),
        },
        { type: 'complete', milestone: 'committee-opinions', at: noon('2025-11-24', '+01:00') },
        { type: 'complete', milestone: 'vote', at: noon('2025-12-08', '+01:00') },
        // The accusé de réception of the préfecture: 23/12/2025 (062-226200012-20251208-lmc1532517-DE).
        { type: 'complete', milestone: 'prefecture-transmission', at: noon('2025-12-23', '+01:00') },
      ],
    },
    // Voted by the conseil départemental on 22/09/2025, received by the préfecture on 08/10/2025.
    {
      grantId: 'DEMO-etat-cie-2025-2027',
      programme: 'etat-cie-2025-2027',
      startedAt: noon('2025-09-22', '+02:00'),
    },
    { grantId: 'DEMO-etat-cls-2025', programme: 'etat-cls-2025', startedAt: noon('2025-09-22', '+02:00') },
    // Voted by the commission permanente on 13/12/2022; the convention runs from 01/01/2023.
    {
      grantId: 'DEMO-ft-conseillers-autonomie-2023',
      programme: 'ft-conseillers-autonomie-2023',
      startedAt: noon('2022-12-13', '+01:00'),
    },
  ];
}

/** Starts the seed cycles (idempotent: deterministic ids, an existing cycle is left as it is). */
export async function loadGrantDemo(client: Client, taskQueue: string): Promise<{ created: number }> {
  let created = 0;
  for (const input of demoGrants()) if ((await startGrantCycle(client, taskQueue, input)).created) created++;
  return { created };
}
