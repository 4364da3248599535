// Number options shared by the commands that run scenarios: --policy-timeout and --workers,
// refused (exit 2, naming the option) when they are not what a run can use, on every command that
// takes them rather than on `run` alone.
import { InputError } from '../scenario/errors.js';

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
