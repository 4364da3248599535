// Experiment throughput: the same 40 small runs (roce-vs-ib over two weeks, FIFO and EASY x 20 seeds) spread
// over 1 and 2 worker threads, against the same simulations run back to back in this thread. The
// targets: 2 workers give at least 1.7x the runs per second of 1, and the pool adds little over
// the simulations themselves (1 worker vs in-thread).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runExperiment } from '../experiment/experiment.js';
import type { ExperimentSpec } from '../experiment/plan.js';
import { loadScenario } from '../model/load-scenario.js';
import { resolvePolicies } from '../policy/registry.js';
import { simulate } from '../sim/simulation.js';
import type { BenchRow } from './engine-bench.js';

const SCENARIO = fileURLToPath(new URL('../../scenarios/roce-vs-ib.yaml', import.meta.url));
const POLICIES = ['fifo', 'easy-backfill'];
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

function spec(text: string): ExperimentSpec {
  return {
    scenarioText: text,
    scenarioFile: SCENARIO,
    sweep: [],
    policies: POLICIES.map((name) => ({ ref: { name, params: {} }, baseDir: '.', label: 'bench' })),
    placements: [],
    seeds: SEEDS,
  };
}

/**
 * Small runs, but not trivial ones: two weeks of roce-vs-ib's arrivals (about 0.2 s each) so that
 * the measurement is of the runs spread over workers rather than of starting the workers.
 */
const RUN_DAYS = 14;

export async function runSweepBench(): Promise<BenchRow[]> {
  const text = readFileSync(SCENARIO, 'utf8').replace('until: 1d', `until: ${RUN_DAYS}d`);
  const runs = POLICIES.length * SEEDS.length;
  // In this thread, back to back: the work itself (after a warm-up run for the JIT).
  const resolved = loadScenario(text, SCENARIO);
  const policyFor = (name: string) => resolvePolicies({ name, params: {} }, resolved.scenario.placement);
  simulate(resolved, { seed: 99, policies: policyFor('fifo') });
  const t0 = performance.now();
  for (const p of POLICIES) for (const seed of SEEDS) simulate(resolved, { seed, policies: policyFor(p) });
  const inlineS = (performance.now() - t0) / 1000;
  const rows: BenchRow[] = [{ case: `${runs} runs in one thread, no pool`, runs, workers: 0, wall_s: inlineS, runs_per_s: runs / inlineS, speedup_vs_1_worker: Number.NaN, overhead_vs_in_thread: 1 }];
  let oneWorkerS = Number.NaN;
  for (const workers of [1, 2]) {
    const t = performance.now();
    const r = await runExperiment(spec(text), { workers });
    const wallS = (performance.now() - t) / 1000;
    if (workers === 1) oneWorkerS = wallS;
    rows.push({
      case: `${runs} runs, ${workers} worker${workers > 1 ? 's' : ''} (start-up included)`,
      runs: r.outcomes.length,
      workers,
      wall_s: wallS,
      runs_per_s: runs / wallS,
      speedup_vs_1_worker: oneWorkerS / wallS,
      overhead_vs_in_thread: (wallS * workers) / inlineS,
      inside_simulations_s: r.simulationWallS,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    });
  }
  return rows;
}
