/**
 * `jalons account add|list|disable|enable|password|token|journal`: the accounts
 * of the web app, its API and the codec server, in the read model at
 * JALONS_READMODEL_URL. A generated password or token is printed once; a
 * password of one's choosing is read from the standard input (--password-stdin),
 * never from the command line (shell history, process list).
 */
import type { Command } from 'commander';
import { openReadModel, type ReadModelDb } from '../../store/db.js';
import { formatParis } from '../../domain/calendar.js';
import { loadConfig } from '../../workers/config.js';
import {
  accountEvents,
  assertEmbeddedReadModelFree,
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

const origin: Origin = { channel: 'cli', actor: 'cli' };
const csv = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

async function withReadModel<T>(work: (db: ReadModelDb) => Promise<T>): Promise<T> {
  const { readModelUrl } = loadConfig();
  assertEmbeddedReadModelFree(readModelUrl);
  const db = await openReadModel(readModelUrl);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

async function passwordFromStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new ActionRefused('--password-stdin : envoyez le mot de passe sur l’entrée standard.');
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
  lastLoginAt: a.lastLoginAt,
  createdAt: a.createdAt,
});
const line = (a: Account) =>
  `  ${a.login.padEnd(24)} ${roleLabels[a.role].padEnd(15)} ${a.disabled ? 'DÉSACTIVÉ  ' : 'actif      '}${
    a.hasApiToken ? 'jeton     ' : '—         '
  }${describeScope(a)}`;
const print = (json: boolean | undefined, data: unknown, text: string) =>
  console.log(json ? JSON.stringify(data, null, 2) : text);

export function registerAccountCommands(program: Command): void {
  const account = program
    .command('account')
    .description('comptes de l’application web, de son API et du serveur de codec (rôles, périmètres)');
  registerAccountListCommands(account);
  registerAccountSecretCommands(account);
}

/** `account add`, `account list`, `account disable` / `enable`: accounts created, listed, switched off and on. */
function registerAccountListCommands(account: Command): void {
  account
    .command('add <login>')
    .description('crée un compte (mot de passe généré et affiché une fois, sauf --password-stdin)')
    .requiredOption('--role <rôle>', 'lecture | agent | admin')
    .option('--organisations <liste>', 'organismes du périmètre, séparés par des virgules')
    .option('--territories <liste>', 'territoires du périmètre, séparés par des virgules')
    .option('--all', 'tous les dossiers (compte du Département)')
    .option('--password-stdin', 'lit le mot de passe sur l’entrée standard')
    .option('--json', 'sortie JSON')
    .action(
      async (
        login: string,
        o: {
          role: string;
          organisations?: string;
          territories?: string;
          all?: boolean;
          passwordStdin?: boolean;
          json?: boolean;
        },
      ) => {
        const password = o.passwordStdin ? await passwordFromStdin() : undefined;
        const created = await withReadModel((db) =>
          createAccount(
            db,
            {
              login,
              role: o.role as Account['role'],
              organisations: csv(o.organisations),
              territories: csv(o.territories),
              allCases: Boolean(o.all),
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
    .command('list')
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
    ['disable', true],
    ['enable', false],
  ] as const)
    account
      .command(`${name} <login>`)
      .description(disabled ? 'désactive un compte (ses sessions cessent aussitôt)' : 'réactive un compte')
      .option('--json', 'sortie JSON')
      .action(async (login: string, o: { json?: boolean }) => {
        const a = await withReadModel((db) => setDisabled(db, login, disabled, origin));
        print(o.json, summary(a), `Compte ${login} ${disabled ? 'désactivé' : 'réactivé'}.`);
      });
}

/** `account password`, `account token`: a password or an API token issued, shown once. */
function registerAccountSecretCommands(account: Command): void {
  account
    .command('password <login>')
    .description('nouveau mot de passe (généré, sauf --password-stdin) ; met fin aux sessions du compte')
    .option('--password-stdin', 'lit le mot de passe sur l’entrée standard')
    .option('--json', 'sortie JSON')
    .action(async (login: string, o: { passwordStdin?: boolean; json?: boolean }) => {
      const given = o.passwordStdin ? await passwordFromStdin() : undefined;
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
    .command('token <login>')
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
    .option('--login <login>', 'un seul compte')
    .option('--limit <n>', 'nombre de lignes', '50')
    .option('--json', 'sortie JSON')
    .action(async (o: { login?: string; limit: string; json?: boolean }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
        throw new ActionRefused('--limit : un nombre entier entre 1 et 10 000 est attendu.');
      const events = await withReadModel((db) => accountEvents(db, limit, o.login));
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
