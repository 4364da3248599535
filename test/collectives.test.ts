// Collective costs against hand-computed alpha-beta closed forms and nccl-tests conventions.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  algBandwidth,
  allGatherTimeS,
  allReduceBytesPerRank,
  allReduceTimeS,
  allToAllTimeS,
  broadcastTimeS,
  busBandwidth,
  busBandwidthFactor,
  pipelinedRingStepLatencyS,
  collectiveTimeS,
  hierarchicalAllReduce,
  intraNodeRingTimeS,
  reduceScatterTimeS,
  reduceTimeS,
  ringAllReduceTimeS,
  sendRecvTimeS,
  treeAllReduceTimeS,
  type CollectiveOp,
} from '../src/model/collectives.js';

const GB = 1e9;
const US = 1e-6;
const OPS: CollectiveOp[] = ['all-reduce', 'all-gather', 'reduce-scatter', 'all-to-all', 'broadcast', 'reduce', 'send-recv'];

describe('closed forms (hand-computed)', () => {
  // n = 4, S = 1 GB, B = 100 GB/s, alpha = 10 us.
  const n = 4;
  const S = 1 * GB;
  const B = 100 * GB;
  const a = 10 * US;

  it('ring all-reduce = 2(n-1) alpha + 2(n-1)/n S/B', () => {
    // 6 x 10 us + 1.5 x 10 ms = 60 us + 15 ms
    expect(ringAllReduceTimeS(n, S, B, a)).toBeCloseTo(0.01506, 12);
  });
  it('tree all-reduce = 2 ceil(log2 n) alpha + 2 S/B', () => {
    // 4 x 10 us + 20 ms
    expect(treeAllReduceTimeS(n, S, B, a)).toBeCloseTo(0.02004, 12);
    // ceil(log2 5) = 3: 6 x 10 us + 20 ms
    expect(treeAllReduceTimeS(5, S, B, a)).toBeCloseTo(0.02006, 12);
  });
  it('all-reduce picks the faster algorithm', () => {
    expect(allReduceTimeS(n, S, B, a)).toBeCloseTo(0.01506, 12);
    // Latency-bound: 1 KB on 1024 ranks at 10 us: ring 2046 x 10 us vs tree 20 x 10 us.
    expect(allReduceTimeS(1024, 1e3, B, a)).toBeCloseTo(treeAllReduceTimeS(1024, 1e3, B, a), 15);
    expect(allReduceTimeS(1024, 1e3, B, a)).toBeCloseTo(20 * a + 2e3 / B, 15);
    expect(allReduceBytesPerRank(n, S, B, a)).toBeCloseTo(1.5 * S, 3);
    expect(allReduceBytesPerRank(1024, 1e3, B, a)).toBeCloseTo(2e3, 9);
  });
  it('all-gather, reduce-scatter, all-to-all = (n-1) alpha + (n-1)/n S/B', () => {
    // 3 x 10 us + 0.75 x 10 ms = 30 us + 7.5 ms
    expect(allGatherTimeS(n, S, B, a)).toBeCloseTo(0.00753, 12);
    expect(reduceScatterTimeS(n, S, B, a)).toBeCloseTo(0.00753, 12);
    expect(allToAllTimeS(n, S, B, a)).toBeCloseTo(0.00753, 12);
  });
  it('broadcast and reduce = (n-1) alpha + S/B; send-recv = alpha + S/B', () => {
    expect(broadcastTimeS(n, S, B, a)).toBeCloseTo(0.01003, 12);
    expect(reduceTimeS(n, S, B, a)).toBeCloseTo(0.01003, 12);
    expect(sendRecvTimeS(S, B, a)).toBeCloseTo(0.01001, 12);
  });
  it('collectiveTimeS dispatches to the same formulas', () => {
    expect(collectiveTimeS('all-reduce', n, S, B, a)).toBe(allReduceTimeS(n, S, B, a));
    expect(collectiveTimeS('all-gather', n, S, B, a)).toBe(allGatherTimeS(n, S, B, a));
    expect(collectiveTimeS('send-recv', 2, S, B, a)).toBe(sendRecvTimeS(S, B, a));
  });
  it('hierarchical all-reduce: RS + AG inside the node, all-reduce of S/k across nodes', () => {
    // 32 ranks, 8 per node: intra RS + AG on 8 ranks at 360 GB/s, inter ring on 4 nodes of S/8 at 45 GB/s.
    const intra = { bandwidthBytesPerS: 360 * GB, latencyS: 1 * US };
    const inter = { bandwidthBytesPerS: 45 * GB, latencyS: 5 * US };
    const r = hierarchicalAllReduce(32, S, 8, intra, inter);
    // The intra-node phases as NCCL runs a ring inside a node (Simple at this size: 8.4 us + 3.4 us a step).
    const intraS = 2 * (8.4 * US + 7 * 3.4 * US + (7 / 8) * (S / (360 * GB)));
    const interS = 6 * 5 * US + (6 / 4) * (S / 8 / (45 * GB));
    expect(r.timeS).toBeCloseTo(intraS + interS, 12);
    expect(r.scaleOutBytesPerRank).toBeCloseTo((6 / 4) * (S / 8), 3);
    expect(r.intraBytesPerRank).toBeCloseTo((14 / 8) * S, 3);
    // Faster than a flat all-reduce at the scale-out bandwidth, with 1/8 of the network bytes.
    expect(r.timeS).toBeLessThan(allReduceTimeS(32, S, inter.bandwidthBytesPerS, inter.latencyS));
    // A ragged group (not a multiple of k) runs flat on the network.
    const flat = hierarchicalAllReduce(12, S, 8, intra, inter);
    expect(flat.timeS).toBe(allReduceTimeS(12, S, inter.bandwidthBytesPerS, inter.latencyS));
    // All ranks in one node: no scale-out traffic.
    expect(hierarchicalAllReduce(8, S, 8, intra, inter).scaleOutBytesPerRank).toBe(0);
  });
});

