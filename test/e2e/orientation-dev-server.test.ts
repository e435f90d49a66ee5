/**
 * End to end on the Temporal CLI dev server (the real server the stack runs):
 * the `jalons` CLI starts and reads a path, the real worker sends through real
 * SMTP, refused actions get French errors and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PathState } from '../../domain/path/path.js';
import { ActionRefused, orientPath, showPath, startPath } from '../../services/paths.js';
import { devServerWithWorker } from '../support/temporal.js';
import { jalonsCli } from '../support/cli.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

const DAY = 86_400_000;

const taskQueue = 'e2e-orientation';
// The read model the worker writes and `jalons retards` reads, in another process: a real PostgreSQL.
let pg: TestPostgres | undefined;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg?.stop());
const t = devServerWithWorker(taskQueue, undefined, () => pg!.url);

const jalons = jalonsCli(() => ({
  address: t.env.address,
  taskQueue,
  env: { JALONS_READMODEL_URL: pg!.url },
}));

describe('orientation slice on the dev server', () => {
  it('the CLI starts a path 20 days after the opening: the missed target is escalated by email at once', async () => {
    const opened = new Date(Date.now() - 20 * DAY).toISOString();
    const started = await jalons(
      'parcours',
      'demarrer',
      'E2E-001',
      '--ouverture',
      opened,
      '--territoire',
      'audomarois',
      '--json',
    );
    expect(started.code).toBe(0);
    expect(JSON.parse(started.stdout)).toEqual({ workflowId: 'parcours-E2E-001', created: true });

    const again = await jalons(
      'parcours',
      'demarrer',
      'E2E-001',
      '--ouverture',
      opened,
      '--territoire',
      'audomarois',
    );
    expect(again.stdout).toContain('existe déjà : rien n’a changé');

    const [mail] = await t.sink.waitFor((m) =>
      m.some((x) => x.headers['x-jalons-key'] === 'parcours-E2E-001/orientation.local#1:escalation'),
    );
    const escalation = t.sink
      .messages()
      .find((x) => x.headers['x-jalons-key'] === 'parcours-E2E-001/orientation.local#1:escalation');
    expect(mail).toBeDefined();
    expect(escalation?.to).toEqual(['chef-service-insertion@departement.example']);
    expect(escalation?.subject).toMatch(
      /^\[Jalons\] Retard : orientation de E2E-001 non décidée au \d{2}\/\d{2}\/\d{4}$/,
    );
    expect(escalation?.text).toContain('Le délai légal de 6 semaines court toujours');
    expect(escalation?.html).toContain('<html lang="fr">');
    // The reminder before the target came too late to be useful: never sent.
    expect(
      t.sink.messages().filter((x) => x.headers['x-jalons-key']?.startsWith('parcours-E2E-001/')).length,
    ).toBe(1);

    const shown = await jalons('parcours', 'voir', 'E2E-001', '--json');
    const state = JSON.parse(shown.stdout) as PathState;
    expect(state.step).toBe('orientation');
    expect(state.deadlines.find((d) => d.kind === 'orientation.local')?.breached).toBe(true);
    expect(state.notifications.map((n) => n.template)).toEqual(['escalation.orientation']);

    const text = await jalons('parcours', 'voir', 'E2E-001');
    expect(text.stdout).toContain('Parcours E2E-001 — en attente d’orientation');
    expect(text.stdout).toContain('Orientation (objectif départemental)');
  });

  it('refuses an invalid orientation with a French message and changes nothing, then accepts a valid one', async () => {
    const opened = new Date(Date.now() - 3 * DAY).toISOString();
    await startPath(t.env.client, taskQueue, {
      beneficiaryId: 'E2E-002',
      rightsOpenedAt: opened,
      territory: 'lens-lievin',
    });
    const before = await showPath(t.env.client, 'E2E-002');
    const refusal = (arg: unknown) =>
      orientPath(t.env.client, 'E2E-002', arg as never).then(
        () => 'accepté',
        (e: unknown) => (e instanceof ActionRefused ? e.message : `autre erreur : ${String(e)}`),
      );

    expect(await refusal({ track: 'sport', organisation: 'cd62', referent: 'ref-1' })).toMatch(
      /^Événement invalide : data\.track : parcours attendu/,
    );
    expect(await refusal({ track: 'social', organisation: '', referent: 'ref-1' })).toContain(
      'organisme référent requis',
    );
    expect(await refusal({ track: 'social', organisation: 'cd62', referent: 'Jean Dupont' })).toContain(
      'identifiant pseudonyme attendu',
    );
    expect(await refusal({ track: 'social', organisation: 'cd62', referent: 'ref-1', nom: 'X' })).toContain(
      'Clé non reconnue',
    );
    expect(
      await refusal({
        track: 'social',
        organisation: 'cd62',
        referent: 'ref-1',
        decidedAt: '2099-01-01T10:00:00+01:00',
      }),
    ).toBe('Un acte ne peut être daté dans le futur.');
    expect(
      await refusal({
        track: 'social',
        organisation: 'cd62',
        referent: 'ref-1',
        decidedAt: '2020-01-01T10:00:00+01:00',
      }),
    ).toBe('Un acte ne peut précéder l’ouverture du droit.');
    expect(await showPath(t.env.client, 'E2E-002')).toEqual(before);

    const cli = await jalons(
      'parcours',
      'orienter',
      'E2E-002',
      '--parcours',
      'social',
      '--organisation',
      'cd62',
      '--referent',
      'ref-1',
      '--json',
    );
    expect(cli.code, cli.stderr).toBe(0);
    const state = JSON.parse(cli.stdout) as PathState;
    expect(state.step).toBe('first-appointment');
    expect(state.deadlines.map((d) => [d.kind, d.breached])).toEqual([
      ['orientation.local', false],
      ['orientation.legal', false],
      ['first-appointment', false],
      ['contract', false],
    ]);

    const twice = await jalons(
      'parcours',
      'orienter',
      'E2E-002',
      '--parcours',
      'employment',
      '--organisation',
      'cd62',
      '--referent',
      'ref-2',
    );
    // Once oriented, a new orientation is a réorientation: refused in French, nothing changed.
    expect(twice.code).toBe(3);
    expect(twice.stderr).toContain('Refusé : Ce parcours est déjà orienté : utilisez une réorientation');
    expect((await showPath(t.env.client, 'E2E-002')).orientation?.referent).toBe('ref-1');

    const unknown = await jalons('parcours', 'voir', 'E2E-404');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('Refusé : Aucun parcours pour l’allocataire E2E-404.');
  });
});

describe('acting on a path and finding it, on the dev server', () => {
  /** Visibility is eventually consistent: asks again until the answer comes. */
  async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    for (let i = 0; ; i++) {
      const value = await read();
      if (ok(value) || i === 50) return value;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const ids = async (query: string) => {
    const found: string[] = [];
    for await (const w of t.env.client.workflow.list({ query })) found.push(w.workflowId);
    return found.sort();
  };

  it('records acts through `jalons path act`, refuses what the rules forbid, and shows the path in visibility', async () => {
    await startPath(t.env.client, taskQueue, {
      beneficiaryId: 'E2E-003',
      rightsOpenedAt: new Date(Date.now() - 3 * DAY).toISOString(),
      territory: 'montreuillois',
    });
    const data = JSON.stringify({ track: 'social', organisation: 'ccas-berck', referent: 'ref-5' });
    const oriented = await jalons(
      'parcours',
      'acte',
      'E2E-003',
      'orientation.decided',
      '--donnees',
      data,
      '--json',
    );
    expect(oriented.code, oriented.stderr).toBe(0);
    expect((JSON.parse(oriented.stdout) as PathState).step).toBe('first-appointment');

    const before = await showPath(t.env.client, 'E2E-003');
    const refused = await jalons(
      'parcours',
      'acte',
      'E2E-003',
      'sanction.decided',
      '--donnees',
      '{"rate":0.3,"months":1}',
    );
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('Refusé : Aucune procédure de sanction n’attend cette étape.');
    const badData = await jalons(
      'parcours',
      'acte',
      'E2E-003',
      'appointment.missed',
      '--donnees',
      '{"excused":"oui"}',
    );
    expect(badData.code).toBe(3);
    expect(badData.stderr).toContain('Refusé : Événement invalide : data.excused');
    expect(await showPath(t.env.client, 'E2E-003')).toEqual(before);

    const query =
      'JalonsStep = "first-appointment" AND JalonsReferent = "ref-5" AND JalonsTerritory = "montreuillois"';
    expect(
      await eventually(
        () => ids(query),
        (v) => v.length === 1,
      ),
    ).toEqual(['parcours-E2E-003']);
    // E2E-001 missed its local target and is not oriented: it is late; E2E-003 is not.
    const late = await eventually(
      () => ids('JalonsLate = true'),
      (v) => v.includes('parcours-E2E-001'),
    );
    expect(late).toContain('parcours-E2E-001');
    expect(late).not.toContain('parcours-E2E-003');

    // `jalons retards` reads the read model (as the API does): written by the worker, read by the CLI.
    const lateRows = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as { beneficiaryId: string; step: string; kind: string }[]).map((p) => [
        p.beneficiaryId,
        p.step,
        p.kind,
      ]);
    const cli = await eventually(
      () => jalons('retards', '--territoire', 'audomarois', '--json'),
      (r) => r.code === 0 && lateRows(r).some(([id]) => id === 'E2E-001'),
    );
    expect(cli.code).toBe(0);
    expect(lateRows(cli)).toContainEqual(['E2E-001', 'orientation', 'orientation.local']);
    expect((await jalons('retards', '--territoire', 'montreuillois')).stdout).toContain(
      '0 échéance(s) en retard',
    );
    const bad = await jalons('retards', '--etape', 'nulle-part');
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('Refusé : Filtre invalide : etape');
  });
});
