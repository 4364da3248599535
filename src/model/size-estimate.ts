// How big a run will be, from the scenario alone and without simulating: devices, nodes, jobs and
// inference requests, the memory they imply and the events they cost. The loader refuses a run that
// cannot fit (or would not finish) before anything is built, saying what to change.
import { getHeapStatistics } from 'node:v8';
import { totalmem } from 'node:os';
import { meanOf } from '../scenario/distribution.js';
import type { PathKey } from '../scenario/errors.js';
import { MAX_OPEN_RUN_S } from '../scenario/limits.js';
import type { Scenario } from '../scenario/schema.js';
import type { KindInfo, NodeGroup } from './cluster.js';
import { causalPairs, decodeTokensPerS, prefillS } from './inference/replica-model.js';
import type { ResolvedService } from './inference/resolve-services.js';
import type { JobSizeFields } from './trace-job-template.js';
import { computeShare, logExpectedRunS, youngDalyIntervalS } from './checkpoint-interval.js';
import { AloneRuntime, meanJobOf, type AloneRatesOf, type RunCheckpoints, type RunTimes } from './alone-runtime.js';
import type { JobList } from './job-list.js';
import type { GeneratorSource } from './load-scenario.js';
import type { TopologySpec } from './network/fabrics/registry.js';
import { fabricSize } from './network/fabric-size.js';

/*
 * Bytes of live memory per unit, measured on this code (Node 20.20, V8 heap plus typed arrays:
 * process.memoryUsage().heapUsed + arrayBuffers after global.gc(), sampled during the run) with
 * synthetic scenarios at two or three sizes each, the slope between sizes rounded up:
 *   device          24 B   node groups of 1e5 nodes x 1, 8 and 64 devices, network: ideal
 *                          (cluster typed arrays, per-device speed and owner)
 *   node            73 B   the same runs, intercept per node
 *   link, flow network     the flow network's topology (network/topology.ts, fabrics/), whose links and
 *   switch, flow network   switches are counted from each site's spec (network/fabric-size.ts): 20,000 and
 *                          80,000 nodes of 8 devices per kind, slope between them, less the nodes' own:
 *                            leaf-spine      2.13 links, 0.063 switches/node  1547 B/node   (728 B/link)
 *                            fat-tree        2.13 links, 0.066 switches/node  1665 B/node   (780 B/link)
 *                            rail-optimized  2.06 links, 0.25 switches/node   2573 B/node
 *                            torus (3D)      8 links, no switches/node        7065 B/node   (883 B/link)
 *                            dragonfly       4.46 links, 0.063 switches/node  4073 B/node   (913 B/link)
 *                          1024 B per link covers every kind's; the rail-optimized fabric's extra over its
 *                          links (461 B/node at 0.25 switches/node, 1.8 KiB per switch) sets 2048 B per switch.
 *                          1.2M leaf-spine nodes: 2.29 GB live against 2.6 GiB charged. Building takes about
 *                          25-30 us per link on a loaded 2-core machine, so the memory limit also bounds it
 *                          (4 GiB of links is about 4M links, a minute or two).
 *   job, finished   17 B   1e5 and 1e6 jobs flowing through 1000 nodes (the run's samples)
 *   job, alive     805 B   1e5 and 1e6 jobs all waiting at once on one node (SimJob, template, line)
 *   job, listed   2400 B   2e4 jobs listed in the YAML (the parsed document is kept to locate messages)
 *   job, trace     168 B   2e5 rows of a CSV trace (the job's template, retained for the run)
 *   request, done   30 B   1e5 and 1e6 requests on 100 replicas (latency samples)
 *   request, alive 198 B   the same arrivals queued on one replica
 * `npm run bench -- memory` repeats the measurement. Events per unit, from the bundled scenarios:
 * 2.0 per training job (arrival and completion: scale-100k, quickstart, policy-*), 3.1 to 4.9 per
 * inference request (arrival, reaching the replica, admission, completion; inference-diurnal).
 */
export const BYTES_PER = {
  device: 32,
  node: 96,
  link: 1024,
  switch: 2048,
  jobFinished: 32,
  jobAlive: 1024,
  jobListed: 2560,
  jobTrace: 256,
  requestDone: 48,
  requestAlive: 256,
} as const;
/** Heap a worker needs before any scenario: code, the catalogue, the YAML and zod machinery. */
export const BASE_BYTES = 64 * 2 ** 20;
export const EVENTS_PER_JOB = 2;
export const EVENTS_PER_REQUEST = 5;
/** The engine's top speed (engine benchmark); real runs with placement and networks are slower. */
export const EVENTS_PER_S = 1e6;
/** More events than this (about 3 hours at the engine's top speed, days in practice) is refused. */
export const MAX_EVENTS = 1e10;
/** Node and device indices are Int32. */
export const MAX_INDEX = 2 ** 31 - 1;
/** Share of the machine's memory one run may use by default (room for the OS, GC slack, other work). */
export const MEMORY_SHARE = 0.5;
/**
 * CPU seconds the flow network's build takes per link or switch, before the first event: `run` of
 * one 1 s job on a site of 25,000, 100,000 and 400,000 nodes per kind (Node 20, a 2-core machine at
 * load 20-30; CPU time, the wall time was 4-9x more), slope between sizes per link and switch:
 * leaf-spine 5.2-5.9 us, fat-tree 6.9-7.1, rail-optimized 7.2-10.2, 3D torus 8.4-12.8, dragonfly
 * 7.8, graph 7.9 (5,000 and 20,000 nodes). The largest, rounded up: the build's cost grows a little
 * faster than its links (12.8 us at 400,000 torus nodes against 8.4 below).
 */
