// Nominal quotas that add up to more devices than the pool has passed validate in silence: a queue
// "guaranteed" 200 H100 on a 32-H100 pool. Kueue allows it (it does not check quotas against
// nodes), so it is warned, not refused: a plan relying on the guarantees should know they overlap.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { scenarioFromText } from './helpers.js';

const bundledText = readFileSync(new URL('../scenarios/tenants-kueue.yaml', import.meta.url), 'utf8');
const warningsOf = (text: string): string[] => scenarioFromText(text, 'k.yaml').warnings.map((w) => `${w.line}:${w.path}: ${w.message}`);

describe('nominal quotas against the pool', () => {
  it('says nothing when the quotas add up to the pool (the bundled cohort: 32 of each kind)', () => {
    expect(warningsOf(bundledText)).toEqual([]);
  });

  it('warns per kind when queues and cohorts together promise more devices than the pool has', () => {
    const over = bundledText.replace('H100: { nominal: 20, borrowing_limit: 32 }', 'H100: { nominal: 200, borrowing_limit: 32 }').replace('V100-SXM2-32GB: { nominal: 32, lending_limit: 16 }', 'V100-SXM2-32GB: { nominal: 33, lending_limit: 16 }');
    expect(over).not.toBe(bundledText);
    const w = warningsOf(over);
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^\d+:tenants\.queues: the nominal quotas of H100 add up to 212 devices, more than the pool's 32: not every queue can hold its nominal quota at once/);
    expect(w[1]).toMatch(/the nominal quotas of V100-SXM2-32GB add up to 33 devices, more than the pool's 32/);
  });
});
