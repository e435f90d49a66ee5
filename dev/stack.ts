/**
 * The embedded one-machine stack: Temporal dev server (SQLite file, Web UI),
 * the SMTP sink and its page, the worker, and the demo. Ctrl-C stops it all;
 * the next run finds its data again in the data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Config } from '../workers/config.js';
import { createWorkers } from '../workers/worker.js';
import { openReadModel, type ReadModelDb } from '../store/db.js';
import { startWebApp } from '../apps/web/server.js';
import { sessionKeysOf } from '../apps/web/access.js';
import { accountByApiToken, issueApiToken, listAccounts, lockEmbeddedReadModel } from '../store/accounts.js';
import { bootstrapAccounts } from './accounts.js';
import { importCafFlow } from '../services/import-caf.js';
import { cafId, sampleCafFlow } from './sample-caf.js';
import { PartnerSimulators } from './simulators/server.js';
import { DEFAULT_SIMULATORS_PORT, SIMULATORS_TOKEN } from '../partners/config.js';
import { RDVI_WEBHOOK_PATH } from '../apps/web/rdv-insertion-webhook.js';
import { webhookSecretsFromEnv } from '../partners/rdv-insertion.js';
import { simulatedRdvInsertionEnv } from './simulators/rdv-insertion.js';
import {
  ensureDigestSchedule,
  ensureExchangeSchedules,
  ensureHealthSchedule,
  ensureRetentionSchedule,
} from '../services/schedules.js';
import { ensureGrantSchedules } from '../services/grants.js';
import { startCodecServer } from '../apps/codec-server/server.js';
import { EncryptionCodec, loadKeyRing } from '../workers/codec.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** The embedded stack's codec token, created once and kept (mode 600) in the data folder. */
/**
 * The embedded stack's codec token: an administrator's personal API token (the codec server
 * accepts no other, issue 19), kept in the data folder (mode 600) for the Temporal UI's settings.
 * Issued again only when the kept one no longer opens an administrator's account.
 */
async function adminCodecToken(db: ReadModelDb, file: string): Promise<void> {
  const kept = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (kept && (await accountByApiToken(db, kept))?.role === 'admin') return;
  const admin = (await listAccounts(db)).find((a) => a.role === 'admin' && !a.disabled);
  if (admin) writeFileSync(file, await issueApiToken(db, admin.login, { channel: 'stack' }), { mode: 0o600 });
}
import { demoPaths, loadDemo, loadGrantDemo } from './demo.js';
import { MailSink } from './mail-sink.js';
import { searchAttributeFlags } from '../workflows/shared/search-attributes.js';
import { connectClient, provisionedPath, whileServerWarms } from '../services/temporal.js';

const log = (m: string) => console.error(`[jalons] ${m}`);

function startTemporal(config: Config): ChildProcess {
  const child = spawn(
    provisionedPath('cli'),
    [
      'server',
      'start-dev',
      ...searchAttributeFlags(),
      '--db-filename',
      join(config.dataDir, 'temporal.db'),
      '--ip',
      '127.0.0.1',
      '--port',
      String(config.ports.temporal),
      '--ui-port',
      String(config.ports.temporalUi),
      '--ui-codec-endpoint',
      `http://127.0.0.1:${config.ports.codec}`,
      '--namespace',
      config.temporal.namespace,
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`le serveur Temporal s’est arrêté (code ${code ?? signal}) : arrêt de la pile.`);
      process.exit(1);
    }
  });
  return child;
}

