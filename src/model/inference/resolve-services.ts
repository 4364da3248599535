// Resolution of the scenario's inference services: device kinds, data centres, region latencies
// and request traces to indices and numbers, with every problem located in the file. Called by
// load-scenario; reading trace files goes through the reader the caller passes in (no fs here).
import { parseUtcTimestampS } from '../../scenario/traces/csv-reader.js';
import { TraceError } from '../../scenario/traces/trace-error.js';
import { describeOutOfOrder, describeSkipped, MissingColumnsError, parseRequestTrace, REQUEST_TRACE_FORMATS, type RequestTrace, type RequestTraceLayout } from '../../scenario/traces/request-trace.js';
import { formatDuration, parseDuration } from '../../units/units.js';
import { maxOf, minOf } from '../../scenario/distribution.js';
import { formatPath, type PathKey } from '../../scenario/errors.js';
import { suggestName } from '../../scenario/did-you-mean.js';
import type { KindInfo, NodeGroup } from '../cluster.js';
import { warnClampDominance } from '../clamp-dominance.js';
import { defaultShape, familyKeyValueHeads } from '../training-layout.js';
import { ITERATION_OVERHEAD_PER_LAYER_S, kvBytesPerToken, replicaTiming, weightsBytes, type InferenceModel, type ReplicaHardware, type ReplicaTiming } from './replica-model.js';
import type { ArrivalSpec, PoolAutoscaleSpec, PoolSpec, ReplicasSpec, RequestStreamSpec, ServiceSpec } from '../../scenario/service-schema.js';
import { servingGemmShape, servingParamsMismatch, servingTpProblem } from './serving-shape.js';
import { computePeak, servedPrecision, type ComputePrecision } from './compute-peak.js';
import { computeDeviceOf, FLASH_FORWARD_RELATIVE } from '../layer-compute.js';
import { OWN_FIGURES_CURVE, RATIO_CURVE } from './prefill-attention.js';
import { MAX_DEVICES_PER_NODE, MAX_OPEN_RUN_S } from '../../scenario/limits.js';
import { formatYears } from '../size-estimate.js';
import { implausibleArrivalGaps } from '../plausibility.js';
import { implausibleServiceTimes } from './service-plausibility.js';
import { countOf } from '../../units/count-noun.js';
import { contextShares } from './context-share.js';

export type { RequestTrace, SkippedRows } from '../../scenario/traces/request-trace.js';
export { describeSkipped } from '../../scenario/traces/request-trace.js';

export interface ResolvedStream {
  readonly name: string;
  readonly region: string;
  /** One-way network latency from the stream's region to each data centre (by index; 0 without a region). */
  readonly latencyS: readonly number[];
  readonly spec: RequestStreamSpec;
  readonly trace: RequestTrace | undefined;
}

/** One pool of a disaggregated service: its replicas' kind, sites, hardware and batching limits. */
/** A failed replica's replacement serves this long after the failure when the scenario gives no delay (a weight load). */
export const DEFAULT_RESTART_DELAY_S = 60;

export interface ResolvedPool {
  readonly spec: PoolSpec;
  readonly kind: number;
  readonly datacentres: readonly number[];
  readonly hardware: ReplicaHardware;
  readonly timing: ReplicaTiming;
  /** Replicas at the start: the fixed count, or the autoscaler's min. */
  readonly count: number;
  /** The pool's autoscaler; a fixed pool when absent. */
  readonly autoscale: PoolAutoscaleSpec | undefined;
  readonly maxBatch: number;
  /** Prompt tokens per prefill iteration (Infinity: no limit). */
  readonly maxBatchTokens: number;
  /** Chunked prefill (the prefill pool): tokens per iteration, a longer prompt split over several (Infinity: off). */
  readonly tokenBudget: number;
  /** From a replica's device failure to its replacement serving (restart_delay, else the autoscaler's scale_up_delay, else 60 s). */
  readonly restartDelayS: number;
}

export interface ResolvedService {
  readonly index: number;
  readonly name: string;
  readonly spec: ServiceSpec;
  readonly kind: number;
  /** Data centres the replicas are spread over, in the order given. */
  readonly datacentres: readonly number[];
  readonly model: InferenceModel;
  readonly hardware: ReplicaHardware;
  readonly timing: ReplicaTiming;
  readonly streams: readonly ResolvedStream[];
  /**
   * Disaggregated serving: the prefill and decode pools (then kind, datacentres, hardware and
   * timing above are the prefill pool's, and `datacentres` of the streams' latencies is both pools' sites).
   */
  readonly disaggregated?: { readonly prefill: ResolvedPool; readonly decode: ResolvedPool } | undefined;
}

export interface ServiceResolveContext {
  readonly kinds: readonly KindInfo[];
  readonly groups: readonly NodeGroup[];
  readonly datacentreNames: readonly string[];
  readonly horizonS: number | undefined;
  readonly file: string;
  useKind(name: string, path: readonly PathKey[]): number | undefined;
  dcRef(name: string, path: readonly PathKey[]): number | undefined;
  fail(path: readonly PathKey[], message: string): void;
  /** Legal but worth knowing (a trace's skipped rows): printed by run and validate. */
  warn(path: readonly PathKey[], message: string): void;
  /** Reads a file named in the scenario (relative to it); reports its own problems at `at`. */
  readText(path: string, at: readonly PathKey[]): string | undefined;
  /** `file:line:column` of the thing at `path` (SourceMap.where): a duplicate's message names both places. */
  where?(path: readonly PathKey[]): string;
  /** The scalar at `path` as the file writes it (SourceMap.scalarAt): a warning tells a bare number from one with a unit. */
  scalarAt?(path: readonly PathKey[]): number | string | undefined;
}

/** ', at file:line:column' of `path` for a duplicate's message, or nothing where the context cannot say. */
function alsoAt(ctx: ServiceResolveContext, path: readonly PathKey[]): string {
  return ctx.where ? `, at ${ctx.where(path)}` : '';
}

export function resolveServices(specs: readonly ServiceSpec[], ctx: ServiceResolveContext): ResolvedService[] {
  const out: ResolvedService[] = [];
  const names = new Map<string, number>();
  specs.forEach((s, si) => {
    const at: PathKey[] = ['services', si];
    const first = names.get(s.name);
    if (first !== undefined) ctx.fail([...at, 'name'], `duplicate service name '${s.name}': services[${first}].name has it too${alsoAt(ctx, ['services', first, 'name'])}; names must be unique`);
    else names.set(s.name, si);
    const r = resolveOne(s, si, at, ctx);
    if (r) out.push(r);
  });
  placeFirstReplicas(out, ctx);
  return out;
}

