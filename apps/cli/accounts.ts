/**
 * `jalons compte creer|liste|desactiver|activer|mot-de-passe|jeton|journal` (and the access
 * requests: ./access-requests.ts): the
 * accounts of the web app, its API and the codec server, in the read model at
 * JALONS_READMODEL_URL. A generated password or token is printed once; a
 * password of one's choosing is read from the standard input
 * (--mot-de-passe-stdin), never from the command line (shell history, process list).
 */
import type { Command } from 'commander';
import { formatParis } from '../../domain/calendar.js';
import {
  accountEvents,
  createAccount,
  describeScope,
  eventLabels,
  issueApiToken,
  listAccounts,
  roleLabels,
  scopeOf,
  setDisabled,
  setPassword,
  type Account,
  type Origin,
} from '../../store/accounts.js';
import { ActionRefused } from '../../services/paths.js';
import { withReadModel } from './read-model.js';
import { registerAccessRequestCommands } from './access-requests.js';

const origin: Origin = { channel: 'cli', actor: 'cli' };
const csv = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

async function passwordFromStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new ActionRefused('--mot-de-passe-stdin : envoyez le mot de passe sur l’entrée standard.');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const summary = (a: Account) => ({
  login: a.login,
  role: a.role,
  scope: scopeOf(a),
  disabled: a.disabled,
  hasApiToken: a.hasApiToken,
  apiTokenExpiresAt: a.apiTokenExpiresAt,
  lastLoginAt: a.lastLoginAt,
  createdAt: a.createdAt,
});
/** When the personal API token stops working (JALONS_API_TOKEN_DAYS), at the end of the line. */
const tokenExpiry = (a: Account) =>
  a.hasApiToken && a.apiTokenExpiresAt
    ? ` — jeton ${Date.parse(a.apiTokenExpiresAt) <= Date.now() ? 'expiré le' : 'valable jusqu’au'} ${formatParis(new Date(a.apiTokenExpiresAt), true)}`
    : '';
const line = (a: Account) =>
  `  ${a.login.padEnd(24)} ${roleLabels[a.role].padEnd(15)} ${a.disabled ? 'DÉSACTIVÉ  ' : 'actif      '}${
    a.hasApiToken ? 'jeton     ' : '—         '
  }${describeScope(a)}${tokenExpiry(a)}`;
const print = (json: boolean | undefined, data: unknown, text: string) =>
  console.log(json ? JSON.stringify(data, null, 2) : text);

export function registerAccountCommands(program: Command): void {
  const account = program
    .command('compte')
    .description('comptes de l’application web, de son API et du serveur de codec (rôles, périmètres)');
  registerAccountListCommands(account);
  registerAccountSecretCommands(account);
  registerAccessRequestCommands(account);
}

