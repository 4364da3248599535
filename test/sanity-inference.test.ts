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
  'trt-a100-gptj-128': 9.9862,
  'trt-a100-gptj-2048': 135.04,
  'trt-a100-llama7-128': 11.182,
  'trt-a100-llama7-2048': 150.64,
  'trt-a100-llama70-128': 31.568,
  'trt-a100-llama70-2048': 413.34,
  'trt-h100-gptj-128': 4.2175,
  'trt-h100-gptj-2048': 25.611,
  'trt-h100-llama7-128': 4.7549,
  'trt-h100-llama7-2048': 28.614,
  'trt-h100-llama70-128': 13.629,
  'trt-h100-llama70-2048': 83.727,
  'nim-h100-llama70-5000-ttft': 363.25,
  'nim-h100-llama70-500-ttft': 40.281,
  'nim-h100-llama70-5000-itl': 19.237,
  'nim-h100-llama70-500-itl': 19.122,
  'vllm-h200-llama8-b8': 828.13,
  'vllm-h200-llama70-b8': 2030.8,
  'trt-a100-llama7-b60-thr': 1820,
  'minference-a100-llama8-1m': 1438200,
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
    // The weight GEMMs alone are 5.8% of it: attention is 94% of a 1M-token prefill of an 8B model.
    const row = INFERENCE_ROWS.find((r) => r.id === 'minference-a100-llama8-1m')!;
    const t = rowTiming(row);
    const gemmOnly = prefillS(t, 1e6, 0);
    expect(gemmOnly / prefillS(t, 1e6, causalPairs(1e6, 0))).toBeCloseTo(0.058, 3);
  });

  it('prefill of 2k-5k tokens: A100 bf16 within +14%, H100 fp8 within -24% (fp8 runs below the 0.55 of peak assumed)', () => {
    for (const id of ['trt-a100-gptj-2048', 'trt-a100-llama7-2048', 'trt-a100-llama70-2048']) {
      expect(err(id), id).toBeGreaterThan(0);
      expect(err(id), id).toBeLessThan(0.14);
    }
    for (const id of ['trt-h100-gptj-2048', 'trt-h100-llama7-2048', 'trt-h100-llama70-2048', 'nim-h100-llama70-5000-ttft']) {
      expect(err(id), id).toBeLessThan(0);
      expect(err(id), id).toBeGreaterThan(-0.24);
    }
  });

  it('decode at batch 1-8 in served engines: within 4% (the rows the per-layer iteration overhead was measured on; the bare roofline was 27-37% under)', () => {
    for (const id of ['nim-h100-llama70-5000-itl', 'nim-h100-llama70-500-itl', 'vllm-h200-llama8-b8', 'vllm-h200-llama70-b8']) expect(Math.abs(err(id)), id).toBeLessThan(0.04);
  });

  it('decode at a large batch, KV-bound (TensorRT-LLM static batch 60, A100): within 6%, a little slow', () => {
    expect(err('trt-a100-llama7-b60-thr')).toBeLessThan(0);
    expect(err('trt-a100-llama7-b60-thr')).toBeGreaterThan(-0.06);
  });

  it('known misses, kept visible: 128-token prompts run faster in poolsim than measured', () => {
    // 17-48% under (33-69% before the per-layer overhead): the GEMMs at 128 tokens are neither
    // memory- nor compute-bound, and the roofline's max of the two is below their time.
    for (const id of ['trt-a100-gptj-128', 'trt-a100-llama7-128', 'trt-a100-llama70-128', 'trt-h100-gptj-128', 'trt-h100-llama7-128', 'trt-h100-llama70-128']) {
      expect(err(id), id).toBeLessThan(-0.15);
      expect(err(id), id).toBeGreaterThan(-0.5);
    }
  });
});