/**
 * The replicas every service starts with (its count, or its autoscaler's min; prefill pool before
 * decode), placed as the simulator places them before anything else runs: services in order, each
 * replica's devices on one node, the replica's site in turn and then any of its sites, the best-fitting
 * node. Counting devices alone let through pools that cannot be placed (5 replicas of 3 devices on two
 * 8-device nodes, or two services of a node's worth on one node): the run then stopped as an internal
 * error. One that does not fit is refused at its pool, saying what is left.
 *
 * Nodes are counted by their free devices per (kind, site), not listed: a pool may have more nodes
 * than the size estimate, which comes later, would allow in memory, and a pool of millions of
 * replicas is placed a site at a time (FreeCounts.take), not a replica at a time.
 */
function placeFirstReplicas(services: readonly ResolvedService[], ctx: ServiceResolveContext): void {
  const pools: (ReplicaPool & { path: PathKey[]; role: string; svc: ResolvedService })[] = [];
  for (const svc of services) {
    const at: PathKey[] = ['services', svc.index];
    if (svc.disaggregated) {
      for (const role of ['prefill', 'decode'] as const) {
        const p = svc.disaggregated[role];
        pools.push({ path: [...at, role], role: `${role} `, svc, kind: p.kind, tp: p.hardware.tp, dcs: p.datacentres, count: p.count });
      }
    } else pools.push({ path: [...at, 'replicas'], role: '', svc, kind: svc.kind, tp: svc.hardware.tp, dcs: svc.datacentres, count: svc.spec.replicas!.count ?? svc.spec.replicas!.autoscale?.min ?? 0 });
  }
  const miss = firstUnplaced(ctx.groups, pools);
  if (!miss) return;
  const p = pools[miss.pool]!;
  const shown = [...miss.left].sort((a, b) => b[0] - a[0]).map(([f, n]) => `${n} node${n > 1 ? 's have' : ' has'} ${f}`).join(', ');
  ctx.fail(
    p.path,
    `${p.role}replica ${miss.replica + 1} of ${p.count} does not fit: it needs ${p.tp} '${ctx.kinds[p.kind]!.name}' devices on one node in ${p.dcs.map((d) => ctx.datacentreNames[d]!).join(', ')}, and once the replicas before it are placed (services in order${p.svc.disaggregated ? ', prefill before decode' : ''}) no node has ${p.tp} free (${miss.left.size === 0 ? 'none has any' : shown}): lower the count or tensor_parallel, or add nodes`,
  );
}

/** A pool of replicas to place: `count` replicas of `tp` devices of `kind`, each on one node, replica i at site dcs[i mod L] first. */
export interface ReplicaPool {
  readonly kind: number;
  readonly tp: number;
  readonly dcs: readonly number[];
  readonly count: number;
}

/**
 * Place the pools' replicas in order on the groups' nodes (placeFirstReplicas): the first replica
 * that fits nowhere, by pool index and replica index, with the nodes of its kind and sites that
 * have some devices free then (free devices -> nodes); undefined when every replica fits.
 */
export function firstUnplaced(
  groups: readonly Pick<NodeGroup, 'kind' | 'datacentre' | 'devicesPerNode' | 'nodeCount'>[],
  pools: readonly ReplicaPool[],
): { pool: number; replica: number; left: Map<number, number> } | undefined {
  const counts = new Map<string, FreeCounts>();
  const countsOf = (kind: number, dc: number): FreeCounts => {
    const key = `${kind}/${dc}`;
    let c = counts.get(key);
    if (!c) counts.set(key, (c = new FreeCounts()));
    return c;
  };
  for (const g of groups) countsOf(g.kind, g.datacentre).add(g.devicesPerNode, g.nodeCount);
  for (let pi = 0; pi < pools.length; pi++) {
    const p = pools[pi]!;
    const sites = p.dcs.map((dc) => countsOf(p.kind, dc));
    const { placed, failedAt } = assignToSites(p.count, sites.map((c) => c.replicasFitting(p.tp)));
    sites.forEach((c, d) => c.take(p.tp, placed[d]!));
    if (failedAt === undefined) continue;
    const left = new Map<number, number>();
    for (const c of sites) for (const [f, n] of c.nonEmpty()) left.set(f, (left.get(f) ?? 0) + n);
    return { pool: pi, replica: failedAt, left };
  }
  return undefined;
}

/** Nodes of one kind at one site, counted by their free devices (0..MAX_DEVICES_PER_NODE). */
class FreeCounts {
  private readonly nodes = new Float64Array(MAX_DEVICES_PER_NODE + 1);

  add(free: number, nodes: number): void {
    this.nodes[free]! += nodes;
  }

  /** How many replicas of `tp` devices each, one node apiece, these nodes hold. */
  replicasFitting(tp: number): number {
    let n = 0;
    for (let f = tp; f <= MAX_DEVICES_PER_NODE; f++) n += this.nodes[f]! * Math.floor(f / tp);
    return n;
  }

  /**
   * Place `replicas` of `tp` devices one after another on the best-fitting node (fewest free devices
   * that hold one): that node takes replicas until fewer than `tp` are left on it, then the next
   * fullest does, so the nodes with f free each take floor(f / tp) in order of f, the last of them
   * perhaps fewer. At most replicasFitting(tp).
   */
  take(tp: number, replicas: number): void {
    let r = replicas;
    for (let f = tp; f <= MAX_DEVICES_PER_NODE && r > 0; f++) {
      const n = this.nodes[f]!;
      if (n === 0) continue;
      const each = Math.floor(f / tp);
      const whole = Math.min(n, Math.floor(r / each));
      this.nodes[f]! -= whole;
      this.nodes[f % tp]! += whole;
      r -= whole * each;
      if (r > 0 && whole < n) {
        // One more node takes the rest (fewer than `each`).
        this.nodes[f]! -= 1;
        this.nodes[f - r * tp]! += 1;
        r = 0;
      }
    }
  }

  /** (free devices, nodes) for the nodes with some free, in no particular order. */
  *nonEmpty(): Iterable<[number, number]> {
    for (let f = 1; f <= MAX_DEVICES_PER_NODE; f++) if (this.nodes[f]! > 0) yield [f, this.nodes[f]!];
  }
}

/**
 * Replica i goes to site i mod L of its pool's L sites, else to the first site with room; `room[d]`
 * replicas fit at site d. How many each site takes, and the first replica that fits nowhere. Rounds of
 * L replicas in which no site fills are taken together, so a million replicas cost a few rounds.
 */
