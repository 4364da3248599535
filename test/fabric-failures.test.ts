// Switch and link failures inside a data centre's fabric (failures.fabric): routes move to what
// survives (other spines and planes, detours), flows with no surviving path are reported, capacity
// is never exceeded, and a repair gives the nominal fabric back, for every topology kind; in a run,
// the flows that crossed a failure are rerouted or their jobs fail, and turning it off changes nothing.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { FlowNetwork } from '../src/model/network/flow-network.js';
import { maxMinReference } from '../src/model/network/max-min-reference.js';
import { Topology } from '../src/model/network/topology.js';
import { topologyKinds } from '../src/model/network/fabrics/registry.js';
import { InputError } from '../src/scenario/errors.js';
import { Simulation } from '../src/sim/simulation.js';
import type { LinkRow } from '../src/sim/signals.js';
import { repoPath, runToCsv, scenarioFromText } from './helpers.js';

const site = (block: string, nodes: number, extra = ''): string => `name: fabric-failures
datacentres:
  - { name: here, fabric: IB-NDR, topology: ${block}, node_groups: [{ count: ${nodes}, device: H100 }] }
  - { name: there, fabric: IB-NDR, node_groups: [{ count: 2, device: H100 }] }
links:
  - { name: wan, between: [here, there], latency: 1ms, bandwidth: 100Gbps }
workloads:
  - jobs:
      - { name: a, devices: 16, params: 1B, tokens: 20B, layout: { tp: 8, pp: 1, dp: 2 } }
      - { name: b, devices: 24, params: 1B, tokens: 20B, layout: { tp: 8, pp: 1, dp: 3 } }
      - { name: c, devices: 16, params: 1B, tokens: 20B, layout: { tp: 8, pp: 2, dp: 1 }, submit: 30m }
      - { name: d, devices: 32, params: 1B, tokens: 40B, layout: { tp: 8, pp: 1, dp: 4 }, submit: 1h }
${extra}`;

/** Head and tail of a link whose name carries them (torus positions, graph switches, dragonfly routers). */
const ends = (name: string): [string, string, string] | undefined => {
  const m = /^(torus|graph|local):[^:]+:(.+)->(.+)$/.exec(name);
  return m ? [m[1]!, m[2]!, m[3]!] : undefined;
};

