// A training job alone among jobs on a long-haul link still shares it with the transfers that cross it
// (datasets, checkpoints, a disaggregated service's KV caches). While the job's rings send, they and
// the transfer each get half of the link (before 2026-12-07 the job read the link whole as long as no
// other job crossed it); the rest of its step the job computes, and over time it holds only its bytes
// per step / step time of the link, the transfer the rest (before 2026-12-07 the transfer had half of
// the link for its whole life: a 10 TB copy took 400 s where it takes 216 s).
import { describe, expect, it } from 'vitest';
import type { TransferRow } from '../src/sim/signals.js';
import { readFileSync } from 'node:fs';
import { repoPath, runToCsv, scenarioFromText } from './helpers.js';

// 7B, tp 8 x dp 6 over three 8-GPU H100 nodes a site, nothing of the reduction hidden: each of the
// 8 rings crosses the 400 Gb/s (50 GB/s) link, 6.25 GB/s a rank alone; 2,000 steps of 1M tokens.
const scenario = (transfer: string): string => `name: transfer-shares
seed: 3
datacentres:
  - name: east
    fabric: IB-NDR
    node_groups: [{ name: e, count: 3, device: H100 }]
  - name: west
    fabric: IB-NDR
    node_groups: [{ name: w, count: 3, device: H100 }]
links:
  - { name: wan, between: [east, west], latency: 2ms, bandwidth: 400Gbps }
workloads:
  - jobs:
      - { name: j, devices: 48, params: 7B, tokens: 2B, model: { global_batch: 1M, recompute: selective }, layout: { tp: 8, dp: 6, dp_overlap: 0 } }
${transfer}policy: fifo
placement: first-fit
`;

function run(transfer: string): { finishS: number; stepS: number; transfers: TransferRow[] } {
  const transfers: TransferRow[] = [];
  const r = runToCsv(scenarioFromText(scenario(transfer)), { transferSink: (row) => transfers.push({ ...row }) });
  const j = r.jobs.find((x) => x.job_id === 'j')!;
  return { finishS: j.finish_s, stepS: j.step_time_s, transfers };
}

describe('a job and a transfer on one long-haul link', () => {
  it('the job competes for the link only while its rings send: the transfer has the rest, by hand', () => {
    const alone = run('');
    const shared = run('transfers:\n  - { name: bulk, from: east, to: west, size: 10TB, start: 1000s }\n');
    // While the job's rings send, the transfer and the ring flow east -> west share the 50 GB/s link
    // max-min (25 GB/s each), so the job's reduction's bandwidth term doubles: 32 buckets x 2(6-1)/6 x
    // (1.75 GB / 32) / 6.25 GB/s = 0.4667 s of S0 alone, S1 = S0 + 0.4667 s beside the transfer.
    const s0 = alone.stepS;
    expect(alone.finishS).toBeCloseTo(2000 * s0, 6);
    const s1 = s0 + (32 * ((2 * 5) / 6) * (1.75e9 / 32)) / 6.25e9;
    // Over a step the ring flow east -> west carries its 8 ranks' 2(6-1)/6 x 1.75 GB, 23.33 GB: the job
    // uses 23.33 GB / S1 = 3.65 GB/s of the link on average (its demand; about 7% of it), and the
    // transfer has the rest, 46.35 GB/s: 10 TB in 215.8 s (+ 2 ms latency), not the 400 s of half
    // the link for its whole life.
    const demand = (8 * ((2 * 5) / 6) * 1.75e9) / s1;
    const transferS = 10e12 / (50e9 - demand);
    const t = shared.transfers.find((x) => x.transfer === 'bulk')!;
    expect(t.duration_s).toBeCloseTo(transferS + 0.002, 6);
    expect(t.duration_s).toBeLessThan(216);
    // The job runs at S1 for the transfer's life and at S0 otherwise: it loses transferS x (1 - S0 / S1) s.
    const expected = alone.finishS + transferS * (1 - s0 / s1);
    expect(shared.finishS).toBeGreaterThan(alone.finishS + 10);
    expect(shared.finishS).toBeCloseTo(expected, 3);
  });

  it('a transfer west to east meets the job\'s other ring hop the same way', () => {
    const alone = run('');
    // The link's west -> east direction carries the ring's other crossing (w2 -> e0), as much as east -> west.
    const reverse = run('transfers:\n  - { name: back, from: west, to: east, size: 10TB, start: 1000s }\n');
    const forward = run('transfers:\n  - { name: bulk, from: east, to: west, size: 10TB, start: 1000s }\n');
    expect(reverse.finishS).toBeCloseTo(forward.finishS, 6);
    expect(reverse.transfers[0]!.duration_s).toBeCloseTo(forward.transfers[0]!.duration_s, 6);
    expect(alone.transfers).toEqual([]);
  });

  it('the link is all the transfer\'s once the job ends, by hand', () => {
    const alone = run('');
    const s0 = alone.stepS;
    const s1 = s0 + (32 * ((2 * 5) / 6) * (1.75e9 / 32)) / 6.25e9;
    const startS = Math.round(alone.finishS) - 100;
    const shared = run(`transfers:\n  - { name: bulk, from: east, to: west, size: 10TB, start: ${startS}s }\n`);
    // The job's last (alone.finishS - startS) s of work at S0 take that x S1 / S0 beside the transfer,
    // which has 50 GB/s less the job's demand meanwhile, and the whole link after.
    const overlapS = ((alone.finishS - startS) * s1) / s0;
    expect(shared.finishS).toBeCloseTo(startS + overlapS, 3);
    const sentBeside = (50e9 - (8 * ((2 * 5) / 6) * 1.75e9) / s1) * overlapS;
    expect(shared.transfers[0]!.duration_s).toBeCloseTo(overlapS + (10e12 - sentBeside) / 50e9 + 0.002, 3);
  });

  it("docs/network.md's worked case says what the run gives", () => {
    const doc = readFileSync(repoPath('docs/network.md'), 'utf8').replace(/\s+/g, ' ');
    const alone = run('');
    const shared = run('transfers:\n  - { name: bulk, from: east, to: west, size: 10TB, start: 1000s }\n');
    const t = shared.transfers[0]!;
    expect(doc).toContain(`S0 = ${alone.stepS.toFixed(4)} s`);
    expect(doc).toContain(`10 TB in ${(t.duration_s - 0.002).toFixed(2)} s (+ 2 ms of latency), ${t.mean_gbps.toFixed(1)} Gb/s on average`);
    expect(doc).toContain(`= ${(shared.finishS - alone.finishS).toFixed(2)} s (${grouped(shared.finishS)} s against ${grouped(alone.finishS)} s alone)`);
  });
});

const grouped = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