export function assignToSites(count: number, room: readonly number[]): { placed: number[]; failedAt: number | undefined } {
  const L = room.length;
  const left = [...room];
  const placed = new Array<number>(L).fill(0);
  let i = 0;
  while (i < count) {
    if (i % L === 0 && count - i >= L) {
      // Where each of the next L replicas goes while no site fills.
      const per = new Array<number>(L).fill(0);
      const open = left.findIndex((x) => x > 0);
      if (open === -1) return { placed, failedAt: i };
      for (let j = 0; j < L; j++) per[left[j]! > 0 ? j : open]!++;
      let rounds = Math.floor((count - i) / L);
      for (let d = 0; d < L; d++) if (per[d]! > 0) rounds = Math.min(rounds, Math.floor(left[d]! / per[d]!));
      if (rounds > 0) {
        for (let d = 0; d < L; d++) {
          left[d]! -= rounds * per[d]!;
          placed[d]! += rounds * per[d]!;
        }
        i += rounds * L;
        continue;
      }
    }
    const first = i % L;
    const d = left[first]! > 0 ? first : left.findIndex((x) => x > 0);
    if (d === -1) return { placed, failedAt: i };
    left[d]!--;
    placed[d]!++;
    i++;
  }
  return { placed, failedAt: undefined };
}

/** A pool's hardware and timing, with its capacity checked against the pool: undefined after a reported problem. */
function resolvePool(
  rp: ReplicasSpec,
  model: InferenceModel,
  precisionBytes: number,
  computePrecision: ComputePrecision | undefined,
  modelAt: PathKey[],
  pat: PathKey[],
  ctx: ServiceResolveContext,
  bad: (path: PathKey[], msg: string) => void,
): { kind: number; dcs: number[]; hardware: ReplicaHardware; timing: ReplicaTiming } | undefined {
  let ok = true;
  const fail = (path: PathKey[], msg: string): void => {
    ok = false;
    bad(path, msg);
  };
  const as = rp.autoscale;
  const kind = ctx.useKind(rp.device, [...pat, 'device']);
  const dcs: number[] = [];
  rp.datacentre.forEach((d, di) => {
    const i = ctx.dcRef(d, rp.datacentre.length === 1 ? [...pat, 'datacentre'] : [...pat, 'datacentre', di]);
    if (i !== undefined && !dcs.includes(i)) dcs.push(i);
  });
  if (kind === undefined || dcs.length !== rp.datacentre.length) return undefined;
  const spec = ctx.kinds[kind]!.spec;

  // Capacity: tensor-parallel groups live inside one node; the fixed (or minimum) replicas must fit.
  let devices = 0;
  let widestNode = 0;
  for (const g of ctx.groups) {
    if (g.kind !== kind || !dcs.includes(g.datacentre)) continue;
    devices += g.nodeCount * g.devicesPerNode;
    widestNode = Math.max(widestNode, g.devicesPerNode);
  }
  const where = rp.datacentre.join(', ');
  if (devices === 0) fail([...pat, 'device'], `no '${rp.device}' devices in ${where}`);
  else if (rp.tensor_parallel > widestNode) fail([...pat, 'tensor_parallel'], `a replica's ${rp.tensor_parallel} devices must share a node, and '${rp.device}' nodes in ${where} have at most ${widestNode}`);
  if (devices > 0) {
    // Replica i goes to the i-th listed site first: a listed site with none of the kind would leave
    // its share of the replicas on the others without a word.
    dcs.forEach((dc, di) => {
      if (ctx.groups.some((g) => g.kind === kind && g.datacentre === dc)) return;
      const there = [...new Set(ctx.groups.filter((g) => g.datacentre === dc).map((g) => `'${ctx.kinds[g.kind]!.name}'`))];
      fail(
        [...pat, 'datacentre', di],
        `${rp.datacentre[di]!} has no '${rp.device}' devices (${there.length > 0 ? `its nodes hold ${there.join(', ')}` : 'it has no nodes'}), so none of the replicas spread over ${where} could run there: remove it from the list, or give the pool a kind it has`,
      );
    });
  }
  const base = rp.count ?? as?.min ?? 0;
  if (devices > 0 && base * rp.tensor_parallel > devices) fail(pat, `${countOf(base, 'replica')} x ${countOf(rp.tensor_parallel, 'device')} = ${countOf(base * rp.tensor_parallel, `'${rp.device}' device`)}, but ${where} has ${devices}`);

  const peak = computePeak(spec, precisionBytes, computePrecision, rp.device, (msg) => fail([...modelAt, 'compute_precision'], msg));
  const hardware: ReplicaHardware = {
    tp: rp.tensor_parallel,
    peakFlops: peak,
    computeEfficiency: rp.efficiency ?? spec.efficiency,
    memoryBytes: spec.memory,
    memoryBandwidthBytesPerS: spec.memory_bandwidth,
    memoryEfficiency: rp.memory_efficiency,
    memoryUtilisation: rp.memory_utilisation,
    interconnectBandwidthBytesPerS: spec.interconnect.bandwidth,
    interconnectLatencyS: spec.interconnect.latency,
    interconnectEfficiency: spec.interconnect.efficiency,
    stepOverheadS: rp.step_overhead ?? model.layers * ITERATION_OVERHEAD_PER_LAYER_S,
  };
  // The training side's GEMM model, where the kind has one and the replica gives no efficiency of its own.
  const gemmDevice = rp.efficiency === undefined ? computeDeviceOf(spec) : undefined;
  if (gemmDevice !== undefined && model.shape !== undefined) {
    const eightBit = servedPrecision(spec, precisionBytes, computePrecision);
    const oneByte = eightBit === 'fp8' || eightBit === 'int8';
    const device = { ...gemmDevice, peakFlops: peak, gemmEfficiency: oneByte ? (gemmDevice.fp8?.gemmEfficiency ?? gemmDevice.gemmEfficiency) : gemmDevice.gemmEfficiency };
    hardware.gemms = { shape: servingGemmShape(model.params, model.layers, model.hiddenSize, rp.tensor_parallel, model.shape.kvWidth), device, operandBytes: oneByte ? 1 : 2, memo: new Map() };
  }
  // Prefill attention as the training side rates FlashAttention-2 forward on the kind, in 16 bits.
  if (gemmDevice !== undefined) {
    hardware.attention =
      gemmDevice.flashForward !== undefined
        ? { peakFlops: spec.peak, efficiency: gemmDevice.flashForward, curve: OWN_FIGURES_CURVE }
        : { peakFlops: spec.peak, efficiency: gemmDevice.gemmEfficiency * FLASH_FORWARD_RELATIVE, curve: RATIO_CURVE };
  }
  const timing = replicaTiming(model, hardware);
  const gb = (b: number): string => `${(b / 2 ** 30).toFixed(1)} GiB`;
  const usable = hardware.tp * hardware.memoryBytes * hardware.memoryUtilisation;
  if (weightsBytes(model) >= usable) {
    fail([...pat, 'tensor_parallel'], `the weights (${gb(weightsBytes(model))}) do not fit in ${hardware.tp} x ${gb(hardware.memoryBytes)} x memory_utilisation ${hardware.memoryUtilisation} = ${gb(usable)}; raise tensor_parallel`);
  }
  return ok ? { kind, dcs, hardware, timing } : undefined;
}