describe.each(topologyKinds().map((k) => [k.kind, k] as const))('failures on %s', (_, kind) => {
  const resolved = scenarioFromText(site(kind.example.block, kind.example.nodes));
  const n = kind.example.nodes + 2;

  it('reroute every flow on a failed link over surviving links, or find none; rates stay max-min within capacity; repairs restore the fabric', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(1000), fc.boolean()), { minLength: 1, maxLength: 10 }),
        (pairs, ops) => {
          const network = new FlowNetwork();
          const topo = new Topology(new Cluster(resolved.shape), network, resolved.interDc);
          const nominal = new Topology(new Cluster(resolved.shape), new FlowNetwork(), resolved.interDc);
          const elements = topo.fabricElements;
          expect(elements.length).toBeGreaterThan(0);
          const flows = pairs.filter(([a, b]) => a !== b).map(([a, b]) => ({ a, b, links: topo.route(a, b).links, id: -1, failed: false }));
          for (const f of flows) f.id = network.addFlow(f.links, Infinity, 0);
          const valid = (a: number, b: number, links: readonly number[]): void => {
            expect(links[0]).toBe(topo.nicUp[a]);
            expect(links[links.length - 1]).toBe(topo.nicDown[b]);
            expect(new Set(links).size).toBe(links.length);
            for (const l of links) expect(network.linkCapacity(l), topo.linkNames[l]).toBeGreaterThan(0);
            for (let i = 1; i < links.length; i++) {
              const x = ends(topo.linkNames[links[i - 1]!]!);
              const y = ends(topo.linkNames[links[i]!]!);
              if (x && y && x[0] === y[0]) expect(x[2], `${topo.linkNames[links[i - 1]!]} then ${topo.linkNames[links[i]!]}`).toBe(y[1]);
            }
          };
          for (const [pick, down] of ops) {
            const e = pick % elements.length;
            if (!down && !topo.elementDown(e)) continue;
            const dead = new Set<number>();
            for (const { link, capacityBytesPerS } of topo.setElementDown(e, down)) {
              network.setLinkCapacity(link, capacityBytesPerS, 0);
              if (capacityBytesPerS === 0) dead.add(link);
            }
            // Every flow that crossed a link left with nothing moves to a surviving path, or has none.
            for (const f of flows) {
              if (f.failed || !f.links.some((l) => dead.has(l))) continue;
              network.removeFlow(f.id, 0);
              const r = topo.survivingRoute(f.a, f.b);
              if (!r) {
                f.failed = true;
                continue;
              }
              f.links = r.links;
              f.id = network.addFlow(f.links, Infinity, 0);
            }
            const live = flows.filter((f) => !f.failed);
            for (const f of live) valid(f.a, f.b, f.links);
            // Capacity is never exceeded, and the shares are the max-min ones on what is left.
            const caps = topo.linkCapacityBytesPerS.map((_, l) => network.linkCapacity(l));
            const expected = maxMinReference(caps, live.map((f) => ({ route: f.links })));
            const load = new Array<number>(caps.length).fill(0);
            live.forEach((f, i) => {
              expect(network.rate(f.id) / expected[i]!).toBeCloseTo(1, 9);
              for (const l of f.links) load[l]! += network.rate(f.id);
            });
            load.forEach((v, l) => expect(v).toBeLessThanOrEqual(caps[l]! * (1 + 1e-9)));
          }
          // Repaired, the fabric is the nominal one again: capacities and routes.
          elements.forEach((_, e) => {
            while (topo.elementDown(e)) for (const { link, capacityBytesPerS } of topo.setElementDown(e, false)) network.setLinkCapacity(link, capacityBytesPerS, 0);
          });
          topo.linkCapacityBytesPerS.forEach((c, l) => expect(network.linkCapacity(l)).toBe(c));
          for (const f of flows) expect(topo.route(f.a, f.b)).toEqual(nominal.route(f.a, f.b));
        },
      ),
      { numRuns: 60, seed: 17 },
    );
  });

  it('in a run, jobs whose flows crossed a failure are moved or failed, and never exceed a link', () => {
    const names = (() => {
      const topo = new Topology(new Cluster(resolved.shape), new FlowNetwork(), resolved.interDc);
      return topo.fabricElements.map((e) => ({ kind: e.kind, name: e.names[0]! }));
    })();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(names.length - 1), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 10, max: 240 })), { minLength: 1, maxLength: 6 }), (events) => {
        const list = events.map(([e, at, repair]) => `{ at: ${at}m, ${names[e]!.kind}: "${names[e]!.name}", repair: ${repair}m }`).join(', ');
        const sim = new Simulation(scenarioFromText(site(kind.example.block, kind.example.nodes, `horizon: 12h\nfailures: { fabric: { events: [${list}] } }\n`)), {});
        const net = sim.network!;
        let checks = 0;
        for (const [, at] of events) {
          sim.engine.daemonAt(at * 60 + 1e-6, () => {
            checks++;
            const load = new Map<number, number>();
            for (const f of net.jobFlows()) {
              // A flow on a dead link is one with no surviving path (its job placed there since).
              if (f.links.some((l) => net.network.linkCapacity(l) === 0)) expect(net.topology.survivingRoute(f.from, f.to), `${f.job.name} ${f.from}->${f.to}`).toBeUndefined();
              for (const l of f.links) load.set(l, (load.get(l) ?? 0) + net.network.rate(f.flow));
            }
            for (const [l, v] of load) expect(v).toBeLessThanOrEqual(net.network.linkCapacity(l) * (1 + 1e-9));
          });
        }
        sim.run();
        expect(checks).toBe(events.length);
      }),
      { numRuns: 6, seed: 17 },
    );
  });
});

const spines = (extra: string, topology = '{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 4, ecmp: { mode: hash, paths: 4 } }'): string => `name: spines
network: flow
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: ${topology}
    node_groups: [{ count: 8, device: H100 }]
workloads:
  - jobs:
      - { name: a, devices: 32, params: 13B, tokens: 2B, model: { global_batch: 128K, recompute: selective }, layout: { tp: 8, pp: 1, dp: 4 } }
      - { name: b, devices: 32, params: 13B, tokens: 2B, model: { global_batch: 128K, recompute: selective }, layout: { tp: 8, pp: 1, dp: 4 } }
${extra}`;

