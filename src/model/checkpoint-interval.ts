// Checkpoint intervals and the expected run time of a job that failures throw back: the same
// figures for the simulator (which checks, at each failure, whether a job can still finish) and for
// the size estimate made before a run (which counts the failures the run will see).

/**
 * Optimum checkpoint interval (progress time between checkpoints) for checkpoint cost d and mean
 * time between failures M: Daly (2006), T = sqrt(2dM)(1 + sqrt(d/2M)/3 + (d/2M)/9) - d for
 * d < 2M, else M; it refines Young's (1974) sqrt(2dM).
 */
export function youngDalyIntervalS(costS: number, mtbfS: number): number {
  if (costS <= 0) return Infinity;
  if (costS >= 2 * mtbfS) return mtbfS;
  const x = costS / (2 * mtbfS);
  return Math.sqrt(2 * costS * mtbfS) * (1 + Math.sqrt(x) / 3 + x / 9) - costS;
}

/**
 * Share of a job's progress time that computes when it writes a checkpoint of `costS` after every
 * `intervalS` of progress (Infinity: never): its useful rate is its model rate times this.
 */
export function computeShare(intervalS: number, costS: number): number {
  return intervalS < Infinity ? intervalS / (intervalS + costS) : 1;
}

/**
 * Wall time of `computeS` of compute that writes a checkpoint of `costS` after every `intervalS` of
 * it but the last, then a final one of `finalCostS` (Resilience.secondsToDone's cycles from a job's
 * start, and the final checkpoint a completed job writes); with no periodic checkpoints (interval
 * Infinity: `interval: auto` without a failure rate) the compute, then the final one. For a job that
 * checkpoints at all. Work within 1e-9 of an interval past it ends on it, as the run rounds it.
 * The policies' predicted run time (Simulation.predictRunS), a job's at submission (sim/submit-runtime.ts)
 * and the size estimate all use it.
 */
export function checkpointedRunS(computeS: number, intervalS: number, costS: number, finalCostS: number): number {
  if (!(intervalS < Infinity)) return computeS + finalCostS;
  const whole = Math.max(0, Math.ceil((computeS - 1e-9 * intervalS) / intervalS) - 1);
  return computeS + whole * costS + finalCostS;
}

/**
 * Seconds of writing in the first `progressS` of progress of a job that computes for `intervalS`,
 * then writes a checkpoint for `costS`, and so on (0 when it never writes): each whole cycle's
 * `costS`, and the part of the current cycle past its compute.
 */
export function writingWithinS(progressS: number, intervalS: number, costS: number): number {
  if (!(intervalS < Infinity) || !(costS > 0) || !(progressS > 0)) return 0;
  const cycleS = intervalS + costS;
  return Math.floor(progressS / cycleS) * costS + Math.max(0, (progressS % cycleS) - intervalS);
}

/**
 * Natural log of the expected wall time to do `workS` of progress with failures at rate `l` per
 * second, a restart of `restartS` after each, and progress kept every `intervalS` of progress at a
 * cost of `costS` (Infinity: only at the end). Each cycle of wall time t = min(work, interval + cost)
 * takes e^(l restart) (e^(l t) - 1) / l on average (exponential failures; Daly 2006). In logs: it
 * overflows floats long before it stops mattering (and ln(e^(l t) - 1) is taken without forming e^(l t)).
 */
export function logExpectedRunS(workS: number, l: number, intervalS: number, costS: number, restartS: number): number {
  if (!(workS > 0)) return -Infinity;
  if (!(l > 0)) return Math.log(workS);
  const cycleS = Math.min(workS, intervalS + costS);
  const cycles = workS / cycleS;
  return Math.log(cycles) - Math.log(l) + l * restartS + logExpm1(l * cycleS);
}

/**
 * ln(e^x - 1) for x > 0, finite where e^x overflows (x > 709): there x + ln(1 - e^-x), which is x to
 * the last bit. Below, the direct form, so every estimate that was finite keeps its bits.
 */
function logExpm1(x: number): number {
  return x <= 700 ? Math.log(Math.expm1(x)) : x + Math.log1p(-Math.exp(-x));
}
