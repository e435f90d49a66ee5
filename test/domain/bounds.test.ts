/**
 * Every path input has a bound (docs/bounds.md), each tested at its edge: the
 * last value accepted, the first refused (one French sentence naming the field
 * and its bound, nothing changed). Free text loses control and bidi characters.
 * A path driven by thousands of events stays small (its state is what
 * continue-as-new carries and every query returns) and never fires a timed
 * action twice.
 */
import { describe, expect, it } from 'vitest';
import { cleanText, freeTextSchema, quoted, truncate } from '../../domain/text.js';
import {
  agentIdSchema,
  eventIdSchema,
  ID_MAX,
  organisationCodeSchema,
  pseudonymousIdSchema,
  territoryCodeSchema,
} from '../../domain/ids.js';
import { applyPathEvent, newPathState, PathRefusal, refusalOf } from '../../domain/path/path-machine.js';
import { pathEventBounds } from '../../domain/path/path-events.js';
import { pathInputSchema, type PathState } from '../../domain/path/path.js';
import { fireTimedAction, timedActions } from '../../domain/path/path-timers.js';
import { compactPathState, pathListBounds, recordRejected } from '../../domain/path/path-compaction.js';
import { frenchIssues } from '../../domain/validation.js';
import { partnerCallDone, pendingPartnerCalls } from '../../domain/partner-calls.js';
import {
  KEYWORD_OUT_OF_BOUNDS,
  pathSearchValues,
  safeKeyword,
} from '../../workflows/shared/search-attributes.js';

const opened = '2026-01-05T09:00:00+01:00';
const fresh = (): PathState =>
  newPathState({ beneficiaryId: 'B-1', rightsOpenedAt: opened, territory: 'lens-lievin' });
const at = '2026-01-12T10:00:00+01:00';
const orient = (data: Record<string, unknown>) => ({ type: 'orientation.decided', at, data });
const orientation = { track: 'social', organisation: 'cd62', referent: 'ref-1' };

describe('free text (domain/text.ts)', () => {
  it('loses control, bidi-override and lone-surrogate characters, keeps accents, emoji and line ends', () => {
    expect(cleanText('a\u0000b\u001b[31mc\u007f\u0085d')).toBe('ab[31mcd');
    expect(cleanText('\u202Eevil\u202C \u2066x\u2069 \u200Fy\u061C')).toBe('evil x y');
    expect(cleanText('motif : santé 🚑\r\nsuite\tfin')).toBe('motif : santé 🚑\nsuite\tfin');
    expect(cleanText('a\uD800b\uDC00c')).toBe('abc');
    expect(cleanText('  e\u0301  ')).toBe('é');
  });

  it('is bounded after cleaning: the last character accepted, the first refused', () => {
    const reason = freeTextSchema('motif', 10);
    expect(reason.parse(`${'a'.repeat(10)}\u202E\u0000`)).toBe('a'.repeat(10));
    expect(frenchIssues(reason.safeParse('a'.repeat(11)).error!)).toBe('motif : 10 caractères au plus');
    expect(frenchIssues(reason.safeParse('\u202E\u0000 ').error!)).toBe('motif : texte requis');
  });

  it('quotes and cuts what a refusal echoes', () => {
    expect(quoted('x'.repeat(1_000_000))).toBe(`« ${'x'.repeat(39)}… »`);
    expect(truncate('ab😀', 3)).toBe('ab…');
  });
});

describe('identifiers (domain/ids.ts)', () => {
  it.each([
    ['pseudonymous id', pseudonymousIdSchema],
    ['organisation', organisationCodeSchema],
    ['agent', agentIdSchema],
  ])('%s: 64 characters accepted, 65 refused, no space nor control character', (_name, schema) => {
    expect(schema.safeParse('a'.repeat(ID_MAX)).success).toBe(true);
    expect(frenchIssues(schema.safeParse('a'.repeat(ID_MAX + 1)).error!)).toMatch(/64 caractères au plus$/);
    for (const bad of ['Jean Dupont', 'a\u0000', 'a\u202Eb', 'é', '-a', 'a;b', '😀'])
      expect(schema.safeParse(bad).success).toBe(false);
  });

  it('territory codes are lower case words; event ids allow a sender’s separators up to 200', () => {
    expect(territoryCodeSchema.safeParse('lens-lievin').success).toBe(true);
    expect(territoryCodeSchema.safeParse('Lens-Liévin').success).toBe(false);
    expect(eventIdSchema.safeParse(`RDV-EVT:${'1'.repeat(192)}`).success).toBe(true);
    expect(eventIdSchema.safeParse(`RDV-EVT:${'1'.repeat(193)}`).success).toBe(false);
  });
});

