// Ctrl-C and termination: whatever a command has half-written is removed before the process ends,
// so an interrupted run leaves no temporary files and no mix of old and new results.
const cleanups = new Set<() => void>();
let installed = false;

const EXIT_BY_SIGNAL: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function onSignal(signal: NodeJS.Signals): void {
  for (const c of [...cleanups]) {
    try {
      c();
    } catch {
      // Best effort: the next cleanup still runs.
    }
  }
  cleanups.clear();
  process.stderr.write(`\ninterrupted (${signal}); nothing was written.\n`);
  process.exit(EXIT_BY_SIGNAL[signal] ?? 1);
}

/** Run `cleanup` if the process is interrupted before the returned function is called. */
export function cleanupOnInterrupt(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    for (const s of Object.keys(EXIT_BY_SIGNAL) as NodeJS.Signals[]) process.on(s, onSignal);
  }
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}
