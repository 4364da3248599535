// An option given more than once is refused (exit 2, naming it) before any command runs: yargs turns
// `--out a --out b` into an array, which the commands' string options then failed on as an internal
// error, and lets the last of `--quiet --no-quiet` win without a word.

/** Written names (`--max-memory`, `--maxMemory`, `--no-quiet`) as the option they set, kebab-case. */
function optionName(written: string, known: ReadonlySet<string>): string {
  const kebab = written.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  if (known.has(kebab)) return kebab;
  const negated = /^no-(.+)$/.exec(kebab)?.[1];
  return negated !== undefined && known.has(negated) ? negated : kebab;
}

/**
 * The first option of `known` (kebab-case names) that `args` gives more than once, as `--name`, or
 * undefined. Options in `lists` take several values and may repeat; nothing after `--` is an option.
 */
export function repeatedOption(args: readonly string[], known: ReadonlySet<string>, lists: ReadonlySet<string>): string | undefined {
  const seen = new Set<string>();
  for (const a of args) {
    if (a === '--') break;
    const m = /^--([^=]+)/s.exec(a);
    if (!m) continue;
    const name = optionName(m[1]!, known);
    if (!known.has(name) || lists.has(name)) continue;
    if (seen.has(name)) return `--${name}`;
    seen.add(name);
  }
  return undefined;
}