describe('path events and inputs refuse what is out of bounds, changing nothing', () => {
  it('the issue’s case: an organisation of 3,000 characters is refused in French, naming its bound', () => {
    const s = applyPathEvent(fresh(), { type: 'reminders.switched', at, data: { on: true } }, new Date(at));
    const before = JSON.stringify(s);
    expect(refusalOf(s, orient({ ...orientation, organisation: 'x'.repeat(3_000) }), new Date(at))).toBe(
      'Événement invalide : data.organisation : organisme référent : 64 caractères au plus',
    );
    expect(refusalOf(s, orient({ ...orientation, organisation: 'x'.repeat(64) }), new Date(at))).toBeNull();
    expect(JSON.stringify(s)).toBe(before);
  });

  it('a réorientation’s reason: 500 characters accepted (cleaned), 501 refused', () => {
    const s = applyPathEvent(fresh(), orient(orientation), new Date(at));
    const reason = (n: number) => `\u202E${'é'.repeat(n)}\u0007`;
    const later = '2026-01-13T10:00:00+01:00';
    const event = (n: number) => ({
      type: 'reorientation.decided',
      at: later,
      data: { ...orientation, reason: reason(n) },
    });
    expect(refusalOf(s, event(501), new Date(later))).toBe(
      `Événement invalide : data.reason : motif de réorientation : ${pathEventBounds.reasonChars} caractères au plus`,
    );
    applyPathEvent(s, event(500), new Date(later));
    expect(s.orientation?.reason).toBe('é'.repeat(500));
  });

  it('counts and ranges: sanction months, barriers, the revision seen, instants, household size', () => {
    const s = applyPathEvent(fresh(), orient(orientation), new Date(at));
    const now = new Date('2026-01-20T10:00:00+01:00');
    const refusal = (raw: unknown) => refusalOf(s, raw, now);
    expect(refusal({ type: 'reminders.switched', seen: 1_000_000_001, data: { on: true } })).toMatch(
      /seen : révision \(seen\) : au plus 1000000000$/,
    );
    expect(refusal({ type: 'reminders.switched', at: '1999-12-31T23:59:59Z', data: { on: true } })).toMatch(
      /at : date entre 2000 et 2099 attendue$/,
    );
    expect(refusal({ type: 'diagnostic.completed', data: { barriers: Array(13).fill('health') } })).toMatch(
      /data\.barriers : freins : 12 au plus$/,
    );
    expect(
      refusal({ type: 'sanction.proposed', data: { kind: 'obligations', rate: 0.3, months: 25 } }),
    ).toMatch(/data\.months : au plus 24 mois$/);
    const input = { beneficiaryId: 'B-2', rightsOpenedAt: opened, territory: 'x' };
    expect(pathInputSchema.safeParse({ ...input, household: { size: 99, majore: false } }).success).toBe(
      true,
    );
    expect(
      frenchIssues(pathInputSchema.safeParse({ ...input, household: { size: 100, majore: false } }).error!),
    ).toBe('household.size : taille du foyer : 99 personnes au plus');
  });

  it('a refusal listing a thousand unknown keys is still one short sentence', () => {
    const data = Object.fromEntries(
      Array.from({ length: 1_000 }, (_, i) => [`k${i}${'x'.repeat(1_000)}`, i]),
    );
    const refusal = refusalOf(fresh(), { type: 'reminders.switched', data }, new Date(at));
    expect(refusal).toMatch(/^Événement invalide : /);
    expect(refusal!.length).toBeLessThan(1_000);
  });
});

describe('search attributes are checked before they are upserted', () => {
  it('a keyword over 128 bytes or outside the charset is shown as hors-limite, never sent', () => {
    expect(safeKeyword('a'.repeat(128))).toBe('a'.repeat(128));
    expect(safeKeyword('a'.repeat(129))).toBe(KEYWORD_OUT_OF_BOUNDS);
    expect(safeKeyword('a b')).toBe(KEYWORD_OUT_OF_BOUNDS);
    expect(safeKeyword(null)).toBeNull();
    // A state carried from before the bounds (or mended by hand) still upserts safe values.
    const s = applyPathEvent(fresh(), orient(orientation), new Date(at));
    s.orientation!.organisation = 'x'.repeat(3_000);
    const values = pathSearchValues(s).map((v) => v.value);
    expect(values).toContain(KEYWORD_OUT_OF_BOUNDS);
    expect(values.every((v) => typeof v !== 'string' || v.length <= 128)).toBe(true);
  });
});

