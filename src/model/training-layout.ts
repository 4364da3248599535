// Shape of a training job (model size, sequence, batch) and how it is split over devices
// (tensor x pipeline x data parallel): defaults from well-known model families, an automatic
// layout that fits in device memory for jobs that give only a device count, and validation of
// user-given layouts.
import type { TpOverlap } from './tp-overlap.js';
import type { LayoutSpec, ShapeOverrides } from './job.js';
import type { ElementwiseKernels } from './elementwise-kernels.js';
import type { LayerNormKernel } from './layer-norm.js';
import { memoryPerDevice, type DeviceMemory, type Recompute } from './memory.js';
import { activeParams, type MoeShape } from './moe.js';
import { shapeWeights } from './shape-weights.js';
import { DEFAULT_HEAD_DIM, DEFAULT_VOCAB, headsOf, sequenceParallelOf, tiedEmbeddingsOf } from './shape-defaults.js';
import { countOf } from '../units/count-noun.js';

/**
 * Multi-head latent attention's widths, named as the models' published configurations name them
 * (DeepSeek-V3: q_lora_rank 1536, kv_lora_rank 512, qk_nope_head_dim 128, qk_rope_head_dim 64,
 * v_head_dim 128).
 */

/** The attention kernels a shape can name (TrainingShape.attention). */
export type AttentionKernel = 'flash' | 'flash1' | 'flash3' | 'standard';
export interface MlaShape {
  /** Rank of the queries' low-rank bottleneck; absent: queries projected straight from the hidden state (DeepSeek-V2-Lite). */
  qLoraRank?: number;
  /** Rank of the compressed key-value latent. */
  kvLoraRank: number;
  /** Per-head query/key width without positional encoding. */
  qkNopeHeadDim: number;
  /** Per-head query/key width carrying the rotary encoding (shared key across heads). */
  qkRopeHeadDim: number;
  /** Per-head value width. */
  vHeadDim: number;
}

/** What the step-time model needs to know about the model being trained. */
export interface TrainingShape {
  /** Parameter count (embeddings included, as published model sizes count them). */
  params: number;
  /** Transformer layers (blocks). */
  layers: number;
  /** Model (residual stream) width. */
  hiddenSize: number;
  /** Tokens per sequence. */
  seqLen: number;
  /** Tokens per optimizer step across the whole job (global batch). */
  globalBatchTokens: number;
  /** Bytes per weight/activation element: 2 for bf16/fp16. */
  precisionBytes: number;
  /**
   * FP8 training as Transformer Engine runs it: the transformer layers' GEMMs in FP8 at the
   * kind's FP8 peak (an FP8 copy of their weights kept beside the bf16 ones); attention, the
   * output layer, element-wise kernels and communication stay in bf16. Default false.
   */
  fp8?: boolean;
  /**
   * FP8 parameters (with `fp8`): the transformer layers' weights are held in FP8 only, without the
   * bf16 copy (Transformer Engine's `fp8_model_init`, NeMo's `fp8_params`, MLPerf GPT-3 v4.0's
   * `FP8_PARAMS=True`); the fp32 master weights stay with the optimizer. A layer weight then takes one
   * byte in memory instead of 2 + 1, and the sharded data-parallel gather moves one byte a layer weight
   * (Megatron-Core's distributed optimizer and Apex's distributed Adam gather the FP8 weights); the
   * word embedding and output layer stay in `precisionBytes`. Default false.
   */
  fp8Params?: boolean;
  /**
   * fp16 mixed precision with loss scaling (`model.precision: fp16`): timed as bf16 but for the
   * optimizer step, which first unscales the fp32 gradients and checks them for inf/NaN
   * (OPTIMIZER_FP16_UNSCALE_BYTES_PER_PARAM). Default false.
   */
  lossScaling?: boolean;
  /** Full activation recomputation (shorthand for recompute: 'full'). */
  activationRecompute: boolean;
  /**
   * Bytes per gradient element in the data-parallel reduction; defaults to `precisionBytes`.
   * Llama 3 reduce-scatters gradients in fp32 (4) for numerical stability.
   */
  gradientBytes?: number;
  /** fp32 master weights kept as 16-bit remainders of the bf16 ones (`store_param_remainders`): Adam's state 10 bytes a parameter, not 12. */
  storeParamRemainders?: boolean;
  /** FFN width / hidden, 4 for GPT-style models (used when ffnSize is absent). */
  ffnMultiplier?: number;
  /** Vocabulary size (the output layer's width); DEFAULT_VOCAB when absent. */
  vocab?: number;
  /** Attention heads; hiddenSize / 128 when absent (a model that gives head_dim and no heads has hiddenSize / headDim, set when resolved). */
  heads?: number;
  /**
   * The width is poolsim's own stand-in, interpolated from params between published families (no
   * family matched, no width or heads given): its hidden / 128 heads are not a model's, so no
   * tensor-parallel degree is refused on them (tpDividesHeads).
   */
  widthInterpolated?: true;
  /** Key/value heads (grouped-query attention); `heads` when absent. */
  kvHeads?: number;
  /**
   * Width of one attention head; hiddenSize / heads when absent. Models whose heads x headDim
   * differs from the hidden size (Qwen3: 64 x 128 on 4096; GPT-OSS: 64 x 64 on 2880) have
   * projections of that width and an attention core of heads x headDim.
   */
  headDim?: number;
  /**
   * A norm over every query and key head before the attention core (Qwen3's `qk_layernorm`: Megatron-Core
   * runs TENorm over each head's head_dim values of the query and the key, attention.py). Default false.
   */
  qkNorm?: boolean;
  /** Multi-head latent attention (DeepSeek-V2, V3) instead of multi-head or grouped-query attention. */
  mla?: MlaShape;
  /** FFN (MLP inner) width; ffnMultiplier x hiddenSize, else 4 x hiddenSize (8/3 x when gated). */
  ffnSize?: number;
  /** Gated MLP (SwiGLU, as Llama): three FFN matrices instead of two. Default false (GPT). */
  gatedMlp?: boolean;
  /**
   * Which activations are recomputed in the backward pass (memory.ts): 'full' (every layer's
   * forward again), 'selective' (attention scores only, Korthikanti et al. 2022), 'op' (TorchTitan's
   * per-op selective checkpointing: every second matmul of the block again, op-recompute.ts), 'none'.
   * Absent: 'full' when activationRecompute, else 'selective'.
   */
  recompute?: Recompute;
  /**
   * Attention kernel: 'flash' (FlashAttention-2 class: scores never reach memory, causal blocks
   * skipped), 'flash1' (FlashAttention-1 class, 2022-2023: the same memory and work at under half
   * the rate, layer-compute.ts), 'flash3' (FlashAttention-3 class on Hopper: the same memory and work
   * at its published speed-up, flash3-rate.ts) or 'standard' (batched GEMMs with the s x s scores written out,
   * softmax and dropout as memory-bound kernels). Default 'standard': the published large runs
   * this model is checked on (Megatron-LM, BLOOM, OPT, MT-NLG, 2020-2022) all ran it; set 'flash'
   * for a modern stack.
   */
  attention?: AttentionKernel;
  /**
   * Megatron sequence parallelism (Korthikanti et al. 2022): norms and dropouts run on 1/tp of the
   * tokens. Default: on with FlashAttention, off with standard attention (every tensor rank
   * repeats them, as before 2022).
   */
  sequenceParallel?: boolean;
  /**
   * Dropout probability of the hidden states and the attention probabilities. Any value above 0
   * (Megatron-LM's 0.1 when absent, as the published runs of 2020-2022) runs the dropout kernels
   * and keeps their one-byte masks; 0 (LLaMA, GPT-NeoX-20B, most runs since 2022) runs neither:
   * PyTorch's dropout returns its input unchanged at p = 0.
   */
  dropout?: number;
  /**
   * Whether the output layer shares the word embedding's matrix (tied input and output embeddings).
   * Absent: tied, as GPT-2 and GPT-3 (which keeps GPT-2's architecture), OPT, BLOOM, MT-NLG and
   * Megatron-LM's GPT (`MegatronModule(share_word_embeddings=True)` at the SC21 commit 6985e58938;
   * tied since unless `--untie-embeddings-and-output-weights`) run it. false: an output layer of
   * its own (LLaMA, Llama 2 and 3, GPT-NeoX-20B, Mistral, DeepSeek-V2 and V3, Qwen3, GPT-OSS:
   * `tie_word_embeddings: false` in their configurations), counted twice in `params`. With
   * pipeline parallelism the first stage holds the embedding and the last the output layer (a
   * copy of the embedding when tied, whose gradients the two stages all-reduce after the
   * backward: shape-weights.ts, step-time.ts).
   */
  tiedEmbeddings?: boolean;
  /**
   * Which kernels run the block's norms, rotary embedding, SwiGLU and residual adds
   * (elementwise-kernels.ts): 'fused' (one fused kernel each, as torch.compile and Megatron-LM run
   * them; the default) or 'eager' (PyTorch eager: RMSNorm upcast to fp32 in eight kernels, RoPE
   * through complex64, SiLU and its product apart, each op's autograd kernels backward).
   */
  kernels?: ElementwiseKernels;
  /**
   * Mixture-of-experts FFNs (moe.ts): absent for a dense model. `params` then counts every
   * expert; useful work counts the parameters a token passes through (moe.ts activeParams).
   */
  moe?: MoeShape;
}

