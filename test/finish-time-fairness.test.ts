// Finish-time fairness (Themis): rho = JCT / run time on a 1/N share of the pool, by hand.
import { describe, expect, it } from 'vitest';
import { isolatedRuntimeS } from '../src/sim/finish-time-fairness.js';
import { simulate } from '../src/sim/simulation.js';
import { runToCsv, scenarioFromText } from './helpers.js';

// One node of 8 H100; two 8-device jobs of 100 s each, both submitted at 0.
const twoJobs = (tenants: boolean): string => `
name: ftf
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 1, device: H100 }
${
  tenants
    ? `tenants:
  queues:
    - { name: a, cohort: c, quota: { H100: 4 } }
    - { name: b, cohort: c, quota: { H100: 4 } }
`
    : ''
}workloads:
  - jobs:
      - { name: first, devices: 8, duration: 100s, reference_device: H100${tenants ? ', queue: a' : ''} }
      - { name: second, devices: 8, duration: 100s, reference_device: H100${tenants ? ', queue: b' : ''} }
`;

// first runs 0-100 s with 2 jobs contending: N = 2, its share is 4 of the 8 devices, so the 8-device
// gang holds them half the time: T_id = 200 s, rho = 100 / 200 = 0.5. second ends at 200 s with 2
// jobs present over [0, 100] and 1 over [100, 200]: N = 1.5, a share of 8/1.5 devices holds the gang
// 2/3 of the time: T_id = 150 s, rho = 200 / 150 = 4/3.
const RHO_FIRST = 0.5;
const RHO_SECOND = 200 / 150;

