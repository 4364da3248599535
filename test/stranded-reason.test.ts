// When a run went idle with jobs still waiting, every one was rejected as "could not be placed by
// '<placement>' even on the idle pool", also a job that fits the idle pool and only waited behind
// one that could never be placed (a strict FIFO's head): a planner read it as too big for the pool.
// The reason is now true per job: the unplaceable head says so, and a job behind it that fits says
// what it waited behind.
import { describe, expect, it } from 'vitest';
import { resolvePolicies, type ResolvedPolicies } from '../src/policy/registry.js';
import type { PolicyRef } from '../src/scenario/schema.js';
import { strandedReasons } from '../src/sim/stranded-reasons.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const ref = (name: string): PolicyRef => ({ name, params: {} }) as PolicyRef;

const scenario = `name: stranded
network: ideal
datacentres:
  - name: dc
    node_groups: [{ name: g, count: 2, device: H100 }]
workloads:
  - jobs:
      - { name: head, devices: 12, duration: 1h, reference_device: H100 }
      - { name: small, devices: 1, duration: 1h, reference_device: H100, submit: 10s }
`;

/** first-fit that places no job of more than 8 devices (one node): the pool has 16, so the job passes the size check at submit and is never placed. */
function oneNodeOnly(queue: string): ResolvedPolicies {
  const p = resolvePolicies(ref(queue), ref('first-fit'));
  const inner = p.placer;
  return { ...p, builtIn: false, placementName: 'one-node', placer: { place: (job, cluster, hints) => (job.devices > 8 ? undefined : inner.place(job, cluster, hints)) } };
}

describe('jobs still waiting when the run idles', () => {
  it('fifo: the head that never fits is unplaceable; the small job behind it says it waited behind the head', () => {
    const jobs = runToCsv(scenarioFromText(scenario), { policies: oneNodeOnly('fifo') }).jobs;
    const head = jobs.find((j) => j.job_id === 'head')!;
    const small = jobs.find((j) => j.job_id === 'small')!;
    expect([head.status, small.status]).toEqual(['rejected', 'rejected']);
    expect(head.reason).toBe("could not be placed by 'one-node' even on the idle pool");
    expect(small.reason).toBe("fits the idle pool, but waited behind job 'head', which could not be placed by 'one-node' even on the idle pool; queue policy 'fifo' started nothing past it");
  });

  it('tenants: a job admitted behind the unplaceable head, in another tenant queue, says it waited behind it in the queue policy', () => {
    const text = `name: stranded-tenants
network: ideal
datacentres:
  - name: dc
    node_groups: [{ name: g, count: 2, device: H100 }]
tenants:
  queues:
    - { name: a, cohort: c, quota: { H100: 16 }, queueing: strict-fifo }
    - { name: b, cohort: c, quota: { H100: 0 } }
workloads:
  - jobs:
      - { name: head, devices: 12, duration: 1h, reference_device: H100, queue: a }
      - { name: small, devices: 1, duration: 1h, reference_device: H100, queue: a, submit: 10s }
      - { name: other, devices: 1, duration: 1h, reference_device: H100, queue: b, submit: 20s }
`;
    const jobs = runToCsv(scenarioFromText(text), { policies: oneNodeOnly('fifo') }).jobs;
    const reasons = Object.fromEntries(jobs.map((j) => [j.job_id, j.reason]));
    expect(reasons).toEqual({
      head: "could not be placed by 'one-node' even on the idle pool",
      small: "fits the idle pool, but waited behind job 'head', which could not be placed by 'one-node' even on the idle pool; queue policy 'fifo' started nothing past it",
      other: "fits the idle pool, but waited behind job 'head', which could not be placed by 'one-node' even on the idle pool; queue policy 'fifo' started nothing past it",
    });
  });
});

describe('strandedReasons', () => {
  const q = (fits: Set<string>, lines: Record<string, string>) => ({
    placeable: (j: string) => fits.has(j),
    neverAdmitted: (j: string) => (j === 'over-quota' ? "queue 'a' could never admit it" : undefined),
    line: (j: string) => ({ who: lines[j] ?? "queue policy 'fifo'", verb: lines[j] ? 'admitted' : 'started' }),
    name: (j: string) => j,
    placementName: 'p',
  });
  it('names the unplaceable job ahead in the same line only; else the line that never started it', () => {
    const lines = { x: "queue 'a'", y: "queue 'b'", z: "queue 'a'" };
    expect(strandedReasons(['x', 'y', 'z', 'over-quota'], q(new Set(['y', 'z', 'over-quota']), lines))).toEqual([
      "could not be placed by 'p' even on the idle pool",
      "fits the idle pool, but queue 'b' never admitted it",
      "fits the idle pool, but waited behind job 'x', which could not be placed by 'p' even on the idle pool; queue 'a' admitted nothing past it",
      "queue 'a' could never admit it",
    ]);
  });
});
