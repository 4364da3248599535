// Schema of the scenario's `services:` list (inference services): the model served, its replicas
// and their hardware knobs, the load balancer, SLOs, client regions and request streams.
import { z } from 'zod';
import { distributionSchema } from './distribution.js';
import { boundedNumber, count, distinctList, duration, frequency, interval } from './quantity.js';

const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'expected a name of letters, digits, . _ + -, starting with a letter or digit');

/**
 * Tokens as written for a request (a fixed count, an empirical distribution's values): whole numbers.
 * Draws of the other distributions are rounded to whole tokens; a written 10.5 was rounded to 11 too,
 * without a word, so a stated mean of 10.5 output tokens ran 11.
 */
const wholeTokens = () => count({ positive: true }).refine((v) => Number.isInteger(v), { message: 'expected a whole number of tokens (a distribution\'s mean or median may be fractional; its draws are rounded)' });

/** A policy by name or `{ name, params }` (same shape as the scenario's `policy`). */
const balancerRefSchema = z.union([
  z.string().min(1).transform((name) => ({ name, params: {} as Record<string, unknown> })),
  z.strictObject({ name: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) }),
]);

export const inferenceModelSchema = z.strictObject({
  /** Parameters (e.g. '70B'). */
  params: count({ positive: true }),
  /** Bytes per weight and KV element: 2 (bf16/fp16), 1 (fp8/int8); at most 16. Below 1 (4-bit), the weights alone: KV stays 16-bit. */
  precision_bytes: boundedNumber(0, 16, { above: true }).default(2),
  /**
   * Precision the matrix multiplies run in (so the kind's peak they reach). By default FP8 when the
   * weights are one byte and the kind has FP8 tensor cores, else 16-bit (weight-only quantisation).
   */
  compute_precision: z.enum(['bf16', 'fp16', 'fp8', 'int8']).optional(),
  /** Layers and width; from the nearest well-known family of this size when absent. */
  layers: z.number().int().positive().optional(),
  hidden_size: z.number().int().positive().optional(),
  /** Grouped-query attention: KV heads and head dimension (KV width = kv_heads x head_dim). */
  kv_heads: z.number().int().positive().optional(),
  head_dim: z.number().int().positive().optional(),
  /** KV-cache bytes per token directly (overrides the shape; 0 models the cache as free). */
  kv_bytes_per_token: z.number().nonnegative().optional(),
  /**
   * The model's context window in tokens, prompt + output (vLLM's max_model_len); no limit when absent.
   * A plain number, as the model's config writes it: '128K' would be 128,000 by the suffix, where
   * Llama 3.1's config says 131,072.
   */
  context_length: z.number().int().positive().optional(),
});

const autoscaleSchema = z.strictObject({
  min: z.number().int().positive(),
  max: z.number().int().positive(),
  /** Target outstanding requests (queued + in the batch) per replica. */
  target_queue: z.number().positive().optional(),
  /** Target fraction of batch slots in use, over the serving replicas. */
  target_utilisation: z.number().gt(0).lte(1).optional(),
  /** How often the autoscaler looks. */
  interval: interval({ positive: true }).default(30),
  /** From the decision to a serving replica: devices held while the weights load. */
  scale_up_delay: duration().default(60),
  /** Load must stay below target this long before replicas are removed (stabilisation window). */
  scale_down_delay: interval().default(300),
  /** Preempt training jobs (they checkpoint first) when no devices are free for a new replica. */
  preempt_training: z.boolean().default(true),
});

/**
 * Autoscaling of one pool of a disaggregated service: the colocated targets, or the pool's own
 * signal: prompt tokens waiting per prefill replica, or the KV cache's use on the decode replicas.
 */
const poolAutoscaleSchema = autoscaleSchema.extend({
  /** Prefill pool: target prompt tokens routed to a replica and not yet prefilled (its queueing delay, so TTFT). */
  target_queued_tokens: z.number().positive().optional(),
  /** Decode pool: target fraction of a replica's KV cache reserved or wanted by the sequences routed there. */
  target_kv_utilisation: z.number().gt(0).lte(1).optional(),
});

export const replicasSchema = z.strictObject({
  /** A fixed number of replicas; or give `autoscale`. */
  count: z.number().int().positive().optional(),
  autoscale: autoscaleSchema.optional(),
  /** Devices per replica, all in one node. */
  tensor_parallel: z.number().int().positive().default(1),
  /** Device kind. */
  device: z.string().min(1),
  /** Data centre(s) the replicas are spread over. */
  datacentre: z.union([identifier.transform((d) => [d]), distinctList(identifier)]),
  /** Fraction of peak reached by the replica's matrix multiplies, every shape; absent: the kind's GEMM model (gemm_efficiency), else its efficiency. */
  efficiency: z.number().gt(0).lte(1).optional(),
  /** Fraction of memory bandwidth a decode step achieves. */
  memory_efficiency: z.number().gt(0).lte(1).default(0.8),
  /** Fraction of device memory for weights and KV cache (vLLM's gpu_memory_utilization). */
  memory_utilisation: z.number().gt(0).lte(1).default(0.9),
  /**
   * Fixed time per iteration (scheduling, sampling, launches); 70 us per layer of the model when
   * absent (measured on served decode: ITERATION_OVERHEAD_PER_LAYER_S).
   */
  step_overhead: duration().optional(),
  /** From a replica's device failure to its replacement serving (weights load); autoscale.scale_up_delay, else 60 s, when absent. */
  restart_delay: duration().optional(),
});

