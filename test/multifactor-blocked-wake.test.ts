// Multifactor without backfilling stops its pass at the first job that cannot start. It asked for
// its next pass (the soonest age cap) only at the end of a pass that got there, so a blocked pass
// asked for none, and a job whose priority overtook the blocked head's as ages reached their caps
// waited for the next arrival or completion. Worked by hand on one 8-GPU node: priority = age +
// job size (favor_small), max_age 100 s.
import { describe, expect, it } from 'vitest';
import { resolvePolicies } from '../src/policy/registry.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const text = `
name: multifactor-blocked-wake
network: ideal
datacentres:
  - { name: dc, node_groups: [{ count: 1, device: A100-80GB }] }
workloads:
  - jobs:
      - { name: r, devices: 6, duration: 1000s, reference_device: A100-80GB }
      - { name: a, devices: 4, duration: 100s, reference_device: A100-80GB, submit: 1s }
      - { name: b, devices: 2, duration: 100s, reference_device: A100-80GB, submit: 50s }
`;

describe('multifactor without backfilling wakes at age caps while its head is blocked', () => {
  it('b overtakes the blocked a once a has capped and starts on the 2 free devices at its own cap (150 s), not when r ends (1,000 s)', () => {
    // r holds 6 of 8 devices to 1,000 s; a (4 devices, size factor 1 - 4/8 = 0.5) waits from 1 s,
    // b (2 devices, 0.75) from 50 s. a's priority stops at 1 + 0.5 at its cap (101 s); b's reaches
    // 1.26 then and 1 + 0.75 at its cap (150 s), above a's: b is the head and fits.
    const params = { weight_age: 1, weight_job_size: 1, weight_fairshare: 0, weight_qos: 0, max_age: 100, favor_small: true, backfill: false };
    const r = runToCsv(scenarioFromText(text), { policies: resolvePolicies({ name: 'multifactor', params }, { name: 'first-fit', params: {} }) });
    const row = (name: string) => r.jobs.find((j) => j.job_id === name)!;
    expect(row('b').start_s).toBeCloseTo(150, 6);
    expect(row('a').start_s).toBeCloseTo(1000, 6);
  });
});
