// An option's value as the user typed it, around yargs: yargs reads a value that begins with '-' and
// is not a plain number as more options (`--link-interval -1h` was "Unknown arguments: 1, h" under
// the whole help), and lets a flag take any value (`--quiet=-1h` ran quietly).

/** What yargs itself reads as a value after an option: a plain negative number (yargs-parser's test). */
const PLAIN_NEGATIVE = /^-([0-9]+(\.[0-9]+)?|\.[0-9]+)$/;

/**
 * `args` with `--name -1h` written `--name=-1h`: a value that begins with a minus and a digit (a
 * negative duration, size or percentage, `-1e3`), so that the option's own check judges it. Plain
 * negative numbers, which yargs reads already, and everything after `--` are left as they are.
 */
export function joinDashValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return [...out, ...args.slice(i)];
    const next = args[i + 1];
    if (/^--[^=]+$/s.test(a) && next !== undefined && /^-\.?\d/.test(next) && !PLAIN_NEGATIVE.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/**
 * The first flag of `flags` (kebab-case) given a value other than true or false (`--quiet=-1h`), as
 * `--name` and the value, or undefined.
 */
export function flagGivenValue(args: readonly string[], flags: ReadonlySet<string>): { option: string; value: string } | undefined {
  for (const a of args) {
    if (a === '--') break;
    const m = /^--([^=]+)=(.*)$/s.exec(a);
    if (!m) continue;
    const name = m[1]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (flags.has(name) && m[2] !== 'true' && m[2] !== 'false') return { option: `--${name}`, value: m[2]! };
  }
  return undefined;
}

/**
 * The first option of `valued` (kebab-case: those that take a value) written with none after it, as
 * `--name` and what follows it (undefined at the end), or undefined. yargs leaves a number option
 * written so unset and reads a string as '' and a list as [], so `run x.yaml --seed` ran the
 * scenario's own seed and `sweep x.yaml --set --seeds 2` a sweep of no field, both with exit 0. A
 * word that begins with '-' is an option unless yargs reads it as a value (a plain negative number,
 * '-' alone); `args` has been through joinDashValues, so `--name -1h` is `--name=-1h` by now.
 */
export function optionWithoutValue(args: readonly string[], valued: ReadonlySet<string>): { option: string; next: string | undefined } | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    const m = /^--([^=]+)$/s.exec(a);
    if (!m) continue;
    const name = m[1]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (!valued.has(name)) continue;
    const next = args[i + 1];
    if (next === undefined || next === '--' || (next.startsWith('-') && next !== '-' && !PLAIN_NEGATIVE.test(next))) return { option: `--${name}`, next };
  }
  return undefined;
}

/**
 * A bare '-' (standard input or output, by the Unix convention) among `args`: yargs reads it as an
 * empty string, so a file named '-' was refused as "an empty name (an unset variable?)". Returns
 * the option it is the value of (one of `valueOptions`, kebab-case), `{}` where it stands alone (a
 * file argument), or undefined when there is none.
 */
export function dashArgument(args: readonly string[], valueOptions: ReadonlySet<string>): { option?: string } | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') break;
    if (args[i] !== '-') continue;
    const before = i > 0 ? /^--([^=]+)$/s.exec(args[i - 1]!) : null;
    return before && valueOptions.has(before[1]!) ? { option: `--${before[1]}` } : {};
  }
  return undefined;
}
