// `poolsim run <scenario.yaml>`: one simulation; summary.csv and jobs.csv into the output folder.
// Scenarios that use plug-in policies run in a worker thread with a watchdog (--policy-timeout).
import { dirname, join, resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { rowValues } from '../../experiment/csv.js';
import { runInWorker } from '../../experiment/run-in-worker.js';
import { loadPolicies, usesPlugins } from '../../policy/plugin.js';
import { JOB_COLUMNS, SUMMARY_COLUMNS } from '../../sim/metrics.js';
import { writeFileSync, renameSync } from 'node:fs';
import { attachTimeline, type Timeline } from '../../experiment/timeline.js';
import { REQUEST_COLUMNS, SERVICE_COLUMNS, type RequestRow, type ServiceRow } from '../../sim/inference/service-rows.js';
import { LINK_COLUMNS, simulate, TRANSFER_COLUMNS, type LinkRow, type Simulation, type TransferRow } from '../../sim/simulation.js';
import { formatServices } from '../service-table.js';
import { CsvFile, writeAllOrNothing } from '../csv-file.js';
import { describeTraces, guarded, readInput, readScenario } from '../io.js';
import { policyOverrides } from '../policy-options.js';
import { formatSummary } from '../summary-table.js';

interface RunArgs {
  scenario: string;
  timeline?: string;
  requests: boolean;
  requestSample: number;
  out?: string;
  seed?: number;
  quiet: boolean;
  policy?: string;
  placement?: string;
  policyTimeout: number;
}

export const command = 'run <scenario>';
export const describe = 'Run one scenario; write summary.csv and jobs.csv';

export function builder(y: Argv): Argv<RunArgs> {
  return y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
    .option('out', { type: 'string', describe: 'output folder (default results/<scenario name>/)' })
    .option('seed', { type: 'number', describe: "override the scenario's seed" })
    .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors' })
    .option('timeline', { type: 'string', describe: 'write the job, transfer and failure timeline as Chrome trace events (open in ui.perfetto.dev)' })
    .option('requests', { type: 'boolean', default: false, describe: 'inference: also write requests.csv, one row per request' })
    .option('request-sample', { type: 'number', default: 1, describe: 'inference: fraction of requests written to requests.csv' })
    .option('policy', { type: 'string', describe: "queue policy instead of the scenario's: a name, a module file (./my-policy.mjs), or '{name: x, params: {...}}'" })
    .option('placement', { type: 'string', describe: "placement policy instead of the scenario's (same forms as --policy)" })
    .option('policy-timeout', {
      type: 'number',
      default: 10,
      describe: 'seconds a single plug-in policy call may take before the run is stopped',
    }) as unknown as Argv<RunArgs>;
}

export async function handler(argv: ArgumentsCamelCase<RunArgs>): Promise<void> {
  await guarded(async () => {
    const resolved = readScenario(argv.scenario);
    const overrides = policyOverrides(argv, process.cwd());
    const scenarioDir = dirname(resolve(argv.scenario));
    const outDir = argv.out ?? join('results', resolved.scenario.name);
    const seed = argv.seed !== undefined ? { seed: argv.seed } : {};
    const started = process.hrtime.bigint();
    const written: string[] = [];
    let services: readonly ServiceRow[] = [];
    if (!argv.quiet) process.stderr.write(describeTraces(resolved));
    let result: { summary: import('../../sim/metrics.js').SummaryRow; events: number; services?: ServiceRow[] };
    if (usesPlugins(resolved, overrides)) {
      // Plug-ins are loaded (and their parameters checked) before any file is opened.
      const files = openFiles(outDir);
      const [jobsFile, summaryFile] = files;
      try {
        result = await runInWorker(
          {
            scenarioText: readInput(argv.scenario),
            scenarioFile: argv.scenario,
            scenarioDir,
            ...seed,
            ...(overrides.policy ? { policy: { ref: overrides.policy.ref, baseDir: overrides.policy.baseDir, label: '--policy' } } : {}),
            ...(overrides.placement ? { placement: { ref: overrides.placement.ref, baseDir: overrides.placement.baseDir, label: '--placement' } } : {}),
          },
          { policyTimeoutS: argv.policyTimeout, onJobRow: (row) => jobsFile.write(rowValues(row, JOB_COLUMNS)) },
        );
        summaryFile.write(rowValues(result.summary, SUMMARY_COLUMNS));
      } catch (e) {
        for (const f of files) f.abort();
        throw e;
      }
      for (const f of files) f.commit();
    } else {
      const policies = await loadPolicies(resolved, scenarioDir, overrides);
      const files = openFiles(outDir);
      const [jobsFile, summaryFile] = files;
      // links.csv when the network is modelled, transfers.csv when the scenario moves data.
      const linksFile = resolved.scenario.network === 'flow' ? new CsvFile(join(outDir, 'links.csv'), LINK_COLUMNS) : undefined;
      const transfersFile = resolved.transfers.length > 0 ? new CsvFile(join(outDir, 'transfers.csv'), TRANSFER_COLUMNS) : undefined;
      const hasServices = resolved.services.length > 0;
      const servicesFile = hasServices ? new CsvFile(join(outDir, 'services.csv'), SERVICE_COLUMNS) : undefined;
      const requestsFile = hasServices && argv.requests ? new CsvFile(join(outDir, 'requests.csv'), REQUEST_COLUMNS) : undefined;
      const all = [...files, ...[linksFile, transfersFile, servicesFile, requestsFile].filter((f): f is CsvFile => f !== undefined)];
      written.push(...all.slice(2).map((f) => f.path));
      let timeline: Timeline | undefined;
      result = writeAllOrNothing(all, () => {
        const r = simulate(resolved, {
          ...seed,
          policies,
          jobSink: (row) => jobsFile.write(rowValues(row, JOB_COLUMNS)),
          ...(linksFile ? { linkSink: (row: LinkRow) => linksFile.write(rowValues(row, LINK_COLUMNS)) } : {}),
          transferSink: (row: TransferRow) => {
            transfersFile?.write(rowValues(row, TRANSFER_COLUMNS));
            timeline?.transferSink(row);
          },
          ...(servicesFile ? { serviceSink: (row: ServiceRow) => servicesFile.write(rowValues(row, SERVICE_COLUMNS)) } : {}),
          ...(requestsFile ? { requestSink: (row: RequestRow) => requestsFile.write(rowValues(row, REQUEST_COLUMNS)), requestSampleRate: argv.requestSample } : {}),
          ...(argv.timeline ? { observe: (sim: Simulation) => void (timeline = attachTimeline(sim)) } : {}),
        });
        summaryFile.write(rowValues(r.summary, SUMMARY_COLUMNS));
        if (timeline && argv.timeline) writeFileAtomically(argv.timeline, timeline.write());
        return r;
      });
      if (argv.timeline) written.push(argv.timeline);
      services = result.services ?? [];
    }
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;
    if (!argv.quiet) {
      process.stdout.write(formatSummary(result.summary));
      if (services.length > 0) process.stdout.write(formatServices(services));
      process.stdout.write(`  wrote ${[join(outDir, 'summary.csv'), join(outDir, 'jobs.csv'), ...written].join(', ')}\n`);
      process.stderr.write(`  ${result.events.toLocaleString('en-US')} events in ${wallS.toFixed(2)} s wall\n`);
    }
  });
}

function openFiles(outDir: string): [CsvFile, CsvFile] {
  return [new CsvFile(join(outDir, 'jobs.csv'), JOB_COLUMNS), new CsvFile(join(outDir, 'summary.csv'), SUMMARY_COLUMNS)];
}

/** Write a whole file under a temporary name and rename it into place. */
function writeFileAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
