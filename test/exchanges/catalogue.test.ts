/**
 * The offer catalogue, against its simulator over HTTP: the sync keeps valid
 * services and sets the others aside, the cache is searched without accents,
 * a broken catalogue never empties the cache, a refusal alerts a person. Then
 * the operations web app (signed in, CSRF, over HTTP) builds a contract's
 * weekly plan from the catalogue on a real path workflow — and when the
 * catalogue is down, the plan still saves, as entered, with a French warning.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchCatalogue, syncCatalogue } from '../../services/catalogue.js';
import { createAccount } from '../../store/accounts.js';
import { actOnPath, showPath, startPath } from '../../services/paths.js';
import { startWebApp } from '../../apps/web/server.js';
import { sampleCatalogue } from '../../dev/simulators/catalogue-sample.js';
import { catalogueSync } from '../../workflows/exchanges/exchanges.js';
import { timeSkippingEnv } from '../support/temporal.js';
import { alerts, mails, signIn, startHarness, until, type Harness } from './harness.js';

let env: TestWorkflowEnvironment;
let h: Harness;
let web: Awaited<ReturnType<typeof startWebApp>>;
let base = '';
const PASSWORD = 'un mot de passe de test assez long';

beforeAll(async () => {
  env = await timeSkippingEnv(new Date('2026-06-01T09:00:00+02:00'));
  h = await startHarness(env, 'exchanges-catalogue');
  // The web app reaches the partners named by the environment: here, the test's simulators.
  process.env.JALONS_SIMULATORS_PORT = String(h.sims.port);
  web = await startWebApp({ client: env.client, db: h.db, port: 0, secureCookie: false });
  base = `http://127.0.0.1:${web.port}`;
}, 120_000);
afterAll(async () => {
  await web?.app.close();
  await h?.close();
  await env?.teardown();
});

const signedIn = (login: string) => signIn(base, login, PASSWORD);

async function orientedPath(id: string): Promise<void> {
  await startPath(env.client, h.taskQueue, {
    beneficiaryId: id,
    rightsOpenedAt: '2026-05-25T09:00:00+02:00',
    territory: 'lens-lievin',
  });
  await actOnPath(env.client, id, {
    type: 'orientation.decided',
    at: '2026-05-27T10:00:00+02:00',
    data: { track: 'socio-professional', organisation: 'cd62', referent: 'ref-7' },
  });
}

describe('the offer catalogue and its cache', () => {
  it('keeps the valid services, sets the others aside, and is searched without accents', async () => {
    h.sims.exchanges.setCatalogue([...sampleCatalogue(), { id: 'XX-sans-theme', nom: 'Service incomplet' }]);
    const summary = await syncCatalogue(h.db, h.sims.config());
    expect(summary.services).toBe(30);
    expect(summary.rejected).toHaveLength(1);
    expect(summary.rejected[0]?.id).toBe('XX-sans-theme');
    expect(summary.rejected[0]?.reason).toContain('thematiques');

    expect(await searchCatalogue(h.db, { territory: 'audomarois' })).toHaveLength(10);
    expect(
      (await searchCatalogue(h.db, { territory: 'montreuillois', theme: 'immersion' })).map((s) => s.id),
    ).toEqual(['MO-pmsmp']);
    expect((await searchCatalogue(h.db, { text: 'NUMERIQUE' })).map((s) => s.id).sort()).toEqual([
      'AU-numer',
      'LL-numer',
      'MO-numer',
    ]);
    // Communes rotate over the kinds: Berck holds the 2nd, 5th and 8th kinds of the Montreuillois.
    expect((await searchCatalogue(h.db, { text: 'berck' })).map((s) => s.id).sort()).toEqual([
      'MO-garde',
      'MO-mobil',
      'MO-sap',
    ]);

    // A service gone from the catalogue leaves the cache; an empty answer empties nothing.
    h.sims.exchanges.setCatalogue(sampleCatalogue().filter((s) => s.id !== 'LL-aci'));
    expect((await syncCatalogue(h.db, h.sims.config())).removed).toBe(1);
    h.sims.exchanges.setCatalogue([]);
    await expect(syncCatalogue(h.db, h.sims.config())).rejects.toThrow(
      'Le catalogue n’a renvoyé aucun service valide : le cache actuel est gardé.',
    );
    expect(await searchCatalogue(h.db, {}, 100)).toHaveLength(29);
    h.sims.exchanges.setCatalogue(sampleCatalogue());
  });

  it('the daily sync workflow alerts a person when the catalogue refuses it', async () => {
    h.sims.faults.inject({
      partner: 'catalogue',
      route: 'search',
      kind: 'status',
      status: 401,
      message: 'jeton expiré',
    });
    const result = await env.client.workflow.execute(catalogueSync, {
      taskQueue: h.taskQueue,
      workflowId: 'catalogue-test-1',
    });
    expect(result).toEqual({
      failed:
        'Le catalogue de l’offre d’insertion a refusé la demande (POST /services/search, statut 401) : jeton expiré',
    });
    await until(() => mails(h.sink, 'alert.exchange-failed').length === 1);
    expect(mails(h.sink, 'alert.exchange-failed')[0]?.subject).toBe('[Jalons] Échange en échec : catalogue');

    const ok = await env.client.workflow.execute(catalogueSync, {
      taskQueue: h.taskQueue,
      workflowId: 'catalogue-test-2',
    });
    expect(ok).toMatchObject({ services: 30, removed: 0, rejected: [] });
  });
});

describe('building a contract’s weekly plan in the web app', () => {
  it('a référent picks services from the catalogue; the plan is saved with the contract and counts towards its hours', async () => {
    await createAccount(
      h.db,
      { login: 'agent-ll', role: 'agent', territories: ['lens-lievin'], password: PASSWORD },
      { channel: 'cli' },
    );
    await orientedPath('PL-001');
    const v = await signedIn('agent-ll');

    const search = await v.page('/parcours/PL-001/plan?theme=immersion');
    expect(search.status).toBe(200);
    // Searched in the path's territory by default: the Lens-Liévin immersion only.
    expect(search.text).toContain('value="LL-pmsmp"');
    expect(search.text).not.toContain('value="MO-pmsmp"');

    const saved = await v.post('/parcours/PL-001/plan?theme=immersion', [
      ['_csrf', search.csrf],
      ['offre', 'LL-pmsmp'],
      ['libelle_LL-pmsmp', 'Immersion en entreprise (PMSMP) accompagnée — Avion'],
      ['theme_LL-pmsmp', 'immersion'],
      ['heures_LL-pmsmp', '9'],
      ['libre_libelle_1', 'Atelier CV à la médiathèque'],
      ['libre_heures_1', '2,5'],
      ['weeklyHours', '15'],
      ['intensive', 'oui'],
    ]);
    expect(saved.status).toBe(200);
    expect(alerts(saved.text)).toEqual(['Contrat d’engagement et plan d’activités enregistrés.']);
    expect(saved.text).toContain('11,5 h planifiées sur 15 h');
    const s = await showPath(env.client, 'PL-001');
    expect(s.contract).toMatchObject({ weeklyHours: 15, intensive: true });
    expect(s.contract?.plan).toEqual([
      {
        offerId: 'LL-pmsmp',
        label: 'Immersion en entreprise (PMSMP) accompagnée — Avion',
        weeklyHours: 9,
        theme: 'immersion',
      },
      { label: 'Atelier CV à la médiathèque', weeklyHours: 2.5 },
    ]);
    expect(s.journal.at(-1)).toMatchObject({ event: 'contract.signed', by: 'agent-ll' });
  });

  it('refuses, in French and changing nothing, a plan above the contract’s hours or a service the catalogue does not know', async () => {
    await orientedPath('PL-002');
    const v = await signedIn('agent-ll');
    const { csrf } = await v.page('/parcours/PL-002/plan');
    const over = await v.post('/parcours/PL-002/plan', [
      ['_csrf', csrf],
      ['offre', 'LL-aci'],
      ['libelle_LL-aci', 'Chantier d’insertion espaces verts'],
      ['heures_LL-aci', '20'],
      ['weeklyHours', '15'],
    ]);
    expect(over.status).toBe(422);
    expect(alerts(over.text)).toEqual([
      'Refusé : Le plan d’activités totalise 20 h par semaine, plus que les 15 h du contrat : réduisez les heures du plan ou augmentez celles du contrat.',
    ]);
    // What the person entered is still in the form.
    expect(over.text).toMatch(/name="heures_LL-aci"[^>]*value="20"/);

    const unknown = await v.post('/parcours/PL-002/plan', [
      ['_csrf', csrf],
      ['libre_libelle_1', 'Atelier inconnu'],
      ['libre_offre_1', 'LL-inexistant'],
      ['libre_heures_1', '3'],
      ['weeklyHours', '15'],
    ]);
    expect(unknown.status).toBe(422);
    expect(alerts(unknown.text)[0]).toBe(
      'Refusé : Service(s) inconnu(s) du catalogue : LL-inexistant. Retirez-les du plan ou saisissez l’activité sans identifiant de service.',
    );
    expect((await showPath(env.client, 'PL-002')).contract).toBeNull();
  });

  it('with the catalogue down, the plan still saves as entered, with a warning shown to the person', async () => {
    await orientedPath('PL-003');
    const v = await signedIn('agent-ll');
    const { csrf } = await v.page('/parcours/PL-003/plan?theme=numerique');
    h.sims.faults.inject({ partner: 'catalogue', kind: 'status', status: 503, times: 5 });
    const saved = await v.post('/parcours/PL-003/plan?theme=numerique', [
      ['_csrf', csrf],
      ['offre', 'LL-numer'],
      ['libelle_LL-numer', 'Ateliers numériques : démarches en ligne et courriel — Hénin-Beaumont'],
      ['theme_LL-numer', 'numerique'],
      ['heures_LL-numer', '2'],
      ['libre_libelle_1', 'Remobilisation au centre social'],
      ['libre_offre_1', 'LL-remob'],
      ['libre_heures_1', '6'],
      ['weeklyHours', '15'],
    ]);
    expect(saved.status).toBe(200);
    const shown = alerts(saved.text);
    expect(shown[0]).toBe('Contrat d’engagement et plan d’activités enregistrés.');
    expect(shown[1]).toMatch(
      /^Attention : Le catalogue de l’offre n’a pas pu être consulté \(Le catalogue de l’offre d’insertion est indisponible \(503\).*\)\. Le plan est enregistré tel que saisi, sans vérification des services ni des places ; vérifiez-les quand le catalogue répondra\.$/,
    );
    const plan = (await showPath(env.client, 'PL-003')).contract?.plan;
    // As entered; the hand-typed service gets its theme from the cache.
    expect(plan).toEqual([
      {
        offerId: 'LL-numer',
        label: 'Ateliers numériques : démarches en ligne et courriel — Hénin-Beaumont',
        weeklyHours: 2,
        theme: 'numerique',
      },
      {
        offerId: 'LL-remob',
        label: 'Remobilisation au centre social',
        weeklyHours: 6,
        theme: 'remobilisation',
      },
    ]);
    h.sims.faults.clear('catalogue');
  });

  it('the catalogue page says when it shows an old copy because the catalogue does not answer', async () => {
    await h.db.query(
      `update exchange_state set value = jsonb_set(value, '{at}', '"2026-05-01T08:00:00.000Z"') where name = 'catalogue.sync'`,
    );
    h.sims.faults.inject({ partner: 'catalogue', route: 'search', kind: 'status', status: 502 });
    const v = await signedIn('agent-ll');
    const page = await v.page('/catalogue?territoire=audomarois&theme=mobilite');
    expect(page.status).toBe(200);
    expect(alerts(page.text)[0]).toMatch(
      /^Le catalogue de l’offre ne répond pas \(.*\(502\).*\) : résultats du \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2}\.$/,
    );
    expect(page.text).toContain('AU-mobil');
    expect(page.text).not.toContain('LL-mobil');
  });
});
