// `poolsim explain`: one listed training job's step, broken down, as it would run alone where the
// scenario's placement policy puts it on the empty pool, over an idle fabric: the layout (given or automatic), kernel time by
// operator class, exposed TP/PP/DP communication, the pipeline bubble and memory per device.
// The simulator's jobs.csv gives the same terms averaged over the run, with contention.
import { suggestName } from '../scenario/did-you-mean.js';
import { InputError } from '../scenario/errors.js';
import type { ResolvedScenario } from './load-scenario.js';
import { computeBreakdown, computeDeviceOf } from './layer-compute.js';
import { activeParams } from './moe.js';
import { memoryPerDevice, zeroStageOf, type DeviceMemory } from './memory.js';
import { fastestLayout, layoutEnvOf, NEAR_TIE_SHARE, nearTieOf, nominalPaths, recomputeRaisedText, shapeOfSearch } from './layout-search.js';
import { stepTime, type CommPath, type StepTime } from './step-time.js';
import { ratioPeakFlops } from './ratio-peak.js';
import { deviceRate } from './device-rate.js';
import { extrapolatedShapes } from './extrapolated-shapes.js';
import { describeMisfits, fitTrainingJob, poolKindsFor } from './training-fit.js';
import { layoutCell, layoutFromSpec, ppTensorsOf, resolveShape, type ParallelLayout, type TrainingShape } from './training-layout.js';
import { DEFAULT_VOCAB, recomputeOf, sequenceParallelOf, tiedEmbeddingsOf } from './shape-defaults.js';
import { ffnWidthOf } from './shape-weights.js';
import { idleComm, takeDown } from './network/idle-comm.js';
import { FlowNetwork } from './network/flow-network.js';
import { fastestOnPlacement, withLayoutAndKernels } from './network/placed-layout.js';
import { Topology } from './network/topology.js';
import { JobSteps, type StepJob } from './job-steps.js';
import { Cluster } from './cluster.js';
import { countOf } from '../units/count-noun.js';

export interface Explanation {
  job: string;
  kind: string;
  devices: number;
  /**
   * Who placed the job: the scenario's placement policy, asked for the job alone on the empty pool
   * at its submission, as a run asks it for a job that starts on an idle pool; `note`, what the
   * reader should know of that answer (a policy that draws at random may have drawn before in a run).
   */
  placement: {
    policy: string;
    note?: string;
    /** Where the policy put the job alone (absent where it was not asked: a job placed as first-fit under network: ideal). */
    nodes?: number;
    datacentres?: string[];
    /**
     * Where the scenario runs other work (jobs, generators, services): a run may place the job
     * elsewhere, beside what runs then, and jobs.csv's placement and step are for that placement.
     */
    run_may_differ?: true;
  };
  layout: ParallelLayout & { cp: number; ep: number; automatic: boolean; zero: number };
  shape: TrainingShape & { recomputeMode: string; sequenceParallelOn: boolean; attentionKernel: string };
  /** Whether kernels were timed operator by operator (else one efficiency for all). */
  operatorModel: boolean;
  step: {
    step_s: number;
    compute_s: number;
    exposed_comm_s: number;
    exposed_tp_s: number;
    /** Of exposed_tp_s, what a comm-GEMM overlap (layout.tp_overlap) adds to the GEMMs it decomposes: chunks at a smaller M, SMs the communication takes (0 without it). */
    tp_overlap_cost_s: number;
    exposed_pp_s: number;
    /** Of exposed_pp_s, the tied embedding's gradient all-reduce between the first and last stages (0 untied or with one stage). */
    embedding_sync_s: number;
    exposed_dp_s: number;
    /** Context-parallel key/value exchange (0 without context parallelism); never hidden. */
    exposed_cp_s: number;
    exposed_ep_s: number;
    /**
     * What the compute that hides collectives loses to the SMs NCCL's kernels hold while they run
     * (each hidden collective's time x n / (SMs - n), n its CTAs: nccl-sm-share.ts); in exposed_comm_s.
     */
    nccl_sm_share_s: number;
    bubble_s: number;
    /** Per micro-batch on the slowest stage, by operator class (s). */
    /** grad_accumulation_s: a separate gradient-accumulation pass (layout.grad_accumulation), 0 when fused. */
    /** embedding_grad_s: the word embedding's dense backward (zeroed gradient, add into main_grad), 0 unless the slowest stage holds the embedding. */
    micro_batch: { gemm_s: number; attention_s: number; elementwise_s: number; logits_s: number; grad_accumulation_s: number; embedding_grad_s: number; recompute_s: number; total_s: number };
    optimizer_s: number;
    effective_compute_ratio: number;
    tokens_per_step: number;
  };
  memory: { weights_gib: number; gradients_gib: number; optimizer_gib: number; activations_gib: number; total_gib: number; device_gib: number; micro_batches_in_flight: number; model_chunks_in_flight?: number; fits: boolean };
  paths: { tp: CommPath; pp: CommPath; dp: CommPath; cp?: CommPath };
  /**
   * When the layout gives neither micro_batches nor micro_batch_size, or the job gives no layout
   * (one sequence per micro-batch is then taken): the fastest micro-batch size that fits, if it is at least
   * MICRO_BATCH_NOTE_SHARE faster. Published runs give it (Megatron-LM's --micro-batch-size), and
   * it moves a step by up to a tenth.
   */
  micro_batch_size_note?: { sequences: number; micro_batches: number; step_s: number };
  /**
   * An automatic layout whose runner-up (the layout the search would have taken next) it timed
   * within NEAR_TIE_SHARE of its step, the model's mean error over the published runs it is
   * calibrated against: which of the two runs faster the model cannot say, and results that rest
   * on this job's layout (a policy ranking among them) rest on that choice. Steps as the search timed
   * them (nominal paths; on the placement for a job across sites), margin = runner-up / chosen - 1.
   */
  /** Present when the automatic layout raised recomputation to 'full' (recompute not stated; no layout fit at 'selective'). */
  recompute_raised?: { from: 'selective'; to: 'full'; selective_gib: number; device_gib: number; note: string };
  /**
   * When the scenario checkpoints: why jobs.csv's effective_compute_ratio for this job is lower than
   * step.effective_compute_ratio (which is per step: no checkpoint writes, restarts or failures).
   */
  checkpoint_note?: string;
  layout_near_tie?: { runner_up: string; chosen_step_s: number; runner_up_step_s: number; margin: number; band: number };
  /**
   * When the site's fabric gives the job's data-parallel rings less than its NICs' rate even alone
   * (an oversubscribed uplink, a torus's or graph's links, hashed ECMP): the per-rank bandwidth its
   * rings get there, which `paths.dp` and the step use, against the NICs' that a non-blocking
   * fabric would give.
   */
  fabric_note?: { datacentre: string; ring_bytes_per_s: number; nic_bytes_per_s: number };
  /**
   * The data centres a job spans when no one of them holds it (in node order, where the placement
   * policy puts it on the empty pool): its rings are timed over the links between them (network: flow).
   */
  sites?: string[];
  /** Links between sites taken down for the explanation (`--links-down`): routes go round them. */
  links_down?: string[];
  /**
   * Under `network: ideal` a run does not use the breakdown above: a job progresses at devices x
   * the kind's rate for it (its throughputs row, else peak x kernel efficiency:
   * sim/progress-model.ts), with no communication, bubble or per-operator kernel time. The step
   * that pace gives (useful FLOPs per step over it), its effective compute ratio, and a sentence.
   */
  ideal_note?: { step_s: number; effective_compute_ratio: number; text: string };
  /**
   * The kernels of the job's layer whose shape lies outside every measurement the operator-level
   * model was read from, one sentence each (extrapolated-shapes.ts): the step above extrapolates
   * there. Absent when there is none, or when the job's `efficiency` times every kernel.
   */
  extrapolated?: string[];
}

