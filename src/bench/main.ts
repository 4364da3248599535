// `npm run bench [-- case...]`: run the benchmarks and write results/bench/<case>.csv with wall
// time, events per second and peak memory, plus the machine they ran on. Speed targets are
// checked here, never in unit tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { csvLine } from '../experiment/csv.js';
import { runEngineBench, type BenchRow } from './engine-bench.js';
import { runInferenceBench } from './inference-bench.js';
import { runNetworkBench } from './network-bench.js';
import { runPhillyBench, runScaleBench, runScalingCurve, runSharingBench } from './scale-bench.js';

type BenchCase = () => BenchRow[] | Promise<BenchRow[]>;

const CASES: Record<string, BenchCase> = {
  engine: () => runEngineBench(1_000_000),
  network: () => runNetworkBench({ ...peerW3Trace(), log: (line) => process.stderr.write(`${line}\n`) }),
  fabric: async () => (await import('./fabric-bench.js')).runFabricBench(),
  burst: async () => (await import('./burst-bench.js')).runBurstBench({ log: (line) => process.stderr.write(`${line}\n`) }),
  scale: () => runScaleBench(),
  scaling: () => runScalingCurve(),
  philly: () => runPhillyBench(),
  sharing: () => runSharingBench(),
  inference: () => runInferenceBench(1_000_000),
  sweep: async () => (await import('./sweep-bench.js')).runSweepBench(),
  memory: async () => (await import('./memory-bench.js')).runMemoryBench(),
  w2: async () => (await import('./w2-bench.js')).runW2Bench(),
  startup: async () => (await import('./startup-bench.js')).runStartupBench(),
};

/**
 * The peers' seeded W3 trace, so flow completion times can be compared with SimGrid's exactly:
 * generated with the peers' own script into a temporary folder when Python is there. The peers'
 * checkout sits beside the repository on the developers' machines only; elsewhere the benchmark
 * says so in one line and runs on a W3-like trace of its own.
 */
function peerW3Trace(): { tracePath?: string; peerW3Script?: string } {
  const peers = join('..', 'shared', 'peers');
  const script = join(peers, 'gen_traces.py');
  const alone = (why: string): Record<string, never> => {
    process.stderr.write(`network: ${why}; running on poolsim's own W3-like trace, without the side-by-side with the peer simulators\n`);
    return {};
  };
  if (!existsSync(script)) return alone(`no peer simulators at ${peers} (they are beside the repository on the developers' machines only)`);
  const dir = mkdtempSync(join(tmpdir(), 'poolsim-w3-'));
  const copy = join(dir, 'gen.py');
  writeFileSync(copy, readFileSync(script, 'utf8').replace(/^OUT = .*$/m, `OUT = ${JSON.stringify(join(dir, 'traces'))}`));
  const r = spawnSync('python3', [copy], { stdio: 'ignore' });
  if (r.status !== 0) return alone(`python3 ${script} did not run (exit ${r.status ?? r.error?.message})`);
  const w3 = join(peers, 'node', 'w3.js');
  return { tracePath: join(dir, 'traces'), ...(existsSync(w3) ? { peerW3Script: w3 } : {}) };
}

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

// A benchmark that cannot run says why in one line (POOLSIM_DEBUG=1 for the stack), never a bare trace.
try {
  await main();
} catch (e) {
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  process.stderr.write(`bench: ${message}\n${process.env.POOLSIM_DEBUG && e instanceof Error ? `${e.stack}\n` : ''}`);
  process.exitCode = 1;
}
