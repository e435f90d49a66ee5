/**
 * `jalons parcours demarrer | voir | orienter | acte | suggerer`: a person's path
 * from the command line (the same Updates as the web app). `voir`, `orienter` and
 * `acte` also work in remote mode, through the API (apps/cli/remote.ts).
 */
import type { Command } from 'commander';
import type { OrientationDecision, PathState } from '../../domain/path/path.js';
import { pathEventTypes, type PathEventInput } from '../../domain/path/path-events.js';
import { suggestTrack } from '../../domain/path/orientation-criteria.js';
import { frenchIssues, z } from '../../domain/validation.js';
import { ActionRefused, actOnPath, orientPath, showPath, startPath } from '../../services/paths.js';
import { connectClient } from '../../services/temporal.js';
import { loadConfig } from '../../workers/config.js';
import { describePath } from './format.js';
import type { RemoteMode } from './remote.js';

/** The longest `--donnees` a command takes (an act's data is a few fields; docs/bounds.md). */
const MAX_DATA_CHARS = 16_384;

function printPath(state: PathState, json: boolean): void {
  console.log(json ? JSON.stringify(state, null, 2) : describePath(state));
}

const notByInRemoteMode = (by: string | undefined) => {
  if (by)
    throw new ActionRefused(
      '--par n’existe pas en mode distant : l’acte est enregistré au nom du compte du jeton.',
    );
};

export function registerPathCommands(program: Command, remote: RemoteMode): void {
  const path = program.command('parcours').description('parcours d’un allocataire');
  registerStartShow(path, remote);
  registerOrient(path, remote);
  registerAct(path, remote);
  registerSuggest(path);
}

/** `parcours demarrer`, `parcours voir`. */
function registerStartShow(path: Command, remote: RemoteMode): void {
  path
    .command('demarrer <allocataire>')
    .description('démarre le parcours (sans effet s’il existe déjà)')
    .requiredOption('--ouverture <instant>', 'ouverture du droit, ISO-8601 avec fuseau')
    .requiredOption('--territoire <territoire>', 'territoire (ex. lens-lievin)')
    .option('--politique <id>', 'politique départementale', 'pas-de-calais')
    .option('--json', 'sortie JSON')
    .action(
      async (id: string, o: { ouverture: string; territoire: string; politique: string; json?: boolean }) => {
        const config = loadConfig();
        const client = await connectClient(config);
        const r = await startPath(client, config.taskQueue, {
          beneficiaryId: id,
          rightsOpenedAt: o.ouverture,
          territory: o.territoire,
          policy: o.politique,
        });
        console.log(
          o.json
            ? JSON.stringify(r)
            : r.created
              ? `Parcours ${r.workflowId} démarré.`
              : `Le parcours ${r.workflowId} existe déjà : rien n’a changé.`,
        );
      },
    );

  remote.allow(
    path
      .command('voir <allocataire>')
      .description('affiche l’état du parcours')
      .option('--json', 'sortie JSON')
      .action(async (id: string, o: { json?: boolean }) => {
        const api = remote.api();
        const state = api ? await api.path(id) : await showPath(await connectClient(loadConfig()), id);
        printPath(state, Boolean(o.json));
      }),
  );
}

type OrientOptions = {
  parcours: string;
  organisation: string;
  referent: string;
  decideLe?: string;
  par?: string;
  json?: boolean;
};

