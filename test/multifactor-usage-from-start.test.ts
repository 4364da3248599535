// Multifactor's fair-share usage counts a job from the instant it starts. The rates were summed at
// the top of each pass, before the pass started anything, so a job started in a pass accrued no
// usage until the next pass: one that ran with no pass in between was never charged at all.
import { describe, expect, it } from 'vitest';
import { resolvePolicies } from '../src/policy/registry.js';
import { runToCsv, scenarioFromText } from './helpers.js';

// One H100 node. a1, a2 (queue a) and b1 (queue b) all arrive at 0 (the quotas hold nobody back). a1 runs 0-1h with no pass
// in between (nothing arrives, nothing ends). At 1h a has used 8 device-hours and b none: U_a = 1,
// U_b = 0, S = 1/2 each, so fair share is 2^-2 = 0.25 for a2 and 1 for b1 (ages and sizes equal):
// b1 starts at 1h and a2 at 2h. Uncharged, a and b tied at 1 and a2 (listed first) went first.
const text = `name: mf-usage
seed: 1
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 1, device: H100 }
tenants:
  queues:
    - { name: a, quota: { H100: 16 } }
    - { name: b, quota: { H100: 16 } }
workloads:
  - jobs:
      - { name: a1, queue: a, devices: 8, duration: 1h, reference_device: H100 }
      - { name: a2, queue: a, devices: 8, duration: 1h, reference_device: H100 }
      - { name: b1, queue: b, devices: 8, duration: 1h, reference_device: H100 }
policy: fifo
`;

describe("multifactor's fair-share usage", () => {
  it('charges a job from its start, though no pass runs while it runs', () => {
    const r = scenarioFromText(text);
    const rows = runToCsv(r, { policies: resolvePolicies({ name: 'multifactor', params: {} }, r.scenario.placement, { src: r.src }) }).jobs;
    const start = Object.fromEntries(rows.map((j) => [j.job_id, j.start_s]));
    expect(start).toEqual({ a1: 0, b1: 3600, a2: 7200 });
  });
});