/** The acts tried in turn; the first one the path accepts is applied. */
const acts = (i: number): [string, Record<string, unknown>][] => [
  ['appointment.missed', { excused: i % 3 === 0 }],
  ['appointment.attended', {}],
  ['diagnostic.completed', { barriers: ['health'] }],
  ['contract.signed', { weeklyHours: 15, intensive: i % 2 === 0 }],
  ['interview.held', {}],
  ['activity.declared', { hours: 3 }],
  ['breach.reported', { kind: 'obligations' }],
  ['observations.received', {}],
  ['sanction.decided', { rate: 0.3, months: 1 }],
  ['sanction.decided', { rate: 0.5, months: 2 }],
  ['compliance.resumed', {}],
  ['reorientation.decided', { ...orientation, reason: `motif ${i}` }],
  ['review.completed', {}],
  ['reminders.switched', { on: i % 2 === 0 }],
];

describe('a path driven by thousands of events stays small and fires each timed action once', () => {
  it('3,000 acts over years, hostile refusals between them: state under 256 KiB throughout', () => {
    const s = applyPathEvent(fresh(), orient(orientation), new Date(at));
    const fired = new Set<string>();
    const applied: Record<string, number> = {};
    let clock = Date.parse(at);
    let largest = 0;
    const ACTS = 3_000;
    for (let i = 0; i < ACTS; i++) {
      clock += 5 * 3_600_000;
      const now = new Date(clock);
      for (const action of timedActions(s).filter((a) => a.at.getTime() <= clock)) {
        expect(fired.has(action.id), `${action.id} fired twice`).toBe(false);
        fired.add(action.id);
        fireTimedAction(s, action, action.at);
      }
      const candidates = acts(i);
      for (let j = 0; j < candidates.length; j++) {
        const [type, data] = candidates[(i + j) % candidates.length]!;
        const event = { type, at: now.toISOString(), by: 'agent-1', id: `EVT-${i}`, data };
        // A refused act leaves the state untouched (test/security/hostile-input.test.ts): no copy needed.
        try {
          applyPathEvent(s, event, now);
        } catch (err) {
          if (err instanceof PathRefusal) continue;
          throw err;
        }
        applied[type] = (applied[type] ?? 0) + 1;
        break;
      }
      // The partners answer (as the workflow's PartnerCaller records): settled calls are compacted.
      for (const c of pendingPartnerCalls(s.partnerCalls))
        partnerCallDone(s.partnerCalls!, c.id, c.attempt, `receipt-${c.id}`, now);
      if (i % 7 === 0) recordRejected(s, { type: 'x'.repeat(1_000_000) }, 'y'.repeat(1_000_000), now);
      if (i % 50 === 0 || i === ACTS - 1) largest = Math.max(largest, JSON.stringify(s).length);
    }
    compactPathState(s);
    const size = JSON.stringify(s).length;
    console.log(
      `[bounds] ${ACTS} acts (${JSON.stringify(applied)}), ${fired.size} timed actions fired once each; ` +
        `state ${(size / 1024).toFixed(1)} KiB at the end, ${(largest / 1024).toFixed(1)} KiB at most`,
    );
    expect(largest).toBeLessThan(256 * 1024);
    expect(Object.keys(applied).length).toBeGreaterThanOrEqual(10);
    expect(s.journal.length).toBeLessThanOrEqual(pathListBounds.journal);
    expect(s.rejected.length).toBeLessThanOrEqual(pathListBounds.rejected);
    expect(s.rejected.at(-1)!.event.length).toBeLessThanOrEqual(64);
    expect(s.compacted?.revision).toBeGreaterThan(0);
    // Deadline ids are never reused after the closed ones leave the lists.
    const ids = [...s.deadlines, ...s.dropped].map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(s.deadlineCount).toBeGreaterThan(ids.length);
  });

  it('an action whose deadline is still awaited keeps its id in handled through compaction', () => {
    const s = fresh();
    const [first] = timedActions(s);
    fireTimedAction(s, first!, first!.at);
    compactPathState(s);
    expect(s.handled).toContain(first!.id);
    expect(timedActions(s).map((a) => a.id)).not.toContain(first!.id);
  });
});
