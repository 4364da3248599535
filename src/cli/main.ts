#!/usr/bin/env node
// The `poolsim` command: a command that simulates under the V8 flags it runs with (relaunch.ts), the
// others in place (a second process costs a Node start, about 0.1 s); the command line in program.ts.
// A command that simulates in pool workers starts the first one now, to load the simulator while
// yargs and the command's module load here (spare-worker.ts); not when only its help is asked for.
import { commandOf } from './command-list.js';
import { relaunchUnderFlags } from './relaunch.js';

const args = process.argv.slice(2);
const command = commandOf(args);
if (!(command?.simulates && relaunchUnderFlags(() => void import('./program.js')))) {
  if (command?.simulates === 'in-pool' && !args.some((a) => a === '--help' || a === '--version')) (await import('../experiment/spare-worker.js')).prestartPoolWorker();
  await import('./program.js');
}
