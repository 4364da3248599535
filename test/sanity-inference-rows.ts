// The published serving measurements of docs/calibration.md's "Inference replica check": each setup
// described as a new user would (a catalogue kind, the model's shape, tensor_parallel, defaults) and
// the time poolsim predicts for what was measured.
import { causalPairs, decodeStepS, prefillS, type ReplicaTiming } from '../src/model/inference/replica-model.js';
import { scenarioFromText } from './helpers.js';

export type Measured = 'prefill' | 'decode-step' | 'e2e-batch' | 'throughput';

export interface InferenceRow {
  id: string;
  source: string;
  device: string;
  tp: number;
  /** The scenario's `model:` mapping. */
  model: string;
  measured: Measured;
  batch: number;
  promptTokens: number;
  outputTokens: number;
  /** Published: ms for prefill, decode-step and e2e-batch; output tokens/s for throughput. */
  published: number;
}

const TRT = 'TensorRT-LLM v0.5 docs/source/performance.md, "Low Latency": 1st token latency, batch 1';
const TRT_THR = 'TensorRT-LLM v0.6.1 docs/source/performance.md, "Peak Throughput", A100 FP16 (static batch, gptSessionBenchmark)';
const NIM = 'NVIDIA NIM LLM benchmarking 1.0.0, Performance: Llama-3.3-70b-instruct 1.8.0, 2 x H100 80G, fp8 TP2, concurrency 1';
const VLLM = 'vLLM performance benchmark (buildkite vllm/performance-benchmark build 9515), latency tests: batch 8, 32 in, 128 out';
const MINF = 'MInference 1.0 (Jiang et al., NeurIPS 2024), abstract: "30 minutes for an 8B LLM to process a prompt of 1M tokens on a single A100"';

const GPTJ = '{ params: 6.05B, layers: 28, hidden_size: 4096 }';
const LLAMA7 = '{ params: 6.74B, layers: 32, hidden_size: 4096 }';
const LLAMA70 = '{ params: 69B, layers: 80, hidden_size: 8192, kv_heads: 8, head_dim: 128 }';
const fp8 = (m: string): string => m.replace(' }', ', precision_bytes: 1 }');
const LLAMA3_70 = '{ params: 70.6B, layers: 80, hidden_size: 8192, kv_heads: 8, head_dim: 128 }';
const LLAMA3_8 = '{ params: 8.03B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }';

