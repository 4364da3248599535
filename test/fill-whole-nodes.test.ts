// fillWholeNodesInOrder chooses its nodes in scratch lists reused by every call and reads only the
// first `count` candidates: checked against the plain version (push as it goes), over random pools,
// candidate orders with trailing entries past `count`, and calls one after another.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fillWholeNodesInOrder } from '../src/policy/node-choice.js';
import type { ClusterView, Placement } from '../src/policy/types.js';

/** The version before the scratch lists: the same rule, written plainly. */
function plain(kind: number, need: number, nodes: readonly number[], cluster: ClusterView): Placement | undefined {
  const free = cluster.nodeFree;
  const size = cluster.nodeDevices;
  const out: number[] = [];
  const counts: number[] = [];
  let left = need;
  for (const n of nodes) {
    if (left < cluster.kindMinPerNode[kind]!) break;
    if (free[n] === size[n] && size[n]! <= left) {
      out.push(n);
      counts.push(size[n]!);
      left -= size[n]!;
    }
  }
  if (left > 0) {
    let best = -1;
    for (const n of nodes) {
      if (out.includes(n)) continue;
      if (free[n]! >= left && (best === -1 || free[n]! < free[best]!)) best = n;
    }
    if (best === -1) return undefined;
    out.push(best);
    counts.push(left);
  }
  return { kind, nodes: out, counts };
}

const pool = fc.array(fc.record({ size: fc.constantFrom(4, 8), used: fc.nat(8) }), { minLength: 1, maxLength: 40 });

describe('fillWholeNodesInOrder', () => {
  it('answers as the plain version, reading only the first count candidates', () => {
    fc.assert(
      fc.property(pool, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 200 })), { minLength: 1, maxLength: 6 }), (nodes, asks) => {
        const nodeDevices = Int32Array.from(nodes, (n) => n.size);
        const nodeFree = Int32Array.from(nodes, (n) => Math.max(0, n.size - n.used));
        const cluster = { nodeFree, nodeDevices, kindMinPerNode: Int32Array.of(Math.min(...nodeDevices)) } as unknown as ClusterView;
        const ids = nodes.map((_, i) => i);
        for (const [seed, cut, need] of asks) {
          // A candidate order (a rotation, every other one reversed) and a count within it.
          const order = ids.slice(seed % ids.length).concat(ids.slice(0, seed % ids.length));
          if (seed % 2 === 1) order.reverse();
          const count = cut % (order.length + 1);
          const got = fillWholeNodesInOrder(0, need, order, cluster, count);
          expect(got).toEqual(plain(0, need, order.slice(0, count), cluster));
          if (got) expect(got.nodes.reduce((a, n, i) => a + (got.counts[i]! <= nodeFree[n]! ? got.counts[i]! : Number.NaN), 0)).toBe(need);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('takes whole nodes in order and the remainder on a node that holds it', () => {
    // Two whole 8-device nodes and a node with 4 free: 20 devices take both and the remainder on it.
    const cluster = { nodeFree: Int32Array.of(8, 4, 8), nodeDevices: Int32Array.of(8, 8, 8), kindMinPerNode: Int32Array.of(8) } as unknown as ClusterView;
    expect(fillWholeNodesInOrder(0, 20, [0, 1, 2], cluster)).toEqual({ kind: 0, nodes: [0, 2, 1], counts: [8, 8, 4] });
    expect(fillWholeNodesInOrder(0, 20, [0, 1, 2], cluster, 2)).toBeUndefined();
  });
});
