// A repaired fabric link takes its traffic back: routing reconverges (an InfiniBand subnet manager
// re-sweeps and recomputes the forwarding tables when a port comes up; an Ethernet fabric's routing
// puts the next hop back in its tables), so a job that detoured round a failed link is on the
// shortest path again once it is repaired, as jobs detoured round a failed inter-DC link already
// were. Before 2026-12-08 it kept the detour for the rest of its life: a job on a graph fabric whose
// 100 Gb/s link between its two switches was down for an hour ran on the 50 Gb/s way round until it
// finished, 183 s later than the hour on the detour costs.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

// Four H100 nodes, two under each of s1 and s2; s1-s2 direct at 100 Gb/s, or round by s3 at 50 Gb/s.
// One job, tp 8 x dp 4: its rings cross between the switches.
const scenario = (links: string, failures = ''): string => `name: repair-route
seed: 1
datacentres:
  - name: a
    fabric: IB-NDR
    topology:
      kind: graph
      switches: [s1, s2, s3]
      attach: [s1, s1, s2, s2]
      border: s1
      links:
${links}    node_groups: [{ name: n, count: 4, device: H100 }]
workloads:
  - jobs:
      - { name: j, devices: 32, params: 7B, tokens: 1B, layout: { tp: 8, dp: 4 } }
policy: fifo
placement: first-fit
${failures}`;

const direct = '        - { between: [s1, s2], bandwidth: 100Gbps }\n';
const round = '        - { between: [s1, s3], bandwidth: 50Gbps }\n        - { between: [s3, s2], bandwidth: 50Gbps }\n';

function job(text: string): { finishS: number; stepS: number } {
  const j = runToCsv(scenarioFromText(text)).jobs[0]!;
  return { finishS: j.finish_s, stepS: j.step_time_s };
}

describe('a fabric link repaired under a running job', () => {
  it('takes the job back: it runs the detour only while the link is down, by hand', () => {
    const fast = job(scenario(direct + round));
    const slow = job(scenario(round));
    expect(slow.stepS).toBeGreaterThan(fast.stepS * 1.04);
    // Down from 1,000 s to 4,600 s: 3,600 s at the detour's step, the rest at the direct one's.
    const failed = job(scenario(direct + round, "failures:\n  fabric:\n    events:\n      - { at: 1000s, link: 'graph:a:s1->s2', repair: 1h }\n"));
    const expected = fast.finishS + 3600 * (1 - fast.stepS / slow.stepS);
    expect(failed.finishS).toBeCloseTo(expected, 3);
  });
});
