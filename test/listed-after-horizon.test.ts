// A listed job submitted after the horizon never enters the run: 'horizon: 5min' with the only job
// at 1h ran an idle pool and printed "0 submitted" with no word on why. Warned at the job's submit;
// a job submitted exactly at the horizon enters (and is unfinished), so it is not warned.
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const text = (submits: string[]): string => `name: late
horizon: 5min
datacentres:
  - name: east
    node_groups:
      - { name: h100, count: 2, device: H100 }
workloads:
  - jobs:
${submits.map((s, i) => `      - { name: j${i}, devices: 8, duration: 1h, reference_device: H100, submit: ${s} }`).join('\n')}
`;

describe('listed jobs after the horizon', () => {
  it('are warned at the first one, counted, and are indeed in no result', () => {
    const r = scenarioFromText(text(['1h', '2h']), 'late.yaml');
    expect(r.warnings.map(formatIssue)).toEqual([
      "late.yaml:9:79: workloads[0].jobs[0].submit: submitted at 60min, after the horizon (5min) (and 1 more of this workload's 2 jobs): it never enters the run, so no result counts it (not in jobs_submitted, no row in jobs.csv)",
    ]);
    const run = runToCsv(r);
    expect(run.summary.jobs_submitted).toBe(0);
    expect(run.jobs).toEqual([]);
  });

  it('a job at or before the horizon is not warned', () => {
    const r = scenarioFromText(text(['5min', '1min']), 'late.yaml');
    expect(r.warnings).toEqual([]);
    expect(runToCsv(r).summary.jobs_submitted).toBe(2);
  });
});
