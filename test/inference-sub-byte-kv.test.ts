// Sub-byte weights (4-bit AWQ, GPTQ: W4A16) are dequantised into 16-bit GEMMs: the activations and
// the KV cache they write stay 16-bit. precision_bytes 0.5 sized the KV cache at half a byte an
// element (four times the tokens a replica holds, a quarter of a disaggregated transfer's bytes).
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { activationBytes } from '../src/model/inference/replica-model.js';
import { runToCsv } from './helpers.js';

function scenario(precision: string): string {
  return `name: w4
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
services:
  - name: s
    model: { params: 70B, layers: 80, hidden_size: 8192, kv_heads: 8, head_dim: 128, ${precision} }
    prefill: { count: 1, tensor_parallel: 4, device: H100, datacentre: dc }
    decode: { count: 1, tensor_parallel: 4, device: H100, datacentre: dc }
    streams:
      - arrival: { process: poisson, rate: 1/s }
        prompt_tokens: 1000
        output_tokens: 4
        count: 5
`;
}

describe('sub-byte weights keep a 16-bit KV cache', () => {
  it('activations are the weights width from one byte up, 16-bit below', () => {
    expect([0.5, 0.75, 1, 2, 4].map(activationBytes)).toEqual([2, 2, 1, 2, 4]);
  });

  it('4-bit Llama-3.1-70B: 327,680 KV bytes a token (2 x 80 layers x 8 x 128 x 2 bytes), the bf16 model\'s, and its KV capacity from what 35 GB of weights leave', () => {
    const w4 = loadScenario(scenario('precision_bytes: 0.5'), 'w4.yaml').services[0]!;
    const bf16 = loadScenario(scenario('precision_bytes: 2'), 'w4.yaml').services[0]!;
    expect(w4.model.kvBytesPerToken).toBe(2 * 80 * 8 * 128 * 2);
    expect(w4.model.kvBytesPerToken).toBe(bf16.model.kvBytesPerToken);
    const memory = w4.disaggregated!.decode.hardware.memoryBytes;
    expect(w4.disaggregated!.decode.timing.kvCapacityTokens).toBe(Math.floor((4 * memory * 0.9 - 35e9) / 327680));
    // FP8 serving keeps its KV at one byte, as TensorRT-LLM's FP8 rows ran.
    expect(loadScenario(scenario('precision_bytes: 1'), 'w4.yaml').services[0]!.model.kvBytesPerToken).toBe(2 * 80 * 8 * 128);
  });

  it('a disaggregated 4-bit service moves 327,680 bytes a prompt token', () => {
    const s = runToCsv(loadScenario(scenario('precision_bytes: 0.5'), 'w4.yaml')).services[0]!;
    expect(s.kv_bytes).toBe(5 * 1000 * 327680);
  });
});
