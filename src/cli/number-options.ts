// Number options shared by the commands that run scenarios: --policy-timeout and --workers,
// refused (exit 2, naming the option) when they are not what a run can use, on every command that
// takes them rather than on `run` alone.
import { InputError } from '../scenario/errors.js';
import { SEED_RANGE, seedTextProblem } from '../scenario/seed-range.js';

/** Options that name a seed (run's and fill's --seed, compare's and sweep's --seed-base): judged on their text. */
const SEED_OPTIONS: ReadonlySet<string> = new Set(['seed', 'seed-base']);

function refuse(option: string, message: string): never {
  throw new InputError([{ file: option, line: 0, column: 0, path: '', message }]);
}

/** --policy-timeout: positive seconds (0 failed the first plug-in call; a negative one waited forever). */
export function checkPolicyTimeout(seconds: number): number {
  if (!(seconds > 0 && Number.isFinite(seconds))) refuse('--policy-timeout', `expected a positive number of seconds, got ${seconds}`);
  return seconds;
}

/** --workers: a positive whole number, or undefined when not given. */
export function checkWorkers(workers: number | undefined): number | undefined {
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) refuse('--workers', `expected a positive whole number, got ${workers}`);
  return workers;
}

/**
 * The first number option given a value that is no number, and why, or undefined: an empty value
 * (`--seed ''`, `--seed=`), which yargs reads as 0, so `--seed "$SEED"` with SEED unset ran seed 0 as
 * if asked to; or words (`--seed abc`), which yargs reads as NaN, so the refusal said "got NaN"; or
 * a seed that a float64 cannot hold exactly (`--seed 9007199254740993`, read as ...992); or a number
 * beyond a float64 (`--seeds 1e400`, read as Infinity).
 */
export function badNumberOption(args: readonly string[], parsed: Readonly<Record<string, unknown>>): { option: string; message: string } | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(a);
    if (!m) continue;
    const name = m[1]!;
    const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const number = typeof parsed[camel] === 'number' ? parsed[camel] : parsed[name];
    if (typeof number !== 'number') continue;
    const value = m[2] ?? args[i + 1];
    if (value === undefined) continue;
    if (value.trim() === '') return { option: `--${name}`, message: 'expected a number, got an empty value' };
    if (Number.isNaN(number)) return { option: `--${name}`, message: `expected a number, got '${value}'` };
    if (SEED_OPTIONS.has(name) && seedTextProblem(value)) return { option: `--${name}`, message: `${SEED_RANGE}, got '${value}'` };
    // `--seeds 1e400` was refused as "got Infinity": what yargs made of the text, not the text.
    if (!Number.isFinite(number)) return { option: `--${name}`, message: `'${value}' is beyond the largest number poolsim can hold (about 1.8e308 either side of 0); expected a finite number` };
  }
  return undefined;
}
