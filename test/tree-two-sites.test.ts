// A tree all-reduce over a data-parallel group split between two sites pays the long-haul link on
// every pass. The tree took the ring's pipelined per-step alpha (2L / (k - 1) on k nodes over two
// sites), so 16 nodes over a 10 ms link paid 8 x 2L / 15 = 10.7 ms a bucket: less than one round
// trip. Then it paid one crossing each way (2L). NCCL's own trees over the nodes in rank order cross
// the link twice a pass (nccl-tree.ts): 4L, as many crossings as the ring, which then wins on
// bandwidth.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allReduceTimeS, hierarchicalAllReduce, pipelinedRingStepLatencyS, ringAllReduceTimeS, treeAllReduceTimeS } from '../src/model/collectives.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const MS = 1e-3;
const US = 1e-6;

describe('tree all-reduce over hops of unequal latency', () => {
  it('pays the slowest hop at least once each way (16 nodes, two sites, 10 ms)', () => {
    const hops = [10 * MS, ...Array(7).fill(2 * US), 10 * MS, ...Array(7).fill(2 * US)];
    const alpha = pipelinedRingStepLatencyS(hops.reduce((a, b) => a + b, 0), 2 * US, 16);
    // Bytes small enough that latency decides: 1 MB at 50 GB/s.
    const bytes = 1e6;
    const bw = 50e9;
    // Before: 2 x 4 x alpha = 10.7 ms of latency; now 2 x 10 ms.
    expect(treeAllReduceTimeS(16, bytes, bw, alpha)).toBeCloseTo(8 * alpha + (2 * bytes) / bw, 12);
    expect(treeAllReduceTimeS(16, bytes, bw, alpha, 10 * MS)).toBeCloseTo(2 * 10 * MS + (2 * bytes) / bw, 12);
    // The tree still beats the ring (4 crossings), so the all-reduce is the tree's 20 ms.
    expect(ringAllReduceTimeS(16, bytes, bw, alpha)).toBeGreaterThan(4 * 10 * MS);
    expect(allReduceTimeS(16, bytes, bw, alpha, 10 * MS)).toBeCloseTo(2 * 10 * MS + (2 * bytes) / bw, 12);
    // Two-level: the inter-node phase is the same tree.
    const h = hierarchicalAllReduce(128, 8 * bytes, 8, { bandwidthBytesPerS: 300e9, latencyS: 1 * US }, { bandwidthBytesPerS: bw, latencyS: alpha, treePassS: 10 * MS });
    expect(h.timeS).toBeGreaterThan(2 * 10 * MS);
  });

  it('is the depth times alpha on equal hops, and never under two crossings of the slowest hop', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-7, max: 0.05, noNaN: true }), { minLength: 2, maxLength: 64 }),
        fc.double({ min: 1, max: 1e10, noNaN: true }),
        (hops, bytes) => {
          const k = hops.length;
          const slowest = Math.max(...hops);
          const alpha = pipelinedRingStepLatencyS(hops.reduce((a, b) => a + b, 0), Math.min(...hops), k);
          const bw = 50e9;
          expect(allReduceTimeS(k, bytes, bw, alpha, slowest)).toBeGreaterThanOrEqual(2 * slowest * (1 - 1e-12));
          expect(treeAllReduceTimeS(k, bytes, bw, hops[0]!, Math.ceil(Math.log2(k)) * hops[0]!)).toBe(treeAllReduceTimeS(k, bytes, bw, hops[0]!));
        },
      ),
    );
  });
});

const twoSites = (latency: string): string => `name: tree-two-sites
datacentres:
  - { name: north, fabric: IB-NDR, node_groups: [{ name: hn, count: 8, device: H100 }] }
  - { name: south, fabric: IB-NDR, node_groups: [{ name: hs, count: 8, device: H100 }] }
links:
  - { name: lh, between: [north, south], latency: ${latency}, bandwidth: 400Gbps }
workloads:
  - jobs:
      - { name: j, devices: 128, params: 2B, tokens: 1B, model: { recompute: selective, attention: flash }, layout: { tp: 1, pp: 1, dp: 128, zero: 0 } }
policy: fifo
placement: first-fit
`;

describe('a data-parallel job over two sites, by latency', () => {
  it('pays two round trips of the link per gradient bucket (30 layers, 30 buckets)', () => {
    const step = (latency: string): number => runToCsv(scenarioFromText(twoSites(latency))).jobs[0]!.step_time_s as number;
    // 10 ms more one way: each of the 30 buckets' all-reduces crosses the link twice each way (NCCL's
    // trees and the ring alike), so the step grows by 30 x 4 x 10 ms.
    // Before: 30 x 10.7 ms = 0.32 s; then 30 x 2 x 10 ms = 0.6 s (one crossing each way).
    const grown = step('20ms') - step('10ms');
    expect(grown).toBeGreaterThanOrEqual(30 * 4 * 10 * MS * (1 - 1e-9));
    expect(grown).toBeCloseTo(1.2, 6);
  });
});
