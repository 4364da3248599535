// The scenario file's schema: the single source of truth for the Scenario type and for the JSON
// Schema that editors use. Quantities with units are parsed here (via quantity.ts) into SI numbers.
import { z } from 'zod';
import { deviceSchema, fabricSchema, interconnectSchema } from './hardware-schema.js';
import { serviceSchema } from './service-schema.js';
import { topologySchema } from '../model/network/fabrics/registry.js';
import { normaliseName } from './did-you-mean.js';
import { distributionSchema } from './distribution.js';
import { expectSchema } from './expect-schema.js';
import { seedSchema } from './seed.js';
import { tenantsFromSchema, tenantsSchema } from './tenants-schema.js';
import { DEVICES_PER_NODE_RANGE, MAX_DEVICES_PER_NODE, MAX_NICS_PER_NODE } from './limits.js';
import { boundedNumber, count, distinctList, duration, flop, frequency, interval, power, rate, size } from './quantity.js';

/** Money per kWh; see datacentreSchema.electricity_price. */
const price = boundedNumber(0, 1e6);
/** kg CO2 per kWh; see datacentreSchema.carbon_intensity. */
const carbonIntensity = boundedNumber(0, 10);

const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'expected a name of letters, digits, . _ + -, starting with a letter or digit');

/** A policy by name (`fifo`), or with parameters (`{ name: easy-backfill, params: {...} }`). */
export const policyRefSchema = z.union([
  z.string().min(1).transform((name) => ({ name, params: {} as Record<string, unknown> })),
  z.strictObject({ name: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) }),
]);
export type PolicyRef = z.output<typeof policyRefSchema>;

/**
 * `schema` with no field defaulted: an override must hold only what its author wrote, so that merged
 * over a catalogue kind or preset it keeps that kind's `class`, `devices_per_node`, `vendor` or
 * `congestion_efficiency` (zod applies a default even to an optional field: `.partial()` alone would
 * write every default over the base). A whole new kind or preset is parsed again with the full
 * schema after the merge, which applies the defaults then.
 */
function withoutDefaults<T extends z.ZodObject>(schema: T): T {
  const shape = Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [key, field instanceof z.ZodDefault ? field.unwrap() : field]));
  return schema.extend(shape) as unknown as T;
}

/** Overrides of a built-in device kind, or a whole new kind (then every required field). */
export const deviceOverrideSchema = withoutDefaults(deviceSchema.extend({ interconnect: withoutDefaults(interconnectSchema).partial() })).partial();

/** Overrides of a built-in fabric preset, or a whole new preset (then every required field). */
export const fabricOverrideSchema = withoutDefaults(fabricSchema).partial();

export const fabricRefSchema = z.union([
  z.string().min(1).transform((preset) => ({ preset })),
  fabricOverrideSchema.extend({ preset: z.string().min(1) }).strict(),
]);

export const nodeGroupSchema = z.strictObject({
  name: identifier.optional(),
  /** Number of nodes. */
  count: z.number().int().positive(),
  /** Device kind, from the catalogue or the scenario's `devices`. */
  device: z.string().min(1),
  /** Devices per node; the kind's usual count when absent. */
  devices_per_node: z.number().int().positive().max(MAX_DEVICES_PER_NODE, { message: DEVICES_PER_NODE_RANGE }).optional(),
  /** Scale-out NICs per node (default: one per device). */
  nics: z.number().int().positive().max(MAX_NICS_PER_NODE, { message: `expected a whole number from 1 to ${MAX_NICS_PER_NODE} (the most built are a few per device: AWS p5 has 32 for 8 GPUs)` }).optional(),
  /** Rate of each NIC; the fabric's port rate when absent. */
  nic_rate: rate({ positive: true }).optional(),
  /** Host overhead per node (CPUs, memory, NICs, fans), drawn whether or not its devices are busy. */
  host_power: power().default(0),
  /** CPU cores per node that jobs asking for CPU share (unlimited when absent). */
  cpu: z.number().positive().finite().optional(),
  /** Host memory per node that jobs asking for memory share (unlimited when absent). */
  memory: size({ positive: true }).optional(),
});

