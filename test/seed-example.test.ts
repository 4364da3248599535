// The seed article's worked example (design.md): GPT-3 on DGX-2 at 21.3% effective compute.
import { describe, expect, it } from 'vitest';
import { bundled, runToCsv } from './helpers.js';

describe('seed example: GPT-3 on DGX-2', () => {
  it('reproduces 8,559 server-days and 2,464,992 kWh within 0.5%', () => {
    const r = runToCsv(bundled('seed-gpt3-dgx2'));
    const serverDays = r.summary.busy_device_hours / 24;
    expect(Math.abs(serverDays - 8559) / 8559).toBeLessThan(0.005);
    expect(Math.abs(r.summary.energy_kwh - 2_464_992) / 2_464_992).toBeLessThan(0.005);
    expect(r.summary.useful_pflop * 1e15).toBeCloseTo(3.15e23, -19);
    expect(r.summary.effective_compute_ratio_allocated).toBeCloseTo(0.213, 6);
  });
});
