// Whether a training job's model can run on the device kinds it may use: its layout checked (or
// an automatic one found) against each kind's node size and device memory. The loader checks
// listed jobs and generators with it, the simulator each generated job as it arrives.
import type { Distribution } from '../scenario/distribution.js';
import type { KindInfo, NodeGroup } from './cluster.js';
import type { FabricPreset } from '../scenario/hardware-schema.js';
import type { LayoutSpec, ShapeOverrides } from './job.js';
import { memoryPerDevice, zeroStageOf, type DeviceMemory } from './memory.js';
import { moeProblems } from './moe.js';
import { tpOverlapProblems } from './tp-overlap.js';
import { billions, paramsShapeMismatch, setsModelSize } from './shape-weights.js';
import { fastestLayout, layoutEnvOf, recomputeRaisedText, withEfficiency, type LayoutEnv } from './layout-search.js';
import { AUTO_LAYOUT_MEMORY_FRACTION, defaultShape, divisorsUpTo, layoutFromSpec, resolveShape, tpDividesHeads, tpSplitsSequence, validateLayout, type ParallelLayout, type TrainingShape } from './training-layout.js';
import { DEFAULT_HEAD_DIM, recomputeOf, sequenceParallelOf } from './shape-defaults.js';
import { countOf } from '../units/count-noun.js';

/** A device kind a job may run on, as far as fitting it is concerned. */
export interface FitKind {
  readonly index: number;
  readonly name: string;
  readonly memoryBytes: number;
  /** The largest node of this kind in the pool (where a tensor-parallel group can live). */
  readonly devicesPerNode: number;
  /** The kind's node group with the fewest devices per node, when it has fewer than the largest (a job may be placed there). */
  readonly smallestGroup?: { readonly name: string; readonly devicesPerNode: number };
  /** Whether it trains in FP8: FP8 tensor cores (peak_by_precision.fp8) and the operator-level model (gemm_efficiency). Absent: yes. */
  readonly fp8?: boolean;
  /** Whether FlashAttention-3's Hopper kernels run there (the kind's `flash3`). Absent: yes. */
  readonly flash3?: boolean;
  /**
   * What the automatic layout's search needs of the kind in this pool (layoutEnvOf): a job that
   * gives no layout is checked with the layout a run gives it (fastestLayout), not another one.
   */
  readonly layoutEnv: LayoutEnv;
}

/** What the job says about its model. */
export interface FitModel {
  readonly devices: number;
  readonly params: number;
  readonly shape?: ShapeOverrides | undefined;
  readonly layout?: LayoutSpec | undefined;
  /** The job's kernel-efficiency override: the automatic layout is searched with it, as a run searches it. */
  readonly efficiency?: number | undefined;
}

export interface FitIssue {
  /** Path under the job (`['layout', 'pp']`), for the loader to locate. */
  readonly path: readonly string[];
  readonly message: string;
}

export interface FitReport {
  /** The layout cannot run on any kind (tp x pp x dp, more stages than layers, ...). */
  readonly problems: readonly FitIssue[];
  /** Legal but worth knowing: uneven stages, a tight fit, kinds it cannot use. */
  readonly notes: readonly FitIssue[];
  /** Candidate kinds (indices) the model fits on. */
  readonly fitting: readonly number[];
  /** Candidate kinds it does not fit on, with the reason (which does not name the kind). */
  readonly misfits: readonly Misfit[];
}

export interface Misfit {
  /** The kind and its memory, e.g. `H100 (79.6 GiB)`. */
  readonly kind: string;
  readonly reason: string;
}

// GiB, as explain and the devices' own tools (nvidia-smi's MiB) count memory.
const GiB = 2 ** 30;
const gb = (bytes: number): string => `${(bytes / GiB).toFixed(1)} GiB`;

/**
 * Check a job's model on each candidate kind. With a layout: the layout's own problems (any
 * kind), then per kind whether tensor groups fit in its nodes and the memory per device fits its
 * memory (saying what would fit when not). Without one: whether the layout a run would give it
 * (fastestLayout) fits. A job fits nowhere when `fitting` is empty; the caller refuses or rejects it then.
 */