/** A node list from a trace (Alibaba openb) that becomes node groups of this data centre. */
export const traceNodesSchema = z.strictObject({
  format: z.literal('alibaba-openb'),
  /** Node list CSV, relative to the scenario file. */
  path: z.string().min(1),
  /** Trace GPU model -> catalogue device kind (for models the catalogue does not know by name). */
  device_map: z.record(z.string(), z.string()).default({}),
});

export const datacentreSchema = z.strictObject({
  name: identifier,
  /** Power usage effectiveness: facility power / IT power, in [1, 10] (the best sites run at 1.05, old ones near 2.5). */
  pue: boundedNumber(1, 10).default(1.0),
  /**
   * Price per kWh, in the scenario's currency: one figure, or 24 hourly figures (a daily profile).
   * At most 1e6 per kWh: above every tariff in any currency in use. Not given: the energy is not
   * priced, and `energy_cost` is left empty rather than counted as free (write 0 for free energy).
   */
  electricity_price: z.union([price, z.array(price).length(24)]).optional(),
  /**
   * kg CO2 per kWh: one figure, or 24 hourly figures (a daily profile). In [0, 10]: the dirtiest
   * grids emit about 1.2. Not given: `co2_kg` is left empty (write 0 for carbon-free power).
   */
  carbon_intensity: z.union([carbonIntensity, z.array(carbonIntensity).length(24)]).optional(),
  /** Scale-out fabric: a preset name or a preset with overrides. */
  fabric: fabricRefSchema.optional(),
  /**
   * The switch fabric inside the site, by `kind` (src/model/network/fabrics/): leaf-spine (the
   * default), fat-tree, rail-optimized, torus, dragonfly or graph.
   */
  topology: topologySchema.optional(),
  /** Without `topology`: nodes per leaf switch of the leaf-spine fabric (default 16). */
  nodes_per_leaf: z.number().int().positive().optional(),
  /** Without `topology`: the leaf-spine fabric's leaf downlink : uplink ratio (default 1), at most 1000. */
  oversubscription: boundedNumber(1, 1000).optional(),
  node_groups: z.array(nodeGroupSchema).default([]),
  /** Node groups read from a trace's node list, added to `node_groups`. */
  nodes_from: traceNodesSchema.optional(),
});

export const linkSchema = z.strictObject({
  name: identifier.optional(),
  /** The two data centres it joins (full duplex). */
  between: z.tuple([identifier, identifier]),
  latency: duration(),
  bandwidth: rate({ positive: true }),
  /** Fraction of bandwidth usable by data (protocol overheads). */
  efficiency: z.number().gt(0).lte(1).default(1),
  /**
   * Window per connection (TCP window, RDMA in-flight bytes), a size: '16MiB', '4MB', or a bare
   * number of bytes. Caps each connection at window / RTT; a job's traffic between two nodes uses
   * one connection per NIC rail, a transfer its `connections`.
   */
  window: size({ positive: true }).optional(),
});

