// A transfer still under way when the horizon stops the run: links.csv counted a transfer's bytes
// only when it ended, so a 100 TB transfer that kept a 100 Gb/s link full for the whole 2 h run
// left that link at 0 bytes and 0 utilisation there (and out of hot_links.csv), while
// links_timeseries.csv showed it at 100% in every interval. Its bytes sent so far now count.
import { describe, expect, it } from 'vitest';
import { outputFiles, type OutputName } from '../src/experiment/output-sinks.js';
import { runScenario } from '../src/experiment/run-scenario.js';
import { Simulation } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';

const text = `name: transfer-at-horizon
horizon: 2h
datacentres:
  - { name: a, node_groups: [{ name: ha, count: 1, device: H100 }] }
  - { name: b, node_groups: [{ name: hb, count: 1, device: H100 }] }
links:
  - { name: ab, between: [a, b], latency: 10ms, bandwidth: 100Gbps }
transfers:
  - { name: dataset, from: a, to: b, size: 100TB, before: j }
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

describe('a transfer the horizon stops', () => {
  // 100 Gb/s = 12.5 GB/s for 7,200 s: 90 TB of the 100 TB sent, the link full all along.
  const sent = 12.5e9 * 7200;

  it('counts in links.csv with the bytes it sent, as in links_timeseries.csv', () => {
    const plain = run();
    expect(rows(plain.get('transfers.csv')!)).toEqual([]);
    const ab = rows(plain.get('links.csv')!).find((r) => r.link === 'ab:a->b')!;
    expect(Number(ab.bytes_carried) / sent).toBeCloseTo(1, 9);
    expect(Number(ab.utilisation)).toBeCloseTo(1, 9);
    const series = rows(run(3600).get('links_timeseries.csv')!).filter((r) => r.link === 'ab:a->b');
    expect(series.map((r) => Number(r.utilisation))).toEqual([1, 1]);
    expect(series.reduce((s, r) => s + Number(r.bytes_carried), 0) / Number(ab.bytes_carried)).toBeCloseTo(1, 12);
  });

  it('counts in hot_links.csv under its name', () => {
    const sim = new Simulation(scenarioFromText(text), {});
    sim.network!.trackLinkUsers();
    const r = sim.run();
    const ab = sim.network!.hotLinks(r.endS, 10, 3).find((h) => h.link === 'ab:a->b');
    expect(ab?.utilisation).toBeCloseTo(1, 9);
    expect(ab?.users.map((u) => u.user)).toEqual(['dataset']);
    expect(ab!.users[0]!.bytes / sent).toBeCloseTo(1, 9);
  });
});
