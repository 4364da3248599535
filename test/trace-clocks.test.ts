import { describe, expect, it } from 'vitest';
import { loadWithFiles } from './helpers.js';

// Each trace is re-based to its own earliest submit time, so two traces cut from one cluster log
// (say one per team) do not share a clock: a job logged at 100 s in the second arrives at 0 s beside
// the first trace's. Nothing the scenario can write aligns them (a window counts from the same
// origin), so the scenario is told.
const pool = `
name: two-traces
network: ideal
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: H100 }]
`;
const trace = (name: string, path: string) => `  - trace: { name: ${name}, format: csv, path: ${path}, reference_device: H100, mapping: { submit: submit, duration: duration, devices: devices } }\n`;
const files = { 'a.csv': 'submit,duration,devices\n0,3600,8\n', 'b.csv': 'submit,duration,devices\n100,3600,8\n' };
const clockWarnings = (text: string) => loadWithFiles(text, files).warnings.filter((w) => w.message.includes('own earliest submit'));

describe('several job traces in one scenario', () => {
  it('are warned that each keeps its own clock, at the second trace', () => {
    const w = clockWarnings(`${pool}workloads:\n${trace('a', 'a.csv')}${trace('b', 'b.csv')}`);
    expect(w).toHaveLength(1);
    expect(w[0]!.message).toContain('2 job traces');
    expect(w[0]!.path).toBe('workloads[1].trace.path');
  });

  it('one trace is not', () => {
    expect(clockWarnings(`${pool}workloads:\n${trace('a', 'a.csv')}`)).toEqual([]);
  });
});