/** A different micro-batch size worth saying: a step this much shorter (or more). */
const MICRO_BATCH_NOTE_SHARE = 0.03;

const GiB = 2 ** 30;

/**
 * Where the run's placement policy puts the job alone on the empty pool at its submission
 * (Simulation.placeAlone, through experiment/explain-job.ts): the placement, the policy's name, and
 * what the reader should know of the answer (a policy that draws at random), if anything.
 */
/** What explain's placement is not: the run's, which jobs.csv gives. */
const RUN_PLACEMENT_NOTE =
  "note: a run places the job where devices are free when it starts, beside the jobs running then, and times it there: jobs.csv's datacentre, placement_span and step_time_s are the run's, and differ from these where other jobs hold what it takes alone";

/** Whether the scenario runs anything besides the job: then the run's placement of it may not be explain's. */
function othersRun(r: ExplainSource, name: string): boolean {
  return r.jobs.some((j) => j.name !== name) || (r.generators?.length ?? 1) > 0 || (r.services?.length ?? 1) > 0;
}

/** The nodes a placement holds and their data centres, in the pool's order. */
function whereOn(shape: ExplainSource['shape'], nodes: readonly number[] | undefined): { nodes?: number; datacentres?: string[] } {
  if (nodes === undefined) return {};
  const dcOfNode: number[] = [];
  for (const g of shape.groups) for (let i = 0; i < g.nodeCount; i++) dcOfNode.push(g.datacentre);
  const dcs = [...new Set(nodes.map((n) => dcOfNode[n]!))].sort((a, b) => a - b);
  return { nodes: new Set(nodes).size, datacentres: dcs.map((d) => shape.datacentres[d]!.name) };
}

export interface PlacedAlone {
  readonly placement: { readonly kind: number; readonly nodes: readonly number[]; readonly counts: readonly number[] };
  readonly policy: string;
  readonly note?: string;
}

type ExplainSource = Pick<ResolvedScenario, 'file' | 'jobs' | 'shape' | 'scenario' | 'interDc'> & Partial<Pick<ResolvedScenario, 'generators' | 'services'>>;

function refuser(r: ExplainSource): (message: string) => never {
  return (message: string): never => {
    throw new InputError([{ file: r.file, line: 0, column: 0, path: '', message }]);
  };
}

