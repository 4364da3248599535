// FlashAttention's rate factor by sequence and head dim (src/model/flash-rate.ts) against the
// published benchmark it is read from: Dao 2023 (arXiv 2307.08691) figure 4, A100 80GB, causal,
// forward + backward TFLOP/s, (c) head dim 64 and (d) head dim 128 (the flash-attention repository's
// assets/flash2_a100_fwd_bwd_benchmark.png).
import { describe, expect, it } from 'vitest';
import {
  FLASH1_BENCHMARK_TFLOPS,
  FLASH1_BENCHMARK_TFLOPS_HD64,
  FLASH2_BENCHMARK_TFLOPS,
  FLASH2_BENCHMARK_TFLOPS_HD64,
  FLASH_BENCHMARK_SEQ,
  FLASH_OWN_FIGURES_ANCHOR_SEQ,
  FLASH_RATIO_ANCHOR_SEQ,
  flashSeqFactor,
} from '../src/model/flash-rate.js';

const A = FLASH_RATIO_ANCHOR_SEQ;
const H = FLASH_OWN_FIGURES_ANCHOR_SEQ;
// The figure's bars as printed on them, 512 .. 16k.
const FIG = {
  flash: { 64: [88, 119, 140, 156, 165, 171], 128: [99, 133, 155, 173, 182, 189] },
  flash1: { 64: [58, 70, 77, 87, 92, 97], 128: [55, 62, 69, 76, 80, 83] },
} as const;

describe('flashSeqFactor: the kernel benchmark by sequence and head dim', () => {
  it('holds the figure’s bars', () => {
    expect([...FLASH2_BENCHMARK_TFLOPS_HD64]).toEqual([...FIG.flash[64]]);
    expect([...FLASH2_BENCHMARK_TFLOPS]).toEqual([...FIG.flash[128]]);
    expect([...FLASH1_BENCHMARK_TFLOPS_HD64]).toEqual([...FIG.flash1[64]]);
    expect([...FLASH1_BENCHMARK_TFLOPS]).toEqual([...FIG.flash1[128]]);
  });

  it('at the figure’s points: each kernel’s own bar over its head dim 128 bar at 2k, over FlashAttention-2’s at the anchor', () => {
    for (const kernel of ['flash', 'flash1'] as const) {
      for (const hd of [64, 128] as const) {
        FLASH_BENCHMARK_SEQ.forEach((s, i) => {
          const own = FIG[kernel][hd][i]! / FIG[kernel][128][2]!;
          expect(flashSeqFactor(kernel, s, A, hd)).toBeCloseTo(own, 12);
          expect(flashSeqFactor(kernel, s, H, hd)).toBeCloseTo(own / (189 / 155), 12);
        });
      }
    }
    // The anchors stay where the constants were read: 1 for FlashAttention-2 at head dim 128.
    expect(flashSeqFactor('flash', A, A, 128)).toBe(1);
    expect(flashSeqFactor('flash', H, H, 128)).toBe(1);
    // Head dim 64 at 2k: FlashAttention-2 140 / 155, FlashAttention 77 / 69.
    expect(flashSeqFactor('flash', 2048, A, 64)).toBeCloseTo(140 / 155, 12);
    expect(flashSeqFactor('flash1', 2048, A, 64)).toBeCloseTo(77 / 69, 12);
  });

  it('without a head dim it is head dim 128, as before', () => {
    for (const kernel of ['flash', 'flash1'] as const) {
      for (const s of [100, 512, 1500, 2048, 3000, 16384, 65536]) {
        for (const anchor of [A, H]) expect(flashSeqFactor(kernel, s, anchor)).toBe(flashSeqFactor(kernel, s, anchor, 128));
      }
    }
  });

  it('rises with the sequence at every head dim, flat outside 512-16k', () => {
    for (const kernel of ['flash', 'flash1'] as const) {
      for (const hd of [32, 64, 72, 80, 96, 112, 128, 192, 256]) {
        let last = 0;
        for (let s = 256; s <= 65536; s *= 1.25) {
          const f = flashSeqFactor(kernel, s, A, hd);
          expect(f).toBeGreaterThanOrEqual(last);
          last = f;
        }
        expect(flashSeqFactor(kernel, 128, A, hd)).toBe(flashSeqFactor(kernel, 512, A, hd));
        expect(flashSeqFactor(kernel, 65536, A, hd)).toBe(flashSeqFactor(kernel, 16384, A, hd));
      }
    }
  });

  it('between 64 and 128: the kernel the head dim runs on, its rate interpolated in log2(head dim), counting the head dim’s own columns', () => {
    const x96 = Math.log2(96 / 64);
    FLASH_BENCHMARK_SEQ.forEach((s, i) => {
      // FlashAttention-2 has a head dim 96 kernel: 96 runs on it, 80 too (80 / 96 of its columns used).
      const fa96 = (FIG.flash[64][i]! + x96 * (FIG.flash[128][i]! - FIG.flash[64][i]!)) / 155;
      expect(flashSeqFactor('flash', s, A, 96)).toBeCloseTo(fa96, 12);
      expect(flashSeqFactor('flash', s, A, 80)).toBeCloseTo((fa96 * 80) / 96, 12);
      // 112 runs on the head dim 128 kernel.
      expect(flashSeqFactor('flash', s, A, 112)).toBeCloseTo((FIG.flash[128][i]! / 155) * (112 / 128), 12);
      // FlashAttention-1 (CUDA 64 or 128; Triton the next power of two): 80, 96 and 112 on the 128 kernel.
      for (const hd of [80, 96, 112]) expect(flashSeqFactor('flash1', s, A, hd)).toBeCloseTo((FIG.flash1[128][i]! / 69) * (hd / 128), 12);
    });
    // The head dim 96 curve lies between the measured ones: 148.8 TFLOP/s at 2k, between 140 and 155.
    expect(flashSeqFactor('flash', 2048, A, 96) * 155).toBeCloseTo(148.77, 2);
    // On one kernel the rate rises with the head dim (fewer padded columns); FlashAttention-2's rate
    // rises from kernel to kernel (64, 96, 128), FlashAttention's falls (64 to 128).
    for (const kernel of ['flash', 'flash1'] as const) {
      for (const [from, to] of [[65, 96], [97, 128]] as const) {
        let last = 0;
        for (let hd = from; hd <= to; hd++) {
          const f = flashSeqFactor(kernel, 2048, A, hd);
          expect(f).toBeGreaterThan(last);
          last = f;
        }
      }
    }
    for (const s of FLASH_BENCHMARK_SEQ) {
      expect(flashSeqFactor('flash', s, A, 64)).toBeLessThan(flashSeqFactor('flash', s, A, 96));
      expect(flashSeqFactor('flash', s, A, 96)).toBeLessThan(flashSeqFactor('flash', s, A, 128));
      expect(flashSeqFactor('flash1', s, A, 64)).toBeGreaterThan(flashSeqFactor('flash1', s, A, 128));
    }
  });

  it('held flat outside 64-128 (no forward + backward figure beyond them)', () => {
    for (const kernel of ['flash', 'flash1'] as const) {
      for (const s of [512, 2048, 16384]) {
        for (const hd of [16, 32, 48]) expect(flashSeqFactor(kernel, s, A, hd)).toBe(flashSeqFactor(kernel, s, A, 64));
        for (const hd of [160, 192, 256]) expect(flashSeqFactor(kernel, s, A, hd)).toBe(flashSeqFactor(kernel, s, A, 128));
      }
    }
  });
});