async function waitForTemporal(config: Config): Promise<Client> {
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      const client = await connectClient(config);
      await client.workflowService.getSystemInfo({});
      return client;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

let stopping = false;

/** The banner's line on how to log in (the passwords stay in their mode-600 file). */
function loginLine(file: string, created: string[]): string {
  if (!existsSync(file)) return 'comptes existants (page « Comptes » du compte admin)';
  return `${created.length ? 'comptes créés : ' : ''}admin${created.length > 1 ? `, ${created.slice(1).join(', ')}` : ''} — mots de passe dans ${file}`;
}

/** Waits (30 s at most) for the first messages, then until none has come for 2 s. */
async function settled(sink: MailSink, before: number): Promise<void> {
  await sink.waitFor((m) => m.length > before, 30_000).catch(() => undefined);
  for (let count = -1; count !== sink.messages().length;) {
    count = sink.messages().length;
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

/**
 * The demo's CAF flow (fictitious people, openings over the past months), written
 * once in the data folder and imported in the background: the web app fills up
 * while the stack is already usable. Re-importing it changes nothing.
 */
function importDemoFlow(client: Client, config: Config): void {
  const count = Number(process.env.JALONS_DEMO_CAF_COUNT ?? 200);
  if (count <= 0) return;
  const file = join(config.dataDir, 'demo-flux-caf.csv');
  if (!existsSync(file)) writeFileSync(file, sampleCafFlow(new Date(), count));
  log(`démo : import du flux CAF ${file} en arrière-plan…`);
  importCafFlow(client, config.taskQueue, file, { concurrency: 10 })
    .then((s) =>
      log(
        `démo : flux CAF importé — ${s.created} créés, ${s.existing} déjà présents, ${s.ended} sorties, ${s.rejected} lignes rejetées (${s.rejectionReport ?? 'aucun rapport'}).`,
      ),
    )
    .catch((err: unknown) => {
      if (!stopping)
        log(
          `démo : import du flux CAF interrompu (${(err as Error).message}) ; il reprendra au prochain démarrage.`,
        );
    });
}

export async function runStack(config: Config, options: { demo: boolean }): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true });
  const unlockReadModel = lockEmbeddedReadModel(config.readModelUrl);
  const temporal = startTemporal(config);
  const client = await waitForTemporal(config);
  const sink = await MailSink.start({
    smtpPort: config.smtp.port,
    httpPort: config.ports.mailUi,
    dir: join(config.dataDir, 'mail'),
  });
  // The partners' stand-ins (France Travail, CAF, RDV-Insertion, CNSA, préfecture), with fault injection,
  // up before the worker calls them; RDV-Insertion's posts its signed webhooks to the web app.
  const simulators = await PartnerSimulators.start({
    port: Number(process.env.JALONS_SIMULATORS_PORT ?? DEFAULT_SIMULATORS_PORT),
    token: process.env.JALONS_PARTNER_TOKEN ?? SIMULATORS_TOKEN,
  });
  useSimulatedRdvInsertion(config, simulators);
  // One process holds the embedded read model: the worker writes it, the web app reads it.
  const readModel = await openReadModel(config.readModelUrl);
  const firstAccounts = await bootstrapAccounts(readModel, config.adminPasswordFile, options.demo);
  const worker = await createWorkers(config, { readModel });
  const running = worker.run();
  // Plain http on the loopback: the cookie cannot be Secure unless told so.
  const web = await startWebApp({
    client,
    db: readModel,
    port: config.ports.web,
    sessionKeys: sessionKeysOf(config),
    secureCookie: config.cookieSecure ?? false,
    ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
  });
  // The dev server was just started: on two busy cores its first answers can take 30 s.
  await whileServerWarms(() => ensureSchedules(client, config.taskQueue));
  await adminCodecToken(readModel, config.codecTokenFile);
  const codec = await startCodecServer({
    codec: new EncryptionCodec(loadKeyRing(process.env, config.payloadKeysFile)),
    accounts: readModel,
    uiOrigin: `http://127.0.0.1:${config.ports.temporalUi}`,
    port: config.ports.codec,
  });

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log('arrêt en cours…');
    worker.shutdown();
    await running.catch(() => undefined);
    await web.app.close();
    await codec.app.close();
    await simulators.close();
    await readModel.close();
    unlockReadModel();
    await sink.close();
    temporal.kill('SIGTERM');
    await new Promise((r) => temporal.once('exit', r));
    log('arrêté. Les données restent dans ' + config.dataDir);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const before = sink.messages().length;
  if (options.demo) await startDemo(client, config, sink, before);
  printBanner(
    config,
    { web: web.port, codec: codec.port, simulators: simulators.baseUrl() },
    loginLine(config.adminPasswordFile, firstAccounts),
    { total: sink.messages().length, before },
  );
  await running;
}

