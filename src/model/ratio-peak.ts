// The peak a training job's effective compute ratio is measured against: the dense peak of a
// device at the job's precision (design.md, "Vocabulary": bf16 by default).

/**
 * Peak FLOP/s of one device of a kind with `spec` for a job training in `precision`: the kind's FP8
 * peak for an FP8 job on a kind that times FP8 GEMMs (an FP8 peak and a `gemm_efficiency`, as
 * layer-compute.ts's computeDeviceOf requires), else its 16-bit `peak` (bf16, and fp16, which is
 * timed at it). Contract: the same figure wherever a job's ratio is computed (runs, explain).
 */
export function ratioPeakFlops(
  spec: { peak: number; gemm_efficiency?: number | undefined; peak_by_precision?: { fp8?: number | undefined } | undefined },
  precision: 'bf16' | 'fp16' | 'fp8' | undefined,
): number {
  const fp8 = spec.peak_by_precision?.fp8;
  return precision === 'fp8' && fp8 !== undefined && spec.gemm_efficiency !== undefined ? fp8 : spec.peak;
}

/**
 * Peak FLOP-seconds counted at `peakFlops` a device (a service's served precision), recounted at the
 * kind's 16-bit `kindPeakFlops`: the same figure when the two peaks are one.
 */
export function atKindPeak(peakFlopS: number, peakFlops: number, kindPeakFlops: number): number {
  return peakFlops === kindPeakFlops ? peakFlopS : peakFlopS * (kindPeakFlops / peakFlops);
}
