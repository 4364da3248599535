#!/usr/bin/env node
// The `poolsim` command: a command that simulates under the V8 flags it runs with (relaunch.ts), the
// others in place (a second process costs a Node start, about 0.1 s); the command line in program.ts.
// A command that simulates in pool workers starts the first one now, to load the simulator while
// yargs and the command's module load here (spare-worker.ts); not when only its help is asked for.
// `run` also starts importing its scenario's CSV traces then (prefetch-in-worker.ts).
import { commandOf } from './command-list.js';
import { relaunchUnderFlags } from './relaunch.js';

const args = process.argv.slice(2);
const command = commandOf(args);
if (!(command?.simulates && relaunchUnderFlags(() => void import('./program.js')))) {
  const helpOnly = args.some((a) => a === '--help' || a === '--version');
  if (command?.simulates === 'in-pool' && !helpOnly) (await import('../experiment/spare-worker.js')).prestartPoolWorker();
  // `run <scenario> ...`: its CSV traces imported from now on too (prefetch-in-worker.ts); the scenario
  // is guessed only in this plain form, and the command uses the import only if it reads the same text.
  if (!helpOnly && args[0] === 'run' && args[1] !== undefined && !args[1].startsWith('-')) {
    const scenario = args[1];
    // A regular file of at most 1 MB (readInputFile reads no FIFO or device); else the command reads it and says what is wrong.
    let text: string | undefined;
    try {
      text = (await import('../scenario/read-input-file.js')).readInputFile(scenario, { maxBytes: 1 << 20 });
    } catch {
      text = undefined;
    }
    if (text !== undefined) (await import('../experiment/prefetch-in-worker.js')).prestartTracePrefetch(text, scenario);
  }
  await import('./program.js');
}