export const BUILD_S_PER_ELEMENT = 15e-6;
/**
 * A pool whose build is estimated beyond this many CPU seconds is warned about: on a shared machine
 * that is minutes before the first event (1.2M leaf-spine nodes, 2.6M links: 30 s of CPU measured,
 * 4 minutes of wall time at load 30).
 */
export const SLOW_BUILD_S = 30;

/** What the loader knows once names are resolved. */
export interface EstimateInput {
  readonly scenario: Scenario;
  readonly kinds: readonly KindInfo[];
  readonly groups: readonly NodeGroup[];
  /** Listed and trace jobs. */
  readonly jobs: JobList;
  readonly generators: readonly GeneratorSource[];
  readonly services: readonly ResolvedService[];
  readonly interDcLinks: number;
  /** Switches and links of the data centres' fabrics (the units of failures.fabric's processes). */
  readonly fabricUnits?: { readonly switches: number; readonly links: number };
  /** Per data centre (by index): its topology, and where the scenario sets it (for messages). */
  readonly sites?: readonly { readonly name: string; readonly topology: TopologySpec; readonly at: readonly PathKey[] }[];
  /** Data moved between sites, and the fastest link's usable rate (bytes/s; 0 without links). */
  readonly transfers: readonly { bytes: number; startS: number }[];
  readonly fastestLinkBytesPerS: number;
  /**
   * Jobs' rates alone on the pool where the step model times them (network: flow; the loader's
   * AloneRates), so that run times are the run's; undefined: every job at its simple rate.
   */
  readonly aloneRates?: AloneRatesOf;
}

/** One contributor to a run's size, located where the user would change it. */
export interface SizePart {
  readonly what: string;
  readonly bytes: number;
  readonly events: number;
  readonly path: readonly PathKey[];
  /** What to change to make it smaller. */
  readonly fix: string;
}

export interface SizeEstimate {
  readonly devices: number;
  readonly nodes: number;
  readonly jobs: number;
  readonly requests: number;
  readonly memoryBytes: number;
  readonly events: number;
  /** Largest first. */
  readonly parts: readonly SizePart[];
  /** Problems that no memory limit changes: indices beyond Int32, open runs that provably outlast MAX_OPEN_RUN_S. */
  readonly hardProblems: readonly { path: readonly PathKey[]; message: string }[];
  /** CPU seconds building the flow network takes before the first event (0 without one), and the site whose build takes the most. */
  readonly build: { readonly seconds: number; readonly slowest?: { readonly what: string; readonly seconds: number; readonly path: readonly PathKey[] } };
}

/** The memory a run may use, and why that much. */
export interface MemoryLimit {
  readonly bytes: number;
  readonly why: string;
}

/**
 * The default limit: runs happen in worker threads (experiment/worker-pool.ts), and a worker that
 * outgrows its V8 heap is stopped, so the heap limit binds unless the machine is smaller than twice
 * that (then MEMORY_SHARE of its memory does). `--max-memory` replaces it (and raises the workers'
 * heap to match).
 */
export function memoryLimit(maxMemoryBytes?: number): MemoryLimit {
  if (maxMemoryBytes !== undefined) return { bytes: maxMemoryBytes, why: 'set by --max-memory' };
  const heap = getHeapStatistics().heap_size_limit;
  const machine = MEMORY_SHARE * totalmem();
  return heap <= machine
    ? { bytes: heap, why: `the V8 heap limit of a worker thread; this machine's ${formatBytes(totalmem())} would allow more with --max-memory` }
    : { bytes: machine, why: `half of this machine's ${formatBytes(totalmem())} of memory` };
}

export function formatBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let x = b;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return i === units.length - 1 && x >= 1024 ? `${b.toExponential(1)} B` : `${x >= 100 || i === 0 ? Math.round(x) : x.toPrecision(3)} ${units[i]}`;
}

/** A count for people: 1234567 -> '1,234,567', 1.2e15 -> '1.2e15'. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n >= 1e12) return n.toExponential(1).replace('e+', 'e');
  const r = Math.round(n);
  return Math.abs(r) < 1e21 ? groupedInteger(r) : r.toLocaleString('en-US');
}

/**
 * An integer as `toLocaleString('en-US')` writes it (String's digits, so below 1e21), without Intl:
 * a thread's first Intl number format costs 20-25 ms (its locale data), and every scenario load
 * formats counts here, in the run's worker before it simulates.
 */
