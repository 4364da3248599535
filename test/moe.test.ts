// Mixture-of-experts layers and expert parallelism (model.moe, layout.ep): parameter counts
// against published models, the all-to-all and the step by hand, memory, work, and refusals.
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { memoryBoundTimeS } from '../src/model/gemm.js';
import { computeBreakdown, computeDeviceOf, moeFfn } from '../src/model/layer-compute.js';
import { memoryPerDevice } from '../src/model/memory.js';
import { activeParams, busiestRankLoad, routedExpertParams } from '../src/model/moe.js';
import { allToAll, pairedChunkShare, stepTime, type CommPath } from '../src/model/step-time.js';
import type { ParallelLayout, TrainingShape } from '../src/model/training-layout.js';
import { InputError } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText } from './helpers.js';
import { MIXTRAL_8X7B } from './mixtral-8x7b.js';

const h100 = computeDeviceOf(DEVICE_CATALOGUE.H100!)!;

/** Mixtral 8x7B (test/mixtral-8x7b.ts). */
const mixtral = MIXTRAL_8X7B;

describe('parameters of published mixture-of-experts models', () => {
  it('Mixtral 8x7B: 46.7B in all, 12.9B active per token (the paper: 47B, 13B)', () => {
    expect(routedExpertParams(mixtral)).toBe(32 * 8 * 3 * 4096 * 14336);
    expect(activeParams(mixtral) / 1e9).toBeCloseTo(12.9, 1);
  });
  it('DeepSeek-V3: 671B in all, 37B activated (3 dense layers, 256 routed experts of 2048, top 8, 1 shared)', () => {
    const v3: TrainingShape = { ...mixtral, params: 671e9, layers: 61, hiddenSize: 7168, ffnSize: 18432, moe: { experts: 256, topK: 8, expertFfnSize: 2048, sharedExperts: 1, denseLayers: 3 } };
    expect(Math.abs(activeParams(v3) / 37e9 - 1)).toBeLessThan(0.02);
  });
});

describe('the expert-parallel all-to-all', () => {
  const nic: CommPath = { bandwidthBytesPerS: 50e9, latencyS: 10e-6 };
  it('every rank sends (ep - 1)/ep of its tokens over the fabric when no two share a node', () => {
    const a = allToAll(8, 8e6, nic);
    expect(a.timeS).toBeCloseTo((8e6 * 7) / 8 / 50e9 + 10e-6, 12);
    expect(a.scaleOutBytes).toBeCloseTo(7e6, 3);
  });
  it('ranks that share a node exchange over the interconnect; the slower part decides', () => {
    const two: CommPath = { ...nic, hierarchical: { devicesPerNode: 4, intraBandwidthBytesPerS: 400e9, intraLatencyS: 2e-6 } };
    const a = allToAll(8, 8e6, two);
    expect(a.scaleOutBytes).toBeCloseTo(4e6, 3);
    expect(a.timeS).toBeCloseTo(Math.max(4e6 / 50e9 + 10e-6, 3e6 / 400e9 + 2e-6), 12);
    // A group inside one node never touches the fabric.
    const inNode = allToAll(8, 8e6, { ...nic, scaleOut: false, hierarchical: { devicesPerNode: 8, intraBandwidthBytesPerS: 400e9, intraLatencyS: 2e-6 } });
    expect(inNode.scaleOutBytes).toBe(0);
    expect(inNode.timeS).toBeCloseTo((8e6 * 7) / 8 / 400e9 + 2e-6, 12);
  });
});

