/**
 * `jalons --help` and commander's own messages in French (issue 16: French at
 * every edge a person reads or types). Commands are listed by their French name
 * alone: the old English names (./old-names.ts) are hidden aliases.
 */
import { Help, type Command } from 'commander';

const titles: Record<string, string> = {
  'Usage:': 'Utilisation :',
  'Options:': 'Options :',
  'Commands:': 'Commandes :',
  'Arguments:': 'Arguments :',
  'Global Options:': 'Options générales :',
};

/** Commander's errors (`error: unknown option '--x'`…), one French sentence each. */
const errors: [RegExp, string][] = [
  [/^error: unknown option '(.+?)'/, 'option inconnue « $1 »'],
  [/^error: unknown command '(.+?)'/, 'commande inconnue « $1 »'],
  [/^error: required option '(.+?)' not specified/, 'option obligatoire absente : « $1 »'],
  [/^error: missing required argument '(.+?)'/, 'argument obligatoire absent : « $1 »'],
  [/^error: option '(.+?)' argument missing/, 'l’option « $1 » attend une valeur'],
  [/^error: too many arguments(?: for '(.+?)')?/, 'trop d’arguments'],
  [/\(Did you mean (.+?)\?\)/, '(vouliez-vous dire $1 ?)'],
];

export function frenchError(message: string): string {
  let out = message;
  for (const [pattern, french] of errors) out = out.replace(pattern, french);
  return out.replace(/^error: /, 'erreur : ');
}

/** Before any subcommand is added: they inherit the help's settings. */
export function frenchHelp(program: Command): Command {
  const english = new Help();
  return program
    .configureHelp({
      styleTitle: (title) => titles[title] ?? title,
      subcommandTerm: (cmd) => {
        const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`));
        return [cmd.name(), ...(cmd.options.length ? ['[options]'] : []), ...args].join(' ');
      },
      commandUsage: (cmd) => {
        const names: string[] = [];
        for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
        return `${names.join(' ')} ${cmd.usage().replace('[command]', '[commande]')}`;
      },
      optionDescription: (option) =>
        english.optionDescription(option).replace(/\bdefault: /, 'par défaut : '),
    })
    .helpOption('-h, --help', 'affiche l’aide')
    .helpCommand('aide [commande]', 'affiche l’aide d’une commande')
    .configureOutput({ outputError: (message, write) => write(frenchError(message)) });
}