/** Model shape beyond its size; defaults come from well-known families of that size. */
export const modelShapeSchema = z.strictObject({
  layers: z.number().int().positive().optional(),
  hidden_size: z.number().int().positive().optional(),
  /** Tokens per sequence. */
  seq_len: count({ positive: true }).optional(),
  /** Tokens per optimizer step (global batch), e.g. '16M'. */
  global_batch: count({ positive: true }).optional(),
  /** Attention heads (default hidden_size / head_dim where head_dim is given, else hidden_size / 128). */
  heads: z.number().int().positive().optional(),
  /** Key/value heads for grouped-query attention (default: heads). */
  kv_heads: z.number().int().positive().optional(),
  /** Width of one attention head (default hidden_size / heads); Qwen3, GPT-OSS and Gemma set it apart from the hidden size. */
  head_dim: z.number().int().positive().optional(),
  /** Norms over each query and key head before the attention core (Qwen3's `qk_layernorm`, OLMo 2, Gemma 3). Default false. */
  qk_norm: z.boolean().optional(),
  /** Multi-head latent attention (DeepSeek-V2, V3), with the widths of the model's published configuration. */
  mla: z
    .strictObject({
      q_lora_rank: z.number().int().positive().optional(),
      kv_lora_rank: z.number().int().positive(),
      qk_nope_head_dim: z.number().int().positive(),
      qk_rope_head_dim: z.number().int().nonnegative(),
      v_head_dim: z.number().int().positive(),
    })
    .optional(),
  /** FFN inner width (default 4 x hidden_size, 8/3 x with gated_mlp). */
  ffn_size: z.number().int().positive().optional(),
  /** SwiGLU-style gated MLP (three FFN matrices), as Llama. Default false. */
  gated_mlp: z.boolean().optional(),
  /** Vocabulary size: the output layer's width (default 51200). */
  vocab: z.number().int().positive().optional(),
  /**
   * Activation recomputation: 'full' (each layer's forward again in the backward pass, keeping
   * only its input), 'selective' (attention scores only), 'op' (TorchTitan's per-op selective
   * checkpointing: op-recompute.ts), 'none'; true = 'full', false = 'selective' (the default).
   * src/model/memory.ts and layer-compute.ts.
   */
  recompute: z.union([z.boolean(), z.enum(['none', 'selective', 'full', 'op'])]).optional(),
  /**
   * 'standard' (score GEMMs, softmax and dropout through memory, as the published runs of
   * 2020-2022 ran; the default), 'flash' (FlashAttention-2 class, any stack since mid-2023) or
   * 'flash1' (FlashAttention-1 class: flash-attn 0.x, its Triton port, 2022-2023) or 'flash3'
   * (FlashAttention-3 / cuDNN's fused attention on Hopper: flash3-rate.ts).
   */
  attention: z.enum(['flash', 'flash1', 'flash3', 'standard']).optional(),
  /** Megatron sequence parallelism for norms and dropouts (default: on with flash attention, off with standard). */
  sequence_parallel: z.boolean().optional(),
  /** Dropout probability of hidden states and attention probabilities; 0 runs no dropout kernels (default 0.1). */
  dropout: z
    .number()
    .gte(0, { message: 'expected a dropout probability in [0, 1)' })
    .lt(1, { message: 'expected a dropout probability in [0, 1)' })
    .optional(),
  /**
   * Which kernels run the block's norms, rotary embedding, SwiGLU and residual adds: 'fused' (the
   * default: one fused kernel each, torch.compile or Megatron-LM) or 'eager' (PyTorch eager as
   * TorchTitan's Llama runs them: src/model/elementwise-kernels.ts).
   */
  kernels: z.enum(['fused', 'eager']).optional(),
  /** Whether the output layer shares the embedding's matrix (default true, as GPT-2/3 and Megatron-LM's GPT; false for LLaMA-style models). */
  tied_embeddings: z.boolean().optional(),
  /** Bytes per gradient element in the data-parallel reduction (4 = fp32), at most 16. */
  gradient_bytes: boundedNumber(0, 16, { above: true }).optional(),
  /** GEMM precision: 'bf16' (the default), 'fp16' (timed as bf16) or 'fp8' (Transformer Engine: layer GEMMs in FP8). */
  precision: z.enum(['bf16', 'fp16', 'fp8']).optional(),
  /**
   * FP8 parameters (with precision fp8): the layers' weights held in FP8 only (Transformer Engine's
   * fp8_model_init, NeMo's `fp8_params`), so the sharded data-parallel gather moves one byte a weight.
   */
  fp8_params: z.boolean().optional(),
  /**
   * NeMo's distributed Adam on a bf16 model (apex DistributedFusedAdam's `store_param_remainders`):
   * the fp32 master weights kept as the low 16 bits the bf16 parameters lack, 2 bytes a parameter.
   */
  store_param_remainders: z.boolean().optional(),
  /** Mixture-of-experts FFNs (src/model/moe.ts); absent for a dense model. */
  moe: z
    .strictObject({
      experts: z.number().int().positive(),
      top_k: z.number().int().positive(),
      ffn_size: z.number().int().positive().optional(),
      shared_experts: z.number().int().nonnegative().optional(),
      dense_layers: z.number().int().nonnegative().optional(),
      /** Node-limited routing: each token's experts lie on at most this many nodes (DeepSeek-V3: 4). */
      max_nodes: z.number().int().positive().optional(),
    })
    .optional(),
});

