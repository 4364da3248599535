// A service's first replicas must be placeable, not only countable: each replica's devices share a
// node. 5 replicas of 3 devices on two 8-device nodes (16 >= 15 devices) and two services of a
// node's worth each on one node passed the device count, and the run stopped as an internal error
// ('no node with 3 free H100 devices for replica 5 of 5'). They are refused at the pool's path now.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstUnplaced, type ReplicaPool } from '../src/model/inference/resolve-services.js';
import { InputError } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

const MODEL = '{ params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }';
/** 24 heads of 128 without grouped-query attention: a replica of 3 devices holds whole heads (test/serving-tp-heads.test.ts). */
const MODEL_24_HEADS = '{ params: 3B, layers: 28, hidden_size: 3072 }';
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

const colocated = (name: string, count: number, tp: number, model = MODEL): string =>
  `  - name: ${name}\n    model: ${model}\n    replicas: { count: ${count}, tensor_parallel: ${tp}, device: H100, datacentre: dc }\n    streams: ${STREAM}\n`;

describe("a service's first replicas", () => {
  it('are refused when the devices suffice but the nodes cannot hold them', () => {
    expect(problems(2, colocated('a', 5, 3, MODEL_24_HEADS))).toEqual([
      "services[0].replicas: replica 5 of 5 does not fit: it needs 3 'H100' devices on one node in dc, and once the replicas before it are placed (services in order) no node has 3 free (2 nodes have 2): lower the count or tensor_parallel, or add nodes",
    ]);
    expect(problems(2, colocated('a', 4, 3, MODEL_24_HEADS))).toEqual([]);
  });

  it('are placed after the services listed before them, prefill pool before decode', () => {
    const disaggregated = `  - name: b\n    model: ${MODEL}\n    prefill: { count: 1, tensor_parallel: 4, device: H100, datacentre: dc }\n    decode: { count: 1, tensor_parallel: 4, device: H100, datacentre: dc }\n    streams: ${STREAM}\n`;
    expect(problems(1, colocated('a', 1, 8) + disaggregated)).toEqual([
      "services[1].prefill: prefill replica 1 of 1 does not fit: it needs 4 'H100' devices on one node in dc, and once the replicas before it are placed (services in order, prefill before decode) no node has 4 free (none has any): lower the count or tensor_parallel, or add nodes",
    ]);
    expect(problems(1, colocated('a', 1, 4) + disaggregated)[0]).toMatch(/^services\[1\]\.decode: decode replica 1 of 1 does not fit: .* no node has 4 free \(none has any\)/);
    expect(problems(2, colocated('a', 1, 8) + disaggregated)).toEqual([]);
  });

  it('are placed by counts of free devices as node by node, replica by replica (best fit, site in turn)', () => {
    type Group = { kind: number; datacentre: number; devicesPerNode: number; nodeCount: number };
    // The placement by its definition: every node listed, each replica on its turn's site's
    // best-fitting node (fewest free that hold it, first such node), else on the first site that has one.
    const naive = (groups: readonly Group[], pools: readonly ReplicaPool[]): { pool: number; replica: number; left: Map<number, number> } | undefined => {
      const nodes = groups.flatMap((g) => Array.from({ length: g.nodeCount }, () => ({ kind: g.kind, dc: g.datacentre, free: g.devicesPerNode })));
      const take = (kind: number, dc: number, tp: number): boolean => {
        let best: (typeof nodes)[number] | undefined;
        for (const n of nodes) if (n.kind === kind && n.dc === dc && n.free >= tp && (!best || n.free < best.free)) best = n;
        if (best) best.free -= tp;
        return best !== undefined;
      };
      for (let pi = 0; pi < pools.length; pi++) {
        const p = pools[pi]!;
        for (let i = 0; i < p.count; i++) {
          const first = p.dcs[i % p.dcs.length]!;
          if (take(p.kind, first, p.tp) || p.dcs.some((dc) => dc !== first && take(p.kind, dc, p.tp))) continue;
          const left = new Map<number, number>();
          for (const n of nodes) if (n.kind === p.kind && p.dcs.includes(n.dc) && n.free > 0) left.set(n.free, (left.get(n.free) ?? 0) + 1);
          return { pool: pi, replica: i, left };
        }
      }
      return undefined;
    };
    const group = fc.record({ kind: fc.integer({ min: 0, max: 1 }), datacentre: fc.integer({ min: 0, max: 2 }), devicesPerNode: fc.integer({ min: 1, max: 8 }), nodeCount: fc.integer({ min: 1, max: 5 }) });
    const pool = fc.record({
      kind: fc.integer({ min: 0, max: 1 }),
      tp: fc.integer({ min: 1, max: 8 }),
      dcs: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }),
      count: fc.integer({ min: 0, max: 30 }),
    });
    fc.assert(
      fc.property(fc.array(group, { minLength: 1, maxLength: 4 }), fc.array(pool, { minLength: 1, maxLength: 4 }), (groups, pools) => {
        expect(firstUnplaced(groups, pools)).toEqual(naive(groups, pools));
      }),
      { numRuns: 2000, seed: 20261206 },
    );
  });

  it('places a pool of millions of nodes and replicas without listing them', () => {
    const groups = [{ kind: 0, datacentre: 0, devicesPerNode: 8, nodeCount: 4e9 }, { kind: 0, datacentre: 1, devicesPerNode: 8, nodeCount: 1 }];
    expect(firstUnplaced(groups, [{ kind: 0, tp: 3, dcs: [0, 1], count: 8e9 + 2 }])).toBeUndefined();
    // Site 1 holds two; its later turns fall back on site 0, which holds 8e9 in all.
    const miss = firstUnplaced(groups, [{ kind: 0, tp: 3, dcs: [0, 1], count: 8e9 + 3 }]);
    expect(miss).toEqual({ pool: 0, replica: 8e9 + 2, left: new Map([[2, 4e9 + 1]]) });
  });
});
