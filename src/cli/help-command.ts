// `poolsim help [command]`: what users type by habit (git help, npm help). yargs knows only
// `--help`, so `help run` ended in "Did you mean sweep?" and exit 2. Read before yargs: `help` alone
// is `--help`, `help <command>` is `<command> --help`, and anything else is refused with the nearest
// command's name.
import { suggestName } from '../scenario/did-you-mean.js';
import { COMMANDS, commandName } from './command-list.js';

/** The command line to parse instead of `args`, or why `help ...` cannot be answered. */
export function helpArgs(args: readonly string[]): { args: readonly string[] } | { refused: string } {
  if (args[0] !== 'help') return { args };
  const rest = args.slice(1).filter((a) => a !== '--help');
  if (rest.length === 0) return { args: ['--help'] };
  const names = COMMANDS.map(commandName);
  const [name, ...extra] = rest;
  if (extra.length > 0) return { refused: `help: expected one command name, got '${rest.join(' ')}'; e.g. poolsim help ${names.includes(name!) ? name : 'run'}` };
  if (names.includes(name!)) return { args: [name!, '--help'] };
  const near = suggestName(name!, names);
  return { refused: `help: unknown command '${name}'${near ? `; did you mean ${near}?` : ''} (commands: ${names.join(', ')})` };
}