/** Parallel layout; tp x cp x pp x dp must equal the job's devices. Automatic when absent. */
export const layoutSchema = z.strictObject({
  tp: z.number().int().positive(),
  /** Context parallelism: each sequence split over cp ranks (ring / all-gather attention). */
  cp: z.number().int().positive().default(1),
  /** Expert parallelism: each MoE layer's experts spread over ep data-parallel ranks. */
  ep: z.number().int().positive().default(1),
  /**
   * Expert tensor parallelism: each routed expert split over etp ranks (default tp). The expert
   * layers regroup tp x cp x dp ranks as etp x ep x expert-data-parallel (parallel folding).
   */
  etp: z.number().int().positive().optional(),
  /**
   * How tokens reach their experts: 'all-to-all' (one copy per routed expert, Megatron-Core's
   * all-to-all dispatcher; the default) or 'per-node' (one copy per destination node over the
   * fabric, fanned out over the interconnect: DeepSeek's kernels, DeepEP, HybridEP).
   */
  ep_dispatch: z.enum(['all-to-all', 'per-node']).optional(),
  /** Fraction of the expert-parallel all-to-all hidden behind compute (DualPipe, 1F1B all-to-all overlap); default 0. */
  ep_overlap: z.number().min(0).max(1).optional(),
  /**
   * How the tensor-parallel collectives overlap their GEMMs: 'none' (the default), 'ring-exchange' or
   * 'pipelined' (Transformer Engine's userbuffers), 'async' (PyTorch's async TP). See tp-overlap.ts.
   */
  tp_overlap: z.enum(['none', 'ring-exchange', 'pipelined', 'async']).optional(),
  /**
   * Fraction of the window that can hide the data-parallel gradient synchronisation (the last
   * micro-batch's backward) during which it progresses; default 0.9 (PyTorch DDP, FSDP). 0 for a
   * stack that reduces only after the backward (Megatron-LM's local DDP, DeepSpeed's pipeline engine).
   */
  dp_overlap: z.number().min(0).max(1).optional(),
  /**
   * Fraction of the pipeline's send/recv time hidden behind compute; default 0.5. 0 for a stack
   * whose send/recv block the stage (Megatron-LM of 2021, DeepSpeed's pipeline engine).
   */
  pp_overlap: z.number().min(0).max(1).optional(),
  /**
   * The most CTAs (SMs) NCCL runs the data-parallel collectives on (Megatron-Core's
   * MEGATRON_CORE_DP_MAX_CTAS); absent: NCCL's channel count for the path.
   */
  dp_max_ctas: z.number().int().positive().optional(),
  /** The most CTAs NCCL runs the pipeline's send/recv on (MEGATRON_CORE_P2P_MAX_CTAS). */
  pp_max_ctas: z.number().int().positive().optional(),
  /**
   * How gradients accumulate over micro-batches: 'fused' (in the weight-gradient GEMM; the
   * default), 'autograd' (PyTorch adds each micro-batch's half-precision gradient into .grad) or
   * 'fp32' (added into fp32 gradients every micro-batch, DeepSpeed's BF16_Optimizer).
   */
  grad_accumulation: z.enum(['fused', 'autograd', 'fp32']).optional(),
  /**
   * The loss over the vocabulary: 'unfused' (Megatron-LM's vocab-parallel cross-entropy on fp32
   * logits; the default) or 'fused' (Transformer Engine's fused kernel, Megatron-Core's
   * cross_entropy_loss_fusion as Megatron-Bridge runs it).
   */
  cross_entropy: z.enum(['unfused', 'fused']).optional(),
  /**
   * The layer-norm kernels: 'persistent' (one-pass, about the streaming rate; the default) or
   * 'apex' (apex's FusedLayerNorm as Megatron-LM ran it until October 2021: slower, and a backward
   * that reads its inputs twice).
   */
  layer_norm: z.enum(['persistent', 'apex']).optional(),
  /**
   * The pipeline engine: 'megatron' (1F1B with paired exchanges; the default) or 'deepspeed'
   * (DeepSpeed's PipelineEngine: separate blocking send and receive instructions, the output
   * all-gathered again before the backward; pp_overlap and dp_overlap 0 unless given).
   */
  pipeline_engine: z.enum(['megatron', 'deepspeed']).optional(),
  /**
   * The gradient a tensor rank sends back down the pipeline: 'partitioned' (1/tp of it; the
   * default) or 'whole' (DeepSpeed's pipeline engine through v0.5.3, DeeperSpeed for GPT-NeoX-20B).
   */
  pp_gradients: z.enum(['partitioned', 'whole']).optional(),
  /**
   * How the pipeline sends tensors not split by sequence: 'scatter-gather' (1/tp from each tensor
   * rank, all-gathered over the tensor group on arrival: Megatron-LM 2021 to March 2023, DeepSpeed's
   * pipeline engine) or 'whole' (every tensor rank sends it all: Megatron-Core). Absent:
   * scatter-gather with pipeline_engine: deepspeed, else whole.
   */
  pp_tensors: z.enum(['scatter-gather', 'whole']).optional(),
  pp: z.number().int().positive().default(1),
  dp: z.number().int().positive(),
  micro_batches: z.number().int().positive().optional(),
  /** Sequences per micro-batch (Megatron-LM's --micro-batch-size), instead of `micro_batches`. */
  micro_batch_size: z.number().int().positive().optional(),
  virtual_stages: z.number().int().positive().default(1),
  /** Megatron's --microbatch-group-size-per-virtual-pipeline-stage (interleaved schedule): pp when absent. */
  microbatch_group_size_per_vp_stage: z.number().int().positive().optional(),
  /**
   * A pipeline partition of the model's own: transformer layers on each stage, first to last (one
   * entry per stage, summing to the model's layers). Absent: the layers spread evenly.
   */
  stage_layers: z.array(z.number().int().positive()).min(1).optional(),
  /**
   * Sharded data parallelism (ZeRO-2 / FSDP without resharding): weight all-gather + gradient
   * reduce-scatter, and gradients and optimizer state take 1/dp of the memory.
   */
  sharded: z.boolean().default(false),
  /**
   * ZeRO stage: 1 shards the optimizer state over data-parallel ranks, 2 also the gradients
   * (= sharded: true), 3 (FSDP with resharding) also the weights, gathered for every
   * micro-batch. Overrides `sharded`.
   */
  zero: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
});

