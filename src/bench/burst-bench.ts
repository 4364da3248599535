// A burst: 10,000 flows that all start in one instant on a k=8 fat tree (128 hosts), uncapped,
// log-uniform 1 MB-1 GB, run until the last one ends. Every completion frees a bottleneck and
// shifts rates across much of the fabric, the max-min solver's hardest regime. Run three ways:
// poolsim with the arrivals batched (rates derived once for the instant), poolsim asked for rates
// after every arrival (what a caller that queries between additions pays), and SimGrid CM02 (pure
// max-min, crosstraffic off) on the same flows when its headers are installed, as a ratio.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomStream } from '../engine/random.js';
import { FlowNetwork } from '../model/network/flow-network.js';
import type { BenchRow } from './engine-bench.js';

/** Link capacity of every fat-tree link (100 Gb/s). */
const LINK_BYTES_PER_S = 12.5e9;

/** A k-ary fat tree's links in the flow network and its routes (the ones bench/simgrid/sg-burst.cpp builds). */
export class FatTree {
  readonly hosts: number;
  private readonly half: number;
  private readonly hostUp: number[] = [];
  private readonly hostDown: number[] = [];
  /** Indexed [pod][edge][agg] and [pod][agg][core]. */
  private readonly edgeAggUp: number[] = [];
  private readonly edgeAggDown: number[] = [];
  private readonly aggCoreUp: number[] = [];
  private readonly aggCoreDown: number[] = [];

  constructor(
    net: FlowNetwork,
    readonly k: number,
    capacityBytesPerS: number,
  ) {
    this.half = k / 2;
    this.hosts = (k * k * k) / 4;
    for (let h = 0; h < this.hosts; h++) {
      this.hostUp.push(net.addLink(capacityBytesPerS));
      this.hostDown.push(net.addLink(capacityBytesPerS));
    }
    for (let i = 0; i < k * this.half * this.half; i++) {
      this.edgeAggUp.push(net.addLink(capacityBytesPerS));
      this.edgeAggDown.push(net.addLink(capacityBytesPerS));
      this.aggCoreUp.push(net.addLink(capacityBytesPerS));
      this.aggCoreDown.push(net.addLink(capacityBytesPerS));
    }
  }

  /** Same edge switch: 2 hops; same pod: via aggregation switch dst mod k/2; else also core (dst / (k/2)) mod k/2. */
  route(src: number, dst: number): number[] {
    const h = this.half;
    const podS = Math.floor(src / (h * h));
    const edgeS = Math.floor(src / h) % h;
    const podD = Math.floor(dst / (h * h));
    const edgeD = Math.floor(dst / h) % h;
    if (podS === podD && edgeS === edgeD) return [this.hostUp[src]!, this.hostDown[dst]!];
    const agg = dst % h;
    const up = this.edgeAggUp[(podS * h + edgeS) * h + agg]!;
    const down = this.edgeAggDown[(podD * h + edgeD) * h + agg]!;
    if (podS === podD) return [this.hostUp[src]!, up, down, this.hostDown[dst]!];
    const core = Math.floor(dst / h) % h;
    return [this.hostUp[src]!, up, this.aggCoreUp[(podS * h + agg) * h + core]!, this.aggCoreDown[(podD * h + agg) * h + core]!, down, this.hostDown[dst]!];
  }
}

export interface BurstFlows {
  readonly src: Int32Array;
  readonly dst: Int32Array;
  readonly bytes: Float64Array;
}

/** Uniform src != dst, log-uniform whole-byte sizes, from the seed. */
export function burstFlows(seed: number, flows: number, hosts: number, minBytes = 1e6, maxBytes = 1e9): BurstFlows {
  const rs = new RandomStream(seed, 'burst');
  const src = new Int32Array(flows);
  const dst = new Int32Array(flows);
  const bytes = new Float64Array(flows);
  const lo = Math.log(minBytes);
  const hi = Math.log(maxBytes);
  for (let i = 0; i < flows; i++) {
    const s = rs.int(hosts);
    let d = rs.int(hosts - 1);
    if (d >= s) d++;
    src[i] = s;
    dst[i] = d;
    bytes[i] = Math.floor(Math.exp(rs.uniform(lo, hi)));
  }
  return { src, dst, bytes };
}

export interface BurstResult {
  readonly wallS: number;
  readonly fctMeanS: number;
  readonly fctMaxS: number;
  readonly flushes: number;
  readonly flowsSolved: number;
}