/** The inter-DC links named by `--links-down`, as indices; refuses an unknown or repeated name, or any under network: ideal. */
export function linksDownOf(r: ExplainSource, downNames: readonly string[]): number[] {
  const refuse = refuser(r);
  const linksDown: number[] = [];
  for (const [k, d] of downNames.entries()) {
    // A name given twice is a slip (another link meant?), refused as compare refuses a repeated policy.
    const first = downNames.indexOf(d);
    if (first < k) return refuse(`--links-down: '${d}' is listed twice (entries ${first + 1} and ${k + 1}): name each link once`);
    const i = r.interDc.findIndex((l) => l.name === d);
    if (i < 0) {
      const names = r.interDc.map((l) => l.name);
      const hint = suggestName(d, names);
      return refuse(`--links-down: no link between sites named '${d}'${hint ? ` (did you mean '${hint}'?)` : ''}; ${names.length === 0 ? 'the scenario has none' : `its links: ${names.join(', ')}`}`);
    }
    linksDown.push(i);
  }
  if (linksDown.length > 0 && r.scenario.network !== 'flow') return refuse('--links-down needs the flow network (network: flow): under network: ideal no job sends over the links');
  return linksDown;
}

/** The listed job `name`; refuses a name the scenario does not list, suggesting the nearest. */
export function listedJobOf(r: ExplainSource, name: string): ExplainSource['jobs'][number] {
  const job = r.jobs.find((j) => j.name === name);
  if (job) return job;
  const names = r.jobs.map((j) => j.name);
  const hint = suggestName(name, names);
  return refuser(r)(
    `no listed job named '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}; ${names.length === 0 ? 'the scenario lists no jobs (generated jobs have no fixed name before a run)' : `its jobs: ${names.slice(0, 10).join(', ')}${names.length > 10 ? `, and ${names.length - 10} more` : ''}`}`,
  );
}

/**
 * Explain the listed job `name` of a loaded scenario, on `opts.placed` (the scenario's placement
 * policy's answer on the empty pool: experiment/explain-job.ts asks it). Without one, the job is
 * placed as first-fit places it, and only a scenario whose placement is first-fit is explained:
 * another policy's job would be timed where the run does not put it. Refuses (InputError) what it
 * cannot explain.
 */
