// Energy, cost and carbon: busy and idle power, host overhead, PUE, and daily price and carbon
// profiles integrated hour by hour.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hourOverlap } from '../src/sim/metrics.js';
import { repoPath, runToCsv, scenarioFromText } from './helpers.js';

describe('hour-of-day accounting', () => {
  it('splits an interval over the hours of the day, whole days included', () => {
    const out = new Float64Array(24);
    hourOverlap(1800, 3 * 3600 + 600, out);
    expect(out[0]).toBe(1800);
    expect(out[1]).toBe(3600);
    expect(out[2]).toBe(3600);
    expect(out[3]).toBe(600);
    hourOverlap(23 * 3600, 23 * 3600 + 2 * 86400 + 7200, out);
    expect(out[23]).toBe(2 * 3600 + 3600);
    expect(out[0]).toBe(2 * 3600 + 3600);
    expect(out[5]).toBe(2 * 3600);
    expect(out.reduce((a, b) => a + b, 0)).toBe(2 * 86400 + 7200);
  });
});

describe('energy, cost and carbon', () => {
  const pool = (price: string, carbon: string) => `name: energy
network: ideal
datacentres:
  - name: dc
    pue: 1.5
    electricity_price: ${price}
    carbon_intensity: ${carbon}
    node_groups: [{ count: 1, device: H100, host_power: 2kW }]
workloads:
  - jobs:
      - { name: j, devices: 4, duration: 6h, reference_device: H100 }
`;
  const profile = (first6: number, rest: number): string => `[${[...Array(24)].map((_, h) => (h < 6 ? first6 : rest)).join(', ')}]`;

  it('busy devices at busy power, idle ones at idle power, host overhead always, times PUE', () => {
    const r = runToCsv(scenarioFromText(pool('0.1', '0.5'))).summary;
    // 4 busy H100 (700 W) and 4 idle (140 W) for 6 h, plus a 2 kW host, at PUE 1.5.
    const kwh = ((4 * 700 + 4 * 140 + 2000) * 6 * 1.5) / 1000;
    expect(r.energy_kwh).toBeCloseTo(kwh, 6);
    expect(r.energy_cost).toBeCloseTo(kwh * 0.1, 6);
    expect(r.co2_kg).toBeCloseTo(kwh * 0.5, 6);
  });

  it('a daily profile prices each hour at its own figure', () => {
    const r = runToCsv(scenarioFromText(pool(profile(0.3, 0), profile(0, 0.9)))).summary;
    const kwh = ((4 * 700 + 4 * 140 + 2000) * 6 * 1.5) / 1000;
    expect(r.energy_cost).toBeCloseTo(kwh * 0.3, 6); // the job ran in hours 0-5 only
    expect(r.co2_kg).toBeCloseTo(0, 9);
  });

  it('carbon-aware placement emits less than first-fit between a near dirty site and a remote green one, and the link latency costs compute', () => {
    const text = readFileSync(repoPath('scenarios/green-site.yaml'), 'utf8');
    const green = runToCsv(scenarioFromText(text)).summary;
    const firstFit = runToCsv(scenarioFromText(text.replace(/^placement: .*$/m, 'placement: first-fit'))).summary;
    expect(green.co2_kg).toBeLessThan(firstFit.co2_kg * 0.97);
    expect(green.energy_cost).toBeLessThan(firstFit.energy_cost);
    const far = runToCsv(scenarioFromText(text.replace('latency: 5ms', 'latency: 20ms'))).summary;
    const close = runToCsv(scenarioFromText(text.replace('latency: 5ms', 'latency: 100us'))).summary;
    expect(far.effective_compute_ratio_allocated).toBeLessThan(close.effective_compute_ratio_allocated);
  });
});
