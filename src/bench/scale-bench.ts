// The scale benchmarks: scenarios/scale-100k.yaml end to end (a million jobs on 90,000 devices,
// network on) run twice to show determinism, the same generator at 10k..1M jobs for the
// time-per-job and memory curve, and the full Philly trace with FIFO, LAS, EASY backfilling and
// three tenant queues.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fileAccess } from '../experiment/file-access.js';
import { loadScenario } from '../model/load-scenario.js';
import { resolvePolicies } from '../policy/registry.js';
import { outputFiles } from '../experiment/output-sinks.js';
import { runScenario } from '../experiment/run-scenario.js';
import type { BenchRow } from './engine-bench.js';

const scenarioPath = (name: string): string => fileURLToPath(new URL(`../../scenarios/${name}.yaml`, import.meta.url));

/** One run in this process: wall time, events, a hash of every output byte (summary.csv, jobs.csv, links.csv, ...). */
export function timedRun(text: string, file: string, policy?: string): { wallS: number; events: number; jobs: number; hash: string; summary: Record<string, unknown> } {
  const resolved = loadScenario(text, file, fileAccess(file));
  const hash = createHash('sha256');
  const policies = policy ? resolvePolicies({ name: policy, params: {} }, resolved.scenario.placement, { src: resolved.src }) : undefined;
  const t0 = performance.now();
  // Through the one run pipeline, as `poolsim run` takes it: every file the run writes, hashed
  // instead of written.
  const r = runScenario(resolved, { ...(policies ? { policies } : {}), outputs: { files: outputFiles(resolved), write: (_file, text) => void hash.update(text) } });
  const wallS = (performance.now() - t0) / 1000;
  return { wallS, events: r.events, jobs: r.summary.jobs_submitted, hash: hash.digest('hex').slice(0, 16), summary: r.summary as unknown as Record<string, unknown> };
}

const rssMiB = (): number => process.resourceUsage().maxRSS / 1024;

/** scale-100k, twice in separate processes: the output hashes must match. */
export function runScaleBench(): BenchRow[] {
  const file = scenarioPath('scale-100k');
  const rows: BenchRow[] = [];
  for (let i = 0; i < 2; i++) rows.push(childRow('scale-one', [file]));
  rows.push({ case: 'scale-100k deterministic', scale: 2, wall_s: 0, events: 0, events_per_s: 0, peak_rss_mb: 0, result: rows[0]!.result === rows[1]!.result ? 'identical output hashes' : 'OUTPUTS DIFFER' });
  return rows;
}

/** The same generator at increasing job counts (count and arrival window scaled together). */
export function runScalingCurve(): BenchRow[] {
  const file = scenarioPath('scale-100k');
  return [10_000, 30_000, 100_000, 300_000, 1_000_000].map((jobs) => childRow('scale-one', [file, String(jobs)]));
}

export function runPhillyBench(): BenchRow[] {
  const file = scenarioPath('philly-replay');
  return [...['fifo', 'las', 'easy-backfill'].map((policy) => childRow('philly-one', [file, policy])), childRow('philly-tenants', [file])];
}

/**
 * The Philly replay split into three Kueue queues in one cohort by virtual cluster (the two largest
 * and the rest), quotas of 240, 144 and 96 of the 480 GPUs, reclaiming borrowed quota by preemption:
 * thousands of jobs wait for admission at once (issue 13: 13 minutes before the pending workloads
 * were kept across passes, against 2 s without tenants).
 */
export function phillyTenantsText(phillyReplay: string): string {
  const tenants = `tenants:
  queues:
    - { name: a, cohort: org, quota: { P100: 240 }, preemption: { reclaim_within_cohort: any, within_queue: lower-priority } }
    - { name: b, cohort: org, quota: { P100: 144 }, preemption: { reclaim_within_cohort: any, within_queue: lower-priority } }
    - { name: c, cohort: org, quota: { P100: 96 }, preemption: { reclaim_within_cohort: any } }

workloads:`;
  const out = phillyReplay
    .replace(/^workloads:/m, tenants)
    .replace(/^(\s+)reference_device: P100$/m, (line, indent: string) => `${line}\n${indent}queue_from: { map: { "6214e9": a, "11cb48": b }, default: c }`);
  if (!out.includes('queue_from') || !out.includes('tenants:')) throw new Error('scenarios/philly-replay.yaml changed shape: the tenants benchmark cannot add its queues');
  return out;
}

