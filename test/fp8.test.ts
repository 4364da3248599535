// FP8 training (model.precision: fp8): layer GEMMs at the kind's FP8 peak and FP8 GEMM efficiency
// with one-byte operands, plus the inputs' cast-transpose kernels; a one-byte weight copy in memory;
// refused on kinds without FP8 tensor cores.
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { GEMM_K_OVERHEAD, gemmTimeS } from '../src/model/gemm.js';
import { computeBreakdown, computeDeviceOf } from '../src/model/layer-compute.js';
import { memoryPerDevice } from '../src/model/memory.js';
import type { ParallelLayout, TrainingShape } from '../src/model/training-layout.js';
import { LLAMA3_8B_DIMS } from './llama3-8b-dims.js';
import { InputError } from '../src/scenario/errors.js';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const h100 = computeDeviceOf(DEVICE_CATALOGUE.H100!)!;
const shape: TrainingShape = {
  ...LLAMA3_8B_DIMS,
  vocab: 128_256,
  seqLen: 8192,
  globalBatchTokens: 8 * 8192,
  precisionBytes: 2,
  activationRecompute: false,
  attention: 'flash',
  sequenceParallel: true,
};
const layout: ParallelLayout = { tp: 1, pp: 1, dp: 8, microBatches: 1 };

describe('FP8 training', () => {
  it('H100 carries its FP8 peak (1,979 TFLOPS) and FP8 GEMM efficiency (0.61: MAMF 70.9% at the 1,575 of 1,830 MHz FP8 GEMMs hold at the 700 W cap)', () => {
    expect(h100.fp8).toEqual({ peakFlops: 1979e12, gemmEfficiency: 0.61 });
  });
  it('layer GEMMs run at the FP8 ceiling; attention and the output layer do not change', () => {
    const bf16 = computeBreakdown(shape, layout, h100);
    const fp8 = computeBreakdown({ ...shape, fp8: true }, layout, h100);
    expect(fp8.attentionS).toBe(bf16.attentionS);
    expect(fp8.logitsS).toBe(bf16.logitsS);
    // A large layer GEMM: (1979 x 0.61) / (989 x 0.68) = 1.80 times the ceiling, tile factors alike,
    // less the FP8 tile's fixed cost at K = 4,096 (K / (K + 512) against K / (K + GEMM_K_OVERHEAD), 160): 1.66.
    const big = (dev: typeof h100, bytes: number): number => gemmTimeS(8192, 14336, 4096, 1, bytes, dev);
    const fp8Dev = { ...h100, peakFlops: 1979e12, gemmEfficiency: 0.61 };
    expect(big(h100, 2) / big(fp8Dev, 1)).toBeCloseTo(((1979 * 0.61) / (989 * 0.68)) * ((4096 + GEMM_K_OVERHEAD) / (4096 + 512)), 1);
    expect(bf16.gemmS / fp8.gemmS).toBeGreaterThan(1.6);
    expect(bf16.gemmS / fp8.gemmS).toBeLessThan(1.85);
    // The cast-transpose kernels cost memory time: element-wise work grows.
    expect(fp8.elementwiseS).toBeGreaterThan(bf16.elementwiseS);
    // End to end on one micro-batch: faster, by less than the GEMMs alone.
    const speedup = bf16.microBatchS / fp8.microBatchS;
    expect(speedup).toBeGreaterThan(1.2);
    expect(speedup).toBeLessThan(bf16.gemmS / fp8.gemmS);
  });
  it('short-K FP8 GEMMs lose to their fixed cost as DeepGEMM measures on the H100 die (pull request 74), not at the 16-bit rate', () => {
    // Measured (H800, M = 4,096, best tile), relative to K = 16,384 (1,470 TFLOP/s, N = 7,168):
    // K = 2,048 0.819 (N 7,168), K = 1,536 0.793 (N 24,576), K = 512 0.509 (N 32,768).
    const fp8Dev = { ...h100, peakFlops: 1979e12, gemmEfficiency: 0.61 };
    const rate = (n: number, k: number): number => (2 * 4096 * n * k) / gemmTimeS(4096, n, k, 1, 1, fp8Dev);
    const long = rate(7168, 16384);
    for (const [n, k, measured] of [[7168, 2048, 0.819], [24576, 1536, 0.793], [32768, 512, 0.509]] as const) {
      expect(Math.abs(rate(n, k) / long / measured - 1)).toBeLessThan(0.05);
    }
    // The same shape with 16-bit operands keeps the 16-bit fixed cost (K / (K + 160): 0.77 of the long-K rate at K = 512).
    const bf16Rate = (k: number): number => (2 * 4096 * 32768 * k) / gemmTimeS(4096, 32768, k, 1, 2, h100);
    expect(bf16Rate(512) / bf16Rate(16384)).toBeCloseTo(512 / (512 + GEMM_K_OVERHEAD) / (16384 / (16384 + GEMM_K_OVERHEAD)), 1);
    expect(bf16Rate(512) / bf16Rate(16384)).toBeGreaterThan(0.7);
  });
  it('keeps a one-byte copy of the weights', () => {
    const a = memoryPerDevice(shape, layout);
    const b = memoryPerDevice({ ...shape, fp8: true }, layout);
    expect(b.weightsBytes / a.weightsBytes).toBeCloseTo(1.5, 12);
    expect(b.optimizerBytes).toBe(a.optimizerBytes);
  });
  it('is refused on a kind without FP8 tensor cores, saying so', () => {
    const text = (device: string): string => `name: f
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: ${device} }]
workloads:
  - jobs:
      - { name: j, devices: 8, params: 1B, tokens: 1B, model: { layers: 16, hidden_size: 2048, seq_len: 2048, global_batch: 1M, precision: fp8, recompute: full }, layout: { tp: 1, dp: 8 } }
`;
    expect(() => scenarioFromText(text('H100'))).not.toThrow();
    try {
      scenarioFromText(text('A100-80GB'));
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toMatch(/A100-80GB[^:]*: no FP8 training there/);
    }
  });

  it("is refused beside a job's `efficiency`, which would leave FP8 without effect (listed jobs and generators)", () => {
    const model = '{ layers: 16, hidden_size: 2048, seq_len: 2048, global_batch: 1M, precision: fp8, recompute: full }';
    const listed = `name: f
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
workloads:
  - jobs:
      - { name: j, devices: 8, params: 1B, tokens: 1B, efficiency: 0.4, model: ${model}, layout: { tp: 1, dp: 8 } }
`;
    const generated = `name: f
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
workloads:
  - generator: { count: 2, arrival: { process: poisson, rate: 1/h }, devices: 8, params: 1B, tokens: 1B, efficiency: 0.4, model: ${model} }
`;
    for (const [text, path] of [
      [listed, 'workloads[0].jobs[0].efficiency'],
      [generated, 'workloads[0].generator.efficiency'],
    ] as const) {
      try {
        scenarioFromText(text);
        throw new Error('accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as Error).message).toContain(`${path}: \`efficiency\` sets one fraction of the kind's BF16 peak for every kernel, so \`model.precision: fp8\` would not change this job's speed`);
      }
      // Without efficiency, or in bf16, the same job is accepted.
      expect(() => scenarioFromText(text.replace('efficiency: 0.4, ', ''))).not.toThrow();
      expect(() => scenarioFromText(text.replace('precision: fp8, ', ''))).not.toThrow();
    }
  });
});