export function explainJob(r: ExplainSource, name: string, opts: { readonly linksDown?: readonly string[]; readonly placed?: PlacedAlone } = {}): Explanation {
  const refuse = refuser(r);
  // Links between sites down, by name (what a run does while they are: routes round them).
  const downNames = opts.linksDown ?? [];
  const linksDown = linksDownOf(r, downNames);
  const job = listedJobOf(r, name);
  if (!(job.params > 0)) return refuse(`job '${name}' gives no model size (params), so it has no step to explain: it runs for its given work or duration`);
  const placed = opts.placed;
  if (placed === undefined && r.scenario.placement.name !== 'first-fit') {
    return refuse(`explainJob places the job as first-fit does, and the scenario's placement is '${r.scenario.placement.name}': explain it through explainListedJob (experiment/explain-job.ts) or poolsim explain, which ask the scenario's policy`);
  }
  const pool = poolKindsFor(r.shape);
  const candidates = pool.filter((k) => k.totalDevices >= job.devices && (job.allowedKinds === undefined || job.allowedKinds.includes(k.index)));
  if (candidates.length === 0) return refuse(`job '${name}' needs ${countOf(job.devices, 'device')}, more than any of its device kinds has in the pool`);
  const fit = fitTrainingJob({ devices: job.devices, params: job.params, shape: job.shape, layout: job.layout, efficiency: job.efficiency }, candidates);
  // The kind the run's placement policy chose (the run narrowed the job to the kinds that hold it).
  const kindIndex = placed?.placement.kind ?? fit.fitting[0];
  if (kindIndex === undefined) return refuse(`job '${name}' fits none of its device kinds: ${describeMisfits(fit)}`);
  const kindInfo = r.shape.kinds[kindIndex]!;
  const spec = kindInfo.spec;
  const given = resolveShape(job.params, job.shape);
  const env = layoutEnvOf(r.shape, kindIndex, job.efficiency);
  const searched = job.layout ? undefined : fastestLayout(job.devices, given, env);
  // Full recomputation where the search raised it (recompute not stated, no layout fit at selective), as the run does.
  const shape = shapeOfSearch(given, searched);
  const raised = searched?.recomputeRaised;
  let layout: ParallelLayout = searched ?? layoutFromSpec(job.layout!, shape);
  let nearTie = searched ? nearTieOf(searched) : undefined;
  const nominal = nominalPaths(layout, env);
  const { tp: intra, pp, cp } = nominal;
  const dev = job.efficiency === undefined ? computeDeviceOf(spec) : undefined;
  // Nominal paths: traffic across nodes at the NICs' rate (a non-blocking fabric), what the layout
  // search assumes and, under `network: ideal`, all there is.
  let stepOf = (l: ParallelLayout): StepTime =>
    stepTime({ shape, layout: l, peakFlopsPerDevice: spec.peak, ...(dev ? { compute: computeBreakdown(shape, l, dev) } : { kernelEfficiency: job.efficiency ?? spec.efficiency }), tp: intra, pp, dp: nominal.dp, ...(cp ? { cp } : {}), ...(env.nccl ? { nccl: env.nccl } : {}) });
  let paths: Explanation['paths'] = { tp: intra, pp, dp: nominal.dp, ...(cp ? { cp } : {}) };
  let fabricNote: Explanation['fabric_note'];
  let sites: string[] = [];
  let placedNodes: readonly number[] | undefined;
  if (r.scenario.network === 'flow') {
    // The run's step of the job alone: on the placement policy's answer on the empty pool (first-fit's
    // without one: over two sites or more when the first is too small for it), its rings and pipeline on the scenario's fabric and the links
    // between sites, weighted and shared as a run shares them, through the run's JobSteps.
    const cluster = new Cluster(r.shape);
    const steps = new JobSteps(cluster);
    const stepJob: StepJob = { devices: job.devices, params: job.params, efficiency: job.efficiency, template: { shape: job.shape, layout: job.layout } };
    let shaped = steps.shapeAndLayout(stepJob, kindIndex);
    let idle = idleComm(cluster, r.interDc, steps, stepJob, kindIndex, shaped, linksDown, placed?.placement);
    if (idle && !job.layout && idle.sites.length > 1) {
      // Across sites the run chooses the automatic layout on the placement (placed-layout.ts), on
      // the links as they are at its start (those down routed round).
      const network = new FlowNetwork();
      const topology = new Topology(cluster, network, r.interDc);
      takeDown(topology, network, linksDown);
      shaped = fastestOnPlacement(cluster, topology, network, steps, stepJob, idle.placement, shaped);
      nearTie = shaped.nearTie;
      if (shaped.layout !== layout) {
        layout = shaped.layout;
        idle = idleComm(cluster, r.interDc, steps, stepJob, kindIndex, shaped, linksDown, placed?.placement);
      }
    }
    // With links down, sites left without a path: the run stalls the job there (no step to explain).
    if (idle && linksDown.length > 0 && !(idle.dpBw > 0 && idle.ppBw > 0)) {
      return refuse(`with ${downNames.join(', ')} down, job '${name}' (across ${idle.sites.map((dc) => r.shape.datacentres[dc]!.name).join(' and ')}) has no path between its sites: a run stalls it until a link comes back`);
    }
    if (idle) {
      placedNodes = idle.placement.nodes;
      stepOf = (l) => steps.fromShares(stepJob, idle.placement, withLayoutAndKernels(shaped, l, dev), idle.figures, idle.dpBw, idle.ppBw);
      const on = steps.paths(idle.placement, layout, idle.figures, idle.dpBw, idle.ppBw);
      paths = { tp: on.tp, pp: on.pp, dp: on.dp, ...((layout.cp ?? 1) > 1 ? { cp: on.cp } : {}) };
      const names = idle.sites.map((dc) => r.shape.datacentres[dc]!.name);
      if (names.length > 1) sites = names;
      const nicBw = nominalPaths(layout, env).dp.bandwidthBytesPerS;
      if (idle.dpBw < nicBw * (1 - 1e-9)) fabricNote = { datacentre: names.join(' + '), ring_bytes_per_s: idle.dpBw, nic_bytes_per_s: nicBw };
    }
  }
  // Where the job alone was placed: said beside the step, which is for that placement, since a run
  // places it where devices are free when it starts and jobs.csv's step is for that one.
  const placedOn = placedNodes ?? placed?.placement.nodes;
  const step: StepTime = stepOf(layout);
  // The ratio is over the peak at the job's precision (design.md), as a run's: an FP8 job's, the FP8
  // peak; the step model's own figure is over the 16-bit peak it is given.
  const ratioPeak = ratioPeakFlops(spec, job.shape?.precision);
  const ratio = ratioPeak === spec.peak ? step.effectiveComputeRatio : step.usefulFlopPerStep / (step.stepS * (job.devices * ratioPeak));
  const mem: DeviceMemory = memoryPerDevice(shape, layout);
  const c = step.compute;
  const timeOf = (l: ParallelLayout): number => stepOf(l).stepS;
  // The automatic layout, too, takes one sequence per micro-batch (not chosen: docs/calibration.md, "Automatic layout").
  const sizeNote = !job.layout || (job.layout.micro_batches === undefined && job.layout.micro_batch_size === undefined) ? fastestMicroBatch(shape, layout, spec.memory, step.stepS, timeOf) : undefined;
  const ideal = r.scenario.network === 'ideal' ? idealNote(step, job.devices, deviceRate(job, spec, kindIndex), ratioPeak) : undefined;
  const extrapolated = dev ? extrapolatedShapes(shape, layout.tp, shape.fp8 === true && dev.fp8 !== undefined) : [];
  return {
    job: name,
    kind: kindInfo.name,
    devices: job.devices,
    placement: { policy: placed?.policy ?? 'first-fit', ...(placed?.note !== undefined ? { note: placed.note } : {}), ...whereOn(r.shape, placedOn), ...(othersRun(r, name) ? { run_may_differ: true as const } : {}) },
    layout: {
      tp: layout.tp,
      cp: layout.cp ?? 1,
      ep: layout.ep ?? 1,
      pp: layout.pp,
      dp: layout.dp,
      microBatches: layout.microBatches,
      virtualStages: layout.virtualStages ?? 1,
      shardedDataParallel: layout.shardedDataParallel ?? false,
      ...(layout.etp !== undefined ? { etp: layout.etp } : {}),
      ...(layout.epDispatch !== undefined ? { epDispatch: layout.epDispatch } : {}),
      ...(layout.epOverlap !== undefined ? { epOverlap: layout.epOverlap } : {}),
      ...(layout.tpOverlap !== undefined ? { tpOverlap: layout.tpOverlap } : {}),
      ...(layout.dpOverlap !== undefined ? { dpOverlap: layout.dpOverlap } : {}),
      ...(layout.ppOverlap !== undefined ? { ppOverlap: layout.ppOverlap } : {}),
      ...(layout.dpMaxCtas !== undefined ? { dpMaxCtas: layout.dpMaxCtas } : {}),
      ...(layout.ppMaxCtas !== undefined ? { ppMaxCtas: layout.ppMaxCtas } : {}),
      ...(layout.gradAccumulation !== undefined ? { gradAccumulation: layout.gradAccumulation } : {}),
      ...(layout.crossEntropy !== undefined ? { crossEntropy: layout.crossEntropy } : {}),
      ...(layout.layerNorm !== undefined ? { layerNorm: layout.layerNorm } : {}),
      ...(layout.pipelineEngine !== undefined ? { pipelineEngine: layout.pipelineEngine } : {}),
      ...(layout.ppGradients !== undefined ? { ppGradients: layout.ppGradients } : {}),
      ...(layout.ppTensors !== undefined ? { ppTensors: layout.ppTensors } : {}),
      ...(layout.stageLayers !== undefined ? { stageLayers: layout.stageLayers } : {}),
      automatic: !job.layout,
      zero: zeroStageOf(layout),
    },
    shape: { ...shape, recomputeMode: recomputeOf(shape), sequenceParallelOn: sequenceParallelOf(shape), attentionKernel: shape.attention ?? 'standard' },
    operatorModel: dev !== undefined,
    step: {
      step_s: step.stepS,
      compute_s: step.computeS,
      exposed_comm_s: step.exposedCommS,
      exposed_tp_s: step.tpExposedS,
      tp_overlap_cost_s: step.tpOverlapCostS,
      exposed_pp_s: step.ppExposedS,
      embedding_sync_s: step.embeddingSyncS,
      exposed_dp_s: step.dpExposedS,
      exposed_cp_s: step.cpCommS,
      exposed_ep_s: step.epExposedS,
      nccl_sm_share_s: step.ncclSmShareS,
      bubble_s: step.bubbleS,
      micro_batch: { gemm_s: c.gemmS, attention_s: c.attentionS, elementwise_s: c.elementwiseS, logits_s: c.logitsS, grad_accumulation_s: c.gradAccumulationS ?? 0, embedding_grad_s: c.embeddingGradS ?? 0, recompute_s: c.recomputeS, total_s: c.microBatchS },
      optimizer_s: c.optimizerS,
      effective_compute_ratio: ratio,
      tokens_per_step: step.tokensPerStep,
    },
    memory: {
      weights_gib: mem.weightsBytes / GiB,
      gradients_gib: mem.gradientsBytes / GiB,
      optimizer_gib: mem.optimizerBytes / GiB,
      activations_gib: mem.activationsBytes / GiB,
      total_gib: mem.totalBytes / GiB,
      device_gib: spec.memory / GiB,
      micro_batches_in_flight: mem.microBatchesInFlight,
      ...(mem.modelChunksInFlight !== undefined ? { model_chunks_in_flight: mem.modelChunksInFlight } : {}),
      fits: mem.totalBytes <= spec.memory,
    },
    paths,
    ...(sizeNote ? { micro_batch_size_note: sizeNote } : {}),
    ...(raised ? { recompute_raised: { from: 'selective' as const, to: 'full' as const, selective_gib: raised.selectiveBytes / GiB, device_gib: raised.memoryBytes / GiB, note: recomputeRaisedText(raised) } } : {}),
    ...(nearTie ? { layout_near_tie: { runner_up: layoutCell(nearTie.runnerUp), chosen_step_s: nearTie.chosenStepS, runner_up_step_s: nearTie.runnerUpStepS, margin: nearTie.margin, band: NEAR_TIE_SHARE } } : {}),
    ...(fabricNote ? { fabric_note: fabricNote } : {}),
    ...(sites.length > 0 ? { sites } : {}),
    ...(linksDown.length > 0 ? { links_down: linksDown.map((i) => r.interDc[i]!.name) } : {}),
    ...(ideal ? { ideal_note: ideal } : {}),
    // The run's ratio a step: under network: ideal, the ideal pace's, not this breakdown's.
    ...(r.scenario.checkpointing ? { checkpoint_note: checkpointNote(r.scenario.checkpointing, r.scenario.failures !== undefined, ideal?.effective_compute_ratio ?? ratio) } : {}),
    ...(extrapolated.length > 0 ? { extrapolated } : {}),
  };
}

