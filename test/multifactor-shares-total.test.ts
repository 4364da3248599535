// Multifactor's normalised shares against Slurm's classic fair share (slurm.schedmd.com,
// "Classic Fairshare Algorithm"): S = S_account / S_sibling-accounts, where the siblings are every
// account the cluster has, not only those with jobs waiting or running at this instant. An account
// that has stopped submitting still holds its shares (and its usage still counts in U's total).
import { describe, expect, it } from 'vitest';
import { resolvePolicies } from '../src/policy/registry.js';
import { runToCsv, scenarioFromText } from './helpers.js';

// One H100 node; three tenant queues of equal shares, each with quota for the whole node (so the
// policy alone orders the line). c runs 0-2h and submits nothing more; a runs 2-3h; at 3h a2 (waiting
// since 2 s) and b1 (since 1.5h) compete. Usage barely decays (half-life 1e9 s): U_c = 16/24,
// U_a = 8/24, U_b = 0. With age weight 870 over max_age 3h and fair-share weight 1000:
//   Slurm, S = 1/3:  a2 = 870 x 10798/10800 + 1000 x 2^-(1/3)/(1/3) = 869.8 + 500  = 1369.8
//                    b1 = 870 x 0.5 + 1000 x 2^0                      = 435 + 1000  = 1435
// so b1 starts at 3h and a2 at 4h. Counting only the accounts waiting or running at 3h (a, b),
// S = 1/2 and a2 had 869.8 + 1000 x 2^(-2/3) = 1499.8: a2 went first.
const text = `name: mf-share-total
seed: 1
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 1, device: H100 }
tenants:
  queues:
    - { name: a, quota: { H100: 8 } }
    - { name: b, quota: { H100: 8 } }
    - { name: c, quota: { H100: 8 } }
workloads:
  - jobs:
      - { name: c1, queue: c, devices: 8, duration: 2h, reference_device: H100 }
      - { name: a1, queue: a, submit: 1s, devices: 8, duration: 1h, reference_device: H100 }
      - { name: a2, queue: a, submit: 2s, devices: 8, duration: 1h, reference_device: H100 }
      - { name: b1, queue: b, submit: 1.5h, devices: 8, duration: 1h, reference_device: H100 }
policy: fifo
`;

const starts = (extra: Record<string, unknown> = {}): Record<string, number> => {
  const r = scenarioFromText(text);
  const params = { weight_age: 870, max_age: 10800, weight_fairshare: 1000, weight_job_size: 0, weight_qos: 0, half_life: 1e9, ...extra };
  const rows = runToCsv(r, { policies: resolvePolicies({ name: 'multifactor', params }, r.scenario.placement, { src: r.src }) }).jobs;
  return Object.fromEntries(rows.map((j) => [j.job_id, j.start_s]));
};

describe("multifactor's normalised shares", () => {
  it('count the shares of an account that has stopped submitting, as Slurm counts every sibling', () => {
    expect(starts()).toMatchObject({ c1: 0, a1: 7200, b1: 10800, a2: 14400 });
  });

  it('count an account named in shares before its first job', () => {
    // d, named in shares with 3 and never submitting, is an account of the cluster: S_a = 1/6, and
    // a2 = 869.8 + 1000 x 2^-2 = 1119.8 < 1435. c given 0.01 shares instead: S_a = 1/2.01, and
    // a2 = 869.8 + 1000 x 2^-0.670 = 1497 > 1435, so a2 goes first.
    expect(starts({ shares: { d: 3 } })).toMatchObject({ b1: 10800, a2: 14400 });
    expect(starts({ shares: { c: 0.01 } })).toMatchObject({ a2: 10800, b1: 14400 });
  });
});
