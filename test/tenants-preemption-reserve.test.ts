// A queue that preempts to reclaim its quota keeps the room it asked for while its targets let go
// (Kueue's scheduler reserves a preempting workload's quota in the cohort for the cycle:
// scheduler.go, cycleCohortsUsage and resourcesToReserve; the workload stays pending, and so
// reserves again, in every cycle until its targets are gone). Without that, a borrower of the cohort
// took the room during the targets' checkpoint, the preemptor then found too little and evicted
// again, the evicted jobs were admitted again into what it freed, and so on: b's 2-device jobs were
// preempted every 60 s for hours (122 preemptions of 11 jobs in a 2-day run), and the reclaiming
// 8-device job waited until the borrowers finished.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = (bAt: string) => `
name: reclaim-reserve
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 4, device: H100 }
tenants:
  queues:
    - { name: a, cohort: c, quota: { H100: 16 }, preemption: { reclaim_within_cohort: any } }
    - { name: b, cohort: c, quota: { H100: 16 } }
workloads:
  - jobs:
      - { name: a0, devices: 8, duration: 10h, reference_device: H100, queue: a }
${Array.from({ length: 10 }, (_, i) => `      - { name: b${i + 1}, devices: 2, duration: 10h, reference_device: H100, queue: b }`).join('\n')}
      - { name: b11, submit: ${bAt}, devices: 2, duration: 10h, reference_device: H100, queue: b }
      - { name: x, submit: 1h, devices: 8, duration: 1h, reference_device: H100, queue: a }
`;

describe('reclaiming quota while a borrower waits for room', () => {
  it('by hand: x (a, within its nominal 16) evicts b10 and b9 at 3600 s; b11, arriving during their 60 s checkpoint, does not take the room', () => {
    // At 3600 s a holds 8, b 20 (4 borrowed): 4 free in the cohort, x needs 8, so two of b's
    // 2-device jobs are evicted. b11 arrives at 3610 s and would fit the 4 free devices, but x has
    // reserved them; at 3660 s b9 and b10 let go and x starts.
    const r = runToCsv(scenarioFromText(scenario('3610s')));
    const row = (n: string) => r.jobs.find((j) => j.job_id === n)!;
    expect(row('x').start_s).toBe(3660);
    expect(r.summary.preemptions).toBe(2);
    expect(row('b9').preemptions + row('b10').preemptions).toBe(2);
    expect(row('b11').start_s).toBeGreaterThanOrEqual(row('x').finish_s);
  });

  it('a borrower admitted before the preemption is taken with the others, once', () => {
    const r = runToCsv(scenarioFromText(scenario('30min')));
    const row = (n: string) => r.jobs.find((j) => j.job_id === n)!;
    // b11 took 2 of the 4 free at 1800 s: b holds 22, 2 free, x needs 6 more: b11, b10, b9 (most recently admitted first).
    expect(row('x').start_s).toBe(3660);
    expect(r.summary.preemptions).toBe(3);
    expect(['b9', 'b10', 'b11'].map((n) => row(n).preemptions)).toEqual([1, 1, 1]);
  });
});
