// Joining the runs.csv files of an experiment's shards (`--shard k/n` on several machines): the
// headers must be identical, rows are sorted by run number, a run present twice must be the same
// bytes both times (a re-run shard), gaps in the run numbers are reported as missing runs, and runs
// of one sweep point must come from the same scenario (equal scenario_sha256). Run numbers beyond
// the largest plan are refused, and gaps are found without enumerating them, so a stray 1e9 cannot
// exhaust memory.
import type { Table } from './csv-table.js';
import type { RunManifest } from './manifest.js';
import { DEFAULT_MAX_RUNS, FINGERPRINT_COLUMN } from './plan.js';
import { stableJson } from './variant-label.js';

/** The files compare and sweep write beside runs.csv with a row group per run (first column `run`), which merge joins too. */
export const PER_RUN_FILES: readonly string[] = ['jobs.csv', 'hot_links.csv', 'tenant_shares.csv'];

export interface MergeInput {
  file: string;
  table: Table;
}

export interface MergeResult {
  table: Table;
  /** Runs present in several files with identical cells (kept once). */
  duplicates: number[];
}

export class MergeError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/**
 * `total`: the number of runs in the whole experiment, when known (otherwise 0 .. the highest run
 * seen). `maxRuns`: the largest experiment accepted (run numbers at or beyond it are refused).
 */
export function mergeRuns(inputs: readonly MergeInput[], total?: number, maxRuns = DEFAULT_MAX_RUNS): MergeResult {
  if (inputs.length === 0) throw new MergeError(['nothing to merge']);
  const problems: string[] = [];
  const header = inputs[0]!.table.header;
  if (header[0] !== 'run') problems.push(`${inputs[0]!.file}: the first column must be 'run' (a runs.csv from compare, sweep or check)`);
  for (const inp of inputs.slice(1)) {
    if (inp.table.header.join(',') !== header.join(',')) {
      const diff = inp.table.header.findIndex((c, i) => c !== header[i]);
      problems.push(`${inp.file}: header differs from ${inputs[0]!.file} at column ${diff + 1} ('${inp.table.header[diff] ?? '(none)'}' vs '${header[diff] ?? '(none)'}'): shards of one experiment have identical headers`);
    }
  }
  if (total !== undefined && (!Number.isSafeInteger(total) || total < 1)) problems.push(`--total ${total}: expected a positive whole number`);
  else if (total !== undefined && total > maxRuns) problems.push(`--total ${total}: more than the limit of ${maxRuns.toLocaleString('en-US')} runs (--max-runs raises it)`);
  if (problems.length > 0) throw new MergeError(problems);
  const byRun = new Map<number, { row: string[]; file: string }>();
  const duplicates: number[] = [];
  for (const inp of inputs) {
    for (const row of inp.table.rows) {
      const run = /^\d+$/.test(row[0]!) ? Number(row[0]) : Number.NaN;
      if (!Number.isSafeInteger(run)) {
        problems.push(`${inp.file}: '${row[0]}' is not a run number`);
        continue;
      }
      if (run >= maxRuns) {
        problems.push(`${inp.file}: run ${run} is beyond the largest experiment poolsim plans (${maxRuns.toLocaleString('en-US')} runs; --max-runs raises it)`);
        continue;
      }
      const seen = byRun.get(run);
      if (seen) {
        if (seen.row.join('\u0000') === row.join('\u0000')) duplicates.push(run);
        else problems.push(`run ${run} is in ${seen.file} and in ${inp.file} with different results`);
        continue;
      }
      byRun.set(run, { row, file: inp.file });
    }
  }
  if (problems.length > 0) throw new MergeError(problems);
  const runs = [...byRun.keys()].sort((a, b) => a - b);
  const last = total !== undefined ? total - 1 : (runs.at(-1) ?? -1);
  const gaps = missingRanges(runs, last);
  if (gaps.count > 0) problems.push(`missing run${gaps.count > 1 ? 's' : ''} ${gaps.text} (a shard not run, or not given)`);
  if (total !== undefined && runs.length > 0 && runs.at(-1)! >= total) problems.push(`run ${runs.at(-1)} is beyond --total ${total}`);
  problems.push(...fingerprintProblems(header, runs.map((r) => byRun.get(r)!)));
  if (problems.length > 0) throw new MergeError(problems);
  return { table: { header, rows: runs.map((r) => byRun.get(r)!.row) }, duplicates: [...new Set(duplicates)].sort((a, b) => a - b) };
}

/** The numbers in 0..last not in `present` (sorted), as ranges: '1, 4-6'; no list of them is built. */
export function missingRanges(present: readonly number[], last: number): { count: number; text: string } {
  const parts: string[] = [];
  let count = 0;
  let next = 0;
  const gap = (from: number, to: number): void => {
    if (to < from) return;
    count += to - from + 1;
    if (parts.length < 20) parts.push(from === to ? String(from) : `${from}-${to}`);
    else if (parts.length === 20) parts.push('...');
  };
  for (const r of present) {
    if (r > last) break;
    gap(next, r - 1);
    next = r + 1;
  }
  gap(next, last);
  return { count, text: parts.join(', ') };
}

/**
 * Runs of one sweep point (equal swept values, scenario) must share one scenario_sha256: shards that
 * ran different versions of the scenario do not make one experiment.
 */
