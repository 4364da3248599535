// A replica's tensor-parallel ranks each compute whole attention heads and hold whole key/value
// heads, as vLLM requires (ModelConfig.verify_with_parallel_config: the attention heads must divide
// by tensor_parallel_size; QKVParallelLinear: the KV heads divide by it, or it by them, each KV head
// then copied on tp / kv_heads ranks). A service whose shape is given and whose tensor_parallel
// breaks that describes a deployment that cannot start: it is refused at its pool, as a training
// layout's tp is (test/heads-layout.test.ts), not timed as if it could run.
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

const scenario = (model: string, pool: string): string => `name: tp
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: H100 }]
services:
  - name: chat
    model: { params: 8B, ${model} }
    ${pool}
    streams:
      - { arrival: { process: poisson, rate: 5/s }, prompt_tokens: 200, output_tokens: 50, count: 20 }
`;

const LLAMA3_8B = 'layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128';

const problems = (model: string, pool: string): string[] => {
  try {
    scenarioFromText(scenario(model, pool));
    return [];
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return e.issues.map((i) => `${i.line}:${i.path}: ${i.message}`);
  }
};

describe('a serving replica\'s tensor_parallel and the model\'s heads', () => {
  it('refuses a tensor_parallel that does not divide the attention heads', () => {
    const p = problems(LLAMA3_8B, 'replicas: { count: 2, device: H100, datacentre: dc, tensor_parallel: 3 }');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^8:services\[0\]\.replicas\.tensor_parallel: tensor_parallel 3 does not divide the model's 32 attention heads \(hidden_size 4096 \/ head_dim 128\)/);
  });

  it('refuses one that neither divides the key/value heads nor is divided by them', () => {
    // 8 KV heads: tp 16 copies each on 2 ranks (allowed); tp 6 splits neither way. 48 heads divide by 6 and 16.
    const model = 'layers: 32, hidden_size: 6144, kv_heads: 8, head_dim: 128';
    expect(problems(model, 'replicas: { count: 1, device: H100, datacentre: dc, tensor_parallel: 8 }')).toEqual([]);
    const p = problems(model, 'prefill: { count: 1, device: H100, datacentre: dc, tensor_parallel: 6 }\n    decode: { count: 1, device: H100, datacentre: dc, tensor_parallel: 2 }');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^8:services\[0\]\.prefill\.tensor_parallel: tensor_parallel 6 neither divides the model's 8 key\/value heads nor is a multiple of them/);
  });

  it('assumes heads of 128 where the width is given without head_dim, as a training layout does', () => {
    const p = problems('layers: 32, hidden_size: 4096', 'replicas: { count: 2, device: H100, datacentre: dc, tensor_parallel: 3 }');
    expect(p).toHaveLength(1);
    expect(p[0]).toContain("does not divide the model's 32 attention heads (hidden_size 4096 / 128, assumed: give head_dim");
  });

  it('accepts tensor_parallel 1, 2, 4 and 8 on Llama 3 8B, and any tp where only params size the model', () => {
    for (const tp of [1, 2, 4, 8]) expect(problems(LLAMA3_8B, `replicas: { count: 2, device: H100, datacentre: dc, tensor_parallel: ${tp} }`), String(tp)).toEqual([]);
    // params alone: the width is poolsim's guess, not the model's; nothing to hold the user to.
    expect(scenarioFromText(scenario('precision_bytes: 2', 'replicas: { count: 2, device: H100, datacentre: dc, tensor_parallel: 3 }')).services).toHaveLength(1);
  });
});