/** What a training job computes: a model and its tokens, or a duration on a reference device kind. */
const trainingWorkFields = {
  model: modelShapeSchema.optional(),
  layout: layoutSchema.optional(),
  /** Model parameters (e.g. 175e9 or '175B'). */
  params: count({ positive: true }).optional(),
  /** Training tokens. */
  tokens: count({ positive: true }).optional(),
  /** Useful work directly, in FLOP (alternative to params and tokens). */
  work: flop({ positive: true }).optional(),
  /** Kernel efficiency override for this job (fraction of peak its compute reaches). */
  efficiency: z.number().gt(0).lte(1).optional(),
  /** Device kind a `duration` refers to (its run time there, alone). */
  reference_device: z.string().optional(),
  /** Allowed device kinds (any when absent). */
  device_kinds: distinctList(z.string().min(1), normaliseName).optional(),
  priority: z.number().int().default(0),
  /** The tenant queue it is submitted to (one of `tenants.queues`). */
  queue: identifier.optional(),
  /** Its row of the scenario's `throughputs` matrix: its speed per device kind. */
  job_type: identifier.optional(),
  /** CPU cores the whole job needs besides its devices (spread over its nodes like its devices). */
  cpu: z.number().positive().finite().optional(),
  /** Host memory the whole job needs. */
  memory: size({ positive: true }).optional(),
};

export const jobSchema = z.strictObject({
  name: identifier.optional(),
  submit: duration().default(0),
  devices: z.number().int().positive(),
  duration: duration({ positive: true }).optional(),
  ...trainingWorkFields,
});

const arrivalSchema = z.discriminatedUnion('process', [
  z.strictObject({
    process: z.literal('poisson'),
    /** Mean arrival rate ('10/h'); or give mean_interval. */
    rate: frequency({ positive: true }).optional(),
    mean_interval: interval({ positive: true }).optional(),
  }),
  z.strictObject({ process: z.literal('fixed'), interval: interval({ positive: true }) }),
]);

