/**
 * `jalons compte demandes | accorder | refuser`: the agents who signed in through
 * ProConnect (or the Département's OIDC) and wait for access (docs/proconnect.md).
 * The same store functions as the accounts page, journaled with the CLI as origin.
 */
import type { Command } from 'commander';
import { formatParis } from '../../domain/calendar.js';
import { describeScope, roleLabels, type Account, type Origin } from '../../store/accounts.js';
import { grantAccess, listAccessRequests, refuseAccess, suggestedLogin } from '../../store/identities.js';
import { ActionRefused } from '../../services/paths.js';
import { withReadModel } from './read-model.js';

const origin: Origin = { channel: 'cli', actor: 'cli' };
const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function requestNumber(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1 || id > 2 ** 31)
    throw new ActionRefused(`Demande : un numéro de demande est attendu (« ${raw.slice(0, 20)} » reçu).`);
  return id;
}

/** `compte demandes`, `compte accorder <n>`, `compte refuser <n>`. */
export function registerAccessRequestCommands(account: Command): void {
  account
    .command('demandes')
    .description('liste les demandes d’accès en attente (connexion ProConnect / OIDC sans compte)')
    .option('--json', 'sortie JSON')
    .action(async (o: { json?: boolean }) => {
      const requests = await withReadModel(listAccessRequests);
      if (o.json) return console.log(JSON.stringify(requests, null, 2));
      console.log(`${requests.length} demande(s)`);
      for (const r of requests)
        console.log(
          `  n° ${String(r.id).padEnd(5)} ${r.status === 'refused' ? 'REFUSÉE ' : 'en attente'}  ${r.name ?? '—'} ${r.email ? `<${r.email}>` : ''}  depuis le ${formatParis(new Date(r.firstSeenAt), true)}  (identifiant proposé : ${suggestedLogin(r)})`,
        );
    });

  account
    .command('accorder <demande>')
    .description(
      'accorde un rôle et un périmètre à une demande d’accès ; la personne entre à sa prochaine requête',
    )
    .requiredOption('--role <rôle>', 'lecture | agent | admin')
    .option('--identifiant <identifiant>', 'identifiant du compte (par défaut : celui proposé, pseudonyme)')
    .option('--organisations <liste>', 'organismes du périmètre, séparés par des virgules')
    .option('--territoires <liste>', 'territoires du périmètre, séparés par des virgules')
    .option('--tous', 'tous les dossiers (compte du Département)')
    .option('--json', 'sortie JSON')
    .action(async (raw: string, o: GrantOptions) => {
      const account = await withReadModel(async (db) => {
        const id = requestNumber(raw);
        const request = (await listAccessRequests(db)).find((r) => r.id === id);
        if (!request) throw new ActionRefused(`Aucune demande d’accès n° ${id} (déjà traitée ?).`);
        return grantAccess(db, id, grantOf(o, suggestedLogin(request)), origin);
      });
      if (o.json) return console.log(JSON.stringify({ login: account.login, role: account.role }, null, 2));
      console.log(
        `Accès accordé : compte ${account.login} (${roleLabels[account.role]} ; ${describeScope(account)}).`,
      );
    });

  account
    .command('refuser <demande>')
    .description('refuse une demande d’accès (ses connexions suivantes sont refusées, jusqu’à un accord)')
    .action(async (raw: string) => {
      await withReadModel((db) => refuseAccess(db, requestNumber(raw), origin));
      console.log(`Demande n° ${raw} refusée.`);
    });
}

type GrantOptions = {
  role: string;
  identifiant?: string;
  organisations?: string;
  territoires?: string;
  tous?: boolean;
  json?: boolean;
};

const grantOf = (o: GrantOptions, suggested: string) => ({
  login: o.identifiant ?? suggested,
  role: o.role as Account['role'],
  organisations: list(o.organisations),
  territories: list(o.territoires),
  allCases: Boolean(o.tous),
});
