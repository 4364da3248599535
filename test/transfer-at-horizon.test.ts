// A transfer still under way when the horizon stops the run: links.csv counted a transfer's bytes
// only when it ended, so a 100 TB transfer that kept a 100 Gb/s link full for the whole 2 h run
// left that link at 0 bytes and 0 utilisation there (and out of hot_links.csv), while
// links_timeseries.csv showed it at 100% in every interval. Its bytes sent so far now count. And
// transfers.csv had no row for it, nor for one that was to follow a job still running: as if the
// scenario had never asked for them. They now have their rows, without a finish.
import { describe, expect, it } from 'vitest';
import { outputFiles, type OutputName } from '../src/experiment/output-sinks.js';
import { runScenario } from '../src/experiment/run-scenario.js';
import { attachTimeline, type Timeline, type TraceEvent } from '../src/experiment/timeline.js';
import { Simulation, simulate } from '../src/sim/simulation.js';
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
  - { name: weights, from: b, to: a, size: 1GB, after: j }
  - { name: small, from: b, to: a, size: 1GB, start: 1h }
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

  it('has its row in transfers.csv, without a finish, as has one that never started', () => {
    const t = rows(run().get('transfers.csv')!);
    expect(t.map((r) => [r.transfer, r.start_s, r.finish_s, r.duration_s, r.mean_gbps, r.after_job, r.before_job])).toEqual([
      ['small', '3600', '3600.09', '0.09', '88.88888889', '', ''],
      ['dataset', '0', '', '', '', '', 'j'],
      ['weights', '', '', '', '', 'j', ''],
    ]);
  });

  it('counts in links.csv with the bytes it sent, as in links_timeseries.csv', () => {
    const plain = run();
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

  it('shows in the timeline up to the end, and one that never started not at all', () => {
    let timeline: Timeline | undefined;
    simulate(scenarioFromText(text), { observe: (sim) => void (timeline = attachTimeline(sim)) });
    const slices = (JSON.parse(timeline!.write()) as { traceEvents: TraceEvent[] }).traceEvents.filter((e) => e.cat === 'transfer');
    expect(slices.map((e) => [e.name, e.ts, Math.round(e.dur!)])).toEqual([
      ['small', 3600e6, 0.09e6],
      ['dataset', 0, 7200e6],
    ]);
  });
});