export const generatorSchema = z.strictObject({
  name: identifier.optional(),
  /** Number of jobs to generate; or give `until`. */
  count: z.number().int().positive().optional(),
  /** Stop generating at this time. */
  until: duration().optional(),
  /** Time of the first arrival. */
  start: duration().default(0),
  arrival: arrivalSchema,
  devices: distributionSchema(z.number().int().positive()),
  duration: distributionSchema(duration({ positive: true })).optional(),
  params: distributionSchema(count({ positive: true })).optional(),
  tokens: distributionSchema(count({ positive: true })).optional(),
  efficiency: z.number().gt(0).lte(1).optional(),
  reference_device: z.string().optional(),
  device_kinds: distinctList(z.string().min(1), normaliseName).optional(),
  priority: distributionSchema(z.number().int()).optional(),
  model: modelShapeSchema.optional(),
  /** The tenant queue its jobs are submitted to (one of `tenants.queues`). */
  queue: identifier.optional(),
  /** Its jobs' row of the scenario's `throughputs` matrix. */
  job_type: identifier.optional(),
  /** CPU cores and host memory each of its jobs needs. */
  cpu: z.number().positive().finite().optional(),
  memory: size({ positive: true }).optional(),
});

export const transferSchema = z.strictObject({
  name: identifier,
  from: identifier,
  to: identifier,
  size: size({ positive: true }),
  /** Start time (when neither `after` nor `before` ties it to a job). */
  start: duration().default(0),
  /** Start when this job finishes (e.g. moving its checkpoint). */
  after: z.string().optional(),
  /** This job is held until the transfer completes (e.g. its dataset must arrive first). */
  before: z.string().optional(),
  /** Parallel connections (streams) it opens; each is capped at a link's window / RTT. */
  connections: z.number().int().positive().default(1),
});
export type TransferSpec = z.output<typeof transferSchema>;

/**
 * A column of a csv mapping: its header name, or with `header: false` its number (1 is the first),
 * written as YAML writes a number (`submit: 5`) or as a string ('5').
 */
const csvColumn = z.union([z.string(), z.number().int().positive().transform(String)]);

/** Jobs replayed from a recorded trace. */
/** A column mapping for a `csv` trace (scenario/traces/generic-csv.ts); also `poolsim trace inspect --mapping`. */
export const csvMappingSchema = z.strictObject({
  submit: csvColumn,
  duration: csvColumn.optional(),
  end: csvColumn.optional(),
  start: csvColumn.optional(),
  devices: csvColumn,
  devices_unit: z.enum(['gpus', 'percent', 'tres']).optional(),
  instances: csvColumn.optional(),
  gpu_milli: csvColumn.optional(),
  allowed_models: csvColumn.optional(),
  id: csvColumn.optional(),
  group: csvColumn.optional(),
  time_format: z.enum(['seconds', 'iso', 'unix']).optional(),
  time_unit: z.enum(['s', 'ms', 'us', 'min', 'h']).optional(),
  time_zone: z.string().optional(),
  models_separator: z.string().optional(),
  delimiter: z.enum(['comma', 'tab', 'semicolon', 'pipe', 'space']).optional(),
  header: z.boolean().optional(),
  /** Keep only the rows whose `column` holds one of `keep`: a trace's completed jobs, say. */
  filter: z.strictObject({ column: csvColumn, keep: z.array(z.string()).min(1) }).optional(),
});