describe('nccl-tests conventions', () => {
  it('bus bandwidth factors', () => {
    expect(busBandwidthFactor('all-reduce', 8)).toBeCloseTo(1.75, 15);
    expect(busBandwidthFactor('all-gather', 8)).toBeCloseTo(0.875, 15);
    expect(busBandwidthFactor('reduce-scatter', 8)).toBeCloseTo(0.875, 15);
    expect(busBandwidthFactor('all-to-all', 8)).toBeCloseTo(0.875, 15);
    expect(busBandwidthFactor('broadcast', 8)).toBe(1);
    expect(busBandwidthFactor('reduce', 8)).toBe(1);
    expect(busBandwidthFactor('send-recv', 2)).toBe(1);
    expect(algBandwidth(2 * GB, 0.5)).toBe(4 * GB);
    expect(busBandwidth('all-reduce', 8, 2 * GB, 0.5)).toBeCloseTo(7 * GB, 3);
  });
  it('ring all-reduce of a large buffer on 8 NVLink4 ranks: busbw equals the link share', () => {
    const B = 450 * GB * 0.8;
    const S = 8 * GB;
    const t = allReduceTimeS(8, S, B, 1 * US);
    expect(busBandwidth('all-reduce', 8, S, t) / B).toBeCloseTo(1, 2);
    // Same identity for all-gather and reduce-scatter.
    expect(busBandwidth('all-gather', 8, S, allGatherTimeS(8, S, B, 1 * US)) / B).toBeCloseTo(1, 2);
  });
});

describe('edge cases and monotonicity', () => {
  it('one rank costs nothing', () => {
    for (const op of OPS) expect(collectiveTimeS(op, 1, GB, 50 * GB, 5 * US)).toBe(0);
    expect(hierarchicalAllReduce(1, GB, 8, { bandwidthBytesPerS: 1, latencyS: 1 }, { bandwidthBytesPerS: 1, latencyS: 1 }).timeS).toBe(0);
    expect(sendRecvTimeS(0, 50 * GB, 5 * US)).toBe(0);
  });
  it('time rises with bytes and with ranks, falls with bandwidth', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OPS),
        fc.integer({ min: 2, max: 4096 }),
        fc.double({ min: 1, max: 1e11, noNaN: true }),
        fc.double({ min: 1e8, max: 1e12, noNaN: true }),
        fc.double({ min: 1e-7, max: 1e-2, noNaN: true }),
        (op, n, S, B, a) => {
          const t = collectiveTimeS(op, n, S, B, a);
          expect(t).toBeGreaterThan(0);
          expect(collectiveTimeS(op, n, S * 2, B, a)).toBeGreaterThan(t);
          expect(collectiveTimeS(op, n + 1, S, B, a)).toBeGreaterThanOrEqual(t);
          expect(collectiveTimeS(op, n, S, B * 2, a)).toBeLessThan(t);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('pipelined ring: per-step latency of unequal hops', () => {
  it('is the hop latency on equal hops, the slower of two hops, and 2L/(k-1) plus the rest on a two-site ring', () => {
    expect(pipelinedRingStepLatencyS(8 * 2e-6, 2e-6, 8)).toBeCloseTo(2e-6, 18);
    expect(pipelinedRingStepLatencyS(5e-3 + 2e-6, 2e-6, 2)).toBe(5e-3);
    // 8 nodes, 4 per site: two 5 ms hops and six of 2 us; the last chunk crosses 7 consecutive hops.
    expect(pipelinedRingStepLatencyS(2 * 5e-3 + 6 * 2e-6, 2e-6, 8)).toBeCloseTo((2 * 5e-3 + 5 * 2e-6) / 7, 15);
  });

  it('lies between the mean hop and the slowest hop, as a window of k - 1 of k hops must', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-7, max: 0.1, noNaN: true }), { minLength: 2, maxLength: 64 }), (hops) => {
        const sum = hops.reduce((a, b) => a + b, 0);
        const a = pipelinedRingStepLatencyS(sum, Math.min(...hops), hops.length);
        expect(a).toBeGreaterThanOrEqual((sum / hops.length) * (1 - 1e-12));
        expect(a).toBeLessThanOrEqual(Math.max(...hops) * (1 + 1e-12));
      }),
    );
  });
});

