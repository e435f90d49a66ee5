/**
 * `jalons` — the command line of operations and administration.
 * Every read command takes --json; errors are French and exit non-zero.
 */
import { Command } from 'commander';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { OrientationDecision, PathState } from '../../domain/path/path.js';
import { loadConfig } from '../../workers/config.js';
import { describePath } from './format.js';
import { deadlineLabel, stepLabel } from '../../domain/path/labels.js';
import { pathEventTypes, type PathEventInput } from '../../domain/path/path-events.js';
import { suggestTrack } from '../../domain/path/orientation-criteria.js';
import { frenchIssues, z } from '../../domain/validation.js';
import {
  ActionRefused,
  actOnPath,
  latePaths,
  orientPath,
  showPath,
  startPath,
} from '../../services/paths.js';
import { formatParis } from '../../domain/calendar.js';
import { registerGrantCommands } from './grants.js';
import { connectClient, provisionedPath } from '../../services/temporal.js';
import { registerImportCommand } from './import.js';
import { RemoteJalons, remoteOptions } from './remote.js';
import { frenchErrorMessage } from '../../services/temporal-errors.js';

/** The longest `--data` a command takes (an act's data is a few fields; docs/bounds.md). */
const MAX_DATA_CHARS = 16_384;

const program = new Command('jalons')
  .description('Jalons — échéances du parcours RSA et des subventions')
  .option('--serveur <url>', 'mode distant : agit par l’API de l’application (ou JALONS_SERVER_URL)')
  .option('--jeton-fichier <fichier>', 'mode distant : fichier du jeton personnel (ou JALONS_API_TOKEN)');

/** The commands that work in remote mode; the others act on Temporal directly. */
const remoteCommands = new Set<Command>();
/** Set before each action from --serveur / JALONS_SERVER_URL: null when the CLI acts on Temporal. */
let remoteApi: RemoteJalons | null = null;
const remote = (): RemoteJalons | null => remoteApi;
program.hook('preAction', (_program, command) => {
  const options = remoteOptions(program.opts<{ serveur?: string; jetonFichier?: string }>());
  if (options && !remoteCommands.has(command))
    throw new ActionRefused(
      `« ${command.name()} » agit directement sur Temporal et n’existe pas en mode distant (--serveur) : commandes distantes : path show, path act, path orient, late, whoami.`,
    );
  remoteApi = options ? new RemoteJalons(options) : null;
});
const remotely = (command: Command): Command => (remoteCommands.add(command), command);

function printPath(state: PathState, json: boolean): void {
  console.log(json ? JSON.stringify(state, null, 2) : describePath(state));
}

program
  .command('start')
  .description('démarre la pile embarquée (Temporal, worker, boîte SMTP) et charge la démo')
  .option('--empty', 'démarre sans la démo')
  // Development commands (start, simulate) load dev/ only when run: production code never imports it.
  .action(async (opts: { empty?: boolean }) => {
    const { runStack } = await import('../../dev/stack.js');
    await runStack(loadConfig(), { demo: !opts.empty });
  });

const path = program.command('path').description('parcours d’un allocataire');

path
  .command('start <beneficiaryId>')
  .description('démarre le parcours (sans effet s’il existe déjà)')
  .requiredOption('--opened <instant>', 'ouverture du droit, ISO-8601 avec fuseau')
  .requiredOption('--territory <territoire>', 'territoire (ex. lens-lievin)')
  .option('--policy <id>', 'politique départementale', 'pas-de-calais')
  .option('--json', 'sortie JSON')
  .action(async (id: string, o: { opened: string; territory: string; policy: string; json?: boolean }) => {
    const config = loadConfig();
    const client = await connectClient(config);
    const r = await startPath(client, config.taskQueue, {
      beneficiaryId: id,
      rightsOpenedAt: o.opened,
      territory: o.territory,
      policy: o.policy,
    });
    console.log(
      o.json
        ? JSON.stringify(r)
        : r.created
          ? `Parcours ${r.workflowId} démarré.`
          : `Le parcours ${r.workflowId} existe déjà : rien n’a changé.`,
    );
  });

