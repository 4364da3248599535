// layout.tp_overlap (src/model/tp-overlap.ts): what a decomposed comm-GEMM overlap hides of each
// tensor-parallel collective is bounded by its GEMM, the decomposition's cost is charged, nothing
// moves without the field, and a scenario that cannot run it is refused with its path.
import { describe, expect, it } from 'vitest';
import { mlperfGpt3Shape } from '../src/model/calibration-runs.js';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { gemmTimeS } from '../src/model/gemm.js';
import { computeBreakdown, computeDeviceOf } from '../src/model/layer-compute.js';
import { stepTime, type CommPath, type StepTimeInput } from '../src/model/step-time.js';
import { overlapSite, overlappedTpMicroBatch, siteGemms, withoutSms, type SiteGemm, type TpOverlap } from '../src/model/tp-overlap.js';
import type { ParallelLayout, TrainingShape } from '../src/model/training-layout.js';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { scenarioFromText } from './helpers.js';

const h100 = computeDeviceOf(DEVICE_CATALOGUE['H100']!)!;
const nvlink: CommPath = { bandwidthBytesPerS: 360e9, latencyS: 3e-6, scaleOut: false };
const ib: CommPath = { bandwidthBytesPerS: 45e9, latencyS: 1e-5 };

function input(mode: TpOverlap | undefined, shape: TrainingShape = mlperfGpt3Shape(256), over: Partial<ParallelLayout> = {}): StepTimeInput {
  const layout: ParallelLayout = { tp: 4, pp: 8, dp: 8, microBatches: 32, virtualStages: 12, shardedDataParallel: true, ...(mode ? { tpOverlap: mode } : {}), ...over };
  return { shape, layout, peakFlopsPerDevice: h100.peakFlops, compute: computeBreakdown(shape, layout, h100), tp: nvlink, pp: ib, dp: ib };
}

describe('one collective beside its GEMM (overlapSite)', () => {
  const gemm = (wholeS: number, overlappedS: number, chunks: number, kind: 'chunked' | 'bulk' = 'chunked'): SiteGemm => ({ wholeS, overlappedS, chunks, kind });
  it('never hides more than the GEMM it runs beside, nor more than the collective; exposed + hidden = the collective', () => {
    for (const c of [0, 1e-4, 5e-4, 1e-3, 3e-3, 1e-2]) {
      for (const g of [1e-4, 1e-3, 2e-3, 1e-2]) {
        for (const k of [1, 2, 4, 8]) {
          for (const kind of ['chunked', 'bulk'] as const) {
            const r = overlapSite(c, gemm(0.9 * g, g, k, kind));
            expect(r.hiddenS).toBeLessThanOrEqual(g + 1e-15);
            expect(r.hiddenS).toBeLessThanOrEqual(c + 1e-15);
            expect(r.hiddenS).toBeGreaterThanOrEqual(-1e-15);
            expect(r.exposedS + r.hiddenS).toBeCloseTo(c, 15);
            expect(r.costS).toBeCloseTo(0.1 * g, 15);
          }
        }
      }
    }
  });
  it('a chunked overlap leaves one chunk of the shorter stage exposed; a single chunk hides nothing (the GEMM needs all of the transfer)', () => {
    // 4 chunks of a 2 ms GEMM beside 1 ms of transfer: the first chunk's transfer, 0.25 ms, is exposed.
    expect(overlapSite(1e-3, gemm(2e-3, 2e-3, 4)).exposedS).toBeCloseTo(0.25e-3, 12);
    // The transfer longer than the GEMM: all but the GEMM's chunks-1 of k is exposed.
    expect(overlapSite(3e-3, gemm(2e-3, 2e-3, 4)).exposedS).toBeCloseTo(3e-3 - 1.5e-3, 12);
    expect(overlapSite(1e-3, gemm(2e-3, 2e-3, 1)).hiddenS).toBe(0);
    // Bulk (an independent GEMM): the shorter of the two is hidden whole.
    expect(overlapSite(1e-3, gemm(2e-3, 2e-3, 1, 'bulk')).exposedS).toBe(0);
  });
  it('more chunks hide more of a given transfer, and cost more GEMM time in the model’s tile and wave physics (monotone in the split count)', () => {
    const c = 1.5e-3;
    const split = (k: number): number => k * gemmTimeS(2048 / k, 9216, 12288, 1, 1, h100.fp8 ? { ...h100, peakFlops: h100.fp8.peakFlops, gemmEfficiency: h100.fp8.gemmEfficiency } : h100);
    let lastExposed = Infinity;
    let lastGemm = 0;
    for (const k of [1, 2, 4, 8, 16]) {
      const g = split(k);
      expect(g).toBeGreaterThanOrEqual(lastGemm);
      const exposed = overlapSite(c, gemm(split(1), split(1), k)).exposedS;
      expect(exposed).toBeLessThanOrEqual(lastExposed);
      lastGemm = g;
      lastExposed = exposed;
    }
    // The docs' figure: QKV's forward GEMM of GPT-3 175B at TP 4 (M 2,048) in 4 chunks of 512 tokens.
    expect(split(4) / split(1)).toBeGreaterThan(1.1);
  });
  it('SMs taken from a GEMM slow it by about their share of the device (each wave narrower; its quantisation moves with it)', () => {
    const whole = gemmTimeS(8192, 8192, 8192, 1, 2, h100);
    const less = gemmTimeS(8192, 8192, 8192, 1, 2, withoutSms(h100, 24));
    expect(Math.abs(less / whole / (132 / 108) - 1)).toBeLessThan(0.05);
    expect(withoutSms(h100, 0)).toBe(h100);
  });
});

