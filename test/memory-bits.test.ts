// A device memory written with a lowercase-b bit unit (`memory: 80Gb`) is read as 80 gigabits,
// 10 GB: almost surely a typo for 80GB. Warned at its line, saying what it was read as and what to write.
import { describe, expect, it } from 'vitest';
import { scenarioFromText } from './helpers.js';

const warnings = (memory: string | number): string[] =>
  scenarioFromText(`name: bits
devices:
  H100: { memory: ${memory} }
datacentres:
  - name: east
    node_groups:
      - { name: a, count: 2, device: H100 }
workloads:
  - jobs: [{ name: j, devices: 8, duration: 1h, reference_device: H100 }]
`).warnings.map((w) => `${w.line}:${w.path}: ${w.message}`);

describe('a device memory written in bits', () => {
  it('warns 80Gb, read as 80 gigabits, and names 80GB', () => {
    expect(warnings('80Gb')).toEqual([
      "3:devices.H100.memory: '80Gb' is 80 gigabits, 10000000000 bytes (9.31 GiB): a lowercase b is a bit; write '80GB' or '80GiB' if bytes were meant",
    ]);
  });

  it('names the binary spelling for a binary bit unit', () => {
    expect(warnings('64Gibit')).toEqual([
      "3:devices.H100.memory: '64Gibit' is 64 gibibits, 8589934592 bytes (8.00 GiB): a lowercase b is a bit; write '64GiB' if bytes were meant",
    ]);
  });

  it('says nothing of a memory in bytes', () => {
    expect(warnings('80GB')).toEqual([]);
    expect(warnings('80GiB')).toEqual([]);
    expect(warnings(85899345920)).toEqual([]);
  });
});
