// compare's and sweep's default table: a scenario of services alone showed its jobs' queueing
// delays, completion time and makespan as '-' in every run (inference-azure-trace's time_scale sweep:
// four such columns before its services' own); a scenario with jobs keeps them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poolsim, repoPath } from './helpers.js';

const out = (): string => join(mkdtempSync(join(tmpdir(), 'poolsim-default-metrics-')), 'out');
const JOB_ONLY = /^ {2}(queueing_delay_mean_s|queueing_delay_p95_s|jct_mean_s|makespan_s) /m;

describe("compare's default metrics", () => {
  it('show its services and the pool, not rows of jobs it has none of', () => {
    const r = poolsim('compare', repoPath('scenarios/seed-gpt3-inference.yaml'), '--seeds', '1', '--out', out());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(JOB_ONLY);
    expect(r.stdout).toMatch(/^ {2}services\.chat\.ttft_p99_s ↓ /m);
    expect(r.stdout).toMatch(/^ {2}utilisation ↑ /m);
  });

  it('keep them where the scenario has jobs', () => {
    const r = poolsim('compare', repoPath('test/fixtures/experiment/check-backfill.yaml'), '--seeds', '1', '--out', out());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}queueing_delay_mean_s ↓ /m);
  });
});
