// `poolsim explain <scenario> --job NAME`: a listed training job's step broken down (compute by
// operator class, exposed TP/PP/DP communication, bubble, memory per device), as a table or JSON,
// where the scenario's placement policy (or --placement's) puts it alone on the empty pool.
import { dirname, resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { explainListedJob } from '../../experiment/explain-job.js';
import { explanationTable } from '../../model/explain.js';
import { explainInWorker } from '../../experiment/run-in-worker.js';
import { loadPolicies, usesPlugins } from '../../policy/plugin.js';
import { describeWarnings, guarded, readScenarioText } from '../io.js';
import { checkPolicyTimeout } from '../number-options.js';
import { readScenario } from '../read-scenario.js';
import { formatIssue, InputError } from '../../scenario/errors.js';
import { policyOverrides } from '../policy-options.js';

interface ExplainArgs {
  scenario: string;
  job: string;
  json: boolean;
  linksDown?: string;
  placement?: string;
  policyTimeout: number;
}

export function builder(y: Argv): Argv<ExplainArgs> {
  return y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
    .option('job', { type: 'string', demandOption: true, describe: 'name of a listed training job' })
    .option('json', { type: 'boolean', default: false, describe: 'print the breakdown as JSON' })
    .option('placement', { type: 'string', describe: "placement policy instead of the scenario's (as run's --placement): the job is placed by it alone on the empty pool (a run places it among the jobs running then: jobs.csv says where)" })
    .option('policy-timeout', { type: 'number', default: 10, describe: 'seconds a plug-in module may take to load (and create its policy) before explain stops' })
    .option('links-down', { type: 'string', describe: 'links between sites to take down, by name, comma-separated: the job is placed and its layout chosen on the routes round them, as a run starting then' }) as unknown as Argv<ExplainArgs>;
}

export async function handler(argv: ArgumentsCamelCase<ExplainArgs>): Promise<void> {
  await guarded(async () => {
    const r = readScenario(argv.scenario);
    const linksDown = argv.linksDown === undefined ? [] : String(argv.linksDown).split(',').map((n) => n.trim());
    if (argv.linksDown !== undefined && !linksDown.every((n) => n !== '')) {
      throw new InputError([{ file: '--links-down', line: 0, column: 0, path: '', message: `'${String(argv.linksDown)}': expected link names between sites, comma-separated (e.g. --links-down fast)` }]);
    }
    checkPolicyTimeout(argv.policyTimeout);
    // The placement policy as a run resolves it (a plug-in module imported, relative to the scenario's
    // folder). With plug-ins, the modules are loaded and the job placed and explained in a worker under
    // the watchdog, as a run asks them: one that never finishes loading, or whose place() never
    // returns, is stopped there, not left to hang this thread. The warnings are printed once loaded.
    const overrides = policyOverrides({ placement: argv.placement }, process.cwd());
    const loadAndWarn = async () => {
      const policies = await loadPolicies(r, dirname(argv.scenario), overrides);
      process.stderr.write(describeWarnings([...r.warnings, ...(policies.warnings ?? [])].map(formatIssue)));
      return policies;
    };
    let e;
    if (usesPlugins(r, overrides)) {
      const o = overrides.placement;
      e = await explainInWorker(
        {
          scenarioText: readScenarioText(argv.scenario),
          scenarioFile: argv.scenario,
          scenarioDir: dirname(resolve(argv.scenario)),
          ...(o ? { placement: { ref: o.ref, baseDir: o.baseDir, label: '--placement', bare: o.bare === true } } : {}),
          explain: { job: argv.job, linksDown },
        },
        { policyTimeoutS: argv.policyTimeout, onLoaded: async () => void (await loadAndWarn()) },
      );
    } else {
      e = explainListedJob(r, argv.job, { linksDown, policies: await loadAndWarn() });
    }
    process.stdout.write(argv.json ? `${JSON.stringify(e, null, 2)}\n` : explanationTable(e));
  }, 'explain');
}
