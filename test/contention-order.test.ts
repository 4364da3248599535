// A fabric that loses capacity to contention (RoCE's congestion_efficiency) charges every job
// sharing a link, whichever started first. Only the job whose start made a link shared was
// re-rated, so of two jobs starting together on a RoCE leaf uplink the second paid the 15% and the
// first kept its step alone (0.5284 s against 0.5454 s), and the second kept paying after the
// first had ended.
import { describe, expect, it } from 'vitest';
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
