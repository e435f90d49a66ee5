/**
 * The filters of a list of deadlines (late, due soon) as a person types them:
 * French names in the API's query (`?territoire=…&etape=…`) and the CLI's
 * options; the English names of version 1.0 (`territory`, `step`) accepted for
 * one release. Read into the code's own names (store/queries.ts ItemFilter).
 */
import { z } from '../validation.js';
import { organisationCodeSchema, referentCodeSchema, territoryCodeSchema } from '../ids.js';
import { pathSteps } from './path.js';

const stepSchema = z.enum(pathSteps, { error: `étape attendue : ${pathSteps.join(', ')}` });

/** The fields, for a schema that adds its own (`jours`) before `.strict()`. */
export const deadlineFilterFields = {
  territoire: territoryCodeSchema.optional(),
  organisation: organisationCodeSchema.optional(),
  referent: referentCodeSchema.optional(),
  etape: stepSchema.optional(),
  /** Version 1.0's names, for one release. */
  territory: territoryCodeSchema.optional(),
  step: stepSchema.optional(),
};

export interface DeadlineFilter {
  territory?: string;
  organisation?: string;
  referent?: string;
  step?: string;
}

type Typed = { [K in keyof typeof deadlineFilterFields]?: string };

/** The French name wins when a query gives both. */
export function toDeadlineFilter(f: Typed): DeadlineFilter {
  const territory = f.territoire ?? f.territory;
  const step = f.etape ?? f.step;
  return {
    ...(territory !== undefined ? { territory } : {}),
    ...(f.organisation !== undefined ? { organisation: f.organisation } : {}),
    ...(f.referent !== undefined ? { referent: f.referent } : {}),
    ...(step !== undefined ? { step } : {}),
  };
}

export const deadlineFilterSchema = z.object(deadlineFilterFields).strict().transform(toDeadlineFilter);