function resolveOne(s: ServiceSpec, index: number, at: PathKey[], ctx: ServiceResolveContext): ResolvedService | undefined {
  const { fail } = ctx;
  let ok = true;
  const bad = (path: PathKey[], msg: string): void => {
    ok = false;
    fail(path, msg);
  };
  const disaggregated = s.prefill !== undefined || s.decode !== undefined;
  if (disaggregated && s.replicas !== undefined) {
    bad([...at, 'replicas'], 'give either `replicas` (colocated serving) or `prefill` and `decode` pools (disaggregated serving), not both');
    return undefined;
  }
  if (!disaggregated && s.replicas === undefined) {
    bad(at, 'a service needs `replicas` (colocated serving), or `prefill` and `decode` pools (disaggregated serving)');
    return undefined;
  }
  if (!disaggregated && s.kv_streaming !== 'after-prefill') {
    bad([...at, 'kv_streaming'], 'KV streaming is how a disaggregated service moves the KV cache from its prefill pool to its decode pool; colocated replicas move none (drop `kv_streaming`, or serve with `prefill` and `decode` pools)');
  }
  // An SLO with nothing to measure would read 100% attained (and goodput the completion rate).
  if (s.slo !== undefined && s.slo.ttft === undefined && s.slo.tpot === undefined && s.slo.e2e === undefined) {
    bad([...at, 'slo'], 'an SLO needs at least one objective (`ttft`, `tpot` or `e2e`): with none, every request would attain it and slo_attainment read 100%; give one, or drop `slo`');
  } else if (s.slo?.admission === true && s.slo.ttft === undefined && s.slo.tpot === undefined) {
    bad([...at, 'slo', 'admission'], 'admission control rejects on arrival a request that could not meet `ttft` or `tpot`; this SLO gives neither (`e2e` is not checked on arrival), so it would reject nothing: give `ttft` or `tpot`, or drop `admission`');
  }
  implausibleServiceTimes(s, at, (p) => ctx.scalarAt?.(p), ctx.warn);
  if (disaggregated && s.chunked_prefill !== undefined && s.prefill?.max_batch_tokens !== undefined) {
    bad([...at, 'prefill', 'max_batch_tokens'], 'with chunked prefill the prefill pool\'s iterations take `chunked_prefill.token_budget` tokens, and a longer prompt is split over several: drop `max_batch_tokens`');
  }
  if (s.decode?.max_batch_tokens !== undefined) {
    bad([...at, 'decode', 'max_batch_tokens'], 'a decode pool prefills no prompts (they arrive as KV from the prefill pool), so a limit on prompt tokens per iteration would never apply: set it on `prefill`, or drop it');
  }
  // vLLM's check, for the decodes a colocated iteration carries (a prefill pool has none).
  if (!disaggregated && s.chunked_prefill !== undefined && s.chunked_prefill.token_budget < s.max_batch) {
    bad([...at, 'chunked_prefill', 'token_budget'], `a token budget of ${s.chunked_prefill.token_budget} is below max_batch (${s.max_batch}): a full batch of decodes, one token each, must leave room for prefill (vLLM requires max_num_batched_tokens >= max_num_seqs); raise token_budget or lower max_batch`);
  }
  if (disaggregated && (s.prefill === undefined || s.decode === undefined)) {
    bad([...at, s.prefill === undefined ? 'decode' : 'prefill'], `disaggregated serving needs both a \`prefill\` and a \`decode\` pool; \`${s.prefill === undefined ? 'prefill' : 'decode'}\` is missing`);
    return undefined;
  }
  const pools: [PoolSpec | ReplicasSpec, PathKey[]][] = disaggregated
    ? [
        [s.prefill!, [...at, 'prefill']],
        [s.decode!, [...at, 'decode']],
      ]
    : [[s.replicas!, [...at, 'replicas']]];
  pools.forEach(([rp, pat], pi) => {
    const as: PoolAutoscaleSpec | undefined = rp.autoscale;
    const role = !disaggregated ? undefined : pi === 0 ? 'prefill' : 'decode';
    // Each pool's own signal: waiting prompt tokens on prefill, KV memory on decode.
    const own = role === 'prefill' ? 'target_queued_tokens' : role === 'decode' ? 'target_kv_utilisation' : undefined;
    const targets = ['target_queue', 'target_utilisation', ...(own ? [own] : [])];
    const choice = `${targets
      .slice(0, -1)
      .map((t) => `\`${t}\``)
      .join(', ')} or \`${targets.at(-1)!}\``;
    if ((rp.count === undefined) === (as === undefined)) bad(pat, `give exactly one of \`count\` (a fixed number of replicas) or \`autoscale\` ({ min, max, ${targets.join(' | ')} })`);
    if (!as) return;
    if (as.min > as.max) bad([...pat, 'autoscale'], `min (${as.min}) is above max (${as.max})`);
    const other = role === 'prefill' ? 'target_kv_utilisation' : 'target_queued_tokens';
    if (disaggregated && as[other] !== undefined) {
      bad([...pat, 'autoscale', other], other === 'target_queued_tokens' ? 'waiting prompt tokens scale a prefill pool; a decode pool scales on `target_kv_utilisation` (KV memory), `target_utilisation` or `target_queue`' : 'KV memory scales a decode pool (a prefill replica holds a prompt\'s KV only until it leaves); a prefill pool scales on `target_queued_tokens`, `target_utilisation` or `target_queue`');
    } else if (targets.filter((t) => as[t as keyof PoolAutoscaleSpec] !== undefined).length !== 1) {
      const what: Record<string, string> = {
        target_queue: 'outstanding requests per replica',
        target_utilisation: 'fraction of batch slots in use',
        target_queued_tokens: 'prompt tokens waiting per replica',
        target_kv_utilisation: 'fraction of the KV cache in use',
      };
      bad([...pat, 'autoscale'], `give exactly one of ${choice} (${targets.map((t) => `${t}: ${what[t]!}`).join('; ')})`);
    }
  });

  // The model and the replica's physics.
  const m = s.model;
  const shape = m.layers === undefined || m.hidden_size === undefined ? defaultShape(m.params) : undefined;
  const layers = m.layers ?? shape!.layers;
  const hidden = m.hidden_size ?? shape!.hiddenSize;
  if ((m.kv_heads === undefined) !== (m.head_dim === undefined)) bad([...at, 'model'], 'grouped-query attention needs both `kv_heads` and `head_dim`');
  if (m.layers !== undefined && m.hidden_size !== undefined) {
    const mismatch = servingParamsMismatch(m.params, m.layers, m.hidden_size, m.kv_heads, m.head_dim);
    if (mismatch !== undefined) bad([...at, 'model', 'params'], mismatch);
  }
  // A model given by params alone is the family of that size, its key/value heads included where the
  // family was published with grouped-query attention (70B and 405B are Llama's: 8 of 128); sized as
  // multi-head, its KV cache was 8x (70B) and 16x (405B) the family's.
  const family = m.layers === undefined && m.hidden_size === undefined && m.kv_heads === undefined && m.head_dim === undefined ? familyKeyValueHeads(m.params) : undefined;
  const kvHeads = m.kv_heads ?? family?.kvHeads;
  const headDim = m.head_dim ?? family?.headDim;
  // Any other shape guessed from params is multi-head: every head keeps its keys and values, where
  // most models published since 2023 (Llama 2 34B and 70B, Llama 3, Mistral, Qwen 2) share them in
  // groups of 4-8. 'params: 8B' held 591,872 bytes a token, 4.5x Llama 3 8B's 131,072, and its
  // latency under load read minutes for seconds: the cache is a guess, so it is said.
  if (shape !== undefined && kvHeads === undefined && m.kv_bytes_per_token === undefined) {
    const perToken = kvBytesPerToken(layers, hidden, m.precision_bytes, undefined, undefined);
    ctx.warn(
      [...at, 'model', 'params'],
      `the KV cache is sized from a shape guessed from params alone: ${layers} layers x ${hidden.toLocaleString('en-US')} wide, multi-head (every head keeps its keys and values), ${Math.round(perToken).toLocaleString('en-US')} bytes a token. A model with grouped-query attention (Llama 2 34B and 70B, Llama 3, Mistral, Qwen 2) holds 4-8 times less, so replicas hold more requests and decode faster: give \`layers\`, \`hidden_size\`, \`kv_heads\` and \`head_dim\` from the model's config.json, or \`kv_bytes_per_token\``,
    );
  }
  const model: InferenceModel = {
    params: m.params,
    precisionBytes: m.precision_bytes,
    layers,
    hiddenSize: hidden,
    kvBytesPerToken: m.kv_bytes_per_token ?? kvBytesPerToken(layers, hidden, m.precision_bytes, kvHeads, headDim),
    shape: { kvWidth: kvHeads !== undefined && headDim !== undefined ? kvHeads * headDim : hidden },
  };
  // Only a width the service gives holds the user to its heads (params alone: poolsim's guess).
  if (m.hidden_size !== undefined) {
    for (const [rp, pat] of pools) {
      const problem = servingTpProblem(rp.tensor_parallel, m.hidden_size, m.kv_heads, m.head_dim);
      if (problem !== undefined) bad([...pat, 'tensor_parallel'], problem);
    }
  }
  const resolvedPools = pools.map(([rp, pat]) => resolvePool(rp, model, m.precision_bytes, m.compute_precision, [...at, 'model'], pat, ctx, bad));
  if (resolvedPools.some((p) => p === undefined)) return undefined;
  const { kind, hardware, timing } = resolvedPools[0]!;
  // Sites of every pool, in the order given (client latencies are needed to each).
  const dcs: number[] = [];
  for (const p of resolvedPools) for (const d of p!.dcs) if (!dcs.includes(d)) dcs.push(d);
  let pooled: ResolvedService['disaggregated'];
  if (disaggregated) {
    const mk = (i: number, ps: PoolSpec): ResolvedPool => {
      const p = resolvedPools[i]!;
      return { spec: ps, kind: p.kind, datacentres: p.dcs, hardware: p.hardware, timing: p.timing, count: ps.count ?? ps.autoscale?.min ?? 0, autoscale: ps.autoscale, maxBatch: ps.max_batch ?? s.max_batch, maxBatchTokens: ps.max_batch_tokens ?? Infinity, tokenBudget: i === 0 ? (s.chunked_prefill?.token_budget ?? Infinity) : Infinity, restartDelayS: ps.restart_delay ?? ps.autoscale?.scale_up_delay ?? DEFAULT_RESTART_DELAY_S };
    };
    pooled = { prefill: mk(0, s.prefill!), decode: mk(1, s.decode!) };
    if (s.decode!.autoscale?.target_kv_utilisation !== undefined && !Number.isFinite(pooled.decode.timing.kvCapacityTokens)) {
      bad([...at, 'decode', 'autoscale', 'target_kv_utilisation'], 'the model\'s KV cache takes no memory (kv_bytes_per_token: 0), so its use is always 0: scale the decode pool on `target_utilisation` or `target_queue`');
    }
  }
  // The replica whose KV cache must hold a whole request: the colocated one, or the decode pool's.
  const kvCapacityTokens = pooled ? pooled.decode.timing.kvCapacityTokens : timing.kvCapacityTokens;
  const prefillKvCapacityTokens = pooled ? pooled.prefill.timing.kvCapacityTokens : Infinity;

  // Client regions.
  const regionNames = Object.keys(s.regions);
  for (const [r, table] of Object.entries(s.regions)) {
    for (const dcName of Object.keys(table)) {
      if (!ctx.datacentreNames.includes(dcName)) {
        const guess = suggestName(dcName, [...ctx.datacentreNames]);
        bad([...at, 'regions', r, dcName], `unknown data centre '${dcName}'${guess ? ` (did you mean '${guess}'?)` : ''}`);
      }
    }
  }

  const streams: ResolvedStream[] = [];
  /** Prefix groups: the first stream defining each, by group name. */
  const prefixGroups = new Map<string, number>();
  // A stream's name keys its random streams: two streams of one name would draw the same arrivals.
  const streamNames = new Map<string, PathKey[]>();
  s.streams.forEach((st, ti) => {
    const sat: PathKey[] = [...at, 'streams', ti];
    const streamName = st.name ?? `${s.name}-${ti}`;
    const namedAt = st.name !== undefined ? [...sat, 'name'] : sat;
    const first = streamNames.get(streamName);
    if (first !== undefined) bad(namedAt, `duplicate stream name '${streamName}'${st.name !== undefined ? '' : ' (the name an unnamed stream gets)'} in service '${s.name}': ${formatPath(first)} has it too${alsoAt(ctx, first)}; names must be unique`);
    else streamNames.set(streamName, namedAt);
    const latencyS = ctx.datacentreNames.map(() => 0);
    if (st.region !== undefined) {
      const table = s.regions[st.region];
      if (!table) {
        const guess = suggestName(st.region, regionNames);
        bad([...sat, 'region'], `unknown region '${st.region}'${guess ? ` (did you mean '${guess}'?)` : regionNames.length ? `; the service's regions are: ${regionNames.join(', ')}` : '; list it under the service\'s `regions` with its latency to each data centre'}`);
      } else {
        for (const dc of dcs) {
          const name = ctx.datacentreNames[dc]!;
          const l = table[name];
          if (l === undefined) bad([...at, 'regions', st.region], `region '${st.region}' needs its latency to '${name}', where the service has replicas`);
          else latencyS[dc] = l;
        }
      }
    }
    const a = st.arrival;
    let trace: RequestTrace | undefined;
    if (a.process === 'diurnal') {
      if ((a.hourly === undefined) === (a.peak === undefined)) bad([...sat, 'arrival'], 'a diurnal stream needs exactly one of `hourly` (24 rates) or `peak` (with `trough`)');
      if (a.peak !== undefined && a.trough !== undefined && a.trough > a.peak) bad([...sat, 'arrival', 'trough'], 'the trough rate is above the peak rate');
      if (a.hourly && !a.hourly.some((x) => x > 0)) bad([...sat, 'arrival', 'hourly'], 'every hourly rate is zero');
    }
    if (a.process === 'trace') {
      if ((a.file === undefined) === (a.csv === undefined)) bad([...sat, 'arrival'], 'a trace stream needs exactly one of `file` (a CSV path) or `csv` (the text inline)');
      else {
        const path = a.file;
        let text: string | undefined = a.csv;
        if (path !== undefined) {
          text = ctx.readText(path, [...sat, 'arrival', 'file']);
          if (text === undefined) ok = false;
        }
        const layout = traceLayout(a, [...sat, 'arrival'], bad);
        if (layout === undefined) ok = false;
        else if (text !== undefined) {
          const where: PathKey[] = [...sat, 'arrival', path !== undefined ? 'file' : 'csv'];
          try {
            const source = path ?? `${ctx.file} (inline csv)`;
            trace = parseRequestTrace(text, source, layout);
            if (trace.timeS.length === 0) {
              bad([...sat, 'arrival'], `the trace has no requests${trace.skipped.length > 0 ? `: ${describeSkipped(trace, source)}` : ''}`);
            } else {
              if (trace.skipped.length > 0) ctx.warn(where, describeSkipped(trace, source));
              const disorder = describeOutOfOrder(trace, source);
              if (disorder !== undefined) ctx.warn(where, disorder);
              checkTraceRows(trace, st, source, where, { horizonS: ctx.horizonS, kvCapacityTokens, prefillKvCapacityTokens, decodePool: pooled !== undefined, contextTokens: s.model.context_length ?? Infinity }, bad, (p, m) => ctx.warn(p, m));
              if (a.time_unit === undefined && layout.timeFormat !== 'iso') implausibleArrivalGaps(trace.timeS, layout.timeScale, where, (p, m) => ctx.warn([...p], m));
            }
          } catch (e) {
            if (!(e instanceof TraceError)) throw e;
            // A missing column is the mapping's fault where the user named it: point there.
            const key = e instanceof MissingColumnsError ? e.keys.find((k) => a.columns?.[k] !== undefined) : undefined;
            bad(key !== undefined ? [...sat, 'arrival', 'columns', key] : e instanceof MissingColumnsError && a.format !== undefined ? [...sat, 'arrival', 'format'] : where, e.message);
          }
        }
      }
    } else if (st.count === undefined && st.until === undefined && ctx.horizonS === undefined) {
      bad(sat, 'a request stream needs `count` or `until` (or the scenario a `horizon`), or it would never stop');
    }
    if (a.process !== 'trace') {
      warnClampDominance(st.prompt_tokens, [...sat, 'prompt_tokens'], (p, m) => ctx.warn(p, m));
      warnClampDominance(st.output_tokens, [...sat, 'output_tokens'], (p, m) => ctx.warn(p, m));
    }
    if (st.until !== undefined && st.until <= st.start) {
      ctx.warn([...sat, 'until'], `until (${formatDuration(st.until)}) is not after start (${formatDuration(st.start)}): this stream sends no request`);
    } else if (ctx.horizonS !== undefined && st.start >= ctx.horizonS) {
      ctx.warn([...sat, 'start'], `start (${formatDuration(st.start)}) is not before the horizon (${formatDuration(ctx.horizonS)}): this stream sends no request`);
    }
    const px = st.prefixes;
    if (px !== undefined) {
      const pat: PathKey[] = [...sat, 'prefixes'];
      if (a.process === 'trace') bad(pat, 'a trace stream carries its prefixes in its prefix_id and prefix_tokens columns; drop `prefixes`');
      if (px.popularity === 'uniform' && px.zipf_exponent !== undefined) bad([...pat, 'zipf_exponent'], 'zipf_exponent shapes popularity zipf only; drop it, or set `popularity: zipf`');
      if (px.group !== undefined) {
        const first = prefixGroups.get(px.group);
        if (first === undefined) prefixGroups.set(px.group, ti);
        else {
          const def = s.streams[first]!.prefixes!;
          if (def.count !== px.count || JSON.stringify(def.tokens) !== JSON.stringify(px.tokens)) {
            bad([...pat, 'group'], `prefix group '${px.group}' is defined by stream ${first} with count ${def.count} and tokens ${JSON.stringify(def.tokens)}; a stream sharing it must give the same count and tokens`);
          }
        }
      }
      const longest = Math.max(1, Math.round(maxOf(px.tokens)));
      const shortest = Math.max(1, Math.round(minOf(st.prompt_tokens)));
      if (a.process !== 'trace') {
        if (!Number.isFinite(longest)) bad([...pat, 'tokens'], 'prefix tokens need a largest value (fixed, uniform, empirical, or lognormal with `max`): a prefix must fit in its prompt');
        else if (longest > shortest) {
          bad([...pat, 'tokens'], `a prefix of up to ${longest} tokens can be longer than a prompt of as few as ${shortest} tokens; prompt_tokens counts the whole prompt, its prefix included: give prompt_tokens a smallest value (fixed, uniform or empirical, or lognormal with \`min\`) of at least ${longest}`);
        }
      }
    }
    const contextTokens = m.context_length ?? Infinity;
    if (Number.isFinite(contextTokens) && a.process !== 'trace') {
      // Requests are drawn rounded to whole tokens, at least 1 (request-streams.ts).
      const leastPrompt = Math.max(1, Math.round(minOf(st.prompt_tokens)));
      const leastOutput = Math.max(1, Math.round(minOf(st.output_tokens)));
      const fixed = leastPrompt === Math.max(1, Math.round(maxOf(st.prompt_tokens))) && leastOutput === Math.max(1, Math.round(maxOf(st.output_tokens)));
      if (leastPrompt >= contextTokens) {
        bad([...sat, 'prompt_tokens'], `every request's prompt of ${fixed ? '' : 'at least '}${leastPrompt} tokens leaves no room for an output token in the model's context_length of ${contextTokens}: a serving engine would reject every one (vLLM's max_model_len); lower prompt_tokens or raise context_length`);
      } else if (leastPrompt + leastOutput > contextTokens) {
        bad([...sat, 'output_tokens'], `every request has ${fixed ? '' : 'at least '}${leastPrompt} prompt + ${leastOutput} output tokens, more than the model's context_length of ${contextTokens}: a serving engine would cut every answer at ${fixed ? '' : 'most '}${contextTokens - leastPrompt} tokens (vLLM's max_model_len); lower the token counts or raise context_length`);
      } else {
        const share = describeContextShares(st.prompt_tokens, st.output_tokens, contextTokens);
        if (share !== undefined) ctx.warn([...sat], share);
      }
    }
    if (Number.isFinite(kvCapacityTokens) && a.process !== 'trace') {
      // What a replica holds of one request: prompt + output, cut at the model's window.
      const most = Math.min(maxOf(st.prompt_tokens) + maxOf(st.output_tokens), contextTokens);
      if (Number.isFinite(most) && most > kvCapacityTokens) {
        bad([...sat], `a request of up to ${most} tokens (prompt + output) exceeds the ${pooled ? 'decode ' : ''}replica's KV cache of ${kvCapacityTokens} tokens; raise tensor_parallel or lower the token counts`);
      }
    }
    if (Number.isFinite(prefillKvCapacityTokens) && a.process !== 'trace') {
      const most = Math.min(maxOf(st.prompt_tokens), contextTokens - 1);
      if (Number.isFinite(most) && most > prefillKvCapacityTokens) {
        bad([...sat], `a prompt of up to ${most} tokens exceeds the prefill replica's KV cache of ${prefillKvCapacityTokens} tokens; raise the prefill pool's tensor_parallel or lower the prompt tokens`);
      }
    }
    streams.push({ name: streamName, region: st.region ?? '', latencyS, spec: st, trace });
  });
  // Trace streams of one service share prefix ids (the same system prompt replayed from two
  // regions' traces): one id must have one length across them.
  const traceLengths = new Map<string, { tokens: number; stream: number }>();
  streams.forEach((st, ti) => {
    const px = st.trace?.prefixes;
    if (!px || px.sessions) return; // a session's history grows turn by turn
    const tokensOf = new Float64Array(px.names.length);
    for (let i = 0; i < px.index.length; i++) if (px.index[i]! >= 0) tokensOf[px.index[i]!] = px.tokens[i]!;
    px.names.forEach((name, k) => {
      const seen = traceLengths.get(name);
      if (seen === undefined) traceLengths.set(name, { tokens: tokensOf[k]!, stream: ti });
      else if (seen.tokens !== tokensOf[k]!) bad([...at, 'streams', ti, 'arrival'], `prefix '${name}' has ${tokensOf[k]!} tokens in this trace but ${seen.tokens} in stream '${streams[seen.stream]!.name}': one prefix id, one length`);
    });
  });
  if (!ok) return undefined;
  return { index, name: s.name, spec: s, kind, datacentres: dcs, model, hardware, timing, streams, ...(pooled ? { disaggregated: pooled } : {}) };
}

