// Jobs still waiting when a run ends (a horizon, or a pool that never frees enough) used to be left
// out of the queueing-delay statistics, which were then those of the jobs a policy chose to start:
// a policy that starves a job until the horizon looked best. They now count their wait so far.
import { describe, expect, it } from 'vitest';
import { formatSummary } from '../src/cli/summary-table.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = `name: waiting-at-end
horizon: 5h
datacentres:
  - { name: east, node_groups: [{ name: h, count: 1, device: H100 }] }
workloads:
  - jobs:
      - { name: long, devices: 8, duration: 10h, reference_device: H100 }
      - { name: blocked, submit: 1h, devices: 8, duration: 1h, reference_device: H100 }
`;

describe('queueing delay of jobs still waiting at the end', () => {
  it('counts their wait so far, a lower bound, and says so', () => {
    const r = runToCsv(scenarioFromText(scenario));
    const s = r.summary;
    expect(s.jobs_unfinished).toBe(2);
    // 'long' started at once (0 s); 'blocked' has waited from 1 h to the 5 h horizon (4 h).
    expect(s.queueing_delay_max_s).toBe(4 * 3600);
    expect(s.queueing_delay_mean_s).toBe(2 * 3600);
    // Its own row says it never started (status waiting, no start), and gives the same bound the
    // summary counts, so that the summary's statistics can be had from jobs.csv.
    const blocked = r.jobs.find((j) => j.job_id === 'blocked')!;
    expect(blocked.start_s).toBeNaN();
    expect(blocked.status).toBe('waiting');
    expect(blocked.queueing_delay_s).toBe(4 * 3600);
    const text = formatSummary(s);
    expect(text).toContain('max 4h (jobs waiting at the end at their wait so far: at least these)');
    expect(text).toContain('(completed jobs only)');
    // No job completed: the makespan is the last completion (none), with the unfinished said.
    expect(text).toContain('makespan                 - (the last completion; 2 unfinished)');
  });

  it('says nothing of the sort when every job completed', () => {
    const r = runToCsv(scenarioFromText(scenario.replace('horizon: 5h\n', '')));
    expect(r.summary.jobs_unfinished).toBe(0);
    expect(r.summary.queueing_delay_max_s).toBeCloseTo(9 * 3600, 6);
    expect(formatSummary(r.summary)).not.toContain('at least these');
  });
});
