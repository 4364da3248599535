// The peak a serving replica's matrix multiplies reach: which of the kind's precisions they run in.
import type { KindInfo } from '../cluster.js';

export type ComputePrecision = 'bf16' | 'fp16' | 'fp8' | 'int8';

/**
 * FLOP/s peak for `precision`, or, when it is not given, FP8 for one-byte weights on a kind with
 * FP8 tensor cores and the 16-bit peak otherwise (weight-only quantisation: the weights are
 * dequantised into 16-bit GEMMs, as vLLM's FP8 on Ampere and AWQ/GPTQ's 4-bit kernels do).
 * An 8-bit precision the kind does not list is refused through `refuse` (undefined back).
 */
export function computePeak(spec: KindInfo['spec'], precisionBytes: number, precision: ComputePrecision | undefined, device: string, refuse: (msg: string) => void): number {
  const by = spec.peak_by_precision ?? {};
  const chosen = servedPrecision(spec, precisionBytes, precision);
  if (chosen === undefined) return spec.peak;
  if (chosen === 'bf16' || chosen === 'fp16') return by[chosen] ?? spec.peak;
  const peak = by[chosen];
  if (peak === undefined) {
    const has = (['fp8', 'int8'] as const).filter((p) => by[p] !== undefined);
    refuse(`'${device}' lists no ${chosen} peak (${has.length > 0 ? `it has ${has.join(' and ')}` : 'it has no 8-bit tensor-core peak'}); give one in its \`peak_by_precision\` or serve in bf16`);
    return spec.peak;
  }
  return peak;
}

/** The precision the replica's matrix multiplies run in, as computePeak chooses it (undefined: the kind's 16-bit `peak`). */
export function servedPrecision(spec: KindInfo['spec'], precisionBytes: number, precision: ComputePrecision | undefined): ComputePrecision | undefined {
  return precision ?? (precisionBytes === 1 && spec.peak_by_precision?.fp8 !== undefined ? 'fp8' : undefined);
}
