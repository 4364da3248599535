// poolsim's command line: yargs commands, one module each, imported when run (command-list.ts; started by main.ts).
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { COMMANDS, commandName, lazyCommand } from './command-list.js';
import { reportError } from './io.js';
import { badNumberOption } from './number-options.js';
import { helpArgs } from './help-command.js';
import { dashArgument, flagGivenValue, joinDashValues, optionWithoutValue } from './option-values.js';
import { repeatedOption } from './repeated-options.js';
import { optionSuggestions } from './unknown-option.js';
import { cliVersion } from './version.js';
import { InputError } from '../scenario/errors.js';

// `poolsim ... | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const asked = helpArgs(hideBin(process.argv));
if ('refused' in asked) {
  process.stderr.write(`${asked.refused}\n`);
  process.exit(2);
}
const args = joinDashValues(asked.args);
const cli = yargs(args).scriptName('poolsim').usage('$0 <command> [options]\n\nOne command\'s options: $0 help <command> (or $0 <command> --help)');
for (const entry of COMMANDS) cli.command(lazyCommand(entry));
await cli
  .demandCommand(1, `name a command: ${COMMANDS.map(commandName).join(', ')} (see --help)`)
  .strict()
  .recommendCommands()
  .middleware((argv) => {
    const refuse = (option: string, message: string): never => process.exit(reportError(new InputError([{ file: option, line: 0, column: 0, path: '', message }])));
    const kebab = (names: readonly string[]) => new Set(names.map((n) => n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)));
    // The options of the command being run (its builder has run by now); yargs' types leave getOptions out.
    const options = (cli as unknown as { getOptions(): { key: Record<string, unknown>; array: string[]; boolean: string[] } }).getOptions();
    const twice = repeatedOption(args, kebab(Object.keys(options.key)), kebab(options.array));
    if (twice) refuse(twice, 'given more than once; give it once (a later one would silently replace an earlier one)');
    const flagged = flagGivenValue(args, kebab(options.boolean));
    if (flagged) refuse(flagged.option, `takes no value (at most =true or =false), got '${flagged.value}'`);
    const flags = kebab(options.boolean);
    const valueOptions = new Set([...kebab(Object.keys(options.key))].filter((n) => !flags.has(n)));
    const dash = dashArgument(args, valueOptions);
    if (dash?.option) refuse(dash.option, "'-' is not read as standard input or output; give a path (./- for a file named '-')");
    if (dash) refuse("'-'", 'poolsim does not read standard input; save the text to a file and give its path');
    const bare = optionWithoutValue(args, new Set([...kebab(Object.keys(options.key))].filter((n) => !flags.has(n))));
    if (bare) refuse(bare.option, `expected a value after it; ${bare.next === undefined ? 'nothing follows it' : `'${bare.next}' follows it, another option`}`);
    const bad = badNumberOption(args, argv);
    if (bad) refuse(bad.option, bad.message);
  }, true)
  .fail((msg, err, y) => {
    if (err) throw err;
    const known = Object.keys((cli as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key).map((n) => n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
    process.stderr.write(`${y.help().toString()}\n\n${msg}\n${optionSuggestions(msg, known)}`);
    process.exit(2);
  })
  .version(cliVersion())
  .help()
  .wrap(Math.min(110, process.stdout.columns ?? 100))
  .parseAsync();
