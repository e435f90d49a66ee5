/**
 * The grant programmes, validated once at load: a definition that breaks the
 * schema stops the worker at start-up, not a grant cycle months later.
 */
import { programmeSchema, type Programme } from './programme.js';
import * as definitions from './programmes/index.js';

const programmes = new Map<string, Programme>(
  Object.values(definitions).map((d) => {
    const programme = programmeSchema.parse(d);
    return [programme.id, programme];
  }),
);

export const programmeIds = (): string[] => [...programmes.keys()].sort();

export function getProgramme(id: string): Programme {
  const programme = programmes.get(id);
  if (!programme)
    throw new RangeError(
      `programme de subvention inconnu : « ${id} » (connus : ${programmeIds().join(', ')})`,
    );
  return programme;
}

export * from './programme.js';
export * from './money.js';
export * from './renewal.js';
export * from './governance.js';
export * from './acts.js';