/** How a job's devices are split. tp x cp x pp x dp must equal the job's device count. */
export interface ParallelLayout {
  /** Tensor-parallel degree (Megatron-style, with sequence parallelism), inside a node. */
  tp: number;
  /**
   * Context-parallel degree (1 when absent): every sequence is split over cp ranks, each holding
   * 2 of 2 cp chunks so the causal work balances (Megatron-LM's context parallelism; Llama 3,
   * section 3.3.2). Each layer all-gathers the keys and values of the whole sequence before
   * attention and reduce-scatters their gradients after it; weights are replicated over cp ranks,
   * so gradients are reduced (and ZeRO shards) over dp x cp ranks.
   */
  cp?: number;
  /**
   * Expert-parallel degree (1 when absent): each MoE layer's routed experts are spread over ep
   * ranks of the data-parallel group, and tokens reach their experts by an all-to-all
   * (Megatron-Core, GShard). ep divides dp x cp, or with `etp` given etp x ep divides
   * tp x cp x dp.
   */
  ep?: number;
  /**
   * Expert tensor-parallel degree (absent: tp, Megatron-Core's default): each routed expert's
   * matrices split over etp ranks. The expert layers regroup a pipeline stage's tp x cp x dp
   * ranks as etp x ep x expert-data-parallel (Megatron-Core's parallel folding,
   * `expert_tensor_parallel_size`), so ep may span tensor ranks when etp < tp.
   */
  etp?: number;
  /**
   * How tokens reach their experts (ep > 1): 'all-to-all' (absent: one copy of a token per routed
   * expert, Megatron-Core's all-to-all dispatcher) or 'per-node' (one copy per destination node
   * over the fabric, fanned out to that node's experts over the interconnect: DeepSeek-V3's
   * dispatch kernels, DeepEP, Megatron-Core's HybridEP).
   */
  epDispatch?: 'all-to-all' | 'per-node';
  /**
   * Fraction of the expert-parallel all-to-all hidden behind other micro-batches' compute, at
   * most one micro-batch's compute (DeepSeek-V3's DualPipe overlaps forward and backward chunks
   * of two micro-batches so that the all-to-all is hidden: 1; Megatron-Core's 1F1B all-to-all
   * overlap likewise). Absent: 0, all exposed, as the plain dispatchers run.
   */
  epOverlap?: number;
  /**
   * How the tensor-parallel collectives overlap the GEMMs they feed or drain (tp-overlap.ts): absent
   * or 'none', all exposed, as before; 'ring-exchange' and 'pipelined' Transformer Engine's userbuffers
   * (Megatron's `tp_comm_overlap`), 'async' PyTorch's async TP. Hidden is bounded by each GEMM, and the
   * chunked GEMMs and the SMs the communication takes are charged.
   */
  tpOverlap?: TpOverlap;
  /**
   * Fraction of the overlap window (the last micro-batch's backward, and the first forward when
   * sharded; under the interleaved schedule each model chunk's reduction from the end of its last
   * backward and its gather up to its first forward: step-time.ts, chunkedDpExposedS) during which
   * the data-parallel gradient synchronisation progresses. Absent:
   * DP_OVERLAP_FRACTION (0.9: PyTorch DDP's and FSDP's bucketed reductions run beside the
   * backward). 0 for stacks that reduce after the backward: Megatron-LM's default local DDP of
   * 2020-2022 calls allreduce_gradients() once forward_backward_func has returned (megatron/
   * training.py, train_step, at the commit that reproduces Narayanan et al. 2021).
   */
  dpOverlap?: number;
  /**
   * The most CTAs (SMs) NCCL runs the data-parallel collectives on, where the stack caps them
   * (Megatron-Core's MEGATRON_CORE_DP_MAX_CTAS, NCCL's per-communicator max_ctas: 8 in NVIDIA's
   * MLPerf GPT-3 configs). Absent: NCCL's own channel count for the path (nccl-sm-share.ts).
   */
  dpMaxCtas?: number;
  /** The same for the pipeline's send/recv (MEGATRON_CORE_P2P_MAX_CTAS: 2 in the same configs). */
  ppMaxCtas?: number;
  /**
   * Fraction of the pipeline send/recv time hidden behind compute. Absent: PP_OVERLAP_FRACTION
   * (0.5). 0 for stacks whose send/recv block the stage: Megatron-LM of 2021 waits for its
   * batch_isend_irecv requests and then calls torch.cuda.synchronize() (megatron/
   * p2p_communication.py at commit 6985e58938); DeepSpeed's pipeline engine runs its send and
   * receive instructions in sequence with its forward and backward ones.
   */
  ppOverlap?: number;
  /**
   * How gradients are accumulated over a step's micro-batches. Absent, 'fused': the weight-gradient
   * GEMM accumulates into the gradient buffer itself (Megatron-LM's gradient_accumulation_fusion,
   * on by default in Megatron-LM and Megatron-Core), with no pass per micro-batch (its fp32 buffer is
   * zeroed once a step, layer-compute.ts GRAD_BUFFER_ZERO_BYTES_PER_PARAM). 'autograd': PyTorch adds
   * each micro-batch's fp16/bf16 gradient into .grad (AccumulateGrad), a memory-bound pass over
   * the parameters held for every micro-batch after the first (DeepSpeed's fp16 pipeline engine,
   * DDP with no_sync). 'fp32': each micro-batch's half-precision gradients are added into fp32
   * ones (DeepSpeed's BF16_Optimizer: update_hp_grads after every backward micro-step; Megatron's
   * main_grad hook without the fusion), a pass for every micro-batch.
   */
  gradAccumulation?: GradAccumulation;
  /**
   * How the stack computes the cross-entropy over the vocabulary. Absent, 'unfused': Megatron-LM's
   * `_VocabParallelCrossEntropy` on fp32 logits (every Megatron-LM and Megatron-DeepSpeed run of
   * 2020-2023; Megatron-Core's default), 52 bytes a logit (layer-compute.ts, LOSS_BYTES_PER_LOGIT).
   * 'fused': Transformer Engine's fused parallel cross-entropy on the half-precision logits
   * (Megatron-Core's `cross_entropy_loss_fusion` with `cross_entropy_fusion_impl: te`, on in
   * Megatron-Bridge's GPT provider and performance recipes), 5 elements a logit.
   */
  crossEntropy?: CrossEntropy;
  /**
   * Which layer-norm kernels the stack runs (layer-norm.ts). Absent, 'persistent': one-pass kernels
   * at about the streaming rate (apex.contrib's FastLayerNorm, Megatron-LM's default from October
   * 2021, Transformer Engine's). 'apex': apex's FusedLayerNorm kernels, which Megatron-LM (as
   * `fused_mix_prec_layer_norm_cuda`) and its forks ran before, with a backward that reads its inputs twice.
   */
  layerNorm?: LayerNormKernel;
  /**
   * Which pipeline engine runs the schedule (step-time.ts). Absent, 'megatron': Megatron-LM's and
   * Megatron-Core's 1F1B, which exchanges with each neighbour pairwise (send_forward_recv_backward:
   * one batched send and receive), two exchanges per micro-batch on a stage's timeline. 'deepspeed':
   * DeepSpeed's PipelineEngine (deepspeed/runtime/pipe/engine.py, schedule.py TrainSchedule), whose
   * RecvActivation, SendGrad, SendActivation and RecvGrad are blocking instructions of their own, run
   * in sequence with the forward and backward ones: four transfers per micro-batch on the stage's
   * timeline; it also frees the partitioned output after sending it and all-gathers it again over the
   * tensor group before the backward (PartitionedTensor.full()). With pp > 1 it implies pp_overlap 0
   * and dp_overlap 0 (ReduceGrads after the last backward) unless those are given. No interleaving.
   */
  pipelineEngine?: PipelineEngine;
  /**
   * What each tensor rank sends back down the pipeline per micro-batch under ppTensors
   * 'scatter-gather' (step-time.ts; whole tensors send it whole anyway). Absent, 'partitioned': 1/tp
   * of the gradient of the stage's input, gathered over the tensor group on arrival (Megatron's scatter/gather, DeepSpeed's pipeline engine from v0.5.4, October 2021:
   * `is_grad_partitioned = self.is_model_parallel`). 'whole': every tensor rank sends the whole
   * gradient (DeepSpeed's pipeline engine through v0.5.3, `is_grad_partitioned = False`, and
   * EleutherAI's DeeperSpeed at eb7f5cff, which GPT-NeoX-20B ran).
   */
  ppGradients?: 'partitioned' | 'whole';
  /**
   * How a stage sends its activations and gradients down the pipeline when they are not split by
   * sequence (no sequence parallelism; step-time.ts). 'scatter-gather': each tensor rank sends 1/tp of
   * the tensor and the receiver all-gathers it over the tensor group before use (Megatron-LM from
   * January 2021 to Megatron-Core, March 2023: `_communicate` with scatter_gather_tensors_in_pipeline,
   * then `mpu.gather_split_1d_tensor`; Narayanan et al. 2021 section 4.1; DeepSpeed's pipeline engine,
   * `PartitionedTensor.full()`). 'whole': every tensor rank sends the whole tensor, no gather
   * (Megatron-Core, whose p2p tensor shape divides by tp only with sequence parallelism). Absent:
   * 'scatter-gather' with pipeline_engine: deepspeed, else 'whole'. With sequence parallelism the
   * tensor is already split by sequence: 1/tp, no gather, whichever is given.
   */
  ppTensors?: PpTensors;
  /** Pipeline stages. */
  pp: number;
  /**
   * Transformer layers on each pipeline stage, first to last (a partition of the scenario's own,
   * e.g. BLOOM's); absent, layers / pp on every stage.
   */
  stageLayers?: readonly number[];
  /** Data-parallel replicas. */
  dp: number;
  /** Micro-batches per replica per step (gradient-accumulation steps when pp = 1). */
  microBatches: number;
  /** Model chunks per pipeline rank in the interleaved schedule (Narayanan et al. 2021); 1 = plain 1F1B. */
  virtualStages?: number;
  /**
   * Micro-batches the interleaved schedule runs through each model chunk before moving to the next
   * (Megatron's `microbatch_group_size_per_vp_stage`, in [pp, micro-batches]; absent: 1F1B's count is charged, memory.ts): it sets
   * the warm-up's depth, (v - 1) x N chunk forwards on every rank, and so the activations in flight.
   */
  microbatchGroupSize?: number;
  /**
   * Sharded data parallelism (ZeRO-2 / FSDP without resharding, as Llama 3 ran): all-gather the
   * weights once per step and reduce-scatter the gradients, instead of one gradient all-reduce.
   */
  shardedDataParallel?: boolean;
  /**
   * ZeRO stage (Rajbhandari et al. 2020): 1 shards the optimizer state over data-parallel ranks,
   * 2 also the gradients (what `shardedDataParallel` means), 3 (FSDP with resharding) also the
   * weights, gathered again for every micro-batch's forward and backward. Absent: 2 when
   * shardedDataParallel, else 0.
   */
  zeroStage?: 0 | 1 | 2 | 3;
}