export function fitTrainingJob(model: FitModel, allCandidates: readonly FitKind[]): FitReport {
  let candidates = allCandidates;
  const shape = resolveShape(model.params, model.shape);
  const problems: FitIssue[] = [];
  const notes: FitIssue[] = [];
  const fitting: number[] = [];
  const misfits: Misfit[] = [];
  for (const p of depthProblems(model.params, model.shape, shape)) problems.push(p);
  if (problems.length > 0) return { problems, notes, fitting, misfits };
  for (const p of headProblems(shape)) problems.push(p);
  for (const p of microBatchSizeProblems(shape, model.layout)) problems.push(p);
  // `zero` overrides `sharded`: both given and disagreeing, one of them is not what the user meant.
  if (model.layout?.sharded === true && model.layout.zero !== undefined && model.layout.zero < 2) {
    problems.push({ path: ['layout', 'zero'], message: `zero = ${model.layout.zero} and \`sharded: true\` (ZeRO-2: gradients and optimizer state sharded) say different things; give one of them` });
  }
  if (problems.length > 0) return { problems, notes, fitting, misfits };
  for (const p of moeProblems(shape, model.layout ? layoutFromSpec(model.layout, shape) : undefined)) problems.push(p);
  for (const p of tpOverlapProblems(shape, model.layout ? layoutFromSpec(model.layout, shape) : undefined, sequenceParallelOf(shape))) problems.push(p);
  if (problems.length > 0) return { problems, notes, fitting, misfits };
  // A model of MoE layers only has no dense FFN: with the experts' width given, `ffn_size` is read by nothing.
  if (shape.moe && shape.moe.denseLayers === 0 && model.shape?.ffn_size !== undefined && model.shape.moe?.ffn_size !== undefined) {
    notes.push({ path: ['model', 'ffn_size'], message: `ffn_size = ${model.shape.ffn_size} has no effect: every layer is a mixture-of-experts layer (\`moe.dense_layers\` 0), whose experts are moe.ffn_size = ${model.shape.moe.ffn_size} wide; give dense_layers if some layers are dense` });
  }
  // Node-limited routing bounds only the per-node dispatch's fabric copies: elsewhere it is read by nothing.
  if (shape.moe?.maxNodes !== undefined && !(model.layout?.ep_dispatch === 'per-node' && (model.layout.ep ?? 1) > 1)) {
    notes.push({ path: ['model', 'moe', 'max_nodes'], message: `max_nodes = ${shape.moe.maxNodes} has no effect without \`layout.ep_dispatch: per-node\` and ep > 1: it bounds the nodes a token's copies cross the fabric to under per-node dispatch` });
  }
  // A global batch shorter than one sequence is a batch given in sequences where tokens are counted
  // (a publication's "batch size 512"): a step of a fraction of a sequence, timed with confidence.
  const sequences = shape.globalBatchTokens / shape.seqLen;
  if (sequences < 1) {
    const tokens = shape.globalBatchTokens;
    problems.push(
      model.shape?.global_batch !== undefined
        ? { path: ['model', 'global_batch'], message: `${tokens} tokens are less than one sequence of ${shape.seqLen}: \`global_batch\` counts tokens (${tokens} sequences would be ${tokens * shape.seqLen})` }
        : { path: ['model', 'seq_len'], message: `a sequence of ${shape.seqLen} tokens is longer than the default global batch of ${tokens} tokens: give \`global_batch\` (tokens per step)` },
    );
    return { problems, notes, fitting, misfits };
  }
  // The one default that moves a described run's step time by a quarter: say it.
  if (model.shape && model.shape.recompute === undefined && (model.shape.attention ?? 'standard') === 'standard') {
    notes.push({
      path: ['model'],
      message:
        "`recompute` not given: 'selective' assumed (attention scores only, Korthikanti et al. 2022); the published runs of 2020-2022 with standard attention recomputed every layer (`recompute: full`, a step about a quarter longer). Give it to say which",
    });
  }
  // A global batch is whole sequences: '4M' tokens of 4,096 are 976.56 of them (a slip for 4,194,304?).
  if (model.shape?.global_batch !== undefined && !Number.isInteger(sequences)) {
    const whole = Math.max(1, Math.round(sequences));
    notes.push({
      path: ['model', 'global_batch'],
      message: `${shape.globalBatchTokens} tokens are ${sequences.toFixed(2)} sequences of ${shape.seqLen}, not a whole number (${whole} sequences are ${whole * shape.seqLen} tokens); the step is timed on the tokens as given`,
    });
  }
  // FP8 training runs only where FP8 tensor cores are (and their GEMMs are timed).
  if (shape.fp8) {
    const without = candidates.filter((k) => k.fp8 === false);
    for (const k of without) misfits.push({ kind: kindLabel(k), reason: 'no FP8 training there: the kind has no FP8 tensor cores (`peak_by_precision.fp8`) or no `gemm_efficiency` to time its GEMMs' });
    candidates = candidates.filter((k) => k.fp8 !== false);
  }
  // FlashAttention-3 runs only where Hopper's wgmma and TMA are (Shah et al. 2024).
  if (shape.attention === 'flash3') {
    const without = candidates.filter((k) => k.flash3 === false);
    for (const k of without) misfits.push({ kind: kindLabel(k), reason: "no FlashAttention-3 there: its kernels need Hopper's warpgroup MMA and TMA (the kind's `flash3`); say `attention: flash` for FlashAttention-2" });
    candidates = candidates.filter((k) => k.flash3 !== false);
  }
  if (model.layout) {
    const layout = layoutFromSpec(model.layout, shape);
    const check = validateLayout(layout, model.devices, Infinity, shape, { allowTpAcrossNodes: true });
    for (const p of check.problems) problems.push({ path: ['layout', ...fieldOf(p)], message: p });
    for (const n of check.notes) notes.push({ path: ['layout', ...fieldOf(n)], message: n });
    if (problems.length > 0) return { problems, notes, fitting, misfits };
    for (const k of candidates) {
      if (layout.tp > k.devicesPerNode) {
        misfits.push({ kind: kindLabel(k), reason: `tp = ${layout.tp} exceeds the ${k.devicesPerNode} devices of its nodes; tensor parallelism needs the intra-node interconnect` });
        continue;
      }
      const memory = memoryPerDevice(shape, layout);
      if (memory.totalBytes > k.memoryBytes) {
        misfits.push({ kind: kindLabel(k), reason: `${needs(memory)}; ${wouldFit(shape, layout, model.devices, k, withEfficiency(k.layoutEnv, model.efficiency))}` });
        continue;
      }
      if (k.devicesPerNode % layout.tp !== 0) notes.push({ path: ['layout', 'tp'], message: `tp = ${layout.tp} does not divide the ${k.devicesPerNode} devices of a ${k.name} node, so some tensor groups may straddle nodes` });
      else if (k.smallestGroup && layout.tp > k.smallestGroup.devicesPerNode) notes.push({ path: ['layout', 'tp'], message: straddles(`tp = ${layout.tp}`, layout.tp, k) });
      if (memory.totalBytes > AUTO_LAYOUT_MEMORY_FRACTION * k.memoryBytes) notes.push({ path: ['layout'], message: tight(memory, k) });
      fitting.push(k.index);
    }
  } else {
    for (const k of candidates) {
      const env = withEfficiency(k.layoutEnv, model.efficiency);
      const auto = fastestLayout(model.devices, shape, env);
      if (auto.recomputeRaised) {
        // The raise says what runs: not also that 'selective' is assumed.
        const assumed = notes.findIndex((n) => n.message.startsWith('`recompute` not given'));
        if (assumed >= 0) notes.splice(assumed, 1);
        notes.push({ path: ['model', 'recompute'], message: `its automatic layout ${describe(auto)} on ${kindLabel(k)}: ${recomputeRaisedText(auto.recomputeRaised)}` });
      }
      if (!auto.fits) {
        const recompute = recomputeOf(shape) === 'full' ? undefined : fastestLayout(model.devices, { ...shape, activationRecompute: true, recompute: 'full' }, env);
        const hint = recompute?.fits ? `with \`model.recompute: true\` it would fit as ${describe(recompute)} (${gb(recompute.memory.totalBytes)})` : 'it needs more devices';
        misfits.push({ kind: kindLabel(k), reason: `no layout of ${model.devices} device${model.devices === 1 ? '' : 's'} fits: the leanest, ${describe(auto)}, ${needs(auto.memory)}; ${hint}` });
        continue;
      }
      if (auto.memory.totalBytes > AUTO_LAYOUT_MEMORY_FRACTION * k.memoryBytes) notes.push({ path: [], message: `its automatic layout ${describe(auto)}: ${tight(auto.memory, k)}` });
      // Sized for the kind's largest node: on a smaller one its tensor (and context) groups leave the node.
      const inNode = auto.tp * (auto.cp ?? 1);
      if (k.smallestGroup && inNode > k.smallestGroup.devicesPerNode) notes.push({ path: [], message: straddles(`its automatic layout ${describe(auto)}, sized for the ${k.devicesPerNode}-device nodes,`, inNode, k) });
      // The automatic layout gives each replica a whole sequence when any pipeline depth allows.
      if (auto.dp > Math.round(sequences)) {
        notes.push({
          path: [],
          message: `${countOf(model.devices, 'device')} ${model.devices === 1 ? 'leaves' : 'leave'} no layout that gives each data-parallel replica a whole sequence of the global batch (${Number(sequences.toFixed(2))} sequences of ${shape.seqLen} tokens; the automatic layout ${describe(auto)} has ${auto.dp} replicas): each replica's step is timed on a fraction of a sequence, which no real run does; give a larger \`model.global_batch\` or fewer devices`,
        });
      }
      fitting.push(k.index);
    }
  }
  return { problems, notes, fitting, misfits };
}

