// links_timeseries.csv (--link-interval): each link's bytes per interval, adding up to links.csv,
// and asking for it changes no other output byte.
import { describe, expect, it } from 'vitest';
import { outputFiles, type OutputName } from '../src/experiment/output-sinks.js';
import { runScenario } from '../src/experiment/run-scenario.js';
import { bundled, poolsim } from './helpers.js';

function run(linkIntervalS?: number, name = 'policy-topology'): Map<OutputName, string> {
  const r = bundled(name);
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

describe('links_timeseries.csv', () => {
  const plain = run();
  const sampled = run(6 * 3600);
  it('changes no other output byte', () => {
    expect(plain.has('links_timeseries.csv')).toBe(false);
    for (const f of ['summary.csv', 'jobs.csv', 'links.csv'] as const) expect(sampled.get(f)).toBe(plain.get(f));
  });

  it("changes no byte of links.csv where a sample splits a job's steps (two-dc-latency, 30 min)", () => {
    // A sample used to account the running job's bytes up to it: the pieces' sum differed from the
    // whole in the last bits, and links.csv wrote 216960906982422 bytes (an integer, all its digits)
    // where the plain run wrote 216960907000000 (ten digits of a fraction).
    const a = run(undefined, 'two-dc-latency');
    const b = run(1800, 'two-dc-latency');
    expect(b.get('links_timeseries.csv')!.split('\n').length).toBeGreaterThan(100);
    for (const f of ['summary.csv', 'jobs.csv', 'links.csv'] as const) expect(b.get(f), f).toBe(a.get(f));
  });

  it("adds up, per link, to links.csv's bytes, over back-to-back intervals that end with the run, never above capacity", () => {
    const samples = rows(sampled.get('links_timeseries.csv')!);
    expect(samples.length).toBeGreaterThan(100);
    const byLink = new Map<string, number>();
    const ends = new Set<number>();
    for (const s of samples) {
      byLink.set(s.link!, (byLink.get(s.link!) ?? 0) + Number(s.bytes_carried));
      const start = Number(s.start_s);
      const end = Number(s.end_s);
      expect(end).toBeGreaterThan(start);
      // Interval bounds are multiples of 6 h, except the last, which ends with the run.
      expect(start % 21600).toBe(0);
      ends.add(end);
      expect(Number(s.utilisation)).toBeLessThanOrEqual(1 + 1e-9);
      expect(Number(s.utilisation)).toBeGreaterThan(0);
    }
    const summary = rows(sampled.get('summary.csv')!)[0]!;
    expect(Math.max(...ends)).toBeCloseTo(Number(summary.makespan_s), 3);
    for (const l of rows(sampled.get('links.csv')!)) {
      const total = byLink.get(l.link!) ?? 0;
      expect(Math.abs(total / Number(l.bytes_carried) - 1)).toBeLessThan(1e-8);
    }
  });

  it('CLI: a non-positive or unreadable interval is refused before anything runs', () => {
    const zero = poolsim('run', 'scenarios/policy-topology.yaml', '--link-interval', '0s', '--out', '/tmp/poolsim-lts-never');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("--link-interval: expected a positive duration such as '1h', got '0s'");
    const bad = poolsim('run', 'scenarios/policy-topology.yaml', '--link-interval', 'soon', '--out', '/tmp/poolsim-lts-never');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--link-interval');
  });
});
