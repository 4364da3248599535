// A job's rings and pipeline take turns on its links (group-turns.ts); these cases check what a group
// gets of a link another job shares, by hand (max-min on one link) and in a run. A pipeline crossing a
// shared long-haul link without its job's rings was read at its weight's fraction of its turn (its
// bytes over the rings', 0.07 for ZeRO-3): 7.8 times slower than alone where max-min gives 1.5 times
// (docs/calibration.md audit item 17, "A group on a shared link").
import { describe, expect, it } from 'vitest';
import { FlowNetwork, type OthersOnLink } from '../src/model/network/flow-network.js';
import { turnShareBytesPerS } from '../src/model/network/group-turns.js';
import { runToCsv, scenarioFromText } from './helpers.js';

// Two sites of two H100 and one A100 node each, joined by one long-haul link. a (H100, tp 1 x pp 2 x
// dp 16, ZeRO-3) has stage 0 on north's two H100 nodes and stage 1 on south's: its rings stay in each
// site, its two pipeline flows (8 ranks each) cross north -> south. b (A100, tp 8 x dp 2) rings
// between north's and south's A100 node: one flow north -> south. b outlasts a.
const scenario = (bandwidth: string, withB: boolean): string => `name: turns-shared
seed: 1
datacentres:
  - name: north
    fabric: IB-NDR
    node_groups:
      - { name: hn, count: 2, device: H100 }
      - { name: an, count: 1, device: A100-80GB }
  - name: south
    fabric: IB-NDR
    node_groups:
      - { name: hs, count: 2, device: H100 }
      - { name: as, count: 1, device: A100-80GB }
links:
  - { between: [north, south], latency: 100us, bandwidth: ${bandwidth} }
workloads:
  - jobs:
${withB ? '      - { name: b, devices: 16, device_kinds: [A100-80GB], params: 7B, tokens: 20B, layout: { tp: 8, pp: 1, dp: 2 } }\n' : ''}      - { name: a, devices: 32, device_kinds: [H100], params: 7B, tokens: 200M, layout: { tp: 1, pp: 2, dp: 16, zero: 3, pp_overlap: 0 } }
policy: fifo
placement: first-fit
`;
const stepOfA = (bandwidth: string, withB: boolean): number => runToCsv(scenarioFromText(scenario(bandwidth, withB))).jobs.find((j) => j.job_id === 'a')!.step_time_s as number;

describe('a pipeline on a long-haul link another job’s ring shares', () => {
  it('gets max-min’s share of its turn: 2 of the 3 flows, so a’s step is its step alone on 2/3 of the link', () => {
    // By hand: while a's pipeline sends, the link north -> south (capacity C) carries its 2 flows and
    // b's ring flow, each C / 3 under max-min: C / 24 per rank, against C / 16 alone. That is a alone
    // on a link of 2C / 3. Reading the link less b's load gave a's 2 flows at weight 0.07 against
    // b's 1: 2 x 0.07 / 1.14 of C, a step of 72.47 s against 27.42 s alone (30.75 s here).
    const alone = stepOfA('100Gbps', false);
    const shared = stepOfA('100Gbps', true);
    expect(shared).toBeGreaterThan(alone * 1.05);
    expect(shared / stepOfA(`${200 / 3}Gbps`, false)).toBeCloseTo(1, 9);
  });
});

describe('turnShareBytesPerS: a group’s share of a shared link in its turn, against max-min by hand', () => {
  // One link of 100 B/s. Job A's flows first (own), the other job's after.
  const share = (own: { weight: number; group: boolean }[], others: number[]): number => {
    const net = new FlowNetwork();
    const l = net.addLink(100);
    const mine = new Set<number>();
    let group = 0;
    for (const f of own) {
      const id = net.addFlow([l], Infinity, 0, { weight: f.weight });
      mine.add(id);
      if (f.group) group++;
    }
    for (const w of others) net.addFlow([l], Infinity, 0, { weight: w });
    const out: OthersOnLink = { loadBytesPerS: 0, limitedWeight: 0, heldLoadBytesPerS: 0 };
    return turnShareBytesPerS(100, group, net.othersOnLink(l, (f) => mine.has(f), out));
  };

  it('a lighter group alone of its job on the link: its flows at full weight beside the other flows', () => {
    // A's 2 pipeline flows (weight 0.1) and B's 1 ring flow: 2 of 3 flows while A's pipeline sends.
    // (The capacity less B's load is 2 x 0.1 / 1.2 of it, 16.7 B/s.)
    expect(share([{ weight: 0.1, group: true }, { weight: 0.1, group: true }], [1])).toBeCloseTo(200 / 3, 9);
    // B's flow held to 10 B/s elsewhere (a cap): A's group has the rest.
    const net = new FlowNetwork();
    const l = net.addLink(100);
    const a = [net.addFlow([l], Infinity, 0, { weight: 0.1 }), net.addFlow([l], Infinity, 0, { weight: 0.1 })];
    net.addFlow([l], Infinity, 0, { capBytesPerS: 10 });
    const out: OthersOnLink = { loadBytesPerS: 0, limitedWeight: 0, heldLoadBytesPerS: 0 };
    expect(turnShareBytesPerS(100, 2, net.othersOnLink(l, (f) => a.includes(f), out))).toBeCloseTo(90, 9);
  });

  it('two jobs with both groups on the link: each group has its job’s share (the other’s groups take turns too)', () => {
    // A: ring (1) and pipeline (0.2); B the same. A phased max-min of the two jobs (each sends one
    // group at a time) gives a group C / 2 while both send; the network's claims give A
    // (1 + 0.2) / 2.4 of C, the same. Counting B's two groups at once would give 1 / 2.2 of C.
    for (const group of [0, 1]) {
      expect(share([{ weight: 1, group: group === 0 }, { weight: 0.2, group: group === 1 }], [1, 0.2])).toBeCloseTo(50, 9);
    }
    // Unequal mixes: A (1, 0.5) against B (1, 0.1): A holds 1.5 / 2.6 of the link.
    expect(share([{ weight: 1, group: true }, { weight: 0.5, group: false }], [1, 0.1])).toBeCloseTo((100 * 1.5) / 2.6, 9);
  });

  it('never more than the link, nothing on a failed one, all of it with nothing else limited there', () => {
    expect(turnShareBytesPerS(100, 3, { loadBytesPerS: 0, limitedWeight: 0, heldLoadBytesPerS: 0 })).toBe(100);
    expect(turnShareBytesPerS(100, 1, { loadBytesPerS: 30, limitedWeight: 0, heldLoadBytesPerS: 30 })).toBe(70);
    expect(turnShareBytesPerS(0, 1, { loadBytesPerS: 0, limitedWeight: 1, heldLoadBytesPerS: 0 })).toBe(0);
  });
});
