// A long-haul link's latency or bandwidth that no real link has is warned at its line: the likely
// cause is a number without a unit, read in base units (`latency: 2` is 2 s, `bandwidth: 400` is
// 400 bytes/s), and a run with it would print confident numbers about a link nobody meant.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { bundled, scenarioFromText } from './helpers.js';

const scenario = (link: string): string => `name: links
datacentres:
  - { name: east, node_groups: [{ name: a, count: 2, device: H100 }] }
  - { name: west, node_groups: [{ name: b, count: 2, device: H100 }] }
links:
  - { between: [east, west], ${link} }
workloads:
  - jobs: [{ name: j, devices: 8, params: 7B, tokens: 1B }]
`;

const warnings = (link: string): string[] => scenarioFromText(scenario(link)).warnings.map((w) => `${w.line}:${w.path}: ${w.message}`);

describe('implausible inter-DC link figures', () => {
  it('warns a bare latency read as seconds, at its line, with the likely meaning', () => {
    const w = warnings('latency: 2, bandwidth: 400Gbps');
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^6:links\[0\]\.latency: a one-way latency of 2s is more than twice the longest fibre path/);
    expect(w[0]).toContain("write '2ms' if milliseconds were meant");
  });

  it('warns a bare bandwidth read as bytes per second', () => {
    const w = warnings('latency: 2ms, bandwidth: 400');
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^6:links\[0\]\.bandwidth: 400 bytes\/s \(3\.2 kb\/s\) is slower than any link between sites/);
    expect(w[0]).toContain("write '400Gbps' if gigabits were meant");
  });

  it('names the likely slip for a figure with a unit: a unit one letter short, not a missing one', () => {
    // '2m' is two minutes (m is minutes in every duration poolsim reads); 2 ms was meant, not 120 ms.
    const lat = warnings('latency: 2m, bandwidth: 400Gbps');
    expect(lat).toHaveLength(1);
    expect(lat[0]).toMatch(/^6:links\[0\]\.latency: a one-way latency of 2min is more than twice the longest fibre path/);
    expect(lat[0]).toContain("'2m' is 2min: write '2ms' if milliseconds were meant");
    expect(lat[0]).not.toContain('without a unit');
    const bw = warnings('latency: 2ms, bandwidth: 400kbps');
    expect(bw).toHaveLength(1);
    expect(bw[0]).toContain("'400kbps' is 400 kb/s: write '400Gbps' if gigabits were meant");
    expect(bw[0]).not.toContain('without a unit');
  });

  it('warns a bandwidth faster than any cable between sites', () => {
    // 1e300 bytes/s was taken without a word: every transfer and collective over it timed as free.
    const bare = warnings('latency: 2ms, bandwidth: 1e300');
    expect(bare).toEqual([
      '6:links[0].bandwidth: 1e+300 bytes/s (8e+276 Yb/s) is faster than any link between sites (the largest submarine cables carry about 250 Tb/s over all their fibres), so every transfer and collective crossing it is timed as if its bytes took no time; the number as written is bytes per second: check its exponent',
    ]);
    const unit = warnings('latency: 2ms, bandwidth: 400Pbps');
    expect(unit).toHaveLength(1);
    expect(unit[0]).toContain("'400Pbps' is 400 Pb/s: write '400Gbps' if gigabits were meant");
    expect(warnings("latency: 2ms, bandwidth: '250Tbps'")).toEqual([]);
  });

  it('warns a transfer of less than a megabyte: a bare size is bytes', () => {
    // `size: 2` was a 2-byte transfer, timed in microseconds without a word.
    const text = (size: string) => scenario('latency: 2ms, bandwidth: 400Gbps').replace('workloads:', `transfers: [{ name: t, from: east, to: west, size: ${size} }]\nworkloads:`);
    const w = (size: string) => scenarioFromText(text(size)).warnings.map((i) => `${i.line}:${i.path}: ${i.message}`);
    expect(w('2')).toEqual([
      "7:transfers[0].size: a transfer of 2 B is less than any dataset, checkpoint or model moved between sites (a megabyte at least); a number without a unit is bytes: write '2GB' if gigabytes were meant",
    ]);
    expect(w('2kB')).toEqual([expect.stringContaining("'2kB' is 2 kB: write '2GB' if gigabytes were meant")]);
    expect(w('1MB')).toEqual([]);
    expect(w('1TB')).toEqual([]);
  });

  it('warns a window smaller than one packet: a bare window is bytes', () => {
    // `window: 16` was a 16-byte window, capping each connection at 16 B per 4 ms round trip: a
    // 1 GB transfer took 250,000 s (2.9 days) without a word.
    const w = warnings('latency: 2ms, bandwidth: 400Gbps, window: 16');
    expect(w).toEqual([
      "6:links[0].window: a window of 16 B is less than one Ethernet packet (1,500 bytes), so a connection over this link carries at most 16 B per round trip; a number without a unit is bytes: write '16MiB' if mebibytes were meant",
    ]);
    expect(warnings('latency: 2ms, bandwidth: 400Gbps, window: 512b')).toEqual([expect.stringContaining("'512b' is 64 B: write '512MiB' if mebibytes were meant")]);
    for (const window of ['16MiB', '64KiB', '64kb', '1500', '4MB']) expect(warnings(`latency: 2ms, bandwidth: 400Gbps, window: ${window}`), window).toEqual([]);
  });

  it('warns a latency of zero between sites, which no two sites have', () => {
    for (const link of ['latency: 0, bandwidth: 400Gbps', 'latency: 0s, bandwidth: 400Gbps', "latency: '0us', bandwidth: 400Gbps"]) {
      const w = warnings(link);
      expect(w, link).toHaveLength(1);
      expect(w[0]).toMatch(/^6:links\[0\]\.latency: a one-way latency of 0 s between two sites: .* \(about 5 us per km\)$/);
    }
  });

  it('says nothing of real links, the longest and slowest included', () => {
    for (const link of ['latency: 2ms, bandwidth: 400Gbps', 'latency: 150ms, bandwidth: 1Mbps', 'latency: 0.2, bandwidth: 125000', 'latency: 1us, bandwidth: 400Gbps', "latency: 5us, bandwidth: '3.2Tbps'"]) {
      expect(warnings(link), link).toEqual([]);
    }
  });

  it('warns a link nothing crosses: network: ideal without transfers or services', () => {
    // A latency sweep on such a file printed the same row for every latency, without a word.
    const ideal = scenario('latency: 2ms, bandwidth: 400Gbps').replace('workloads:', 'network: ideal\nworkloads:');
    const w = scenarioFromText(ideal).warnings.map((i) => `${i.line}:${i.path}: ${i.message}`);
    expect(w).toEqual([expect.stringMatching(/^6:links\[0\]: `network: ideal` times jobs without the network .* nothing crosses this link: its latency and bandwidth change no result/)]);
    // A transfer crosses it, and under network: flow jobs do.
    const transfer = ideal.replace('workloads:', 'transfers: [{ name: t, from: east, to: west, size: 1TB }]\nworkloads:');
    expect(scenarioFromText(transfer).warnings).toEqual([]);
    expect(scenarioFromText(scenario('latency: 2ms, bandwidth: 400Gbps')).warnings).toEqual([]);
  });

  it('warns a link nothing crosses: network: flow where no job has a model size', () => {
    // Jobs without `params` (every trace's, and those given by a run time) are timed without the
    // network: a latency sweep over a trace replay printed the same row for every latency.
    const unsized = scenario('latency: 2ms, bandwidth: 400Gbps').replace('params: 7B, tokens: 1B', 'duration: 1h, reference_device: H100');
    const w = scenarioFromText(unsized).warnings.map((i) => `${i.line}:${i.path}: ${i.message}`);
    expect(w).toEqual([expect.stringMatching(/^6:links\[0\]: every job here is timed without the network \(none has a model size, `params`.* nothing crosses this link: its latency and bandwidth change no result \(give a multi-node job its `params`/)]);
    // One sized generator is enough; so is a transfer.
    const generator = unsized.replace(/  - jobs: .*\n/, '  - generator: { count: 2, arrival: { process: poisson, rate: 1/h }, devices: 16, params: 7B, tokens: 1B }\n');
    expect(scenarioFromText(generator).warnings).toEqual([]);
    const transfer = unsized.replace('workloads:', 'transfers: [{ name: t, from: east, to: west, size: 1TB }]\nworkloads:');
    expect(scenarioFromText(transfer).warnings).toEqual([]);
  });

  it('says nothing of any bundled scenario', () => {
    for (const f of readdirSync('scenarios').filter((n) => n.endsWith('.yaml'))) {
      const messages = bundled(f.replace(/\.yaml$/, '')).warnings.map((w) => w.message);
      expect(messages.filter((m) => /longest fibre path|(slower|faster) than any link|latency of 0 s|a transfer of .* is less than any|less than one Ethernet packet/.test(m)), f).toEqual([]);
    }
  });
});