export const INFERENCE_ROWS: readonly InferenceRow[] = [
  { id: 'trt-a100-gptj-128', source: TRT, device: 'A100-80GB', tp: 1, model: GPTJ, measured: 'prefill', batch: 1, promptTokens: 128, outputTokens: 1, published: 12 },
  { id: 'trt-a100-gptj-2048', source: TRT, device: 'A100-80GB', tp: 1, model: GPTJ, measured: 'prefill', batch: 1, promptTokens: 2048, outputTokens: 1, published: 129 },
  { id: 'trt-a100-llama7-128', source: TRT, device: 'A100-80GB', tp: 1, model: LLAMA7, measured: 'prefill', batch: 1, promptTokens: 128, outputTokens: 1, published: 16 },
  { id: 'trt-a100-llama7-2048', source: TRT, device: 'A100-80GB', tp: 1, model: LLAMA7, measured: 'prefill', batch: 1, promptTokens: 2048, outputTokens: 1, published: 133 },
  { id: 'trt-a100-llama70-128', source: TRT, device: 'A100-80GB', tp: 4, model: LLAMA70, measured: 'prefill', batch: 1, promptTokens: 128, outputTokens: 1, published: 47 },
  { id: 'trt-a100-llama70-2048', source: TRT, device: 'A100-80GB', tp: 4, model: LLAMA70, measured: 'prefill', batch: 1, promptTokens: 2048, outputTokens: 1, published: 377 },
  { id: 'trt-h100-gptj-128', source: TRT, device: 'H100', tp: 1, model: fp8(GPTJ), measured: 'prefill', batch: 1, promptTokens: 128, outputTokens: 1, published: 7 },
  { id: 'trt-h100-gptj-2048', source: TRT, device: 'H100', tp: 1, model: fp8(GPTJ), measured: 'prefill', batch: 1, promptTokens: 2048, outputTokens: 1, published: 29 },
  { id: 'trt-h100-llama7-128', source: TRT, device: 'H100', tp: 1, model: fp8(LLAMA7), measured: 'prefill', batch: 1, promptTokens: 128, outputTokens: 1, published: 7 },
  { id: 'trt-h100-llama7-2048', source: TRT, device: 'H100', tp: 1, model: fp8(LLAMA7), measured: 'prefill', batch: 1, promptTokens: 2048, outputTokens: 1, published: 36 },
  { id: 'trt-h100-llama70-128', source: TRT, device: 'H100', tp: 4, model: fp8(LLAMA70), measured: 'prefill', batch: 1, promptTokens: 128, outputTokens: 1, published: 26 },
  { id: 'trt-h100-llama70-2048', source: TRT, device: 'H100', tp: 4, model: fp8(LLAMA70), measured: 'prefill', batch: 1, promptTokens: 2048, outputTokens: 1, published: 109 },
  { id: 'nim-h100-llama70-5000-ttft', source: NIM, device: 'H100', tp: 2, model: fp8(LLAMA3_70), measured: 'prefill', batch: 1, promptTokens: 5000, outputTokens: 500, published: 406.77 },
  { id: 'nim-h100-llama70-500-ttft', source: NIM, device: 'H100', tp: 2, model: fp8(LLAMA3_70), measured: 'prefill', batch: 1, promptTokens: 500, outputTokens: 2000, published: 47.77 },
  { id: 'nim-h100-llama70-5000-itl', source: NIM, device: 'H100', tp: 2, model: fp8(LLAMA3_70), measured: 'decode-step', batch: 1, promptTokens: 5000, outputTokens: 500, published: 18.58 },
  { id: 'nim-h100-llama70-500-itl', source: NIM, device: 'H100', tp: 2, model: fp8(LLAMA3_70), measured: 'decode-step', batch: 1, promptTokens: 500, outputTokens: 2000, published: 18.91 },
  { id: 'vllm-h200-llama8-b8', source: VLLM, device: 'H200', tp: 1, model: LLAMA3_8, measured: 'e2e-batch', batch: 8, promptTokens: 32, outputTokens: 128, published: 833.42 },
  { id: 'vllm-h200-llama70-b8', source: VLLM, device: 'H200', tp: 4, model: LLAMA3_70, measured: 'e2e-batch', batch: 8, promptTokens: 32, outputTokens: 128, published: 2077.53 },
  { id: 'trt-a100-llama7-b60-thr', source: TRT_THR, device: 'A100-80GB', tp: 1, model: LLAMA7, measured: 'throughput', batch: 60, promptTokens: 128, outputTokens: 2048, published: 1928 },
  { id: 'minference-a100-llama8-1m', source: MINF, device: 'A100-80GB', tp: 1, model: LLAMA3_8, measured: 'prefill', batch: 1, promptTokens: 1_000_000, outputTokens: 1, published: 30 * 60 * 1000 },
];

/** The replica timing of a row's setup, through the scenario loader with every default. */
export function rowTiming(row: InferenceRow): ReplicaTiming {
  const text = `name: check
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: ${row.device} }]
services:
  - name: s
    model: ${row.model}
    replicas: { count: 1, device: ${row.device}, datacentre: dc, tensor_parallel: ${row.tp} }
    streams:
      - arrival: { process: poisson, rate: 1/s }
        count: 1
`;
  return scenarioFromText(text, 'check.yaml').services[0]!.timing;
}

/** Decode steps of a batch of `batch` sequences from `context0` tokens each, `steps` of them (one token each). */
function decodeStepsS(t: ReplicaTiming, batch: number, context0: number, steps: number): number {
  let s = 0;
  for (let k = 0; k < steps; k++) s += decodeStepS(t, batch, batch * (context0 + k));
  return s;
}

/** What poolsim predicts for the row's measurement, in the row's unit. */
export function predict(row: InferenceRow): number {
  const t = rowTiming(row);
  const b = row.batch;
  const prefill = prefillS(t, b * row.promptTokens, b * causalPairs(row.promptTokens, 0));
  switch (row.measured) {
    case 'prefill':
      return prefill * 1e3;
    case 'decode-step':
      // The mean inter-token latency over the output: a step at the mean context.
      return decodeStepS(t, b, b * (row.promptTokens + row.outputTokens / 2)) * 1e3;
    case 'e2e-batch':
      return (prefill + decodeStepsS(t, b, row.promptTokens + 1, row.outputTokens - 1)) * 1e3;
    case 'throughput':
      return (b * row.outputTokens) / (prefill + decodeStepsS(t, b, row.promptTokens + 1, row.outputTokens - 1));
  }
}
