// Expert tensor parallelism (layout.etp, Megatron-Core's expert_tensor_parallel_size): the expert
// layers regroup a pipeline stage's tp x cp x dp ranks as etp x ep x edp ("parallel folding").
// Its memory, compute and communication effects by hand, its refusals located, and etp = tp as
// the default that leaves every figure but the expert gather as it was.
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { explainJob } from '../src/model/explain.js';
import { computeBreakdown, computeDeviceOf } from '../src/model/layer-compute.js';
import { memoryPerDevice } from '../src/model/memory.js';
import { edpOf, epRanksPerNode, etpOf, paramsPerDevice, routedExpertParams } from '../src/model/moe.js';
import { epPathFromDp, stepTime, type CommPath } from '../src/model/step-time.js';
import type { ParallelLayout } from '../src/model/training-layout.js';
import { InputError } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText } from './helpers.js';
import { MIXTRAL_8X7B } from './mixtral-8x7b.js';

const h100 = computeDeviceOf(DEVICE_CATALOGUE.H100!)!;

/** Mixtral 8x7B (test/mixtral-8x7b.ts). */
const mixtral = MIXTRAL_8X7B;

// 64 ranks: tp 2 x dp 32; experts over ep 8 either split over the tensor pair (etp 2, the
// default) or whole (etp 1, ep 8 x edp 8 over the 64 ranks).
const folded: ParallelLayout = { tp: 2, pp: 1, dp: 32, ep: 8, etp: 1, microBatches: 4, zeroStage: 1 };
const { etp: _default, ...byTp } = folded;

describe('expert tensor parallelism: degrees', () => {
  it('etp defaults to tp; edp = tp x cp x dp / (etp x ep); a node holds dp-ranks-per-node x tp / etp of an expert group', () => {
    expect(etpOf(byTp)).toBe(2);
    expect(etpOf(folded)).toBe(1);
    expect(edpOf(byTp)).toBe(4); // dp x cp / ep, as before etp
    expect(edpOf(folded)).toBe(8);
    expect(edpOf({ ...folded, cp: 2, dp: 16 })).toBe(8);
    // 8-GPU nodes hold 4 tensor pairs: 4 ranks of the group with etp 2, 8 with etp 1.
    expect(epRanksPerNode(byTp, 4)).toBe(4);
    expect(epRanksPerNode(folded, 4)).toBe(8);
    expect(epRanksPerNode({ ...folded, ep: 2 }, 4)).toBe(2);
    const dp: CommPath = { bandwidthBytesPerS: 50e9, latencyS: 1e-5, hierarchical: { devicesPerNode: 4, intraBandwidthBytesPerS: 4e11, intraLatencyS: 2e-6 } };
    expect(epPathFromDp(dp, folded).hierarchical!.devicesPerNode).toBe(8);
    expect(epPathFromDp(dp, byTp).hierarchical!.devicesPerNode).toBe(4);
  });
});

describe('expert tensor parallelism: memory, compute, communication', () => {
  it('memory: routed experts divide by etp x ep x pp and ZeRO shards them over edp', () => {
    const expert = routedExpertParams(mixtral);
    expect(paramsPerDevice(mixtral, folded).expert).toBeCloseTo(expert / 8, -3);
    expect(paramsPerDevice(mixtral, byTp).expert).toBeCloseTo(expert / 16, -3);
    const dense = mixtral.params - expert;
    // ZeRO-1: Adam's 12 bytes per parameter over dp (dense) and edp (experts).
    expect(memoryPerDevice(mixtral, folded).optimizerBytes).toBeCloseTo(((dense / 2) * 12) / 32 + ((expert / 8) * 12) / 8, -3);
    expect(memoryPerDevice(mixtral, byTp).optimizerBytes).toBeCloseTo(((dense / 2) * 12) / 32 + ((expert / 16) * 12) / 4, -3);
    // Whole experts: twice the expert weights per rank, and the routed copies of half the tokens.
    expect(memoryPerDevice(mixtral, folded).weightsBytes).toBeGreaterThan(memoryPerDevice(mixtral, byTp).weightsBytes);
    expect(memoryPerDevice(mixtral, folded).activationBytesPerLayer).toBeLessThan(memoryPerDevice(mixtral, byTp).activationBytesPerLayer);
  });

  it('compute: the same FLOPs per rank, in experts twice as wide with half the tokens each', () => {
    const a = computeBreakdown(mixtral, folded, h100);
    const b = computeBreakdown(mixtral, byTp, h100);
    expect(a.hardwareFlopPerDevice).toBeCloseTo(b.hardwareFlopPerDevice, -6);
    expect(a.gemmS).not.toBe(b.gemmS);
  });

  it('communication: no expert gather over the tensor pair at etp 1; with etp = tp it gathers the k routed copies', () => {
    const nvlink: CommPath = { bandwidthBytesPerS: 300e9, latencyS: 3e-6, scaleOut: false };
    const ib: CommPath = { bandwidthBytesPerS: 50e9, latencyS: 1e-5 };
    const time = (l: ParallelLayout) => stepTime({ shape: mixtral, layout: l, peakFlopsPerDevice: h100.peakFlops, compute: computeBreakdown(mixtral, l, h100), tp: nvlink, pp: ib, dp: ib, ep: ib });
    const dense = { ...mixtral, moe: undefined };
    const denseTp = stepTime({ shape: dense, layout: { ...byTp, ep: 1 }, peakFlopsPerDevice: h100.peakFlops, compute: computeBreakdown(dense, { ...byTp, ep: 1 }, h100), tp: nvlink, pp: ib, dp: ib }).tpCommS;
    // Per layer: 2 attention pairs + 2 FFN pairs (forward, backward). etp 1 keeps the attention
    // pairs only; etp 2 replaces the FFN pairs by pairs over k = 2 times the tokens.
    expect(time(folded).tpCommS).toBeCloseTo(denseTp / 2, 6);
    expect(time(byTp).tpCommS).toBeGreaterThan(denseTp);
    expect(time(byTp).tpCommS).toBeLessThan(1.5 * denseTp + 1e-9);
    // Expert gradients reduce over edp = 8 ranks of whole experts instead of 4 of half ones.
    expect(time(folded).dpCommS).toBeGreaterThan(time(byTp).dpCommS);
  });
});