describe('a step of a mixture of experts', () => {
  const nvlink: CommPath = { bandwidthBytesPerS: 300e9, latencyS: 3e-6, scaleOut: false };
  const nic: CommPath = { bandwidthBytesPerS: 45e9, latencyS: 8e-6 };
  const layout: ParallelLayout = { tp: 1, pp: 1, dp: 64, microBatches: 4, zeroStage: 1 };
  const step = (l: ParallelLayout, ep?: CommPath) => stepTime({ shape: mixtral, layout: l, peakFlopsPerDevice: h100.peakFlops, compute: computeBreakdown(mixtral, l, h100), tp: nvlink, pp: nic, dp: nic, ...(ep ? { ep } : {}) });

  it('useful work counts the active parameters: 6 x 12.9B x tokens, so the effective compute ratio is MoE MFU', () => {
    const s = step(layout);
    expect(s.usefulFlopPerStep).toBeCloseTo(6 * activeParams(mixtral) * mixtral.globalBatchTokens, -6);
  });

  it('spreading experts over ep ranks keeps the FLOPs and adds 4 all-to-alls per MoE layer per micro-batch, all exposed', () => {
    const one = step(layout);
    const ep8 = { ...layout, ep: 8 };
    const eight = step(ep8);
    expect(eight.compute.hardwareFlopPerDevice).toBeCloseTo(one.compute.hardwareFlopPerDevice, -6);
    expect(one.epCommS).toBe(0);
    // Each rank routes its micro-batch's tokens (256 x 4096 / 64 / 4 = 4096) to 2 experts each.
    const volume = 4096 * 2 * 4096 * 2;
    const a2a = allToAll(8, volume, nic);
    // The busiest receiver of random balanced routing takes a little more than the mean (moe.ts).
    expect(eight.epCommS).toBeCloseTo(4 * 32 * 4 * a2a.timeS * busiestRankLoad(4096 * 2, 8), 12);
    expect(busiestRankLoad(4096 * 2, 8)).toBeGreaterThan(1);
    expect(busiestRankLoad(4096 * 2, 8)).toBeLessThan(1.02);
    expect(eight.epBytesPerStepPerDevice).toBeCloseTo(4 * 32 * 4 * a2a.scaleOutBytes, 0);
    // And they are on the step's critical path.
    expect(eight.stepS - one.stepS).toBeGreaterThan(0.9 * eight.epCommS - (one.dpExposedS - eight.dpExposedS) - Math.abs(eight.computeS - one.computeS));
  });

  it('a faster fabric shortens only the all-to-all part; ranks in one node send nothing over it', () => {
    const ep8 = { ...layout, ep: 8 };
    const slow = step(ep8, { bandwidthBytesPerS: 12.5e9, latencyS: 8e-6 });
    const fast = step(ep8, { bandwidthBytesPerS: 50e9, latencyS: 8e-6 });
    expect(slow.epCommS / fast.epCommS).toBeGreaterThan(3.5);
    expect(slow.computeS).toBe(fast.computeS);
    const local = step(ep8, { ...nvlink, hierarchical: { devicesPerNode: 8, intraBandwidthBytesPerS: 300e9, intraLatencyS: 3e-6 } });
    expect(local.epBytesPerStepPerDevice).toBe(0);
    expect(local.epCommS).toBeLessThan(fast.epCommS);
  });

  it('expert weights, gradients and optimizer state divide by ep; the rest does not', () => {
    const one = memoryPerDevice(mixtral, layout);
    const eight = memoryPerDevice(mixtral, { ...layout, ep: 8 });
    const expert = routedExpertParams(mixtral);
    expect(one.weightsBytes - eight.weightsBytes).toBeCloseTo(expert * (1 - 1 / 8) * 2, -3);
    // ZeRO-1: optimizer state over dp for the dense part, over dp / ep for the experts.
    const dense = mixtral.params - expert;
    expect(eight.optimizerBytes).toBeCloseTo((dense * 12) / 64 + ((expert / 8) * 12) / 8, -3);
    // The routed token copies and the k experts' inner activations cost more than a dense FFN.
    const denseTwin = memoryPerDevice({ ...mixtral, moe: undefined }, layout);
    expect(one.activationBytesPerLayer).toBeGreaterThan(denseTwin.activationBytesPerLayer);
  });
});

const scenario = (model: string, layout: string, params = '46.7B'): string => `
name: moe
datacentres:
  - name: dc
    fabric: IB-NDR
    nodes_per_leaf: 16
    node_groups: [{ name: h, count: 8, device: H100 }]
workloads:
  - jobs:
      - name: mixtral
        devices: 64
        params: ${params}
        tokens: 1B
        model: { layers: 32, hidden_size: 4096, heads: 32, kv_heads: 8, ffn_size: 14336, gated_mlp: true, vocab: 32000, seq_len: 4096, global_batch: 1M, attention: flash${model} }
        layout: { tp: 1, pp: 1, dp: 64, zero: 1${layout} }
`;

