// Every poolsim command: the usage line and description that --help lists, and the module that
// declares its options and runs it. A command's module (and the simulator, zod and the rest behind
// it) is imported only when that command is the one run, so `--version`, `--help` and the light
// commands do not load the whole program: eagerly, every command paid about 0.5 s of module loading.
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';

/** What a command's module exports: its options and its body. */
export interface CommandBody {
  builder(y: Argv): Argv<unknown>;
  handler(argv: ArgumentsCamelCase): void | Promise<void>;
}

export interface CommandEntry {
  /** yargs' command string: the name and positionals (`run <scenario>`). */
  command: string;
  describe: string;
  /**
   * Where it simulates, if it does: in pool workers, or in this thread. Either way it runs under
   * poolsim's V8 flags (relaunch.ts), which only a simulation's memory needs; a pool's first worker
   * is started as the process starts (spare-worker.ts).
   */
  simulates?: 'in-pool' | 'in-thread';
  load(): Promise<CommandBody>;
}

/** In --help's order; the first word of each is the command's name. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    command: 'run <scenario>',
    describe: 'Run one scenario; write summary.csv and jobs.csv (and links, transfers, services, requests when they apply)',
    simulates: 'in-pool',
    load: () => import('./commands/run.js'),
  },
  {
    command: 'validate <scenario>',
    describe: 'Check a scenario file and report every problem in it',
    load: () => import('./commands/validate.js'),
  },
  {
    command: 'devices',
    describe: 'List the built-in device kinds and fabric presets',
    load: () => import('./commands/devices.js'),
  },
  {
    command: 'policies',
    describe: 'List the queue, placement and preemption policies and their parameters',
    load: () => import('./commands/policies.js'),
  },
  {
    command: 'compare <scenario>',
    describe: 'Compare policies on the same seeds: runs.csv, summary.csv (mean, std, 95% CI) and a table',
    simulates: 'in-pool',
    load: () => import('./commands/compare.js'),
  },
  {
    command: 'sweep <scenario>',
    describe: 'Sweep scenario fields (--set path=values) crossed with policies and seeds',
    simulates: 'in-pool',
    load: () => import('./commands/sweep.js'),
  },
  {
    command: 'check <scenarios..>',
    describe: 'Check scenarios against their expectations and a committed baseline (CI): exit 1 on any failure',
    simulates: 'in-pool',
    load: () => import('./commands/check.js'),
  },
  {
    command: 'merge <out> <inputs..>',
    describe: "Join shards' runs.csv files into one (sorted by run, duplicates and missing runs detected)",
    load: () => import('./commands/merge.js'),
  },
  {
    command: 'report <dir>',
    describe: 'Write a self-contained HTML report (interactive charts) of a results folder',
    load: () => import('./commands/report.js'),
  },
  {
    command: 'trace <action> <file>',
    describe: 'Inspect a job trace (alibaba-openb, philly, csv: rows, span, sizes, durations, rows skipped) or an inference request trace (requests: arrival rate, token counts, prefixes)',
    load: () => import('./commands/trace.js'),
  },
  {
    command: 'schema',
    describe: 'Print the JSON Schema of scenario files (for editors), or the scenario reference as Markdown',
    load: () => import('./commands/schema.js'),
  },
  {
    command: 'explain <scenario>',
    describe: "Break a listed training job's step down: compute by operator, exposed communication, bubble, memory per device",
    load: () => import('./commands/explain.js'),
  },
  {
    command: 'fill <scenario>',
    describe: "Fill the pool with the scenario's pods until their requests reach a share of its GPUs (FGD paper's experiment): unallocated and fragmented GPUs per placement",
    simulates: 'in-thread',
    load: () => import('./commands/fill.js'),
  },
];

/** The command's name: its command string's first word. */
export const commandName = (entry: CommandEntry): string => entry.command.split(' ')[0]!;

/**
 * The command a command line names, read before yargs: its first word that is not an option (poolsim
 * has no global option that takes a value). Used only for what the process does before the command
 * runs (the V8 flags, a spare worker); a misread changes neither what the command does nor prints.
 */
export function commandOf(args: readonly string[]): CommandEntry | undefined {
  const name = args.find((a) => !a.startsWith('-'));
  return COMMANDS.find((c) => commandName(c) === name);
}

/** The yargs command that imports its module when yargs first needs its options (only the command run, or asked for help). */
export function lazyCommand(entry: CommandEntry): CommandModule {
  return {
    command: entry.command,
    describe: entry.describe,
    builder: async (y) => (await loadBody(entry)).builder(y),
    handler: async (argv) => (await loadBody(entry)).handler(argv),
  };
}

/**
 * The command's module, or, where it cannot be loaded (a file of the installation missing, cut short
 * or rewritten while the command started: `npm run build` beside a running poolsim), a line that says
 * so and exit 1: never Node's link error and stack, which name no remedy.
 */
async function loadBody(entry: CommandEntry): Promise<CommandBody> {
  try {
    return await entry.load();
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    process.stderr.write(
      `poolsim could not load its ${commandName(entry)} command: ${message}\nIts installation is incomplete or was changed while it started: run it again; if this persists, rebuild (npm run build) or reinstall poolsim.\n`,
    );
    process.exit(1);
  }
}
