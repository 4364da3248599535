// Context parallelism (layout.cp): each sequence split over cp ranks; the physics checked by hand.
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { computeBreakdown, computeDeviceOf } from '../src/model/layer-compute.js';
import { memoryPerDevice } from '../src/model/memory.js';
import { stepTime, type CommPath } from '../src/model/step-time.js';
import { validateLayout, type ParallelLayout, type TrainingShape } from '../src/model/training-layout.js';
import { LLAMA3_8B_DIMS } from './llama3-8b-dims.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const h100 = computeDeviceOf(DEVICE_CATALOGUE.H100!)!;
const shape: TrainingShape = {
  ...LLAMA3_8B_DIMS,
  vocab: 128_256,
  seqLen: 65_536,
  globalBatchTokens: 16 * 65_536,
  precisionBytes: 2,
  activationRecompute: false,
  attention: 'flash',
  sequenceParallel: true,
};
const nvlink: CommPath = { bandwidthBytesPerS: 300e9, latencyS: 5e-6, scaleOut: false };
const nic: CommPath = { bandwidthBytesPerS: 45e9, latencyS: 8e-6 };
const base: ParallelLayout = { tp: 8, pp: 1, dp: 4, microBatches: 4 };
const withCp: ParallelLayout = { ...base, cp: 4, dp: 1, microBatches: 16 };

describe('context parallelism', () => {
  it('a rank computes 1/cp of the tokens: layer GEMMs and the causal attention both divide by cp', () => {
    const one = computeBreakdown(shape, { ...base, dp: 1, microBatches: 16 }, h100);
    const four = computeBreakdown(shape, withCp, h100);
    expect(four.hardwareFlopPerDevice).toBeCloseTo(one.hardwareFlopPerDevice / 4, -6);
    // GEMMs on a quarter of the rows run at about a quarter of the time (shape efficiency aside).
    expect(four.gemmS / one.gemmS).toBeGreaterThan(0.24);
    expect(four.gemmS / one.gemmS).toBeLessThan(0.3);
    expect(four.attentionS / one.attentionS).toBeCloseTo(0.25, 6);
  });

  it('keys and values all-gathered per layer, their gradients reduce-scattered: bytes by hand', () => {
    const st = stepTime({ shape, layout: withCp, peakFlopsPerDevice: h100.peakFlops, compute: computeBreakdown(shape, withCp, h100), tp: nvlink, pp: nic, dp: nic, cp: nic });
    // Per micro-batch (one 65,536-token sequence), per layer: K and V of the whole sequence for the
    // rank's 1 KV head (8 KV heads over tp 8), 128 wide, bf16: 2 x 65,536 x 128 x 2 bytes gathered,
    // each rank sending (cp - 1) / cp of it, once forward and once (gradients) backward.
    const gathered = 2 * 65_536 * 128 * 2;
    const perMb = 32 * 2 * (3 / 4) * gathered;
    expect(st.cpBytesPerStepPerDevice).toBeCloseTo(16 * perMb, 0);
    const perLayer = 2 * (3 * 8e-6 + (3 / 4) * (gathered / 45e9));
    expect(st.cpCommS).toBeCloseTo(16 * 32 * perLayer, 9);
    // All of it is exposed (Llama 3's all-gather attention); the step adds up.
    expect(st.exposedCommS).toBeCloseTo(st.tpExposedS + st.ppExposedS + st.dpExposedS + st.cpCommS, 12);
    expect(st.stepS).toBeCloseTo(st.computeS + st.exposedCommS + st.bubbleS, 9);
  });

  it('gradients are reduced over dp x cp ranks, and ZeRO shards over them', () => {
    const cpOnly: ParallelLayout = { tp: 8, pp: 1, dp: 1, cp: 4, microBatches: 16, shardedDataParallel: true };
    const dpOnly: ParallelLayout = { tp: 8, pp: 1, dp: 4, microBatches: 4, shardedDataParallel: true };
    const a = stepTime({ shape, layout: cpOnly, peakFlopsPerDevice: h100.peakFlops, compute: computeBreakdown(shape, cpOnly, h100), tp: nvlink, pp: nic, dp: nic, cp: nic });
    const b = stepTime({ shape, layout: dpOnly, peakFlopsPerDevice: h100.peakFlops, compute: computeBreakdown(shape, dpOnly, h100), tp: nvlink, pp: nic, dp: nic });
    expect(a.dpCommS).toBeGreaterThan(0);
    expect(a.dpCommS).toBeCloseTo(b.dpCommS, 12);
    const ma = memoryPerDevice(shape, cpOnly);
    const mb = memoryPerDevice(shape, dpOnly);
    expect(ma.optimizerBytes).toBeCloseTo(mb.optimizerBytes, 3);
    expect(ma.gradientsBytes).toBeCloseTo(mb.gradientsBytes, 3);
    // Both hold one sequence per micro-batch; the context-parallel rank keeps a quarter of it.
    expect(ma.activationBytesPerLayer).toBeCloseTo(mb.activationBytesPerLayer / 4, 3);
  });

  it('layout checks: tp x cp x pp x dp must be the devices, and the sequence must split into 2 cp chunks', () => {
    expect(validateLayout(withCp, 32, 8, shape).problems).toEqual([]);
    expect(validateLayout(withCp, 64, 8, shape).problems).toEqual(['tp x cp x pp x dp = 8 x 4 x 1 x 1 = 32, but the job has 64 devices']);
    const odd = validateLayout({ ...withCp, cp: 3 }, 24, 8, { ...shape, seqLen: 65_537 }).problems;
    expect(odd).toEqual(['cp = 3 needs the sequence (65537 tokens) to split into 2 x cp = 6 equal chunks (load-balanced causal context parallelism)']);
  });

  const scenario = (layout: string): string => `name: cp
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    nodes_per_leaf: 16
    node_groups:
      - { name: h100, count: 4, device: H100 }
workloads:
  - jobs:
      - name: long
        devices: 32
        device_kinds: [H100]
        params: 8B
        tokens: 100M
        model: { layers: 32, hidden_size: 4096, heads: 32, kv_heads: 8, ffn_size: 14336, gated_mlp: true, seq_len: 65536, global_batch: 1048576, attention: flash }
        layout: ${layout}
policy: fifo
placement: first-fit
`;

  it('a scenario with cp runs, explain shows the exposed CP term, and a wrong product is refused at its line', () => {
    const r = scenarioFromText(scenario('{ tp: 8, cp: 4, dp: 1 }'));
    const e = explainJob(r, 'long');
    expect(e.layout.cp).toBe(4);
    expect(e.step.exposed_cp_s).toBeGreaterThan(0);
    expect(e.step.exposed_comm_s).toBeCloseTo(e.step.exposed_tp_s + e.step.exposed_pp_s + e.step.exposed_dp_s + e.step.exposed_cp_s + e.step.nccl_sm_share_s, 9);
    const table = explanationTable(e);
    expect(table).toMatch(/^layout: tp 8 x cp 4 x pp 1 x dp 1,/m);
    expect(table).toMatch(/^ {2}exposed CP communication +\d/m);
    const run = runToCsv(r);
    expect(run.jobs).toHaveLength(1);
    expect(Number(run.jobs[0]!.exposed_comm_s)).toBeGreaterThan(0);
    expect(() => scenarioFromText(scenario('{ tp: 8, cp: 2, dp: 1 }'))).toThrow(/tp x cp x pp x dp = 8 x 2 x 1 x 1 = 16, but the job has 32 devices/);
  });
});