/**
 * Published shapes of well-known dense decoder families: (params, layers, hidden), and the heads
 * (and head width) where they are not hidden / 128, the count headsOf would derive:
 * - GPT-3 XL: 24 heads of 128 on a 2,048 width (Brown et al. 2020, Table 2.1: n_heads 24, d_head 128;
 *   hidden / 128 would be 16);
 * - GPT-3 2.7B: 32 heads of 80 (Table 2.1: n_heads 32, d_head 80; hidden / 128 would be 20);
 * - Megatron 1T: 160 heads (Narayanan et al. 2021, Table 1: 160 attention heads, hidden 25,600, so
 *   160 wide; hidden / 128 would be 200).
 * The others are hidden / 128: GPT-3 6.7B, 13B and 175B (Table 2.1: 32, 40 and 96 heads of 128;
 * for 13B the table prints d_model 5,140, but its own n_heads 40 x d_head 128 is 5,120, the product
 * every other row of the table equals, and 5,140 does not split into 40 heads (128.5 wide): 5,120 is
 * taken, the printed figure read as a typo; it is also Llama 2 13B's width. Pinned by
 * test/head-dim-heads.test.ts),
 * Llama 2 7B, 13B and 70B (Touvron et al. 2023: 32, 40, 64), LLaMA 33B (Touvron et al. 2023a,
 * Table 2: 52), Llama 3.1 405B (Llama Team 2024, Table 3: 128).
 * `kvHeads`: the key/value heads of a family published with grouped-query attention: Llama 2 70B
 * (Touvron et al. 2023, Table 1 and sec. 2.2: GQA at 34B and 70B; the released config's
 * num_key_value_heads 8), Llama 3 70B and Llama 3.1 405B (Llama Team 2024, Table 3: 8 key/value
 * heads). The others are multi-head. Only an inference service reads it (familyKeyValueHeads), where
 * it sizes the KV cache; a training job given params alone keeps multi-head attention.
 */
const FAMILIES: ReadonlyArray<{ params: number; layers: number; hiddenSize: number; heads?: number; headDim?: number; kvHeads?: number; name: string }> = [
  { params: 1.3e9, layers: 24, hiddenSize: 2048, heads: 24, headDim: 128, name: 'GPT-3 XL' },
  { params: 2.7e9, layers: 32, hiddenSize: 2560, heads: 32, name: 'GPT-3 2.7B' },
  { params: 6.7e9, layers: 32, hiddenSize: 4096, name: 'GPT-3 6.7B / Llama 2 7B' },
  { params: 13e9, layers: 40, hiddenSize: 5120, name: 'GPT-3 13B / Llama 2 13B' },
  { params: 32.5e9, layers: 60, hiddenSize: 6656, name: 'LLaMA 33B' },
  { params: 70e9, layers: 80, hiddenSize: 8192, kvHeads: 8, name: 'Llama 2/3 70B' },
  { params: 175e9, layers: 96, hiddenSize: 12288, name: 'GPT-3 175B' },
  { params: 405e9, layers: 126, hiddenSize: 16384, kvHeads: 8, name: 'Llama 3.1 405B' },
  { params: 1.0e12, layers: 128, hiddenSize: 25600, heads: 160, name: 'Megatron 1T (Narayanan et al. 2021)' },
];

