/**
 * Practice (docs/rules.md §2, issue 20): the reminder cadence per organisation
 * as policy data, and the warning on a référent's 71st intensive contract.
 */
import { describe, expect, it } from 'vitest';
import { getPolicy, policySchema } from '../../domain/policy.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import { organisationFollowUp, timedActions } from '../../domain/path/path-timers.js';
import { portfolioWarning } from '../../domain/path/portfolio.js';

const policy = policySchema.parse({
  ...getPolicy('pas-de-calais'),
  reminderCadence: { 'ccas-lens': [10, 5, 1] },
});

describe('reminder cadence per organisation (policy data)', () => {
  const contract = getPolicy('pas-de-calais').contract.followUp;

  it.each([
    ['ccas-lens', [10, 5, 1]],
    ['cd62', [7, 2]],
    [undefined, [7, 2]],
  ])('the référent of %s is reminded %j days before', (organisation, days) => {
    expect(organisationFollowUp(contract, policy, organisation).remindDaysBefore).toEqual(days);
  });

  it('a reminder to someone else than the référent keeps the deadline’s cadence', () => {
    const orientation = getPolicy('pas-de-calais').orientation.legalFollowUp;
    expect(organisationFollowUp(orientation, policy, 'ccas-lens')).toEqual(orientation);
  });

  it('the Pas-de-Calais gives no organisation its own cadence yet: reminders as before', () => {
    expect(getPolicy('pas-de-calais').reminderCadence).toEqual({});
    const s = newPathState({
      beneficiaryId: 'P-1',
      rightsOpenedAt: '2026-01-05T09:00:00+01:00',
      territory: 'lens-lievin',
    });
    applyPathEvent(
      s,
      {
        type: 'orientation.decided',
        at: '2026-01-12T10:00:00+01:00',
        data: { track: 'social', organisation: 'ccas-lens', referent: 'ref-1' },
      },
      new Date('2026-01-12T10:00:00+01:00'),
    );
    expect(timedActions(s).map((a) => a.id)).toEqual(timedActions(s, { law: false }).map((a) => a.id));
  });
});

describe('a référent’s intensive portfolio: warned past 70, never refused', () => {
  const pdc = getPolicy('pas-de-calais');
  it.each([
    [70, null],
    [
      71,
      'Attention : le référent ref-42 suit désormais 71 personnes en accompagnement intensif, au-delà du plafond de 70 (docs/rules.md §2). Le contrat est enregistré.',
    ],
  ])('%i intensive paths → %s', (n, expected) => {
    expect(portfolioWarning(n, pdc, 'ref-42')).toBe(expected);
  });
});
