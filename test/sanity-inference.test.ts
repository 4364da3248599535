// The inference replica check (docs/calibration.md, "Inference replica check"): published serving
// measurements (TensorRT-LLM's own tables, NVIDIA NIM, vLLM's benchmark, MInference), each set up as a
// new user would describe it (a catalogue kind, the model's shape, tensor_parallel, every default),
// against poolsim's prefill, decode-step and end-to-end times. Every row's prediction is pinned, so
// a change to the replica physics shows here and in the docs' table together; the error bands say
// what the model is known to get right, and the rows it is known to miss stay visible.
import { describe, expect, it } from 'vitest';
import { causalPairs, prefillS } from '../src/model/inference/replica-model.js';
import { INFERENCE_ROWS, predict, rowTiming } from './sanity-inference-rows.js';

/** poolsim's prediction for each row (ms, or output tokens/s for throughput), as in docs/calibration.md. */
const PINNED: Record<string, number> = {
  'trt-a100-gptj-128': 11.850,
  'trt-a100-gptj-2048': 119.886,
  'trt-a100-llama7-128': 13.4039,
  'trt-a100-llama7-2048': 131.728,
  'trt-a100-llama70-128': 45.6256,
  'trt-a100-llama70-2048': 361.265,
  'trt-h100-gptj-128': 4.90947,
  'trt-h100-gptj-2048': 28.7563,
  'trt-h100-llama7-128': 5.57451,
  'trt-h100-llama7-2048': 32.5775,
  'trt-h100-llama70-128': 14.6468,
  'trt-h100-llama70-2048': 89.9803,
  'nim-h100-llama70-5000-ttft': 399.827,
  'nim-h100-llama70-500-ttft': 45.1189,
  'nim-h100-llama70-5000-itl': 19.2365,
  'nim-h100-llama70-500-itl': 19.1219,
  'vllm-h200-llama8-b8': 829.079,
  'vllm-h200-llama70-b8': 2033.73,
  'trt-a100-llama7-b60-thr': 1822.70,
  'minference-a100-llama8-1m': 1395710,
};

const err = (id: string): number => {
  const row = INFERENCE_ROWS.find((r) => r.id === id)!;
  return predict(row) / row.published - 1;
};

describe('inference replica check against published serving measurements', () => {
  it('every row is pinned, and every pin has a row', () => {
    expect(Object.keys(PINNED).sort()).toEqual(INFERENCE_ROWS.map((r) => r.id).sort());
    for (const row of INFERENCE_ROWS) expect(predict(row) / PINNED[row.id]!, row.id).toBeCloseTo(1, 4);
  });

  it('long prompts: the quadratic attention term brings a 1M-token prefill within 25% of the ~30 minutes published (2P alone: 1.4 min, -95%)', () => {
    expect(Math.abs(err('minference-a100-llama8-1m'))).toBeLessThan(0.25);
    // The weight GEMMs alone are 4.8% of it (5.8% at one efficiency): attention is 95% of a 1M-token prefill of an 8B model
    // (at FlashAttention-2's forward rate on an A100 past 16k, 197 TFLOP/s; 0.62 x 312 = 193 before).
    const row = INFERENCE_ROWS.find((r) => r.id === 'minference-a100-llama8-1m')!;
    const t = rowTiming(row);
    const gemmOnly = prefillS(t, 1e6, 0);
    expect(gemmOnly / prefillS(t, 1e6, causalPairs(1e6, 0))).toBeCloseTo(0.0476, 3);
  });

  it('prefill of 2k-5k tokens: A100 bf16 within 8% (the GEMM model; +5% to +13% at one efficiency), H100 fp8 within -21% (-11% to -23%)', () => {
    for (const id of ['trt-a100-gptj-2048', 'trt-a100-llama7-2048', 'trt-a100-llama70-2048']) expect(Math.abs(err(id)), id).toBeLessThan(0.08);
    for (const id of ['trt-h100-gptj-2048', 'trt-h100-llama7-2048', 'trt-h100-llama70-2048', 'nim-h100-llama70-5000-ttft']) {
      expect(err(id), id).toBeLessThan(0);
      expect(err(id), id).toBeGreaterThan(-0.21);
    }
  });

  it('short prompts on A100 bf16: within 17% (the GEMM model: 128 rows fill under half a wave of tiles; 17-33% under at one efficiency)', () => {
    for (const id of ['trt-a100-gptj-128', 'trt-a100-llama7-128', 'trt-a100-llama70-128']) expect(Math.abs(err(id)), id).toBeLessThan(0.17);
    expect(Math.abs(err('nim-h100-llama70-500-ttft'))).toBeLessThan(0.08);
  });

  it('decode at batch 1-8 in served engines: within 4% (the rows the per-layer iteration overhead was measured on; the bare roofline was 27-37% under)', () => {
    for (const id of ['nim-h100-llama70-5000-itl', 'nim-h100-llama70-500-itl', 'vllm-h200-llama8-b8', 'vllm-h200-llama70-b8']) expect(Math.abs(err(id)), id).toBeLessThan(0.04);
  });

  it('decode at a large batch, KV-bound (TensorRT-LLM static batch 60, A100): within 6%, a little slow', () => {
    expect(err('trt-a100-llama7-b60-thr')).toBeLessThan(0);
    expect(err('trt-a100-llama7-b60-thr')).toBeGreaterThan(-0.06);
  });

  it('known misses, kept visible: 128-token FP8 prompts on H100 run faster in poolsim than measured', () => {
    // 21-44% under (32-48% at one efficiency; 64-69% before the per-layer overhead): TensorRT-LLM
    // v0.5's early FP8 at 128 tokens is slower than the FP8 GEMM model's tiles give.
    for (const id of ['trt-h100-gptj-128', 'trt-h100-llama7-128', 'trt-h100-llama70-128']) {
      expect(err(id), id).toBeLessThan(-0.2);
      expect(err(id), id).toBeGreaterThan(-0.45);
    }
  });
});
