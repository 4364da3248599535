// Training jobs as the workload layer hands them to the simulator: what they compute, how many
// devices of which kinds they may use, and when they arrive.

export interface JobTemplate {
  /** Stable id within a run (unique; used in jobs.csv and for tie-breaks). */
  readonly name: string;
  readonly submitS: number;
  readonly devices: number;
  /** Useful model FLOPs to complete (6 x params x tokens for training). */
  readonly usefulFlop: number;
  /** Per-job kernel efficiency override; the device kind's own when undefined. */
  readonly efficiency: number | undefined;
  /** Allowed device kind indices; undefined = any kind. */
  readonly allowedKinds: readonly number[] | undefined;
  readonly priority: number;
  /** Model size when known (for the step-time model and inference); 0 when the job is given as a duration. */
  readonly params: number;
  /** Name of the workload entry that produced it. */
  readonly source: string;
  /** Model shape overrides (layers, hidden size, ...), when given. */
  readonly shape?: ShapeOverrides | undefined;
  /** Explicit parallel layout, when given. */
  readonly layout?: LayoutSpec | undefined;
  /**
   * Share of each device in thousandths (1000 = whole devices). Below 1000 only for single-device
   * jobs that share a device with others (fractional GPUs in the Alibaba trace).
   */
  readonly milli?: number | undefined;
  /** Host resources the whole job asks for (CPU milli-cores, memory MiB); none when undefined. */
  readonly cpuMilli?: number | undefined;
  readonly memoryMiB?: number | undefined;
  /**
   * The job takes this long on any kind it runs on (trace replays: the recorded run time, where
   * the trace does not say which model it ran on). Its useful work is then counted on the kind it
   * gets (run time x share x peak x efficiency); `usefulFlop` is the reference-kind figure.
   */
  readonly fixedRuntimeS?: number | undefined;
  /** Tenant queue index (scenarios with tenants: model/tenants.ts). */
  readonly queue?: number | undefined;
  /**
   * Useful FLOP/s of one whole device, by kind index, from the job type's row of the scenario's
   * `throughputs` matrix (model/throughputs.ts): replaces peak x efficiency. Kinds the row does
   * not list are absent, and not among the job's allowed kinds.
   */
  readonly kindRate?: readonly number[] | undefined;
  /**
   * A job given as a `duration` on `referenceKind` whose model the step model times (it has
   * `params`): the simulator sizes its work so that it runs that long alone on `devices` devices of
   * the reference kind (Simulation.durationWork); `usefulFlop` is until then the peak x efficiency
   * figure. Undefined for every other job.
   */
  readonly durationS?: number | undefined;
  readonly referenceKind?: number | undefined;
  /** Held until these transfers complete (set by transfers with `before:`). */
  readonly waitsFor?: readonly string[] | undefined;
}

export interface ShapeOverrides {
  readonly layers?: number | undefined;
  readonly hidden_size?: number | undefined;
  readonly seq_len?: number | undefined;
  readonly global_batch?: number | undefined;
  readonly recompute?: boolean | 'none' | 'selective' | 'full' | 'op' | undefined;
  readonly gradient_bytes?: number | undefined;
  readonly heads?: number | undefined;
  readonly kv_heads?: number | undefined;
  readonly head_dim?: number | undefined;
  readonly qk_norm?: boolean | undefined;
  readonly mla?: MlaSpec | undefined;
  readonly ffn_size?: number | undefined;
  readonly gated_mlp?: boolean | undefined;
  readonly vocab?: number | undefined;
  readonly attention?: 'flash' | 'flash1' | 'flash3' | 'standard' | undefined;
  readonly sequence_parallel?: boolean | undefined;
  readonly dropout?: number | undefined;
  readonly tied_embeddings?: boolean | undefined;
  readonly kernels?: 'fused' | 'eager' | undefined;
  readonly moe?: MoeSpec | undefined;
  readonly precision?: 'bf16' | 'fp16' | 'fp8' | undefined;
  readonly fp8_params?: boolean | undefined;
  readonly store_param_remainders?: boolean | undefined;
}

/** A model's `mla` block (multi-head latent attention) as the scenario gives it. */
export interface MlaSpec {
  readonly q_lora_rank?: number | undefined;
  readonly kv_lora_rank: number;
  readonly qk_nope_head_dim: number;
  readonly qk_rope_head_dim: number;
  readonly v_head_dim: number;
}

/** A model's `moe` block as the scenario gives it. */
export interface MoeSpec {
  readonly experts: number;
  readonly top_k: number;
  readonly ffn_size?: number | undefined;
  readonly shared_experts?: number | undefined;
  readonly dense_layers?: number | undefined;
  readonly max_nodes?: number | undefined;
}

export interface LayoutSpec {
  readonly tp: number;
  /** Context-parallel degree (1 when absent). */
  readonly cp?: number | undefined;
  /** Expert-parallel degree (1 when absent). */
  readonly ep?: number | undefined;
  /** Expert tensor-parallel degree (tp when absent). */
  readonly etp?: number | undefined;
  readonly ep_dispatch?: 'all-to-all' | 'per-node' | undefined;
  readonly ep_overlap?: number | undefined;
  readonly tp_overlap?: 'none' | 'ring-exchange' | 'pipelined' | 'async' | undefined;
  readonly dp_overlap?: number | undefined;
  readonly pp_overlap?: number | undefined;
  readonly dp_max_ctas?: number | undefined;
  readonly pp_max_ctas?: number | undefined;
  readonly grad_accumulation?: 'fused' | 'autograd' | 'fp32' | undefined;
  readonly cross_entropy?: 'unfused' | 'fused' | undefined;
  readonly layer_norm?: 'persistent' | 'apex' | undefined;
  readonly pipeline_engine?: 'megatron' | 'deepspeed' | undefined;
  readonly pp_gradients?: 'partitioned' | 'whole' | undefined;
  readonly pp_tensors?: 'scatter-gather' | 'whole' | undefined;
  readonly pp: number;
  readonly dp: number;
  readonly micro_batches?: number | undefined;
  /** Sequences per micro-batch; micro_batches = global batch sequences / (dp x this). */
  readonly micro_batch_size?: number | undefined;
  readonly virtual_stages: number;
  readonly microbatch_group_size_per_vp_stage?: number | undefined;
  /** Transformer layers per pipeline stage, first to last (even when absent). */
  readonly stage_layers?: readonly number[] | undefined;
  readonly sharded: boolean;
  readonly zero?: 0 | 1 | 2 | 3 | undefined;
}

/** Useful training FLOPs of a model of `params` parameters over `tokens` tokens (forward + backward). */
export function trainingFlop(params: number, tokens: number): number {
  return 6 * params * tokens;
}
