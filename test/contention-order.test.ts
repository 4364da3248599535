// A fabric that loses capacity to contention (RoCE's congestion_efficiency) charges every job
// sharing a link, whichever started first. Only the job whose start made a link shared was
// re-rated, so of two jobs starting together on a RoCE leaf uplink the second paid the 15% and the
// first kept its step alone (0.5284 s against 0.5454 s), and the second kept paying after the
// first had ended.
import { describe, expect, it } from 'vitest';
import { FIELD_DOCS } from '../src/scenario/field-docs.js';
import { Simulation } from '../src/sim/simulation.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const job = (name: string, devices: number, dp: number): string =>
  `      - { name: ${name}, devices: ${devices}, params: 13B, tokens: 100M, model: { recompute: selective, global_batch: 24576 }, layout: { tp: 8, pp: 1, dp: ${dp}, dp_overlap: 0 } }\n`;
// Six nodes in leaves of two: a on nodes 0-2 (its ring's 2 -> 0 hop climbs leaf 1's uplink), b on
// nodes 3-4 (its 3 -> 4 hop climbs the same uplink). a ends first.
const A = job('a', 24, 3);
const B = job('b', 16, 2);
const scenario = (fabric: string, jobs: string): string => `name: contention-order
datacentres:
  - name: dc
    fabric: ${fabric}
    nodes_per_leaf: 2
    node_groups: [{ name: h, count: 6, device: H100 }]
workloads:
  - jobs:
${jobs}policy: fifo
placement: first-fit
`;
const steps = (fabric: string, jobs: string): Record<string, number> =>
  Object.fromEntries(runToCsv(scenarioFromText(scenario(fabric, jobs))).jobs.map((j) => [j.job_id, j.step_time_s as number]));

describe('congestion efficiency charges every job on a shared link', () => {
  it('slows the first job too: two identical jobs on one shared uplink get one step time', () => {
    // c1 on nodes 0-2, c2 on nodes 3-5: c1's 2 -> 0 and c2's 3 -> 4 both climb leaf 1's uplink.
    const twins = steps('RoCE-400G', job('c1', 24, 3) + job('c2', 24, 3));
    expect(twins.c2).toBeGreaterThan(steps('RoCE-400G', job('c2', 24, 3)).c2! * 1.02);
    expect(twins.c1).toBe(twins.c2);
    // And the first of a and b pays as the second does.
    expect(steps('RoCE-400G', A + B).a).toBeGreaterThan(steps('RoCE-400G', A).a! * 1.02);
  });

  it('gives the second job back its uncontended rate once the first has ended', () => {
    // b alone for its whole run, b contended throughout, and b as run: contended until a ends.
    const bAlone = steps('RoCE-400G', B).b!;
    const both = steps('RoCE-400G', A + B);
    expect(both.b).toBeGreaterThan(bAlone);
    // a ends at about half of b's run: b's mean step lies strictly between alone and contended.
    const bContended = steps('RoCE-400G', A.replace('tokens: 100M', 'tokens: 1000M') + B).b!;
    expect(both.b).toBeLessThan(bContended);
  });

  it('changes nothing on a fabric without contention loss', () => {
    expect(steps('IB-NDR', A + B).a).toBe(steps('IB-NDR', A).a);
  });
});

// What the docs say congestion_efficiency charges (src/scenario/field-docs.ts, docs/network.md),
// held to the code: another job on a link of a job's routes, not the job's own flows over one link
// (the field reference said "several flows", which a job alone with two flows up one uplink has).
describe('congestion efficiency: who counts as contention', () => {
  // Four nodes, one per leaf; tp 8, pp 2, dp 2: a node's data-parallel hop and its pipeline send
  // leave by its NIC link together, the job's own flows on one link (asserted below).
  const own = job('solo', 32, 2).replace('pp: 1, dp: 2', 'pp: 2, dp: 2');
  const solo = (fabric: string): number =>
    runToCsv(scenarioFromText(scenario(fabric, own).replace('nodes_per_leaf: 2', 'nodes_per_leaf: 1').replace('count: 6', 'count: 4'))).jobs[0]!.step_time_s as number;

  it("a job's own flows sharing a link cost it nothing; the docs say another job", () => {
    // The premise: two of the job's flows cross one link.
    const sim = new Simulation(scenarioFromText(scenario('RoCE-400G', own).replace('nodes_per_leaf: 2', 'nodes_per_leaf: 1').replace('count: 6', 'count: 4')), {});
    let shared = 0;
    sim.engine.daemonAt(1, () => {
      const flowsOn = new Map<number, number>();
      for (const f of sim.network!.jobFlows()) for (const l of f.links) flowsOn.set(l, (flowsOn.get(l) ?? 0) + 1);
      shared = [...flowsOn.values()].filter((n) => n > 1).length;
    });
    sim.run();
    expect(shared).toBeGreaterThan(0);
    expect(solo('RoCE-400G')).toBe(solo('{ preset: RoCE-400G, congestion_efficiency: 1 }'));
    expect(solo('{ preset: RoCE-400G, congestion_efficiency: 0.5 }')).toBe(solo('RoCE-400G'));
    const doc = FIELD_DOCS['datacentres[].fabric.congestion_efficiency']!;
    expect(doc).toMatch(/another job's flows share a link/);
    expect(doc).toMatch(/own flows sharing a link are no contention/);
    expect(doc).toMatch(/transfers .*never pay it/);
    expect(doc).not.toMatch(/several flows/);
  });
});
