// `npm run bench -- w2`: the peers' workload W2 (a million jobs submitted at t = 0 on 10,000 nodes
// of 8 devices, sizes uniform over {1, 2, 4, ..., 64}, run times Exp(1), strict FIFO, first fit)
// run by poolsim end to end (`poolsim run`: load the trace CSV, simulate, write jobs.csv) and by a
// plain Node loop (a segment tree and a binary heap over typed arrays, the peers' node/w2.js), each
// in a child process of its own so that peak memory is its own, and reported as a ratio.
// A third child, the floor, is what a plain Node program costs end to end on the same files:
// parse the trace CSV, run the plain loop, write the bytes of poolsim's jobs.csv. A fourth, the
// job index's floor, runs the same queue over `JobRows` with poolsim's own engine and free index
// (docs/performance.md, "One job index"), trace in memory as the plain loop's.
//
// The trace is generated here with CPython's Mersenne Twister seeded as the peers' gen_traces.py
// seeds it (random.Random(2)), so both makespans can be compared with the peers' SimPy and SimGrid
// figure (234.763555 s at 1M jobs) without reading anything outside the repository.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_V8_FLAGS } from '../cli/relaunch.js';
import { Engine } from '../engine/engine.js';
import { FreeIndex } from '../model/free-index.js';
import { JobRows } from '../sim/job-rows.js';
import type { BenchRow } from './engine-bench.js';
import { PythonRandom } from './python-random.js';

export const W2_NODES = 10_000;
export const W2_DEVICES_PER_NODE = 8;
/** The peers' makespan for the full trace (SimPy 2 and 3, SimGrid, plain Node all agree). */
export const W2_PEER_MAKESPAN_S = 234.763555;

/** gen_traces.py's W2: sizes first, then durations, from one random.Random(2). */
export function generateW2(jobs: number, seed = 2): { size: Uint8Array; dur: Float64Array } {
  const r = new PythonRandom(seed);
  const size = new Uint8Array(jobs);
  const dur = new Float64Array(jobs);
  for (let i = 0; i < jobs; i++) size[i] = 1 << r.randrange(7);
  for (let i = 0; i < jobs; i++) dur[i] = r.expovariate(1.0);
  return { size, dur };
}

/**
 * The plain loop: strict FIFO, first fit on a max segment tree of free devices per node (a job of
 * at most 8 devices on the lowest-index node with room, a larger one on size/8 wholly free nodes,
 * lowest index first), completions in a binary heap ordered by (time, sequence).
 */
export function plainW2(size: Uint8Array, dur: Float64Array, nodes = W2_NODES, devs = W2_DEVICES_PER_NODE): { makespanS: number; events: number } {
  const J = size.length;
  let P = 1;
  while (P < nodes) P <<= 1;
  const tree = new Int32Array(2 * P).fill(-1);
  for (let i = 0; i < nodes; i++) tree[P + i] = devs;
  for (let j = P - 1; j >= 1; j--) tree[j] = Math.max(tree[2 * j]!, tree[2 * j + 1]!);
  let wholeFree = nodes;
  const findFirst = (k: number): number => {
    if (tree[1]! < k) return -1;
    let i = 1;
    while (i < P) i = tree[2 * i]! >= k ? 2 * i : 2 * i + 1;
    return i - P;
  };
  const set = (i: number, v: number): void => {
    let j = P + i;
    tree[j] = v;
    for (j >>= 1; j >= 1; j >>= 1) tree[j] = Math.max(tree[2 * j]!, tree[2 * j + 1]!);
  };
  // Nodes held by running jobs: job i holds allocNodes[allocStart[i] ..] (size/8 nodes, or one).
  const allocStart = new Int32Array(J);
  const allocNodes = new Int32Array(J * 8);
  let allocTop = 0;
  // Heap of running jobs by (end time, start sequence).
  const heapT = new Float64Array(nodes * devs + 1);
  const heapJ = new Int32Array(nodes * devs + 1);
  let heapN = 0;
  const push = (t: number, job: number): void => {
    let i = heapN++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!(t < heapT[p]! || (t === heapT[p]! && job < heapJ[p]!))) break;
      heapT[i] = heapT[p]!;
      heapJ[i] = heapJ[p]!;
      i = p;
    }
    heapT[i] = t;
    heapJ[i] = job;
  };
  const pop = (): number => {
    const top = heapJ[0]!;
    const n = --heapN;
    const t = heapT[n]!;
    const job = heapJ[n]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (heapT[r]! < heapT[l]! || (heapT[r] === heapT[l] && heapJ[r]! < heapJ[l]!)) ? r : l;
      if (!(heapT[c]! < t || (heapT[c] === t && heapJ[c]! < job))) break;
      heapT[i] = heapT[c]!;
      heapJ[i] = heapJ[c]!;
      i = c;
    }
    heapT[i] = t;
    heapJ[i] = job;
    return top;
  };
  let now = 0;
  let head = 0;
  let events = 0;
  const trySchedule = (): void => {
    while (head < J) {
      const k = size[head]!;
      allocStart[head] = allocTop;
      if (k <= devs) {
        const i = findFirst(k);
        if (i < 0) return;
        const f = tree[P + i]!;
        if (f === devs) wholeFree--;
        set(i, f - k);
        allocNodes[allocTop++] = i;
      } else {
        const m = k / devs;
        if (wholeFree < m) return;
        for (let c = 0; c < m; c++) {
          const i = findFirst(devs);
          set(i, 0);
          wholeFree--;
          allocNodes[allocTop++] = i;
        }
      }
      push(now + dur[head]!, head);
      head++;
      events++;
    }
  };
  trySchedule();
  while (heapN > 0) {
    const t = heapT[0]!;
    const job = pop();
    now = t;
    events++;
    const k = size[job]!;
    const per = k <= devs ? k : devs;
    const count = k <= devs ? 1 : k / devs;
    for (let c = 0; c < count; c++) {
      const i = allocNodes[allocStart[job]! + c]!;
      const f = tree[P + i]! + per;
      if (f === devs) wholeFree++;
      set(i, f);
    }
    trySchedule();
  }
  return { makespanS: now, events };
}

