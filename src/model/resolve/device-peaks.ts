// A device kind's `peak` and its `peak_by_precision` are one figure twice: `peak` is the dense peak
// at the kind's default training precision (bf16, else fp16, else fp32: K80), which training reads,
// and the same precision's entry is what a service with `compute_precision` reads. An override of
// one must move the other, and a kind that gives them apart is refused rather than timed at one
// figure in training and another in serving.
import type { DeviceKind } from '../../scenario/hardware-schema.js';
import type { PathKey } from '../../scenario/errors.js';

type Peaks = NonNullable<DeviceKind['peak_by_precision']>;
type Precision = keyof Peaks;

/** The precisions `peak` can be the peak of, in the order the schema says: the first a kind lists is it. */
const PEAK_PRECISIONS = ['bf16', 'fp16', 'fp32'] as const satisfies readonly Precision[];

/** The precision whose entry `peak` restates: the first of bf16, fp16, fp32 the kind lists. */
export function peakPrecision(peaks: Peaks | undefined): Precision | undefined {
  return PEAK_PRECISIONS.find((p) => peaks?.[p] !== undefined);
}

/**
 * A catalogue kind's peaks under a scenario's override of some of them. The override's entries of
 * `peak_by_precision` are added to the kind's (an override changes only what it writes: bf16 alone
 * keeps the kind's fp8). A new `peak` moves the kind's 16-bit and fp32 entries that restate its old
 * one (H100's bf16 and fp16), unless written; a new entry for the peak's precision without a
 * `peak` moves `peak`.
 */
export function mergedPeaks(base: DeviceKind, override: { peak?: number | undefined; peak_by_precision?: Peaks | undefined }): { peak: number; peak_by_precision?: Peaks } {
  const written = override.peak_by_precision ?? {};
  if (base.peak_by_precision === undefined && override.peak_by_precision === undefined) return { peak: override.peak ?? base.peak };
  const peaks: Peaks = { ...base.peak_by_precision, ...written };
  if (override.peak !== undefined) {
    for (const p of PEAK_PRECISIONS) if (base.peak_by_precision?.[p] === base.peak && written[p] === undefined) peaks[p] = override.peak;
    return { peak: override.peak, peak_by_precision: peaks };
  }
  const own = peakPrecision(peaks);
  return { peak: own !== undefined && written[own] !== undefined ? written[own] : base.peak, peak_by_precision: peaks };
}

/**
 * Where a kind's `peak` and its default precision's entry differ: the path of the field the
 * scenario wrote (the entry when it wrote it, else `peak`) and what was expected; undefined when
 * they agree.
 */
export function peakMismatch(kind: DeviceKind, wroteEntry: (p: Precision) => boolean): { path: PathKey[]; message: string } | undefined {
  const own = peakPrecision(kind.peak_by_precision);
  const entry = own === undefined ? undefined : kind.peak_by_precision![own];
  if (own === undefined || entry === undefined || entry === kind.peak) return undefined;
  const tflops = (x: number): string => `${Number((x / 1e12).toPrecision(6))} TFLOP/s`;
  const message = `\`peak\` (${tflops(kind.peak)}) and \`peak_by_precision.${own}\` (${tflops(entry)}) differ: \`peak\` is the kind's dense ${own} peak, which training runs at, and the ${own} entry restates it; give one figure (a datasheet's larger 'with sparsity' figure is twice the dense one)`;
  return { path: wroteEntry(own) ? ['peak_by_precision', own] : ['peak'], message };
}