/** Within this relative distance of a family's size, its published shape is used as is. */
const FAMILY_MATCH_REL = 0.12;

/** Default global batch: 4M tokens (2^22), the order GPT-3 (3.2M) and Llama 2 (4M) used. */
export const DEFAULT_GLOBAL_BATCH_TOKENS = 4_194_304;

/**
 * A sensible shape for a model known only by its parameter count (resolveShape then fits its FFN
 * width to params). Sizes close to a family use the family's published layers and width; others
 * take the aspect ratio hidden/layers
 * interpolated (in log params) between the neighbouring families and solve
 * params = 12 L h^2 + V h (a GPT block's weights, Kaplan et al. 2020, and the token embedding:
 * a 125M model's 51,200 x 768 embedding is a third of it), width rounded to a multiple of 128.
 * Sequence length 4096, or 8192 from 100B up (Llama 3 trained at 8192); batch 4M tokens;
 * no full activation recompute (selective recompute with sequence parallelism makes it
 * unnecessary, Korthikanti et al. 2022); bf16. `vocab`: the vocabulary the model is given, if any.
 * `embeddingMatrices`: 1 when the output layer shares the embedding (tied, the default), 2 when it
 * has its own (params then counts V h twice, and the layers hold what both leave).
 */
export function defaultShape(params: number, vocab: number = DEFAULT_VOCAB, embeddingMatrices: 1 | 2 = 1): TrainingShape {
  if (!(params > 0)) throw new RangeError(`defaultShape: params must be positive, got ${params}`);
  const { layers, hiddenSize, heads, headDim, interpolated } = familyShape(params, vocab * embeddingMatrices);
  return {
    params,
    layers,
    hiddenSize,
    ...(heads !== undefined ? { heads } : {}),
    ...(headDim !== undefined ? { headDim } : {}),
    ...(interpolated ? { widthInterpolated: true as const } : {}),
    seqLen: params >= 100e9 ? 8192 : 4096,
    globalBatchTokens: DEFAULT_GLOBAL_BATCH_TOKENS,
    precisionBytes: 2,
    activationRecompute: false,
    ffnMultiplier: 4,
  };
}

/**
 * Layers of width h that hold what `params` leaves beside `embeddingRows` x h of embedding (at
 * least 1). `embeddingRows`: the vocabulary, twice it when the output layer has its own matrix.
 */
function layersFor(params: number, hiddenSize: number, embeddingRows: number): number {
  return Math.max(1, Math.round((params - embeddingRows * hiddenSize) / (12 * hiddenSize * hiddenSize)));
}

/** Layers and width for `params`, beside `embeddingRows` x h of embedding (see layersFor). */
function familyOf(params: number, embeddingRows: number): (typeof FAMILIES)[number] | undefined {
  // A family is matched on the weights its layers hold (params less the embedding at the family's
  // width): with the default vocabulary, tied, that is matching on params itself; a model whose
  // embedding is much larger (a 256,000-token vocabulary with an output layer of its own) is not
  // given a family's layers that its params cannot fill.
  return FAMILIES.find((f) => Math.abs(params - embeddingRows * f.hiddenSize - (f.params - DEFAULT_VOCAB * f.hiddenSize)) <= FAMILY_MATCH_REL * f.params);
}

/**
 * The key/value heads and their width of the family defaultShape(params) takes its layers and width
 * from, where that family was published with grouped-query attention (Llama 2/3 70B, Llama 3.1 405B:
 * 8 of 128); undefined for a multi-head family or a size no family matches.
 */
export function familyKeyValueHeads(params: number): { kvHeads: number; headDim: number } | undefined {
  const f = familyOf(params, DEFAULT_VOCAB);
  if (f?.kvHeads === undefined) return undefined;
  return { kvHeads: f.kvHeads, headDim: f.headDim ?? f.hiddenSize / (f.heads ?? f.hiddenSize / DEFAULT_HEAD_DIM) };
}

function familyShape(params: number, embeddingRows: number): { layers: number; hiddenSize: number; heads?: number; headDim?: number; interpolated?: true } {
  const f = familyOf(params, embeddingRows);
  if (f) return { layers: f.layers, hiddenSize: f.hiddenSize, ...(f.heads !== undefined ? { heads: f.heads } : {}), ...(f.headDim !== undefined ? { headDim: f.headDim } : {}) };
  const first = FAMILIES[0]!;
  const last = FAMILIES[FAMILIES.length - 1]!;
  let aspect: number;
  if (params <= first.params) aspect = first.hiddenSize / first.layers;
  else if (params >= last.params) aspect = last.hiddenSize / last.layers;
  else {
    let i = 1;
    while (FAMILIES[i]!.params < params) i++;
    const lo = FAMILIES[i - 1]!;
    const hi = FAMILIES[i]!;
    const w = Math.log(params / lo.params) / Math.log(hi.params / lo.params);
    aspect = (1 - w) * (lo.hiddenSize / lo.layers) + w * (hi.hiddenSize / hi.layers);
  }
  // params = 12 L h^2 + rows h with L = h / aspect: 12 h^3 / aspect + rows h grows with h, so the root is
  // found by bisection between 0 and the width without the embedding.
  let lo = 0;
  let hi = Math.cbrt((params * aspect) / 12);
  for (let k = 0; k < 100; k++) {
    const mid = (lo + hi) / 2;
    if ((12 * mid * mid * mid) / aspect + embeddingRows * mid < params) lo = mid;
    else hi = mid;
  }
  // Of the two multiples of 128 around the root, the one whose whole layers come closest to params
  // (a small model's embedding alone can exceed params at the wider one).
  const narrow = Math.max(128, Math.floor(lo / 128) * 128);
  const weightsAt = (h: number): number => 12 * layersFor(params, h, embeddingRows) * h * h + embeddingRows * h;
  const hiddenSize = Math.abs(weightsAt(narrow + 128) - params) < Math.abs(weightsAt(narrow) - params) ? narrow + 128 : narrow;
  return { layers: layersFor(params, hiddenSize, embeddingRows), hiddenSize, interpolated: true };
}

/**
 * The shape of a job's model: its size's family defaults (defaultShape), with the scenario's
 * overrides. A model given only its layers (or only its width) keeps its size: the other is
 * solved from params = 12 L h^2 (width rounded to a multiple of 128), so `params: 530B` with
 * `layers: 105` is MT-NLG's 105 x 20480, not 105 layers of the 125-layer default's width.
 */
export function resolveShape(params: number, o?: ShapeOverrides): TrainingShape {
  const shape = overriddenShape(params, o);
  // Sized by params alone (layers, width, FFN and experts all derived): the FFN takes up what
  // whole layers of the family's width leave, so the step is timed on params' weights.
  const derived = o?.layers === undefined && o?.hidden_size === undefined && o?.ffn_size === undefined && o?.moe === undefined;
  return derived ? withFfnForParams(params, shape) : shape;
}

/**
 * The shape with the FFN width (a multiple of 128, at least 128) whose weights, embedding tied,
 * come closest to `params`. A size near a published family keeps the family's layers and width
 * (pipeline stages divide them as they divide the family's), but the family's 4 h FFN holds the
 * family's size, not this one: a 78B model on the 70B family's 80 x 8192 held 64.8B weights at 4 h,
 * so its step was timed 17% short of the work counted for it, and the effective compute ratio
 * was 17% too high. Gated FFNs, grouped-query heads and latent attention are counted as given.
 */
