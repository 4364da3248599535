// Preemption takes only the victims it needs: after choosing candidates least important first, it
// spares them most important first while the rest still free enough devices (the Kubernetes
// scheduler's reprieve). One 8-GPU node: keep (2 GPUs, priority 9), p1 (4 GPUs, priority 1, from
// 0 s), p0 (2 GPUs, priority 0, from 60 s); high (4 GPUs, priority 5) arrives at 600 s. Taking p0
// first frees 2 GPUs, not enough; p1 then makes 6; p0 is not needed and must be spared.
import { describe, expect, it } from 'vitest';
import { resolvePolicies } from '../src/policy/registry.js';
import type { JobView, SchedulingContext } from '../src/policy/types.js';
import { chooseVictims } from '../src/policy/victim-selection.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const text = `
name: reprieve
network: ideal
preemption: { checkpoint: 60s, restore: 60s }
datacentres:
  - { name: dc, node_groups: [{ count: 1, device: A100-80GB }] }
workloads:
  - jobs:
      - { name: keep, devices: 2, duration: 10h, reference_device: A100-80GB, priority: 9 }
      - { name: p1, devices: 4, duration: 10h, reference_device: A100-80GB, priority: 1 }
      - { name: p0, devices: 2, duration: 10h, reference_device: A100-80GB, priority: 0, submit: 60s }
      - { name: high, devices: 4, duration: 1h, reference_device: A100-80GB, priority: 5, submit: 600s }
`;

describe('preemption spares victims whose devices are not needed', () => {
  // least-progress sees equal progress here (running jobs are settled only at rate changes) and
  // takes the larger gang first: the unit test below gives it the order that needs a reprieve.
  for (const victims of ['lowest-priority', 'policy-order']) {
    it(`priority with victims: ${victims} preempts p1 alone`, () => {
      const r = runToCsv(scenarioFromText(text), { policies: resolvePolicies({ name: 'priority', params: { preemptive: true, victims } }, { name: 'first-fit', params: {} }) });
      const row = (name: string) => r.jobs.find((j) => j.job_id === name)!;
      expect(row('high').start_s).toBeCloseTo(660, 6);
      expect(row('p1').preemptions).toBe(1);
      expect(row('p0').preemptions).toBe(0);
      expect(r.summary.preemptions).toBe(1);
    });
  }
});

describe('chooseVictims (every built-in preemption policy)', () => {
  const job = (id: number, devices: number): JobView => ({ id, devices, state: 'running', placement: { kind: 0, nodes: [0], devices: [] } }) as unknown as JobView;
  const ctx = (running: JobView[], free: number): SchedulingContext => ({ running, cluster: { kindTotal: [8], kindFree: [free], allKinds: [0] } }) as unknown as SchedulingContext;

  it('spares, most important first, every candidate the others make unnecessary', () => {
    const [a, b, c, d] = [job(1, 1), job(2, 2), job(3, 4), job(4, 1)];
    // In order a, b, c: 1 + 2 + 4 = 7 with 1 free covers 5 only after c; c alone (with the free
    // one) suffices, so b then a are spared; d is never a candidate.
    expect(chooseVictims(job(9, 5), ctx([a!, b!, c!, d!], 1), [a!, b!, c!], () => [0])!.map((v) => v.id)).toEqual([3]);
    // Here b (2) is needed beside c (4) for 6 with none free, a is not.
    expect(chooseVictims(job(9, 6), ctx([a!, b!, c!, d!], 0), [a!, b!, c!], () => [0])!.map((v) => v.id)).toEqual([2, 3]);
  });
});
