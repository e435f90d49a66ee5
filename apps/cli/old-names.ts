/**
 * The CLI's names before version 1.1 (issue 16: French at every edge a person
 * types). Each old command and option still works for one release, hidden from
 * `--help`; remove this file, and its one call in cli.ts, at the release after.
 */
import { Option, type Command } from 'commander';

/** Old command name, by the French command's path (`parcours voir` was `path show`). */
const oldCommands: Record<string, string> = {
  demarrer: 'start',
  parcours: 'path',
  'parcours demarrer': 'start',
  'parcours voir': 'show',
  'parcours orienter': 'orient',
  'parcours acte': 'act',
  'parcours suggerer': 'suggest',
  retards: 'late',
  moi: 'whoami',
  simuler: 'simulate',
  'exemple-caf': 'sample-caf',
  'rgpd planifier': 'schedule',
  compte: 'account',
  'compte creer': 'add',
  'compte liste': 'list',
  'compte desactiver': 'disable',
  'compte activer': 'enable',
  'compte mot-de-passe': 'password',
  'compte jeton': 'token',
  subvention: 'grant',
  'subvention echeances': 'deadlines',
  'subvention demarrer': 'start',
  'subvention voir': 'show',
  'subvention jalon': 'complete',
  'subvention decision': 'decide',
  'subvention versement': 'pay',
  'subvention rapport': 'report',
  'subvention denoncer': 'denounce',
  'subvention resoudre': 'resolve',
  'subvention planifier': 'schedules',
  'echange planifier': 'schedules',
};

/** Old option flag, by the French one, on every command that has the French one. */
const oldOptions: Record<string, string> = {
  '--vide': '--empty',
  '--ouverture': '--opened',
  '--territoire': '--territory',
  '--territoires': '--territories',
  '--politique': '--policy',
  '--parcours': '--track',
  '--decide-le': '--decided-at',
  '--date': '--at',
  '--par': '--by',
  '--donnees': '--data',
  '--qualifie': '--qualified',
  '--projet': '--projects',
  '--difficultes': '--difficulties',
  '--etape': '--step',
  '--simultanes': '--concurrency',
  '--lignes': '--count',
  '--simulation': '--dry-run',
  '--mois': '--months',
  '--sortie': '--out',
  '--tous': '--all',
  '--mot-de-passe-stdin': '--password-stdin',
  '--identifiant': '--login',
  '--limite': '--limit',
  '--debut': '--started-at',
  '--montant': '--amount',
  '--enveloppe': '--envelope',
  '--cofinancement': '--co-funding',
  '--type': '--kind',
  '--depense': '--spent',
};

const pathOf = (c: Command): string[] => (c.parent?.parent ? [...pathOf(c.parent), c.name()] : [c.name()]);

/** Adds every old name under `program` (after all commands are registered). */
export function acceptOldNames(program: Command): void {
  const visit = (command: Command): void => {
    for (const sub of command.commands) {
      const old = oldCommands[pathOf(sub).join(' ')];
      if (old) sub.alias(old);
      for (const option of [...sub.options]) addOldOption(sub, option);
      visit(sub);
    }
  };
  visit(program);
}

/** The old flag, hidden, storing its value under the French option's name (so a required one is met). */
function addOldOption(command: Command, french: Option): void {
  const old = french.long ? oldOptions[french.long] : undefined;
  // A command that never had the old flag accepts it too: harmless, and one list to remove.
  if (!old || command.options.some((o) => o.long === old)) return;
  const value = french.required ? ' <valeur>' : french.optional ? ' [valeur]' : '';
  const hidden = new Option(`${old}${value}`).hideHelp();
  command.addOption(hidden);
  command.on(`option:${hidden.name()}`, (v: string | undefined) =>
    command.setOptionValueWithSource(french.attributeName(), value ? v : true, 'cli'),
  );
}
