// A fabric failure event names a switch or link the site's topology has, for every kind and odd
// sizes (one leaf, one pod, one group, a torus ring of two, a one-group dragonfly): a name the
// topology does not build (a spine above a lone leaf) is refused before running, at its field,
// with what the site has; one it builds is accepted.
import { describe, expect, it } from 'vitest';
import { topologyKinds } from '../src/model/network/fabrics/registry.js';
import { InputError } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

const scenario = (topology: string, nodes: number, event: string): string => `name: names
network: flow
datacentres:
  - { name: east, fabric: IB-NDR, topology: ${topology}, node_groups: [{ count: ${nodes}, device: H100 }] }
  - { name: west, fabric: IB-NDR, node_groups: [{ count: 2, device: H100 }] }
links:
  - { name: wan, between: [east, west], latency: 1ms, bandwidth: 100Gbps }
workloads:
  - jobs:
      - { name: a, devices: 8, params: 1B, tokens: 1M }
failures:
  fabric:
    events: [{ at: 1h, ${event}, repair: 1h }]
`;

/** The refusal of a scenario, or undefined when it loads. */
const refusal = (topology: string, nodes: number, event: string): string | undefined => {
  try {
    scenarioFromText(scenario(topology, nodes, event));
    return undefined;
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
};

const leafSpine = '{ kind: leaf-spine, nodes_per_leaf: 4 }';
const fatTree = '{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 2 }';
const rails = '{ kind: rail-optimized, nodes_per_group: 2 }';
const dragonfly = '{ kind: dragonfly, nodes_per_router: 1, routers_per_group: 2, local_bandwidth: 10GB/s, global_bandwidth: 10GB/s }';
const graph = '{ kind: graph, switches: [a, b, c], attach: [a, a, b], links: [{ between: [a, b], bandwidth: 10GB/s }, { between: [b, c], bandwidth: 10GB/s }] }';

// [kind, topology, nodes, event, refused?]: every kind, each with a component it lacks and one it has.
const cases: [string, string, number, string, boolean][] = [
  ['leaf-spine', leafSpine, 3, 'switch: "spine:east:0"', true],
  ['leaf-spine', leafSpine, 3, 'link: "leaf-up:east:0"', true],
  ['leaf-spine', leafSpine, 3, 'switch: "leaf:east:0"', false],
  ['leaf-spine', leafSpine, 5, 'switch: "spine:east:0"', false],
  ['leaf-spine', leafSpine, 5, 'link: "leaf-up:east:1"', false],
  ['fat-tree', fatTree, 2, 'switch: "agg:east:0:0"', true],
  ['fat-tree', fatTree, 2, 'switch: "core:east:0"', true],
  ['fat-tree', fatTree, 2, 'switch: "leaf:east:0"', false],
  ['fat-tree', fatTree, 3, 'switch: "core:east:0"', true],
  ['fat-tree', fatTree, 3, 'link: "pod-up:east:0"', true],
  ['fat-tree', fatTree, 3, 'switch: "agg:east:0:0"', false],
  ['fat-tree', fatTree, 3, 'link: "leaf-up:east:1"', false],
  ['fat-tree', fatTree, 5, 'switch: "core:east:0"', false],
  ['fat-tree', fatTree, 5, 'switch: "agg:east:1:0"', false],
  ['fat-tree', fatTree, 5, 'link: "pod-down:east:1"', false],
  ['rail-optimized', rails, 2, 'switch: "spine:east:0"', true],
  ['rail-optimized', rails, 2, 'link: "rail-up:east:0"', true],
  ['rail-optimized', rails, 2, 'switch: "rail-leaf:east:0:7"', false],
  ['rail-optimized', rails, 3, 'switch: "spine:east:0"', false],
  ['torus', '{ kind: torus, dims: [2, 1], link_bandwidth: 10GB/s }', 2, 'link: "torus:east:0->1"', false],
  ['torus', '{ kind: torus, dims: [3, 1], link_bandwidth: 10GB/s }', 3, 'link: "torus:east:2->0"', false],
  ['torus', '{ kind: torus, dims: [2, 2], link_bandwidth: 10GB/s, wraparound: false }', 4, 'link: "torus:east:0->3"', true],
  ['torus', '{ kind: torus, dims: [2, 2], link_bandwidth: 10GB/s, wraparound: false }', 4, 'link: "torus:east:1->3"', false],
  ['dragonfly', dragonfly, 2, 'link: "global:east:0->1"', true],
  ['dragonfly', dragonfly, 2, 'link: "local:east:0->1"', false],
  ['dragonfly', dragonfly, 3, 'link: "global:east:0->1"', false],
  ['dragonfly', dragonfly, 3, 'switch: "router:east:3"', true],
  ['graph', graph, 3, 'switch: "graph:east:d"', true],
  ['graph', graph, 3, 'link: "graph:east:a->c"', true],
  ['graph', graph, 3, 'switch: "graph:east:c"', false],
  ['graph', graph, 3, 'link: "graph:east:b->a"', false],
];

describe('fabric failure names', () => {
  it('cover every registered topology kind', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(topologyKinds().map((k) => k.kind)));
  });

  it.each(cases)('%s %s on %i nodes: %s refused = %s', (_, topology, nodes, event, refused) => {
    const m = refusal(topology, nodes, event);
    if (!refused) expect(m).toBeUndefined();
    else {
      expect(m).toContain('failures.fabric.events[0]');
      expect(m).toMatch(/unknown (switch|link) '[^']+'.*: site east is a /);
      expect(m).toContain('failable there: switches ');
    }
  });

  it('a spine above a lone leaf is refused with what the site has, at its line and field', () => {
    expect(refusal(leafSpine, 3, 'switch: "spine:east:0"')).toBe(
      "test.yaml:13:32: failures.fabric.events[0].switch: unknown switch 'spine:east:0': site east is a leaf-spine fabric of 3 nodes, which has no spine switch at all; failable there: switches leaf:east:0; links none",
    );
    expect(refusal(fatTree, 3, 'switch: "core:east:0"')).toContain('which has no core switch at all; failable there: switches leaf:east:0, leaf:east:1, agg:east:0:0; links leaf-up:east:0, leaf-down:east:0, leaf-up:east:1, leaf-down:east:1');
  });

  it('an event at or after the horizon is warned at its `at`: it never happens', () => {
    // An event at 100 h under a 1 h horizon failed nothing and said nothing.
    const text = (at: string): string => `horizon: 2h\n${scenario(leafSpine, 8, 'switch: "leaf:east:1"').replace('at: 1h', `at: ${at}`)}`;
    const warned = (at: string): string[] =>
      scenarioFromText(text(at))
        .warnings.filter((w) => w.path.startsWith('failures'))
        .map((w) => `${w.line}:${w.path}: ${w.message}`);
    expect(warned('100h')).toEqual(['14:failures.fabric.events[0].at: at 4.17d, not before the horizon (2h): this failure never happens in the run']);
    expect(warned('2h')).toHaveLength(1);
    expect(warned('1h')).toEqual([]);
  });
});

