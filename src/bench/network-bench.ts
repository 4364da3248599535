// Benchmark of the flow-level network model: the peers' workload W3 (100k flows on a 256-host
// leaf-spine, FCTs must match SimGrid CM02 exactly), a 1,024-host case with >= 10k concurrent flows.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RandomStream } from '../engine/random.js';
import { FlowNetwork } from '../model/network/flow-network.js';

/** A leaf-spine fabric, full duplex (one link id per direction), D-mod-k routing like peers' w3.js. */
export interface LeafSpine {
  readonly hosts: number;
  readonly hostsPerLeaf: number;
  readonly spines: number;
  readonly linkBytesPerS: number;
}

/** One flow trace: absolute start times, endpoints and sizes, in arrival order. */
export interface FlowTrace {
  readonly startS: Float64Array;
  readonly src: Float64Array;
  readonly dst: Float64Array;
  readonly bytes: Float64Array;
}

export interface NetworkBenchOptions {
  /** Folder holding the peers' w3_*.f64 traces (or the path of one of them). Absent: generate. */
  readonly tracePath?: string;
  /** Use only the first n flows of W3 (default: all 100,000). */
  readonly flows?: number;
  readonly seed?: number;
  /** The peers' node/w3.js, run as a child process on the same trace for a side-by-side ratio. */
  readonly peerW3Script?: string;
  /** Flows in the large capped 1,024-host case (>= 10k in flight); 0 skips it. Default 100,000. */
  readonly largeFlows?: number;
  /** Flows in the large uncapped 1,024-host case; 0 skips it. Default 40,000. */
  readonly saturatedFlows?: number;
  /** Also run W3 with every flow re-solved at every event (default true). */
  readonly compareSolveAll?: boolean;
  /** Progress lines (the table is the caller's to print). */
  readonly log?: (line: string) => void;
}

export type BenchRow = Record<string, string | number>;

const W3_FABRIC: LeafSpine = { hosts: 256, hostsPerLeaf: 16, spines: 4, linkBytesPerS: 125e6 };
const LARGE_FABRIC: LeafSpine = { hosts: 1024, hostsPerLeaf: 16, spines: 8, linkBytesPerS: 125e6 };

/** Links in w3.js's numbering: host up, host down, leaf->spine, spine->leaf. */
function buildLeafSpine(net: FlowNetwork, fabric: LeafSpine): void {
  const leaves = fabric.hosts / fabric.hostsPerLeaf;
  const nLinks = 2 * fabric.hosts + 2 * leaves * fabric.spines;
  for (let l = 0; l < nLinks; l++) net.addLink(fabric.linkBytesPerS, 0);
}

/** Write the route src->dst into `out` (reused) and return it. Same leaf: 2 hops; else via spine dst mod k. */
function routeInto(fabric: LeafSpine, src: number, dst: number, out2: number[], out4: number[]): number[] {
  const { hosts: H, hostsPerLeaf: HPL, spines: S } = fabric;
  const NL = H / HPL;
  const la = Math.floor(src / HPL);
  const lb = Math.floor(dst / HPL);
  if (la === lb) {
    out2[0] = src;
    out2[1] = H + dst;
    return out2;
  }
  const s = dst % S;
  out4[0] = src;
  out4[1] = 2 * H + la * S + s;
  out4[2] = 2 * H + NL * S + lb * S + s;
  out4[3] = H + dst;
  return out4;
}

function loadF64(path: string, n: number): Float64Array {
  const b = readFileSync(path);
  const a = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  return n > 0 && n < a.length ? a.subarray(0, n) : a;
}

/** The peers' W3 trace files (little-endian float64, as written by gen_traces.py). */
export function loadW3Trace(tracePath: string, flows = 0): FlowTrace {
  const dir = tracePath.endsWith('.f64') ? dirname(tracePath) : tracePath;
  const startS = loadF64(join(dir, 'w3_start.f64'), flows);
  const n = startS.length;
  return {
    startS,
    src: loadF64(join(dir, 'w3_src.f64'), n),
    dst: loadF64(join(dir, 'w3_dst.f64'), n),
    bytes: loadF64(join(dir, 'w3_size.f64'), n),
  };
}

/** Poisson starts, uniform src != dst, log-uniform whole-byte sizes: W3's recipe on our own RNG. */
export function generateTrace(
  seed: number,
  flows: number,
  hosts: number,
  arrivalsPerS: number,
  minBytes: number,
  maxBytes: number,
): FlowTrace {
  const arrivals = new RandomStream(seed, 'net-bench-arrivals');
  const ends = new RandomStream(seed, 'net-bench-endpoints');
  const sizes = new RandomStream(seed, 'net-bench-sizes');
  const startS = new Float64Array(flows);
  const src = new Float64Array(flows);
  const dst = new Float64Array(flows);
  const bytes = new Float64Array(flows);
  const lo = Math.log(minBytes);
  const hi = Math.log(maxBytes);
  let t = 0;
  for (let i = 0; i < flows; i++) {
    t += arrivals.exponential(1 / arrivalsPerS);
    const s = ends.int(hosts);
    let d = ends.int(hosts - 1);
    if (d >= s) d++;
    startS[i] = t;
    src[i] = s;
    dst[i] = d;
    bytes[i] = Math.floor(Math.exp(sizes.uniform(lo, hi)));
  }
  return { startS, src, dst, bytes };
}

