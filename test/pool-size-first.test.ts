// The pool's own size (devices, nodes, the flow network's links and switches) is estimated from its
// groups' counts before anything walks it node by node. Before, a 2,000,000-node fat-tree with
// hashed ECMP and fabric failures spent 11 s of CPU on its ports, bill and failure names and then
// ended in "Maximum call stack size exceeded", where its size alone (4.8 GiB against 4 GiB) refuses
// it; a 2,000,000-node rail-optimized site took 1.4 s of CPU to be refused. And how long the flow
// network takes to build is estimated (15 us of CPU a link or switch, measured): a pool whose build
// takes half a minute of CPU or more is warned about, and a refusal says the build time too.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { BUILD_S_PER_ELEMENT } from '../src/model/size-estimate.js';
import { InputError } from '../src/scenario/errors.js';
import { simulate } from '../src/sim/simulation.js';

const site = (nodes: number, topology: string, extra = ''): string => `name: pool-first
network: flow
horizon: 1h
${extra}datacentres:
  - name: east
    topology: ${topology}
    node_groups:
      - { count: ${nodes}, device: H100 }
workloads:
  - jobs: [{ name: j, devices: 16, duration: 1s, reference_device: H100 }]
`;

const problem = (text: string, maxMemoryBytes?: number): string => {
  try {
    loadScenario(text, 'big.yaml', maxMemoryBytes === undefined ? {} : { maxMemoryBytes });
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  return '';
};

const cpuMs = (act: () => void): number => {
  const c0 = process.cpuUsage();
  act();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

const leafSpine = '{ kind: leaf-spine, nodes_per_leaf: 16 }';
const MiB = 2 ** 20;

describe('a pool too large for the memory a run may use', () => {
  it('is refused from its counts, before any per-node check, in milliseconds', () => {
    const text = site(2_000_000, '{ kind: fat-tree, nodes_per_leaf: 32, leaves_per_pod: 32, ecmp: { mode: hash, paths: 4 } }', 'failures: { fabric: { switches: { mtbf: 1000h } } }\n');
    problem(site(10, leafSpine)); // modules warm
    let message = '';
    const ms = cpuMs(() => void (message = problem(text, 4 * 2 ** 30)));
    expect(message).toMatch(/^big\.yaml:9:\d+: datacentres\[0\]\.node_groups\[0\]\.count: this run needs about \d\.\d\d GiB of memory .*more than the 4\.00 GiB it may use/);
    expect(message).toContain("the fat-tree fabric of data centre 'east' (2,000,000 nodes: 4,");
    expect(message).toContain('Change: fewer nodes, or network: ideal');
    // 4.58M links and switches at 15 us: about a minute of CPU to build, said with the refusal.
    expect(message).toMatch(/; building its flow network would also take about 69 s of CPU before the first event\. Change: /);
    expect(ms).toBeLessThan(300);
  });

  it('one just under the limit loads with its per-node checks and runs; one just over is refused', () => {
    const limit = 200 * MiB;
    const under = loadScenario(site(50_000, leafSpine), 'ok.yaml', { maxMemoryBytes: limit });
    expect(under.size.memoryBytes).toBeGreaterThan(180 * MiB);
    expect(under.size.memoryBytes).toBeLessThan(limit);
    expect(simulate(under).summary.jobs_completed).toBe(1);
    let message = '';
    const ms = cpuMs(() => void (message = problem(site(60_000, leafSpine), limit)));
    expect(message).toMatch(/this run needs about 2\d\d MiB of memory .*more than the 200 MiB it may use \(set by --max-memory\)/);
    expect(message).not.toContain('flow network would also take');
    expect(ms).toBeLessThan(300);
  });
});

describe('the flow network build time', () => {
  it('is warned about where it takes half a minute of CPU or more, at the site, with its links', () => {
    // A 1,000,000-node 3D torus: 2 NIC links and 6 neighbour links a node, 8,000,000 links.
    const r = loadScenario(site(1_000_000, '{ kind: torus, dims: [100, 100, 100], link_bandwidth: 100GB/s }'), 'torus.yaml', { maxMemoryBytes: 64 * 2 ** 30 });
    expect(r.size.build.seconds).toBeCloseTo(8_000_000 * BUILD_S_PER_ELEMENT, 6);
    const slow = r.warnings.map((w) => `${w.path}: ${w.message}`).filter((m) => m.includes('building the flow network'));
    expect(slow).toEqual([
      "datacentres[0].topology: building the flow network takes about 2 minutes of CPU before the first event (the torus fabric of data centre 'east' (8,000,000 links, 0 switches): about 15 us a link or switch, measured; longer on a busy machine); network: ideal skips it, or give fewer nodes",
    ]);
  });

  it('is not warned about for a pool that builds in seconds, nor counted without a flow network', () => {
    const r = loadScenario(site(50_000, leafSpine), 'ok.yaml');
    expect(r.size.build.seconds).toBeGreaterThan(1);
    expect(r.warnings.some((w) => w.message.includes('building the flow network'))).toBe(false);
    const ideal = loadScenario(site(50_000, leafSpine).replace('network: flow', 'network: ideal'), 'ideal.yaml');
    expect(ideal.size.build.seconds).toBe(0);
  });
});
