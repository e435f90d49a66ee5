/**
 * `jalons` — the command line of operations and administration, in French: one
 * file per command group. Every read command takes --json; errors are French and
 * exit non-zero. The names before version 1.1 still work, hidden (./old-names.ts).
 */
import { Command } from 'commander';
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { createLogger, temporalLogger } from '../../observability/logger.js';
import { loadConfig } from '../../workers/config.js';
import { ActionRefused } from '../../services/paths.js';
import { connectClient, provisionedPath } from '../../services/temporal.js';
import { frenchErrorMessage } from '../../services/temporal-errors.js';
import { registerGrantCommands } from './grants.js';
import { registerImportCommand } from './import.js';
import { registerLateCommand } from './late.js';
import { frenchHelp } from './help.js';
import { acceptOldNames } from './old-names.js';
import { registerPathCommands } from './paths.js';
import { RemoteJalons, remoteOptions, type RemoteMode } from './remote.js';

const program = frenchHelp(new Command('jalons'))
  .description('Jalons — échéances du parcours RSA et des subventions')
  .option('--serveur <url>', 'mode distant : agit par l’API de l’application (ou JALONS_SERVER_URL)')
  .option('--jeton-fichier <fichier>', 'mode distant : fichier du jeton personnel (ou JALONS_API_TOKEN)');

/** The commands that work in remote mode; the others act on Temporal directly. */
const remoteCommands = new Set<Command>();
/** Set before each action from --serveur / JALONS_SERVER_URL: null when the CLI acts on Temporal. */
let remoteApi: RemoteJalons | null = null;
const remote: RemoteMode = {
  api: () => remoteApi,
  allow: (command) => (remoteCommands.add(command), command),
};
program.hook('preAction', (_program, command) => {
  const options = remoteOptions(program.opts<{ serveur?: string; jetonFichier?: string }>());
  if (options && !remoteCommands.has(command))
    throw new ActionRefused(
      `« ${command.name()} » agit directement sur Temporal et n’existe pas en mode distant (--serveur) : commandes distantes : parcours voir, parcours acte, parcours orienter, retards, moi.`,
    );
  remoteApi = options ? new RemoteJalons(options) : null;
});

/** The stack runs until Ctrl-C; every other command exits once done. */
let keepRunning = false;

program
  .command('demarrer')
  .description('démarre la pile embarquée (Temporal, worker, boîte SMTP) et charge la démo')
  .option('--vide', 'démarre sans la démo')
  // Development commands (demarrer, simuler) load dev/ only when run: production code never imports it.
  .action(async (opts: { vide?: boolean }) => {
    keepRunning = true;
    const { runStack } = await import('../../dev/stack.js');
    await runStack(loadConfig(), { demo: !opts.vide });
  });

registerPathCommands(program, remote);
registerLateCommand(program, remote);

remote.allow(
  program
    .command('moi')
    .description('mode distant : le compte du jeton, son rôle et son périmètre')
    .option('--json', 'sortie JSON')
    .action(async (o: { json?: boolean }) => {
      const api = remote.api();
      if (!api)
        throw new ActionRefused('moi n’a de sens qu’en mode distant (--serveur ou JALONS_SERVER_URL).');
      const me = await api.me();
      if (o.json) return console.log(JSON.stringify(me));
      const scope = me.scope.all
        ? 'tous les dossiers'
        : [...(me.scope.organisations ?? []), ...(me.scope.territories ?? [])].join(', ');
      console.log(`${me.login} — rôle ${me.role} — périmètre : ${scope}`);
    }),
);

program
  .command('simuler <scenario>')
  .description(
    'rejoue un scénario (JSON) sur les vrais workflows, serveur de test à avance rapide ; rapport JSON',
  )
  .action(async (file: string) => {
    const { InvalidScenario, loadScenario, simulate } = await import('../../dev/simulate.js');
    let scenario;
    try {
      scenario = loadScenario(file);
    } catch (err) {
      if (!(err instanceof InvalidScenario)) throw err;
      console.error(err.message);
      process.exit(2);
    }
    // stdout carries the report alone: the SDK's own logs go to stderr.
    Runtime.install({
      logger: temporalLogger(
        createLogger({ service: 'cli', env: { ...process.env, JALONS_LOG_LEVEL: 'warn' } }),
      ),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
    });
    const report = await simulate(scenario, { testServerPath: provisionedPath('test-server') });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  });

registerImportCommand(program);
(await import('./rgpd.js')).registerRgpdCommands(program);
(await import('./health.js')).registerHealthCommands(program);
(await import('./rebuild.js')).registerRebuildCommand(program);
(await import('./accounts.js')).registerAccountCommands(program);
(await import('./exchanges.js')).registerExchangeCommands(program);
(await import('./rdv-insertion.js')).registerRdvInsertionCommands(program); // issue 21
(await import('./letters.js')).registerLetterCommands(program); // issue 20 §8
registerGrantCommands(program, { loadConfig, connectClient });
acceptOldNames(program);

try {
  await program.parseAsync();
  if (!keepRunning) process.exit(0);
} catch (err) {
  // Temporal's own errors (English, gRPC codes) are read into one French sentence.
  console.error(
    err instanceof ActionRefused ? `Refusé : ${err.message}` : `Erreur : ${frenchErrorMessage(err)}`,
  );
  process.exit(err instanceof ActionRefused ? 3 : 1);
}