function withFfnForParams(params: number, shape: TrainingShape): TrainingShape {
  const h = shape.hiddenSize;
  // The weights are linear in the FFN width: two counts give the slope.
  const tied = tiedEmbeddingsOf(shape);
  const at = (f: number): number => {
    const w = shapeWeights({ ...shape, ffnSize: f });
    return tied ? w.tied : w.untied;
  };
  const base = at(h);
  const perColumn = (at(2 * h) - base) / h;
  const exact = h + (params - base) / perColumn;
  const ffnSize = Math.max(128, Math.round(exact / 128) * 128);
  return { ...shape, ffnSize };
}

function overriddenShape(params: number, o?: ShapeOverrides): TrainingShape {
  const vocab = o?.vocab ?? DEFAULT_VOCAB;
  // params counts the vocab x hidden matrix once when the output layer shares it, twice when not.
  const matrices = o?.tied_embeddings === false ? 2 : 1;
  const rows = vocab * matrices;
  const family = defaultShape(params, vocab, matrices);
  // The family's heads (and head width) belong to its own shape: a model that gives its layers,
  // width, heads, head width or latent attention takes none of them (its heads are as given, else
  // hidden_size / 128).
  const ownAttention = o?.layers !== undefined || o?.hidden_size !== undefined || o?.heads !== undefined || o?.head_dim !== undefined || o?.mla !== undefined;
  const base: TrainingShape = { ...family };
  if (ownAttention) {
    delete base.heads;
    delete base.headDim;
  }
  // A width or heads the model gives are its own: the derived-heads check applies to them.
  if (o?.hidden_size !== undefined || o?.heads !== undefined) delete base.widthInterpolated;
  else if (o?.layers !== undefined) base.widthInterpolated = true; // the width is solved from the given layers
  let layers = o?.layers ?? base.layers;
  let hiddenSize = o?.hidden_size ?? base.hiddenSize;
  // params = 12 L h^2 + rows h, solved for h (the positive root) or for L.
  if (o?.layers !== undefined && o.hidden_size === undefined) hiddenSize = Math.max(128, Math.round((-rows + Math.sqrt(rows * rows + 48 * layers * params)) / (24 * layers) / 128) * 128);
  if (o?.hidden_size !== undefined && o.layers === undefined) layers = layersFor(params, hiddenSize, rows);
  // A head width without a head count means hidden_size / head_dim heads (not hidden_size / 128);
  // one that does not divide the width is refused (training-fit.ts headProblems).
  const headsOfWidth = o?.heads === undefined && o?.head_dim !== undefined && o.mla === undefined && hiddenSize % o.head_dim === 0 ? hiddenSize / o.head_dim : undefined;
  return {
    ...base,
    layers,
    hiddenSize,
    ...(o?.seq_len !== undefined ? { seqLen: o.seq_len } : {}),
    ...(o?.global_batch !== undefined ? { globalBatchTokens: o.global_batch } : {}),
    ...(o?.recompute !== undefined ? recomputeFields(o.recompute) : {}),
    ...(o?.gradient_bytes !== undefined ? { gradientBytes: o.gradient_bytes } : {}),
    ...(o?.heads !== undefined ? { heads: o.heads } : headsOfWidth !== undefined ? { heads: headsOfWidth } : {}),
    ...(o?.kv_heads !== undefined ? { kvHeads: o.kv_heads } : {}),
    ...(o?.head_dim !== undefined ? { headDim: o.head_dim } : {}),
    ...(o?.qk_norm === true ? { qkNorm: true } : {}),
    ...(o?.mla !== undefined
      ? {
          mla: {
            ...(o.mla.q_lora_rank !== undefined ? { qLoraRank: o.mla.q_lora_rank } : {}),
            kvLoraRank: o.mla.kv_lora_rank,
            qkNopeHeadDim: o.mla.qk_nope_head_dim,
            qkRopeHeadDim: o.mla.qk_rope_head_dim,
            vHeadDim: o.mla.v_head_dim,
          },
        }
      : {}),
    ...(o?.ffn_size !== undefined ? { ffnSize: o.ffn_size } : {}),
    ...(o?.gated_mlp !== undefined ? { gatedMlp: o.gated_mlp } : {}),
    ...(o?.vocab !== undefined ? { vocab: o.vocab } : {}),
    ...(o?.attention !== undefined ? { attention: o.attention } : {}),
    ...(o?.sequence_parallel !== undefined ? { sequenceParallel: o.sequence_parallel } : {}),
    ...(o?.dropout !== undefined ? { dropout: o.dropout } : {}),
    ...(o?.tied_embeddings !== undefined ? { tiedEmbeddings: o.tied_embeddings } : {}),
    ...(o?.kernels !== undefined ? { kernels: o.kernels } : {}),
    ...(o?.precision === 'fp8' ? { fp8: true } : {}),
    ...(o?.precision === 'fp8' && o.fp8_params === true ? { fp8Params: true } : {}),
    ...(o?.store_param_remainders === true ? { storeParamRemainders: true } : {}),
    ...(o?.precision === 'fp16' ? { lossScaling: true } : {}),
    ...(o?.moe !== undefined
      ? {
          moe: {
            experts: o.moe.experts,
            topK: o.moe.top_k,
            // An expert as wide as the dense FFN unless told (Mixtral, GShard).
            expertFfnSize: o.moe.ffn_size ?? o.ffn_size ?? Math.round(hiddenSize * (o.gated_mlp ? 8 / 3 : 4)),
            sharedExperts: o.moe.shared_experts ?? 0,
            denseLayers: o.moe.dense_layers ?? 0,
            ...(o.moe.max_nodes !== undefined ? { maxNodes: o.moe.max_nodes } : {}),
          },
        }
      : {}),
  };
}

/** `recompute:` as a scenario gives it: true is 'full', false 'selective'. */
function recomputeFields(r: boolean | Recompute): { activationRecompute: boolean; recompute: Recompute } {
  const mode: Recompute = r === true ? 'full' : r === false ? 'selective' : r;
  return { activationRecompute: mode === 'full', recompute: mode };
}

/** How a stack accumulates gradients over micro-batches (ParallelLayout.gradAccumulation). */
export type GradAccumulation = 'fused' | 'autograd' | 'fp32';

/** Which engine runs the pipeline schedule (ParallelLayout.pipelineEngine). */
export type PipelineEngine = 'megatron' | 'deepspeed';
export type PpTensors = 'scatter-gather' | 'whole';

/** How the layout's pipeline sends non-sequence-parallel tensors: as given, else its engine's way. */
export function ppTensorsOf(layout: Pick<ParallelLayout, 'ppTensors' | 'pipelineEngine'>): PpTensors {
  return layout.ppTensors ?? (layout.pipelineEngine === 'deepspeed' ? 'scatter-gather' : 'whole');
}

/** How a stack computes the loss over the vocabulary (ParallelLayout.crossEntropy). */
export type CrossEntropy = 'unfused' | 'fused';

/**
 * A scenario's layout for a job of this shape; micro-batches from `micro_batch_size` when given
 * (training-fit.ts refuses one that does not divide a replica's sequences), else one sequence each.
 */