/** A layout whose in-node groups (`group` devices) are wider than the kind's smallest nodes: what a placement there costs. */
function straddles(what: string, group: number, k: FitKind): string {
  const g = k.smallestGroup!;
  return `${what} needs ${group} devices in one node, more than the ${g.devicesPerNode} of each ${k.name} node of group '${g.name}': placed there (the scheduler sees one kind), its tensor${group > 1 && what.includes('cp') ? ' and context' : ''} groups straddle nodes and their traffic crosses the scale-out fabric, a far slower step; a layout whose tp x cp is at most ${g.devicesPerNode} stays in one node everywhere`;
}

/** One line for the kinds a job does not fit on, kinds with the same reason together. */
export function describeMisfits(report: FitReport): string {
  const byReason = new Map<string, string[]>();
  for (const m of report.misfits) byReason.set(m.reason, [...(byReason.get(m.reason) ?? []), m.kind]);
  return [...byReason].map(([reason, kinds]) => `on ${kinds.join(', ')}: ${reason}`).join('; ');
}

function kindLabel(k: FitKind): string {
  return `${k.name} (${gb(k.memoryBytes)})`;
}

/**
 * A width given without layers solves the layers from params (12 L h^2 and the embedding): a width
 * far too small for the size (a typo, `hidden_size: 12` for 12288) makes millions of layers, which
 * were then refused only for their memory. No transformer is deeper than it is wide: refused at
 * the width, with the width a model of that size usually has.
 */
