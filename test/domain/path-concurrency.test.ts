/** An act decided on an older view of the path (`seen`) is refused with what changed; the current view passes. */
import { describe, expect, it } from 'vitest';
import { applyPathEvent, newPathState, refusalOf } from '../../domain/path/path-machine.js';

describe('acts carry the revision their author saw', () => {
  const at = '2026-01-12T10:00:00+01:00';
  const s = newPathState({
    beneficiaryId: 'T-C-1',
    rightsOpenedAt: '2026-01-05T09:00:00+01:00',
    territory: 'audomarois',
  });
  applyPathEvent(
    s,
    {
      type: 'orientation.decided',
      at,
      by: 'agent-a',
      data: { track: 'social', organisation: 'cd62', referent: 'ref-1' },
    },
    new Date(at),
  );
  const later = '2026-01-13T10:00:00+01:00';
  const switchOff = (seen: number) => ({ type: 'reminders.switched', seen, at: later, data: { on: false } });

  it('refuses an act decided before the last change, naming it, its author and its date (Paris)', () => {
    expect(refusalOf(s, switchOff(0), new Date(later))).toBe(
      'Le dossier a changé depuis que vous l’avez ouvert (« orientation.decided » enregistré par agent-a le 12/01/2026 à 10:00) : rechargez la fiche et refaites l’acte s’il a encore lieu d’être.',
    );
  });

  it('accepts the act decided on the current revision', () => {
    expect(s.seq).toBe(1);
    expect(refusalOf(s, switchOff(1), new Date(later))).toBeNull();
  });
});