describe('a ring inside a node as NCCL runs it (intraNodeRingTimeS, NCCL 2.7-2.9 tuning.cc)', () => {
  const bw = 234e9; // A100 NVLink3 x 0.78
  it('small messages take LL: 3.6 us base + 0.47 us a step, a quarter of the bandwidth for all-reduce', () => {
    const bytes = 64 * 1024;
    const ll = 3.6e-6 + 14 * 0.47e-6 + ((14 / 8) * bytes) / (bw / 4);
    expect(intraNodeRingTimeS('all-reduce', 8, bytes, bw, 0.3e-6)).toBeCloseTo(ll, 12);
    // All-gather and reduce-scatter get a third of it inside a node.
    const llAg = 3.6e-6 + 7 * 0.47e-6 + ((7 / 8) * bytes) / (bw / 3);
    expect(intraNodeRingTimeS('all-gather', 8, bytes, bw, 0.3e-6)).toBeCloseTo(llAg, 12);
    expect(intraNodeRingTimeS('reduce-scatter', 8, bytes, bw, 0.3e-6)).toBeCloseTo(llAg, 12);
    // A path whose hop is slower than LL's 0.47 us step (the NVLink presets' 1 us) pays the hop.
    expect(intraNodeRingTimeS('all-reduce', 8, bytes, bw, 1e-6)).toBeCloseTo(3.6e-6 + 14 * 1e-6 + ((14 / 8) * bytes) / (bw / 4), 12);
  });
  it('tens of megabytes take LL128 (10 us + 1.9 us a step at 0.92); hundreds take Simple (8.4 us + 3.4 us at all of it)', () => {
    const mid = 16 * 2 ** 20;
    expect(intraNodeRingTimeS('all-reduce', 8, mid, bw, 1e-6)).toBeCloseTo(10e-6 + 14 * 1.9e-6 + ((14 / 8) * mid) / (0.92 * bw), 12);
    const big = 1024 * 2 ** 20;
    expect(intraNodeRingTimeS('all-reduce', 8, big, bw, 1e-6)).toBeCloseTo(8.4e-6 + 14 * 3.4e-6 + ((14 / 8) * big) / bw, 12);
  });
  it('never faster than the bare alpha-beta ring on the same path, and the same bandwidth term once latency no longer matters', () => {
    for (const bytes of [1e3, 1e5, 1e7, 1e9]) {
      expect(intraNodeRingTimeS('all-reduce', 8, bytes, bw, 1e-6)).toBeGreaterThan(ringAllReduceTimeS(8, bytes, bw, 1e-6));
      expect(intraNodeRingTimeS('all-gather', 4, bytes, bw, 1e-6)).toBeGreaterThan(allGatherTimeS(4, bytes, bw, 1e-6));
    }
    expect(intraNodeRingTimeS('all-reduce', 8, 1e10, bw, 1e-6) / ringAllReduceTimeS(8, 1e10, bw, 1e-6)).toBeLessThan(1.001);
  });
  it('a path whose hop is slower than NCCL\'s per-step latency pays the hop; one rank or no bytes costs nothing', () => {
    expect(intraNodeRingTimeS('all-gather', 8, 1e9, bw, 10e-6)).toBeCloseTo(8.4e-6 + 7 * 10e-6 + ((7 / 8) * 1e9) / bw, 12);
    expect(intraNodeRingTimeS('all-reduce', 1, 1e9, bw, 1e-6)).toBe(0);
    expect(intraNodeRingTimeS('all-reduce', 8, 0, bw, 1e-6)).toBe(0);
  });
  it('bus bandwidth on 8 A100 behind NVSwitch: 170 GB/s at 16 MB, 211 at 64 MB, 228 at 256 MB (nccl-tests: 120, 199, 221-235)', () => {
    const busbw = (mb: number): number => Math.round(busBandwidth('all-reduce', 8, mb * 2 ** 20, intraNodeRingTimeS('all-reduce', 8, mb * 2 ** 20, bw, 1e-6)) / 1e9);
    expect([busbw(16), busbw(64), busbw(256)]).toEqual([170, 211, 228]);
  });
});
