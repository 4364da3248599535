// A misspelt option's nearest known one: yargs says "Unknown argument: otu" and no more (it suggests
// commands only), so `run x.yaml --otu dir` left the user to find --out in the help above.
import { suggestName } from '../scenario/did-you-mean.js';

/**
 * For yargs' "Unknown argument(s): a, b" message, a line per unknown name that is near a known
 * option ("--otu: did you mean --out?"); '' for any other message or when none is near.
 */
export function optionSuggestions(message: string, known: readonly string[]): string {
  const m = /^Unknown arguments?: (.+)$/.exec(message);
  if (!m) return '';
  const options = known.filter((k) => k.length > 1 && k !== '$0' && k !== '_');
  let out = '';
  const names = m[1]!.split(', ');
  for (const name of names) {
    // yargs lists a kebab-case name again in camelCase (max-memroy, maxMemroy): one suggestion.
    if (/[A-Z]/.test(name) && names.includes(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))) continue;
    const near = suggestName(name, options);
    if (near !== undefined) out += `--${name}: did you mean --${near}?\n`;
  }
  return out;
}
