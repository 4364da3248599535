// Same scenario and seed: byte-identical CSV; another seed: different output.
import { describe, expect, it } from 'vitest';
import { bundled, runToCsv } from './helpers.js';

describe('determinism', () => {
  it('gives identical bytes for one seed and different bytes for another', () => {
    const scenario = bundled('quickstart');
    const a = runToCsv(scenario);
    const b = runToCsv(bundled('quickstart'));
    expect(b.jobsCsv).toBe(a.jobsCsv);
    expect(b.summaryCsv).toBe(a.summaryCsv);
    const c = runToCsv(scenario, { seed: 7 });
    expect(c.jobsCsv).not.toBe(a.jobsCsv);
    expect(a.jobs.length).toBeGreaterThan(100);
  });
});
