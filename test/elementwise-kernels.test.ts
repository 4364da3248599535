// The block's memory-bound ops in their two descriptions (model.kernels: fused | eager): the eager
// kernels' bytes counted by hand for a small shape, the fused description against what the step
// model has always charged, eager never cheaper than fused, the loader's refusals, and explain.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { blockCount, blockKernelsS, type BlockTensors } from '../src/model/elementwise-kernels.js';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { KERNEL_OVERHEAD_S, MEMORY_BANDWIDTH_EFFICIENCY } from '../src/model/gemm.js';
import { computeBreakdown, computeDeviceOf } from '../src/model/layer-compute.js';
import type { ParallelLayout, TrainingShape } from '../src/model/training-layout.js';
import { LLAMA3_8B_DIMS } from './llama3-8b-dims.js';
import { scenarioFromText } from './helpers.js';

const h100 = computeDeviceOf(DEVICE_CATALOGUE.H100!)!;

describe('the eager kernels of a block, counted by hand', () => {
  // 8 tokens, hidden 4, 2 query heads of 2 and 1 key/value head, FFN 12, no tensor parallelism, bf16.
  const t: BlockTensors = { residual: 32, gathered: 32, q: 16, k: 8, ffn: 96 };

  it('forward: each RMSNorm 36 bytes an element, RoPE 20 a query or key element, an add 6, SiLU x mul 10 an FFN element', () => {
    // RMSNorm: x.float() 2 + 4, pow(2) 4 + 4, mean 4, x * rsqrt 4 + 4, type_as 4 + 2, * weight 2 + 2 (eps, rsqrt: a row each).
    const norm = 2 + 4 + (4 + 4) + 4 + (4 + 4) + (4 + 2) + (2 + 2);
    expect(norm).toBe(36);
    // RoPE: float() 2 + 4, complex64 product 4 + 4, type_as 4 + 2.
    const rope = 2 + 4 + (4 + 4) + (4 + 2);
    const add = 2 + 2 + 2;
    const swiglu = 2 + 2 + (4 + 2);
    const c = blockCount(t, 2, 'eager');
    expect(c.forward.bytes).toBe(2 * norm * 32 + rope * (16 + 8) + 2 * add * 32 + swiglu * 96);
    expect(c.forward.bytes).toBe(2304 + 480 + 384 + 960);
    // 8 kernels a norm, 3 a RoPE tensor, 1 an add, 2 for SiLU x mul.
    expect(c.forward.kernels).toBe(2 * 8 + 2 * 3 + 2 + 2);
  });

  it("backward: each op's autograd kernels, and the sums where a tensor feeds two ops", () => {
    // RMSNorm: * weight (grad x weight 2 + 2, grad x normed 4 + 2, sum over tokens 2), cast back to fp32 2 + 4,
    // x * rsqrt (grad x rsqrt 4 + 4, grad x x 8 + 4, row sum 4), mean's expand and divide 4, pow (x.pow(1) 4 + 4,
    // 2 x 4 + 4, grad x 8 + 4), the sum of the fp32 input's two gradients 8 + 4, float()'s backward 4 + 2.
    const norm = 4 + 6 + 2 + 6 + 8 + 12 + 4 + 4 + 8 + 8 + 12 + 12 + 6;
    expect(norm).toBe(92);
    const rope = 6 + 8 + 6;
    // The add passes its gradient on; the residual's two gradients are summed (2 + 2 read, 2 written).
    const residualSum = 6;
    // wq, wk, wv read one norm output, w1 and w3 the other: three sums of two input gradients on the gathered tensor.
    const projectionSums = 3 * 6;
    // SiLU x mul: grad x w3's output, grad x SiLU's output, silu_backward (each 4 + 2).
    const swiglu = 3 * 6;
    const c = blockCount(t, 2, 'eager');
    expect(c.backward.bytes).toBe(2 * norm * 32 + rope * 24 + 2 * residualSum * 32 + projectionSums * 32 + swiglu * 96);
    expect(c.backward.kernels).toBe(2 * 16 + 2 * 3 + 2 + 3 + 3);
  });

  it('fused: what the step model has always charged (a one-pass norm 2 and 4 elements, an add 3 and 6, SwiGLU 3 and 6), nothing for RoPE or the sums', () => {
    const c = blockCount(t, 2, 'fused');
    expect(c.forward.bytes).toBe(2 * 2 * 2 * 32 + 2 * 3 * 2 * 32 + 3 * 2 * 96);
    expect(c.backward.bytes).toBe(2 * 4 * 2 * 32 + 2 * 6 * 2 * 32 + 6 * 2 * 96);
    // Seconds: the bytes at the streaming rate and a launch each.
    const s = blockKernelsS(t, 2, 'fused', 'activation', h100);
    expect(s.forwardS).toBeCloseTo((6 * 96) / (h100.memoryBandwidth * MEMORY_BANDWIDTH_EFFICIENCY) + KERNEL_OVERHEAD_S, 15);
  });
});

