// A service whose model gives params alone takes the shape of the well-known family of that size:
// its layers and width, and, where the family's published models use grouped-query attention
// (Llama 2 70B, Llama 3 70B, Llama 3.1 405B: 8 key/value heads of 128), its key/value heads too.
// 'params: 70B' sized the KV cache as multi-head attention over 8,192 (2,621,440 bytes a token,
// 8x Llama's 327,680): an eighth of the tokens a replica holds, and decode steps reading 8x the KV.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { runToCsv } from './helpers.js';

function scenario(model: string, tp: number): string {
  return `name: fam
horizon: 2min
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
services:
  - name: s
    model: ${model}
    replicas: { count: 1, tensor_parallel: ${tp}, device: H100, datacentre: dc }
    streams:
      - arrival: { process: poisson, rate: 4/s }
        prompt_tokens: 2000
        output_tokens: 200
`;
}

const service = (model: string, tp: number) => loadScenario(scenario(model, tp), 'fam.yaml').services[0]!;

describe("a service given params alone takes its family's key/value heads", () => {
  it('70B: Llama 2/3 70B, 80 layers x 8 key/value heads of 128, 327,680 bytes a token, as the shape written out', () => {
    const alone = service('{ params: 70B }', 4);
    const written = service('{ params: 70B, layers: 80, hidden_size: 8192, kv_heads: 8, head_dim: 128 }', 4);
    expect(alone.model.kvBytesPerToken).toBe(2 * 80 * 8 * 128 * 2);
    expect(alone.timing.kvCapacityTokens).toBe(written.timing.kvCapacityTokens);
    // The same replica, so the same run, byte for byte.
    const run = (model: string) => JSON.stringify(runToCsv(loadScenario(scenario(model, 4), 'fam.yaml')).services);
    expect(run('{ params: 70B }')).toBe(run('{ params: 70B, layers: 80, hidden_size: 8192, kv_heads: 8, head_dim: 128 }'));
  });

  it('405B: Llama 3.1 405B, 126 layers x 8 key/value heads of 128 (in FP8, as Meta serves it on one node)', () => {
    expect(service('{ params: 405B, precision_bytes: 1 }', 8).model.kvBytesPerToken).toBe(2 * 126 * 8 * 128 * 1);
  });

  it('families published with multi-head attention keep it: GPT-3 175B, Llama 2 13B', () => {
    expect(service('{ params: 175B }', 8).model.kvBytesPerToken).toBe(2 * 96 * 12288 * 2);
    expect(service('{ params: 13B }', 1).model.kvBytesPerToken).toBe(2 * 40 * 5120 * 2);
  });

  it('a shape the service writes is its own: layers and width without kv_heads stay multi-head', () => {
    expect(service('{ params: 70B, layers: 80, hidden_size: 8192 }', 4).model.kvBytesPerToken).toBe(2 * 80 * 8192 * 2);
    expect(service('{ params: 70B, kv_bytes_per_token: 1000 }', 4).model.kvBytesPerToken).toBe(1000);
  });
});

// Between the families the shape is interpolated and multi-head: 'params: 8B' became 34 layers x
// 4,352, 591,872 bytes a token, 4.5x a Llama 3 8B's 131,072 (32 x 8 key/value heads of 128). At 6
// requests a second of 3,000-token prompts on one H100 its e2e p50 read 7.5 min against 9.4 s for the
// shape written out. The KV cache is then a guess that moves latency by orders of magnitude: said.
describe('a service whose KV cache comes from a shape guessed from params alone', () => {
  const kvWarnings = (model: string, tp = 1) => loadScenario(scenario(model, tp), 'fam.yaml').warnings.filter((w) => w.message.includes('KV cache'));
  it('is warned at its params, with the shape assumed, its bytes a token and what to write', () => {
    const w = kvWarnings('{ params: 8B }');
    expect(w).toHaveLength(1);
    expect(w[0]!.path).toBe('services[0].model.params');
    expect(w[0]!.message).toContain('34 layers x 4,352');
    expect(w[0]!.message).toContain('591,872 bytes a token');
    expect(w[0]!.message).toContain('kv_heads');
    expect(w[0]!.message).toContain('kv_bytes_per_token');
  });
  it('is not, for a family published with its key/value heads, a shape written out, or kv_bytes_per_token', () => {
    expect(kvWarnings('{ params: 70B }', 4)).toEqual([]);
    expect(kvWarnings('{ params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }')).toEqual([]);
    expect(kvWarnings('{ params: 8B, kv_bytes_per_token: 131072 }')).toEqual([]);
  });
});
