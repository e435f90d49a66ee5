/**
 * `jalons retards`: the late deadlines, read from one source, the read model —
 * in this process from JALONS_READMODEL_URL, in remote mode through the API
 * (`GET /api/retards`, the same query within the token's perimeter). The same
 * list, the same columns, the same filters either way.
 */
import type { Command } from 'commander';
import { formatParis } from '../../domain/calendar.js';
import { deadlineFilterSchema } from '../../domain/path/deadline-filter.js';
import { deadlineLabel, stepLabel } from '../../domain/path/labels.js';
import { frenchIssues } from '../../domain/validation.js';
import { ActionRefused } from '../../services/paths.js';
import { lateItems } from '../../store/queries.js';
import { withReadModel } from './read-model.js';
import { RemoteJalons, type RemoteDeadline, type RemoteMode } from './remote.js';
import { existsSync, readFileSync } from 'node:fs';
import { assertEmbeddedReadModelFree } from '../../store/embedded-lock.js';
import { loadConfig } from '../../workers/config.js';

type LateOptions = {
  territoire?: string;
  organisation?: string;
  referent?: string;
  etape?: string;
  json?: boolean;
};

export function registerLateCommand(program: Command, remote: RemoteMode): void {
  remote.allow(
    program
      .command('retards')
      .description(
        'liste les échéances en retard (modèle de lecture ; en mode distant, dans votre périmètre)',
      )
      .option('--territoire <t>', 'territoire')
      .option('--organisation <o>', 'organisme référent')
      .option('--referent <r>', 'référent (identifiant pseudonyme)')
      .option('--etape <e>', 'étape')
      .option('--json', 'sortie JSON')
      .action(async ({ json, ...filter }: LateOptions) => {
        const api = remote.api();
        const items = api ? await api.late(filter) : await localLate(filter);
        print(items, Boolean(json), api ? ' dans votre périmètre' : '');
      }),
  );
}

/**
 * The embedded read model has one process at a time: while `npm start`'s stack holds it, the
 * same list is read through the stack's own API, with the token the stack keeps for its
 * administrator in the data folder (data/codec-token) — one source either way.
 */
async function throughStack(options: Omit<LateOptions, 'json'>): Promise<RemoteDeadline[] | null> {
  const config = loadConfig();
  try {
    assertEmbeddedReadModelFree(config.readModelUrl);
    return null;
  } catch (err) {
    if (!(err instanceof ActionRefused) || !existsSync(config.codecTokenFile)) return null;
  }
  const token = readFileSync(config.codecTokenFile, 'utf8').trim();
  const api = new RemoteJalons({ url: `http://127.0.0.1:${config.ports.web}`, token });
  return api.late(options).catch(() => null);
}

async function localLate(options: Omit<LateOptions, 'json'>): Promise<RemoteDeadline[]> {
  const filter = deadlineFilterSchema.safeParse(options);
  if (!filter.success) throw new ActionRefused(`Filtre invalide : ${frenchIssues(filter.error)}`);
  const viaStack = await throughStack(options);
  if (viaStack) return viaStack;
  const items = await withReadModel(
    (db) => lateItems(db, filter.data),
    'arrêtez-la (Ctrl-C), ou lisez les retards sur la page « Retards » de l’application, ou par son API (--serveur).',
  );
  return items.map((i) => ({
    beneficiaryId: i.beneficiary_id,
    kind: i.kind,
    dueAt: new Date(i.due_at).toISOString(),
    step: i.step,
    territory: i.territory,
    organisation: i.organisation,
    referent: i.referent,
  }));
}

function print(items: RemoteDeadline[], json: boolean, where: string): void {
  if (json) return console.log(JSON.stringify(items, null, 2));
  console.log(`${items.length} échéance(s) en retard${where}`);
  for (const i of items)
    console.log(
      `  ${i.beneficiaryId}  ${deadlineLabel(i.kind)}, due le ${formatParis(new Date(i.dueAt))}  ${stepLabel(i.step)}  ${i.territory}  ${i.referent ?? '—'}`,
    );
}