export function layoutFromSpec(l: LayoutSpec, shape: TrainingShape): ParallelLayout {
  const sequences = shape.globalBatchTokens / shape.seqLen;
  return {
    tp: l.tp,
    ...(l.cp !== undefined && l.cp > 1 ? { cp: l.cp } : {}),
    ...(l.ep !== undefined && l.ep > 1 ? { ep: l.ep } : {}),
    ...(l.etp !== undefined ? { etp: l.etp } : {}),
    ...(l.ep_dispatch !== undefined ? { epDispatch: l.ep_dispatch } : {}),
    ...(l.ep_overlap !== undefined ? { epOverlap: l.ep_overlap } : {}),
    ...(l.tp_overlap !== undefined && l.tp_overlap !== 'none' ? { tpOverlap: l.tp_overlap } : {}),
    ...(l.dp_overlap !== undefined ? { dpOverlap: l.dp_overlap } : {}),
    ...(l.pp_overlap !== undefined ? { ppOverlap: l.pp_overlap } : {}),
    ...(l.dp_max_ctas !== undefined ? { dpMaxCtas: l.dp_max_ctas } : {}),
    ...(l.pp_max_ctas !== undefined ? { ppMaxCtas: l.pp_max_ctas } : {}),
    ...(l.grad_accumulation !== undefined ? { gradAccumulation: l.grad_accumulation } : {}),
    ...(l.cross_entropy !== undefined ? { crossEntropy: l.cross_entropy } : {}),
    ...(l.layer_norm !== undefined ? { layerNorm: l.layer_norm } : {}),
    ...(l.pipeline_engine !== undefined ? { pipelineEngine: l.pipeline_engine } : {}),
    ...(l.pp_gradients !== undefined ? { ppGradients: l.pp_gradients } : {}),
    ...(l.pp_tensors !== undefined ? { ppTensors: l.pp_tensors } : {}),
    pp: l.pp,
    ...(l.stage_layers !== undefined ? { stageLayers: l.stage_layers } : {}),
    dp: l.dp,
    microBatches: l.micro_batches ?? Math.max(1, Math.round(sequences / (l.dp * (l.micro_batch_size ?? 1)))),
    virtualStages: l.virtual_stages,
    ...(l.microbatch_group_size_per_vp_stage !== undefined ? { microbatchGroupSize: l.microbatch_group_size_per_vp_stage } : {}),
    shardedDataParallel: l.zero !== undefined ? l.zero >= 2 : l.sharded,
    ...(l.zero !== undefined ? { zeroStage: l.zero } : {}),
  };
}

/**
 * Share of device memory an automatic layout aims to stay under when it can: what memory.ts
 * leaves out (CUDA context, communication buffers, allocator fragmentation) needs room too. A
 * layout over it but within the device's memory is still taken when nothing roomier exists.
 */
export const AUTO_LAYOUT_MEMORY_FRACTION = 0.9;

export interface AutoLayout extends ParallelLayout {
  /** Whether the layout's memory per device (memory.ts) fits in the device's memory. */
  fits: boolean;
  /** Memory per device under this layout. */
  memory: DeviceMemory;
}

/**
 * Whether tensor parallelism of degree tp splits the model's heads whole: each rank computes
 * whole query heads and holds whole key/value groups (Megatron-Core's TransformerConfig refuses
 * num_attention_heads or num_query_groups not divisible by the tensor-parallel size). Heads not
 * given are the count every kernel times (headsOf: hidden_size / 128), and key/value heads not
 * given are the query heads: tp 3 on a 4,096-wide model (32 heads) was timed on 10.67 heads a rank.
 */
export function tpDividesHeads(shape: TrainingShape, tp: number): boolean {
  return headsProblems(shape, tp).length === 0;
}

/**
 * Whether sequence parallelism (on by default with fused attention) can split each rank's sequence
 * over the tp ranks: Megatron-LM scatters the [sequence, batch, hidden] activations along the
 * sequence (megatron/core/tensor_parallel/mappings.py, _split_along_first_dim, which asserts "First
 * dimension of the tensor should be divisible by tensor parallel size"), and with context
 * parallelism each rank holds seq_len / cp tokens. seq_len 4100 at tp 8 was timed as 512.5 tokens
 * a rank; Megatron stops at its first step. True when sequence parallelism is off or tp is 1.
 */
export function tpSplitsSequence(shape: TrainingShape, tp: number, cp = 1): boolean {
  return sequenceSplitProblem(shape, tp, cp) === undefined;
}

/** Why tp does not split each rank's sequence whole under sequence parallelism (tpSplitsSequence); undefined when it does. */
function sequenceSplitProblem(shape: TrainingShape, tp: number, cp: number): string | undefined {
  if (tp <= 1 || !sequenceParallelOf(shape)) return undefined;
  const tokens = shape.seqLen / cp;
  if (Number.isInteger(tokens) && tokens % tp === 0) return undefined;
  const held = cp > 1 ? `the ${tokens} tokens each of the cp = ${cp} ranks holds of a sequence` : `the sequence's ${shape.seqLen} tokens`;
  return `tp = ${tp} must divide ${held}: sequence parallelism (on with fused attention) splits them over the tensor-parallel ranks, which Megatron-LM requires to be equal; give a seq_len that tp${cp > 1 ? ' x cp' : ''} divides, another tp, or model.sequence_parallel: false`;
}

/** Why tp does not split the shape's heads whole (tpDividesHeads), in validateLayout's words; none when it does. */
function headsProblems(shape: TrainingShape, tp: number): string[] {
  const out: string[] = [];
  const heads = headsOf(shape);
  if (heads % tp !== 0 && !(shape.heads === undefined && shape.widthInterpolated === true)) {
    out.push(
      shape.heads !== undefined
        ? `tp = ${tp} must divide the model's ${heads} attention heads: each tensor-parallel rank computes whole heads`
        : `tp = ${tp} must divide the model's attention heads: each tensor-parallel rank computes whole heads; heads not given: assumed hidden_size / ${DEFAULT_HEAD_DIM} = ${shape.hiddenSize} / ${DEFAULT_HEAD_DIM} = ${heads}, which tp ${tp} does not divide; give model.heads`,
    );
  }
  if (shape.kvHeads !== undefined && shape.kvHeads % tp !== 0) {
    out.push(`tp = ${tp} must divide the model's ${shape.kvHeads} key/value heads (kv_heads): each tensor-parallel rank holds whole key/value groups`);
  }
  return out;
}

/**
 * A layout the automatic searches try (layout-search.ts, and autoLayout when nothing fits): tp x cp
 * x pp x dp, each replica's share of the batch in micro-batches of one sequence (at least one), no
 * virtual stages, ZeRO stage `zero` (0: none).
 */
export function candidateLayout(tp: number, cp: number, pp: number, dp: number, sequences: number, zero: 0 | 2 | 3): ParallelLayout {
  return {
    tp,
    ...(cp > 1 ? { cp } : {}),
    pp,
    dp,
    microBatches: Math.max(1, Math.round(sequences / dp)),
    virtualStages: 1,
    shardedDataParallel: zero > 0,
    ...(zero === 3 ? { zeroStage: 3 as const } : {}),
  };
}

/**
 * Layout for a job that gives only a device count, as Megatron-LM practice recommends
 * (Narayanan et al., SC 2021, "takeaway #1"): tensor parallelism inside a node up to
 * min(8, devicesPerNode), pipeline parallelism only when the model does not fit with tensor
 * parallelism alone (the fewest stages that fit), data parallelism for the rest; when no stage
 * count fits, the same with the optimizer state and gradients sharded over data parallel ranks
 * (ZeRO-2, as Llama 3 trained), then with the weights sharded too (ZeRO-3 / FSDP). A layout fits when memoryPerDevice is within the device's
 * memory; one that leaves AUTO_LAYOUT_MEMORY_FRACTION of headroom is preferred.
 * tp is the largest value <= min(8, devicesPerNode) dividing both the device count and
 * devicesPerNode (so tensor groups never straddle nodes) and the model's heads, given or derived
 * (tpDividesHeads); pp a divisor of devices / tp of at most `layers`, leaving no more replicas than
 * the batch has sequences when one can. Micro-batches are one sequence each: microBatches = global
 * batch sequences / dp.
 * tp x pp x dp always equals `devices`. When nothing fits, `fits` is false and the layout is the
 * one that needs the least memory (for the message that says so).
 */