describe('mixture of experts in a scenario', () => {
  const moe = ', moe: { experts: 8, top_k: 2 }';
  it('runs, with the work of the active parameters; spreading the experts over nodes puts their all-to-all on the fabric', () => {
    const r = scenarioFromText(scenario(moe, ', ep: 8'));
    expect(r.jobs[0]!.usefulFlop).toBeCloseTo(6 * activeParams(mixtral) * 1e9, -9);
    const out = runToCsv(r);
    expect(out.summary.jobs_completed).toBe(1);
    const e = explainJob(r, 'mixtral');
    expect(e.layout.ep).toBe(8);
    // dp ranks are 8 to a node: an 8-rank expert group is one node's ranks, on NVLink; at ep 16
    // half of every rank's tokens cross the fabric, slower.
    expect(e.step.exposed_ep_s).toBeGreaterThan(0);
    const across = explainJob(scenarioFromText(scenario(', moe: { experts: 16, top_k: 2, ffn_size: 7168 }', ', ep: 16', '46.7B')), 'mixtral');
    const within = explainJob(scenarioFromText(scenario(', moe: { experts: 16, top_k: 2, ffn_size: 7168 }', ', ep: 8', '46.7B')), 'mixtral');
    expect(across.step.exposed_ep_s).toBeGreaterThan(2 * within.step.exposed_ep_s);
    expect(explanationTable(e)).toContain('exposed EP all-to-all');
    expect(explanationTable(e)).toContain('12.9B of 46.7B parameters active');
  });
  it('refuses what cannot be: ep not dividing the experts, ep on a dense model, params smaller than the experts', () => {
    const refused = (text: string): string => {
      try {
        scenarioFromText(text);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as InputError).message;
      }
      throw new Error('accepted');
    };
    expect(refused(scenario(moe, ', ep: 3'))).toMatch(/layout\.ep[\s\S]*must divide the 8 experts/);
    expect(refused(scenario('', ', ep: 8'))).toMatch(/ep = 8 needs a mixture-of-experts model/);
    expect(refused(scenario(moe, '', '7B'))).toMatch(/params[\s\S]*cannot hold the routed experts/);
    expect(refused(scenario(', moe: { experts: 8, top_k: 9 }', ''))).toMatch(/top_k = 9 exceeds the 8 experts/);
    // Experts that do not fit unspread: the refusal says which ep would.
    expect(refused(scenario(', moe: { experts: 16, top_k: 2, ffn_size: 7168 }', ''))).toMatch(/would fit: `ep: 4` \(74\.7 GiB\)/);
  });
});

