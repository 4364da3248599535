// A duration measured on a reference kind that cannot run the job alone (too few of its devices in
// the pool, or no layout of them holds the model): the step model cannot turn the duration into
// work there, and the run fell back to peak x efficiency without a word. Listed jobs and every pair
// a generator can draw are now warned (too few devices) or refused (the model does not fit).
import { describe, expect, it } from 'vitest';
import { scenarioFromText } from './helpers.js';

const text = (workload: string, network = 'flow'): string => `name: ref
seed: 1
network: ${network}
datacentres:
  - name: east
    fabric: IB-NDR
    node_groups:
      - { name: h100, count: 2, device: H100 }
      - { name: a40, count: 1, device: A100-40GB }
workloads:
  - ${workload}
`;
const warnings = (t: string): string => scenarioFromText(t).warnings.map((w) => `${w.path}: ${w.message}`).join('\n');

describe('a listed job measured on a kind that cannot run it', () => {
  it('is refused at reference_device when the model fits no layout of its devices there (30B on 8 A100-40GB; it fits 8 H100)', () => {
    expect(() => scenarioFromText(text('jobs: [{ name: j, devices: 8, duration: 2h, reference_device: A100-40GB, params: 30B }]'))).toThrow(
      /test\.yaml:\d+:\d+: workloads\[0\]\.jobs\[0\]\.reference_device: the model fits no layout of 8 A100-40GB devices: .*was not measured there/,
    );
  });

  it('is warned when the pool has too few of the kind, as before', () => {
    expect(warnings(text('jobs: [{ name: j, devices: 16, duration: 2h, reference_device: A100-40GB, params: 7B }]'))).toMatch(/jobs\[0\]\.duration: the pool has 8 A100-40GB devices, fewer than the job's 16/);
  });

  it('is left alone where the step model does not time it (network: ideal)', () => {
    expect(() => scenarioFromText(text('jobs: [{ name: j, devices: 8, duration: 2h, reference_device: A100-40GB, params: 30B }]', 'ideal'))).not.toThrow();
  });
});

describe('a generator measured on a kind that cannot run some of its jobs', () => {
  it('names the generator, each pair and its reason', () => {
    const w = warnings(text('generator: { name: g, count: 4, arrival: { process: fixed, interval: 1h }, devices: { distribution: empirical, values: [8, 16] }, duration: 2h, reference_device: A100-40GB, params: { distribution: empirical, values: [7B, 30B] } }'));
    expect(w).toMatch(/workloads\[0\]\.generator\.reference_device: generator 'g': 3 of the 4 \(devices, params\) pairs it can draw that the pool can run cannot run alone on the reference kind/);
    expect(w).toContain('30B parameters on 8 devices (the model fits no layout of 8 A100-40GB devices');
    expect(w).toContain('7B parameters on 16 devices (the pool has 8 A100-40GB devices, fewer than the job\'s 16)');
  });

  it('is refused when no job it can draw fits the kind', () => {
    expect(() => scenarioFromText(text('generator: { name: g, count: 4, arrival: { process: fixed, interval: 1h }, devices: 8, duration: 2h, reference_device: A100-40GB, params: 30B }'))).toThrow(
      /workloads\[0\]\.generator\.reference_device: generator 'g': no job it can generate fits A100-40GB's memory/,
    );
  });

  it('a continuous device count: the share of draws above the kind', () => {
    expect(warnings(text('generator: { name: g, count: 4, arrival: { process: fixed, interval: 1h }, devices: { distribution: uniform, min: 1, max: 16 }, duration: 2h, reference_device: A100-40GB, params: 7B }'))).toMatch(
      /generator 'g': about \d+% of the jobs it generates need more than the pool's 8 A100-40GB devices/,
    );
  });
});
