/**
 * `jalons simulate` runs the letters' scenario (examples/scenarios/courriers.json,
 * docs/courriers.md): the notice received three days after it was posted moves
 * the 10 days to Monday 16 March, so a decision at 23:59 that day is refused,
 * the decider hears of the window's end on Tuesday 17 at 09:00, and the decision
 * then taken is accepted; the letters' events themselves are never refused.
 */
import { describe, expect, inject, it } from 'vitest';
import { loadScenario, simulate } from '../../dev/simulate.js';
import { quietRuntime } from '../support/temporal.js';

describe('jalons simulate: the letters the law requires', () => {
  it('the receipt of the notice starts the 10 days', async () => {
    quietRuntime();
    const report = await simulate(loadScenario('examples/scenarios/courriers.json'), {
      testServerPath: inject('testServerPath'),
      workflowBundlePath: inject('workflowBundlePath'),
      log: () => undefined,
    });
    const [b] = report.beneficiaries;
    expect(b?.rejected).toEqual([
      {
        event: 'sanction.decided',
        // The procedure in full (issue 20): the 10 days also let the person ask to be heard or waive them.
        error:
          'La personne a jusqu’au 16/03/2026 pour présenter ses observations ou demander à être entendue : aucune décision avant, sauf renonciation écrite (observations.waived) (décret 2025-478).',
      },
    ]);
    expect(b?.deadlines.filter((d) => d.kind === 'observations')).toEqual([
      { kind: 'observations', dueAt: '2026-03-16T22:59:59.999Z', metAt: null, breached: false },
    ]);
    expect(b?.notifications.filter((n) => n.template === 'decision.sanction')).toEqual([
      { at: '2026-03-17T08:00:00.000Z', to: 'head-of-service', template: 'decision.sanction' },
    ]);
    expect(b?.sanctions.map((s) => s.decidedAt)).toEqual(['2026-03-17T09:00:00.000Z']);
  }, 120_000);
});
