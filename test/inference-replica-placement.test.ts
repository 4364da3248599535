// A service's first replicas must be placeable, not only countable: each replica's devices share a
// node. 5 replicas of 3 devices on two 8-device nodes (16 >= 15 devices) and two services of a
// node's worth each on one node passed the device count, and the run stopped as an internal error
// ('no node with 3 free H100 devices for replica 5 of 5'). They are refused at the pool's path now.
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

const MODEL = '{ params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }';
const STREAM = '[{ arrival: { process: poisson, rate: 1/s }, prompt_tokens: 100, output_tokens: 10 }]';

function problems(nodes: number, services: string): string[] {
  const text = `name: p
seed: 1
horizon: 1min
datacentres:
  - name: dc
    node_groups:
      - { name: h100, count: ${nodes}, device: H100 }
services:
${services}`;
  try {
    scenarioFromText(text);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
}

const colocated = (name: string, count: number, tp: number): string =>
  `  - name: ${name}\n    model: ${MODEL}\n    replicas: { count: ${count}, tensor_parallel: ${tp}, device: H100, datacentre: dc }\n    streams: ${STREAM}\n`;

describe("a service's first replicas", () => {
  it('are refused when the devices suffice but the nodes cannot hold them', () => {
    expect(problems(2, colocated('a', 5, 3))).toEqual([
      "services[0].replicas: replica 5 of 5 does not fit: it needs 3 'H100' devices on one node in dc, and once the replicas before it are placed (services in order) no node has 3 free (2 nodes have 2): lower the count or tensor_parallel, or add nodes",
    ]);
    expect(problems(2, colocated('a', 4, 3))).toEqual([]);
  });

  it('are placed after the services listed before them, prefill pool before decode', () => {
    const disaggregated = `  - name: b\n    model: ${MODEL}\n    prefill: { count: 1, tensor_parallel: 4, device: H100, datacentre: dc }\n    decode: { count: 1, tensor_parallel: 4, device: H100, datacentre: dc }\n    streams: ${STREAM}\n`;
    expect(problems(1, colocated('a', 1, 8) + disaggregated)).toEqual([
      "services[1].prefill: prefill replica 1 of 1 does not fit: it needs 4 'H100' devices on one node in dc, and once the replicas before it are placed (services in order, prefill before decode) no node has 4 free (none has any): lower the count or tensor_parallel, or add nodes",
    ]);
    expect(problems(1, colocated('a', 1, 4) + disaggregated)[0]).toMatch(/^services\[1\]\.decode: decode replica 1 of 1 does not fit: .* no node has 4 free \(none has any\)/);
    expect(problems(2, colocated('a', 1, 8) + disaggregated)).toEqual([]);
  });
});
