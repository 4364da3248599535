// Cluster.releaseWholeOn frees a placement's devices node by node from its counts: the same free
// state, version and node notifications as releaseWhole's lookup of each device's node.
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { scenarioFromText } from './helpers.js';

function pool(): Cluster {
  const resolved = scenarioFromText(`name: t
datacentres:
  - name: dc
    node_groups:
      - { name: a, count: 3, device: H100, devices_per_node: 8 }
      - { name: b, count: 2, device: H100, devices_per_node: 4 }
workloads:
  - jobs: [{ name: j, devices: 1, duration: 1h, reference_device: H100 }]
`);
  return new Cluster(resolved.shape);
}

function state(c: Cluster): unknown {
  return {
    nodeFree: [...c.nodeFree],
    kindFree: [...c.kindFree],
    whole: [...c.kindWholeFreeNodes],
    milli: [...c.deviceFreeMilli],
    leftmost: [1, 2, 4, 5, 8].map((k) => c.freeIndex[0]!.leftmost(k)),
    version: c.version,
  };
}

describe('releaseWholeOn', () => {
  it('leaves the pool as releaseWhole does, telling the same nodes in the same order', () => {
    const nodes = [3, 0, 4];
    const counts = [2, 8, 3];
    const [byDevice, byCounts] = [pool(), pool()];
    const told: number[][] = [[], []];
    const held: number[][] = [[], []];
    [byDevice, byCounts].forEach((c, k) => {
      c.allocateWhole(1, 5, []);
      for (let i = 0; i < nodes.length; i++) c.allocateWhole(nodes[i]!, counts[i]!, held[k]!);
      c.onNodeChange = (n) => told[k]!.push(n);
    });
    byDevice.releaseWhole(held[0]!);
    byCounts.releaseWholeOn(nodes, counts, held[1]!);
    expect(told[1]).toEqual([3, 0, 4]);
    expect(told[1]).toEqual(told[0]);
    expect(state(byCounts)).toEqual(state(byDevice));
  });

  it('falls back to the per-device route when the counts do not add up to the devices', () => {
    const [byDevice, byCounts] = [pool(), pool()];
    const held: number[][] = [[], []];
    byDevice.allocateWhole(0, 3, held[0]!);
    byCounts.allocateWhole(0, 3, held[1]!);
    byDevice.releaseWhole(held[0]!);
    byCounts.releaseWholeOn([0], [2], held[1]!);
    expect(state(byCounts)).toEqual(state(byDevice));
  });
});
