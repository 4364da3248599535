// The grouped GEMM of mixture-of-experts layers (src/model/grouped-gemm.ts) against kernel-level
// measurements, not whole runs: Transformer Engine's multi-stream cuBLAS grouped GEMM on H100 in
// BF16 (NVIDIA/TransformerEngine pull request 2045, TE 2.7 / CUDA 12.9, shapes (groups, tokens per
// group, N, K) of a Qwen3-30B-A3B-like expert: 627.9 TFLOP/s for (8, 4096, 768, 2048) and 553.9 for
// (16, 2048, 768, 2048)). Nothing was fitted to these figures; they check the model.
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { gemmTimeS } from '../src/model/gemm.js';
import { GROUPED_GEMM_STREAMS, groupedGemmTimeS } from '../src/model/grouped-gemm.js';
import { computeDeviceOf } from '../src/model/layer-compute.js';

const h100 = computeDeviceOf(DEVICE_CATALOGUE['H100']!)!;
const tflops = (g: number, m: number, n: number, k: number, s?: number): number => (2 * g * m * n * k) / groupedGemmTimeS(m, n, k, g, 2, h100, s) / 1e12;

describe('grouped GEMM (one GEMM per expert over TE streams)', () => {
  it('is within 10% of TE 2.7 measured on H100, and slower where the experts are more and smaller, as measured', () => {
    const a = tflops(8, 4096, 768, 2048);
    const b = tflops(16, 2048, 768, 2048);
    expect(Math.abs(a / 627.9 - 1)).toBeLessThan(0.1);
    expect(Math.abs(b / 553.9 - 1)).toBeLessThan(0.1);
    // Measured ratio 0.882: more experts of fewer tokens each lose to rounds of partly filled waves.
    expect(b / a).toBeGreaterThan(0.8);
    expect(b / a).toBeLessThan(0.95);
  });

  it('runs TE\'s 4 streams; one stream per expert at a time is slower, one kernel for all of them faster', () => {
    expect(GROUPED_GEMM_STREAMS).toBe(4);
    const grouped = groupedGemmTimeS(2048, 768, 2048, 16, 2, h100);
    expect(groupedGemmTimeS(2048, 768, 2048, 16, 2, h100, 1)).toBeGreaterThan(grouped);
    expect(gemmTimeS(2048, 768, 2048, 16, 2, h100)).toBeLessThan(grouped);
    // A remainder round: 5 experts on 4 streams is one full round and one of a single expert.
    expect(groupedGemmTimeS(2048, 768, 2048, 5, 2, h100)).toBeCloseTo(gemmTimeS(2048, 768, 2048, 4, 2, h100) + gemmTimeS(2048, 768, 2048, 1, 2, h100), 12);
    expect(groupedGemmTimeS(2048, 768, 2048, 0, 2, h100)).toBe(0);
  });
});