export interface CaseResult {
  readonly wallS: number;
  readonly events: number;
  readonly fctS: Float64Array;
  readonly activeMean: number;
  readonly activePeak: number;
  readonly endS: number;
  readonly roundsPerFlush: number;
  readonly flowsPerRound: number;
}

/** The event loop of w3.js: take the earlier of next arrival and next completion (arrival on ties). */
export function runLeafSpineTrace(
  fabric: LeafSpine,
  trace: FlowTrace,
  capBytesPerS = Infinity,
  solveAllFlows = false,
): CaseResult {
  const t0 = process.hrtime.bigint();
  const n = trace.startS.length;
  const net = new FlowNetwork({ initialFlowCapacity: 4096, solveAllFlows });
  buildLeafSpine(net, fabric);
  const fctS = new Float64Array(n);
  const { startS, src, dst, bytes } = trace;
  const r2 = [0, 0];
  const r4 = [0, 0, 0, 0];
  const opts = { tag: 0, capBytesPerS };
  const onComplete = (_flow: number, finishS: number, tag: number): void => {
    fctS[tag] = finishS - startS[tag]!;
  };
  let next = 0;
  let events = 0;
  let nowS = 0;
  let activeTimeIntegral = 0;
  let activePeak = 0;
  while (next < n || net.activeFlowCount > 0) {
    const arrivalS = next < n ? startS[next]! : Infinity;
    const completionS = net.nextCompletionTime();
    const t = completionS < arrivalS ? completionS : arrivalS;
    // Concurrency averaged over the arrival period (not the final drain).
    if (next < n && next > 0) activeTimeIntegral += net.activeFlowCount * (t - nowS);
    nowS = t;
    if (completionS < arrivalS) {
      events += net.popCompleted(completionS, onComplete);
    } else {
      const route = routeInto(fabric, src[next]!, dst[next]!, r2, r4);
      opts.tag = next;
      net.addFlow(route, bytes[next]!, arrivalS, opts);
      next++;
      events++;
      if (net.activeFlowCount > activePeak) activePeak = net.activeFlowCount;
    }
  }
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const k = net.solverCounters;
  return {
    wallS,
    events,
    fctS,
    activeMean: n > 1 ? activeTimeIntegral / (startS[n - 1]! - startS[0]!) : 0,
    activePeak,
    endS: nowS,
    roundsPerFlush: k.rounds / Math.max(1, k.flushes),
    flowsPerRound: k.flowsSolved / Math.max(1, k.rounds),
  };
}