function run(text: string): { jobs: Record<string, { failures: number; finish: number }>; links: Map<string, number>; bytes: string } {
  const links: LinkRow[] = [];
  const r = runToCsv(scenarioFromText(text), { linkSink: (l) => links.push(l) });
  const jobs: Record<string, { failures: number; finish: number }> = {};
  for (const j of r.jobs) jobs[j.job_id] = { failures: j.failures, finish: j.finish_s };
  return { jobs, links: new Map(links.map((l) => [l.link, l.bytes_carried])), bytes: r.jobsCsv + r.summaryCsv + JSON.stringify(links) };
}

describe('fabric failures in a run', () => {
  const none = run(spines(''));

  it('off, or with nothing that fails within the run, changes no output byte', () => {
    expect(run(spines('failures: { fabric: { events: [] } }\n')).bytes).toBe(none.bytes);
    expect(run(spines('failures: { fabric: { switches: { mtbf: 1000000000h }, links: { mtbf: 1000000000h } } }\n')).bytes).toBe(none.bytes);
  });

  it('a failed spine: hashed pairs move to the other spines, no job fails, the spine carries less', () => {
    const r = run(spines('failures: { fabric: { events: [{ at: 1h, switch: "spine:dc:1", repair: 10h }] } }\n'));
    for (const j of Object.values(r.jobs)) expect(j.failures).toBe(0);
    const spine = (m: Map<string, number>, p: number): number => [...m].filter(([k]) => k.startsWith('leaf-up:') && k.endsWith(`:${p}`)).reduce((s, [, v]) => s + v, 0);
    expect(spine(none.links, 1)).toBeGreaterThan(0);
    expect(spine(r.links, 1)).toBeLessThan(spine(none.links, 1) / 5);
    expect(spine(r.links, 0) + spine(r.links, 2) + spine(r.links, 3)).toBeGreaterThan(spine(none.links, 0) + spine(none.links, 2) + spine(none.links, 3));
    // Each job's ring stays on its own two leaves and puts one hop per direction on each leaf's
    // uplinks, so a hop moved to another spine still has a whole uplink: the jobs end when they did
    // (this asserted "later" until 2026-12-04, and held only by a rounding difference in the
    // last digit).
    for (const j of ['a', 'b']) expect(Math.abs(r.jobs[j]!.finish - none.jobs[j]!.finish) / none.jobs[j]!.finish).toBeLessThan(1e-12);
  });

  it('a failed leaf cuts its nodes off: the job on them fails, the other does not', () => {
    const r = run(spines('failures: { fabric: { events: [{ at: 1h, switch: "leaf:dc:0", repair: 2h }] } }\n'));
    expect(r.jobs.a!.failures).toBe(1);
    expect(r.jobs.b!.failures).toBe(0);
  });

  it('every spine gone: no path between leaves, every multi-leaf job fails', () => {
    const all = [0, 1, 2, 3].map((p) => `{ at: 1h, switch: "spine:dc:${p}", repair: 2h }`).join(', ');
    const r = run(spines(`failures: { fabric: { events: [${all}] } }\n`));
    expect(r.jobs.a!.failures).toBe(1);
    expect(r.jobs.b!.failures).toBe(1);
  });

  it('split over 4 spines, one failed: a quarter of every uplink gone, no job fails, jobs slow down', () => {
    const topology = '{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 4, ecmp: { mode: split, paths: 4 } }';
    const before = run(spines('', topology));
    const r = run(spines('failures: { fabric: { events: [{ at: 1h, switch: "spine:dc:2", repair: 100h }] } }\n', topology));
    for (const j of Object.values(r.jobs)) expect(j.failures).toBe(0);
    expect(r.jobs.a!.finish).toBeGreaterThan(before.jobs.a!.finish);
  });

  it('dual planes ride out a rail leaf failure that single-plane rails do not (HPN)', () => {
    const rails = (planes: number): string => `{ kind: rail-optimized, nodes_per_group: 4, oversubscription: 1, planes: ${planes} }`;
    const one = run(spines('failures: { fabric: { events: [{ at: 1h, switch: "rail-leaf:dc:0:3", repair: 2h }] } }\n', rails(1)));
    expect(one.jobs.a!.failures).toBe(1);
    const two = run(spines('failures: { fabric: { events: [{ at: 1h, switch: "rail-leaf:dc:0:3:1", repair: 2h }] } }\n', rails(2)));
    for (const j of Object.values(two.jobs)) expect(j.failures).toBe(0);
  });

  it('is deterministic, and its own stream: node failures happen as they did without it', () => {
    const nodes = 'failures: { nodes: { mtbf: 20h, repair: 1h }, fabric: { switches: { mtbf: 10h, repair: 1h } } }\n';
    expect(run(spines(nodes)).bytes).toBe(run(spines(nodes)).bytes);
    const stopped = (text: string): number[] => {
      const out: number[] = [];
      const sim = new Simulation(scenarioFromText(text), {});
      sim.signals.on('stopped', (_job, t, why) => void (why === 'failure' && out.push(t)));
      sim.run();
      return out;
    };
    const onlyNodes = stopped(spines('horizon: 30h\nfailures: { nodes: { mtbf: 20h, repair: 1h } }\n'));
    expect(onlyNodes.length).toBeGreaterThan(3);
    // With fabric link failures too (rehashed, never fatal here), node failures strike at the same
    // times (jobs run at other paces, so a failure may find another job, or one more, on its node).
    const withFabric = stopped(spines('horizon: 30h\nfailures: { nodes: { mtbf: 20h, repair: 1h }, fabric: { links: { mtbf: 5h, repair: 1h } } }\n'));
    for (const t of onlyNodes) expect(withFabric).toContain(t);
  });
});