remotely(
  path
    .command('show <beneficiaryId>')
    .description('affiche l’état du parcours')
    .option('--json', 'sortie JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const api = remote();
      const state = api ? await api.path(id) : await showPath(await connectClient(loadConfig()), id);
      printPath(state, Boolean(o.json));
    }),
);

const notByInRemoteMode = (by: string | undefined) => {
  if (by)
    throw new ActionRefused(
      '--by n’existe pas en mode distant : l’acte est enregistré au nom du compte du jeton.',
    );
};

const orient = path
  .command('orient <beneficiaryId>')
  .description('enregistre la décision d’orientation')
  .requiredOption('--track <parcours>', 'employment | socio-professional | social')
  .requiredOption('--organisation <organisme>', 'organisme référent')
  .requiredOption('--referent <id>', 'référent (identifiant pseudonyme)')
  .option('--decided-at <instant>', 'date de la décision (par défaut : maintenant)')
  .option('--by <agent>', 'agent qui enregistre la décision')
  .option('--json', 'sortie JSON')
  .action(
    async (
      id: string,
      o: {
        track: string;
        organisation: string;
        referent: string;
        decidedAt?: string;
        by?: string;
        json?: boolean;
      },
    ) => {
      const api = remote();
      if (api) {
        notByInRemoteMode(o.by);
        const data = { track: o.track, organisation: o.organisation, referent: o.referent };
        const event = { type: 'orientation.decided', data, ...(o.decidedAt ? { at: o.decidedAt } : {}) };
        return printPath(await api.act(id, event as PathEventInput), Boolean(o.json));
      }
      const client = await connectClient(loadConfig());
      const state = await orientPath(client, id, {
        track: o.track as OrientationDecision['track'],
        organisation: o.organisation,
        referent: o.referent,
        ...(o.decidedAt ? { decidedAt: o.decidedAt } : {}),
        ...(o.by ? { decidedBy: o.by } : {}),
      });
      printPath(state, Boolean(o.json));
    },
  );
remotely(orient);

const act = path
  .command('act <beneficiaryId> <type>')
  .description(`enregistre un acte sur le parcours (${pathEventTypes.join(', ')})`)
  .option('--data <json>', 'données de l’acte, en JSON (ex. \'{"excused":true}\')', '{}')
  .option('--at <instant>', 'date de l’acte (par défaut : maintenant)')
  .option('--by <agent>', 'agent qui enregistre l’acte')
  .option('--json', 'sortie JSON')
  .action(async (id: string, type: string, o: { data: string; at?: string; by?: string; json?: boolean }) => {
    if (o.data.length > MAX_DATA_CHARS)
      throw new ActionRefused(`--data : ${MAX_DATA_CHARS} caractères au plus.`);
    let data: unknown;
    try {
      data = JSON.parse(o.data);
    } catch {
      throw new ActionRefused('--data doit être un objet JSON valide.');
    }
    const api = remote();
    if (api) {
      notByInRemoteMode(o.by);
      const event = { type, data, ...(o.at ? { at: o.at } : {}) };
      return printPath(await api.act(id, event as PathEventInput), Boolean(o.json));
    }
    const client = await connectClient(loadConfig());
    const event = { type, data, ...(o.at ? { at: o.at } : {}), ...(o.by ? { by: o.by } : {}) };
    printPath(await actOnPath(client, id, event as PathEventInput), Boolean(o.json));
  });
remotely(act);

