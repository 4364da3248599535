// Where a training job's kernels fall outside every measurement the step model's shape physics was
// read from: the shape, the measured range and what the model does there instead. `explain` prints
// them as notes and `validate` as warnings, so that a number resting on an extrapolation is not
// printed as if it were measured (docs/calibration.md, "Short K below the calibrated range"). Pure.
import { FLASH_BENCHMARK_SEQ } from './flash-rate.js';
import { DEFAULT_HEAD_DIM, fusedAttentionOf } from './shape-defaults.js';
import type { TrainingShape } from './training-layout.js';

/**
 * Head dims (K of the attention scores GEMM) the 16-bit short-K factor is measured at: every head dim
 * from 8 to 255 that is a multiple of 8 (EleutherAI/cookbook h_sweep, A100, 128-512 heads a call; gemm.ts,
 * GEMM_K_OVERHEAD and GEMM_K_STEP). A K that is not a multiple of 8 runs off the 16-byte-aligned path:
 * measured 1.4-6 times slower than the model at head dims 1-255.
 */
export const SCORES_K_MEASURED = { min: 8, max: 255, multiple: 8 } as const;

/** Head dims FlashAttention's rate is measured at (Dao 2023, figure 4 (c) and (d): 64 and 128; flash-rate.ts). */
export const FLASH_HEAD_DIM_MEASURED = { min: 64, max: 128 } as const;

/** Shortest K the FP8 GEMM fixed cost is measured at (DeepGEMM on H800, K = 512-16,384; gemm.ts GEMM_K_OVERHEAD_FP8). */
export const FP8_K_MEASURED_MIN = 512;

/**
 * One sentence per kernel of a job's layer whose shape lies outside what the model was measured on,
 * at tensor-parallel degree `tp` (undefined: the layout is not known yet, and the per-rank FP8 GEMM
 * widths are not checked). `fp8Gemms`: the layer GEMMs run in FP8 (the job trains in FP8 on a kind
 * with FP8 tensor cores). Empty when every kernel is inside its measured range.
 */
export function extrapolatedShapes(shape: TrainingShape, tp: number | undefined, fp8Gemms: boolean): string[] {
  const out: string[] = [];
  const h = shape.hiddenSize;
  const heads = shape.heads ?? Math.max(1, Math.round(h / DEFAULT_HEAD_DIM));
  const dh = shape.headDim ?? h / heads;
  const mla = shape.mla;
  const dQK = mla ? mla.qkNopeHeadDim + mla.qkRopeHeadDim : dh;
  const dV = mla ? mla.vHeadDim : dh;
  const fmt = (x: number): string => (Number.isInteger(x) ? x.toLocaleString('en-US') : x.toPrecision(4));
  if (fusedAttentionOf(shape)) {
    const d = Math.max(dQK, dV);
    if (d < FLASH_HEAD_DIM_MEASURED.min || d > FLASH_HEAD_DIM_MEASURED.max) {
      // FlashAttention-1 is timed on its head dim 128 curve at every head dim (layer-compute.ts).
      const held = shape.attention === 'flash1' || d > FLASH_HEAD_DIM_MEASURED.max ? FLASH_HEAD_DIM_MEASURED.max : FLASH_HEAD_DIM_MEASURED.min;
      out.push(
        `attention at head dim ${fmt(d)} is extrapolated: FlashAttention's rate is measured at head dims ${FLASH_HEAD_DIM_MEASURED.min} and ${FLASH_HEAD_DIM_MEASURED.max} only (Dao 2023, figure 4), and the model holds head dim ${held}'s rate here`,
      );
    }
    const lo = FLASH_BENCHMARK_SEQ[0];
    const hi = FLASH_BENCHMARK_SEQ[FLASH_BENCHMARK_SEQ.length - 1]!;
    if (shape.seqLen < lo || shape.seqLen > hi) {
      out.push(
        `attention at sequence ${fmt(shape.seqLen)} is extrapolated: FlashAttention's rate is measured at sequences ${fmt(lo)} to ${fmt(hi)} (Dao 2023, figure 4), and the model holds the rate at ${fmt(shape.seqLen < lo ? lo : hi)} here`,
      );
    }
  } else {
    const { min, max, multiple } = SCORES_K_MEASURED;
    for (const [what, k] of [
      ['the attention scores GEMM (Q K^T)', dQK],
      ['the attention probabilities-gradient GEMM (dO V^T)', dV],
    ] as const) {
      if (k >= min && k <= max && k % multiple === 0) continue;
      const why = k % multiple !== 0 ? `, and a K that is not a multiple of ${multiple} ran 1.4-6 times slower than the model there` : '';
      out.push(
        `${what} has K = ${fmt(k)} (the head dim), outside the K the GEMM model's short-K factor is measured at (${min}-${max}, multiples of ${multiple}, A100 fp16: docs/calibration.md, "Short K below the calibrated range")${why}: its time is extrapolated`,
      );
      if (dQK === dV) break;
    }
  }
  if (fp8Gemms && tp !== undefined && !mla && shape.moe === undefined) {
    const t = Math.max(1, tp);
    const kvHeads = shape.kvHeads ?? heads;
    const qWidth = heads * dh;
    const gated = shape.gatedMlp ?? false;
    const f = shape.ffnSize ?? Math.round(h * (shape.ffnMultiplier ?? (gated ? 8 / 3 : 4)));
    // The K of each layer GEMM on a rank: forward (hidden; the output projection's q width / tp; FFN down's
    // f / tp) and input gradient (the forward's N: QKV's and FFN up's widths / tp). The weight gradients' is the tokens.
    const ks: ReadonlyArray<readonly [string, number]> = [
      ['the QKV and FFN-up GEMMs (the hidden size)', h],
      ['the output projection (its input width / tp)', qWidth / t],
      ['the FFN-down GEMM (FFN width / tp)', f / t],
      ["the QKV GEMM's input gradient (its output width / tp)", (qWidth + 2 * kvHeads * dh) / t],
      ["the FFN-up GEMM's input gradient (its output width / tp)", ((gated ? 2 : 1) * f) / t],
    ];
    const short = ks.filter(([, k]) => k < FP8_K_MEASURED_MIN);
    if (short.length > 0) {
      out.push(
        `FP8 layer GEMMs with K below ${FP8_K_MEASURED_MIN}, the shortest the FP8 fixed cost is measured at (DeepGEMM, K = 512-16,384): ${short.map(([w, k]) => `${w} K = ${fmt(k)}`).join('; ')} at tp ${t}: their time is extrapolated`,
      );
    }
  }
  return out;
}
