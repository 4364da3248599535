// Useful FLOP/s of one device for a job where no step model times it: its job type's measured row,
// else peak x kernel efficiency (an FP8 job's GEMM share at the FP8 GEMM rate). Shared by the run's
// simple progress model and the size estimate.
import type { DeviceKind } from '../scenario/hardware-schema.js';
import type { JobTemplate } from './job.js';

/** What deviceRate reads of a job: its measured row, its efficiency and its training precision. */
export type RateFields = Pick<JobTemplate, 'kindRate' | 'efficiency'> & { readonly shape?: { readonly precision?: 'bf16' | 'fp16' | 'fp8' | undefined } | undefined };

/**
 * Useful FLOP/s of one whole device of kind `kindIndex` for a job: its type's measured throughput
 * (the scenario's matrix, model/throughputs.ts) where it has one, else peak x kernel efficiency
 * (the job's override, else the kind's), for an FP8 job with its GEMMs at the FP8 rate (fp8Rate).
 */
export function deviceRate(t: RateFields, spec: DeviceKind, kindIndex: number): number {
  const typed = t.kindRate?.[kindIndex];
  if (typed !== undefined) return typed;
  const rate = spec.peak * (t.efficiency ?? spec.efficiency);
  return t.shape?.precision === 'fp8' ? fp8Rate(spec, rate) : rate;
}

/**
 * An FP8 job's rate on a kind whose 16-bit whole-step rate is `rate16` (peak x efficiency): the
 * step spends efficiency / gemm_efficiency of its time in GEMMs (the FLOPs counted), the rest in
 * kernels FP8 does not speed (attention, element-wise, optimizer: Transformer Engine runs only the
 * layers' GEMMs in FP8); the GEMM part runs (fp8 peak x gemm_efficiency_fp8) / (peak x
 * gemm_efficiency) times as fast (the operator-level model's FP8 GEMM rate, layer-compute.ts). A
 * kind without an FP8 peak or a GEMM efficiency keeps `rate16`: the loader refuses FP8 there, and
 * ratio-peak.ts measures such a job against the 16-bit peak alike.
 */
function fp8Rate(spec: DeviceKind, rate16: number): number {
  const fp8Peak = spec.peak_by_precision?.fp8;
  const gemm = spec.gemm_efficiency;
  if (fp8Peak === undefined || gemm === undefined) return rate16;
  const speedup = (fp8Peak * (spec.gemm_efficiency_fp8 ?? gemm)) / (spec.peak * gemm);
  const gemmShare = Math.min(1, spec.efficiency / gemm);
  return rate16 / (gemmShare / speedup + (1 - gemmShare));
}
