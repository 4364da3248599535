// Joining the runs.csv files of an experiment's shards (`--shard k/n` on several machines): the
// headers must be identical, rows are sorted by run number, a run present twice must be the same
// bytes both times (a re-run shard), and gaps in the run numbers are reported as missing runs.
import type { Table } from './csv-table.js';

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

/** `total`: the number of runs in the whole experiment, when known (otherwise 0 .. the highest run seen). */
export function mergeRuns(inputs: readonly MergeInput[], total?: number): MergeResult {
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
  if (problems.length > 0) throw new MergeError(problems);
  const byRun = new Map<number, { row: string[]; file: string }>();
  const duplicates: number[] = [];
  for (const inp of inputs) {
    for (const row of inp.table.rows) {
      const run = Number(row[0]);
      if (!Number.isInteger(run) || run < 0) {
        problems.push(`${inp.file}: '${row[0]}' is not a run number`);
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
  const runs = [...byRun.keys()].sort((a, b) => a - b);
  const last = total !== undefined ? total - 1 : (runs.at(-1) ?? -1);
  const missing: number[] = [];
  for (let i = 0; i <= last; i++) if (!byRun.has(i)) missing.push(i);
  if (missing.length > 0) problems.push(`missing run${missing.length > 1 ? 's' : ''} ${compactRanges(missing)} (a shard not run, or not given)`);
  if (total !== undefined && runs.length > 0 && runs.at(-1)! >= total) problems.push(`run ${runs.at(-1)} is beyond --total ${total}`);
  if (problems.length > 0) throw new MergeError(problems);
  return { table: { header, rows: runs.map((r) => byRun.get(r)!.row) }, duplicates: [...new Set(duplicates)].sort((a, b) => a - b) };
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
