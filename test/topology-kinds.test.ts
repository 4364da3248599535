// Topology kinds (src/model/network/fabrics/): a data centre's `topology:` block chooses its switch
// fabric. The leaf-spine block is today's fabric under a new name (the same bytes as the data
// centre's own nodes_per_leaf / oversubscription), and every kind's routes are checked by hand.
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { FlowNetwork } from '../src/model/network/flow-network.js';
import { Topology } from '../src/model/network/topology.js';
import { InputError } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText } from './helpers.js';
import type { LinkRow } from '../src/sim/signals.js';

const pool = (site: string, jobs = '      - { name: a, devices: 32, params: 13B, tokens: 1B, layout: { tp: 8, pp: 1, dp: 4 } }'): string => `name: kinds
network: flow
datacentres:
  - name: dc
    fabric: IB-NDR
${site}
    node_groups: [{ count: 8, device: H100 }]
workloads:
  - jobs:
${jobs}
`;

/** Every output byte a run gives: jobs.csv, summary.csv and links.csv. */
function outputs(text: string): string {
  const links: LinkRow[] = [];
  const r = runToCsv(scenarioFromText(text), { linkSink: (l) => links.push(l) });
  return r.jobsCsv + r.summaryCsv + JSON.stringify(links);
}

function refusal(text: string): string {
  try {
    scenarioFromText(text);
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('expected the scenario to be refused');
}

describe('leaf-spine', () => {
  it('a topology block gives the same bytes as the data centre fields it replaces', () => {
    const old = outputs(pool('    nodes_per_leaf: 2\n    oversubscription: 3'));
    expect(outputs(pool('    topology: { kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 3 }'))).toBe(old);
    // And differs from another fabric, so the comparison can fail.
    expect(outputs(pool('    topology: { kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 1 }'))).not.toBe(old);
  });

  it('defaults: no block and an empty leaf-spine block are 16 nodes per leaf, non-blocking', () => {
    const none = outputs(pool(''));
    expect(outputs(pool('    topology: { kind: leaf-spine }'))).toBe(none);
    expect(outputs(pool('    nodes_per_leaf: 16\n    oversubscription: 1'))).toBe(none);
  });

  it('refuses the leaf fields both beside and inside a topology block, at the field', () => {
    const msg = refusal(pool('    nodes_per_leaf: 4\n    topology: { kind: leaf-spine, nodes_per_leaf: 2 }'));
    expect(msg).toMatch(/test\.yaml:\d+/);
    expect(msg).toMatch(/datacentres\[0\]\.nodes_per_leaf/);
    expect(msg).toMatch(/given both here and in this data centre's topology block/);
  });

  it('refuses an unknown kind and impossible figures with file, line and field', () => {
    expect(refusal(pool('    topology: { kind: leaf-spline }'))).toMatch(/datacentres\[0\]\.topology\.kind/);
    const zero = refusal(pool('    topology: { kind: leaf-spine, nodes_per_leaf: 0 }'));
    expect(zero).toMatch(/test\.yaml:6/);
    expect(zero).toMatch(/datacentres\[0\]\.topology\.nodes_per_leaf/);
    expect(refusal(pool('    topology: { kind: leaf-spine, oversubscription: .inf }'))).toMatch(/datacentres\[0\]\.topology\.oversubscription: expected a number, got Infinity/);
  });

  it('routes: same leaf one hop, across leaves three, through the leaf links', () => {
    const resolved = scenarioFromText(pool('    topology: { kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 2 }'));
    const topo = new Topology(new Cluster(resolved.shape), new FlowNetwork(), resolved.interDc);
    const names = (a: number, b: number): string[] => topo.route(a, b).links.map((l) => topo.linkNames[l]!);
    const hopS = topo.nodeFabric[0]!.hop_latency;
    const endS = topo.nodeFabric[0]!.endpoint_latency;
    expect(names(0, 3)).toEqual(['nic-up:dc-H100-0:0', 'nic-down:dc-H100-0:3']);
    expect(topo.route(0, 3).latencyS).toBeCloseTo(endS + hopS, 15);
    expect(names(1, 6)).toEqual(['nic-up:dc-H100-0:1', 'leaf-up:dc:0', 'leaf-down:dc:1', 'nic-down:dc-H100-0:6']);
    expect(topo.route(1, 6).latencyS).toBeCloseTo(endS + 3 * hopS, 15);
    // Leaf uplinks carry the leaf's NIC total / oversubscription.
    const leafUp = topo.linkNames.indexOf('leaf-up:dc:0');
    expect(topo.linkCapacityBytesPerS[leafUp]).toBeCloseTo((4 * topo.nodeNicBytesPerS[0]!) / 2, 6);
  });
});