function fingerprintProblems(header: readonly string[], rows: readonly { row: string[]; file: string }[]): string[] {
  const shaAt = header.indexOf(FINGERPRINT_COLUMN);
  const scenarioAt = header.indexOf('scenario');
  if (shaAt < 0 || scenarioAt < 0) return [];
  const byPoint = new Map<string, { sha: string; run: string; file: string }>();
  const problems: string[] = [];
  for (const { row, file } of rows) {
    const point = JSON.stringify(row.slice(1, scenarioAt + 1));
    const seen = byPoint.get(point);
    if (!seen) byPoint.set(point, { sha: row[shaAt]!, run: row[0]!, file });
    else if (seen.sha !== row[shaAt]) {
      problems.push(`runs ${seen.run} (${seen.file}) and ${row[0]} (${file}) are of the same point but of different versions of the scenario (${FINGERPRINT_COLUMN} differs): the shards ran different scenario files or traces; re-run them from one version`);
      seen.sha = row[shaAt]!; // one message per change, not per row
    }
  }
  return problems;
}

/** [1,2,3,7,9,10] -> '1-3, 7, 9-10'. */
export function compactRanges(xs: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    parts.push(i === j ? String(xs[i]) : `${xs[i]}-${xs[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** The number of runs in the experiment a compare or sweep manifest describes (what --total says). */
export function plannedRuns(m: RunManifest): number {
  return m.sweep.reduce((n, p) => n * p.values.length, 1) * Math.max(1, m.placements.length) * Math.max(1, m.policies.length) * m.seeds.length;
}

/**
 * Problems with shards' manifests (manifest.json beside each runs.csv): each must list its file
 * unchanged, and all must describe the same experiment (poolsim version, scenario fingerprint,
 * seeds, policies, placements, sweep).
 */
export function manifestProblems(shards: readonly { file: string; name: string; sha256: string; manifest: RunManifest; manifestFile: string }[]): string[] {
  const problems: string[] = [];
  for (const s of shards) {
    const listed = s.manifest.files[s.name];
    if (listed === undefined) problems.push(`${s.file} is not one of the files ${s.manifestFile} lists (left there by an earlier run?)`);
    else if (listed !== s.sha256) problems.push(`${s.file} has changed since it was written (its hash differs from ${s.manifestFile})`);
  }
  const first = shards[0];
  if (!first) return problems;
  const identity = (m: RunManifest): Record<string, string> => ({
    'poolsim version': m.poolsim_version,
    'scenario (scenario.sha256)': `${m.scenario.name} ${m.scenario.sha256}`,
    seeds: JSON.stringify(m.seeds),
    policies: stableJson(m.policies),
    placements: stableJson(m.placements),
    sweep: stableJson(m.sweep),
  });
  const want = identity(first.manifest);
  for (const s of shards.slice(1)) {
    const got = identity(s.manifest);
    for (const k of Object.keys(want)) {
      if (got[k] !== want[k]) problems.push(`${s.file} and ${first.file} are not shards of one experiment: their manifests differ in ${k} (${short(got[k]!)} vs ${short(want[k]!)})`);
    }
  }
  return problems;
}

function short(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * A per-run file beside each shard's runs.csv (jobs.csv, hot_links.csv, tenant_shares.csv: first
 * column `run`), joined as compare writes it unsharded: the runs in order, each run's rows as its
 * shard wrote them. `runs`: the merged run numbers. A run's rows in two shards must be the same
 * bytes (a re-run shard); a run not in the merged runs.csv, or headers that differ, are refused.
 */
export function mergeRunRows(name: string, inputs: readonly MergeInput[], runs: readonly number[]): Table {
  const problems: string[] = [];
  const header = inputs[0]!.table.header;
  if (header[0] !== 'run') problems.push(`${inputs[0]!.file}: the first column must be 'run'`);
  for (const inp of inputs.slice(1)) {
    if (inp.table.header.join(',') !== header.join(',')) problems.push(`${inp.file}: header differs from ${inputs[0]!.file}: the shards' ${name} files must have identical headers`);
  }
  if (problems.length > 0) throw new MergeError(problems);
  const known = new Set(runs);
  const byRun = new Map<number, { rows: string[][]; file: string }>();
  for (const inp of inputs) {
    const own = new Map<number, string[][]>();
    for (const row of inp.table.rows) {
      const run = /^\d+$/.test(row[0]!) ? Number(row[0]) : Number.NaN;
      if (!known.has(run)) {
        problems.push(`${inp.file}: run '${row[0]}' is not one of the merged runs`);
        break;
      }
      const list = own.get(run);
      if (list) list.push(row);
      else own.set(run, [row]);
    }
    for (const [run, rows] of own) {
      const seen = byRun.get(run);
      if (!seen) byRun.set(run, { rows, file: inp.file });
      else if (seen.rows.map((r) => r.join('\u0000')).join('\n') !== rows.map((r) => r.join('\u0000')).join('\n')) problems.push(`run ${run} is in ${seen.file} and in ${inp.file} with different rows`);
    }
  }
  if (problems.length > 0) throw new MergeError(problems);
  return { header, rows: runs.flatMap((r) => byRun.get(r)?.rows ?? []) };
}
