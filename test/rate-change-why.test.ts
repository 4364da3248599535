// A running job's rate change says why (JobEvent.why): one that an inter-DC link's failure or repair
// caused names the link, as a stop for a link failure says 'link failure'. Before, every
// jobRateChanged event carried an empty why, so a listener could not tell a link outage's effect
// from contention.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/experiment/run-scenario.js';
import type { JobEvent } from '../src/sim/run-events.js';
import { scenarioFromText } from './helpers.js';

// Two sites, a job across them (tp 8 in a node, dp 2 across the sites). With one link its outage
// cuts the job off (it fails, is placed again and waits at rate 0) and the repair restarts it; with
// two the job is rerouted onto the slower one while the faster is down.
const text = (links: string): string => `name: rate-why
seed: 1
datacentres:
  - { name: a, fabric: IB-NDR, node_groups: [{ count: 1, device: H100 }] }
  - { name: b, fabric: IB-NDR, node_groups: [{ count: 1, device: H100 }] }
links:
${links}
failures:
  links: { mtbf: 2h, repair: 1h }
checkpointing: { interval: 1h, cost: 60s, restart: 300s }
workloads:
  - jobs:
      - { name: j, devices: 16, params: 7B, tokens: 2B, model: { attention: flash, global_batch: 999424, seq_len: 4096 }, layout: { tp: 8, dp: 2 } }
`;

const rateEvents = (links: string): JobEvent[] => {
  const events: JobEvent[] = [];
  runScenario(scenarioFromText(text(links)), { on: { jobRateChanged: (e) => void events.push(e) } });
  return events;
};

describe('why a running job changed rate', () => {
  it('names the inter-DC link whose failure stopped a job and whose repair let it go on', () => {
    const events = rateEvents('  - { name: l, between: [a, b], latency: 1ms, bandwidth: 4Tbps }');
    // Each outage: the rate falls to 0 as the link fails (then the job fails and waits on it), and
    // rises as it is repaired.
    expect(events.filter((e) => e.why === "inter-DC link 'l' failed").length).toBeGreaterThan(1);
    for (const e of events) expect(e.why).toBe(e.rateFlopPerS > 0 ? "inter-DC link 'l' repaired" : "inter-DC link 'l' failed");
  });

  it('names the inter-DC link whose failure rerouted it, and its repair', () => {
    const events = rateEvents(
      ['  - { name: fast, between: [a, b], latency: 1ms, bandwidth: 4Tbps }', '  - { name: slow, between: [a, b], latency: 5ms, bandwidth: 100Gbps }'].join('\n'),
    );
    const whys = new Set(events.map((e) => e.why));
    expect(whys.has("inter-DC link 'fast' failed")).toBe(true);
    expect(whys.has("inter-DC link 'fast' repaired")).toBe(true);
    for (const e of events) expect(e.why).toMatch(/^inter-DC link '(fast|slow)' (failed|repaired)$/);
    // A reroute onto the slow link slows the job: the failure's events lower its rate.
    const slowed = events.filter((e, i) => e.why === "inter-DC link 'fast' failed" && i > 0 && e.rateFlopPerS < events[i - 1]!.rateFlopPerS);
    expect(slowed.length).toBeGreaterThan(0);
  });
});

describe('why a running job changed rate, fabric', () => {
  it('names the fabric switch whose failure slowed it and whose repair sped it up', () => {
    // Uplinks split over 4 spines: spine 2 down takes a quarter of every uplink (no job fails).
    const spines = `name: spines
network: flow
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: { kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 4, ecmp: { mode: split, paths: 4 } }
    node_groups: [{ count: 8, device: H100 }]
failures: { fabric: { events: [{ at: 1h, switch: "spine:dc:2", repair: 2h }] } }
workloads:
  - jobs:
      - { name: a, devices: 32, params: 13B, tokens: 2B, model: { global_batch: 128K, recompute: selective }, layout: { tp: 8, pp: 1, dp: 4 } }
      - { name: b, devices: 32, params: 13B, tokens: 2B, model: { global_batch: 128K, recompute: selective }, layout: { tp: 8, pp: 1, dp: 4 } }
`;
    const events: JobEvent[] = [];
    runScenario(scenarioFromText(spines), { on: { jobRateChanged: (e) => void events.push(e) } });
    const at = (t: number): JobEvent[] => events.filter((e) => e.timeS === t);
    expect(at(3600).map((e) => [e.job, e.why])).toEqual([
      ['a', "fabric switch 'spine:dc:2' failed"],
      ['b', "fabric switch 'spine:dc:2' failed"],
    ]);
    expect(at(3 * 3600).map((e) => e.why)).toEqual(["fabric switch 'spine:dc:2' repaired", "fabric switch 'spine:dc:2' repaired"]);
  });
});