describe('a step under layout.tpOverlap', () => {
  it("absent or 'none': the step is the one the model always gave (no overlap cost, every collective exposed)", () => {
    const none = stepTime(input(undefined));
    expect(none.tpOverlapCostS).toBe(0);
    expect(none.tpExposedS).toBe(none.tpCommS);
    const explicit = stepTime(input('none'));
    expect(explicit.stepS).toBe(none.stepS);
    expect(explicit.tpExposedS).toBe(none.tpExposedS);
  });
  for (const mode of ['ring-exchange', 'pipelined', 'async'] as const) {
    it(`${mode}: hides part of the TP traffic, at most the GEMMs, charges the chunking's cost inside exposed TP, and moves nothing else`, () => {
      const base = stepTime(input(undefined));
      const on = stepTime(input(mode));
      expect(on.tpCommS).toBe(base.tpCommS);
      expect(on.tpBytesPerStepPerDevice).toBe(base.tpBytesPerStepPerDevice);
      expect(on.tpOverlapCostS).toBeGreaterThanOrEqual(0);
      expect(on.tpOverlapCostS).toBeLessThan(on.tpExposedS);
      const hidden = on.tpCommS - (on.tpExposedS - on.tpOverlapCostS);
      expect(hidden).toBeGreaterThan(0);
      // Never more hidden than the layer GEMMs of the step.
      expect(hidden).toBeLessThanOrEqual(32 * on.compute.gemmS);
      expect(on.stepS).toBeCloseTo(on.computeS + on.exposedCommS + on.bubbleS, 12);
      expect(on.computeS).toBe(base.computeS);
      expect(on.dpExposedS).toBe(base.dpExposedS);
      expect(on.stepS).toBeLessThan(base.stepS);
    });
  }
  it('per micro-batch: the eight collectives of a layer (the forward four again under full recompute) add up to the TP traffic the model charges', () => {
    for (const recompute of ['none', 'full'] as const) {
      const shape: TrainingShape = { ...mlperfGpt3Shape(256), recompute, activationRecompute: recompute === 'full' };
      const i = input('ring-exchange', shape);
      const st = stepTime(i);
      const gemms = i.compute!.tpOverlapGemms!;
      const mb = overlappedTpMicroBatch(gemms, 1e-3, 1e-3, 12, recompute === 'full');
      expect(mb.exposedS + mb.hiddenS).toBeCloseTo(12 * (recompute === 'full' ? 12 : 8) * 1e-3, 12);
      expect(st.tpCommS / 32).toBeGreaterThan(0);
    }
  });
  it('ring exchange splits each GEMM into tp chunks of the tokens; the bulk sites keep their GEMM whole', () => {
    const calls: [number, number, number, number][] = [];
    siteGemms('ring-exchange', { n: 2048, tp: 4, hidden: 12288, qkvN: 9216, projK: 3072, fc1N: 12288, fc2K: 12288 }, (m, n, k, sms) => {
      calls.push([m, n, k, sms]);
      return 1;
    });
    expect(calls.filter(([m]) => m === 512).length).toBe(6);
    expect(calls.filter(([, , k, sms]) => k === 2048 && sms === 4).length).toBe(2);
  });
});

