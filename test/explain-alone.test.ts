// explain places the job alone on the empty pool; a run places it where devices are free when it
// starts. On a busy pool the two differ: here the run puts 'second' across both sites (a+b, 40.25 s
// a step) behind 'big', while explain put it on two nodes of a (40.195 s) and said only "alone on the
// empty pool", with nothing of where, so its step read as the run's. It now says where it placed the
// job, and that jobs.csv's placement and step are the run's.
import { describe, expect, it } from 'vitest';
import { explainListedJob } from '../src/experiment/explain-job.js';
import { explanationTable } from '../src/model/explain.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const text = `name: busy
seed: 1
datacentres:
  - name: a
    fabric: IB-NDR
    node_groups:
      - { name: h, count: 4, device: H100 }
  - name: b
    fabric: IB-NDR
    node_groups:
      - { name: h2, count: 4, device: H100 }
links:
  - { between: [a, b], latency: 2ms, bandwidth: 400Gbps }
workloads:
  - jobs:
      - { name: big, devices: 24, submit: 0s, params: 7B, tokens: 2e10 }
      - { name: second, devices: 16, submit: 10s, params: 7B, tokens: 2e10 }
policy: fifo
placement: first-fit
`;

describe('explain on a busy pool', () => {
  it('says where it placed the job alone, and that the run places it among the others (jobs.csv)', () => {
    const resolved = scenarioFromText(text);
    const run = runToCsv(resolved).jobs.find((j) => j.job_id === 'second')!;
    expect(run.datacentre).toBe('a+b');
    const e = explainListedJob(resolved, 'second');
    expect(e.placement.datacentres).toEqual(['a']);
    expect(e.placement.nodes).toBe(2);
    expect(e.placement.run_may_differ).toBe(true);
    const table = explanationTable(e);
    expect(table).toContain('job second: 16 x H100, placed by first-fit alone on the empty pool at its submission (2 nodes of a), on an idle fabric');
    expect(table).toContain("note: a run places the job where devices are free when it starts, beside the jobs running then, and times it there: jobs.csv's datacentre, placement_span and step_time_s are the run's, and differ from these where other jobs hold what it takes alone");
  });
});
