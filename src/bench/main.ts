// `npm run bench [-- case...]`: run the benchmarks and write results/bench/<case>.csv with wall
// time, events per second and peak memory, plus the machine they ran on. Speed targets are
// checked here, never in unit tests.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { csvLine } from '../experiment/csv.js';
import { runEngineBench, type BenchRow } from './engine-bench.js';
import { runInferenceBench } from './inference-bench.js';

type BenchCase = () => BenchRow[] | Promise<BenchRow[]>;

const CASES: Record<string, BenchCase> = {
  engine: () => runEngineBench(1_000_000),
  inference: () => runInferenceBench(1_000_000),
  sweep: async () => (await import('./sweep-bench.js')).runSweepBench(),
};

function machine(): string {
  const cpu = cpus();
  return `${cpu.length} x ${cpu[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/** Peak resident memory of this process so far (MiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Each case runs in a child process of its own, so that its peak memory is its own. */
async function child(name: string): Promise<void> {
  const rows = await CASES[name]!();
  process.stdout.write(`${JSON.stringify(rows)}\n`);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!);
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(CASES);
  for (const n of names) if (!CASES[n]) throw new Error(`unknown benchmark '${n}'; expected one of: ${Object.keys(CASES).join(', ')}`);
  const outDir = join('results', 'bench');
  mkdirSync(outDir, { recursive: true });
  const host = machine();
  process.stdout.write(`machine: ${host}\n`);
  for (const name of names) {
    const run = spawnSync(process.execPath, [process.argv[1]!, '--child', name], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
    if (run.status !== 0) throw new Error(`benchmark '${name}' failed (exit ${run.status})`);
    const rows = JSON.parse(run.stdout.trim().split('\n').pop()!) as BenchRow[];
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r))), 'machine', 'date'];
    const date = new Date().toISOString().slice(0, 10);
    let csv = csvLine(columns);
    for (const r of rows) csv += csvLine(columns.map((c) => (c === 'machine' ? host : c === 'date' ? date : r[c])));
    writeFileSync(join(outDir, `${name}.csv`), csv);
    process.stdout.write(`\n## ${name}\n`);
    console.table(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toPrecision(4)) : v]))));
  }
}

await main();
