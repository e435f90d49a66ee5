/**
 * `jalons subvention reversement | mise-en-demeure | resiliation | avenant`: the acts
 * that end or amend a convention and the State's ordre de reversement
 * (docs/grants.md, « La fin d'une convention » and « Le registre »). Each sends
 * the same validated Update as the web forms; a refusal is French, exit 3.
 */
import type { Command } from 'commander';
import type { GrantAction } from '../../domain/grants/index.js';

/** What these commands need of the `subvention` command (apps/cli/grants.ts). */
interface GrantCli {
  grant: Command;
  act: (id: string, action: GrantAction, json?: boolean) => Promise<void>;
  when: (o: { date?: string; par?: string }) => { at?: string; by?: string };
}

type Common = { date?: string; par?: string; json?: boolean };
const parties = 'departement | funder';

export function registerConventionActCommands(
  cli: GrantCli,
  amountArg: (raw: string, what: string) => number,
): void {
  registerRepaymentOrder(cli, amountArg);
  registerEndings(cli);
}

function registerRepaymentOrder(cli: GrantCli, amountArg: (raw: string, what: string) => number): void {
  const { grant, act, when } = cli;
  grant
    .command('reversement <subvention>')
    .description(
      'enregistre l’émission de l’ordre de reversement par l’État (remboursement dû deux mois après)',
    )
    .option('--montant <euros>', 'montant inscrit sur l’ordre (par défaut : celui du registre)')
    .option('--reference <numero>', 'numéro de l’ordre')
    .option('--date <instant>', 'date d’émission')
    .option('--par <agent>', 'agent')
    .option('--json', 'sortie JSON')
    .action(async (id: string, o: Common & { montant?: string; reference?: string }) =>
      act(
        id,
        {
          type: 'repayment-order',
          ...(o.montant !== undefined ? { amount: amountArg(o.montant, 'Montant') } : {}),
          ...(o.reference !== undefined ? { reference: o.reference } : {}),
          ...when(o),
        },
        o.json,
      ),
    );
}

function registerEndings(cli: GrantCli): void {
  const { grant, act, when } = cli;
  grant
    .command('mise-en-demeure <subvention>')
    .description('enregistre une mise en demeure (served) ou qu’elle a été suivie d’effet (complied)')
    .requiredOption('--action <a>', 'served | complied')
    .option('--defaillant <partie>', parties)
    .option('--motif <texte>', 'motif (500 caractères au plus)')
    .option('--date <instant>', 'date de réception ou d’envoi')
    .option('--par <agent>', 'agent')
    .option('--json', 'sortie JSON')
    .action(async (id: string, o: Common & { action: string; defaillant?: string; motif?: string }) =>
      act(
        id,
        {
          type: 'formal-notice',
          action: o.action as 'served',
          ...(o.defaillant !== undefined ? { defaulting: o.defaillant as 'departement' } : {}),
          ...(o.motif !== undefined ? { reason: o.motif } : {}),
          ...when(o),
        },
        o.json,
      ),
    );

  grant
    .command('resiliation <subvention>')
    .description('enregistre une demande de résiliation (effet après le préavis de la convention)')
    .requiredOption('--de <partie>', parties)
    .option('--motif <texte>', 'motif (500 caractères au plus)')
    .option('--date <instant>', 'date de réception de la lettre')
    .option('--par <agent>', 'agent')
    .option('--json', 'sortie JSON')
    .action(async (id: string, o: Common & { de: string; motif?: string }) =>
      act(
        id,
        {
          type: 'termination-request',
          from: o.de as 'departement',
          ...(o.motif !== undefined ? { reason: o.motif } : {}),
          ...when(o),
        },
        o.json,
      ),
    );

  grant
    .command('avenant <subvention>')
    .description('enregistre un avenant signé (reconduction ou montants)')
    .option('--reference <numero>', 'numéro de l’avenant')
    .option('--pieces <liste>', 'pièces jointes, séparées par des virgules')
    .option('--date <instant>', 'date de signature')
    .option('--par <agent>', 'agent')
    .option('--json', 'sortie JSON')
    .action(async (id: string, o: Common & { reference?: string; pieces?: string }) =>
      act(
        id,
        {
          type: 'amendment',
          ...(o.reference !== undefined ? { reference: o.reference } : {}),
          ...(o.pieces !== undefined ? { pieces: o.pieces.split(',').filter(Boolean) } : {}),
          ...when(o),
        },
        o.json,
      ),
    );
}
