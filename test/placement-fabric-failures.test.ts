// Topology-aware placement asks the topology what still reaches what (Topology.parts, set on the
// cluster at each failure and repair): a multi-node gang is not placed across a cut in the fabric
// when some part of the pool that reaches itself holds it; when none does, it is placed as before.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';

const pool = (failures: string, devices = 16, topology = '{ kind: leaf-spine, nodes_per_leaf: 2, ecmp: { mode: hash, paths: 2 } }'): string => `name: cut
network: flow
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: ${topology}
    node_groups: [{ count: 8, device: H100 }]
workloads:
  - jobs:
      - { name: x, devices: ${devices}, params: 7B, tokens: 1B, submit: 2h, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: ${devices / 8} } }
placement: topology-aware
horizon: 30h
${failures}`;

/** The nodes job x runs on just after it starts, and the cluster's parts then. */
function placed(text: string): { nodes: number[]; parts: number[] | undefined } {
  const sim = new Simulation(scenarioFromText(text), {});
  let out: { nodes: number[]; parts: number[] | undefined } = { nodes: [], parts: undefined };
  sim.engine.daemonAt(2 * 3600 + 1, () => {
    const nodes = new Set<number>();
    for (const f of sim.network!.jobFlows()) nodes.add(f.from).add(f.to);
    out = { nodes: [...nodes].sort((a, b) => a - b), parts: sim.cluster.fabricPart ? [...sim.cluster.fabricPart] : undefined };
  });
  sim.run();
  return out;
}

describe('placement around fabric failures', () => {
  it('a gang is not placed on the nodes a failed leaf cut off, where it went without the failure', () => {
    expect(placed(pool('')).nodes).toEqual([0, 1]);
    const cut = placed(pool('failures: { fabric: { events: [{ at: 1h, switch: "leaf:dc:0", repair: 10h }] } }'));
    // Nodes 0 and 1 reach nothing: parts of their own.
    expect(cut.parts).toEqual([0, 1, 2, 2, 2, 2, 2, 2]);
    expect(cut.nodes).toEqual([2, 3]);
  });

  it('with the spines down every leaf is its own part: a gang of one leaf goes in one, a larger one is placed as before', () => {
    const spines = 'failures: { fabric: { events: [{ at: 1h, switch: "spine:dc:0", repair: 10h }, { at: 1h, switch: "spine:dc:1", repair: 10h }] } }';
    const two = placed(pool(spines));
    expect(two.parts).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(two.nodes).toEqual([0, 1]);
    // Four nodes: no leaf holds them, so no part does; the placement is the failure-free one.
    expect(placed(pool(spines, 32)).nodes).toEqual(placed(pool('', 32)).nodes);
  });

  it('after the repair the pool is one again', () => {
    const sim = new Simulation(scenarioFromText(pool('failures: { fabric: { events: [{ at: 1h, switch: "leaf:dc:0", repair: 30m }] } }')), {});
    let during: unknown;
    let after: unknown = 'unset';
    sim.engine.daemonAt(3600 + 60, () => (during = sim.cluster.fabricPart && [...sim.cluster.fabricPart]));
    sim.engine.daemonAt(2 * 3600, () => (after = sim.cluster.fabricPart));
    sim.run();
    expect(during).toEqual([0, 1, 2, 2, 2, 2, 2, 2]);
    expect(after).toBeUndefined();
  });
});