/**
 * The plain loop's queue run the way the job index would run it: each started job a row of
 * `JobRows` (a gang's nodes at eight per row in a side array), nodes chosen by poolsim's
 * `FreeIndex` (first fit; a gang takes the leftmost wholly free nodes, as the plain loop does),
 * completion events on poolsim's `Engine` carrying the row, a pass at the end of each instant.
 * Gangs are whole nodes (sizes above a node are multiples of it), as in W2.
 */
export function rowsW2(size: Uint8Array, dur: Float64Array, nodes = W2_NODES, devs = W2_DEVICES_PER_NODE): { makespanS: number; events: number } {
  const jobs = size.length;
  const engine = new Engine();
  const free = new Int32Array(nodes).fill(devs);
  const index = new FreeIndex(free);
  const rows = new JobRows();
  let gangNodes = new Int32Array(rows.capacity * 8);
  let wholeFree = nodes;
  let head = 0;
  let passPending = false;
  const setFree = (node: number, f: number): void => {
    free[node] = f;
    index.set(node, f);
  };
  const complete = (row: number): void => {
    const k = rows.devices[row]!;
    if (k <= devs) {
      const node = rows.node[row]!;
      const f = free[node]! + k;
      if (f === devs) wholeFree++;
      setFree(node, f);
    } else {
      for (let c = 0; c < rows.nodeCount[row]!; c++) {
        setFree(gangNodes[row * 8 + c]!, devs);
        wholeFree++;
      }
    }
    rows.finishS[row] = engine.now;
    rows.free(row);
    requestPass();
  };
  const pass = (): void => {
    passPending = false;
    const now = engine.now;
    while (head < jobs) {
      const k = size[head]!;
      let node = -1;
      if (k <= devs) {
        node = index.leftmost(k);
        if (node < 0) return;
      } else if (wholeFree < k / devs) return;
      const capacity = rows.capacity;
      const row = rows.take();
      if (rows.capacity !== capacity) {
        const grown = new Int32Array(rows.capacity * 8);
        grown.set(gangNodes);
        gangNodes = grown;
      }
      rows.id[row] = head;
      rows.devices[row] = k;
      rows.submitS[row] = 0;
      rows.firstStartS[row] = now;
      if (node >= 0) {
        const f = free[node]!;
        if (f === devs) wholeFree--;
        setFree(node, f - k);
        rows.node[row] = node;
        rows.nodeCount[row] = 1;
      } else {
        const m = k / devs;
        for (let c = 0; c < m; c++) {
          const n = index.leftmost(devs);
          setFree(n, 0);
          wholeFree--;
          gangNodes[row * 8 + c] = n;
        }
        rows.nodeCount[row] = m;
      }
      engine.schedule(now + dur[head]!, complete, row);
      head++;
    }
  };
  const requestPass = (): void => {
    if (passPending) return;
    passPending = true;
    engine.atEndOfInstant(pass);
  };
  engine.at(0, requestPass);
  engine.run();
  // As the plain loop counts: a start and an end per job.
  return { makespanS: engine.now, events: 2 * jobs };
}

/**
 * The trace CSV (`submit,duration,devices`, one header line, as w2TraceCsv writes it) read back
 * the plain way: fields found with indexOf, whole numbers by a digit loop, the duration by
 * parseFloat of its bytes (exact, as poolsim's reader). Every submit time must be 0 (W2's).
 */
