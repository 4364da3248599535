// `--max-memory <size>` on every command that loads scenarios: the memory one run may use, which
// the loader's size estimate (model/size-estimate.ts) checks against, in the CLI's thread and in
// the workers alike. Without it the limit is the worker heap limit or half the machine's memory.
import { InputError } from '../scenario/errors.js';
import { parseQuantity, UnitError } from '../units/units.js';

export const MAX_MEMORY_DESCRIPTION = "memory one run may use (e.g. 64GiB); default: a worker thread's heap limit or half of this machine's memory, whichever is smaller";

/** Bytes, or undefined when the option is absent; bad text is an InputError naming the option. */
export function parseMaxMemory(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const refuse = (why: string): never => {
    throw new InputError([{ file: '--max-memory', line: 0, column: 0, path: '', message: why }]);
  };
  try {
    const bytes = parseQuantity(String(text), 'size');
    if (!(bytes >= 2 ** 20)) refuse(`expected a size of at least 1MiB such as 16GiB, got '${text}'`);
    return bytes;
  } catch (e) {
    if (e instanceof UnitError) return refuse(e.message);
    throw e;
  }
}