function depthProblems(params: number, given: ShapeOverrides | undefined, shape: TrainingShape): FitIssue[] {
  if (given?.hidden_size === undefined || given.layers !== undefined || shape.layers <= shape.hiddenSize) return [];
  const usual = defaultShape(params).hiddenSize;
  return [
    {
      path: ['model', 'hidden_size'],
      message: `hidden_size = ${shape.hiddenSize} with params ${billions(params)} makes ${shape.layers.toLocaleString('en-US')} layers (the layers are solved from params when not given), deeper than wide, which no transformer is: give \`layers\`, or the width meant (a model of this size is usually about ${usual.toLocaleString('en-US')} wide)`,
    },
  ];
}


/**
 * The given heads against the width: grouped-query attention shares each key/value head among
 * heads / kv_heads query heads, and a head is hidden_size / heads wide unless `head_dim` (or latent
 * attention's own dimensions) says otherwise. Either not whole would time fractional heads.
 */
function headProblems(shape: TrainingShape): FitIssue[] {
  const out: FitIssue[] = [];
  const heads = shape.heads ?? Math.max(1, Math.round(shape.hiddenSize / DEFAULT_HEAD_DIM));
  if (shape.kvHeads !== undefined && heads % shape.kvHeads !== 0) {
    out.push({
      path: ['model', 'kv_heads'],
      message: `kv_heads = ${shape.kvHeads} must divide the ${heads} attention heads${shape.heads === undefined ? ` (hidden_size / ${DEFAULT_HEAD_DIM}; give \`heads\`)` : ''}: grouped-query attention shares each key/value head among heads / kv_heads query heads`,
    });
  }
  // A head width without a head count gives hidden_size / head_dim heads (resolveShape): only where it divides.
  if (shape.heads === undefined && shape.headDim !== undefined && shape.mla === undefined && shape.hiddenSize % shape.headDim !== 0) {
    out.push({
      path: ['model', 'head_dim'],
      message: `head_dim = ${shape.headDim} does not divide hidden_size ${shape.hiddenSize} (${Number((shape.hiddenSize / shape.headDim).toFixed(2))} heads): without \`heads\` a model has hidden_size / head_dim heads; give \`heads\` (heads x head_dim may differ from hidden_size) or a head_dim that divides it`,
    });
  }
  if (shape.heads !== undefined && shape.headDim === undefined && shape.mla === undefined && shape.hiddenSize % shape.heads !== 0) {
    out.push({
      path: ['model', 'heads'],
      message: `hidden_size ${shape.hiddenSize} is not a multiple of heads = ${shape.heads} (a head would be ${Number((shape.hiddenSize / shape.heads).toFixed(2))} wide): give a head count that divides it, or \`head_dim\``,
    });
  }
  return out;
}

