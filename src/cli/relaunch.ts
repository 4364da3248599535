// The V8 settings `poolsim` runs under, and the one way to have them: V8 flags may only be set
// before V8 starts (changing them at run time crashed two-worker sweeps; test/experiment-pool-gc
// keeps every source file from trying), NODE_OPTIONS refuses them, and a shebang cannot carry them
// portably. So a command that simulates (command-list.ts) starts itself again under them, once, as a
// child that inherits its standard streams, and ends as the child ends; the others run in place.
//
// Allocation-site pretenuring off. V8 watches, per allocation site, how many of its objects
// survive a young-generation collection and, once most do, makes that site's objects old from
// then on. A run where many jobs are submitted in one instant trips it: the first scheduling pass
// after the burst starts thousands of jobs whose placements all outlive the next collections, so
// the placement sites stay pretenured for the rest of the run, though a placement lives only while
// its job runs. On the peers' W2 (a million jobs at t = 0) that is about 90 MB of dead placements
// in the old generation between full collections: `poolsim run` peaked at 343-420 MB (above 400
// in 9 of 15 runs), and at 341-356 MB with it off, at the same speed; runs without such a burst
// (scale-100k) allocate the same either way. No output depends on it.
import { spawn } from 'node:child_process';

/** The V8 flags `poolsim` runs under (the benchmarks start their measured runs with them). */
export const CLI_V8_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring'];

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Start this command again under CLI_V8_FLAGS unless the process has them already, or is being
 * debugged (a child would contend for the inspector's port), or is not a script run by node.
 * Returns whether it did: the caller then does nothing more, and this process exits with the
 * child's exit code (or the signal that ended it). Signals sent to this process go to the child,
 * which cleans up what it half-wrote as it would on its own. If the child cannot be started, the
 * command runs here as before.
 */
export function relaunchUnderFlags(onFailure: () => void): boolean {
  const missing = CLI_V8_FLAGS.filter((f) => !process.execArgv.includes(f));
  const script = process.argv[1];
  if (missing.length === 0 || script === undefined || process.execArgv.some((a) => a.startsWith('--inspect'))) return false;
  const child = spawn(process.execPath, [...process.execArgv, ...missing, script, ...process.argv.slice(2)], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  for (const s of FORWARDED) process.on(s, forward);
  let started = false;
  child.on('spawn', () => (started = true));
  child.on('error', () => {
    if (started) return; // the 'exit' event follows
    for (const s of FORWARDED) process.off(s, forward);
    onFailure();
  });
  child.on('exit', (code, signal) => {
    for (const s of FORWARDED) process.off(s, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
  return true;
}