/** Why a run's ratio for the job (jobs.csv) is below the step's: Explanation.checkpoint_note. */
function checkpointNote(cp: NonNullable<ExplainSource['scenario']['checkpointing']>, failures: boolean, stepRatio: number): string {
  const every = cp.interval === 'auto' ? 'at the Young/Daly interval its failure rate gives' : `every ${cp.interval} s of progress`;
  const final = cp.final_cost ?? cp.cost;
  const last = final > 0 ? `, and ${final} s after its last step` : '';
  const lost = failures ? ', and the work it loses to failures and the restarts after them' : '';
  return `jobs.csv's effective_compute_ratio is lower than a step's ${(100 * stepRatio).toFixed(1)}%: it is over the job's whole time on its devices, which also holds the checkpoints it writes (${cp.cost} s ${every}${last})${lost}`;
}

/** What a run under network: ideal charges instead of `step` (Explanation.ideal_note), at `deviceRate` useful FLOP/s a device. */
function idealNote(step: StepTime, devices: number, deviceRate: number, peak: number): NonNullable<Explanation['ideal_note']> {
  const stepS = step.usefulFlopPerStep / (devices * deviceRate);
  const ratio = deviceRate / peak;
  return {
    step_s: stepS,
    effective_compute_ratio: ratio,
    text: `under network: ideal a run does not use this breakdown: it does not charge the communication, bubble or per-operator kernel times below, and runs the job at devices x ${(100 * ratio).toFixed(1)}% of peak, ${stepS.toFixed(1)} s a step (${step.stepS.toFixed(1)} s below); network: flow runs the step below`,
  };
}