/**
 * `micro_batch_size` against the batch: given with `micro_batches` (the same fact twice, or two
 * that disagree), or not dividing the sequences a data-parallel replica takes, it is refused.
 */
function microBatchSizeProblems(shape: TrainingShape, layout: LayoutSpec | undefined): FitIssue[] {
  const size = layout?.micro_batch_size;
  if (layout === undefined || size === undefined) return [];
  const path = ['layout', 'micro_batch_size'];
  if (layout.micro_batches !== undefined) {
    return [{ path, message: 'give `micro_batch_size` (sequences per micro-batch) or `micro_batches` (micro-batches per step), not both' }];
  }
  const sequences = shape.globalBatchTokens / shape.seqLen;
  const perReplica = sequences / layout.dp;
  if (Number.isInteger(perReplica) && perReplica % size === 0) return [];
  const batch = `a global batch of ${Number.isInteger(sequences) ? sequences : sequences.toFixed(2)} sequences of ${shape.seqLen} tokens`;
  if (!Number.isInteger(perReplica)) {
    return [{ path, message: `micro_batch_size = ${size} needs whole sequences per data-parallel replica, but ${batch} over dp = ${layout.dp} is ${perReplica.toFixed(2)} each; give \`micro_batches\` or a global batch that dp divides` }];
  }
  const divisors: number[] = [];
  for (let d = 1; d <= Math.min(perReplica, 65_536) && divisors.length < 12; d++) if (perReplica % d === 0) divisors.push(d);
  return [{ path, message: `micro_batch_size = ${size} does not divide the ${perReplica} sequences each of the dp = ${layout.dp} replicas takes (${batch}); give one of ${divisors.join(', ')}` }];
}

/** The layout field a validateLayout problem is about (none for the tp x pp x dp product). */
function fieldOf(problem: string): string[] {
  if (problem.startsWith('tp x pp x dp') || problem.startsWith('tp x cp x pp x dp')) return [];
  if (problem.startsWith('pp x virtual_stages')) return ['virtual_stages'];
  const m = /^(tp|cp|pp|dp|micro_batches|virtual_stages|microbatch_group_size_per_vp_stage|stage_layers)\b/.exec(problem);
  return m ? [m[1]!] : [];
}

function needs(m: DeviceMemory): string {
  return `needs ${gb(m.totalBytes)} per device (weights ${gb(m.weightsBytes)}, gradients ${gb(m.gradientsBytes)}, optimizer state ${gb(m.optimizerBytes)}, activations ${gb(m.activationsBytes)} for ${m.modelChunksInFlight !== undefined ? `${m.modelChunksInFlight} model chunks` : `${m.microBatchesInFlight} micro-batch${m.microBatchesInFlight === 1 ? '' : 'es'}`} in flight)`;
}

function tight(m: DeviceMemory, k: FitKind): string {
  return `needs ${gb(m.totalBytes)} per device, ${Math.round((100 * m.totalBytes) / k.memoryBytes)}% of the ${gb(k.memoryBytes)} of each ${k.name}; the estimate leaves out communication buffers and allocator fragmentation, which may not fit`;
}