describe('failure processes with nothing to fail', () => {
  const one = (failures: string): string => `name: nothing-to-fail
horizon: 2h
datacentres:
  - { name: east, fabric: IB-NDR, topology: { kind: leaf-spine, nodes_per_leaf: 4 }, node_groups: [{ count: 2, device: H100 }] }
workloads:
  - jobs:
      - { name: a, devices: 16, params: 1B, tokens: 1B }
failures:
${failures}
`;
  const warned = (failures: string): string[] =>
    scenarioFromText(one(failures))
      .warnings.filter((w) => w.path.startsWith('failures'))
      .map((w) => `${w.line}:${w.path}: ${w.message}`);

  it('refuses failures.links on a pool with no links between data centres: it fails nothing', () => {
    // A resilience study with `failures.links` on one site (its switch links meant) ran unchanged, without a word.
    expect(() => scenarioFromText(one('  links: { mtbf: 1h, repair: 10min }'))).toThrow(
      'test.yaml:9:10: failures.links: the scenario has no links between data centres (`links:`), so there is nothing for link failures to fail: failures.links fails long-haul links only (switch and cable failures inside a data centre are failures.fabric); give the links, or leave `failures.links` out',
    );
  });

  it("warns failures.fabric's switches or links where no site's fabric has any", () => {
    // One leaf: no spine and no cables above it; its leaf can fail, its links cannot.
    expect(warned('  fabric: { links: { mtbf: 1h, repair: 10min }, switches: { mtbf: 1h } }')).toEqual([
      "9:failures.fabric.links: no data centre's fabric has a link between switches here (a site of one leaf has none), so this fails nothing",
    ]);
  });
});