export const arrivalSchema = z.discriminatedUnion('process', [
  z.strictObject({ process: z.literal('poisson'), rate: frequency({ positive: true }) }),
  /**
   * Gamma inter-arrival times with the given mean rate and coefficient of variation (> 1: bursty),
   * cv in [0.001, 100]: the gamma shape 1/cv^2 must stay within what its sampler handles.
   */
  z.strictObject({ process: z.literal('gamma'), rate: frequency({ positive: true }), cv: boundedNumber(0.001, 100) }),
  /** Poisson at `rate` during on periods, silent during off periods (exponential lengths with these means). */
  z.strictObject({
    process: z.literal('on-off'),
    rate: frequency({ positive: true }),
    on: interval({ positive: true }),
    off: interval({ positive: true }),
  }),
  /**
   * Daily profile (non-homogeneous Poisson, by thinning): 24 hourly rates (piecewise constant),
   * or a sinusoid between `trough` and `peak` with its maximum at `peak_hour`.
   */
  z.strictObject({
    process: z.literal('diurnal'),
    hourly: z.array(frequency()).length(24).optional(),
    peak: frequency({ positive: true }).optional(),
    trough: frequency().optional(),
    peak_hour: z.number().gte(0).lt(24).default(14),
  }),
  /**
   * Replay of a request trace: a CSV of arrival times and token counts, read through `format`'s
   * column names (poolsim: timestamp (s), prompt_tokens, output_tokens, optionally prefix_id and
   * prefix_tokens, a shared prompt prefix counted in the prompt, or session_id, a multi-turn
   * conversation whose earlier turns are a later turn's prefix; azure-llm: Azure's published LLM
   * inference traces, TIMESTAMP as an ISO date and time, ContextTokens, GeneratedTokens), each
   * overridable in `columns`. `file` is read by the loader (relative to the scenario); `csv` gives
   * the text inline. Bad rows are skipped and counted by reason (a warning with the first one's line).
   */
  z.strictObject({
    process: z.literal('trace'),
    file: z.string().min(1).optional(),
    csv: z.string().min(1).optional(),
    /** The column names and time format a trace of this kind has (poolsim when absent). */
    format: z.enum(['poolsim', 'azure-llm']).optional(),
    /** The trace's column names, each replacing the format's. */
    columns: z
      .strictObject({
        time: z.string().min(1).optional(),
        prompt_tokens: z.string().min(1).optional(),
        output_tokens: z.string().min(1).optional(),
        prefix_id: z.string().min(1).optional(),
        prefix_tokens: z.string().min(1).optional(),
        /** A conversation's id: a later turn's cached prefix is the turns before it (prompt + output). Not with prefix_id. */
        session_id: z.string().min(1).optional(),
      })
      .optional(),
    /** seconds: the time column is a number in time_unit; iso: a date and time, UTC unless it carries a zone. The format's when absent. */
    time_format: z.enum(['seconds', 'iso']).optional(),
    /** Unit of a numeric time column (s when absent). */
    time_unit: z.enum(['s', 'ms', 'us', 'min', 'h']).optional(),
    /** Subtract the first timestamp (true when absent; traces often use epoch seconds). */
    relative: z.boolean().optional(),
    /**
     * The trace time that becomes the stream's start, instead of the first row's: a date and time
     * (time_format iso) or a number in time_unit. Rows before it are skipped and counted.
     */
    origin: z.union([z.string().min(1), z.number().finite()]).optional(),
    /** Multiply arrival times (after the origin): 0.5 halves inter-arrival times, doubling the load. In (0, 1e6]. */
    time_scale: boundedNumber(0, 1e6, { above: true }).optional(),
  }),
]);

/**
 * Shared prompt prefixes (system prompts, few-shot templates, documents asked about): each request
 * carries one of `count` prefixes, drawn by popularity, whose first `tokens` prompt tokens are the
 * same for every request carrying it, so a replica that holds their KV cache skips their prefill.
 */
export const prefixesSchema = z.strictObject({
  /** Distinct prefixes the stream's requests draw from (ids are the stream's own). */
  count: z.number().int().positive().max(10_000_000),
  /** Tokens of each prefix, drawn once per prefix; part of the request's prompt_tokens. */
  tokens: distributionSchema(count({ positive: true }), wholeTokens()),
  /** zipf: the k-th most popular prefix is drawn with probability proportional to 1 / k^zipf_exponent; uniform: all alike. */
  popularity: z.enum(['zipf', 'uniform']).default('zipf'),
  /** Exponent of the Zipf law (1 when absent), in [0, 10]; only with popularity zipf. */
  zipf_exponent: boundedNumber(0, 10).optional(),
  /** Fraction of requests that carry a prefix (the others share nothing), in [0, 1]. */
  fraction: boundedNumber(0, 1).default(1),
  /**
   * Streams of the service naming the same group draw from one set of prefixes (the same system
   * prompts seen from two regions, say): same ids, same lengths; their `count` and `tokens` agree.
   */
  group: identifier.optional(),
});