/** `compte creer`, `compte liste`, `compte desactiver` / `activer`: accounts created, listed, switched off and on. */
function registerAccountListCommands(account: Command): void {
  account
    .command('creer <identifiant>')
    .description('crée un compte (mot de passe généré et affiché une fois, sauf --mot-de-passe-stdin)')
    .requiredOption('--role <rôle>', 'lecture | agent | admin')
    .option('--organisations <liste>', 'organismes du périmètre, séparés par des virgules')
    .option('--territoires <liste>', 'territoires du périmètre, séparés par des virgules')
    .option('--tous', 'tous les dossiers (compte du Département)')
    .option('--mot-de-passe-stdin', 'lit le mot de passe sur l’entrée standard')
    .option('--json', 'sortie JSON')
    .action(
      async (
        login: string,
        o: {
          role: string;
          organisations?: string;
          territoires?: string;
          tous?: boolean;
          motDePasseStdin?: boolean;
          json?: boolean;
        },
      ) => {
        const password = o.motDePasseStdin ? await passwordFromStdin() : undefined;
        const created = await withReadModel((db) =>
          createAccount(
            db,
            {
              login,
              role: o.role as Account['role'],
              organisations: csv(o.organisations),
              territories: csv(o.territoires),
              allCases: Boolean(o.tous),
              ...(password !== undefined ? { password } : {}),
            },
            origin,
          ),
        );
        const shown = password === undefined ? created.password : undefined;
        print(
          o.json,
          { ...summary(created.account), ...(shown ? { password: shown } : {}) },
          `Compte ${login} créé (${roleLabels[created.account.role]} ; ${describeScope(created.account)}).` +
            (shown ? `\nMot de passe, affiché une seule fois : ${shown}` : ''),
        );
      },
    );

  account
    .command('liste')
    .description('liste les comptes')
    .option('--json', 'sortie JSON')
    .action(async (o: { json?: boolean }) => {
      const accounts = await withReadModel(listAccounts);
      print(
        o.json,
        accounts.map(summary),
        [`${accounts.length} compte(s)`, ...accounts.map(line)].join('\n'),
      );
    });

  for (const [name, disabled] of [
    ['desactiver', true],
    ['activer', false],
  ] as const)
    account
      .command(`${name} <identifiant>`)
      .description(disabled ? 'désactive un compte (ses sessions cessent aussitôt)' : 'réactive un compte')
      .option('--json', 'sortie JSON')
      .action(async (login: string, o: { json?: boolean }) => {
        const a = await withReadModel((db) => setDisabled(db, login, disabled, origin));
        print(o.json, summary(a), `Compte ${login} ${disabled ? 'désactivé' : 'réactivé'}.`);
      });
}

/** `compte mot-de-passe`, `compte jeton`, `compte journal`: a password or an API token issued, shown once; the journal. */
function registerAccountSecretCommands(account: Command): void {
  account
    .command('mot-de-passe <identifiant>')
    .description('nouveau mot de passe (généré, sauf --mot-de-passe-stdin) ; met fin aux sessions du compte')
    .option('--mot-de-passe-stdin', 'lit le mot de passe sur l’entrée standard')
    .option('--json', 'sortie JSON')
    .action(async (login: string, o: { motDePasseStdin?: boolean; json?: boolean }) => {
      const given = o.motDePasseStdin ? await passwordFromStdin() : undefined;
      const password = await withReadModel((db) => setPassword(db, login, given, origin));
      const shown = given === undefined ? password : undefined;
      print(
        o.json,
        { login, ...(shown ? { password: shown } : {}) },
        `Mot de passe de ${login} changé.` +
          (shown ? `\nNouveau mot de passe, affiché une seule fois : ${shown}` : ''),
      );
    });

  account
    .command('jeton <identifiant>')
    .description('émet un jeton d’API personnel (le précédent cesse de fonctionner), affiché une seule fois')
    .option('--json', 'sortie JSON')
    .action(async (login: string, o: { json?: boolean }) => {
      const token = await withReadModel((db) => issueApiToken(db, login, origin));
      print(
        o.json,
        { login, token },
        `Jeton d’API de ${login}, affiché une seule fois (en-tête « Authorization: Bearer … ») :\n${token}`,
      );
    });

  account
    .command('journal')
    .description('journal des connexions, échecs et changements de comptes (jamais de mot de passe)')
    .option('--identifiant <identifiant>', 'un seul compte')
    .option('--limite <n>', 'nombre de lignes', '50')
    .option('--json', 'sortie JSON')
    .action(async (o: { identifiant?: string; limite: string; json?: boolean }) => {
      const limit = Number(o.limite);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
        throw new ActionRefused('--limite : un nombre entier entre 1 et 10 000 est attendu.');
      const events = await withReadModel((db) => accountEvents(db, limit, o.identifiant));
      print(
        o.json,
        events,
        events
          .map(
            (e) =>
              `  ${formatParis(new Date(e.at), true)}  ${(e.login ?? '—').padEnd(20)} ${eventLabels[e.event] ?? e.event} (${e.channel}${e.ip ? `, ${e.ip}` : ''}${e.actor ? `, par ${e.actor}` : ''})${e.detail ? ` : ${e.detail}` : ''}`,
          )
          .join('\n') || 'Journal vide.',
      );
    });
}