path
  .command('suggest')
  .description('suggère un parcours selon les critères nationaux d’orientation (une personne décide)')
  .requiredOption('--horizon <h>', 'emploi envisageable : now | within-2-years | beyond')
  .option('--qualified', 'la personne a une qualification')
  .option('--projects', 'la personne se projette dans un emploi')
  .option('--difficulties <liste>', 'health,housing,mobility,childcare,caregiver', '')
  .option('--json', 'sortie JSON')
  .action(
    (o: {
      horizon: string;
      qualified?: boolean;
      projects?: boolean;
      difficulties: string;
      json?: boolean;
    }) => {
      let suggestion;
      try {
        suggestion = suggestTrack({
          employmentHorizon: o.horizon as 'now',
          qualified: Boolean(o.qualified),
          projectsIntoJob: Boolean(o.projects),
          difficulties: o.difficulties.split(',').filter(Boolean) as ['health'],
        });
      } catch (err) {
        throw new ActionRefused(err instanceof z.ZodError ? frenchIssues(err) : (err as Error).message);
      }
      console.log(
        o.json
          ? JSON.stringify(suggestion)
          : `Parcours suggéré : ${suggestion.track} (${suggestion.reasons.join(' ; ')}). La décision revient à une personne.`,
      );
    },
  );

const late = program
  .command('late')
  .description(
    'liste les parcours en retard (attributs de recherche de Temporal ; en mode distant, les échéances du modèle de lecture)',
  )
  .option('--territory <t>', 'territoire')
  .option('--organisation <o>', 'organisme référent')
  .option('--referent <r>', 'référent (identifiant pseudonyme)')
  .option('--step <s>', 'étape')
  .option('--json', 'sortie JSON')
  .action(
    async (o: {
      territory?: string;
      organisation?: string;
      referent?: string;
      step?: string;
      json?: boolean;
    }) => {
      const api = remote();
      if (api) return printRemoteLate(await api.late({ ...o, json: undefined }), Boolean(o.json));
      const client = await connectClient(loadConfig());
      const late = await latePaths(client, o);
      if (o.json) return console.log(JSON.stringify(late, null, 2));
      console.log(`${late.length} parcours en retard`);
      for (const p of late)
        console.log(
          `  ${p.beneficiaryId}  ${stepLabel(p.step)}  ${p.territory}  ${p.referent ?? '—'}  prochaine échéance ${p.nextDeadline ? formatParis(new Date(p.nextDeadline), true) : '—'}`,
        );
    },
  );

remotely(late);

function printRemoteLate(items: Awaited<ReturnType<RemoteJalons['late']>>, json: boolean): void {
  if (json) return console.log(JSON.stringify(items, null, 2));
  console.log(`${items.length} échéance(s) en retard dans votre périmètre`);
  for (const i of items)
    console.log(
      `  ${i.beneficiaryId}  ${deadlineLabel(i.kind)}, due le ${formatParis(new Date(i.dueAt))}  ${stepLabel(i.step)}  ${i.territory}  ${i.referent ?? '—'}`,
    );
}

remotely(
  program
    .command('whoami')
    .description('mode distant : le compte du jeton, son rôle et son périmètre')
    .option('--json', 'sortie JSON')
    .action(async (o: { json?: boolean }) => {
      const api = remote();
      if (!api)
        throw new ActionRefused('whoami n’a de sens qu’en mode distant (--serveur ou JALONS_SERVER_URL).');
      const me = await api.me();
      if (o.json) return console.log(JSON.stringify(me));
      const scope = me.scope.all
        ? 'tous les dossiers'
        : [...(me.scope.organisations ?? []), ...(me.scope.territories ?? [])].join(', ');
      console.log(`${me.login} — rôle ${me.role} — périmètre : ${scope}`);
    }),
);

program
  .command('simulate <scenario>')
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
      logger: new DefaultLogger('WARN', (e) => console.error(`[${e.level}] ${e.message}`)),
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

registerGrantCommands(program, { loadConfig, connectClient });

try {
  await program.parseAsync();
  if (program.args[0] !== 'start') process.exit(0);
} catch (err) {
  // Temporal's own errors (English, gRPC codes) are read into one French sentence.
  console.error(
    err instanceof ActionRefused ? `Refusé : ${err.message}` : `Erreur : ${frenchErrorMessage(err)}`,
  );
  process.exit(err instanceof ActionRefused ? 3 : 1);
}
