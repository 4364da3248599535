// poolsim as a library: load a scenario, run it, and write your own policies.
export { loadScenario, type ResolvedScenario, type LoadOptions } from './model/load-scenario.js';
// Building a scenario in code: defineScenario({ name, datacentres, workloads, ... }) with the file format's types and defaults.
export { defineScenario, type DefineScenarioOptions } from './model/define-scenario.js';
export type { Scenario, ScenarioInput } from './scenario/schema.js';
export { InputError, type InputIssue } from './scenario/errors.js';
// Reading the files a scenario names (traces) as the CLI does: loadScenario(text, file, { readFile: readInputFile, baseDir }).
export { readInputFile, InputFileError, MAX_INPUT_BYTES, type ReadInputOptions } from './scenario/read-input-file.js';
export { simulate, Simulation, type RunOptions, type RunResult } from './sim/simulation.js';
// The one run pipeline every command uses: runScenario(resolved, { policies, outputs, observe }).
export { runScenario, runScenarioWithPolicies, type PolicyRunResult, type RunScenarioOptions } from './experiment/run-scenario.js';
export { loadScenarioForRun } from './experiment/load-for-run.js';
export { outputFiles, attachOutputs, NonFiniteResultError, type OutputName, type OutputWriter, type JobRowWriter } from './experiment/output-sinks.js';
export { formatJobRowBatch, type JobRowBatch } from './experiment/job-row-batch.js';
export { Signals, type JobSignals, type RowSignals, type LinkRow, type TransferRow } from './sim/signals.js';
export { RunFailedError } from './sim/run-error.js';
// Listening to a run: runScenario(resolved, { on: { jobStarted(e) { ... }, jobRow(row) { ... } } }).
export { listenTo, type JobEvent, type JobEventKind, type LinkEvent, type RunListeners } from './sim/run-events.js';
export { JOB_COLUMNS, SUMMARY_COLUMNS, type JobRow, type SummaryRow } from './sim/metrics.js';
export { DEVICE_CATALOGUE, FABRIC_PRESETS } from './model/catalogue.js';
export { parseQuantity, parseDuration, parseRate, parseSize, parseFlops } from './units/units.js';
export type {
  ClusterView,
  JobView,
  Placement,
  PlacementHints,
  Placer,
  PlacementPolicy,
  PoolFacts,
  QueueDiscipline,
  QueuePolicy,
  RunningTable,
  SchedulingContext,
  WaitingJobs,
} from './policy/types.js';
export { PolicyError } from './policy/types.js';
export { fifo } from './policy/fifo.js';
export { firstFit, firstFitPlacement, packOnKind } from './policy/first-fit.js';
// Writing a policy in a file of your own: `import { defineQueuePolicy, z } from 'poolsim'`.
export { z } from 'zod';
export { defineQueuePolicy, definePlacementPolicy, definePreemptionPolicy } from './policy/define.js';
export type { PreemptionPolicy, Preemptor } from './policy/types.js';
export { loadPolicies, usesPlugins, type LoadPoliciesOptions } from './policy/plugin.js';
// Load balancers of your own: `import { defineLoadBalancer, z } from 'poolsim'`.
export { defineLoadBalancer } from './policy/balancers/define.js';
export { LOAD_BALANCERS } from './policy/balancers/registry.js';
export type { BalancerContext, LoadBalancer, LoadBalancerPolicy, ReplicaView, RequestView } from './policy/balancers/types.js';
export type { RandomStream } from './engine/random.js';
export { QUEUE_POLICIES, PLACEMENT_POLICIES, PREEMPTION_POLICIES, resolvePolicies, type ResolvedPolicies } from './policy/registry.js';
export { allowedKinds, kindRate, runtimeOnS } from './policy/predict.js';