export function parseW2Csv(buf: Buffer): { size: Uint8Array; dur: Float64Array } {
  const NL = 10;
  const COMMA = 44;
  let at = buf.indexOf(NL) + 1;
  let lines = 0;
  for (let i = buf.indexOf(NL, at); i >= 0; i = buf.indexOf(NL, i + 1)) lines++;
  if (buf.length > at && buf[buf.length - 1] !== NL) lines++;
  const size = new Uint8Array(lines);
  const dur = new Float64Array(lines);
  for (let j = 0; j < lines; j++) {
    const c1 = buf.indexOf(COMMA, at);
    const c2 = buf.indexOf(COMMA, c1 + 1);
    let end = buf.indexOf(NL, c2 + 1);
    if (end < 0) end = buf.length;
    let submit = 0;
    for (let i = at; i < c1; i++) submit = submit * 10 + (buf[i]! - 48);
    if (submit !== 0) throw new Error(`w2 trace line ${j + 2}: submit ${submit}, W2 submits every job at 0`);
    dur[j] = parseFloat(buf.toString('latin1', c1 + 1, c2));
    let devices = 0;
    for (let i = c2 + 1; i < end; i++) devices = devices * 10 + (buf[i]! - 48);
    size[j] = devices;
    at = end + 1;
  }
  return { size, dur };
}

/** Write `bytes` to a new file at `path` in 64 KB writes (plain buffered output, as a stream does). */
export function writePlain(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    for (let at = 0; at < bytes.length; at += 1 << 16) writeSync(fd, bytes, at, Math.min(1 << 16, bytes.length - at));
  } finally {
    closeSync(fd);
  }
}

/** The trace as the CSV poolsim reads (shortest round-trip numbers, so both runs see the same values). */
export function w2TraceCsv(size: Uint8Array, dur: Float64Array): string {
  const parts: string[] = ['submit,duration,devices\n'];
  for (let i = 0; i < size.length; i++) parts.push(`0,${dur[i]},${size[i]}\n`);
  return parts.join('');
}

export function w2ScenarioText(traceFile: string, nodes = W2_NODES): string {
  return `name: w2
description: The peers' W2 - a million jobs at t = 0 on 10,000 nodes of 8 devices, strict FIFO, first fit.
seed: 1
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { name: n, count: ${nodes}, device: H100, devices_per_node: ${W2_DEVICES_PER_NODE} }
workloads:
  - trace:
      format: csv
      path: ${traceFile}
      mapping: { submit: submit, duration: duration, devices: devices }
      reference_device: H100
policy: fifo
placement: first-fit
`;
}

const rssMiB = (): number => process.resourceUsage().maxRSS / 1024;
/** CPU seconds (user + system, all threads) since `from`: on a shared machine wall time says little. */
const cpuS = (from?: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
};
const here = (): string => fileURLToPath(import.meta.url);