describe('finish-time fairness', () => {
  it('two jobs on one node, by hand', () => {
    const s = simulate(scenarioFromText(twoJobs(false))).summary;
    expect(s.jobs_completed).toBe(2);
    expect(s.ftf_rho_max).toBeCloseTo(RHO_SECOND, 12);
    expect(s.ftf_rho_mean).toBeCloseTo((RHO_FIRST + RHO_SECOND) / 2, 12);
  });

  it('per tenant, one job each (tenants.csv)', () => {
    const r = simulate(scenarioFromText(twoJobs(true)));
    // a's job borrows b's lent quota and runs first; b's waits for it.
    const [a, b] = r.tenants!.rows;
    expect(a!.ftf_rho_max).toBeCloseTo(RHO_FIRST, 12);
    expect(a!.ftf_rho_mean).toBeCloseTo(RHO_FIRST, 12);
    expect(b!.ftf_rho_max).toBeCloseTo(RHO_SECOND, 12);
    expect(r.summary.ftf_rho_max).toBeCloseTo(RHO_SECOND, 12);
  });

  it('a job alone has rho = its slowdown (1 when nothing slows it)', () => {
    const one = twoJobs(false).replace(/\n\s+- \{ name: second.*\n/, '\n');
    const s = simulate(scenarioFromText(one)).summary;
    expect(s.jobs_completed).toBe(1);
    expect(s.ftf_rho_max).toBe(1);
  });

  // A training job with a model size, timed by the step model (network: flow). T_id was its work
  // at peak x efficiency (0.55) whatever the step model gave: 1.124 for this job alone (3.52 for
  // h-rednet's), where alone and undisturbed it is 1.
  const stepModelled = (jobs: number, nodes: number, devices: number): string => `
name: ftf-step
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { count: ${nodes}, device: H100 }
workloads:
  - jobs:
${Array.from({ length: jobs }, (_, i) => `      - { name: j${i}, devices: ${devices}, params: 7B, tokens: 2B, model: { attention: flash } }`).join('\n')}
`;

  it('a step-modelled job alone on an idle pool: T_id is its own run alone, rho 1 (one node, and two across the fabric)', () => {
    for (const [nodes, devices] of [[1, 8], [4, 16]] as const) {
      const s = simulate(scenarioFromText(stepModelled(1, nodes, devices))).summary;
      expect(s.jobs_completed).toBe(1);
      expect(s.queueing_delay_max_s).toBe(0);
      expect(s.ftf_rho_max).toBeCloseTo(1, 12);
    }
  });

  it('two equal step-modelled jobs sharing one node, by hand', () => {
    // Each takes T alone (the first's JCT); the second waits for the first. The first: N = 2 over
    // [0, T], a share of 4 devices holds its 8-device gang half the time: T_id = 2T, rho = 1/2.
    // The second ends at 2T with N = 1.5: T_id = 1.5 T, rho = 2T / 1.5T = 4/3.
    const r = runToCsv(scenarioFromText(stepModelled(2, 1, 8)));
    expect(r.summary.jobs_completed).toBe(2);
    const [first, second] = [...r.jobs].sort((a, b) => a.finish_s - b.finish_s);
    expect(second!.finish_s).toBeCloseTo(2 * first!.finish_s, 6);
    expect(r.summary.ftf_rho_max).toBeCloseTo(4 / 3, 9);
    expect(r.summary.ftf_rho_mean).toBeCloseTo((1 / 2 + 4 / 3) / 2, 9);
  });

  it('jobs that do not finish have no rho', () => {
    const s = simulate(scenarioFromText(`${twoJobs(false)}horizon: 150s\n`)).summary;
    expect(s.jobs_completed).toBe(1);
    expect(s.ftf_rho_max).toBe(RHO_FIRST);
  });

  it('a heterogeneous share runs its fastest kind first, then slower ones', () => {
    // 4 V100 (100 s alone), 4 K80 (300 s alone), a 2-device gang.
    const kinds = [
      { devices: 4, runtimeAloneS: 300 },
      { devices: 4, runtimeAloneS: 100 },
    ];
    // N = 2: 2 V100 in the share hold the gang all the time.
    expect(isolatedRuntimeS(kinds, 2, 2)).toBe(100);
    // N = 4: one V100 and one K80: half the time on each, 1/T = 0.5/100 + 0.5/300.
    expect(isolatedRuntimeS(kinds, 2, 4)).toBeCloseTo(150, 12);
    // N = 8: a quarter of the time on each: 1/T = 0.25/100 + 0.25/300 = 1/300.
    expect(isolatedRuntimeS(kinds, 2, 8)).toBeCloseTo(300, 12);
    // A kind with fewer devices than the gang is not in its share; no kind at all: Infinity.
    expect(isolatedRuntimeS([{ devices: 1, runtimeAloneS: 10 }, ...kinds], 2, 2)).toBe(100);
    expect(isolatedRuntimeS([{ devices: 1, runtimeAloneS: 10 }], 2, 1)).toBe(Infinity);
  });

  it("job types: the throughput row sets each kind's run time alone", () => {
    // resnet runs 3x faster on V100 than on K80: 100 s on two V100, 300 s on two K80. Two such
    // 2-device jobs at 0 on 2 V100 + 2 K80: one runs on each kind at once.
    const r = simulate(
      scenarioFromText(`
name: ftf-types
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 1, device: V100-SXM2-32GB, devices_per_node: 2 }
      - { count: 1, device: K80, devices_per_node: 2 }
throughputs:
  resnet: { V100-SXM2-32GB: 3, K80: 1 }
workloads:
  - jobs:
      - { name: r1, devices: 2, job_type: resnet, duration: 100s, reference_device: V100-SXM2-32GB }
      - { name: r2, devices: 2, job_type: resnet, duration: 100s, reference_device: V100-SXM2-32GB }
`),
    );
    expect(r.summary.jobs_completed).toBe(2);
    // The V100 job: N = 2 over [0, 100]; its share (1 V100 + 1 K80) holds each kind's gang half the
    // time: 1/T_id = 0.5/100 + 0.5/300, T_id = 150 s, rho = 100/150. The K80 job ends at 300 s:
    // N = (2 x 100 + 1 x 200) / 300 = 4/3; a share of 1.5 devices of each kind holds the V100 gang
    // 3/4 of the time and the K80 gang the last 1/4: 1/T_id = 0.75/100 + 0.25/300, T_id = 120 s,
    // rho = 300/120 = 2.5.
    expect(r.summary.ftf_rho_max).toBeCloseTo(2.5, 9);
    expect(r.summary.ftf_rho_mean).toBeCloseTo((100 / 150 + 2.5) / 2, 9);
  });
});
