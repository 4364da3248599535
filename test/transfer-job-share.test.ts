// A training job alone among jobs on a long-haul link still shares it with the transfers that cross it
// (datasets, checkpoints, a disaggregated service's KV caches): max-min gives the transfer its share
// of the link, so the job's rings have only the rest. The job read the whole link as long as no other
// job crossed it, so a 10 TB transfer at half of a 400 Gb/s link left a two-site job's step at its
// time alone (5.922 s, its rings timed at the whole 50 GB/s while the transfer had 25 GB/s of it)
// where the half left to it gives 6.389 s.
import { describe, expect, it } from 'vitest';
import type { TransferRow } from '../src/sim/signals.js';
import { runToCsv, scenarioFromText } from './helpers.js';

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
  it('share it max-min: the job runs at half the link while the transfer crosses, by hand', () => {
    const alone = run('');
    const shared = run('transfers:\n  - { name: bulk, from: east, to: west, size: 10TB, start: 1000s }\n');
    // The transfer gets half of 50 GB/s beside the job's ring flow: 10 TB in 400 s (+ 2 ms latency).
    const t = shared.transfers.find((x) => x.transfer === 'bulk')!;
    expect(t.duration_s).toBeCloseTo(400, 1);
    // Alone: 2,000 steps of S0; the reduction's bandwidth term is 32 buckets x 2(6-1)/6 x (1.75 GB / 32)
    // / 6.25 GB/s = 0.4667 s of it. At half the link (3.125 GB/s a rank) that term doubles: S1 = S0 +
    // 0.4667 s for the transfer's 400 s, so the job loses 400 x (1 - S0 / S1) s of progress.
    const s0 = alone.stepS;
    expect(alone.finishS).toBeCloseTo(2000 * s0, 6);
    const s1 = s0 + (32 * ((2 * 5) / 6) * (1.75e9 / 32)) / 6.25e9;
    const expected = alone.finishS + 400 * (1 - s0 / s1);
    expect(shared.finishS).toBeGreaterThan(alone.finishS + 20);
    expect(shared.finishS).toBeCloseTo(expected, 3);
  });
});
