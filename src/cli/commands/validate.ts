// `poolsim validate <scenario.yaml>`: check a scenario without running it. Every named component
// (policies, victims, balancers, plug-in modules) is resolved by the same function `run` uses, and
// plug-in modules are loaded in a worker under the same watchdog (--policy-timeout).
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { dirname, resolve } from 'node:path';
import { loadInWorker } from '../../experiment/run-in-worker.js';
import { loadPolicies, usesPlugins } from '../../policy/plugin.js';
import { policyWarnings } from '../../experiment/policy-warnings.js';
import { describeTraces, describeWarnings, guarded, readScenarioText } from '../io.js';
import { readScenario } from '../read-scenario.js';
import { formatIssue, InputError, SourceMap, type InputIssue } from '../../scenario/errors.js';
import { parseYaml } from '../../scenario/parse-yaml.js';
import { policyIssuesWithoutPool } from '../../policy/policies-without-pool.js';
import { MAX_MEMORY_DESCRIPTION, parseMaxMemory } from '../max-memory.js';
import { checkPolicyTimeout } from '../number-options.js';
import { formatBytes, formatCount, formatMinutes } from '../../model/size-estimate.js';
import { countOf } from '../../units/count-noun.js';

interface ValidateArgs {
  scenario: string;
  policyTimeout: number;
  maxMemory?: string;
}

export function builder(y: Argv): Argv<ValidateArgs> {
  return y.positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' }).option('policy-timeout', {
    type: 'number',
    default: 10,
    describe: 'seconds a plug-in module may take to load (and create its policy) before validation stops',
  }).option('max-memory', { type: 'string', describe: MAX_MEMORY_DESCRIPTION }) as unknown as Argv<ValidateArgs>;
}

export async function handler(argv: ArgumentsCamelCase<ValidateArgs>): Promise<void> {
  await guarded(async () => {
    const maxMemoryBytes = parseMaxMemory(argv.maxMemory);
    checkPolicyTimeout(argv.policyTimeout);
    const r = withPolicyProblems(argv.scenario, () => readScenario(argv.scenario, { maxMemoryBytes }));
    const scenarioDir = dirname(resolve(argv.scenario));
    // Imports plug-in modules and checks every component's parameters; runs nothing.
    // What `run` says of the policies (policy-warnings.ts: warnPool's warnings, a placement's notes), from either thread.
    const ownWarnings = usesPlugins(r)
      ? (await loadInWorker({ scenarioText: readScenarioText(argv.scenario), scenarioFile: argv.scenario, scenarioDir, ...(maxMemoryBytes !== undefined ? { maxMemoryBytes } : {}) }, { policyTimeoutS: argv.policyTimeout })).policyWarnings
      : policyWarnings(r, await loadPolicies(r, scenarioDir));
    const devices = r.shape.groups.reduce((s, g) => s + g.nodeCount * g.devicesPerNode, 0);
    // A trace's rows that could not be used are said here as `run` says them: a file that lost
    // most of its rows is valid, but not what its author thinks it is.
    process.stderr.write(describeTraces(r.traceReports) + describeWarnings([...r.warnings.map(formatIssue), ...ownWarnings]));
    const jobTraces = r.traceReports.filter((t) => t.kind === 'jobs');
    const traced = jobTraces.reduce((n, t) => n + t.jobs, 0);
    process.stdout.write(
      `${argv.scenario}: valid. ${countOf(r.shape.datacentres.length, 'data centre')}, ${countOf(devices, 'device')} of ${countOf(r.shape.kinds.length, 'kind')}, ${countOf(r.jobs.length - traced, 'listed job')}${jobTraces.length > 0 ? `, ${countOf(traced, 'trace job')}` : ''}, ${countOf(r.generators.length, 'generator')}; a run needs about ${formatBytes(r.size.memoryBytes)} and ${formatCount(r.size.events)} events${r.size.build.seconds >= 1 ? `, and about ${formatMinutes(r.size.build.seconds)} of CPU to build its flow network` : ''}.\n`,
    );
  }, 'validate');
}

/**
 * A scenario refused before its policies were loaded has them checked by name and parameters too
 * (those checks need no pool), so that a user fixing the file sees every problem at once: a
 * misspelt policy was said only once the pool's problems were mended.
 */
function withPolicyProblems<T>(file: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (!(e instanceof InputError) || e.issues.some((i) => /^(policy|placement)\b/.test(i.path))) throw e;
    let more: InputIssue[];
    try {
      const { doc, lines, data } = parseYaml(readScenarioText(file), file);
      more = policyIssuesWithoutPool(data, new SourceMap(file, doc, lines));
    } catch {
      throw e;
    }
    if (more.length === 0) throw e;
    throw new InputError([...e.issues, ...more], e.warnings);
  }
}