describe('per-node dispatch, node-limited routing and overlapped all-to-alls (layout.ep_dispatch, moe.max_nodes, layout.ep_overlap)', () => {
  const nic: CommPath = { bandwidthBytesPerS: 50e9, latencyS: 10e-6, hierarchical: { devicesPerNode: 4, intraBandwidthBytesPerS: 400e9, intraLatencyS: 2e-6 } };
  it('sends a token once to each other node holding one of its experts: N (1 - (1 - 1/N)^k) nodes, (N - 1)/N of them remote', () => {
    // ep 64 over 16 nodes of 4 ranks, k = 8: 7.5 of 8 copies cross the fabric plainly.
    const volume = 8e6; // 1e6 bytes per copy
    const plain = allToAll(64, volume, nic);
    expect(plain.scaleOutBytes).toBeCloseTo((volume * 60) / 64, 0);
    const reached = 16 * (1 - (15 / 16) ** 8);
    const perNode = allToAll(64, volume, nic, { topK: 8 });
    expect(perNode.scaleOutBytes).toBeCloseTo(1e6 * reached * (15 / 16), 0);
    // Node-limited routing (DeepSeek-V3: 4 nodes) bounds the nodes reached.
    const limited = allToAll(64, volume, nic, { topK: 8, maxNodes: 4 });
    expect(limited.scaleOutBytes).toBeCloseTo(1e6 * 4 * (15 / 16), 0);
    expect(limited.timeS).toBeCloseTo(Math.max((1e6 * 3.75) / 50e9 + 10e-6, (volume * 3) / 4 / 400e9 + 2e-6), 12);
    // Never more than the plain dispatch, e.g. with one expert per token.
    expect(allToAll(64, 1e6, nic, { topK: 1 }).scaleOutBytes).toBeLessThanOrEqual(allToAll(64, 1e6, nic).scaleOutBytes + 1e-6);
  });

  const nvlink: CommPath = { bandwidthBytesPerS: 300e9, latencyS: 3e-6, scaleOut: false };
  const slow: CommPath = { bandwidthBytesPerS: 12.5e9, latencyS: 8e-6 };
  const base: ParallelLayout = { tp: 1, pp: 1, dp: 64, ep: 8, microBatches: 4, zeroStage: 1 };
  const step = (l: ParallelLayout) => stepTime({ shape: mixtral, layout: l, peakFlopsPerDevice: h100.peakFlops, compute: computeBreakdown(mixtral, l, h100), tp: nvlink, pp: slow, dp: slow, ep: slow });
  it('an overlapped all-to-all leaves the critical path up to one micro-batch\'s compute; the bytes stay', () => {
    const plain = step(base);
    const half = step({ ...base, epOverlap: 0.5 });
    const full = step({ ...base, epOverlap: 1 });
    expect(half.epCommS).toBe(plain.epCommS);
    // One stage, 4 micro-batches: the first forward and the last backward run alone (3 of 4 paired).
    expect(pairedChunkShare(1, 1, 4)).toBe(0.75);
    expect(half.epExposedS).toBeCloseTo(plain.epCommS - 0.75 * (plain.epCommS / 2), 12);
    expect(half.stepS).toBeCloseTo(plain.stepS - 0.75 * (plain.epCommS / 2), 9);
    expect(full.epBytesPerStepPerDevice).toBe(plain.epBytesPerStepPerDevice);
    // At 12.5 GB/s the all-to-all outlasts the compute it hides behind: the rest stays exposed.
    expect(full.epExposedS).toBeCloseTo(plain.epCommS - 0.75 * Math.min(plain.epCommS, full.computeS - full.compute.optimizerS), 9);
    expect(full.epExposedS).toBeGreaterThan(0);
  });
  it('hides the all-to-all only where a forward chunk runs beside another micro-batch\'s backward chunk: not in the warm-up and cool-down', () => {
    // Megatron-Core's warm-up on the first stage, plus the one forward the overlapped schedule runs first.
    expect(pairedChunkShare(8, 4, 512)).toBeCloseTo(1 - (2 * 7 + 3 * 8 + 1) / 2048, 12);
    expect(pairedChunkShare(16, 1, 120)).toBeCloseTo(1 - 16 / 120, 12);
    expect(pairedChunkShare(4, 1, 2)).toBe(0);
    // A step with pipeline stages: fully overlapped, it still pays the unpaired chunks' all-to-alls.
    const piped = { ...base, pp: 2, dp: 32, microBatches: 8 };
    const fast: CommPath = { bandwidthBytesPerS: 400e9, latencyS: 3e-6, scaleOut: false };
    const timed = (l: ParallelLayout) => stepTime({ shape: mixtral, layout: l, peakFlopsPerDevice: h100.peakFlops, compute: computeBreakdown(mixtral, l, h100), tp: nvlink, pp: slow, dp: slow, ep: fast });
    const open = timed(piped);
    const hidden = timed({ ...piped, epOverlap: 1 });
    expect(hidden.epExposedS).toBeCloseTo(open.epCommS * (1 - pairedChunkShare(2, 1, 8)), 9);
    expect(hidden.epExposedS).toBeGreaterThan(0);
  });
  it('in a scenario: refused without expert parallelism, shown by explain', () => {
    const moe = ', moe: { experts: 8, top_k: 2, max_nodes: 2 }';
    expect(() => scenarioFromText(scenario(moe, ', ep_dispatch: per-node'))).toThrow(/ep_dispatch and ep_overlap describe the expert-parallel all-to-all, which needs ep > 1/);
    const e = explainJob(scenarioFromText(scenario(moe, ', ep: 8, ep_dispatch: per-node, ep_overlap: 1')), 'mixtral');
    expect(e.layout.epDispatch).toBe('per-node');
    expect(explanationTable(e)).toContain('(ep 8, per-node dispatch, 100% of the all-to-all overlapped)');
    // Hidden but for the first forward's and the last backward's all-to-alls (one stage, 4 micro-batches: a quarter).
    expect(e.step.exposed_ep_s).toBeGreaterThan(0);
    const plain = explainJob(scenarioFromText(scenario(moe, ', ep: 8, ep_dispatch: per-node')), 'mixtral');
    expect(e.step.exposed_ep_s / plain.step.exposed_ep_s).toBeCloseTo(1 - pairedChunkShare(1, 1, e.layout.microBatches), 9);
  });
});

describe('the token permutation\'s backward (Transformer Engine\'s fused permute and unpermute kernels)', () => {
  it('is the inverse permutation: 3 + 2/k elements a routed copy backward (and the regrouping its own forward bytes), not twice the forward', () => {
    const n = 4096;
    const copies = n * mixtral.moe!.topK * mixtral.hiddenSize;
    const pass = (elems: number): number => memoryBoundTimeS(elems * 2 * copies, h100);
    // One rank, no all-to-all: the permutation alone (4 elements forward).
    const one = moeFfn(mixtral, { tp: 1, pp: 1, dp: 8, microBatches: 1 }, h100, n, 1, true)!;
    expect(one.eltB).toBeCloseTo(2 * (one.eltF - pass(4)) + pass(3 + 2 / 2), 12);
    // The all-to-all dispatcher with two experts a rank also regroups them (4 elements each way).
    const two = moeFfn(mixtral, { tp: 1, pp: 1, dp: 8, ep: 4, microBatches: 1 }, h100, n, 1, true)!;
    expect(two.eltB).toBeCloseTo(2 * (two.eltF - pass(8)) + pass(3 + 2 / 2 + 4), 12);
    expect(two.eltB).toBeLessThan(2 * two.eltF);
  });
});
