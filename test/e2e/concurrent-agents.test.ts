/**
 * Two agents act on the same case at the same moment, each on the page they
 * opened (the revision they saw): one act is applied, the other is refused in
 * French with what changed, and the path holds one act only. Dev server (the
 * time-skipping server drops refused Updates).
 */
import { describe, expect, it } from 'vitest';
import { ActionRefused, actOnPath, showPath, startPath } from '../../services/paths.js';
import { devServerWithWorker } from '../support/temporal.js';

const taskQueue = 'e2e-concurrent-agents';
const t = devServerWithWorker(taskQueue);

describe('two agents on one case', () => {
  it('one wins, the other gets a clear French message and changes nothing', async () => {
    const id = 'CONC-001';
    await startPath(t.env.client, taskQueue, {
      beneficiaryId: id,
      rightsOpenedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      territory: 'audomarois',
    });
    await actOnPath(t.env.client, id, {
      type: 'orientation.decided',
      by: 'agent-a',
      data: { track: 'employment', organisation: 'france-travail', referent: 'ref-3' },
    });
    const opened = await showPath(t.env.client, id);
    // Both fix the first appointment from the same page (revision `opened.seq`), at once.
    const schedule = (by: string, day: number) =>
      actOnPath(t.env.client, id, {
        type: 'appointment.scheduled',
        by,
        seen: opened.seq,
        data: { at: new Date(Date.now() + day * 86_400_000).toISOString() },
      });
    const results = await Promise.allSettled([schedule('agent-a', 7), schedule('agent-b', 9)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(ActionRefused);
    expect((lost[0]?.reason as Error).message).toMatch(
      /^Le dossier a changé depuis que vous l’avez ouvert \(« appointment\.scheduled » enregistré par agent-[ab] le .+\) : rechargez la fiche et refaites l’acte s’il a encore lieu d’être\.$/,
    );
    const after = await showPath(t.env.client, id);
    expect(after.seq).toBe(opened.seq + 1);
    expect(after.journal.filter((j) => j.event === 'appointment.scheduled')).toHaveLength(1);
    // Reloaded, the other agent may act on what is there now.
    await actOnPath(t.env.client, id, {
      type: 'reminders.switched',
      by: 'agent-b',
      seen: after.seq,
      data: { on: false },
    });
    expect((await showPath(t.env.client, id)).remindersOff).toBe(true);
    await t.env.client.workflow.getHandle(`parcours-${id}`).terminate('fin du test');
  }, 120_000);

  it('a path opened before any national rule is refused at start, in French, and nothing is started', async () => {
    await expect(
      startPath(t.env.client, taskQueue, {
        beneficiaryId: 'CONC-OLD',
        rightsOpenedAt: '2024-12-20T09:00:00+01:00',
        territory: 'audomarois',
      }),
    ).rejects.toThrow(
      new ActionRefused('Parcours refusé : aucune règle nationale en vigueur le 2024-12-20.'),
    );
    await expect(t.env.client.workflow.getHandle('parcours-CONC-OLD').describe()).rejects.toThrow();
  });
});