/**
 * The rows of a trace stream that it will send (before its `count`, `until` and the horizon),
 * checked where they are read so that each problem names its file and line: without a horizon, a
 * request arriving after the century a run may last is refused (the run would stop there as one
 * that never ends, blaming no row); a request whose KV cache no replica can hold is rejected on
 * arrival by the simulator, so it is said here, with how many and the first one's line.
 */
function checkTraceRows(
  trace: RequestTrace,
  st: RequestStreamSpec,
  source: string,
  where: PathKey[],
  limits: { horizonS: number | undefined; kvCapacityTokens: number; prefillKvCapacityTokens: number; decodePool: boolean; contextTokens: number },
  bad: (path: PathKey[], msg: string) => void,
  warn: (path: PathKey[], msg: string) => void,
): void {
  const times = trace.timeS;
  const endS = Math.min(st.until ?? Infinity, limits.horizonS ?? Infinity);
  const count = st.count ?? Infinity;
  let sent = 0;
  while (sent < times.length && sent < count && st.start + times[sent]! < endS) sent++;
  // A stream starting at or after its end sends nothing, which its `start` or `until` is warned about.
  if (sent < times.length && sent < count && st.start < endS) {
    // The horizon or `until` ends the replay: say how much of the trace it leaves out, so that a
    // stray early row (a 0 among epoch seconds, the origin) cannot shrink the replay to itself unseen.
    const cut = times.length - sent;
    const by = endS === st.until ? `\`until\` (${formatDuration(st.until)})` : `the horizon (${formatDuration(endS)})`;
    warn(where, `${cut} of the trace's ${times.length} requests arrive after ${by} and are not sent, the first at ${source}:${trace.lines[sent]!} (${formatDuration(st.start + times[sent]!)} into the run); ${sent} ${sent === 1 ? 'is' : 'are'} sent before it`);
  }
  if (limits.horizonS === undefined) {
    let late = 0;
    for (let i = sent - 1; i >= 0 && !(st.start + times[i]! <= MAX_OPEN_RUN_S); i--) late++;
    if (late > 0) {
      const i = sent - late;
      bad(where, `${source}:${trace.lines[i]!}: this request would arrive at about ${formatYears(st.start + times[i]!)}${late > 1 ? ` (${late} rows so)` : ''}; a run without a horizon stops after ${formatYears(MAX_OPEN_RUN_S)} of simulated time: correct the row, end the stream earlier (\`count\`, \`until\`), or set a horizon`);
    }
  }
  const context = limits.contextTokens;
  if (Number.isFinite(context)) checkContextRows(trace, sent, context, source, where, warn);
  const kv = limits.kvCapacityTokens;
  const prefillKv = limits.prefillKvCapacityTokens;
  if (!Number.isFinite(kv) && !Number.isFinite(prefillKv)) return;
  let tooLong = 0;
  let first = -1;
  for (let i = 0; i < sent; i++) {
    const p = trace.promptTokens[i]!;
    if (p >= context) continue; // rejected for the model's window, said above
    if (Math.min(p + trace.outputTokens[i]!, context) > kv || p > prefillKv) {
      tooLong++;
      if (first < 0 || trace.lines[i]! < trace.lines[first]!) first = i;
    }
  }
  if (tooLong === 0) return;
  const p = trace.promptTokens[first]!;
  const o = trace.outputTokens[first]!;
  const what = p > prefillKv ? `a prompt of ${p} tokens, more than the prefill replica's KV cache of ${prefillKv}` : `${p} prompt + ${o} output tokens, more than the ${limits.decodePool ? 'decode ' : ''}replica's KV cache of ${kv}`;
  warn(where, `${tooLong} of the ${sent} requests this stream sends cannot fit a replica's KV cache (first at ${source}:${trace.lines[first]!}: ${what}): each is rejected on arrival, counted in requests_rejected and as an SLO miss; raise tensor_parallel to serve them`);
}