/** The demo's pseudonymous ids, in a fixed order: the simulator's user ids stay the same across restarts. */
function demoPeople(): string[] {
  const caf = Math.max(0, Number(process.env.JALONS_DEMO_CAF_COUNT ?? 200));
  return [
    ...demoPaths(new Date()).map((p) => p.beneficiaryId),
    ...Array.from({ length: caf }, (_, i) => cafId(i + 1)),
  ];
}

/**
 * Convocations go to the RDV-Insertion simulator unless JALONS_RDVI_URL says otherwise
 * (docs/rdv-insertion.md § 6): the worker and the web app read these variables, set before
 * they start. The webhook secret is generated once and kept (mode 600) in the data folder.
 * The simulator knows the demo's people by their pseudonymous id (`department_internal_id`)
 * and signs its webhooks to the web app.
 */
function useSimulatedRdvInsertion(config: Config, simulators: PartnerSimulators): void {
  const env = process.env;
  const secretFile = join(config.dataDir, 'rdv-insertion-webhook-secret');
  if (!env.JALONS_RDVI_WEBHOOK_SECRET) {
    if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    env.JALONS_RDVI_WEBHOOK_SECRET = readFileSync(secretFile, 'utf8').trim();
  }
  if (!env.JALONS_RDVI_URL) {
    Object.assign(env, simulatedRdvInsertionEnv(simulators.baseUrl()));
    for (const id of demoPeople()) simulators.rdvInsertion.addUser(id);
  }
  const [secret] = webhookSecretsFromEnv(env);
  simulators.rdvInsertion.configureWebhook(
    `http://127.0.0.1:${config.ports.web}${RDVI_WEBHOOK_PATH}`,
    secret,
  );
}

/** Every recurring duty of the stack as a Schedule (idempotent). */
async function ensureSchedules(client: Client, taskQueue: string): Promise<void> {
  await ensureDigestSchedule(client, taskQueue);
  await ensureRetentionSchedule(client, taskQueue);
  await ensureHealthSchedule(client, taskQueue);
  await ensureGrantSchedules(client, taskQueue);
  await ensureExchangeSchedules(client, taskQueue);
}

/** The demo's paths, its CAF flow in the background and the seed cycles on their real dates (dev/demo.ts). */
async function startDemo(client: Client, config: Config, sink: MailSink, before: number): Promise<void> {
  const { created, existing } = await loadDemo(client, config.taskQueue);
  log(`démo : ${created} parcours créés, ${existing} déjà présents.`);
  if (created > 0) await settled(sink, before);
  importDemoFlow(client, config);
  const grants = (await loadGrantDemo(client, config.taskQueue)).created;
  log(`démo : ${grants} cycles de subvention démarrés (un par programme des semences).`);
}

function printBanner(
  config: Config,
  at: { web: number; codec: number; simulators: string },
  login: string,
  messages: { total: number; before: number },
): void {
  console.log(
    [
      '',
      'Jalons est démarré (pile embarquée).',
      `  Exploitation (web)     http://127.0.0.1:${at.web}`,
      `  Connexion              ${login}`,
      `  Partenaires simulés    ${at.simulators}  (pannes : POST /_faults)`,
      `  Interface Temporal     http://127.0.0.1:${config.ports.temporalUi}  (déchiffrement : serveur de codec http://127.0.0.1:${at.codec}, jeton dans ${config.codecTokenFile})`,
      `  Serveur Temporal       ${config.temporal.address} (espace « ${config.temporal.namespace} »)`,
      `  Courriels envoyés      http://127.0.0.1:${config.ports.mailUi}  (SMTP sur le port ${config.smtp.port})`,
      `  Données                ${config.dataDir}`,
      `  Messages reçus         ${messages.total} (dont ${messages.total - messages.before} depuis ce démarrage)`,
      '',
      'Dans un autre terminal : npm run jalons -- parcours voir DEMO-002',
      'Ctrl-C pour tout arrêter.',
      '',
    ].join('\n'),
  );
}
