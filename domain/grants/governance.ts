/**
 * Governance cadences of the consortium of the plateforme des métiers de
 * l'autonomie (docs/rules.md §3.5): recurring duties, for Temporal Schedules, not
 * milestones of a grant cycle.
 */
import { z } from '../validation.js';
import { civilDateSchema } from '../calendar.js';
import { recurringDutySchema } from './programme.js';

export const governanceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    source: z.object({ seed: z.string(), act: z.string() }).strict(),
    /** The convention constitutive runs until this date, then is renewed by avenant. */
    effectiveUntil: civilDateSchema,
    renewedBy: z.literal('avenant'),
    recurring: z.array(recurringDutySchema).min(1),
  })
  .strict();
export type Governance = z.infer<typeof governanceSchema>;

export const autonomyPlatformGovernance: Governance = governanceSchema.parse({
  id: 'plateforme-metiers-autonomie',
  source: {
    seed: '001_4c08e740d4061f9f.txt',
    act: 'Délibération du conseil départemental n° 2023-139 du 27/03/2023',
  },
  effectiveUntil: '2024-06-30',
  renewedBy: 'avenant',
  recurring: [
    { id: 'strategic-committee', title: 'Comité stratégique', cadence: 'yearly', atLeast: true },
    { id: 'technical-committee', title: 'Comité technique', cadence: 'quarterly', atLeast: true },
    { id: 'project-team', title: 'Équipe projet', cadence: 'monthly', atLeast: true },
  ],
});
