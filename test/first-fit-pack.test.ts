// packOnKind against first fit by its definition (a scan of the kind's nodes in index order): one
// node when one holds the gang, else wholly free nodes lowest first while a node's worth remains,
// and the remainder on the lowest other node with room. The index route takes its whole nodes in
// one walk and answers "no" at once when too few are wholly free on a kind of one node size.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FreeIndex } from '../src/model/free-index.js';
import { packOnKind } from '../src/policy/first-fit.js';
import type { ClusterView, Placement } from '../src/policy/types.js';

function bySpec(devices: number, sizes: readonly number[], free: readonly number[]): Placement | undefined {
  const total = free.reduce((a, b) => a + b, 0);
  if (total < devices) return undefined;
  const one = free.findIndex((f) => f >= devices);
  if (one !== -1) return { kind: 0, nodes: [one], counts: [devices] };
  const min = Math.min(...sizes);
  const nodes: number[] = [];
  const counts: number[] = [];
  let need = devices;
  for (let n = 0; n < free.length && need >= min; n++) {
    if (free[n] === sizes[n] && sizes[n]! <= need) {
      nodes.push(n);
      counts.push(sizes[n]!);
      need -= sizes[n]!;
    }
  }
  if (need === 0) return { kind: 0, nodes, counts };
  const rest = free.findIndex((f, n) => f >= need && !nodes.includes(n));
  if (rest === -1) return undefined;
  return { kind: 0, nodes: [...nodes, rest], counts: [...counts, need] };
}

function view(sizes: readonly number[], free: readonly number[]): ClusterView {
  return {
    kindFree: Int32Array.of(free.reduce((a, b) => a + b, 0)),
    freeIndex: [new FreeIndex(free)],
    nodesOfKind: [sizes.map((_, i) => i)],
    kindMinPerNode: Int32Array.of(Math.min(...sizes)),
    kindMaxPerNode: Int32Array.of(Math.max(...sizes)),
    kindWholeFreeNodes: Int32Array.of(free.filter((f, i) => f === sizes[i]).length),
    nodeDevices: Int32Array.from(sizes),
    nodeFree: Int32Array.from(free),
  } as unknown as ClusterView;
}

const plain = (p: Placement | undefined): Placement | undefined => p && { kind: p.kind, nodes: [...p.nodes], counts: [...p.counts] };

describe('packOnKind', () => {
  for (const uniform of [true, false]) {
    it(`places as first fit by its definition, ${uniform ? 'nodes of one size' : 'nodes of mixed sizes'} (property)`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.constantFrom(2, 4, 8), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 90 }),
          fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 8 }),
          (nodes, asks) => {
            const sizes = nodes.map(([s]) => (uniform ? 8 : s));
            // Many nodes wholly free, some partly, some full.
            const free = nodes.map(([, u], i) => (u < 0.4 ? sizes[i]! : u < 0.7 ? 0 : Math.min(sizes[i]!, Math.floor(((u - 0.7) * (sizes[i]! + 1)) / 0.3))));
            const c = view(sizes, free);
            for (const devices of asks) expect(plain(packOnKind(devices, 0, c))).toEqual(bySpec(devices, sizes, free));
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});