describe('scenario validation of tp_overlap', () => {
  const job = (layout: string, model = 'layers: 32, hidden_size: 4096, heads: 32, seq_len: 4096, attention: flash'): string => `name: t
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { name: g, count: 2, device: H100 }
workloads:
  - jobs:
      - name: j
        devices: 16
        params: 7B
        tokens: 1B
        model: { ${model} }
        layout: { ${layout} }
`;
  it('an unknown mode is refused with the file, line and field, and the modes it takes', () => {
    expect(() => scenarioFromText(job('tp: 8, dp: 2, tp_overlap: userbuffer'), 'tpo.yaml')).toThrow(
      "tpo.yaml:15:45: workloads[0].jobs[0].layout.tp_overlap: expected one of 'none', 'ring-exchange', 'pipelined', 'async', got 'userbuffer'",
    );
  });
  it('refused where there is nothing it can overlap: tp = 1, no sequence parallelism, a mixture of experts', () => {
    expect(() => scenarioFromText(job('tp: 1, dp: 16, tp_overlap: async'))).toThrow(/workloads\[0\]\.jobs\[0\]\.layout\.tp_overlap[\s\S]*need tp > 1/);
    expect(() => scenarioFromText(job('tp: 8, dp: 2, tp_overlap: ring-exchange', 'layers: 32, hidden_size: 4096, heads: 32, seq_len: 4096, attention: standard, recompute: full'))).toThrow(
      /layout\.tp_overlap[\s\S]*sequence parallelism/,
    );
    expect(() =>
      scenarioFromText(job('tp: 8, dp: 2, tp_overlap: pipelined', 'layers: 32, hidden_size: 4096, heads: 32, seq_len: 4096, attention: flash, moe: { experts: 8, top_k: 2 }')),
    ).toThrow(/layout\.tp_overlap[\s\S]*dense layers only/);
  });
  it('accepted on a dense model with tp > 1 and sequence parallelism; explain shows the exposed TP after the overlap and, within it, the overlap\'s cost', () => {
    const on = explainJob(scenarioFromText(job('tp: 8, dp: 2, tp_overlap: ring-exchange')), 'j');
    const off = explainJob(scenarioFromText(job('tp: 8, dp: 2')), 'j');
    expect(on.layout.tpOverlap).toBe('ring-exchange');
    expect(off.step.tp_overlap_cost_s).toBe(0);
    expect(on.step.tp_overlap_cost_s).toBeGreaterThan(0);
    expect(on.step.exposed_tp_s).toBeLessThan(off.step.exposed_tp_s);
    expect(on.step.tp_overlap_cost_s).toBeLessThan(on.step.exposed_tp_s);
    const table = explanationTable(on);
    expect(table).toContain("of which the ring-exchange overlap's cost (chunked GEMMs, SMs taken)");
    expect(table).toContain('tp 8 (ring-exchange comm-GEMM overlap)');
    expect(explanationTable(off)).not.toContain('overlap\'s cost');
  });
});