export function autoLayout(devices: number, devicesPerNode: number, shape: TrainingShape, memoryBytesPerDevice: number): AutoLayout {
  if (!Number.isInteger(devices) || devices < 1) throw new RangeError(`autoLayout: devices must be a positive integer, got ${devices}`);
  const perNode = Math.max(1, Math.floor(devicesPerNode));
  const tpCap = Math.min(8, perNode, devices);
  let tp = 1;
  for (let t = tpCap; t >= 1; t--) {
    if (devices % t === 0 && perNode % t === 0 && tpDividesHeads(shape, t) && tpSplitsSequence(shape, t)) {
      tp = t;
      break;
    }
  }
  const rest = devices / tp;
  const sequences = shape.globalBatchTokens / shape.seqLen;
  // In order of preference; the first with headroom wins (usually the first one tried).
  let fitting: AutoLayout | undefined;
  let leanest: AutoLayout | undefined;
  // A replica takes at least one sequence of the batch: more replicas than sequences only when no
  // pipeline depth leaves fewer.
  const pps = divisorsUpTo(rest, Math.max(1, shape.layers));
  const whole = pps.filter((p) => rest / p <= Math.round(sequences));
  for (const zero of [0, 2, 3] as const) {
    for (const p of whole.length > 0 ? whole : pps) {
      const dp = rest / p;
      if (zero > 0 && dp === 1) continue; // nothing to shard over
      const layout = candidateLayout(tp, 1, p, dp, sequences, zero);
      const memory = memoryPerDevice(shape, layout);
      const candidate: AutoLayout = { ...layout, fits: memory.totalBytes <= memoryBytesPerDevice, memory };
      if (memory.totalBytes <= AUTO_LAYOUT_MEMORY_FRACTION * memoryBytesPerDevice) return candidate;
      if (candidate.fits) fitting ??= candidate;
      if (!leanest || memory.totalBytes < leanest.memory.totalBytes) leanest = candidate;
    }
  }
  return fitting ?? leanest!;
}

/** The divisors of n that are at most `max`, ascending (trial division up to sqrt n: device counts can be large). */
export function divisorsUpTo(n: number, max: number): number[] {
  const small: number[] = [];
  const large: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    if (d <= max) small.push(d);
    const e = n / d;
    if (e !== d && e <= max) large.push(e);
  }
  return [...small, ...large.reverse()];
}

export interface LayoutCheck {
  /** Hard errors: the layout cannot run as given. */
  problems: string[];
  /** Legal but worth knowing (uneven stages, few micro-batches for the pipeline). */
  notes: string[];
}

export interface ValidateLayoutOptions {
  /** Allow a tensor-parallel group wider than a node (e.g. NVL72-style racks). Default false. */
  allowTpAcrossNodes?: boolean;
}