/** One side of the bench in a process of its own; `v8Flags`: those the process starts with. */
function child(args: string[], v8Flags: readonly string[] = []): BenchRow {
  const r = spawnSync(process.execPath, [...v8Flags, here(), ...args], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`w2 ${args[0]} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as BenchRow;
}

/** Both runs, then the ratio of wall times and of peak memory. `jobs` below 1M for a quick look. */
export function runW2Bench(jobs = 1_000_000): BenchRow[] {
  const dir = mkdtempSync(join(tmpdir(), 'poolsim-w2-'));
  try {
    const { size, dur } = generateW2(jobs);
    writeFileSync(join(dir, 'w2.csv'), w2TraceCsv(size, dur));
    writeFileSync(join(dir, 'w2.yaml'), w2ScenarioText('w2.csv'));
    const plain = child(['plain', String(jobs)]);
    const rowsRun = child(['rows', String(jobs)]);
    // Under the flags `poolsim` runs itself with (src/cli/relaunch.ts), so that the process
    // measured is the one that simulates, not a launcher waiting for it.
    const pool = child(['poolsim', join(dir, 'w2.yaml'), join(dir, 'out')], CLI_V8_FLAGS);
    // The floor: what a plain Node program pays to do poolsim's whole job on these files.
    const floor = child(['floor', join(dir, 'w2.csv'), join(dir, 'out', 'jobs.csv'), join(dir, 'floor-jobs.csv')]);
    const same = pool.result === plain.result && rowsRun.result === plain.result && String(floor.result).startsWith(String(plain.result));
    rowsRun.result = `${rowsRun.result}; rows / plain loop: ${(Number(rowsRun.wall_s) / Number(plain.wall_s)).toFixed(2)}x wall, ${(Number(rowsRun.cpu_s) / Number(plain.cpu_s)).toFixed(2)}x CPU`;
    floor.result = `${floor.result}; poolsim / floor: ${(Number(pool.wall_s) / Number(floor.wall_s)).toFixed(2)}x wall, ${(Number(pool.cpu_s) / Number(floor.cpu_s)).toFixed(2)}x CPU`;
    return [
      plain,
      rowsRun,
      pool,
      floor,
      {
        case: 'W2 poolsim / plain loop',
        scale: jobs,
        wall_s: Number(pool.wall_s) / Number(plain.wall_s),
        cpu_s: Number(pool.cpu_s) / Number(plain.cpu_s),
        events: 0,
        events_per_s: 0,
        peak_rss_mb: Number(pool.peak_rss_mb) / Number(plain.peak_rss_mb),
        result: `${same ? 'same makespan' : 'MAKESPANS DIFFER'}${jobs === 1_000_000 ? ` (peers: makespan ${W2_PEER_MAKESPAN_S.toFixed(6)})` : ''}; ratios of wall time, CPU time and peak memory`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [kind, a, b] = process.argv.slice(2);
  if (kind === 'plain' || kind === 'rows') {
    const jobs = Number(a);
    const { size, dur } = generateW2(jobs);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = kind === 'plain' ? plainW2(size, dur) : rowsW2(size, dur);
    const wallS = (performance.now() - t0) / 1000;
    const name = kind === 'plain' ? 'W2 plain Node loop (trace in memory)' : "W2 over job rows (poolsim's engine and free index, trace in memory)";
    const row: BenchRow = { case: name, scale: jobs, wall_s: wallS, cpu_s: cpuS(c0), events: r.events, events_per_s: r.events / wallS, peak_rss_mb: rssMiB(), result: `makespan ${r.makespanS.toFixed(6)}` };
    process.stdout.write(`${JSON.stringify(row)}\n`);
  } else if (kind === 'floor') {
    // The plain loop end to end on poolsim's files: read and parse the trace CSV, simulate, write
    // jobs.csv. The bytes written are poolsim's own jobs.csv, read before the clock starts, so
    // what is timed is a strict lower bound on producing them: plain writes, no number formatting
    // (which poolsim does on its other thread). Peak memory includes those bytes held whole.
    const [trace, poolJobs, out] = [a!, b!, process.argv[5]!];
    const bytes = readFileSync(poolJobs);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const { size, dur } = parseW2Csv(readFileSync(trace));
    const r = plainW2(size, dur);
    writePlain(out, bytes);
    const wallS = (performance.now() - t0) / 1000;
    if (statSync(out).size !== bytes.length) throw new Error('w2 floor: jobs.csv not written whole');
    const row: BenchRow = {
      case: "W2 floor: plain loop + parse the CSV + write poolsim's jobs.csv bytes",
      scale: size.length,
      wall_s: wallS,
      cpu_s: cpuS(c0),
      events: r.events,
      events_per_s: r.events / wallS,
      peak_rss_mb: rssMiB(),
      jobs_csv_mb: bytes.length / 2 ** 20,
      result: `makespan ${r.makespanS.toFixed(6)}`,
    };
    process.stdout.write(`${JSON.stringify(row)}\n`);
  } else if (kind === 'poolsim') {
    // `poolsim run` in this process, so that its peak memory is measured here: load the CSV,
    // simulate, write summary.csv and jobs.csv. Started under poolsim's V8 flags, so the command
    // runs here rather than starting itself again.
    if (CLI_V8_FLAGS.some((f) => !process.execArgv.includes(f))) throw new Error(`the poolsim side of W2 must start under ${CLI_V8_FLAGS.join(' ')}`);
    const scenario = a!;
    const out = b!;
    const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
    process.argv = [process.argv[0]!, cli, 'run', scenario, '--out', out, '--quiet'];
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    process.on('exit', (code) => {
      if (code !== 0) return;
      const wallS = (performance.now() - t0) / 1000;
      const summary = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
      const header = summary[0]!.split(',');
      const values = summary[1]!.split(',');
      const value = (c: string): number => Number(values[header.indexOf(c)]);
      const jobs = value('jobs_submitted');
      const row: BenchRow = {
        case: 'W2 poolsim run (load CSV, simulate, write jobs.csv)',
        scale: jobs,
        wall_s: wallS,
        cpu_s: cpuS(c0),
        events: 2 * value('jobs_completed'),
        events_per_s: (2 * value('jobs_completed')) / wallS,
        peak_rss_mb: rssMiB(),
        jobs_csv_mb: statSync(join(out, 'jobs.csv')).size / 2 ** 20,
        result: `makespan ${value('makespan_s').toFixed(6)}`,
      };
      process.stdout.write(`${JSON.stringify(row)}\n`);
    });
    await import(cli);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