/** FCT statistics exactly as the peers compute them (sorted; p50 = s[n>>1]; p99 = s[floor(0.99 n)]). */
function fctStats(fctS: Float64Array): { mean: number; p50: number; p99: number; max: number } {
  const s = Float64Array.from(fctS).sort();
  const n = s.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += s[i]!;
  return { mean: sum / n, p50: s[n >> 1]!, p99: s[Math.min(n - 1, Math.floor(0.99 * n))]!, max: s[n - 1]! };
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function row(caseName: string, r: CaseResult): BenchRow {
  const st = fctStats(r.fctS);
  return {
    case: caseName,
    flows: r.fctS.length,
    wall_s: +r.wallS.toFixed(3),
    flow_events_per_s: Math.round(r.events / r.wallS),
    peak_rss_mb: Math.round(peakRssMb()),
    fct_mean_s: +st.mean.toFixed(6),
    fct_p50_s: +st.p50.toFixed(6),
    fct_p99_s: +st.p99.toFixed(6),
    fct_max_s: +st.max.toFixed(6),
    active_flows_mean: Math.round(r.activeMean),
    active_flows_peak: r.activePeak,
    sim_end_s: +r.endS.toFixed(3),
    solve_rounds_per_event: +r.roundsPerFlush.toFixed(2),
    flows_per_round: +r.flowsPerRound.toFixed(1),
  };
}

/** Run the peers' w3.js on the same trace; its one RESULT line gives FCTs and in-process events/s. */
function runPeer(script: string, traceDir: string, flows: number): BenchRow {
  const out = execFileSync(process.execPath, [script, ...(flows > 0 ? [String(flows)] : [])], {
    env: { ...process.env, PERF_TRACES: traceDir },
    encoding: 'utf8',
  });
  const kv = new Map<string, string>();
  for (const m of out.matchAll(/(\w+)=(\S+)/g)) kv.set(m[1]!, m[2]!);
  const num = (k: string): number => Number(kv.get(k) ?? NaN);
  return {
    case: 'W3 peers node/w3.js (from-scratch solver)',
    flows: num('flows'),
    wall_s: num('wall_inner'),
    flow_events_per_s: num('ev_per_s'),
    peak_rss_mb: '-',
    fct_mean_s: num('fct_mean'),
    fct_p50_s: num('fct_p50'),
    fct_p99_s: num('fct_p99'),
    fct_max_s: num('fct_max'),
    active_flows_mean: '-',
    active_flows_peak: '-',
    sim_end_s: num('sim_end'),
    solve_rounds_per_event: '-',
    flows_per_round: '-',
  };
}

/** W3 (peers' trace when given, else our own seeded one), the peer for comparison, and the large case. */
export async function runNetworkBench(opts: NetworkBenchOptions = {}): Promise<BenchRow[]> {
  const log = opts.log ?? ((): void => {});
  const seed = opts.seed ?? 1;
  const rows: BenchRow[] = [];
  const traceDir = opts.tracePath
    ? opts.tracePath.endsWith('.f64')
      ? dirname(opts.tracePath)
      : opts.tracePath
    : undefined;
  const w3 = traceDir
    ? loadW3Trace(traceDir, opts.flows ?? 0)
    : generateTrace(seed, opts.flows ?? 100_000, W3_FABRIC.hosts, 400, 1e4, 1e8);
  const w3Name = traceDir ? 'W3 poolsim (peers trace)' : `W3 poolsim (own trace, seed ${seed})`;
  log(`running ${w3Name}: ${w3.startS.length} flows`);
  rows.push(row(w3Name, runLeafSpineTrace(W3_FABRIC, w3)));
  if (opts.peerW3Script && traceDir && existsSync(opts.peerW3Script)) {
    log(`running ${opts.peerW3Script}`);
    rows.push(runPeer(opts.peerW3Script, traceDir, opts.flows ?? 0));
  }
  if (opts.compareSolveAll ?? true) {
    // Same code, every flow re-solved at every event: what the incremental solve saves.
    log(`running ${w3Name} with solveAllFlows`);
    rows.push(row(`${w3Name.replace('poolsim', 'poolsim solve-all')}`, runLeafSpineTrace(W3_FABRIC, w3, Infinity, true)));
  }
  const largeFlows = opts.largeFlows ?? 100_000;
  if (largeFlows > 0) {
    // Window-limited flows (20 Mb/s cap, as over a long RTT), 1 MB-100 MB at 2,500/s: leaf
    // uplinks ~83% loaded, ~16k flows in flight. Caps end most cascades early.
    const large = generateTrace(seed, largeFlows, LARGE_FABRIC.hosts, 2500, 1e6, 1e8);
    log(`running large capped: ${largeFlows} flows on ${LARGE_FABRIC.hosts} hosts`);
    rows.push(row('large capped: 1,024 hosts (64x16), 8 spines, cap 2.5e6 B/s', runLeafSpineTrace(LARGE_FABRIC, large, 2.5e6)));
  }
  const saturatedFlows = opts.saturatedFlows ?? 40_000;
  if (saturatedFlows > 0) {
    // Uncapped 1 MB-1 GB flows at 300/s (leaf uplinks ~67% loaded): pure max-min, where one
    // arrival can shift the rates of many flows across the fabric.
    const sat = generateTrace(seed, saturatedFlows, LARGE_FABRIC.hosts, 300, 1e6, 1e9);
    log(`running large uncapped: ${saturatedFlows} flows on ${LARGE_FABRIC.hosts} hosts`);
    rows.push(row('large uncapped: 1,024 hosts (64x16), 8 spines', runLeafSpineTrace(LARGE_FABRIC, sat)));
  }
  return rows;
}

function formatTable(rows: readonly BenchRow[]): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]!);
  const show = (c: string, v: string | number | undefined): string =>
    typeof v === 'number' && c.startsWith('fct_') ? v.toFixed(6) : String(v ?? '');
  const cells = rows.map((r) => cols.map((c) => show(c, r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: readonly string[]): string => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // node dist/bench/network-bench.js [--trace DIR|FILE] [--flows N] [--peer PATH/w3.js] [--large N]
  //   [--uncapped N] [--no-solve-all] [--seed S]
  const args = process.argv.slice(2);
  const flows = argValue(args, '--flows');
  const large = argValue(args, '--large');
  const saturated = argValue(args, '--uncapped');
  const seed = argValue(args, '--seed');
  const rows = await runNetworkBench({
    ...(argValue(args, '--trace') !== undefined ? { tracePath: argValue(args, '--trace')! } : {}),
    ...(flows !== undefined ? { flows: Number(flows) } : {}),
    ...(large !== undefined ? { largeFlows: Number(large) } : {}),
    ...(saturated !== undefined ? { saturatedFlows: Number(saturated) } : {}),
    ...(args.includes('--no-solve-all') ? { compareSolveAll: false } : {}),
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
    ...(argValue(args, '--peer') !== undefined ? { peerW3Script: argValue(args, '--peer')! } : {}),
    log: (l) => console.error(l),
  });
  console.log(formatTable(rows));
  console.log('reference: SimGrid C++ CM02 pure max-min, W3: 26,766 flow events/s in-process (peers/README.md);');
  console.log('           FCT mean=0.249950 p50=0.020464 p99=2.594999 max=8.697877');
}