/**
 * The openb GPU-sharing pods (8,152, of which 4,166 ask a share of one GPU) arriving 1,000x faster
 * than recorded onto 100 V100 nodes (800 GPUs, an eighth of Alibaba's): thousands wait at once, and
 * disciplines that try every waiting pod on every pass pay a placement search per pod unless what
 * cannot fit is refused first (issue 13's target: under 5 s).
 */
export const OPENB_CROWDED = `name: openb-crowded
seed: 1
network: ideal
datacentres:
  - name: dc
    node_groups: [{ name: v, count: 100, device: V100-SXM2-32GB }]
workloads:
  - trace:
      format: alibaba-openb
      path: data/alibaba-openb/openb_pod_list_default.csv.gz
      reference_device: V100-SXM2-32GB
      time_scale: 0.001
policy: sjf
placement: best-fit
`;

export function runSharingBench(): BenchRow[] {
  return ['sjf', 'easy-backfill', 'multifactor'].map((policy) => childRow('sharing-one', [policy]));
}

/** Run one case in a child process so that its peak memory is its own. */
function childRow(kind: string, args: string[]): BenchRow {
  const main = fileURLToPath(new URL('./scale-bench.js', import.meta.url));
  const r = spawnSync(process.execPath, [main, kind, ...args], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${kind} ${args.join(' ')} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as BenchRow;
}

function scaledText(file: string, jobs: number | undefined): string {
  const text = readFileSync(file, 'utf8');
  if (jobs === undefined) return text;
  // Keep the load: the same arrival rate, the window cut in proportion.
  const days = (30 * jobs) / 1_000_000;
  return text.replace('count: 1000000', `count: ${jobs}`).replace('until: 30d', `until: ${days}d`);
}

function main(): void {
  const [kind, file, arg] = process.argv.slice(2);
  if (kind === 'scale-one') {
    const jobs = arg ? Number(arg) : undefined;
    const r = timedRun(scaledText(file!, jobs), file!);
    const row: BenchRow = {
      case: jobs === undefined ? 'scale-100k end to end' : `scale-100k generator, ${jobs} jobs`,
      scale: r.jobs,
      wall_s: r.wallS,
      events: r.events,
      events_per_s: r.events / r.wallS,
      us_per_job: (r.wallS / r.jobs) * 1e6,
      peak_rss_mb: rssMiB(),
      result: `hash ${r.hash}, ECR pool ${Number(r.summary.effective_compute_ratio_pool).toFixed(4)}, util ${Number(r.summary.utilisation).toFixed(3)}`,
    };
    process.stdout.write(`${JSON.stringify(row)}\n`);
  } else if (kind === 'sharing-one') {
    const r = timedRun(OPENB_CROWDED, 'openb-crowded.yaml', file);
    const row: BenchRow = {
      case: `openb GPU-sharing pods on 800 GPUs (${file})`,
      scale: r.jobs,
      wall_s: r.wallS,
      events: r.events,
      events_per_s: r.events / r.wallS,
      peak_rss_mb: rssMiB(),
      result: `target < 5 s: ${r.wallS < 5 ? 'met' : 'NOT MET'}; hash ${r.hash}, mean queueing ${(Number(r.summary.queueing_delay_mean_s) / 60).toFixed(1)} min`,
    };
    process.stdout.write(`${JSON.stringify(row)}\n`);
  } else if (kind === 'philly-tenants') {
    const r = timedRun(phillyTenantsText(readFileSync(file!, 'utf8')), file!);
    const row: BenchRow = {
      case: 'philly replay, three Kueue queues (fifo)',
      scale: r.jobs,
      wall_s: r.wallS,
      events: r.events,
      events_per_s: r.events / r.wallS,
      peak_rss_mb: rssMiB(),
      result: `hash ${r.hash}, mean JCT ${(Number(r.summary.jct_mean_s) / 3600).toFixed(2)} h, mean queueing ${(Number(r.summary.queueing_delay_mean_s) / 3600).toFixed(2)} h`,
    };
    process.stdout.write(`${JSON.stringify(row)}\n`);
  } else if (kind === 'philly-one') {
    const r = timedRun(readFileSync(file!, 'utf8'), file!, arg);
    const row: BenchRow = {
      case: `philly replay (${arg})`,
      scale: r.jobs,
      wall_s: r.wallS,
      events: r.events,
      events_per_s: r.events / r.wallS,
      peak_rss_mb: rssMiB(),
      result: `mean JCT ${(Number(r.summary.jct_mean_s) / 3600).toFixed(2)} h, mean queueing ${(Number(r.summary.queueing_delay_mean_s) / 3600).toFixed(2)} h`,
    };
    process.stdout.write(`${JSON.stringify(row)}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