function describe(l: ParallelLayout): string {
  const zero = zeroStageOf(l);
  return `tp ${l.tp}${(l.cp ?? 1) > 1 ? ` x cp ${l.cp}` : ''} x pp ${l.pp} x dp ${l.dp}${zero === 2 ? ' sharded' : zero > 0 ? ` zero ${zero}` : ''}`;
}

/** Single changes to a layout that does not fit that would make it fit on kind k, with their memory. */
function wouldFit(shape: TrainingShape, layout: ParallelLayout, devices: number, k: FitKind, env: LayoutEnv): string {
  const options: string[] = [];
  const sequences = shape.globalBatchTokens / shape.seqLen;
  const tryLayout = (label: string, l: ParallelLayout, s: TrainingShape = shape): boolean => {
    if (moeProblems(s, l).length > 0) return false;
    const m = memoryPerDevice(s, l);
    if (m.totalBytes > k.memoryBytes) return false;
    options.push(`${label} (${gb(m.totalBytes)})`);
    return true;
  };
  // A mixture of experts: its experts spread over more ranks (the fewest that fit).
  if (shape.moe) {
    for (let ep = (layout.ep ?? 1) + 1; ep <= shape.moe.experts; ep++) {
      if (shape.moe.experts % ep === 0 && (layout.dp * (layout.cp ?? 1)) % ep === 0 && tryLayout(`\`ep: ${ep}\``, { ...layout, ep })) break;
    }
  }
  if (!layout.shardedDataParallel && layout.dp > 1) tryLayout('`sharded: true`', { ...layout, shardedDataParallel: true });
  if (zeroStageOf(layout) < 3 && layout.dp > 1 && !options.length) tryLayout('`zero: 3`', { ...layout, shardedDataParallel: true, zeroStage: 3 });
  if (recomputeOf(shape) !== 'full') tryLayout('`model.recompute: true`', layout, { ...shape, activationRecompute: true, recompute: 'full' });
  // More pipeline stages (the fewest that fit), then wider tensor groups, on the same devices.
  const cp = layout.cp ?? 1;
  for (const p of divisorsUpTo(devices / (layout.tp * cp), shape.layers)) {
    if (p <= layout.pp) continue;
    const dp = devices / (layout.tp * cp * p);
    if (tryLayout(`pp ${p} x dp ${dp}`, { ...layout, pp: p, dp, microBatches: Math.max(1, Math.round(sequences / dp)) })) break;
  }
  for (const t of divisorsUpTo(devices / (layout.pp * cp), k.devicesPerNode)) {
    if (t <= layout.tp || k.devicesPerNode % t !== 0 || !tpDividesHeads(shape, t) || !tpSplitsSequence(shape, t, layout.cp ?? 1)) continue;
    const dp = devices / (t * cp * layout.pp);
    if (tryLayout(`tp ${t} x dp ${dp}`, { ...layout, tp: t, dp, microBatches: Math.max(1, Math.round(sequences / dp)) })) break;
  }
  if (options.length > 0) return `would fit: ${options.join(', ')}`;
  const auto = fastestLayout(devices, shape, env);
  return auto.fits ? `would fit: ${describe(auto)} (${gb(auto.memory.totalBytes)}), which poolsim chooses when the job gives no layout` : 'no layout of these devices fits; give the job more devices';
}

/** A kind of the pool with its device count (a job of more devices cannot use it at all). */
export interface PoolKind extends FitKind {
  readonly totalDevices: number;
}

export interface ArrivalFit {
  /** The job's allowed kinds, narrowed to those its model fits on (unchanged when it fits all). */
  readonly allowedKinds: readonly number[] | undefined;
  /** Why it can run nowhere, when it cannot. */
  readonly reason: string | undefined;
}

/**
 * fitTrainingJob for jobs as they arrive, remembered per (model, devices, allowed kinds): a
 * generator repeats a few combinations many times. Kinds with fewer devices than the job are
 * not candidates (the simulator rejects a job no kind can hold on its own).
 */
export class ArrivalFitter {
  private readonly memo = new Map<string, ArrivalFit>();
  private readonly shapeIds = new Map<object, number>();

  constructor(private readonly kinds: readonly PoolKind[]) {}