function groupedInteger(i: number): string {
  const digits = String(Math.abs(i));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let k = out.length; k < digits.length; k += 3) out += `,${digits.slice(k, k + 3)}`;
  return i < 0 || Object.is(i, -0) ? `-${out}` : out;
}

/** A build's duration for people: '45 s', '12 minutes', '3.2 hours'. */
export function formatMinutes(s: number): string {
  return s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} minutes` : `${(s / 3600).toPrecision(2)} hours`;
}

/** Why a pool that fits still deserves a word: its flow network takes minutes to build. Undefined when it does not. */
export function slowBuildWarning(est: SizeEstimate): { path: readonly PathKey[]; message: string } | undefined {
  const b = est.build;
  if (!(b.seconds >= SLOW_BUILD_S) || !b.slowest) return undefined;
  return {
    path: b.slowest.path,
    message: `building the flow network takes about ${formatMinutes(b.seconds)} of CPU before the first event (${b.slowest.what}: about ${formatCount(BUILD_S_PER_ELEMENT * 1e6)} us a link or switch, measured; longer on a busy machine); network: ideal skips it, or give fewer nodes`,
  };
}

export function formatYears(s: number): string {
  return s >= 86400 * 365 ? `${(s / (86400 * 365)).toPrecision(3)} years` : s >= 86400 ? `${(s / 86400).toPrecision(3)} days` : `${(s / 3600).toPrecision(3)} hours`;
}

/**
 * When the scenario has failures: a job's failure rate on the pool, a lower bound (the kind it may
 * use that fails least, the fewest nodes it could span, no fabric failures). Undefined otherwise.
 */
function failureRateBound(input: EstimateInput): ((t: Pick<JobSizeFields, 'devices' | 'allowedKinds'>) => number) | undefined {
  const f = input.scenario.failures;
  if (!f) return undefined;
  const kinds = input.kinds.length;
  const deviceMtbf = new Float64Array(kinds).fill(Infinity);
  const perNode = new Float64Array(kinds);
  for (let k = 0; k < kinds; k++) deviceMtbf[k] = f.devices[input.kinds[k]!.name]?.mtbf ?? Infinity;
  for (const g of input.groups) perNode[g.kind] = Math.max(perNode[g.kind]!, g.devicesPerNode);
  const nodeMtbf = f.nodes?.mtbf ?? Infinity;
  if (!deviceMtbf.some((m) => Number.isFinite(m)) && !Number.isFinite(nodeMtbf)) return undefined;
  return (t) => {
    let l = Infinity;
    for (let k = 0; k < kinds; k++) {
      if (perNode[k] === 0 || (t.allowedKinds && !t.allowedKinds.includes(k))) continue;
      l = Math.min(l, t.devices / deviceMtbf[k]! + Math.ceil(t.devices / perNode[k]!) / nodeMtbf);
    }
    return l > 0 && l < Infinity ? l : 0;
  };
}

/**
 * The checkpoints the run writes (scenario.checkpointing), each job's interval as the run sets it
 * (Simulation.checkpointIntervalOn: a fixed one, or Young/Daly's for its failure rate, none without
 * failures). Undefined without checkpointing.
 */
function runCheckpoints(input: EstimateInput, failureRate: ((t: Pick<JobSizeFields, 'devices' | 'allowedKinds'>) => number) | undefined): RunCheckpoints | undefined {
  const cp = input.scenario.checkpointing;
  if (!cp) return undefined;
  const fixed = cp.interval;
  return {
    costS: cp.cost,
    finalCostS: cp.final_cost ?? cp.cost,
    intervalS:
      fixed !== 'auto'
        ? () => fixed
        : (t) => {
            const l = failureRate?.(t) ?? 0;
            return l > 0 ? youngDalyIntervalS(cp.cost, 1 / l) : Infinity;
          },
  };
}

/**
 * When the scenario has failures and no horizon: a job's expected end alone under them, from its
 * submission and its best-case compute time (failureRateBound's rate), with its checkpoints spread
 * over its progress as the run checks a job that failures throw back (Simulation.checkCanFinish).
 * Undefined otherwise.
 */
function failureBoundEnd(input: EstimateInput, horizon: number, failureRate: ((t: Pick<JobSizeFields, 'devices' | 'allowedKinds'>) => number) | undefined): ((t: JobSizeFields, run: RunTimes) => number) | undefined {
  const s = input.scenario;
  if (!failureRate || Number.isFinite(horizon)) return undefined;
  const cp = s.checkpointing;
  const restartS = cp?.restart ?? s.preemption.restore;
  return (t, run) => {
    const l = failureRate(t);
    if (!(l > 0)) return 0;
    const workS = cp ? run.bestComputeS / computeShare(run.intervalS, cp.cost) : run.bestComputeS;
    const logS = logExpectedRunS(workS, l, run.intervalS, cp?.cost ?? 0, restartS);
    return logS < Math.log(MAX_OPEN_RUN_S) ? t.submitS + Math.exp(logS) : MAX_OPEN_RUN_S;
  };
}

/** Expected arrivals of a renewal process with mean gap `gapS`, the first at the window's start, in a window of `spanS`. */
function arrivalsIn(spanS: number, gapS: number): number {
  if (!(spanS > 0)) return spanS === 0 ? 1 : 0;
  return 1 + spanS / gapS;
}

/** What the pool's own size is counted from: its node groups and sites, known before any per-node work. */
export type PoolInput = Pick<EstimateInput, 'scenario' | 'groups' | 'sites'>;

/**
 * The pool's own part of a run's size, from its groups' counts and each site's spec alone (nothing
 * per node): the cluster's devices and nodes, and the flow network's links and switches. The loader
 * checks it before any check that walks the pool node by node (a fabric's ports, its bill, its
 * failure names), so a pool too large for the machine is refused in a fraction of a second; a
 * SizeEstimate with no jobs, requests or events.
 */
export function estimatePool(input: PoolInput): SizeEstimate {
  const s = input.scenario;
  const parts: SizePart[] = [];
  const hard: { path: PathKey[]; message: string }[] = [];
  let buildS = 0;
  let slowest: { what: string; seconds: number; path: readonly PathKey[] } | undefined;

  // The pool.
  let devices = 0;
  let nodes = 0;
  let firstBig: { path: PathKey[]; devices: number } | undefined;
  const groupPath = new Map<NodeGroup, PathKey[]>();
  let gi = 0;
  s.datacentres.forEach((dc, di) => {
    dc.node_groups.forEach((_, k) => void groupPath.set(input.groups[gi + k]!, ['datacentres', di, 'node_groups', k, 'count']));
    gi += dc.node_groups.length;
    // Groups made from a trace's node list follow the explicit ones of their data centre.
    while (gi < input.groups.length && input.groups[gi]!.datacentre === di) groupPath.set(input.groups[gi++]!, ['datacentres', di, 'nodes_from']);
  });
  // The flow network is built for jobs (network: flow), transfers and disaggregated services' KV caches (sim/network-modelled.ts).
  const network = s.network === 'flow' || s.transfers.length > 0 || s.services.some((v) => v.prefill !== undefined || v.decode !== undefined);
  for (const g of input.groups) {
    const d = g.nodeCount * g.devicesPerNode;
    devices += d;
    nodes += g.nodeCount;
    const path = groupPath.get(g) ?? ['datacentres', g.datacentre];
    if (!firstBig || d > firstBig.devices) firstBig = { path, devices: d };
    parts.push({
      what: `${formatCount(g.nodeCount)} nodes x ${g.devicesPerNode} devices in group '${g.name}'`,
      bytes: d * BYTES_PER.device + g.nodeCount * BYTES_PER.node,
      events: 0,
      path,
      fix: 'fewer nodes',
    });
  }
  // The flow network's topology, per data centre: its links and switches as the build will make them.
  if (network && input.sites) {
    input.sites.forEach((site, di) => {
      let siteNodes = 0;
      let rails = 0;
      let biggest: NodeGroup | undefined;
      for (const g of input.groups) {
        if (g.datacentre !== di) continue;
        siteNodes += g.nodeCount;
        rails = Math.max(rails, g.nicsPerNode);
        if (!biggest || g.nodeCount > biggest.nodeCount) biggest = g;
      }
      if (siteNodes === 0) return;
      const size = fabricSize(site.topology, siteNodes, rails);
      const seconds = (size.links + size.switches) * BUILD_S_PER_ELEMENT;
      buildS += seconds;
      if (!slowest || seconds > slowest.seconds) slowest = { what: `the ${site.topology.kind} fabric of data centre '${site.name}' (${formatCount(size.links)} links, ${formatCount(size.switches)} switches)`, seconds, path: site.at };
      parts.push({
        what: `the ${site.topology.kind} fabric of data centre '${site.name}' (${formatCount(siteNodes)} nodes: ${formatCount(size.links)} links, ${formatCount(size.switches)} switches)`,
        bytes: size.links * BYTES_PER.link + size.switches * BYTES_PER.switch,
        events: 0,
        path: biggest ? (groupPath.get(biggest) ?? site.at) : site.at,
        fix: `fewer nodes, or network: ideal (the flow network costs about ${formatBytes(BYTES_PER.link)} per link, 2 per node for its NICs${site.topology.kind === 'torus' ? ` and ${2 * site.topology.dims.length} for a torus's neighbours` : ''}, and ${formatBytes(BYTES_PER.switch)} per switch)`,
      });
    });
  }
  if (nodes > MAX_INDEX || devices > MAX_INDEX) {
    hard.push({ path: firstBig!.path, message: `the pool has ${formatCount(nodes)} nodes and ${formatCount(devices)} devices; poolsim indexes at most ${formatCount(MAX_INDEX)} of each` });
  }

  parts.sort((a, b) => b.bytes - a.bytes);
  const memoryBytes = BASE_BYTES + parts.reduce((a, p) => a + p.bytes, 0);
  return { devices, nodes, jobs: 0, requests: 0, memoryBytes, events: 0, parts, hardProblems: hard, build: { seconds: buildS, ...(slowest ? { slowest } : {}) } };
}

/**
 * Estimate a run's size. Jobs and requests alive at once come from a fluid (average-load) model:
 * arrivals over their span against the pool's capacity over that span; what the pool cannot serve
 * by the end of the arrivals is queued, all of it when they arrive at once.
 */
export function estimateSize(input: EstimateInput): SizeEstimate {
  const s = input.scenario;
  const horizon = s.horizon ?? Infinity;
  const pool = estimatePool(input);
  const { devices, nodes } = pool;
  const parts: SizePart[] = [...pool.parts];
  const hard: { path: readonly PathKey[]; message: string }[] = [...pool.hardProblems];

  // Training jobs: the fluid model needs, per source, its jobs, their arrival span and demand (device-seconds).
  let jobs = 0;
  let demandDeviceS = 0;
  let firstArrivalS = Infinity;
  let lastArrivalS = 0;
  let devicesPerJob = 0;
  const jobParts: { part: Omit<SizePart, 'bytes' | 'events'>; n: number; fixedBytes: number }[] = [];
  // Run times alone with the run's own figures (model/alone-runtime.ts): the step model's rates
  // alone where the run times a job with it (per shape, kept), a duration's work as the run sizes
  // it, and the checkpoints the run writes.
  const failureRate = failureRateBound(input);
  const alone = new AloneRuntime(input.kinds, input.groups, input.aloneRates, runCheckpoints(input, failureRate));
  // Failures make a job's run longer than its work: its expected run time alone (Young/Daly, the
  // simulator's own figure), on the kinds and node counts that fail least, counts the failures the
  // run will see (a job failing every 90 min for decades is 600k failures, not the 13 of its work).
  const failingEndS = failureBoundEnd(input, horizon, failureRate);
  let latestFailingEndS = 0;
  // Listed and trace jobs, by the workload that gave them (a trace row's template made as it is read).
  for (const [source, list] of input.jobs.bySource()) {
    const wi = s.workloads.findIndex((w, i) => ('trace' in w ? (w.trace.name ?? `trace-${i}`) === source : `workloads[${i}]` === source));
    const listed = wi >= 0 && 'jobs' in s.workloads[wi]!;
    // The job ending last alone (its index, -1: none yet): its name is read only for a message.
    let longest = -1;
    let longestEndS = 0;
    const at: PathKey[] = wi < 0 ? [] : listed ? ['workloads', wi, 'jobs'] : ['workloads', wi, 'trace'];
    for (let i = 0; i < list.length; i++) {
      // A trace row's fields, not its template (read before the next row's).
      const t = list.fieldsAt(i);
      if (!Number.isFinite(t.usefulFlop) || !Number.isFinite(t.submitS) || !(t.fixedRuntimeS === undefined || Number.isFinite(t.fixedRuntimeS))) {
        hard.push({ path: listed ? [...at, i] : at, message: `job '${list.at(i).name}': its work or times are beyond the largest number poolsim can hold; check its size and times` });
        continue;
      }
      const run = alone.of(t);
      demandDeviceS += t.devices * run.meanS;
      devicesPerJob += t.devices;
      firstArrivalS = Math.min(firstArrivalS, t.submitS);
      lastArrivalS = Math.max(lastArrivalS, t.submitS);
      if (longest < 0 || t.submitS + run.bestS > longestEndS) {
        longest = i;
        longestEndS = t.submitS + run.bestS;
      }
      if (failingEndS) latestFailingEndS = Math.max(latestFailingEndS, failingEndS(t, run));
    }
    jobs += list.length;
    const path: PathKey[] = wi >= 0 ? ['workloads', wi] : [];
    // A trace's rows are checked so where they are read, at their lines (model/resolve/trace-jobs.ts).
    if (longest >= 0 && listed && !(longestEndS <= MAX_OPEN_RUN_S) && s.horizon === undefined) {
      hard.push({ path: listed ? [...at, longest] : at, message: `job '${list.at(longest).name}' would end at about ${formatYears(longestEndS)} even alone on its fastest devices; a run without a horizon stops after ${formatYears(MAX_OPEN_RUN_S)} of simulated time: make it smaller, or set a horizon` });
    }
    jobParts.push({
      part: { what: `${formatCount(list.length)} ${listed ? 'listed' : 'trace'} jobs of ${source}`, path: listed ? path : [...path, 'trace'], fix: listed ? 'fewer listed jobs (a generator describes many jobs compactly)' : 'sample the trace (sample: 0.1), a window, or max_jobs' },
      n: list.length,
      fixedBytes: list.length * (listed ? BYTES_PER.jobListed : BYTES_PER.jobTrace),
    });
  }
  for (const g of input.generators) {
    const wi = s.workloads.findIndex((w) => 'generator' in w && w.generator === g.spec);
    const path: PathKey[] = ['workloads', wi, 'generator'];
    const spec = g.spec;
    const gapS = spec.arrival.process === 'fixed' ? spec.arrival.interval : (spec.arrival.mean_interval ?? 1 / (spec.arrival.rate ?? Infinity));
    const endS = Math.min(spec.until ?? Infinity, horizon);
    const windowS = endS - spec.start;
    let n = spec.count ?? Infinity;
    if (Number.isFinite(windowS)) n = Math.min(n, spec.arrival.process === 'fixed' ? Math.floor(windowS / gapS) + 1 : arrivalsIn(windowS, gapS));
    if (!(windowS > 0) && spec.start >= endS) n = 0;
    if (!Number.isFinite(n) || !(gapS > 0)) n = Infinity;
    const spanS = n > 1 ? (n - 1) * gapS : 0;
    const last = spec.start + spanS;
    if (n > 0) {
      firstArrivalS = Math.min(firstArrivalS, spec.start);
      lastArrivalS = Math.max(lastArrivalS, last);
    }
    if (n > 0 && !(last <= MAX_OPEN_RUN_S) && s.horizon === undefined) {
      hard.push({ path, message: `its last arrival would come at about ${formatYears(last)}; a run without a horizon stops after ${formatYears(MAX_OPEN_RUN_S)} of simulated time: lower count, raise the rate, or set until or a horizon` });
    }
    const d = meanOf(spec.devices);
    // Its mean job, timed as the run times its jobs (model/alone-runtime.ts).
    const drawn = alone.of(meanJobOf(g, input.kinds));
    const runS = drawn.meanS;
    const bestS = drawn.bestS;
    if (n > 0 && !(spec.start + bestS <= MAX_OPEN_RUN_S) && s.horizon === undefined) {
      hard.push({ path, message: `its jobs would run about ${formatYears(bestS)} each on average, even alone on the fastest devices; a run without a horizon stops after ${formatYears(MAX_OPEN_RUN_S)} of simulated time: make them smaller, or set a horizon` });
    }
    jobs += n;
    demandDeviceS += n * d * runS;
    devicesPerJob += n * d;
    jobParts.push({
      part: { what: `${formatCount(n)} jobs from generator '${g.name}'`, path: [...path, spec.count !== undefined ? 'count' : 'arrival'], fix: 'fewer jobs (count), a shorter window (until, or a horizon), or a lower arrival rate' },
      n,
      fixedBytes: 0,
    });
  }
  // Fluid model: devices x span of service against the jobs' demand; what is left is queued.
  const spanS = Number.isFinite(firstArrivalS) ? Math.max(0, lastArrivalS - firstArrivalS) : 0;
  const meanDevices = jobs > 0 ? devicesPerJob / jobs : 1;
  const running = Math.min(jobs, devices / Math.max(1, meanDevices));
  const queuedShare = demandDeviceS > 0 ? Math.max(0, 1 - (devices * spanS) / demandDeviceS) : 0;
  const alive = Math.min(jobs, running + jobs * queuedShare);
  for (const j of jobParts) {
    const share = jobs > 0 && Number.isFinite(j.n) ? j.n / jobs : 1;
    const aliveHere = Number.isFinite(alive) ? alive * share : Infinity;
    parts.push({
      ...j.part,
      what: `${j.part.what}${aliveHere >= 1 ? `, about ${formatCount(aliveHere)} of them alive at once` : ''}`,
      bytes: j.fixedBytes + j.n * BYTES_PER.jobFinished + aliveHere * BYTES_PER.jobAlive,
      events: j.n * EVENTS_PER_JOB,
    });
  }

  // Inference requests.
  let requests = 0;
  input.services.forEach((svc) => {
    const si = s.services.indexOf(svc.spec);
    let n = 0;
    let firstS = Infinity;
    let lastS = 0;
    let outputTokens = 0;
    let promptTokens = 0;
    /** Draws of the arrival processes that make no request: they cost time as events do. */
    let draws = 0;
    svc.streams.forEach((st) => {
      const spec = st.spec;
      const endS = Math.min(spec.until ?? Infinity, horizon);
      let k: number;
      if (st.trace) {
        const times = st.trace.timeS;
        k = 0;
        while (k < times.length && spec.start + times[k]! < endS) k++;
        if (spec.count !== undefined) k = Math.min(k, spec.count);
        if (k > 0) lastS = Math.max(lastS, spec.start + times[k - 1]!);
        for (let i = 0; i < k; i++) {
          promptTokens += st.trace.promptTokens[i]!;
          outputTokens += st.trace.outputTokens[i]!;
        }
      } else {
        const a = spec.arrival;
        const rate =
          a.process === 'on-off' ? (a.rate * a.on) / (a.on + a.off)
          : a.process === 'diurnal' ? (a.hourly ? a.hourly.reduce((x, y) => x + y, 0) / 24 : ((a.trough ?? 0) + a.peak!) / 2)
          : a.process === 'trace' ? 0
          : a.rate;
        const windowS = endS - spec.start;
        k = spec.count ?? Infinity;
        if (Number.isFinite(windowS)) k = Math.min(k, windowS > 0 ? windowS * rate : 0);
        if (!(rate > 0)) k = 0;
        lastS = Math.max(lastS, k > 0 ? spec.start + k / rate : 0);
        // An on/off stream draws each on and off period, whatever its rate: (on + off) of 1 us over a
        // day is 4e10 draws for a few requests. Thinning (diurnal) draws candidates at the peak rate.
        if (a.process === 'on-off' && k > 0) draws += k / rate / (a.on + a.off);
        if (a.process === 'diurnal' && k > 0) draws += k * ((a.hourly ? Math.max(...a.hourly) : a.peak!) / rate - 1);
        promptTokens += k * meanOf(spec.prompt_tokens);
        outputTokens += k * meanOf(spec.output_tokens);
      }
      if (k > 0) firstS = Math.min(firstS, spec.start);
      n += k;
    });
    requests += n;
    // Replica capacity: a full batch decoding, after each request's prefill.
    // A disaggregated service holds its requests' KV on the decode pool: count its replicas.
    const decodePool = svc.disaggregated?.decode;
    const replicas = decodePool ? (decodePool.autoscale?.max ?? decodePool.count) : (svc.spec.replicas?.count ?? svc.spec.replicas?.autoscale?.max ?? 1);
    const meanPrompt = n > 0 ? promptTokens / n : 0;
    const meanOutput = n > 0 ? outputTokens / n : 1;
    // A disaggregated service's pools each have their own devices and layout: the decode pool's
    // timing sets the batch its KV holds and its decode rate, the prefill pool's its prompts' time
    // (svc.timing is the prefill pool's; reading it for the decode pool mis-sized every service
    // whose pools differ in device kind or tensor parallelism).
    const decodeTiming = decodePool ? decodePool.timing : svc.timing;
    const maxBatch = decodePool ? decodePool.maxBatch : svc.spec.max_batch;
    const batch = Math.max(1, Math.min(maxBatch, Number.isFinite(decodeTiming.kvCapacityTokens) ? Math.floor(decodeTiming.kvCapacityTokens / Math.max(1, meanPrompt + meanOutput)) : maxBatch));
    const decodeS = meanOutput / decodeTokensPerS(decodeTiming, batch, meanPrompt + meanOutput / 2);
    const promptS = prefillS(svc.timing, meanPrompt, causalPairs(meanPrompt, 0));
    // Colocated: each replica prefills and decodes in turn. Disaggregated: the pools work side by
    // side, so the slower of the two (per replica of each) bounds the requests served.
    const perRequestS = decodePool ? decodeS : promptS / batch + decodeS;
    const prefillPool = svc.disaggregated?.prefill;
    const prefillReplicas = prefillPool ? (prefillPool.autoscale?.max ?? prefillPool.count) : 0;
    const spanS = Number.isFinite(firstS) ? Math.max(0, lastS - firstS) : 0;
    const servable = Math.min(perRequestS > 0 ? (replicas * spanS) / perRequestS : Infinity, prefillPool && promptS > 0 ? (prefillReplicas * spanS) / promptS : Infinity);
    // Requests beyond counting (a rate of 1e308/s) made every per-request figure NaN, which sorted
    // this part last and put NaN bytes in the message, at a node group.
    const aliveHere = Number.isFinite(n) ? Math.min(n, replicas * batch + Math.max(0, n - servable)) : n;
    // Autoscaler looks: the colocated replicas', or each disaggregated pool's.
    const scalers = svc.disaggregated ? [svc.disaggregated.prefill.autoscale, svc.disaggregated.decode.autoscale] : [svc.spec.replicas?.autoscale];
    let ticks = 0;
    for (const autoscale of scalers) if (autoscale) ticks += Number.isFinite(horizon) ? horizon / autoscale.interval : Math.max(lastS, 1) / autoscale.interval;
    parts.push({
      what: `${formatCount(n)} requests to service '${svc.name}'${aliveHere >= 1 ? `, about ${formatCount(aliveHere)} of them in flight at once` : ''}${ticks > 1e6 ? ` and ${formatCount(ticks)} autoscaler looks` : ''}${draws > 1e6 ? ` and ${formatCount(draws)} arrival draws (on/off periods, thinned candidates)` : ''}`,
      bytes: n * BYTES_PER.requestDone + aliveHere * BYTES_PER.requestAlive,
      events: n * EVENTS_PER_REQUEST + ticks + draws,
      path: ['services', si, 'streams'],
      fix: `fewer requests (count, until, or a horizon), or a lower rate${draws > 1e6 ? ', or longer on/off periods' : ''}`,
    });
  });

  // Transfers: even alone on the fastest link, each must end within the simulated time.
  if (s.horizon === undefined && input.fastestLinkBytesPerS > 0) {
    input.transfers.forEach((t, ti) => {
      const endS = t.startS + t.bytes / input.fastestLinkBytesPerS;
      if (!(endS <= MAX_OPEN_RUN_S)) hard.push({ path: ['transfers', ti, 'size'], message: `this transfer would end at about ${formatYears(endS)} even alone on the fastest link; a run without a horizon stops after ${formatYears(MAX_OPEN_RUN_S)} of simulated time: move less data, or set a horizon` });
    });
  }

  // Failures: a failure and a repair per failing unit per MTBF, over the run (its horizon, or the
  // least time the jobs can take).
  const f = s.failures;
  if (f) {
    const runS = Number.isFinite(horizon) ? horizon : Math.min(MAX_OPEN_RUN_S, Math.max(lastArrivalS, devices > 0 ? demandDeviceS / devices : 0, latestFailingEndS));
    const failing = (units: number, mtbfS: number, path: PathKey[], what: string): void => {
      const events = 2 * units * (runS / mtbfS);
      if (events > 0) parts.push({ what: `${formatCount(events / 2)} ${what} failures`, bytes: 0, events, path, fix: 'a longer mtbf (it is per unit: per device, node, link or switch)' });
    };
    for (const [kind, p] of Object.entries(f.devices)) {
      let units = 0;
      for (const g of input.groups) if (input.kinds[g.kind]!.name === kind) units += g.nodeCount * g.devicesPerNode;
      failing(units, p.mtbf, ['failures', 'devices', kind, 'mtbf'], `${kind} device`);
    }
    if (f.nodes) failing(nodes, f.nodes.mtbf, ['failures', 'nodes', 'mtbf'], 'node');
    if (f.links) failing(input.interDcLinks, f.links.mtbf, ['failures', 'links', 'mtbf'], 'link');
    if (f.fabric?.switches) failing(input.fabricUnits?.switches ?? 0, f.fabric.switches.mtbf, ['failures', 'fabric', 'switches', 'mtbf'], 'fabric switch');
    if (f.fabric?.links) failing(input.fabricUnits?.links ?? 0, f.fabric.links.mtbf, ['failures', 'fabric', 'links', 'mtbf'], 'fabric link');
  }

  parts.sort((a, b) => b.bytes - a.bytes || b.events - a.events);
  const memoryBytes = BASE_BYTES + parts.reduce((a, p) => a + p.bytes, 0);
  const events = parts.reduce((a, p) => a + p.events, 0);
  return { devices, nodes, jobs, requests, memoryBytes, events, parts, hardProblems: hard, build: pool.build };
}

/** Why the run cannot go ahead, located; empty when it fits. */
export function sizeProblems(est: SizeEstimate, limit: MemoryLimit): { path: readonly PathKey[]; message: string }[] {
  const out = [...est.hardProblems];
  if (!(est.memoryBytes <= limit.bytes)) {
    const top = est.parts.filter((p) => p.bytes > 0).slice(0, 3);
    const biggest = top[0];
    out.push({
      path: biggest?.path ?? [],
      message:
        `this run needs about ${formatBytes(est.memoryBytes)} of memory (${formatBytes(BASE_BYTES)} of it poolsim's own), more than the ${formatBytes(limit.bytes)} it may use (${limit.why})` +
        `; the most: ${top.map((p) => `${p.what} (${formatBytes(p.bytes)})`).join('; ')}` +
        (est.build.seconds >= SLOW_BUILD_S ? `; building its flow network would also take about ${formatMinutes(est.build.seconds)} of CPU before the first event` : '') +
        `. Change: ${biggest?.fix ?? 'a smaller scenario'}` +
        (est.memoryBytes <= totalmem() ? `; or raise the limit with --max-memory (e.g. --max-memory ${formatBytes(Math.max(est.memoryBytes * 1.25, 2 ** 30)).replace(' ', '')})` : `; it cannot fit in this machine's ${formatBytes(totalmem())} of memory`),
    });
  }
  if (!(est.events <= MAX_EVENTS)) {
    const top = [...est.parts].sort((a, b) => b.events - a.events).filter((p) => p.events > 0).slice(0, 3);
    const hours = est.events / EVENTS_PER_S / 3600;
    out.push({
      path: top[0]?.path ?? [],
      message:
        `this run would take about ${formatCount(est.events)} events, at least ${hours >= 48 ? `${formatCount(hours / 24)} days` : `${hours.toPrecision(3)} hours`} at ${formatCount(EVENTS_PER_S)} events/s (poolsim refuses more than ${formatCount(MAX_EVENTS)} events)` +
        `; the most: ${top.map((p) => `${p.what} (${formatCount(p.events)} events)`).join('; ')}` +
        `. Change: ${top[0]?.fix ?? 'a smaller scenario'}, or set a horizon`,
    });
  }
  return out;
}