/** `parcours orienter`: the orientation decision. */
function registerOrient(path: Command, remote: RemoteMode): void {
  remote.allow(
    path
      .command('orienter <allocataire>')
      .description('enregistre la décision d’orientation')
      .requiredOption('--parcours <parcours>', 'employment | socio-professional | social')
      .requiredOption('--organisation <organisme>', 'organisme référent')
      .requiredOption('--referent <id>', 'référent (identifiant pseudonyme)')
      .option('--decide-le <instant>', 'date de la décision (par défaut : maintenant)')
      .option('--par <agent>', 'agent qui enregistre la décision')
      .option('--json', 'sortie JSON')
      .action(async (id: string, o: OrientOptions) => {
        const api = remote.api();
        if (api) {
          notByInRemoteMode(o.par);
          const data = { track: o.parcours, organisation: o.organisation, referent: o.referent };
          const event = { type: 'orientation.decided', data, ...(o.decideLe ? { at: o.decideLe } : {}) };
          return printPath(await api.act(id, event as PathEventInput), Boolean(o.json));
        }
        const client = await connectClient(loadConfig());
        const state = await orientPath(client, id, {
          track: o.parcours as OrientationDecision['track'],
          organisation: o.organisation,
          referent: o.referent,
          ...(o.decideLe ? { decidedAt: o.decideLe } : {}),
          ...(o.par ? { decidedBy: o.par } : {}),
        });
        printPath(state, Boolean(o.json));
      }),
  );
}

/** `parcours acte`: any act on the path. */
function registerAct(path: Command, remote: RemoteMode): void {
  remote.allow(
    path
      .command('acte <allocataire> <type>')
      .description(`enregistre un acte sur le parcours (${pathEventTypes.join(', ')})`)
      .option('--donnees <json>', 'données de l’acte, en JSON (ex. \'{"excused":true}\')', '{}')
      .option('--date <instant>', 'date de l’acte (par défaut : maintenant)')
      .option('--par <agent>', 'agent qui enregistre l’acte')
      .option('--json', 'sortie JSON')
      .action(
        async (
          id: string,
          type: string,
          o: { donnees: string; date?: string; par?: string; json?: boolean },
        ) => {
          if (o.donnees.length > MAX_DATA_CHARS)
            throw new ActionRefused(`--donnees : ${MAX_DATA_CHARS} caractères au plus.`);
          let data: unknown;
          try {
            data = JSON.parse(o.donnees);
          } catch {
            throw new ActionRefused('--donnees doit être un objet JSON valide.');
          }
          const at = o.date ? { at: o.date } : {};
          const api = remote.api();
          if (api) {
            notByInRemoteMode(o.par);
            return printPath(await api.act(id, { type, data, ...at } as PathEventInput), Boolean(o.json));
          }
          const client = await connectClient(loadConfig());
          const event = { type, data, ...at, ...(o.par ? { by: o.par } : {}) };
          printPath(await actOnPath(client, id, event as PathEventInput), Boolean(o.json));
        },
      ),
  );
}

type SuggestOptions = {
  horizon: string;
  qualifie?: boolean;
  projet?: boolean;
  difficultes: string;
  json?: boolean;
};

/** `parcours suggerer`: the national orientation criteria's suggestion (a person decides). */
function registerSuggest(path: Command): void {
  path
    .command('suggerer')
    .description('suggère un parcours selon les critères nationaux d’orientation (une personne décide)')
    .requiredOption('--horizon <h>', 'emploi envisageable : now | within-2-years | beyond')
    .option('--qualifie', 'la personne a une qualification')
    .option('--projet', 'la personne se projette dans un emploi')
    .option('--difficultes <liste>', 'health,housing,mobility,childcare,caregiver', '')
    .option('--json', 'sortie JSON')
    .action((o: SuggestOptions) => {
      let suggestion;
      try {
        suggestion = suggestTrack({
          employmentHorizon: o.horizon as 'now',
          qualified: Boolean(o.qualifie),
          projectsIntoJob: Boolean(o.projet),
          difficulties: o.difficultes.split(',').filter(Boolean) as ['health'],
        });
      } catch (err) {
        throw new ActionRefused(err instanceof z.ZodError ? frenchIssues(err) : (err as Error).message);
      }
      console.log(
        o.json
          ? JSON.stringify(suggestion)
          : `Parcours suggéré : ${suggestion.track} (${suggestion.reasons.join(' ; ')}). La décision revient à une personne.`,
      );
    });
}