  fit(model: FitModel, allowed: readonly number[] | undefined): ArrivalFit {
    const key = `${model.params}|${model.devices}|${allowed?.join(',') ?? '*'}|${this.idOf(model.shape)}|${this.idOf(model.layout)}|${model.efficiency}`;
    let f = this.memo.get(key);
    if (!f) {
      f = this.compute(model, allowed);
      this.memo.set(key, f);
    }
    return f;
  }

  private compute(model: FitModel, allowed: readonly number[] | undefined): ArrivalFit {
    const candidates = this.kinds.filter((k) => k.totalDevices >= model.devices && (allowed === undefined || allowed.includes(k.index)));
    if (candidates.length === 0) return { allowedKinds: allowed, reason: undefined };
    // A size drawn from a continuous distribution is checked here, as the loader checks listed ones.
    const mismatch = paramsShapeMismatch(model.params, resolveShape(model.params, model.shape), setsModelSize(model.shape));
    if (mismatch !== undefined) return { allowedKinds: allowed, reason: `its size cannot be timed: ${mismatch}` };
    const report = fitTrainingJob(model, candidates);
    if (report.problems.length > 0) return { allowedKinds: allowed, reason: `its layout cannot run: ${report.problems.map((p) => p.message).join('; ')}` };
    if (report.fitting.length === 0) return { allowedKinds: allowed, reason: `its model fits in the memory of none of its device kinds: ${describeMisfits(report)}` };
    if (report.fitting.length === candidates.length) return { allowedKinds: allowed, reason: undefined };
    return { allowedKinds: report.fitting, reason: undefined };
  }

  /** Shape and layout objects are shared by every job of a workload entry: key them by identity. */
  private idOf(o: object | undefined): number {
    if (o === undefined) return -1;
    let id = this.shapeIds.get(o);
    if (id === undefined) {
      id = this.shapeIds.size;
      this.shapeIds.set(o, id);
    }
    return id;
  }
}

// ---------------------------------------------------------------- the loader's checks

/** Where the loader's checks report, with paths relative to the job or generator. */
export interface FitReporter {
  fail(path: readonly string[], message: string): void;
  warn(path: readonly string[], message: string): void;
}

/** The pool's kinds as candidates: memory, largest node, devices in all, the automatic layout's search environment. */
export function poolKindsFor(pool: { readonly groups: readonly NodeGroup[]; readonly kinds: readonly KindInfo[]; readonly datacentres: readonly { readonly fabric: FabricPreset | undefined }[] }): PoolKind[] {
  const { groups, kinds } = pool;
  const present = [...new Set(groups.map((g) => g.kind))].sort((a, b) => a - b);
  return present.map((k) => {
    let devicesPerNode = 1;
    let totalDevices = 0;
    let smallest: NodeGroup | undefined;
    for (const g of groups) {
      if (g.kind !== k) continue;
      devicesPerNode = Math.max(devicesPerNode, g.devicesPerNode);
      totalDevices += g.nodeCount * g.devicesPerNode;
      if (g.nodeCount > 0 && (!smallest || g.devicesPerNode < smallest.devicesPerNode)) smallest = g;
    }
    const spec = kinds[k]!.spec;
    const smallestGroup = smallest && smallest.devicesPerNode < devicesPerNode ? { name: smallest.name, devicesPerNode: smallest.devicesPerNode } : undefined;
    return { index: k, name: kinds[k]!.name, memoryBytes: spec.memory, devicesPerNode, ...(smallestGroup ? { smallestGroup } : {}), totalDevices, fp8: spec.peak_by_precision?.fp8 !== undefined && spec.gemm_efficiency !== undefined, flash3: spec.flash3 === true, layoutEnv: layoutEnvOf(pool, k, undefined) };
  });
}

function candidatesFor(pool: readonly PoolKind[], devices: number, allowed: readonly number[] | undefined): PoolKind[] {
  return pool.filter((k) => k.totalDevices >= devices && (allowed === undefined || allowed.includes(k.index)));
}

/**
 * A listed job with a model: problems refuse it (false), as does fitting none of its kinds;
 * fitting only some narrows it to those (warned); notes are warnings. Returns the kinds it may use.
 */