export const requestStreamSchema = z.strictObject({
  name: identifier.optional(),
  /** Client region (a key of the service's `regions`); no network distance when absent. */
  region: identifier.optional(),
  arrival: arrivalSchema,
  /** Tokens per request (ignored for traces, which carry their own). */
  prompt_tokens: distributionSchema(count({ positive: true }), wholeTokens()).default({ distribution: 'fixed', value: 512 }),
  output_tokens: distributionSchema(count({ positive: true }), wholeTokens()).default({ distribution: 'fixed', value: 256 }),
  /** Shared prompt prefixes (prefix caching); none when absent. Traces carry their own in columns. */
  prefixes: prefixesSchema.optional(),
  /** First arrival no earlier than this. */
  start: duration().default(0),
  /** No arrivals from this time on. */
  until: duration().optional(),
  /** At most this many requests. */
  count: z.number().int().positive().optional(),
});

/**
 * One pool of a disaggregated service (prefill or decode): its replicas' hardware, as `replicas`,
 * plus its own batching limits; a fixed `count` or its own `autoscale`.
 */
export const poolSchema = replicasSchema.extend({
  autoscale: poolAutoscaleSchema.optional(),
  /** Sequences in one iteration of this pool's replicas; the service's `max_batch` when absent. */
  max_batch: z.number().int().positive().optional(),
  /** Prompt tokens in one prefill iteration (vLLM's max_num_batched_tokens); no limit when absent. A longer prompt runs alone. */
  max_batch_tokens: z.number().int().positive().optional(),
});

export const serviceSchema = z.strictObject({
  name: identifier,
  model: inferenceModelSchema,
  /** Colocated replicas (prefill and decode on the same devices); or give `prefill` and `decode`. */
  replicas: replicasSchema.optional(),
  /**
   * Disaggregated serving (DistServe, Splitwise, Mooncake): prompts are processed on the prefill
   * pool, the KV cache moves to a replica of the decode pool as a flow on the network, and the
   * decode pool generates the remaining tokens.
   */
  prefill: poolSchema.optional(),
  decode: poolSchema.optional(),
  /** Sequences in a replica's running batch (continuous batching). */
  max_batch: z.number().int().positive().default(64),
  /**
   * Chunked prefill (Sarathi-Serve; vLLM's enable_chunked_prefill): each iteration of a colocated
   * replica processes at most `token_budget` tokens, one per decoding sequence first, then chunks of
   * the admitted prompts' prefill, so a long prompt prefills over several iterations while the batch
   * keeps decoding. On a disaggregated service it bounds the prefill pool's iterations, a long prompt
   * split over several (in place of the pool's max_batch_tokens). Off when absent (a prompt prefills
   * in one iteration).
   */
  chunked_prefill: z
    .strictObject({
      /** Tokens per iteration (vLLM's max_num_batched_tokens): a whole number, at least max_batch on colocated replicas. */
      token_budget: z.number().int().positive(),
    })
    .optional(),
  /**
   * Disaggregated: when the KV cache leaves the prefill replica. after-prefill: all of it once the
   * prompt is prefilled; layerwise: each layer's as soon as that layer is prefilled (Splitwise,
   * DistServe, Mooncake), so only the last layer's waits for the prefill to end.
   */
  kv_streaming: z.enum(['after-prefill', 'layerwise']).default('after-prefill'),
  balancer: balancerRefSchema.default({ name: 'power-of-two', params: {} }),
  /** Latency objectives; a request attains the SLO when it meets all of those given. */
  slo: z
    .strictObject({
      ttft: interval({ positive: true }).optional(),
      tpot: interval({ positive: true }).optional(),
      e2e: interval({ positive: true }).optional(),
      /**
       * Admission control: a request the chosen replica could not serve within the TTFT or TPOT
       * objective even at best (its queue's prefills and its own, one decode step with it in the
       * batch) is rejected on arrival and counted, rather than served late.
       */
      admission: z.boolean().default(false),
    })
    .optional(),
  /** One-way network latency from each client region to each data centre: `{ eu: { east: 5ms } }`. */
  regions: z.record(identifier, z.record(identifier, duration())).default({}),
  streams: z.array(requestStreamSchema).min(1),
});

export type ServiceSpec = z.output<typeof serviceSchema>;
export type ReplicasSpec = z.output<typeof replicasSchema>;
export type PoolSpec = z.output<typeof poolSchema>;
export type PoolAutoscaleSpec = z.output<typeof poolAutoscaleSchema>;
export type PrefixesSpec = z.output<typeof prefixesSchema>;
export type RequestStreamSpec = z.output<typeof requestStreamSchema>;
export type ArrivalSpec = RequestStreamSpec['arrival'];