/**
 * The fastest micro-batch size b (sequences; it divides a replica's share of the global batch,
 * leaves at least as many micro-batches as pipeline stages, and fits in `memoryBytes`) for a
 * layout given without one, when it is at least MICRO_BATCH_NOTE_SHARE faster than `stepS`.
 */
function fastestMicroBatch(shape: TrainingShape, layout: ParallelLayout, memoryBytes: number, stepS: number, timeOf: (l: ParallelLayout) => number): Explanation['micro_batch_size_note'] {
  const perReplica = shape.globalBatchTokens / shape.seqLen / layout.dp;
  if (!Number.isInteger(perReplica) || perReplica < 2) return undefined;
  let best: { sequences: number; micro_batches: number; step_s: number } | undefined;
  for (let b = 2; b <= perReplica; b++) {
    if (perReplica % b !== 0 || perReplica / b < layout.pp) continue;
    const l: ParallelLayout = { ...layout, microBatches: perReplica / b };
    if (memoryPerDevice(shape, l).totalBytes > memoryBytes) continue;
    const t = timeOf(l);
    if (t < (best?.step_s ?? Infinity)) best = { sequences: b, micro_batches: l.microBatches, step_s: t };
  }
  return best && best.step_s <= (1 - MICRO_BATCH_NOTE_SHARE) * stepS ? best : undefined;
}