export function checkListedJob(model: FitModel, allowed: readonly number[] | undefined, pool: readonly PoolKind[], report: FitReporter): readonly number[] | undefined | false {
  const where = model.layout ? 'layout' : 'params';
  const candidates = candidatesFor(pool, model.devices, allowed);
  const fit = fitTrainingJob(model, candidates);
  for (const p of fit.problems) report.fail(p.path, p.message);
  if (fit.problems.length > 0) return false;
  for (const n of fit.notes) report.warn(n.path, n.message);
  if (candidates.length > 0 && fit.fitting.length === 0) {
    report.fail([where], `the model fits none of the job's device kinds: ${describeMisfits(fit)}`);
    return false;
  }
  if (fit.misfits.length === 0) return allowed;
  const names = pool.filter((k) => fit.fitting.includes(k.index)).map((k) => k.name);
  report.warn([where], `runs only on ${names.join(', ')}: ${describeMisfits(fit)}`);
  return fit.fitting;
}

/**
 * A generator whose sizes come from short lists (fixed or empirical devices and params): each
 * (devices, params) pair it can draw is checked; pairs that fit no kind are rejected when drawn
 * (warned), and a generator none of whose pairs fit is refused. Other distributions are left to
 * the check every job gets as it arrives (ArrivalFitter).
 */
export function checkGenerator(
  g: { readonly devices: Distribution; readonly params?: Distribution | undefined; readonly model?: ShapeOverrides | undefined; readonly efficiency?: number | undefined },
  allowed: readonly number[] | undefined,
  pool: readonly PoolKind[],
  report: FitReporter,
): void {
  const devices = supportOf(g.devices)?.map((d) => Math.max(1, Math.round(d)));
  const params = g.params ? supportOf(g.params) : undefined;
  if (!devices || !params) return;
  const ds = [...new Set(devices)];
  const ps = [...new Set(params)];
  if (ds.length * ps.length > 10_000) return;
  const misfits: string[] = [];
  // Pairs whose automatic layout raises recomputation (not stated, nothing fits at selective): said, as for a listed job.
  const raised: string[] = [];
  // The model's own problems (heads, batch, experts) are said as themselves, not as a size that
  // fits no memory: where they are written when every pair has them, else beside the pair.
  const problems = new Map<string, FitIssue>();
  let refused = 0;
  let pairs = 0;
  for (const d of ds) {
    const candidates = candidatesFor(pool, d, allowed);
    if (candidates.length === 0) continue; // too big for the pool: rejected as such
    for (const p of ps) {
      pairs++;
      const fit = fitTrainingJob({ devices: d, params: p, shape: g.model, efficiency: g.efficiency }, candidates);
      for (const issue of fit.problems) problems.set(`${issue.path.join('.')}\n${issue.message}`, issue);
      if (fit.problems.length > 0) refused++;
      const raise = fit.notes.find((n) => n.path.join('.') === 'model.recompute');
      if (raise && fit.fitting.length > 0) raised.push(`${p / 1e9}B parameters on ${d} device${d === 1 ? '' : 's'} (${raise.message})`);
      if (fit.fitting.length === 0) {
        const why = fit.problems.length > 0 ? fit.problems.map((i) => i.message).join('; ') : describeMisfits(fit);
        misfits.push(`${p / 1e9}B parameters on ${d} device${d === 1 ? '' : 's'} (${why})`);
      }
    }
  }
  if (pairs > 0 && refused === pairs) {
    for (const issue of problems.values()) report.fail(issue.path, issue.message);
    return;
  }
  if (raised.length > 0) report.warn(['params'], `${raised.length} of the ${pairs} (devices, params) pairs it can draw run with recompute raised to 'full': ${raised.slice(0, 3).join('; ')}${raised.length > 3 ? `; and ${raised.length - 3} more` : ''}`);
  if (misfits.length === 0) return;
  const list = misfits.slice(0, 3).join('; ') + (misfits.length > 3 ? `; and ${misfits.length - 3} more` : '');
  if (misfits.length === pairs) report.fail(['params'], `no job it can generate fits in memory: ${list}`);
  else report.warn(['params'], `${misfits.length} of the ${pairs} (devices, params) pairs it can draw fit no layout and will be rejected when drawn: ${list}`);
}

/** The values a fixed or empirical distribution can take (those with weight); undefined for continuous ones. */
export function supportOf(d: Distribution): number[] | undefined {
  if (d.distribution === 'fixed') return [d.value];
  if (d.distribution === 'empirical') return d.values.filter((_, i) => (d.weights?.[i] ?? 1) > 0);
  return undefined;
}
