// links_timeseries.csv counts a transfer's bytes as they cross, not all in the interval it ends:
// a 100 GB transfer over a 40 Gb/s link (2.24 GB/s, window-capped) for 45 s showed the link at
// 200% of its capacity in its last 10 s interval, and idle before.
import { describe, expect, it } from 'vitest';
import { outputFiles, type OutputName } from '../src/experiment/output-sinks.js';
import { runScenario } from '../src/experiment/run-scenario.js';
import { scenarioFromText } from './helpers.js';

const text = `name: transfer-series
datacentres:
  - { name: a, node_groups: [{ name: ha, count: 1, device: H100 }] }
  - { name: b, node_groups: [{ name: hb, count: 1, device: H100 }] }
  - { name: c, node_groups: [{ name: hc, count: 1, device: H100 }] }
links:
  - { name: ab, between: [a, b], latency: 10ms, bandwidth: 100Gbps, window: 16MiB }
  - { name: bc, between: [b, c], latency: 5ms, bandwidth: 40Gbps }
transfers:
  - { name: t1, from: a, to: c, size: 100GB, connections: 4 }
  - { name: t2, from: a, to: b, size: 100GB }
workloads:
  - jobs: [{ name: j, devices: 8, duration: 1h, reference_device: H100 }]
`;

function run(linkIntervalS?: number): Map<OutputName, string> {
  const r = scenarioFromText(text);
  const files = outputFiles(r, linkIntervalS !== undefined ? { linkIntervalS } : {});
  const out = new Map<OutputName, string>();
  runScenario(r, { ...(linkIntervalS !== undefined ? { linkIntervalS } : {}), outputs: { files, write: (f, t) => out.set(f, (out.get(f) ?? '') + t) } });
  return out;
}
const rows = (csv: string): Record<string, string>[] => {
  const [head, ...lines] = csv.trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
};

describe('links_timeseries.csv with transfers', () => {
  const sampled = run(10);
  const series = rows(sampled.get('links_timeseries.csv')!).filter((r) => !r.link!.startsWith('nic'));

  it('never shows a link above its capacity, and spreads a transfer over the intervals it crosses', () => {
    for (const r of series) expect(Number(r.utilisation), `${r.link} ${r.start_s}`).toBeLessThanOrEqual(1 + 1e-9);
    // t1 (a -> c over ab and bc) runs at 4 connections x 16 MiB / 30 ms RTT = 2.237 GB/s for 44.7 s:
    // bc (5 GB/s) is 44.7% busy in each full interval it crosses.
    const bc = series.filter((r) => r.link === 'bc:b->c');
    expect(bc.map((r) => r.start_s)).toEqual(['0', '10', '20', '30', '40']);
    expect(Number(bc[0]!.utilisation)).toBeCloseTo((4 * 2 ** 24) / 0.03 / 5e9, 9);
  });

  it("adds up per link to links.csv and changes no other output", () => {
    const plain = run();
    for (const f of ['summary.csv', 'jobs.csv', 'links.csv', 'transfers.csv'] as const) expect(sampled.get(f)).toBe(plain.get(f));
    for (const l of rows(sampled.get('links.csv')!)) {
      const total = series.filter((r) => r.link === l.link).reduce((s, r) => s + Number(r.bytes_carried), 0);
      if (!l.link!.startsWith('nic')) expect(Math.abs(total / Number(l.bytes_carried) - 1), l.link).toBeLessThan(1e-9);
    }
  });
});