/**
 * The expected share of a drawn stream's requests the model's window rejects and cuts, said
 * before the run as trace rows are (checkContextRows); undefined when none is (a share under 1e-4
 * of an unbounded tail, as generators.ts, is none).
 */
function describeContextShares(prompt: RequestStreamSpec['prompt_tokens'], output: RequestStreamSpec['output_tokens'], context: number): string | undefined {
  const { rejected, cut } = contextShares(prompt, output, context);
  const floor = maxOf(prompt) === Infinity || maxOf(output) === Infinity ? 1e-4 : 0;
  const pct = (x: number): string => (x >= 0.995 ? '>99%' : x < 0.005 ? '<1%' : `${Number((100 * x).toPrecision(2))}%`);
  const parts: string[] = [];
  const showRejected = rejected > floor;
  if (showRejected) {
    parts.push(`an expected ${pct(rejected)} of the requests this stream draws have a prompt of context_length (${context}) tokens or more: each is rejected on arrival, counted in requests_rejected and as an SLO miss`);
  }
  if (cut > floor) {
    const what = showRejected ? `${pct(cut)} more ask for more output than the window leaves` : `an expected ${pct(cut)} of the requests this stream draws ask for more output than the window leaves (context_length ${context})`;
    parts.push(`${what}: their answers are cut at the window, counted in requests_capped`);
  }
  return parts.length === 0 ? undefined : parts.join('; ');
}

