// `poolsim run <scenario.yaml>`: one simulation, through the same pipeline and worker as every other
// command (a pool of one, with the plug-in watchdog); its result files stream into a staging folder
// and appear together, with their manifest, once the run has succeeded.
import { parseDuration } from '../../units/units.js';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { MANIFEST_FILE, MANIFEST_FORMAT, poolsimVersion } from '../../experiment/manifest.js';
import type { OutputName } from '../../experiment/output-sinks.js';
import { runOne, type WorkerPolicyOverride } from '../../experiment/run-in-worker.js';
import type { LoadedRun } from '../../experiment/worker-pool.js';
import { InputError } from '../../scenario/errors.js';
import { prefetchInWorker } from '../../experiment/prefetch-in-worker.js';
import { outputError, refuseFolderAsFile, refuseInputAsOutput } from '../ensure-dir.js';
import { OutputFolder } from '../output-folder.js';
import { describeTraces, describeWarnings, guarded, readScenarioText } from '../io.js';
import { MAX_MEMORY_DESCRIPTION, parseMaxMemory } from '../max-memory.js';
import { checkPolicyTimeout } from '../number-options.js';
import { formatServices } from '../service-table.js';
import { RunProgressLine } from '../run-progress-line.js';
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
  maxMemory?: string;
  linkInterval?: string;
}

export function builder(y: Argv): Argv<RunArgs> {
  return y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
    .option('out', { type: 'string', describe: 'output folder (default results/<scenario name>/)' })
    .option('seed', { type: 'number', describe: "override the scenario's seed" })
    .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors' })
    .option('timeline', { type: 'string', describe: 'write the job, transfer and failure timeline as Chrome trace events (open in ui.perfetto.dev)' })
    .option('requests', { type: 'boolean', default: false, describe: 'inference: also write requests.csv, one row per completed request (services.csv counts the rejected and unfinished ones)' })
    .option('request-sample', { type: 'number', default: 1, describe: 'inference: fraction of requests written to requests.csv' })
    .option('link-interval', { type: 'string', describe: "network model on: also write links_timeseries.csv, each link's bytes and utilisation per interval (e.g. 1h)" })
    .option('policy', { type: 'string', describe: "queue policy instead of the scenario's: a name, a module file (./my-policy.mjs), or '{name: x, params: {...}}'" })
    .option('placement', { type: 'string', describe: "placement policy instead of the scenario's (same forms as --policy)" })
    .option('policy-timeout', {
      type: 'number',
      default: 10,
      describe: 'seconds a single plug-in policy call may take before the run is stopped',
    })
    .option('max-memory', { type: 'string', describe: MAX_MEMORY_DESCRIPTION }) as unknown as Argv<RunArgs>;
}

function optionError(option: string, message: string): InputError {
  return new InputError([{ file: option, line: 0, column: 0, path: '', message }]);
}

/** --link-interval: a positive duration ('15min', '1h', or seconds). */
function parseLinkInterval(text: string): number {
  let s: number;
  try {
    s = parseDuration(text);
  } catch (e) {
    throw optionError('--link-interval', (e as Error).message);
  }
  if (!(s > 0)) throw optionError('--link-interval', `expected a positive duration such as '1h', got '${text}'`);
  return s;
}

/** --timeline: a file name, not a folder, and not the scenario it would replace. */
function checkTimeline(path: string, scenario: string): void {
  refuseFolderAsFile('--timeline', path, 'timeline.json');
  refuseInputAsOutput('--timeline', path, [scenario]);
}