const scenario = (layout: string, moe = ', moe: { experts: 8, top_k: 2 }'): string => `
name: etp
datacentres:
  - name: dc
    fabric: IB-NDR
    nodes_per_leaf: 16
    node_groups: [{ name: h, count: 8, device: H100 }]
workloads:
  - jobs:
      - name: mixtral
        devices: 64
        params: 46.7B
        tokens: 1B
        model: { layers: 32, hidden_size: 4096, heads: 32, kv_heads: 8, ffn_size: 14336, gated_mlp: true, vocab: 32000, seq_len: 4096, global_batch: 1M, attention: flash${moe} }
        layout: { tp: 2, pp: 1, dp: 32, zero: 1${layout} }
`;

const refusal = (text: string): string => {
  try {
    scenarioFromText(text, 'etp.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).message;
  }
  throw new Error('accepted');
};

describe('expert tensor parallelism in a scenario', () => {
  it('refuses, located at layout.etp: a fold that does not divide the stage, an etp that does not divide the expert width, etp on a dense model', () => {
    expect(refusal(scenario(', ep: 8, etp: 16'))).toMatch(/etp\.yaml:15:\d+: workloads\[0\]\.jobs\[0\]\.layout\.etp: etp x ep = 16 x 8 = 128 must divide tp x cp x dp = 64/);
    expect(refusal(scenario(', ep: 8, etp: 8', ', moe: { experts: 8, top_k: 2, ffn_size: 1500 }'))).toMatch(/layout\.etp: etp = 8 must divide the expert width moe\.ffn_size = 1500/);
    expect(refusal(scenario(', etp: 1', ''))).toMatch(/layout\.etp: etp = 1 needs a mixture-of-experts model/);
    // Without etp, ep spans data-parallel ranks only, and the refusal says what to give.
    expect(refusal(scenario(', ep: 64'))).toMatch(/layout\.ep: ep = 64 must divide dp x cp = 32[\s\S]*give `etp`/);
  });

  it('runs a folded layout (ep 8 over tensor ranks, etp 1) and explains it; etp = tp is the same job as no etp', () => {
    const r = scenarioFromText(scenario(', ep: 8, etp: 1'));
    expect(runToCsv(r).summary.jobs_completed).toBe(1);
    const e = explainJob(r, 'mixtral');
    expect(e.layout.etp).toBe(1);
    const same = explainJob(scenarioFromText(scenario(', ep: 8, etp: 2')), 'mixtral');
    const none = explainJob(scenarioFromText(scenario(', ep: 8')), 'mixtral');
    expect(same.step).toEqual(none.step);
    expect(e.step.step_s).not.toBe(none.step.step_s);
    // ep 64 needs the fold: dp x cp = 32 cannot hold the group, tp x cp x dp = 64 with etp 1 can.
    expect(explainJob(scenarioFromText(scenario(', ep: 64, etp: 1', ', moe: { experts: 64, top_k: 2, ffn_size: 1792 }')), 'mixtral').layout.ep).toBe(64);
  });
});