/**
 * Trace rows the model's window (`context_length`) turns away or cuts, of the `sent` first: a prompt
 * of the window or more is rejected on arrival, a longer answer cut at the window (vLLM's
 * max_model_len); said with how many and the first one's line.
 */
function checkContextRows(trace: RequestTrace, sent: number, context: number, source: string, where: PathKey[], warn: (path: PathKey[], msg: string) => void): void {
  let rejected = 0;
  let firstRejected = -1;
  let cut = 0;
  let firstCut = -1;
  for (let i = 0; i < sent; i++) {
    const p = trace.promptTokens[i]!;
    if (p >= context) {
      rejected++;
      if (firstRejected < 0 || trace.lines[i]! < trace.lines[firstRejected]!) firstRejected = i;
    } else if (p + trace.outputTokens[i]! > context) {
      cut++;
      if (firstCut < 0 || trace.lines[i]! < trace.lines[firstCut]!) firstCut = i;
    }
  }
  if (rejected === 0 && cut === 0) return;
  const parts: string[] = [];
  if (rejected > 0) {
    parts.push(`${rejected} of the ${sent} requests this stream sends ${rejected === 1 ? 'has' : 'have'} a prompt of context_length (${context}) tokens or more, the first at ${source}:${trace.lines[firstRejected]!} (${trace.promptTokens[firstRejected]!} tokens): ${rejected === 1 ? 'it is' : 'each is'} rejected on arrival, counted in requests_rejected and as an SLO miss`);
  }
  if (cut > 0) {
    const what = `${rejected > 0 ? `${cut} more` : `${cut} of the ${sent} requests this stream sends`} ${cut === 1 ? 'asks' : 'ask'} for more output than the window leaves, the first at ${source}:${trace.lines[firstCut]!} (${trace.promptTokens[firstCut]!} prompt + ${trace.outputTokens[firstCut]!} output tokens): ${cut === 1 ? 'its answer is' : 'their answers are'} cut at the window, counted in requests_capped`;
    parts.push(rejected > 0 ? what : `${what} (context_length ${context})`);
  }
  warn(where, parts.join('; '));
}