/** A dense Llama-like shape on one device kind, in a layout without pipeline stages. */
const llama = (o: Partial<TrainingShape> = {}): TrainingShape =>
  ({
  ...LLAMA3_8B_DIMS,
  seqLen: 8192,
  globalBatchTokens: 16384,
  precisionBytes: 2,
  attention: 'flash',
  dropout: 0,
  recompute: 'selective',
  ...o,
}) as TrainingShape;
const oneDevice: ParallelLayout = { tp: 1, pp: 1, dp: 1, microBatches: 1 };

describe('in the step model', () => {
  it("fused is today's charge: the block's elementwise time is the fused description's bytes, within the launches the two count apart", () => {
    const shape = llama();
    const b = computeBreakdown(shape, oneDevice, h100);
    const n = 16384;
    const t: BlockTensors = { residual: n * 4096, gathered: n * 4096, q: n * 4096, k: n * 1024, ffn: n * 14336 };
    const stream = blockKernelsS(t, 2, 'fused', 'stream', h100);
    const act = blockKernelsS(t, 2, 'fused', 'activation', h100);
    const described = 32 * (stream.forwardS + stream.backwardS + act.forwardS + act.backwardS);
    // The model charges the two norms one launch forward (the described: 2) and the two adds one (2): 3 launches a layer.
    expect(Math.abs(b.elementwiseS - described)).toBeLessThanOrEqual(32 * 3 * KERNEL_OVERHEAD_S + 1e-12);
    expect(b.elementwiseS).not.toBe(described);
    // Absent and `fused` are the same model.
    expect(computeBreakdown(llama({ kernels: 'fused' }), oneDevice, h100)).toEqual(b);
  });

  it('eager: the elementwise time is the eager kernels of every layer, and full recompute runs their forward again', () => {
    const n = 16384;
    const t: BlockTensors = { residual: n * 4096, gathered: n * 4096, q: n * 4096, k: n * 1024, ffn: n * 14336 };
    const stream = blockKernelsS(t, 2, 'eager', 'stream', h100);
    const act = blockKernelsS(t, 2, 'eager', 'activation', h100);
    const layer = stream.forwardS + stream.backwardS + act.forwardS + act.backwardS;
    const eager = computeBreakdown(llama({ kernels: 'eager' }), oneDevice, h100);
    expect(eager.elementwiseS).toBeCloseTo(32 * layer, 12);
    const fused = computeBreakdown(llama(), oneDevice, h100);
    // Only the elementwise kernels moved.
    expect(eager.gemmS).toBe(fused.gemmS);
    expect(eager.attentionS).toBe(fused.attentionS);
    expect(eager.microBatchS - fused.microBatchS).toBeCloseTo(eager.elementwiseS - fused.elementwiseS, 12);
    const full = computeBreakdown(llama({ kernels: 'eager', recompute: 'full' }), oneDevice, h100);
    expect(full.elementwiseS).toBeCloseTo(32 * (layer + stream.forwardS + act.forwardS), 12);
    // Sequence parallelism puts the norms and adds on 1/tp of the tokens, RoPE and SwiGLU on 1/tp of the heads and FFN.
    const tp = computeBreakdown(llama({ kernels: 'eager', sequenceParallel: true }), { ...oneDevice, tp: 8 }, h100);
    const t8: BlockTensors = { residual: (n / 8) * 4096, gathered: n * 4096, q: (n * 4096) / 8, k: (n * 1024) / 8, ffn: (n * 14336) / 8 };
    const s8 = blockKernelsS(t8, 2, 'eager', 'stream', h100);
    const a8 = blockKernelsS(t8, 2, 'eager', 'activation', h100);
    expect(tp.elementwiseS).toBeCloseTo(32 * (s8.forwardS + s8.backwardS + a8.forwardS + a8.backwardS), 12);
  });

  it('property: eager is never cheaper than fused, by pass and part, nor in the step model', () => {
    const elems = fc.integer({ min: 0, max: 1e9 });
    fc.assert(
      fc.property(fc.record({ residual: elems, gathered: elems, q: elems, k: elems, ffn: elems }), fc.constantFrom(1, 2, 4), (t, b) => {
        for (const part of ['stream', 'activation'] as const) {
          const e = blockCount(t, b, 'eager', part);
          const f = blockCount(t, b, 'fused', part);
          expect(e.forward.bytes).toBeGreaterThanOrEqual(f.forward.bytes);
          expect(e.backward.bytes).toBeGreaterThanOrEqual(f.backward.bytes);
          expect(e.forward.kernels).toBeGreaterThanOrEqual(f.forward.kernels);
          expect(e.backward.kernels).toBeGreaterThanOrEqual(f.backward.kernels);
        }
      }),
    );
    fc.assert(
      fc.property(
        fc.record({
          heads: fc.constantFrom(8, 16, 32),
          kvHeads: fc.constantFrom(1, 8),
          headDim: fc.constantFrom(64, 128),
          ffn: fc.integer({ min: 256, max: 30000 }),
          layers: fc.integer({ min: 1, max: 80 }),
          seq: fc.constantFrom(512, 2048, 8192),
          sequences: fc.integer({ min: 1, max: 8 }),
          tp: fc.constantFrom(1, 2, 8),
          recompute: fc.constantFrom('none', 'selective', 'full') as fc.Arbitrary<'none' | 'selective' | 'full'>,
          fp8: fc.boolean(),
        }),
        (r) => {
          const shape = llama({ heads: r.heads, kvHeads: r.kvHeads, headDim: r.headDim, hiddenSize: r.heads * r.headDim, ffnSize: r.ffn, layers: r.layers, seqLen: r.seq, globalBatchTokens: r.seq * r.sequences, recompute: r.recompute, ...(r.fp8 ? { fp8: true } : {}) });
          const layout = { ...oneDevice, tp: r.tp };
          const f = computeBreakdown(shape, layout, h100);
          const e = computeBreakdown({ ...shape, kernels: 'eager' }, layout, h100);
          expect(e.elementwiseS).toBeGreaterThan(f.elementwiseS);
          expect(e.microBatchS).toBeGreaterThan(f.microBatchS);
          expect(e.gemmS).toBe(f.gemmS);
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** A 1.7B-parameter Llama-like job on one node of H100; `model` adds or replaces fields of its model block ('' drops one). */
const job = (model: Record<string, string> = {}, layout = ''): string => {
  const fields = { layers: '24', hidden_size: '2048', heads: '16', seq_len: '2048', global_batch: '1M', gated_mlp: 'true', attention: 'flash', dropout: '0', ...model };
  return `name: k
seed: 1
datacentres:
  - name: dc
    node_groups:
      - { name: g, count: 1, device: H100 }
workloads:
  - jobs:
      - name: j
        devices: 8
        params: 1.75e9
        tokens: 1e9
        model: { ${Object.entries(fields).filter(([, v]) => v !== '').map(([k, v]) => `${k}: ${v}`).join(', ')} }
${layout}`;
};

describe('the scenario field', () => {
  it('refuses what the eager count does not describe, at model.kernels, saying why', () => {
    const refused = (model: Record<string, string>, layout = ''): string => {
      try {
        scenarioFromText(job(model, layout));
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(refused({ kernels: 'eager', gated_mlp: 'false' })).toContain('workloads[0].jobs[0].model.kernels: `kernels: eager` counts the eager kernels of a Llama block (RMSNorm, RoPE, SwiGLU, residual adds, no dropout), so it needs `gated_mlp: true`');
    expect(refused({ kernels: 'eager', dropout: '0.1' })).toContain('so it needs `dropout: 0` (not 0.1)');
    expect(refused({ kernels: 'eager', moe: '{ experts: 8, top_k: 2 }' })).toContain("and not a mixture of experts'");
    expect(refused({ kernels: 'eager' }, '        layout: { tp: 1, pp: 1, dp: 8, layer_norm: apex }\n')).toContain('`layout.layer_norm` names');
    expect(refused({ kernels: 'eager', precision: 'fp8' })).toContain("and not FP8 training's casts");
    expect(refused({ kernels: 'compiled' })).toContain('model.kernels');
    expect(refused({ kernels: 'eager', dropout: '' })).toContain('so it needs `dropout: 0` (absent, dropout is 0.1)');
    expect(refused({ kernels: 'eager' })).toBe('accepted');
  });

  it('explain shows the eager kernels and their time', () => {
    const fused = explainJob(scenarioFromText(job()), 'j');
    const eager = explainJob(scenarioFromText(job({ kernels: 'eager' })), 'j');
    expect(eager.step.micro_batch.elementwise_s).toBeGreaterThan(2 * fused.step.micro_batch.elementwise_s);
    const text = explanationTable(eager);
    expect(text).toContain('eager kernels (unfused norms, RoPE, SwiGLU, adds)');
    expect(text).toMatch(/norms, RoPE, activations, adds \(eager\)\s+[0-9.]+ (ms|s)/);
    expect(explanationTable(fused)).not.toContain('eager');
  });
});
