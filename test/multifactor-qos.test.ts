// Multifactor's QOS factor against Slurm's documented formula ("Multifactor Priority Plugin": "This
// priority value is then normalized to the highest priority of all the QOS's to become the QOS
// factor"): the normaliser is the highest QOS there is, not the highest among the jobs waiting at
// this instant, so a job's QOS factor does not jump when an unrelated high-QOS job leaves the line.
import { describe, expect, it } from 'vitest';
import { resolvePolicies } from '../src/policy/registry.js';
import { runToCsv, scenarioFromText } from './helpers.js';

// One H100 node and one A100 node. r holds the H100s until 2h; y (QOS 0) waits for them from 1 s,
// x (QOS 1) from 1h. z (QOS 10) runs on the A100s from 0 to 1h, so it has left the line by 2h.
// At 2h, age weight 1000 over max_age 2h and QOS weight 1000, Slurm's priorities are
//   y: 1000 x 7199/7200 + 1000 x 0/10 = 999.9;  x: 1000 x 0.5 + 1000 x 1/10 = 600,
// so y starts at 2h and x at 3h. Normalised by the highest QOS waiting at 2h (x's own 1), x had
// 1000 x 0.5 + 1000 x 1/1 = 1500 and went first.
const scenario = (zSubmit: string): string => `name: mf-qos
seed: 1
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 1, device: H100 }
      - { count: 1, device: A100-80GB }
workloads:
  - jobs:
      - { name: r, devices: 8, duration: 2h, reference_device: H100, device_kinds: [H100] }
      - { name: z, submit: ${zSubmit}, devices: 8, duration: 1h, reference_device: A100-80GB, device_kinds: [A100-80GB], priority: 10 }
      - { name: y, submit: 1s, devices: 8, duration: 1h, reference_device: H100, device_kinds: [H100] }
      - { name: x, submit: 1h, devices: 8, duration: 1h, reference_device: H100, device_kinds: [H100], priority: 1 }
policy: fifo
`;

const starts = (text: string, extra: Record<string, unknown> = {}): Record<string, number> => {
  const r = scenarioFromText(text);
  const params = { weight_age: 1000, max_age: 7200, weight_qos: 1000, weight_fairshare: 0, weight_job_size: 0, ...extra };
  const rows = runToCsv(r, { policies: resolvePolicies({ name: 'multifactor', params }, r.scenario.placement, { src: r.src }) }).jobs;
  return Object.fromEntries(rows.map((j) => [j.job_id, j.start_s]));
};

describe("multifactor's QOS factor", () => {
  it('is normalised by the highest QOS the run has shown, not the highest waiting now', () => {
    const s = starts(scenario('0'));
    expect(s.y).toBe(7200);
    expect(s.x).toBe(10800);
  });

  it('is normalised by max_qos when given (a QOS no job has shown yet counts, as in Slurm)', () => {
    // z comes only at 3h: without max_qos the run has shown QOS 1 at most by 2h, and x goes first.
    expect(starts(scenario('3h'))).toMatchObject({ x: 7200, y: 10800 });
    expect(starts(scenario('3h'), { max_qos: 10 })).toMatchObject({ y: 7200, x: 10800 });
  });

  it('refuses a job whose QOS is above max_qos', () => {
    expect(() => starts(scenario('0'), { max_qos: 5 })).toThrow(/priority 10 .*max_qos 5/);
  });
});