export const traceWorkloadSchema = z.strictObject({
  name: identifier.optional(),
  format: z.enum(['alibaba-openb', 'philly', 'csv']),
  /** Job trace file, relative to the scenario file. */
  path: z.string().min(1),
  /** Column mapping, for format csv. */
  mapping: csvMappingSchema.optional(),
  /** The device kind the recorded run times were measured on. */
  reference_device: z.string().optional(),
  /** Kernel efficiency on the reference kind (its catalogue figure when absent). */
  efficiency: z.number().gt(0).lte(1).optional(),
  /**
   * How a recorded run time carries over to other device kinds: 'fixed' (the same run time on any
   * kind: the trace does not say where the job ran) or 'scale' (work = run time on the reference
   * kind; faster kinds finish sooner).
   */
  runtime: z.enum(['fixed', 'scale']).default('fixed'),
  /** Trace GPU model -> catalogue device kind. */
  device_map: z.record(z.string(), z.string()).default({}),
  /** Keep jobs submitted in [start, end) of the trace's time (at most MAX_TIME_S, 1e10 s). */
  window: z.strictObject({ start: duration().default(0), end: duration().optional() }).optional(),
  /** Keep this fraction of jobs, chosen by a hash of each id and the run's seed (or `sample_seed`). */
  sample: z.number().gt(0).lte(1).optional(),
  /** Pins the jobs `sample` keeps to this seed, the same for every run and seed of an experiment. */
  sample_seed: seedSchema.optional(),
  /** Multiply submit times: 0.5 halves inter-arrival times (doubles the load). In (0, 1e6]. */
  time_scale: boundedNumber(0, 1e6, { above: true }).optional(),
  max_jobs: z.number().int().positive().optional(),
  /** Keep never-scheduled Alibaba pods (run time = deletion - creation). */
  include_pending: z.boolean().default(false),
  /** Priority per QoS class or group (default 0). */
  priority: z.record(z.string(), z.number().int()).default({}),
  /** The tenant queue its jobs are submitted to (one of `tenants.queues`). */
  queue: identifier.optional(),
  /**
   * Tenant queues read from the trace instead of one `queue`: each job goes to the queue its
   * `field` names (Philly's virtual cluster, the csv mapping's group column, Alibaba's QoS class),
   * through `map` where it lists the value; `default` takes every other value (without it, a value
   * that names no queue is an error at its line).
   */
  queue_from: z
    .strictObject({
      field: z.enum(['group', 'qos']).default('group'),
      map: z.record(z.string(), identifier).default({}),
      default: identifier.optional(),
    })
    .optional(),
});

/** A failure process: time between failures (per unit: device, node or link) and repair time. */
export const failureProcessSchema = z.strictObject({
  /** Mean time between failures of one unit (any length: beyond the run's it means "no failure"). */
  mtbf: interval({ positive: true }),
  distribution: z.enum(['exponential', 'weibull']).default('exponential'),
  /**
   * Weibull shape k (k < 1: failures cluster early, as infant mortality does), in [0.1, 10]: field
   * data fits 0.3 to 5, and below 0.1 the scale mtbf / Gamma(1 + 1/k) underflows to zero.
   */
  shape: boundedNumber(0.1, 10).default(1),
  /** Time to repair or replace; the unit is out of service meanwhile. */
  repair: interval().default(3600),
});

/** One failure of a named fabric switch or link at a given time (exactly one of `switch`, `link`). */
export const fabricFailureEventSchema = z.strictObject({
  /** When it fails. */
  at: duration(),
  /** A switch, as its tier and place name it (`spine:<dc>:<i>`, `leaf:<dc>:<i>`, `agg:<dc>:<pod>:<i>`...). */
  switch: z.string().min(1).optional(),
  /** A link (cable, both directions), by either direction's name in links.csv. */
  link: z.string().min(1).optional(),
  /** Time to repair it. */
  repair: interval().default(3600),
});

/** Failures of the switches and links inside the data centres' fabrics: flows reroute around them. */
export const fabricFailuresSchema = z.strictObject({
  /** Every switch of every data centre's fabric, each with its own failure clock. */
  switches: failureProcessSchema.optional(),
  /** Every link between switches (a cable, both directions) of every data centre's fabric. */
  links: failureProcessSchema.optional(),
  /** Failures of named switches and links at given times. */
  events: z.array(fabricFailureEventSchema).default([]),
});

export const failuresSchema = z.strictObject({
  /** Per device kind. */
  devices: z.record(z.string(), failureProcessSchema).default({}),
  /** Whole-node failures (host, NIC, power), any kind. */
  nodes: failureProcessSchema.optional(),
  /** Inter-DC link failures. */
  links: failureProcessSchema.optional(),
  /** Switch and link failures inside the data centres' fabrics (their own stream); flows reroute around them. */
  fabric: fabricFailuresSchema.optional(),
  /** Devices that run slower than nominal, per kind: a synchronous job runs at its slowest device's pace. */
  stragglers: z.record(z.string(), z.strictObject({ fraction: z.number().min(0).max(1), slowdown: z.number().gt(0).lte(1) })).default({}),
});