describe('refusals', () => {
  const refusal = (extra: string, network = 'flow'): string => {
    try {
      scenarioFromText(spines(extra).replace('network: flow', `network: ${network}`));
    } catch (e) {
      if (e instanceof InputError) return e.message;
      throw e;
    }
    throw new Error('expected a refusal');
  };

  it('names an unknown switch or link at its field, with the nearest name', () => {
    const m = refusal('failures: { fabric: { events: [{ at: 1h, switch: "spine:dc:7" }, { at: 2h, link: "leaf-up:dc:9:0" }] } }\n');
    expect(m).toContain('test.yaml:12:50');
    expect(m).toContain('failures.fabric.events[0].switch');
    expect(m).toMatch(/unknown switch 'spine:dc:7' \(did you mean 'spine:dc:\d'\?\)/);
    expect(m).toContain('failures.fabric.events[1].link');
    expect(m).toContain("unknown link 'leaf-up:dc:9:0'");
  });

  it('refuses a link given as a switch, both or neither, non-finite times, and network: ideal', () => {
    expect(refusal('failures: { fabric: { events: [{ at: 1h, switch: "leaf-up:dc:0:1" }] } }\n')).toContain("'leaf-up:dc:0:1' is a link: give it as `link`");
    expect(refusal('failures: { fabric: { events: [{ at: 1h, switch: "spine:dc:0", link: "leaf-up:dc:0:1" }] } }\n')).toContain('give exactly one of `switch` or `link`');
    expect(refusal('failures: { fabric: { events: [{ at: 1h }] } }\n')).toContain('give exactly one of `switch` or `link`');
    expect(refusal('failures: { fabric: { events: [{ at: .inf, switch: "spine:dc:0" }] } }\n')).toContain('failures.fabric.events[0].at');
    expect(refusal('failures: { fabric: { events: [{ at: 1h, switch: "spine:dc:0", repair: .nan }] } }\n')).toContain('failures.fabric.events[0].repair');
    expect(refusal('failures: { fabric: { events: [{ at: 1h, switch: "spine:dc:0" }] } }\n', 'ideal')).toContain('network: ideal');
  });
});

describe("docs/network.md's spine failure on a 2:1 fat tree", () => {
  const planning = readFileSync(repoPath('scenarios/fabric-planning.yaml'), 'utf8');
  const variant = (ecmp: string, failures: string): { ecr: number; failed: number } => {
    const text = planning.replace(/topology: \{ kind: fat-tree.*\}/, `topology: { kind: fat-tree, nodes_per_leaf: 4, leaves_per_pod: 4, leaf_oversubscription: 2, pod_oversubscription: 2${ecmp} }`) + failures;
    const r = runToCsv(scenarioFromText(text));
    return { ecr: Number(r.summaryCsv.split('\n')[1]!.split(',')[r.summaryCsv.split('\n')[0]!.split(',').indexOf('effective_compute_ratio_allocated')]), failed: r.jobs.reduce((n, j) => n + j.failures, 0) };
  };
  const core = (name: string): string => `failures:\n  fabric:\n    events: [{ at: 2h, switch: "${name}", repair: 4h }]\n`;

  it('one core switch is a single point of failure; a plane of four is not', () => {
    const single = variant('', '');
    const down = variant('', core('core:dc:0'));
    // No ring crosses pods at 2 h (pod-aware placement); gangs placed across pods meanwhile wait.
    expect(down.failed).toBe(0);
    // docs/network.md: ECR -0.24 points (0.0024): job-10's 256 GPUs, placed across pods when job-09
    // ends at 5.83 h, are held idle until the repair at 6 h (0.0031 when job-09 ended 160 s sooner,
    // before NCCL's SMs were charged).
    expect(single.ecr - down.ecr).toBeGreaterThan(0.002);
    const hashed = variant(', ecmp: { mode: hash, paths: 4 }', '');
    const plane = variant(', ecmp: { mode: hash, paths: 4 }', core('core:dc:1'));
    expect(plane.failed).toBe(0);
    expect(plane.ecr).toBeCloseTo(hashed.ecr, 6);
  });
});

