// A fabric's bill (switches, transceivers, cables; the unbuildable check `validate` warns with) over
// a site of many nodes: the dragonfly's and graph's took the site's NIC count as
// Math.max(...rails), whose spread of one argument per node overflows the stack past about 120,000
// nodes, so `validate` of a 150,000-node dragonfly (about 600 MiB, well within the memory a run
// may use) ended in "internal error: Maximum call stack size exceeded".
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { fabricKind } from '../src/model/network/fabrics/registry.js';
import type { TopologySpec } from '../src/model/network/fabrics/registry.js';

describe('the bill of a site of 150,000 nodes', () => {
  it('of a dragonfly is made while loading, with no stack overflow', () => {
    const text = `name: df
network: flow
horizon: 1h
datacentres:
  - name: east
    topology: { kind: dragonfly, nodes_per_router: 16, routers_per_group: 32, local_bandwidth: 100GB/s, global_bandwidth: 50GB/s }
    node_groups:
      - { count: 150000, device: H100 }
workloads:
  - jobs: [{ name: j, devices: 16, duration: 1s, reference_device: H100 }]
`;
    const r = loadScenario(text, 'df.yaml');
    expect(r.size.nodes).toBe(150_000);
  });

  it('of a graph counts every node and NIC', () => {
    const nodes = 150_000;
    const spec = { kind: 'graph', switches: ['s0', 's1'], attach: Array.from({ length: nodes }, (_, i) => `s${i % 2}`), links: [{ between: ['s0', 's1'], bandwidth: 50e9 }] } as unknown as TopologySpec;
    const bill = fabricKind(spec).bill(spec, { rails: new Array<number>(nodes).fill(8), nicPorts: new Array<number>(nodes).fill(8), switchPorts: 64, portBytesPerS: 50e9 });
    // 8 cables a node and one for the link; each of 75,000 x 8 + 1 ports per switch on 64-port switches.
    expect(bill.cables).toBe(8 * nodes + 1);
    expect(bill.switches).toBe(2 * Math.ceil((8 * (nodes / 2) + 1) / 64));
  });
});
