// Which job flows the demand-bounded network holds while transfers are under way: only those that
// share a link with a transfer. A job flow elsewhere cannot change a transfer's rate there (its
// links carry no transfer, and its demand never fills a link: it is at most what the flow gets
// while it sends), yet before 2026-12-08 every job flow of the pool was put there when a transfer
// started and taken off when the last one ended: a disaggregated service's KV caches (one transfer
// per request, rarely two at once) beside 1,000 training jobs cost 6x the run's CPU time.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';

// `split` spans the two sites (its ring crosses the long-haul link the transfers take); `local` runs
// on two nodes of east alone (its ring crosses east's fabric only, never the long-haul link).
const text = (transfers: string): string => `name: demand-scope
seed: 1
datacentres:
  - name: east
    fabric: IB-NDR
    node_groups: [{ name: e, count: 3, device: H100 }]
  - name: west
    fabric: IB-NDR
    node_groups: [{ name: w, count: 1, device: H100 }]
links:
  - { name: wan, between: [east, west], latency: 2ms, bandwidth: 400Gbps }
workloads:
  - jobs:
      - { name: local, devices: 16, params: 7B, tokens: 20B, layout: { tp: 8, dp: 2 } }
      - { name: split, devices: 16, params: 7B, tokens: 20B, layout: { tp: 8, dp: 2 } }
${transfers}policy: fifo
placement: first-fit
`;

const transfers = 'transfers:\n' + Array.from({ length: 20 }, (_, i) => `  - { name: t${i}, from: east, to: west, size: 1TB, start: ${100 + 100 * i}s }\n`).join('');

describe('the demand-bounded network holds the job flows that meet a transfer, no others', () => {
  it('a transfer over the long-haul link brings in the split job\'s flows there, not the local job\'s', () => {
    const sim = new Simulation(scenarioFromText(text(transfers)), {});
    const net = sim.network!;
    const seen: number[][] = [];
    for (let i = 0; i < 20; i++) {
      sim.engine.daemonAt(110 + 100 * i, () => {
        // The transfers cross the long-haul link east to west; the split job's ring crosses it both ways.
        const wan = net.topology.linkNames.indexOf('wan:east->west');
        expect(wan).toBeGreaterThanOrEqual(0);
        const flows = net.jobFlows();
        const crossing = flows.filter((f) => f.links.includes(wan));
        expect(flows.some((f) => f.job.name === 'local')).toBe(true);
        expect(crossing.length).toBeGreaterThan(0);
        expect(crossing.every((f) => f.job.name === 'split')).toBe(true);
        seen.push([net.demandBoundedJobFlows(), crossing.length]);
      });
    }
    sim.run();
    expect(seen).toHaveLength(20);
    for (const [held, crossing] of seen) expect(held).toBe(crossing);
  });
});
