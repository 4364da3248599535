// Multifactor's fair-share `shares` are keyed by account: a job's tenant queue, or (without tenants)
// its workload's name. Under tenants the accounts were 'queue 0', 'queue 1' (the queues' indices), so
// `shares: { a: 20 }` naming a queue changed nothing and no key a user could guess did.
import { describe, expect, it } from 'vitest';
import { resolvePolicies } from '../src/policy/registry.js';
import type { JobView, QueueDiscipline } from '../src/policy/types.js';
import { simulate } from '../src/sim/simulation.js';
import { runToCsv, scenarioFromText } from './helpers.js';

// Two queues whose quotas each cover the pool, so that admission holds nobody back and multifactor
// alone orders the line; the same arrivals in both.
const text = (tenants: boolean): string => `name: mf-shares
seed: 3
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 2, device: H100 }
${tenants ? `tenants:
  queues:
    - { name: a, quota: { H100: 16 } }
    - { name: b, quota: { H100: 16 } }
` : ''}workloads:
${['a', 'b']
  .map(
    (q) => `  - generator:
      name: ${q}
${tenants ? `      queue: ${q}\n` : ''}      count: 40
      arrival: { process: poisson, mean_interval: 10min }
      devices: { distribution: empirical, values: [1, 2, 4, 8] }
      duration: { distribution: lognormal, median: 40min, sigma: 0.8, max: 6h }
      reference_device: H100`,
  )
  .join('\n')}
policy: fifo
`;

const meanWaits = (tenants: boolean, shares: Record<string, number>): { a: number; b: number } => {
  const r = scenarioFromText(text(tenants));
  const jobs = runToCsv(r, { policies: resolvePolicies({ name: 'multifactor', params: { shares } }, r.scenario.placement, { src: r.src }) }).jobs;
  const mean = (q: string): number => {
    const w = jobs.filter((j) => j.job_id.startsWith(`${q}-`)).map((j) => j.queueing_delay_s);
    return w.reduce((x, y) => x + y, 0) / w.length;
  };
  return { a: mean('a'), b: mean('b') };
};

describe("multifactor's shares under tenant queues", () => {
  it('a queue given 20 shares waits less than one given 1, as a workload does without tenants', () => {
    for (const tenants of [false, true]) {
      const even = meanWaits(tenants, {});
      const forA = meanWaits(tenants, { a: 20 });
      const forB = meanWaits(tenants, { b: 20 });
      expect(forA.a).toBeLessThan(0.5 * forA.b);
      expect(forB.b).toBeLessThan(0.5 * forB.a);
      expect(forA.a).toBeLessThan(even.a);
    }
  });

  it("names a queued job's account by its queue's name", () => {
    const r = scenarioFromText(text(true));
    const accounts = new Set<string | undefined>();
    const inner = resolvePolicies({ name: 'fifo', params: {} }, r.scenario.placement, { src: r.src });
    const queue: QueueDiscipline = {
      schedule(ctx) {
        for (const j of ctx.waiting) accounts.add((j as JobView).account);
        inner.queue.schedule(ctx);
      },
    };
    simulate(r, { policies: { ...inner, queue } });
    expect([...accounts].sort()).toEqual(['a', 'b']);
  });
});
