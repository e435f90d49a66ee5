/**
 * On the Temporal dev server (the test server has no Schedules): the exchanges'
 * Schedules exist with their calendars; triggered, the weekly list reaches
 * France Travail's simulator and the Pilot'Actions reminder reaches the grants
 * team with the indicators of the year before, computed from real path workflows
 * (acts dated in 2025). The same reports come out of `jalons rapport` (CSV,
 * readable HTML) and of the web app's « Rapports » page.
 *
 * Expected figures for 2025, by hand from the acts below (civil days, Paris):
 * opened 4 (RP-001, 002, 003, 005; RP-004 opened in 2026); first orientations 4:
 * 7, 24, 46 and 17 days → 23.5; within 15 days: RP-001 only (1/4); within
 * 6 weeks: all but RP-003 (3/4); contracts 2 (RP-001 after 21 days, RP-002
 * after 49 → 35), both within the month; 1 réorientation, to employment;
 * 1 intensive; plans of 13 h and 3 h → 8 h; 2 interviews; 1 exit to a job;
 * 1 PMSMP, 1 autonomy préparatoire, 1 candidate (RP-001), who did not exit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previousIsoWeek } from '../../domain/exchanges/weekly-list.js';
import type { PathEventInput } from '../../domain/path/path-events.js';
import { createAccount } from '../../store/accounts.js';
import {
  ensureExchangeSchedules,
  reportingScheduleId,
  WEEKLY_LIST_SCHEDULE_ID,
} from '../../services/exchanges-schedules.js';
import { applyPathEvent, newPathState } from '../../domain/path/path-machine.js';
import { pathInputSchema } from '../../domain/path/path.js';
import { pathWorkflowId } from '../../domain/ids.js';
import { beneficiaryPath } from '../../workflows/path/path.js';
import { startWebApp } from '../../apps/web/server.js';
import { jalonsCli } from '../support/cli.js';
import { devServerEnv } from '../support/temporal.js';
import { alerts, mails, signIn, startHarness, until, type Harness } from './harness.js';

let env: TestWorkflowEnvironment;
let h: Harness;
let dir: string;
const taskQueue = 'exchanges-schedules';
const jalons = jalonsCli(() => ({ address: env.address, taskQueue }));

beforeAll(async () => {
  env = await devServerEnv();
  h = await startHarness(env, taskQueue);
  dir = mkdtempSync(join(tmpdir(), 'jalons-rapports-'));
}, 120_000);
afterAll(async () => {
  await h?.close();
  await env?.teardown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Act = [string, PathEventInput['type'], string, Record<string, unknown>?];
const plan1 = [
  { offerId: 'LL-pmsmp', label: 'Immersion en entreprise (PMSMP)', weeklyHours: 9, theme: 'immersion' },
  {
    offerId: 'LL-sap',
    label: 'Préparatoire aide à domicile',
    weeklyHours: 4,
    theme: 'preparation-metiers-autonomie',
  },
];
const acts: Act[] = [
  [
    'RP-001',
    'orientation.decided',
    '2025-03-10T10:00:00+01:00',
    { track: 'socio-professional', organisation: 'cd62', referent: 'ref-1' },
  ],
  ['RP-001', 'appointment.attended', '2025-03-17T10:00:00+01:00'],
  ['RP-001', 'diagnostic.completed', '2025-03-17T11:00:00+01:00', { barriers: [] }],
  [
    'RP-001',
    'contract.signed',
    '2025-03-24T10:00:00+01:00',
    { weeklyHours: 15, intensive: true, plan: plan1 },
  ],
  ['RP-001', 'interview.held', '2025-04-07T10:00:00+02:00'],
  ['RP-001', 'interview.held', '2025-04-21T10:00:00+02:00'],
  [
    'RP-002',
    'orientation.decided',
    '2025-04-25T10:00:00+02:00',
    { track: 'employment', organisation: 'france-travail', referent: 'ref-2' },
  ],
  [
    'RP-002',
    'contract.signed',
    '2025-05-20T10:00:00+02:00',
    {
      weeklyHours: 15,
      intensive: false,
      plan: [{ label: 'Club recherche d’emploi', weeklyHours: 3, theme: 'recherche-emploi' }],
    },
  ],
  ['RP-002', 'rights.ended', '2025-06-30T10:00:00+02:00', { reason: 'job' }],
  [
    'RP-003',
    'orientation.decided',
    '2025-06-20T10:00:00+02:00',
    { track: 'social', organisation: 'ccas-lens', referent: 'ref-3' },
  ],
  [
    'RP-003',
    'reorientation.decided',
    '2025-07-15T10:00:00+02:00',
    {
      track: 'employment',
      organisation: 'france-travail',
      referent: 'ref-4',
      reason: 'projet professionnel',
    },
  ],
  [
    'RP-004',
    'orientation.decided',
    '2026-01-15T10:00:00+01:00',
    { track: 'social', organisation: 'ccas-lens', referent: 'ref-3' },
  ],
  [
    'RP-005',
    'orientation.decided',
    '2025-01-19T10:00:00+01:00',
    { track: 'socio-professional', organisation: 'cd62', referent: 'ref-1' },
  ],
];

async function loadPaths(): Promise<void> {
  const opened: [string, string, string][] = [
    ['RP-001', '2025-03-03T09:00:00+01:00', 'lens-lievin'],
    ['RP-002', '2025-04-01T09:00:00+02:00', 'audomarois'],
    ['RP-003', '2025-05-05T09:00:00+02:00', 'lens-lievin'],
    ['RP-004', '2026-01-10T09:00:00+01:00', 'montreuillois'],
    ['RP-005', '2025-01-02T09:00:00+01:00', 'audomarois'],
  ];
  // Each path starts from the state its backdated acts made (as a restart from a recorded state
  // does): sent one by one as Updates, they would race the overdue timers the new path fires at
  // once, and an act dated before a fired timer is refused.
  for (const [id, at, territory] of opened) {
    const input = { beneficiaryId: id, rightsOpenedAt: at, territory };
    const carried = newPathState(pathInputSchema.parse(input));
    for (const [, type, actAt, data] of acts.filter(([x]) => x === id))
      applyPathEvent(carried, { type, at: actAt, data: data ?? {} } as PathEventInput, new Date());
    await env.client.workflow.start(beneficiaryPath, {
      args: [{ ...input, carried }],
      workflowId: pathWorkflowId(id),
      taskQueue,
    });
  }
  const journal = async () =>
    (
      await h.db.query<{ id: string; n: number }>(
        `select p.beneficiary_id as id, count(j.seq)::int as n from paths p left join journal j using (workflow_id) group by 1 order by 1`,
      )
    ).map((r) => `${r.id}:${r.n}`);
  const expected = [...new Set(acts.map(([id]) => id))]
    .sort()
    .map((id) => `${id}:${acts.filter(([x]) => x === id).length}`);
  // On a timeout, the message says which path's snapshot the read model lacks.
  await until(async () => JSON.stringify(await journal()) === JSON.stringify(expected), 60_000).catch(
    async () => {
      throw new Error(
        `journal du modèle de lecture : ${(await journal()).join(' ')} ; attendu ${expected.join(' ')}`,
      );
    },
  );
}

const expectedPilotActions = [
  'Droits ouverts (nouveaux entrants) : 4',
  'Premières orientations décidées : 4',
  'Délai moyen ouverture du droit → orientation : 23,5 j',
  'Part orientée dans les 15 jours (objectif départemental) : 25 %',
  'Part orientée dans le délai légal de 6 semaines : 75 %',
  'Contrats d’engagement signés : 2',
  'Délai moyen ouverture du droit → signature du contrat d’engagement : 35 j',
  'Part des contrats signés dans le mois de l’orientation : 100 %',
  'Réorientations : 1',
  'Réorientations vers le parcours emploi : 1',
  'Sanctions prononcées : 0',
  'Sanctions levées par remobilisation : 0',
  'Personnes en accompagnement intensif pendant la période : 1',
  'Moyenne des heures mobilisées dans la programmation hebdomadaire (cible 10 h) : 8 h',
  'Heures hebdomadaires moyennes inscrites aux contrats : 15 h',
  'Entretiens de suivi tenus : 2',
  'Sorties vers l’emploi : 1',
];

describe('the exchanges’ Schedules and the conventions’ reports', { timeout: 240_000 }, () => {
  it('creates the Schedules once, at their hours in Paris; the weekly list, triggered, reaches France Travail', async () => {
    const created = await ensureExchangeSchedules(env.client, taskQueue);
    expect(created.every((s) => s.created)).toBe(true);
    expect((await ensureExchangeSchedules(env.client, taskQueue)).every((s) => !s.created)).toBe(true);
    expect(created.map((s) => s.scheduleId)).toEqual([
      'jalons-ft-liste-hebdo',
      'jalons-catalogue',
      'jalons-monjob',
      'jalons-rapports-pilot-actions',
      'jalons-rapports-cnsa-compte-rendu',
      'jalons-rapports-ft-comite-pilotage',
    ]);
    const weekly = await env.client.schedule.getHandle(WEEKLY_LIST_SCHEDULE_ID).describe();
    expect(weekly.spec.timezone).toBe('Europe/Paris');
    expect(weekly.spec.calendars?.[0]).toMatchObject({
      dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }],
      hour: [{ start: 6, end: 6, step: 1 }],
    });

    await env.client.schedule.getHandle(WEEKLY_LIST_SCHEDULE_ID).trigger();
    const week = previousIsoWeek(new Date());
    // Deposited at once; France Travail is first asked for its acknowledgement 10 minutes later.
    await until(() => h.sims.exchanges.deposits().some((d) => d.week === week), 60_000);
    expect(h.sims.exchanges.deposits()[0]).toMatchObject({
      fileName: `jalons-liste-hebdo-ft-${week}.csv`,
      rows: 0,
    });
    await until(
      async () =>
        (await h.db.query(`select 1 from ft_weekly_lists where week = $1 and status = 'deposited'`, [week]))
          .length === 1,
    );
  });

  it('before the Pilot’Actions campaign, the grants team gets the year’s indicators by email', async () => {
    await loadPaths();
    await env.client.schedule.getHandle(reportingScheduleId('pilot-actions')).trigger();
    await until(() => mails(h.sink, 'reminder.reporting-campaign').length === 1, 60_000);
    const [mail] = mails(h.sink, 'reminder.reporting-campaign');
    expect(mail?.to).toEqual(['subventions@departement.example']);
    expect(mail?.subject).toBe(
      '[Jalons] Campagne annuelle Pilot’Actions (bilan de l’année écoulée) : les indicateurs sont prêts',
    );
    expect(mail?.text).toContain('pour la période du 01/01/2025 au 31/12/2025');
    const cie = mail!.text.split(
      'Convention départementale pour l’insertion et l’emploi 2025-2027 (État)\n',
    )[1]!;
    expect(cie.split('\n').slice(0, expectedPilotActions.length)).toEqual(expectedPilotActions);
    expect(mail?.text).toContain(
      'Contrat local des solidarités, avenant 2025 (État)\nDroits ouverts (nouveaux entrants) : 4',
    );
    const [kept] = await h.db.query<{ campaign: string }>(
      `select campaign from reports where id = 'etat-cie-2025-2027/2025-01-01/2025-12-31'`,
    );
    expect(kept?.campaign).toBe('pilot-actions');
  });

  it('`jalons rapport` gives the CNSA indicators as CSV and a readable HTML report; bad input is refused in French', async () => {
    const csv = await jalons('rapport', 'cnsa-ami-2026', '--du', '2025-01-01', '--au', '2025-12-31');
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    expect(csv.stdout.replace(/^\ufeff/, '').split('\r\n')).toEqual([
      'code;indicateur;valeur;valeur_affichee;unite;source;periode_du;periode_au',
      'pmsmp_prescribed;PMSMP (immersions) prescrites;1;1;count;AMI CNSA 2026, annexe 3 (indicateurs CNSA);2025-01-01;2025-12-31',
      'autonomy_preparatory;Préparatoires à l’emploi (métiers de l’autonomie) mobilisées;1;1;count;AMI CNSA 2026, annexe 3 (indicateurs CNSA);2025-01-01;2025-12-31',
      'autonomy_candidates;Candidats mobilisés vers les métiers de l’autonomie;1;1;count;AMI CNSA 2026, annexe 3 (indicateurs CNSA);2025-01-01;2025-12-31',
      'autonomy_exits_to_job;Candidats mobilisés sortis vers l’emploi;0;0;count;AMI CNSA 2026, annexe 3 (indicateurs CNSA);2025-01-01;2025-12-31',
      '',
    ]);

    const file = join(dir, 'rapport.html');
    const html = await jalons(
      'rapport',
      'etat-cie-2025-2027',
      '--du',
      '2025-01-01',
      '--au',
      '2025-12-31',
      '--format',
      'html',
      '--sortie',
      file,
    );
    expect(html.code).toBe(0);
    expect(html.stdout.trim()).toBe(
      `Rapport écrit dans ${file} (Convention départementale pour l’insertion et l’emploi 2025-2027 (État), du 2025-01-01 au 2025-12-31).`,
    );
    const page = readFileSync(file, 'utf8');
    expect(page).toContain('<html lang="fr">');
    expect(page).toMatch(
      /Moyenne des heures mobilisées dans la programmation hebdomadaire \(cible 10 h\)<\/td>\s*<td class="v">8 h<\/td>/,
    );

    const badDate = await jalons('rapport', 'etat-cie-2025-2027', '--du', '2025-02-30', '--au', '2025-12-31');
    expect(badDate.code).toBe(3);
    expect(badDate.stderr.trim()).toBe('Refusé : --du : date inexistante');
    const badConvention = await jalons(
      'rapport',
      'departement-du-nord',
      '--du',
      '2025-01-01',
      '--au',
      '2025-12-31',
    );
    expect(badConvention.code).toBe(3);
    expect(badConvention.stderr).toContain(
      'Refusé : convention attendue : etat-cie-2025-2027, etat-cls-2025',
    );
  });

  it('`jalons echange etat` shows the week sent; the web app’s « Rapports » page is for Département-wide accounts', async () => {
    const schedules = await jalons('echange', 'planifier');
    expect(schedules.code).toBe(0);
    expect(schedules.stdout).toContain('mis à jour  jalons-ft-liste-hebdo');
    const catalogue = await jalons('echange', 'catalogue');
    expect(catalogue.stdout.trim()).toBe('Catalogue synchronisé : 30 service(s) en cache, 0 retiré(s).');
    const badWeek = await jalons('echange', 'liste-ft', '--semaine', '2025-W53');
    expect(badWeek.code).toBe(3);
    expect(badWeek.stderr.trim()).toBe('Refusé : --semaine : semaine inexistante');

    const status = await jalons('echange', 'etat');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(
      `${previousIsoWeek(new Date())}     0 ligne(s)  déposée, en attente d’acquittement  dépôt FT-DEPOT-000001`,
    );
    expect(status.stdout).toContain('Catalogue de l’offre : 30 service(s) en cache, synchronisé le ');

    const web = await startWebApp({ client: env.client, db: h.db, port: 0, secureCookie: false });
    try {
      const base = `http://127.0.0.1:${web.port}`;
      const password = 'un mot de passe de test assez long';
      await createAccount(
        h.db,
        { login: 'pilotage', role: 'lecture', allCases: true, password },
        { channel: 'cli' },
      );
      await createAccount(
        h.db,
        { login: 'agent-au', role: 'agent', territories: ['audomarois'], password },
        { channel: 'cli' },
      );
      const all = await signIn(base, 'pilotage', password);
      const page = await all.page('/rapports?convention=cnsa-ami-2026&du=2025-01-01&au=2025-12-31');
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/PMSMP \(immersions\) prescrites<\/td>\s*<td><strong>1<\/strong>/);
      const csv = await all.fetch(
        '/rapports/telecharger?convention=cnsa-ami-2026&du=2025-01-01&au=2025-12-31&format=csv',
      );
      expect(csv.headers.get('content-disposition')).toBe(
        'attachment; filename="rapport-cnsa-ami-2026-2025-01-01-2025-12-31.csv"',
      );
      const wrong = await all.page('/rapports?convention=cnsa-ami-2026&du=2025-12-31&au=2025-01-01');
      expect(wrong.status).toBe(422);
      expect(alerts(wrong.text)).toEqual([
        'Refusé : Période invalide : la fin de la période précède son début.',
      ]);
      const perimeter = await signIn(base, 'agent-au', password);
      const refused = await perimeter.page('/rapports');
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('réservés aux comptes qui voient tous les dossiers');
    } finally {
      await web.app.close();
    }
  });
});