/** The explanation as a fixed-width table for a terminal. */
export function explanationTable(e: Explanation): string {
  const s = (x: number): string => (x >= 100 ? `${x.toFixed(1)} s` : x >= 1 ? `${x.toFixed(3)} s` : x >= 1e-3 ? `${(x * 1e3).toFixed(2)} ms` : `${(x * 1e6).toFixed(1)} us`);
  const pct = (x: number, of: number): string => (of > 0 ? `${((100 * x) / of).toFixed(1)}%` : '');
  const l = e.layout;
  const sh = e.shape;
  const st = e.step;
  const mb = st.micro_batch;
  const rows: [string, string, string][] = [
    ['step', `${s(st.step_s)}`, '100%'],
    ['  compute (kernels, optimizer)', `${s(st.compute_s)}`, pct(st.compute_s, st.step_s)],
    ['  exposed TP communication', `${s(st.exposed_tp_s)}`, pct(st.exposed_tp_s, st.step_s)],
    ...(l.tpOverlap !== undefined && l.tpOverlap !== 'none'
      ? [[`    of which the ${l.tpOverlap} overlap's cost (chunked GEMMs, SMs taken)`, `${s(st.tp_overlap_cost_s)}`, pct(st.tp_overlap_cost_s, st.step_s)] as [string, string, string]]
      : []),
    ['  exposed PP communication', `${s(st.exposed_pp_s)}`, pct(st.exposed_pp_s, st.step_s)],
    ...(st.embedding_sync_s > 0 ? [['    of which tied embedding all-reduce', `${s(st.embedding_sync_s)}`, pct(st.embedding_sync_s, st.step_s)] as [string, string, string]] : []),
    ['  exposed DP communication', `${s(st.exposed_dp_s)}`, pct(st.exposed_dp_s, st.step_s)],
    ...(l.cp > 1 ? [['  exposed CP communication', `${s(st.exposed_cp_s)}`, pct(st.exposed_cp_s, st.step_s)] as [string, string, string]] : []),
    ...(l.ep > 1 ? [['  exposed EP all-to-all', `${s(st.exposed_ep_s)}`, pct(st.exposed_ep_s, st.step_s)] as [string, string, string]] : []),
    ...(st.nccl_sm_share_s > 0 ? [["  SMs NCCL's hidden collectives take from compute", `${s(st.nccl_sm_share_s)}`, pct(st.nccl_sm_share_s, st.step_s)] as [string, string, string]] : []),
    ['  pipeline bubble', `${s(st.bubble_s)}`, pct(st.bubble_s, st.step_s)],
    [`micro-batch, slowest stage (${l.microBatches} per step)`, `${s(mb.total_s)}`, '100%'],
    ['  layer GEMMs', `${s(mb.gemm_s)}`, pct(mb.gemm_s, mb.total_s)],
    ['  attention', `${s(mb.attention_s)}`, pct(mb.attention_s, mb.total_s)],
    [sh.kernels === 'eager' ? '  norms, RoPE, activations, adds (eager)' : '  norms, activations, dropouts', `${s(mb.elementwise_s)}`, pct(mb.elementwise_s, mb.total_s)],
    ['  output layer and loss', `${s(mb.logits_s)}`, pct(mb.logits_s, mb.total_s)],
    ...(mb.grad_accumulation_s > 0 ? [['  gradient accumulation', `${s(mb.grad_accumulation_s)}`, pct(mb.grad_accumulation_s, mb.total_s)] as [string, string, string]] : []),
    ...(mb.embedding_grad_s > 0 ? [["  word embedding's gradient", `${s(mb.embedding_grad_s)}`, pct(mb.embedding_grad_s, mb.total_s)] as [string, string, string]] : []),
    ['  of which recomputation', `${s(mb.recompute_s)}`, pct(mb.recompute_s, mb.total_s)],
    ['optimizer step', `${s(st.optimizer_s)}`, ''],
    [e.shape.fp8 === true ? 'effective compute ratio (6PT, of the FP8 peak)' : 'effective compute ratio (6PT)', `${(100 * st.effective_compute_ratio).toFixed(1)}%`, 'per step: no checkpoint writes, restarts or failures'],
  ];
  const m = e.memory;
  const memRows: [string, string, string][] = [
    ['memory per device', `${m.total_gib.toFixed(1)} GiB`, `of ${m.device_gib.toFixed(1)} GiB${m.fits ? '' : ': does not fit'}`],
    ['  weights', `${m.weights_gib.toFixed(1)} GiB`, ''],
    ['  gradients', `${m.gradients_gib.toFixed(1)} GiB`, ''],
    ['  optimizer state', `${m.optimizer_gib.toFixed(1)} GiB`, ''],
    ['  activations', `${m.activations_gib.toFixed(1)} GiB`, m.model_chunks_in_flight !== undefined ? `${m.model_chunks_in_flight} model chunks in flight (interleaved warm-up)` : `${m.micro_batches_in_flight} micro-batch${m.micro_batches_in_flight === 1 ? '' : 'es'} in flight`],
  ];
  const all = [...rows, ...memRows];
  const w0 = Math.max(...all.map((r) => r[0].length));
  const w1 = Math.max(...all.map((r) => r[1].length));
  const line = (r: [string, string, string]): string => `${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2]}`.trimEnd();
  const head = [
    `job ${e.job}: ${e.devices} x ${e.kind}, placed by ${e.placement.policy} alone on the empty pool at its submission${e.placement.nodes !== undefined ? ` (${countOf(e.placement.nodes, 'node')}${e.placement.datacentres!.length === 1 ? ` of ${e.placement.datacentres![0]}` : ''})` : ''}, on an idle fabric${e.sites ? `, across ${e.sites.join(' and ')}, its data-parallel rings over the links between them` : ''}${e.links_down ? `, with ${e.links_down.join(', ')} down (routes round ${e.links_down.length > 1 ? 'them' : 'it'})` : ''}`,
    `layout: tp ${l.tp}${l.tpOverlap !== undefined && l.tpOverlap !== 'none' ? ` (${l.tpOverlap} comm-GEMM overlap)` : ''}${l.cp > 1 ? ` x cp ${l.cp}` : ''} x pp ${l.pp}${l.stageLayers !== undefined ? ` (layers per stage ${l.stageLayers.join(', ')})` : ''} x dp ${l.dp}${l.ep > 1 ? ` (ep ${l.ep}${l.etp !== undefined ? `, expert tp ${l.etp}` : ''}${l.epDispatch === 'per-node' ? ', per-node dispatch' : ''}${l.epOverlap ? `, ${Math.round(100 * l.epOverlap)}% of the all-to-all overlapped` : ''})` : ''}, ${l.microBatches} micro-batch${l.microBatches === 1 ? '' : 'es'}, virtual stages ${l.virtualStages ?? 1}, ZeRO ${l.zero}${l.dpOverlap !== undefined ? `, ${Math.round(100 * l.dpOverlap)}% of the gradient reduction overlapped` : ''}${l.ppOverlap !== undefined ? `, ${Math.round(100 * l.ppOverlap)}% of the pipeline send/recv overlapped` : ''}${l.dpMaxCtas !== undefined ? `, data-parallel collectives on at most ${l.dpMaxCtas} CTAs` : ''}${l.ppMaxCtas !== undefined && l.pp > 1 ? `, pipeline send/recv on at most ${l.ppMaxCtas} CTAs` : ''}${l.gradAccumulation !== undefined && l.gradAccumulation !== 'fused' ? `, gradients accumulated ${l.gradAccumulation === 'fp32' ? 'into fp32' : 'by autograd'}` : ''}${l.crossEntropy === 'fused' ? ', fused cross-entropy' : ''}${l.layerNorm === 'apex' ? ", apex's two-pass layer norm" : ''}${l.pipelineEngine === 'deepspeed' && l.pp > 1 ? ", DeepSpeed's pipeline engine" : ''}${l.ppGradients === 'whole' && l.pp > 1 ? ', whole gradients sent down the pipeline' : ''}${l.pp > 1 && l.tp > 1 && !sh.sequenceParallelOn ? (ppTensorsOf(l) === 'scatter-gather' ? ', pipeline tensors sent 1/tp and all-gathered on arrival' : ', pipeline tensors sent whole by every tensor rank') : ''}${l.automatic ? ' (automatic: the job gives none)' : ''}`,
    `model: ${sh.layers} layers x ${sh.hiddenSize}, ${sh.heads ?? Math.round(sh.hiddenSize / 128)} heads${sh.mla ? ` (latent attention: kv rank ${sh.mla.kvLoraRank}${sh.mla.qLoraRank !== undefined ? `, q rank ${sh.mla.qLoraRank}` : ''}, ${sh.mla.qkNopeHeadDim + sh.mla.qkRopeHeadDim}/${sh.mla.vHeadDim} per head)` : sh.headDim !== undefined ? ` of ${sh.headDim}` : ''}${!sh.mla && sh.kvHeads !== undefined && sh.kvHeads < (sh.heads ?? Math.round(sh.hiddenSize / 128)) ? ` in ${sh.kvHeads} key/value groups` : ''}${sh.qkNorm === true ? ', QK norm' : ''}, FFN ${ffnWidthOf(sh)}${sh.gatedMlp ? ' gated' : ''}, vocabulary ${sh.vocab ?? DEFAULT_VOCAB} ${tiedEmbeddingsOf(sh) ? 'tied' : 'untied'}, sequence ${sh.seqLen}, ${st.tokens_per_step} tokens per step; attention ${sh.attentionKernel}, recompute ${sh.recomputeMode}, sequence parallel ${sh.sequenceParallelOn && l.tp > 1 ? 'on' : 'off'}${sh.kernels === 'eager' ? ', eager kernels (unfused norms, RoPE, SwiGLU, adds)' : ''}`,
    ...(sh.moe ? [`experts: ${sh.moe.experts} routed (top ${sh.moe.topK}, width ${sh.moe.expertFfnSize})${sh.moe.sharedExperts > 0 ? ` + ${sh.moe.sharedExperts} shared` : ''} in ${sh.layers - sh.moe.denseLayers} layers; ${fmtParams(activeParams(sh))} of ${fmtParams(sh.params)} parameters active per token`] : []),
    e.operatorModel ? 'kernels timed operator by operator (docs/calibration.md)' : 'kernels at one efficiency (the job\'s, or a kind without gemm_efficiency)',
    ...(e.placement.note !== undefined ? [`note: ${e.placement.note}`] : []),
    ...(e.placement.run_may_differ ? [RUN_PLACEMENT_NOTE] : []),
    ...(e.micro_batch_size_note ? [microBatchNoteLine(e.micro_batch_size_note, st.step_s, l.microBatches, l.automatic)] : []),
    ...(e.recompute_raised ? [`note: ${e.recompute_raised.note}`] : []),
    ...(e.layout_near_tie ? [nearTieLine(e.layout_near_tie)] : []),
    ...(e.ideal_note ? [`note: ${e.ideal_note.text}`] : []),
    ...(e.checkpoint_note !== undefined ? [`note: ${e.checkpoint_note}`] : []),
    ...(e.extrapolated ?? []).map((x) => `note: ${x}`),
    ...(e.fabric_note ? [`note: on ${e.sites ? `the fabrics of ${e.sites.join(' and ')} and the links between them` : `${e.fabric_note.datacentre}'s fabric`} the data-parallel rings get ${(e.fabric_note.ring_bytes_per_s / 1e9).toPrecision(3)} GB/s per rank even alone, less than their NICs' ${(e.fabric_note.nic_bytes_per_s / 1e9).toPrecision(3)} GB/s: the step below is timed at that (a run also shares it with other jobs and the pipeline's traffic)`] : []),
    '',
  ];
  return `${[...head, ...rows.map(line), '', ...memRows.map(line)].join('\n')}\n`;
}

function nearTieLine(t: NonNullable<Explanation['layout_near_tie']>): string {
  const slower = t.margin === 0 ? 'as fast' : `${(100 * t.margin).toFixed(t.margin < 0.001 ? 2 : 1)}% slower (${t.runner_up_step_s.toFixed(3)} s against ${t.chosen_step_s.toFixed(3)} s as the search timed them)`;
  return `note: a near-tie: the runner-up layout, ${t.runner_up}, is ${slower}, within the model's mean error over its calibration runs (${(100 * t.band).toFixed(2)}%, docs/calibration.md): either could be the faster, and results that rest on this job's layout (a policy ranking among them) rest on that choice. Give the job a layout to fix one`;
}

function microBatchNoteLine(n: NonNullable<Explanation['micro_batch_size_note']>, stepS: number, microBatches: number, automatic: boolean): string {
  const shorter = (100 * (1 - n.step_s / stepS)).toFixed(1);
  const faster = `the fastest size that fits, ${n.sequences} sequences (${n.micro_batches} micro-batch${n.micro_batches === 1 ? '' : 'es'}), gives a ${n.step_s.toFixed(3)} s step, ${shorter}% shorter`;
  if (automatic) return `note: the automatic layout takes one sequence per micro-batch, ${microBatches} of them (poolsim does not choose the size: docs/calibration.md, "Automatic layout"); ${faster}. To time a run with its own size, give the layout with layout.micro_batch_size`;
  return `note: the layout gives no micro-batch size, so each of the ${microBatches} micro-batches is one sequence; ${faster}. Published runs give theirs (Megatron-LM's --micro-batch-size): set layout.micro_batch_size to the run's`;
}

function fmtParams(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)}B` : `${(n / 1e6).toFixed(1)}M`;
}
