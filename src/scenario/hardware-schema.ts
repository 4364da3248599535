// Schemas of device kinds, intra-node interconnects and fabric presets. The built-in catalogue is
// written against the output types; scenarios override or extend it through the input forms.
import { z } from 'zod';
import { duration, flops, power, rate, size } from './quantity.js';
import { DEVICES_PER_NODE_RANGE, MAX_DEVICES_PER_NODE } from './limits.js';

export const interconnectSchema = z.strictObject({
  /** e.g. 'NVLink4', 'HCCS', 'ICI'. */
  name: z.string(),
  /** Per-device unidirectional bandwidth into the intra-node fabric (bytes/s). */
  bandwidth: rate({ positive: true }),
  /** One-way latency of a transfer between two devices of a node (s). */
  latency: duration(),
  /** Fraction of `bandwidth` that large collectives achieve (bus bandwidth / link rate). */
  efficiency: z.number().gt(0).lte(1).default(0.8),
});

export const deviceSchema = z.strictObject({
  /** Human-readable full name. */
  description: z.string().default(''),
  vendor: z.string().default(''),
  /** 'gpu' | 'tpu' | 'npu' | 'server' (a server row bundles several devices, as the DGX-2 does). */
  class: z.enum(['gpu', 'tpu', 'npu', 'server']).default('gpu'),
  /** Dense peak at the default training precision (bf16, or fp16 where there is no bf16, fp32 where neither: K80). */
  peak: flops({ positive: true }),
  /** Optional dense peaks per precision; `peak` is used when a job's precision is absent. */
  peak_by_precision: z.partialRecord(z.enum(['fp8', 'bf16', 'fp16', 'tf32', 'fp32', 'int8']), flops({ positive: true })).optional(),
  memory: size({ positive: true }),
  memory_bandwidth: rate({ positive: true }),
  /** Power drawn while running a job (W); board power unless measured figures say otherwise. */
  busy_power: power(),
  /** Power drawn while allocated to nothing (W). */
  idle_power: power(),
  /**
   * Kernel efficiency: the fraction of peak a well-tuned training step's compute achieves on
   * this kind before communication and bubbles are counted. Calibrated from published MFU.
   */
  efficiency: z.number().gt(0).lte(1),
  /**
   * Fraction of peak a large, well-shaped GEMM sustains on this kind (cuBLAS-class
   * microbenchmarks at the board's power cap). With it, training steps are timed operator by
   * operator (src/model/layer-compute.ts); without it, every kernel runs at `efficiency`.
   */
  gemm_efficiency: z.number().gt(0).lte(1).optional(),
  /**
   * Fraction of the FP8 peak (`peak_by_precision.fp8`) a large FP8 GEMM sustains; without it,
   * `gemm_efficiency`.
   */
  gemm_efficiency_fp8: z.number().gt(0).lte(1).optional(),
  /** Compute units (SMs, CUs, MXUs) a GEMM's output tiles are spread over, for wave quantisation. */
  compute_units: z.number().int().positive().optional(),
  /**
   * Fractions of peak the fused attention kernel (FlashAttention-2 class, causal, head dim 128)
   * sustains forward and backward on this kind, from kernel microbenchmarks; without it, 0.75 and
   * 0.6 of `gemm_efficiency` (FlashAttention-2 on A100).
   */
  flash_attention: z.strictObject({ forward: z.number().gt(0).lte(1), backward: z.number().gt(0).lte(1) }).optional(),
  /** Whether FlashAttention-3's kernels run here (Hopper's wgmma and TMA: H100, H200, H800); absent: no. */
  flash3: z.boolean().optional(),
  /** Interconnect between the devices of one node. */
  interconnect: interconnectSchema,
  /** Usual devices per node. */
  devices_per_node: z.number().int().positive().max(MAX_DEVICES_PER_NODE, { message: DEVICES_PER_NODE_RANGE }).default(8),
  /** Name of the usual scale-out fabric preset. */
  default_fabric: z.string().optional(),
  /** Where the figures came from. */
  source: z.string().default(''),
});

export type DeviceKind = z.output<typeof deviceSchema>;
export type DeviceKindInput = z.input<typeof deviceSchema>;
export type Interconnect = z.output<typeof interconnectSchema>;

/**
 * What one data centre's switch fabric is built of, priced: a switch of `switch_ports` ports at the
 * fabric's port rate, and per link one cable and a transceiver at each end. What each topology kind
 * needs of them is its `bill` (network/fabrics/); network/fabric-cost.ts prices it.
 */
export const fabricEquipmentSchema = z.strictObject({
  /** Ports of one switch at the fabric's port rate (its radix). */
  switch_ports: z.number().int().positive(),
  /** Price of one switch, without transceivers (USD in the catalogue). */
  switch_price: z.number().nonnegative(),
  /** Power of one switch without its transceivers (W). */
  switch_power: power(),
  /** Price of one link end's transceiver at the port rate (USD in the catalogue). */
  transceiver_price: z.number().nonnegative(),
  /** Power of one link end's transceiver (W). */
  transceiver_power: power(),
  /** Price of one link's cable (USD in the catalogue). */
  cable_price: z.number().nonnegative(),
  /** Where the figures come from. */
  source: z.string().default(''),
});

export type FabricEquipment = z.output<typeof fabricEquipmentSchema>;

export const fabricSchema = z.strictObject({
  description: z.string().default(''),
  /** Transport family; the behaviour differences are in the parameters below, not the name. */
  transport: z.enum(['infiniband', 'roce', 'ethernet', 'ici', 'other']),
  /** Per-port (per-NIC) line rate (bytes/s). */
  port_rate: rate({ positive: true }),
  /** Latency per switch hop (s). */
  hop_latency: duration(),
  /** NIC/host latency added once per message end to end (s). */
  endpoint_latency: duration(),
  /** Fraction of line rate a large flow achieves on an idle fabric. */
  efficiency: z.number().gt(0).lte(1),
  /**
   * How much of a congested link's capacity remains useful when several flows contend
   * (1 = ideal max-min sharing; RoCE with PFC/ECN typically loses some to pauses and
   * retransmissions). Applied to links with more than one flow.
   */
  congestion_efficiency: z.number().gt(0).lte(1).default(1),
  /** Switches, transceivers and cables, priced, for the fabric's cost and power (summary.csv's fabric_capex, fabric_kw). */
  equipment: fabricEquipmentSchema.optional(),
  source: z.string().default(''),
});

export type FabricPreset = z.output<typeof fabricSchema>;
export type FabricPresetInput = z.input<typeof fabricSchema>;