export const checkpointingSchema = z.strictObject({
  /** Progress time between checkpoints, or 'auto' for Young/Daly from the job's failure rate and checkpoint cost. */
  interval: z.union([z.literal('auto'), interval({ positive: true })]).default('auto'),
  /** Time to write one checkpoint (no progress meanwhile). */
  cost: duration().default(60),
  /** Time to write the checkpoint saved after the last step (default: cost; 0s: none). */
  final_cost: duration().optional(),
  /** Time to restart from a checkpoint after a failure (reschedule, load, warm up). */
  restart: duration().default(300),
});

export const workloadSchema = z.union([
  z.strictObject({ jobs: z.array(jobSchema).min(1) }),
  z.strictObject({ generator: generatorSchema }),
  z.strictObject({ trace: traceWorkloadSchema }),
]);

export const scenarioSchema = z.strictObject({
  name: identifier,
  description: z.string().default(''),
  seed: seedSchema.default(1),
  /** Stop the simulation here; jobs still running or waiting are reported as such. */
  horizon: duration({ positive: true }).optional(),
  /** Catalogue overrides and new device kinds. */
  devices: z.record(identifier, deviceOverrideSchema).default({}),
  /** Fabric preset overrides and new presets. */
  fabrics: z.record(identifier, fabricOverrideSchema).default({}),
  datacentres: z.array(datacentreSchema).min(1),
  links: z.array(linkSchema).default([]),
  /** Training workloads; may be left out when the scenario has `services` (checked by the loader). */
  workloads: z.array(workloadSchema).min(1).default([]),
  /** Inference services: replicas, load balancer and request streams (scenario/service-schema.ts). */
  services: z.array(serviceSchema).default([]),
  /** Which waiting job next. */
  policy: policyRefSchema.default({ name: 'fifo', params: {} }),
  /** Which devices for it. */
  placement: policyRefSchema.default({ name: 'first-fit', params: {} }),
  /**
   * Network model: 'flow' shares every link max-min fairly between the flows crossing it and
   * derives training step times from it; 'ideal' ignores the network (rate = devices x peak x
   * kernel efficiency, an FP8 job's GEMMs at the FP8 rate: model/device-rate.ts), as scheduler
   * simulators without a network do.
   */
  network: z.enum(['flow', 'ideal']).default('flow'),
  /** Data transfers between data centres (datasets, checkpoints), before or after jobs. */
  transfers: z.array(transferSchema).default([]),
  /** What `poolsim check` verifies (thresholds, relations between policies). */
  expect: expectSchema.optional(),
  /** Hardware failures, repairs and stragglers (their own random stream: off changes nothing else). */
  failures: failuresSchema.optional(),
  /** Periodic checkpoints of training jobs, and the cost of restarting from one after a failure. */
  checkpointing: checkpointingSchema.optional(),
  /**
   * Tenants: queues with quotas per device kind, cohorts that borrow and lend, preemption and fair
   * sharing (Kueue's semantics), an admission layer in front of the scheduling policy.
   */
  tenants: tenantsSchema.optional(),
  /** Tenants read from Kueue manifests instead of `tenants` (scenario/kueue-manifests.ts). */
  tenants_from: tenantsFromSchema.optional(),
  /**
   * Measured throughput per job type and device kind (Gavel's matrix: steps/s, or any unit, only
   * ratios within a row count): a job with `job_type` runs at its row's speed on each kind instead
   * of at peak x efficiency, and only on kinds its row lists with a positive figure.
   */
  throughputs: z.record(identifier, z.record(z.string().min(1), z.number().nonnegative().finite())).default({}),
  /** What suspending a running job costs (preemptive policies pay it). */
  preemption: z
    .strictObject({
      /** Time to write a checkpoint when preempted; devices stay held, no progress. */
      checkpoint: duration().default(60),
      /** Time to restore from it on restart; devices held, no progress. Also a failed job's restart where no `checkpointing` is given. */
      restore: duration().default(60),
    })
    .default({ checkpoint: 60, restore: 60 }),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type DatacentreSpec = z.output<typeof datacentreSchema>;
export type NodeGroupSpec = z.output<typeof nodeGroupSchema>;
export type JobSpec = z.output<typeof jobSchema>;
export type GeneratorSpec = z.output<typeof generatorSchema>;
export type LinkSpec = z.output<typeof linkSchema>;
