/**
 * Hostile and malformed input, generated (fast-check): the path's rules, the
 * CAF-flow parser and the scenario loader never crash; a refusal is a French
 * sentence and changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCafFlow } from '../../services/import-caf.js';
import { scenarioSchema } from '../../dev/simulate.js';
import { applyPathEvent, newPathState, PathRefusal, refusalOf } from '../../domain/path/path-machine.js';
import { pathEventTypes } from '../../domain/path/path-events.js';
import { pathInputSchema } from '../../domain/path/path.js';
import { cleanText, hasHiddenCharacters } from '../../domain/text.js';
import { frenchTemporalError } from '../../services/temporal-errors.js';
import { ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

const NOW = new Date('2026-03-02T10:00:00+01:00');
function oriented() {
  const s = newPathState({
    beneficiaryId: 'T-FUZZ',
    rightsOpenedAt: '2026-01-05T09:00:00+01:00',
    territory: 'lens-lievin',
  });
  return applyPathEvent(
    s,
    {
      type: 'orientation.decided',
      at: '2026-01-12T10:00:00+01:00',
      data: { track: 'social', organisation: 'cd62', referent: 'ref-1' },
    },
    new Date('2026-01-12T10:00:00+01:00'),
  );
}
const french = /[a-zàâçéèêëîïôûùüÿœ’«»]/i;

const hostileValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant('<script>alert(1)</script>'),
  fc.constant("'; drop table paths; --"),
  fc.constant('2026-02-30T10:00:00+01:00'),
  fc.constant('Jean Dupont'),
);
const event = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...pathEventTypes), fc.string()),
    at: fc.oneof(
      fc
        .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString()),
      hostileValue,
    ),
    by: hostileValue,
    data: fc.oneof(fc.dictionary(fc.string(), hostileValue), fc.anything()),
  },
  { requiredKeys: [] },
);

describe('hostile input', () => {
  it('any event: accepted, or refused in French with the state unchanged — never a crash', () => {
    fc.assert(
      fc.property(event, (raw) => {
        const s = oriented();
        const before = JSON.stringify(s);
        const refusal = refusalOf(s, raw, NOW);
        expect(JSON.stringify(s)).toBe(before);
        if (refusal === null) {
          expect(() => applyPathEvent(s, raw, NOW)).not.toThrow();
        } else {
          expect(refusal).toMatch(french);
          expect(() => applyPathEvent(s, raw, NOW)).toThrow(PathRefusal);
          expect(JSON.stringify(s)).toBe(before);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a malformed civil date in a path’s input is refused, not thrown', () => {
    fc.assert(
      fc.property(fc.string(), (since) => {
        const parsed = pathInputSchema.safeParse({
          beneficiaryId: 'T-1',
          rightsOpenedAt: '2026-01-05T09:00:00+01:00',
          territory: 'x',
          accompaniedSince: since,
        });
        if (!parsed.success) expect(parsed.error.issues[0]?.message).toMatch(french);
      }),
      { numRuns: 300 },
    );
  });

  it('any CAF-flow text: parsed into rows and French rejections, or refused as a whole in French', () => {
    const header =
      'id_pseudonyme;type_flux;date_effet;heure;territoire;taille_foyer;rsa_majore;accompagne_depuis';
    const line = fc
      .array(
        fc.oneof(
          fc.string({ maxLength: 12 }),
          fc.constantFrom('ouverture', 'fin_droit', '2026-01-05', 'oui', '3', 'lens-lievin', '"', ';'),
        ),
        { maxLength: 9 },
      )
      .map((cells) => cells.join(';'));
    fc.assert(
      fc.property(fc.boolean(), fc.array(line, { maxLength: 8 }), (withHeader, lines) => {
        const text = [withHeader ? header : '', ...lines].join('\n');
        try {
          parseCafFlow(Buffer.from(text), NOW);
        } catch (err) {
          expect((err as Error).name).not.toBe('TypeError');
          expect((err as Error).message).toMatch(french);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('any scenario JSON: valid, or a French list of what is wrong', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({
            name: hostileValue,
            start: hostileValue,
            until: hostileValue,
            events: fc.array(event, { maxLength: 3 }),
          }),
        ),
        (raw) => {
          const parsed = scenarioSchema.safeParse(raw);
          if (!parsed.success) expect(parsed.error.issues.every((i) => french.test(i.message))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('free text and Temporal’s errors, for any input', () => {
  it('cleaned text holds no control nor bidi character, and cleaning twice changes nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (raw) => {
        const clean = cleanText(raw);
        expect(hasHiddenCharacters(clean)).toBe(false);
        expect(cleanText(clean)).toBe(clean);
      }),
      { numRuns: 500 },
    );
  });

  it('reads Temporal’s errors as one French sentence (refusal, unknown, closed, unreachable)', () => {
    const refused = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      ApplicationFailure.nonRetryable('Ce parcours est déjà orienté.', 'ActionRefused'),
    );
    expect(frenchTemporalError(refused)).toEqual({
      kind: 'refused',
      message: 'Ce parcours est déjà orienté.',
    });
    const bug = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      new Error('TypeError: x is undefined'),
    );
    expect(frenchTemporalError(bug)?.message).toMatch(/^L’acte n’a pas pu être enregistré/);
    expect(frenchTemporalError(new WorkflowNotFoundError('not found', 'parcours-X', undefined), 'X')).toEqual(
      {
        kind: 'not-found',
        message: 'Aucun parcours pour l’allocataire X.',
      },
    );
    expect(
      frenchTemporalError(new WorkflowNotFoundError('not found', 'parcours-X', undefined))?.message,
    ).toBe('Dossier introuvable.');
    const closed = new WorkflowNotFoundError('workflow execution already completed', 'parcours-X', undefined);
    expect(frenchTemporalError(closed, 'X')).toEqual({
      kind: 'closed',
      message: 'Le parcours de X est clos : aucune action n’est plus possible.',
    });
    const down = new ServiceError('Failed to query', {
      cause: Object.assign(new Error('14 UNAVAILABLE'), { code: 14 }),
    });
    expect(frenchTemporalError(down)?.kind).toBe('unavailable');
    expect(frenchTemporalError(down)?.message).toMatch(/^Serveur Temporal injoignable/);
    const big = Object.assign(new Error('grpc: received message larger than max'), { code: 8 });
    expect(frenchTemporalError(big)?.kind).toBe('too-large');
    expect(frenchTemporalError(new Error('autre chose'))).toBeNull();
    expect(
      frenchTemporalError(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ),
    ).toBeNull();
  });
});
