// Progress of one simulation, shared between the worker that runs it and the thread that reports
// it, through shared memory (no messages on the hot path): the worker's engine pulse writes the
// simulated time, events fired and jobs ended; the main thread reads them when it likes.
import type { Simulation } from '../sim/simulation.js';

const SIM_S = 0;
const EVENTS = 1;
const JOBS_ENDED = 2;
const SLOTS = 3;

export interface ProgressSnapshot {
  simS: number;
  events: number;
  jobsEnded: number;
}

export function createProgressBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(SLOTS * Float64Array.BYTES_PER_ELEMENT);
}

/** Worker side: publish `sim`'s progress into `buffer` as it runs. */
export function publishProgress(sim: Simulation, buffer: SharedArrayBuffer): void {
  const f = new Float64Array(buffer);
  f.fill(0);
  let ended = 0;
  const end = (): void => void ended++;
  sim.signals.on('finished', end);
  sim.signals.on('rejected', end);
  sim.engine.pulse = (nowS, fired) => {
    f[SIM_S] = nowS;
    f[EVENTS] = fired;
    f[JOBS_ENDED] = ended;
  };
}

/** Main-thread side. Float64 stores are not atomic, but each slot is written whole by one thread. */
export function readProgress(buffer: SharedArrayBuffer): ProgressSnapshot {
  const f = new Float64Array(buffer);
  return { simS: f[SIM_S]!, events: f[EVENTS]!, jobsEnded: f[JOBS_ENDED]! };
}
