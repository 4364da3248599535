// compare and sweep say what run says of a scenario: a figure no hardware has is warned before any
// result. They dropped every warning, so `sweep --set links[0].latency=1ms,2` (2 is 2 s) or a
// compare of a file with `latency: 1` printed its 3% ECR without a word, where run warns.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poolsim } from './helpers.js';

const out = (): string => mkdtempSync(join(tmpdir(), 'poolsim-warnings-'));
const warnings = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('warning: '));

describe('experiment warnings', () => {
  it("sweep warns a swept value that run would warn of, naming the point, and only that point", () => {
    const r = poolsim('sweep', 'scenarios/two-dc-latency.yaml', '--set', 'links[0].latency=1ms,2', '--out', out(), '--workers', '1');
    expect(r.code, r.stderr).toBe(0);
    const w = warnings(r.stderr);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^warning: scenarios\/two-dc-latency\.yaml:22:\d+: links\[0\]\.latency: a one-way latency of 2s is more than twice the longest fibre path .* \(sweep point links\[0\]\.latency=2\)$/);
  });

  it("compare and sweep warn once what every point of the file has", () => {
    const dir = out();
    const file = join(dir, 's.yaml');
    writeFileSync(file, readFileSync('scenarios/two-dc-latency.yaml', 'utf8').replace('latency: 1ms', 'latency: 1'));
    const compare = poolsim('compare', file, '--out', join(dir, 'c'), '--workers', '1');
    expect(compare.code, compare.stderr).toBe(0);
    expect(warnings(compare.stderr)).toEqual([expect.stringMatching(/^warning: .*s\.yaml:22:58: links\[0\]\.latency: a one-way latency of 1s .*write '1ms' if milliseconds were meant$/)]);
    const sweep = poolsim('sweep', file, '--set', 'links[0].bandwidth=400Gbps,800Gbps', '--out', join(dir, 's'), '--workers', '1');
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(warnings(sweep.stderr)).toHaveLength(1);
    expect(warnings(sweep.stderr)[0]).not.toContain('sweep point');
  });

  it('--quiet keeps them out, as it does for run', () => {
    const r = poolsim('sweep', 'scenarios/two-dc-latency.yaml', '--set', 'links[0].latency=1ms,2', '--out', out(), '--workers', '1', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });
});
