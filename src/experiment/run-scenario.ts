// The one run pipeline: parse -> build -> simulate -> observe. A scenario (text, or already
// resolved) and its policies go in; the simulation runs with the caller's sinks on its signal bus;
// the result comes out. The CLI's run (through a worker, a pool of one), compare, sweep and check
// (through the pool), and library users all run scenarios here, so no route can drift from another.
// Its first stage for a run, parse -> build with the fingerprint, is load-for-run.ts.
import { dirname } from 'node:path';
import type { ResolvedScenario } from '../model/load-scenario.js';
import { loadPolicies, type LoadPoliciesOptions } from '../policy/plugin.js';
import type { ResolvedPolicies } from '../policy/registry.js';
import { checkResolvedArgument } from '../sim/resolved-argument.js';
import { listenTo, type RunListeners } from '../sim/run-events.js';
import { Simulation, type RunOptions, type RunResult } from '../sim/simulation.js';
import type { RowBufferSource } from './job-row-batch.js';
import { attachOutputs, type JobRowWriter, type OutputName, type OutputWriter } from './output-sinks.js';
import { argumentError, describeArgument } from '../scenario/errors.js';
import { policyWarnings } from './policy-warnings.js';

export interface RunScenarioOptions extends Omit<RunOptions, 'observe'> {
  /**
   * Result files to produce (outputFiles() says which a scenario writes) and where their text goes;
   * with `writeRows`, jobs.csv's rows go there as values instead, each batch in a buffer from
   * `rowBuffer` when given (attachOutputs).
   */
  outputs?: { files: readonly OutputName[]; write: OutputWriter; writeRows?: JobRowWriter; rowBuffer?: RowBufferSource };
  /** More listeners on the signal bus (trace exporters, invariant checks), attached before the first event. */
  observe?: (sim: Simulation) => void;
  /** Listeners for job signals and result rows, as frozen plain data (sim/run-events.ts). */
  on?: RunListeners;
}

/** Simulate a resolved scenario with its sinks; pure apart from what the sinks do. */
export function runScenario(resolved: ResolvedScenario, options: RunScenarioOptions = {}): RunResult {
  const { outputs, observe, on, ...runOptions } = options;
  if (outputs && !Array.isArray(outputs.files)) {
    throw argumentError('runScenario', `options.outputs.files must be a list of output names (see outputFiles), got ${describeArgument(outputs.files)}`);
  }
  const sim = new Simulation(resolved, runOptions);
  const sinks = outputs ? attachOutputs(sim, outputs.files, outputs.write, outputs.writeRows, outputs.rowBuffer) : undefined;
  if (on !== undefined) listenTo(sim.signals, sim.cluster, on, sim.network);
  observe?.(sim);
  const result = sim.run();
  sinks?.finish(result.summary, result.tenants);
  return result;
}

/** A run of runScenarioWithPolicies: the run's result, and what its policies said of the pool before it. */
export interface PolicyRunResult extends RunResult {
  /**
   * The policies' warnings (a plug-in's or built-in's warnPool: located `file:line:col: path: message`,
   * or `label: path: message` for a scenario built in code) then the placement's notes on the pool:
   * the lines `poolsim run` prints after "warning: ", in its order. The scenario's own warnings are
   * `resolved.warnings`. Empty when the policies say nothing.
   */
  policyWarnings: string[];
}

/**
 * The library's whole pipeline in one call: load the scenario's policies (plug-in modules
 * included, relative to `scenarioDir`; by default the folder the scenario's other relative paths
 * were read against, its `baseDir`, else the scenario file's folder), then run it. The result
 * carries what the policies said of the pool (PolicyRunResult.policyWarnings).
 * Plug-ins run in the caller's thread with no watchdog: one whose place() never returns never lets
 * this call return (a synchronous loop cannot be interrupted in its own thread; `poolsim run` runs
 * plug-ins in a worker and stops them after --policy-timeout). docs/library.md says the same.
 */
export async function runScenarioWithPolicies(
  resolved: ResolvedScenario,
  options: RunScenarioOptions & { scenarioDir?: string; overrides?: LoadPoliciesOptions } = {},
): Promise<PolicyRunResult> {
  checkResolvedArgument(resolved);
  const { scenarioDir, overrides, ...rest } = options;
  const policies: ResolvedPolicies = rest.policies ?? (await loadPolicies(resolved, scenarioDir ?? resolved.baseDir ?? dirname(resolved.file), overrides));
  // Said before the run, as `poolsim run` says them: a placement's notes read the empty pool.
  const warnings = policyWarnings(resolved, policies);
  return { ...runScenario(resolved, { ...rest, policies }), policyWarnings: warnings };
}