export async function handler(argv: ArgumentsCamelCase<RunArgs>): Promise<void> {
  await guarded(async () => {
    if (argv.seed !== undefined && !(Number.isSafeInteger(argv.seed) && argv.seed >= 0)) throw optionError('--seed', `expected a whole number >= 0, got ${argv.seed}`);
    if (!(argv.requestSample > 0 && argv.requestSample <= 1)) throw optionError('--request-sample', `expected a fraction in (0, 1], got ${argv.requestSample}`);
    checkPolicyTimeout(argv.policyTimeout);
    const maxMemoryBytes = parseMaxMemory(argv.maxMemory);
    const linkIntervalS = argv.linkInterval === undefined ? undefined : parseLinkInterval(argv.linkInterval);
    const scenarioText = readScenarioText(argv.scenario);
    if (argv.timeline !== undefined) checkTimeline(argv.timeline, argv.scenario);
    // Parsing --policy takes the scenario schemas (zod): loaded here only when given, else in the worker alone.
    const overrides = argv.policy !== undefined || argv.placement !== undefined ? (await import('../policy-options.js')).policyOverrides(argv, process.cwd()) : {};
    const asWorker = (o: (typeof overrides)['policy'], label: string): WorkerPolicyOverride | undefined => o && { ref: o.ref, baseDir: o.baseDir, label, bare: o.bare === true };
    // The scenario's CSV traces, read on a thread of their own while the worker loads the simulator (trace-prefetch.ts).
    const prefetched = await prefetchInWorker(scenarioText, argv.scenario);
    const started = process.hrtime.bigint();
    let folder: OutputFolder | undefined;
    let loaded: LoadedRun | undefined;
    // Lines streamed into links_timeseries.csv: its header alone says no link carried anything.
    let linkSampleLines = 0;
    let timelineName: string | undefined;
    let progress: RunProgressLine | undefined;
    try {
      const outcome = await runOne(
        {
          scenarioText,
          scenarioFile: argv.scenario,
          scenarioDir: dirname(resolve(argv.scenario)),
          ...(prefetched.length > 0 ? { prefetched } : {}),
          ...(argv.seed !== undefined ? { seed: argv.seed } : {}),
          ...(maxMemoryBytes !== undefined ? { maxMemoryBytes } : {}),
          ...(overrides.policy ? { policy: asWorker(overrides.policy, '--policy')! } : {}),
          ...(overrides.placement ? { placement: asWorker(overrides.placement, '--placement')! } : {}),
          outputs: { requests: argv.requests, requestSampleRate: argv.requestSample, timeline: argv.timeline !== undefined, ...(linkIntervalS !== undefined ? { linkIntervalS } : {}) },
        },
        {
          policyTimeoutS: argv.policyTimeout,
          // The scenario and its policies are valid: check the output folder before simulating.
          onLoaded: (l) => {
            loaded = l;
            if (!argv.quiet) progress = new RunProgressLine(process.stderr, l.expectedJobs);
            if (!argv.quiet) process.stderr.write(describeTraces(l.traceReports) + describeWarnings(l.warnings));
            // Without a flow network (network: ideal, no transfers or KV caches) no link carries anything.
            if (!argv.quiet && linkIntervalS !== undefined && !l.files.includes('links_timeseries.csv')) {
              process.stderr.write('warning: --link-interval: this scenario sends nothing over links (network: ideal, with no transfers or disaggregated services), so links_timeseries.csv is not written\n');
            }
            // Asked for and not written, requests.csv was missed only by the next step that read it.
            if (!argv.quiet && argv.requests && !l.files.includes('requests.csv')) {
              process.stderr.write('warning: --requests: this scenario has no inference services, so requests.csv is not written\n');
            }
            if (!argv.quiet && !argv.requests && argv.requestSample !== 1) {
              process.stderr.write('warning: --request-sample: requests.csv is written only with --requests; the sample is not used\n');
            }
            folder = new OutputFolder(argv.out ?? join('results', l.scenario));
            folder.refuseInputs([argv.scenario, ...l.inputs]);
            // The traces it reads are known now: a --timeline onto one replaced it.
            if (argv.timeline !== undefined) {
              try {
                refuseInputAsOutput('--timeline', argv.timeline, l.inputs);
              } catch (e) {
                folder.abort();
                throw e;
              }
            }
            if (argv.timeline !== undefined) {
              const rel = relative(folder.dir, argv.timeline);
              timelineName = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : undefined;
              // Named as one of the run's own files, the timeline was silently not written.
              if (timelineName !== undefined && ([...l.files, MANIFEST_FILE] as string[]).includes(timelineName)) {
                throw outputError('--timeline', argv.timeline, `the run writes its own ${timelineName} there: name the timeline otherwise (timeline.json)`);
              }
              if (timelineName === undefined) folder.reserveOutside(argv.timeline, '--timeline');
            }
            // Listed in outputFiles' order, whatever order their first chunks come in.
            folder.listInOrder(l.files.map((f) => (f === 'timeline' ? timelineName ?? '' : f)));
          },
          onProgress: (p) => progress?.update(p),
          onChunk: (file: OutputName, text: string) => {
            if (file === 'links_timeseries.csv') for (const ch of text) if (ch === '\n') linkSampleLines++;
            if (file !== 'timeline') folder!.append(file, text);
            else if (timelineName !== undefined) folder!.append(timelineName, text);
            else folder!.appendOutside(argv.timeline!, text);
          },
          // jobs.csv's rows (about 114 MB on W2) hashed and written as bytes, never made text.
          onBytes: (file: OutputName, bytes: Uint8Array) => folder!.append(file, bytes),
        },
      );
      progress?.finish();
      const l = loaded!;
      // A flow network whose links carried nothing (one site, nothing crossing between sites): the files hold only their header.
      if (!argv.quiet && l.files.includes('links_timeseries.csv') && linkSampleLines <= 1) {
        process.stderr.write('warning: --link-interval: no link carried anything in this run, so links.csv and links_timeseries.csv hold only their header row\n');
      }
      const written = folder!.commit({
        format: MANIFEST_FORMAT,
        poolsim_version: poolsimVersion(),
        command: 'run',
        scenario: { name: l.scenario, file: argv.scenario, sha256: l.fingerprint },
        seeds: [l.seed],
        policies: [l.policy],
        placements: [l.placement],
        sweep: [],
      });
      const wallS = Number(process.hrtime.bigint() - started) / 1e9;
      if (!argv.quiet) {
        process.stdout.write(formatSummary(outcome.summary));
        if (outcome.services.length > 0) process.stdout.write(formatServices(outcome.services));
        process.stdout.write(`  wrote ${written.join(', ')}\n`);
        process.stderr.write(`  ${outcome.events.toLocaleString('en-US')} events in ${wallS.toFixed(2)} s wall\n`);
      }
    } catch (e) {
      progress?.finish();
      folder?.abort();
      throw e;
    }
  });
}