/**
 * How to read a trace stream's file: the format's column names and time format with the stream's
 * own in their place, the time unit and the origin. Contradictory settings are reported at their
 * field (`bad`) and give undefined.
 */
export function traceLayout(a: Extract<ArrivalSpec, { process: 'trace' }>, at: PathKey[], bad: (path: PathKey[], msg: string) => void): RequestTraceLayout | undefined {
  const formatName = a.format ?? 'poolsim';
  const format = REQUEST_TRACE_FORMATS[formatName];
  const given = a.columns ?? {};
  const timeFormat = a.time_format ?? format.timeFormat;
  let ok = true;
  const refuse = (path: PathKey[], msg: string): void => {
    ok = false;
    bad(path, msg);
  };
  if (timeFormat === 'iso' && a.time_unit !== undefined) refuse([...at, 'time_unit'], 'time_unit is the unit of a numeric time column; ISO dates and times carry their own (drop time_unit, or set `time_format: seconds`)');
  if (timeFormat === 'iso' && a.relative === false) refuse([...at, 'relative'], 'ISO times are calendar times: they need an origin, the first row\'s (relative, the default) or one given in `origin`');
  if (a.origin !== undefined && a.relative !== undefined) refuse([...at, 'relative'], '`origin` says where the trace\'s time 0 is; drop `relative`');
  if (given.session_id !== undefined && (given.prefix_id !== undefined || given.prefix_tokens !== undefined)) {
    refuse([...at, 'columns', 'session_id'], "a trace gives either shared prefixes (prefix_id, prefix_tokens) or sessions (session_id), not both: a session's cached prefix is its conversation so far");
  }
  if ((given.prefix_id === undefined) !== (given.prefix_tokens === undefined) && !('prefix_id' in format.columns && format.columns.prefix_id !== undefined)) {
    refuse([...at, 'columns', given.prefix_id === undefined ? 'prefix_tokens' : 'prefix_id'], 'a shared prefix needs both its id and its tokens: give both `prefix_id` and `prefix_tokens`');
  }
  const unitName = a.time_unit ?? 's';
  const unitS = parseDuration(`1${unitName}`);
  let originS: number | 'first' = a.relative === false ? 0 : 'first';
  if (a.origin !== undefined) {
    if (timeFormat === 'iso') {
      const s = typeof a.origin === 'string' ? parseUtcTimestampS(a.origin) : undefined;
      if (s === undefined) refuse([...at, 'origin'], `expected a date and time such as '2023-11-16 18:00:00' (UTC unless it carries a zone), as the trace's ISO times, got ${JSON.stringify(a.origin)}`);
      else originS = s;
    } else if (typeof a.origin !== 'number') refuse([...at, 'origin'], `expected a number in the time column's unit (${unitName}), as the trace's times, got ${JSON.stringify(a.origin)}`);
    else originS = a.origin * unitS;
  }
  if (!ok) return undefined;
  const fc: RequestTraceLayout['columns'] = format.columns;
  return {
    format: formatName,
    columns: {
      time: given.time ?? fc.time,
      prompt_tokens: given.prompt_tokens ?? fc.prompt_tokens,
      output_tokens: given.output_tokens ?? fc.output_tokens,
      prefix_id: given.prefix_id ?? fc.prefix_id,
      prefix_tokens: given.prefix_tokens ?? fc.prefix_tokens,
      session_id: given.session_id ?? fc.session_id,
    },
    sessionIfPresent: given.session_id === undefined,
    // The poolsim format's prefix columns are optional; ones the stream names must be there.
    prefixIfPresent: given.prefix_id === undefined && given.prefix_tokens === undefined,
    timeFormat,
    unitS,
    unitName,
    originS,
    timeScale: a.time_scale ?? 1,
  };
}
