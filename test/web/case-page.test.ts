/** The case page read as a référent reads it: when the case last moved, and only the acts that make sense. */
import { describe, expect, it } from 'vitest';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import { html } from '../../domain/html.js';
import { timeline, type CaseView } from '../../apps/web/path-page.js';
import { testAccount } from '../support/accounts.js';

const account = testAccount({
  login: 'ref-42',
  organisations: ['cd62'],
  territories: ['audomarois'],
});
const view = (now: Date): CaseView => ({
  user: undefined,
  scope: { all: true },
  account,
  csrf: html`<input type="hidden" name="_csrf" value="t" />`,
  organisations: [{ code: 'cd62', name: 'Département', referents: ['ref-42'] }],
  now,
});
const opened = newPathState({
  beneficiaryId: 'T-PAGE-1',
  rightsOpenedAt: '2026-01-05T08:00:00.000Z',
  territory: 'audomarois',
});

describe('the case page', () => {
  it('says no act was recorded yet, and offers no activity plan before the orientation', () => {
    const page = timeline(opened, view(new Date('2026-01-06T08:00:00Z')));
    expect(page).toContain('Aucun acte enregistré.');
    expect(page).not.toContain('Révision');
    expect(page).not.toContain('/parcours/T-PAGE-1/plan');
  });

  it('names the last act and its Paris time, and offers the plan once oriented', () => {
    const at = new Date('2026-01-12T09:00:00Z');
    const oriented = applyPathEvent(
      opened,
      {
        type: 'orientation.decided',
        at: at.toISOString(),
        data: { track: 'social', organisation: 'cd62', referent: 'ref-42' },
      },
      at,
    );
    const page = timeline(oriented, view(at));
    expect(page).toMatch(/Dernier acte : [^<]*orient[^<]*, le 12\/01\/2026 à 10:00\./);
    expect(page).toContain('/parcours/T-PAGE-1/plan');
  });
});

describe('the story names what the path recorded by itself', () => {
  it('an appeal left unanswered, a proposal without follow-up, the opening — and an act by its label', async () => {
    const { eventLabel } = await import('../../apps/web/path-story.js');
    expect(eventLabel('appeal.implicit-rejection')).toBe(
      'Recours : rejet implicite (pas de réponse du président en 2 mois)',
    );
    expect(eventLabel('sanction.proposal-void')).toBe('Proposition de sanction de France Travail sans suite');
    expect(eventLabel('rights.opened')).toBe('Ouverture du droit');
    expect(eventLabel('appeal.filed')).not.toBe('appeal.filed');
  });
});

describe('a référent’s 71st intensive contract (docs/rules.md §2: warned, not refused)', () => {
  const intensivePath = (id: string, referent: string) => {
    const s = newPathState({
      beneficiaryId: id,
      rightsOpenedAt: '2026-01-05T08:00:00.000Z',
      territory: 'audomarois',
    });
    const at = (d: string) => new Date(`2026-01-${d}T10:00:00+01:00`);
    applyPathEvent(
      s,
      { type: 'orientation.decided', data: { track: 'social', organisation: 'cd62', referent } },
      at('08'),
    );
    applyPathEvent(s, { type: 'appointment.attended', data: {} }, at('12'));
    applyPathEvent(s, { type: 'diagnostic.completed', data: { barriers: [] } }, at('12'));
    applyPathEvent(s, { type: 'contract.signed', data: { weeklyHours: 15, intensive: true } }, at('19'));
    return s;
  };

  it('says nothing at the 70th, warns at the 71st and names the cap, counting the contract just signed', async () => {
    const { openReadModel } = await import('../../store/db.js');
    const { recordPath } = await import('../../store/record.js');
    const { pathWorkflowId } = await import('../../domain/ids.js');
    const { intensiveCapWarning } = await import('../../apps/web/path-routes.js');
    const db = await openReadModel('memory:');
    try {
      for (let i = 0; i < 69; i++) {
        const s = intensivePath(`T-CAP-${i}`, 'ref-cap');
        await recordPath(db, { workflowId: pathWorkflowId(s.beneficiaryId), revision: 1, state: s });
      }
      // The 70th, not yet in the read model: 69 others + this one.
      expect(await intensiveCapWarning(db, intensivePath('T-CAP-69', 'ref-cap'))).toBeNull();
      const s70 = intensivePath('T-CAP-69', 'ref-cap');
      await recordPath(db, { workflowId: pathWorkflowId(s70.beneficiaryId), revision: 1, state: s70 });
      // Counted once even when the read model already holds it.
      expect(await intensiveCapWarning(db, s70)).toBeNull();
      const warning = await intensiveCapWarning(db, intensivePath('T-CAP-70', 'ref-cap'));
      expect(warning).toContain('71 personnes');
      expect(warning).toContain('plafond de 70');
      expect(await intensiveCapWarning(db, intensivePath('T-CAP-70', 'ref-other'))).toBeNull();
    } finally {
      await db.close();
    }
  });
});
