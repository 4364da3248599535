// Shared test helpers: build scenarios from text, run them, and collect CSV output in memory.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { csvLine, rowValues } from '../src/experiment/csv.js';
import { loadScenario, type ResolvedScenario } from '../src/model/load-scenario.js';
import { InputError } from '../src/scenario/errors.js';
import { readInputFile } from '../src/scenario/read-input-file.js';
import { JOB_COLUMNS, SUMMARY_COLUMNS, type JobRow } from '../src/sim/metrics.js';
import { simulate, type RunOptions, type RunResult } from '../src/sim/simulation.js';
import { TENANT_COLUMNS } from '../src/sim/tenant-metrics.js';

export const repoPath = (rel: string): string => fileURLToPath(new URL(`../${rel}`, import.meta.url));

export function scenarioFromText(text: string, file = 'test.yaml'): ResolvedScenario {
  return loadScenario(text, file);
}

export function bundled(name: string): ResolvedScenario {
  const file = `scenarios/${name}.yaml`;
  return loadScenario(readFileSync(repoPath(file), 'utf8'), file, { readFile: readInputFile, baseDir: repoPath('scenarios') });
}

/** Run and return the summary plus the exact bytes `poolsim run` would write. */
export function runToCsv(resolved: ResolvedScenario, options: RunOptions = {}): RunResult & { jobsCsv: string; summaryCsv: string; jobs: JobRow[]; tenantsCsv: string | undefined } {
  let jobsCsv = csvLine(JOB_COLUMNS);
  const jobs: JobRow[] = [];
  const r = simulate(resolved, {
    ...options,
    jobSink: (row) => {
      jobs.push(row);
      jobsCsv += csvLine(rowValues(row, JOB_COLUMNS));
    },
  });
  const summaryCsv = csvLine(SUMMARY_COLUMNS) + csvLine(rowValues(r.summary, SUMMARY_COLUMNS));
  // Scenarios with tenants: tenants.csv, with Jain's index as a last line (summary.csv's last column).
  const tenantsCsv = r.tenants ? csvLine(TENANT_COLUMNS) + r.tenants.rows.map((row) => csvLine(rowValues(row, TENANT_COLUMNS))).join('') + csvLine(['jain_index', r.tenants.jainIndex]) : undefined;
  return { ...r, jobsCsv, summaryCsv, jobs, tenantsCsv };
}

/** Run the built CLI (npm test builds dist/ first) from the repository root. */
export function poolsim(...args: string[]): { code: number; stdout: string; stderr: string } {
  const cli = repoPath('dist/cli/main.js');
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoPath('.'), encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The openb pods (many equal requests, shares and whole GPUs) 1,000 times faster than recorded onto
 * 64 GPUs: thousands wait at once and every pass tries them.
 */
export const crowdedOpenbText = (policy: string, placement: string, maxJobs = 1500): string => `name: crowded
seed: 1
network: ideal
datacentres:
  - name: dc
    node_groups: [{ name: v, count: 8, device: V100-SXM2-32GB }]
workloads:
  - trace:
      format: alibaba-openb
      path: ${repoPath('data/alibaba-openb/openb_pod_list_default.csv.gz')}
      reference_device: V100-SXM2-32GB
      time_scale: 0.001
      max_jobs: ${maxJobs}
policy: ${policy}
placement: ${placement}
`;

/** The bundled Philly replay cut to its first `jobs` jobs (thousands wait at once under most policies). */
export function phillySlice(jobs: number): ResolvedScenario {
  const file = repoPath('scenarios/philly-replay.yaml');
  const text = readFileSync(file, 'utf8').replace(/^(\s+)reference_device: P100$/m, (line, indent: string) => `${line}\n${indent}max_jobs: ${jobs}`);
  if (!text.includes(`max_jobs: ${jobs}`)) throw new Error('scenarios/philly-replay.yaml changed shape: cannot cut it to a slice');
  return loadScenario(text, file, { readFile: readInputFile, baseDir: repoPath('scenarios') });
}

/**
 * The quickstart pool (two sites, a long-haul link, jobs across nodes on the network) under
 * `policy`, with devices that fail, checkpoints and restarts: failed jobs re-join the line.
 */
export function failingQuickstart(policy: string): ResolvedScenario {
  const text = readFileSync(repoPath('scenarios/quickstart.yaml'), 'utf8').replace(/^policy: fifo$/m, `policy: ${policy}`);
  if (!text.includes(`policy: ${policy}`)) throw new Error('scenarios/quickstart.yaml changed shape: cannot set its policy');
  return loadScenario(
    `${text}
failures:
  devices:
    H100: { mtbf: 20d, repair: 2h }
    A100-80GB: { mtbf: 20d, repair: 2h }
    V100-SXM2-32GB: { mtbf: 30d, repair: 2h }
checkpointing:
  interval: auto
  cost: 30s
  restart: 5min
`,
    'quickstart-failing.yaml',
  );
}

/** crowdedOpenbText loaded (its trace path is relative to the bundled scenarios). */
export function crowdedOpenb(policy: string, placement = 'best-fit', maxJobs = 1200): ResolvedScenario {
  return loadScenario(crowdedOpenbText(policy, placement, maxJobs), repoPath('scenarios/crowded.yaml'), { readFile: readInputFile, baseDir: repoPath('scenarios') });
}

/** Loads a scenario whose files (traces, manifests) are given in memory, by path relative to it. */
export function loadWithFiles(text: string, files: Record<string, string>): ResolvedScenario {
  return loadScenario(text, 'scenario.yaml', {
    baseDir: '.',
    readFile: (p) => {
      const f = files[p.replace(/^\.\//, '')];
      if (f === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return f;
    },
  });
}

/** The message of the InputError `f` throws ('' if it throws none); any other error is rethrown. */
export const inputErrorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  return '';
};