/** All flows added at t=0 (`queryEach`: rates asked for after each addition), then run to the end. */
export function runBurst(flows: BurstFlows, k: number, queryEach: boolean): BurstResult {
  const t0 = process.hrtime.bigint();
  const net = new FlowNetwork({ initialFlowCapacity: flows.src.length });
  const tree = new FatTree(net, k, LINK_BYTES_PER_S);
  const n = flows.src.length;
  for (let i = 0; i < n; i++) {
    net.addFlow(tree.route(flows.src[i]!, flows.dst[i]!), flows.bytes[i]!, 0);
    if (queryEach) net.nextCompletionTime();
  }
  let sum = 0;
  let max = 0;
  let done = 0;
  const onComplete = (_f: number, finishS: number): void => {
    sum += finishS;
    if (finishS > max) max = finishS;
  };
  for (;;) {
    const t = net.nextCompletionTime();
    if (t === Infinity) break;
    done += net.popCompleted(t, onComplete);
  }
  if (done !== n) throw new Error(`burst: ${done} of ${n} flows completed`);
  const k2 = net.solverCounters;
  return { wallS: Number(process.hrtime.bigint() - t0) / 1e9, fctMeanS: sum / n, fctMaxS: max, flushes: k2.flushes, flowsSolved: k2.flowsSolved };
}

/**
 * Build bench/simgrid/sg-burst.cpp against the installed SimGrid (Debian: libsimgrid-dev) and run
 * it on the same flows; undefined, with the reason logged, when it cannot be built.
 */
export function runSimgridBurst(flows: BurstFlows, log: (line: string) => void): BurstResult | undefined {
  const source = join('bench', 'simgrid', 'sg-burst.cpp');
  if (!existsSync(source)) return skip(log, `${source} not found (run from the repository root)`);
  const flags = spawnSync('pkg-config', ['--cflags', '--libs', 'simgrid'], { encoding: 'utf8' });
  if (flags.status !== 0) return skip(log, 'SimGrid is not installed (pkg-config simgrid failed; Debian: apt-get install libsimgrid-dev)');
  const dir = mkdtempSync(join(tmpdir(), 'poolsim-burst-'));
  const exe = join(dir, 'sg-burst');
  const build = spawnSync('g++', ['-O2', '-std=c++17', '-o', exe, source, ...flags.stdout.trim().split(/\s+/)], { encoding: 'utf8' });
  if (build.status !== 0) return skip(log, `g++ could not build ${source}: ${(build.stderr || String(build.error)).trim().split('\n')[0]}`);
  const n = flows.src.length;
  const triples = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    triples[3 * i] = flows.src[i]!;
    triples[3 * i + 1] = flows.dst[i]!;
    triples[3 * i + 2] = flows.bytes[i]!;
  }
  const file = join(dir, 'flows.f64');
  writeFileSync(file, Buffer.from(triples.buffer));
  const run = spawnSync(exe, [file, '--cfg=network/model:CM02', '--cfg=network/crosstraffic:0', '--log=root.thres:critical'], { encoding: 'utf8' });
  const m = /fct_mean=(\S+) fct_max=(\S+) wall_s=(\S+)/.exec(run.stdout);
  if (run.status !== 0 || !m) return skip(log, `sg-burst failed (exit ${run.status}): ${run.stderr.trim().split('\n')[0] ?? ''}`);
  return { wallS: Number(m[3]), fctMeanS: Number(m[1]), fctMaxS: Number(m[2]), flushes: NaN, flowsSolved: NaN };
}

function skip(log: (line: string) => void, why: string): undefined {
  log(`burst: no SimGrid side-by-side: ${why}`);
  return undefined;
}

export function runBurstBench(opts: { readonly flows?: number; readonly seed?: number; readonly log?: (line: string) => void } = {}): BenchRow[] {
  const log = opts.log ?? ((): void => {});
  const k = 8;
  const flows = burstFlows(opts.seed ?? 1, opts.flows ?? 10_000, (k * k * k) / 4);
  const n = flows.src.length;
  log(`burst: ${n} flows at t=0 on a k=${k} fat tree, batched`);
  const batched = runBurst(flows, k, false);
  log('burst: rates asked for after every arrival');
  const each = runBurst(flows, k, true);
  log('burst: SimGrid CM02');
  const sg = runSimgridBurst(flows, log);
  const row = (name: string, r: BurstResult): BenchRow => ({
    case: name,
    flows: n,
    wall_s: +r.wallS.toFixed(3),
    vs_simgrid: sg ? +(r.wallS / sg.wallS).toFixed(3) : '-',
    fct_mean_s: +r.fctMeanS.toFixed(9),
    fct_max_s: +r.fctMaxS.toFixed(9),
    solves: Number.isNaN(r.flushes) ? '-' : r.flushes,
    flows_solved_per_solve: Number.isNaN(r.flushes) ? '-' : Math.round(r.flowsSolved / r.flushes),
  });
  const rows = [row('burst poolsim, one solve per instant', batched), row('burst poolsim, solve after each arrival', each)];
  if (sg) rows.push(row('burst SimGrid 3 CM02 (pure max-min)', sg));
  return rows;
}
