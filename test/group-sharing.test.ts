// How a training job's two traffic groups (the data-parallel rings, the pipeline boundaries) share
// its NICs and links when `explain` (and a run of the job alone) times it (network/idle-comm.ts,
// sim/network-progress.ts rateOf, network/group-turns.ts). Properties over random small pools and
// layouts, with the groups' bytes per step chosen at random: sending more bytes in one group never
// speeds the other up, and a group's per-rank bandwidth never asks of a link or a NIC more than it
// has. The first failed when each flow was read at rate / weight (docs/calibration.md audit item 17).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { JobSteps, type StepJob } from '../src/model/job-steps.js';
import { groupPerRankBw } from '../src/model/network/group-turns.js';
import { idleComm } from '../src/model/network/idle-comm.js';
import { FlowNetwork } from '../src/model/network/flow-network.js';
import { PairPlanner } from '../src/model/network/pair-planner.js';
import { Topology } from '../src/model/network/topology.js';
import type { StepTime } from '../src/model/step-time.js';
import { scenarioFromText } from './helpers.js';

const pool = (nodes: number, nics: number, tp: number, pp: number): string => `name: share
datacentres:
  - name: dc
    fabric: IB-HDR
    node_groups: [{ count: ${nodes}, device: A100-80GB, nics: ${nics} }]
workloads:
  - jobs:
      - name: j
        devices: ${nodes * 8}
        params: 7B
        tokens: 1B
        model: { layers: 32, hidden_size: 4096, heads: 32, seq_len: 2048, global_batch: 1M }
        layout: { tp: ${tp}, pp: ${pp}, dp: ${(nodes * 8) / (tp * pp)} }
`;

/** A JobSteps whose nominal step sends `dpBytes` on the rings and `ppBytes` over the pipeline per device (the weights' input on main). */
function stepsSending(cluster: Cluster, dpBytes: number, ppBytes: number): JobSteps {
  const real = new JobSteps(cluster);
  const stub = Object.create(real) as JobSteps;
  stub.fromShares = ((...args: Parameters<JobSteps['fromShares']>) => ({ ...real.fromShares(...args), dpBytesPerStepPerDevice: dpBytes, cpScaleOutBytesPerStepPerDevice: 0, epBytesPerStepPerDevice: 0, ppBytesPerStepPerDevice: ppBytes }) as StepTime) as JobSteps['fromShares'];
  return stub;
}

const cases = fc.record({
  nodes: fc.constantFrom(2, 4),
  nics: fc.constantFrom(1, 2, 4, 8),
  tp: fc.constantFrom(1, 2, 4),
  pp: fc.constantFrom(2, 4),
  dpBytes: fc.double({ min: 1e6, max: 1e10, noNaN: true }),
  ppBytes: fc.double({ min: 1e6, max: 1e10, noNaN: true }),
  more: fc.double({ min: 1, max: 100, noNaN: true }),
});

function explainShares(c: { nodes: number; nics: number; tp: number; pp: number }, dpBytes: number, ppBytes: number) {
  const r = scenarioFromText(pool(c.nodes, c.nics, c.tp, c.pp));
  const cluster = new Cluster(r.shape);
  const steps = stepsSending(cluster, dpBytes, ppBytes);
  const listed = r.jobs[0]!;
  const job: StepJob = { devices: listed.devices, params: listed.params, efficiency: listed.efficiency, template: { shape: listed.shape, layout: listed.layout } };
  const shaped = steps.shapeAndLayout(job, 0);
  const idle = idleComm(cluster, r.interDc, steps, job, 0, shaped)!;
  return { idle, cluster, interDc: r.interDc, shaped };
}

describe('a job’s rings and pipeline on its NICs and links (explain, a run alone)', () => {
  it('more bytes in one group never speed the other up (random pools, layouts and byte mixes)', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const base = explainShares(c, c.dpBytes, c.ppBytes).idle;
        const morePp = explainShares(c, c.dpBytes, c.ppBytes * c.more).idle;
        const moreDp = explainShares(c, c.dpBytes * c.more, c.ppBytes).idle;
        expect(morePp.dpBw).toBeLessThanOrEqual(base.dpBw * (1 + 1e-12));
        expect(moreDp.ppBw).toBeLessThanOrEqual(base.ppBw * (1 + 1e-12));
      }),
      { seed: 46, numRuns: 60 },
    );
  });

  it('a group’s per-rank bandwidth times its ranks never exceeds a link’s capacity or a flow’s NIC cap', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const { idle, cluster, interDc, shaped } = explainShares(c, c.dpBytes, c.ppBytes);
        const topology = new Topology(cluster, new FlowNetwork(), interDc);
        const pairs = new PairPlanner(cluster.nodeCount).plan(idle.placement, shaped.layout);
        for (const [count, from, to, share, bw] of [
          [pairs.dpCount, pairs.dpFrom, pairs.dpTo, pairs.dpShare, idle.dpBw],
          [pairs.ppCount, pairs.ppFrom, pairs.ppTo, pairs.ppShare, idle.ppBw],
        ] as const) {
          const ranksOnLink = new Map<number, number>();
          for (let i = 0; i < count; i++) {
            const route = topology.route(from[i]!, to[i]!);
            expect(bw * share[i]!).toBeLessThanOrEqual(topology.jobFlowCapBytesPerS(route, from[i]!, share[i]!) * (1 + 1e-9));
            for (const l of route.links) ranksOnLink.set(l, (ranksOnLink.get(l) ?? 0) + share[i]!);
          }
          for (const [l, ranks] of ranksOnLink) expect(bw * ranks).toBeLessThanOrEqual(topology.linkCapacityBytesPerS[l]! * (1 + 1e-9));
        }
      }),
      { seed: 46, numRuns: 60 },
    );
  });
});

describe('groupPerRankBw: a group with the job’s links to itself', () => {
  // Two flows of 4 ranks each over link 0 (100 B/s), one of them also over link 1 (30 B/s), NIC caps 60 B/s.
  const links = [[0], [0, 1]];
  it('is the least of each flow’s cap / its ranks and each link’s capacity / the group’s ranks on it', () => {
    expect(groupPerRankBw(2, (i) => links[i]!, () => 60, () => 4, (l) => [100, 30][l]!)).toBe(30 / 4);
    expect(groupPerRankBw(2, (i) => links[i]!, () => 60, () => 4, (l) => [100, 300][l]!)).toBe(100 / 8);
    expect(groupPerRankBw(2, (i) => links[i]!, () => 40, () => 4, (l) => [100, 300][l]!)).toBe(40 / 4);
  });
  it('is Infinity for a group with no flow, and 0 on a link with nothing left (a failed link)', () => {
    expect(groupPerRankBw(0, () => [], () => 1, () => 1, () => 1)).toBe(Infinity);
    expect(groupPerRankBw(2, (i) => links[i]!, () => 60, () => 4, (l) => [100, -1e-9][l]!)).toBe(0);
  });
});
