// A job a transfer comes `before` (its dataset) or `after` (its checkpoint) is not placed by where
// the data is: poolsim places it wherever its devices are free. Before, a dataset moved to one site
// held its job for 200 s, and the job then ran at the other site, with nothing said; the transfer
// after it sent its checkpoint from a site it never ran at. Now the load says so at the field.
import { describe, expect, it } from 'vitest';
import { scenarioFromText } from './helpers.js';

const text = (transfers: string, kinds = '', westDevice = 'H100'): string => `name: transfer-site
seed: 1
datacentres:
  - { name: east, node_groups: [{ count: 1, device: H100 }] }
  - { name: west, node_groups: [{ count: 1, device: ${westDevice} }] }
links:
  - { name: ew, between: [east, west], latency: 2ms, bandwidth: 400Gbps }
transfers:
${transfers}
workloads:
  - jobs:
      - { name: j, devices: 8, params: 1B, tokens: 1B${kinds} }
`;

const warnings = (t: string): string[] => scenarioFromText(t).warnings.map((w) => `${w.line}:${w.path}: ${w.message}`);

describe('transfers tied to a job that may run at another site', () => {
  it('warns a dataset sent before a job that may run away from it, at before', () => {
    const w = warnings(text('  - { name: data, from: east, to: west, size: 10TB, before: j }'));
    expect(w).toEqual([
      "9:transfers[0].before: job 'j' waits for this transfer to reach west, but poolsim places a job wherever its devices are free, not where its data is: it may run at east, away from the data",
    ]);
  });

  it('warns a checkpoint sent after a job that may have run elsewhere, at after', () => {
    const w = warnings(text('  - { name: ckpt, from: west, to: east, size: 1TB, after: j }'));
    expect(w).toEqual([
      "9:transfers[0].after: this transfer leaves west when job 'j' ends, but poolsim places a job wherever its devices are free: it may have run at east, and its data is then sent from a site it did not run at",
    ]);
  });

  it('says nothing when the job can only run at the transfer\'s end, or when no job is named', () => {
    // device_kinds only west has: the job runs there.
    expect(warnings(text('  - { name: data, from: east, to: west, size: 10TB, before: j }', ', device_kinds: [A100-80GB]', 'A100-80GB'))).toEqual([]);
    expect(warnings(text('  - { name: ckpt, from: west, to: east, size: 1TB, after: j }', ', device_kinds: [A100-80GB]', 'A100-80GB'))).toEqual([]);
    expect(warnings(text('  - { name: bulk, from: east, to: west, size: 10TB }'))).toEqual([]);
  });
});

describe('a transfer that starts at or after the horizon', () => {
  it('is warned at its start: it never runs', () => {
    // A transfer starting at 2 h under a 1 h horizon moved nothing and said nothing (its row in
    // transfers.csv has no start).
    const t = (start: string): string => `horizon: 1h\n${text(`  - { name: late, from: east, to: west, size: 1TB, start: ${start} }`)}`;
    const w = (start: string): string[] => warnings(t(start)).filter((m) => m.includes('transfers['));
    expect(w('2h')).toEqual(['10:transfers[0].start: starts at 2h, not before the horizon (60min): this transfer never runs']);
    expect(w('1h')).toHaveLength(1);
    expect(w('30min')).toEqual([]);
  });
});

describe("a transfer's connections where no link has a window", () => {
  it('is warned: connections only split a window cap, so without one they change nothing', () => {
    // A sweep of connections: 1, 4, 16 printed the same transfer time three times.
    const w = (extra: string, window = ''): string[] =>
      warnings(text(`  - { name: bulk, from: east, to: west, size: 1TB${extra} }`).replace('bandwidth: 400Gbps }', `bandwidth: 400Gbps${window} }`)).filter((m) => m.includes('transfers['));
    expect(w(', connections: 16')).toEqual([
      '9:transfers[0].connections: 16 connections change nothing here: connections only multiply the window / RTT cap of a link with a `window`, and no link of this scenario has one',
    ]);
    expect(w('')).toEqual([]);
    expect(w(', connections: 16', ', window: 16MiB')).toEqual([]);
  });
});