/** Check a user-given layout against the job; reports every problem, not only the first. Memory is checked apart (memory.ts). */
export function validateLayout(
  layout: ParallelLayout,
  devices: number,
  devicesPerNode: number,
  shape?: TrainingShape,
  options: ValidateLayoutOptions = {},
): LayoutCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  // Messages name the fields as scenario files spell them.
  for (const [key, name] of [['tp', 'tp'], ['pp', 'pp'], ['dp', 'dp'], ['microBatches', 'micro_batches']] as const) {
    const v = layout[key];
    if (!Number.isInteger(v) || v < 1) problems.push(`${name} must be a positive integer, got ${v}`);
  }
  const v = layout.virtualStages ?? 1;
  if (!Number.isInteger(v) || v < 1) problems.push(`virtual_stages must be a positive integer, got ${v}`);
  // DeepSpeed's TrainSchedule is plain 1F1B: an interleaved description of it would time a schedule it never ran.
  if (layout.pipelineEngine === 'deepspeed' && layout.pp > 1 && v > 1) problems.push(`virtual_stages = ${v} with pipeline_engine: deepspeed: DeepSpeed's pipeline engine has no interleaved schedule (TrainSchedule is plain 1F1B); give virtual_stages: 1`);
  // Megatron's interleaved schedule takes a micro-batch group of pp to micro-batches, and refuses a last
  // group shorter than pp (forward_backward_pipelining_with_interleaving: ValueError, RuntimeError).
  const group = layout.microbatchGroupSize;
  if (group !== undefined && v > 1 && layout.pp > 1) {
    if (!Number.isInteger(group) || group < layout.pp || group > layout.microBatches)
      problems.push(`microbatch_group_size_per_vp_stage = ${group} must lie in [pp, micro_batches] = [${layout.pp}, ${layout.microBatches}], as Megatron's interleaved schedule requires`);
    else if (layout.microBatches % group !== 0 && layout.microBatches % group < layout.pp)
      problems.push(`microbatch_group_size_per_vp_stage = ${group} leaves a last group of ${layout.microBatches % group} micro-batches (micro_batches = ${layout.microBatches}), fewer than pp = ${layout.pp}, which Megatron's interleaved schedule refuses: give a group that divides micro_batches or leaves at least pp`);
  }
  const cp = layout.cp ?? 1;
  if (!Number.isInteger(cp) || cp < 1) problems.push(`cp must be a positive integer, got ${cp}`);
  const product = layout.tp * cp * layout.pp * layout.dp;
  if (product !== devices) {
    problems.push(
      cp === 1
        ? `tp x pp x dp = ${layout.tp} x ${layout.pp} x ${layout.dp} = ${product}, but the job has ${countOf(devices, 'device')}`
        : `tp x cp x pp x dp = ${layout.tp} x ${cp} x ${layout.pp} x ${layout.dp} = ${product}, but the job has ${countOf(devices, 'device')}`,
    );
  }
  if (!options.allowTpAcrossNodes && layout.tp > devicesPerNode) {
    problems.push(`tp = ${layout.tp} exceeds the ${devicesPerNode} devices of a node; tensor parallelism needs the intra-node interconnect`);
  } else if (!options.allowTpAcrossNodes && devicesPerNode % layout.tp !== 0) {
    notes.push(`tp = ${layout.tp} does not divide the ${devicesPerNode} devices of a node, so some tensor groups may straddle nodes`);
  }
  if (shape) {
    problems.push(...headsProblems(shape, layout.tp));
    if (cp > 1 && shape.seqLen % (2 * cp) !== 0) {
      problems.push(`cp = ${cp} needs the sequence (${shape.seqLen} tokens) to split into 2 x cp = ${2 * cp} equal chunks (load-balanced causal context parallelism)`);
    } else if (Number.isInteger(cp) && cp >= 1) {
      const unsplit = sequenceSplitProblem(shape, layout.tp, cp);
      if (unsplit !== undefined) problems.push(unsplit);
    }
    const chunks = layout.pp * v;
    const stages = layout.stageLayers;
    if (stages !== undefined) {
      const sum = stages.reduce((a, x) => a + x, 0);
      if (stages.length !== layout.pp) problems.push(`stage_layers gives ${stages.length} stage${stages.length === 1 ? '' : 's'}, but pp = ${layout.pp}: give one layer count per pipeline stage`);
      else if (stages.some((x) => !Number.isInteger(x) || x < 1)) problems.push(`stage_layers must be positive whole layer counts, got [${stages.join(', ')}]`);
      else if (sum !== shape.layers) problems.push(`stage_layers sum to ${sum} layers, but the model has ${shape.layers}: the stages must hold every layer once`);
      // With interleaving each stage runs its layers as v model chunks (Llama 3 405B: 7 + 14 x 8 + 7
      // over 16 stages of 4 or 8 chunks, a layer off the stages that hold the embedding and the
      // output layer); the step is timed on each stage's total, so each needs a layer per chunk.
      else if (v > 1) {
        const short = stages.findIndex((x) => x < v);
        if (short >= 0) problems.push(`stage_layers[${short}] = ${stages[short]} layers cannot fill the ${v} model chunks of a stage (virtual_stages = ${v}): every chunk needs at least one`);
      }
    }
    if (layout.pp > shape.layers) problems.push(`pp = ${layout.pp} exceeds the model's ${shape.layers} layers: every pipeline stage needs at least one`);
    else if (chunks > shape.layers) problems.push(`pp x virtual_stages = ${layout.pp} x ${v} = ${chunks} model chunks exceed the model's ${shape.layers} layers: every chunk needs at least one`);
    else if (stages === undefined && shape.layers % chunks !== 0) {
      // Say what is timed: a real partition has fuller chunks, or (BLOOM, Llama 3) moves layers off
      // the stages that also hold the embedding and the output layer (`stage_layers` says so).
      const average = Math.round((100 * shape.layers) / chunks) / 100;
      notes.push(
        `${shape.layers} layers do not divide evenly into ${chunks} pipeline chunks; the step time takes each chunk at the average ${average} layers, the last stage also holding the output layer, where a real partition has chunks of ${Math.ceil(shape.layers / chunks)} or moves layers off the output stage`,
      );
    }
    const sequences = shape.globalBatchTokens / shape.seqLen;
    // Data parallelism splits the batch's sequences over its replicas (context parallelism splits
    // each sequence over its cp ranks, within a replica): fewer sequences than replicas is a batch
    // given in sequences where tokens are counted, or a layout for another batch.
    const held = Number.isInteger(sequences) ? `${sequences}` : sequences.toFixed(2);
    // A batch given roughly ('12K' tokens of 4,096: 2.93 sequences) for three replicas is not refused.
    if (layout.dp > Math.round(sequences)) {
      problems.push(
        `dp = ${layout.dp} data-parallel replicas, but the global batch holds ${held} sequence${sequences === 1 ? '' : 's'} of ${shape.seqLen} tokens: each replica needs at least one (\`global_batch\` counts tokens)`,
      );
    } else if (layout.dp * layout.microBatches > sequences) {
      notes.push(`dp x micro_batches = ${layout.dp * layout.microBatches} exceeds the ${held} sequences in the global batch; micro-batches hold partial sequences`);
    } else if (Number.isInteger(sequences / layout.dp) && (sequences / layout.dp) % layout.microBatches !== 0) {
      // Frameworks split a replica's sequences into equal micro-batches (Megatron-LM asserts that the
      // global batch divides into micro-batch size x dp); a micro-batch of a fraction of a sequence
      // more is timed here as if it ran.
      const perReplica = sequences / layout.dp;
      const size = Math.round((100 * perReplica) / layout.microBatches) / 100;
      notes.push(
        `micro_batches = ${layout.microBatches} does not divide the ${perReplica} sequences each of the dp = ${layout.dp} replicas takes: the step is timed with micro-batches of ${size} sequences, which no framework runs; give ${nearestDivisors(perReplica, layout.microBatches)}, or \`micro_batch_size\``,
      );
    }
  }
  // Fields a layout gives that change nothing on it: said, as the user expects them to.
  if (layout.microbatchGroupSize !== undefined && (v === 1 || layout.pp === 1)) notes.push(`microbatch_group_size_per_vp_stage has no effect without the interleaved schedule (virtual_stages > 1 and pp > 1)`);
  if (v > 1 && layout.pp === 1) notes.push(`virtual_stages = ${v} has no effect with pp = 1: the interleaved schedule splits each pipeline stage's layers into model chunks, and there is one stage (no bubble to shrink)`);
  if (layout.ppOverlap !== undefined && layout.pp === 1) notes.push(`pp_overlap has no effect with pp = 1: there is no pipeline send/recv to hide`);
  if (layout.ppGradients !== undefined && layout.pp === 1) notes.push(`pp_gradients has no effect with pp = 1: there is no pipeline send/recv`);
  if (layout.ppTensors !== undefined && layout.pp === 1) notes.push(`pp_tensors has no effect with pp = 1: there is no pipeline send/recv`);
  else if (layout.ppTensors !== undefined && layout.tp > 1 && shape !== undefined && sequenceParallelOf(shape)) notes.push(`pp_tensors has no effect with sequence parallelism: the activations are already split by sequence, 1/tp sent by each tensor rank and none gathered`);
  if (layout.ppGradients !== undefined && layout.pp > 1 && layout.tp > 1 && ppTensorsOf(layout) === 'whole' && (shape === undefined || !sequenceParallelOf(shape))) notes.push(`pp_gradients has no effect with pp_tensors: whole: every tensor rank sends whole tensors both ways`);
  if (layout.pipelineEngine !== undefined && layout.pp === 1) notes.push(`pipeline_engine has no effect with pp = 1: there is no pipeline schedule to run`);
  if (layout.dpOverlap !== undefined && layout.dp === 1) notes.push(`dp_overlap has no effect with dp = 1: there is no gradient reduction to hide`);
  if (layout.dpMaxCtas !== undefined && layout.dp * (layout.cp ?? 1) === 1) notes.push(`dp_max_ctas has no effect with dp = 1: there is no gradient reduction to run`);
  if (layout.ppMaxCtas !== undefined && layout.pp === 1) notes.push(`pp_max_ctas has no effect with pp = 1: there is no pipeline send/recv`);
  if (layout.zeroStage === undefined && layout.shardedDataParallel === true && layout.dp === 1) notes.push('sharded: true has no effect with dp = 1: there is no data-parallel group to shard over');
  if (layout.zeroStage !== undefined && layout.zeroStage > 0 && layout.dp === 1) notes.push(`zero = ${layout.zeroStage} has no effect with dp = 1: there is no data-parallel group to shard over`);
  if (shape?.sequenceParallel === true && layout.tp === 1) notes.push('sequence_parallel has no effect with tp = 1: it splits the norms, dropouts and their activations over the tensor-parallel ranks, and there is one (Megatron-LM turns it off)');
  if (layout.pp > 1 && layout.microBatches < layout.pp) {
    notes.push(`micro_batches = ${layout.microBatches} < pp = ${layout.pp}: the pipeline never fills and the bubble dominates`);
  } else if (layout.pp > 1 && v > 1 && group === undefined && layout.microBatches % layout.pp !== 0) {
    notes.push(`micro_batches = ${layout.microBatches} is not a multiple of pp = ${layout.pp}, which Megatron's interleaved schedule requires`);
  }
  return { problems, notes };
}

/** The divisors of n nearest to m, below and above ("8 or 16"), each looked for within 100,000 steps (1 below otherwise). */
function nearestDivisors(n: number, m: number): string {
  let below = 1;
  for (let d = Math.min(m, n), steps = 0; d > 1 && steps < 100_000; d--, steps++) {
    if (n % d === 0) {
      below = d;
      break;
    }
  }
  let above = 0;
  for (let d = m + 1; d <= n && d <= m + 100_000; d++) {
    if (n % d === 0) {
      above = d;
      break;
    }
  }
  return above > 0 ? `${below} or ${above}` : `${below}`;
}

/**
 * A layout in one short cell, as jobs.csv gives it: the degrees tp, pp and dp, then what is set
 * beyond plain data parallelism (context and expert parallelism, virtual stages, the ZeRO stage)
 * and the micro-batches per replica, e.g. 'tp8 pp4 dp2 v2 mb16' or 'tp1 pp1 dp8 zero2 mb1'.
 */
export function layoutCell(l: ParallelLayout): string {
  const zero = l.zeroStage ?? (l.shardedDataParallel ? 2 : 0);
  return (
    `tp${l.tp} pp${l.pp} dp${l.dp}` +
    ((l.cp ?? 1) > 1 ? ` cp${l.cp}` : '') +
    ((l.ep ?? 1) > 1 ? ` ep${l.ep}` : '') +
    ((l.virtualStages ?? 1) > 1 ? ` v${l.virtualStages}` : '') +
    (zero > 0 ? ` zero${zero}` : '') +
    ` mb${l.microBatches}`
  );
}

/** The parameters useful work counts for a job of `params` with this model block: all of them for a dense model. */
export function usefulParamsOf(params: number, model: ShapeOverrides | undefined): number {
  return model?.moe ? activeParams(resolveShape(params, model)) : params;
}