describe("an FP8 job's effective compute ratio is over the FP8 peak (design.md: the peak at the job's precision)", () => {
  // Two H100 nodes (989 TFLOPS bf16, 1,979 fp8); one 8-GPU job on one of them, the other idle.
  const text = (precision: string) => `name: fp8-ratio
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: H100 }]
workloads:
  - jobs:
      - { name: j, devices: 8, params: 1B, tokens: 20B, model: { layers: 16, hidden_size: 2048, seq_len: 2048, global_batch: 1M, precision: ${precision}, recompute: full }, layout: { tp: 1, dp: 8 } }
`;
  const bf16Peak = 989e12;
  const fp8Peak = 1979e12;

  it('per job, allocated and pool: useful FLOPs over 8 x 1,979 TFLOPS while held; the idle node at its 16-bit peak', () => {
    const r = runToCsv(scenarioFromText(text('fp8')));
    const j = r.jobs[0]!;
    const heldS = j.finish_s - j.start_s;
    const useful = j.useful_pflop * 1e15;
    expect(j.effective_compute_ratio).toBeCloseTo(useful / (8 * fp8Peak * heldS), 12);
    expect(r.summary.effective_compute_ratio_allocated).toBeCloseTo(j.effective_compute_ratio, 12);
    // The pool: the held node at the FP8 peak over the job's time, the rest at the 16-bit peak.
    const endS = r.summary.makespan_s;
    expect(r.summary.effective_compute_ratio_pool).toBeCloseTo(useful / (16 * bf16Peak * endS + 8 * (fp8Peak - bf16Peak) * heldS), 12);
    expect(r.summary.effective_compute_ratio_pool).toBeLessThan(r.summary.effective_compute_ratio_allocated);
    // Over the bf16 peak it read twice as much, above what the job's FP8 hardware allows relative to its peak.
    expect(j.effective_compute_ratio).toBeLessThan(useful / (8 * bf16Peak * heldS) / 1.9);
  });

  it('explain gives the same ratio as the run, and says which peak', () => {
    const resolved = scenarioFromText(text('fp8'));
    const e = explainJob(resolved, 'j');
    const j = runToCsv(resolved).jobs[0]!;
    // Alone on its node, the run's steps are explain's step (no checkpoints, no restore).
    expect(e.step.effective_compute_ratio).toBeCloseTo(j.effective_compute_ratio, 6);
    expect(explanationTable(e)).toContain('effective compute ratio (6PT, of the FP8 peak)');
  });

  it('a bf16 job is unchanged: over the 989 TFLOPS', () => {
    const r = runToCsv(scenarioFromText(text('bf16')));
    const j = r.jobs[0]!;
    expect(j.effective_compute_ratio).toBeCloseTo((j.useful_pflop * 1e15) / (8 * bf16Peak * (j.finish_s - j.start_s)), 12);
    expect(explanationTable(explainJob(scenarioFromText(text('bf16')), 'j'))).toContain('effective compute ratio (6PT)  ');
  });
});