describe('the size of a run with fabric failures', () => {
  it('refuses, before running, failure processes that would fire more events than any run can hold', () => {
    let message = '';
    try {
      scenarioFromText(spines('horizon: 1000d\nfailures: { fabric: { links: { mtbf: 1ms, repair: 1ms } } }\n'));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      message = e.message;
    }
    expect(message).toContain('failures.fabric.links.mtbf');
    expect(message).toContain('fabric link failures');
  });
});

describe('checkpoint intervals with fabric failures', () => {
  const rates = (topology: string): number[] => {
    const sim = new Simulation(scenarioFromText(spines('failures: { fabric: { switches: { mtbf: 100h } } }\ncheckpointing: { interval: auto }\n', topology)), {});
    const out: number[] = [];
    sim.signals.on('started', (job) => void out.push(sim.failureRateOf(job, job.placement!)));
    sim.run();
    return out;
  };

  it("count, in a job's failure rate (Young/Daly), the switches that would cut its nodes off, not those it reroutes around", () => {
    // Leaves of 2 nodes: each 4-node job hangs off 2 leaves; the 4 spines reroute.
    expect(rates('{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 4, ecmp: { mode: hash, paths: 4 } }').slice(0, 2)).toEqual([2 / 360_000, 2 / 360_000]);
    // Rail groups of 4 nodes with 8 rails: one plane, the group's 8 rail leaves each cut it off; two planes, none does.
    expect(rates('{ kind: rail-optimized, nodes_per_group: 4, planes: 1 }').slice(0, 2)).toEqual([8 / 360_000, 8 / 360_000]);
    expect(rates('{ kind: rail-optimized, nodes_per_group: 4, planes: 2 }').slice(0, 2)).toEqual([0, 0]);
  });
});

describe('work a fabric failure loses, with checkpoints', () => {
  // A 16-GPU job on two nodes, each under its own leaf; leaf 1 fails at 3,000 s, cutting node 1 off.
  // With a checkpoint of 60 s after every 1,000 s of progress (cycle 1,060 s), 3,000 s of progress
  // keeps two cycles and loses 880 s of compute. It was counted as 0, as the
  // failed leaf had already set the job's rate to 0 when the loss was priced at that rate.
  const text = (checkpoints: string): string => `name: fabric-loss
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: { kind: leaf-spine, nodes_per_leaf: 1 }
    node_groups: [{ count: 2, device: H100 }]
workloads:
  - jobs:
      - { name: j, devices: 16, params: 1B, tokens: 20B }
failures:
  fabric:
    events:
      - { at: 3000s, switch: 'leaf:dc:1', repair: 1h }
${checkpoints}`;

  it('loses the partial cycle: 880 s of progress, and redoes it', () => {
    // Without checkpoints everything is lost: the job's rate is that loss over 3,000 s.
    const bare = runToCsv(scenarioFromText(text(''))).jobs[0]!;
    const ratePflopPerS = bare.lost_pflop / 3000;
    expect(bare.lost_pflop).toBeGreaterThan(0);
    const ckpt = runToCsv(scenarioFromText(text('checkpointing: { interval: 1000s, cost: 60s, restart: 300s }\n'))).jobs[0]!;
    expect(ckpt.failures).toBe(1);
    // The 880 s are all compute (the cycle's first 1,000 s), lost at the full rate: checkpoints
    // written are overhead, not loss (it was 880 x 1000/1060 of it while the cycle's cost was spread).
    expect(ckpt.lost_pflop).toBeCloseTo(880 * ratePflopPerS, 6);
  });
});
