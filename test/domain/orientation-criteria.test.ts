import { describe, expect, it } from 'vitest';
import { suggestTrack, type OrientationCriteria } from '../../domain/path/orientation-criteria.js';

const base: OrientationCriteria = {
  employmentHorizon: 'now',
  qualified: true,
  projectsIntoJob: true,
  difficulties: [],
};

describe('orientation suggestion from the national criteria (a suggestion only)', () => {
  it.each([
    [{}, 'employment'],
    [{ employmentHorizon: 'within-2-years', qualified: false }, 'employment'],
    [{ difficulties: ['mobility'] }, 'socio-professional'],
    [{ projectsIntoJob: false }, 'socio-professional'],
    [{ employmentHorizon: 'beyond', difficulties: ['health'] }, 'social'],
    [{ employmentHorizon: 'beyond', projectsIntoJob: false }, 'social'],
    [{ employmentHorizon: 'beyond', difficulties: ['childcare'] }, 'socio-professional'],
  ] as const)('%j → %s', (change, track) => {
    const suggestion = suggestTrack({ ...base, ...change } as OrientationCriteria);
    expect(suggestion.track).toBe(track);
    expect(suggestion.reasons.length).toBeGreaterThan(0);
  });

  it('refuses an unknown horizon in French', () => {
    expect(() => suggestTrack({ ...base, employmentHorizon: 'jamais' } as never)).toThrow(
      /horizon d’emploi attendu/,
    );
  });
});
