// A report's delays, completion times and makespans leave out jobs a horizon cut off and jobs
// rejected; `poolsim run` says so beside each figure, and the report said nothing: the page of
// inference-diurnal (5 training jobs unfinished at its 1 d horizon) showed a mean queueing delay
// of 44.8 min with no sign that it was a lower bound.
import { describe, expect, it } from 'vitest';
import type { Table } from '../src/experiment/csv-table.js';
import { buildReport, jobsLeftNote } from '../src/experiment/report.js';

const runs = (cells: [unfinished: string, rejected: string][]): Table => ({
  header: ['run', 'scenario', 'policy', 'placement', 'seed', 'jobs_rejected', 'jobs_unfinished', 'queueing_delay_mean_s'],
  rows: cells.map(([u, r], i) => [String(i), 's', 'fifo', 'first-fit', String(i + 1), r, u, '60']),
});
const summary: Table = {
  header: ['scenario', 'policy', 'placement', 'metric', 'n', 'mean', 'std', 'ci95_low', 'ci95_high'],
  rows: [['s', 'fifo', 'first-fit', 'queueing_delay_mean_s', '1', '60', '', '', '']],
};

describe("the report says what its delays and completion times leave out", () => {
  it('one run with jobs unfinished at the horizon', async () => {
    expect(jobsLeftNote(runs([['5', '0']]))).toBe(
      '5 jobs unfinished at the end: queueing delays count a job still waiting at the end at its wait so far (a lower bound), job completion times and makespan only completed jobs, and a rejected job is in neither.',
    );
    const html = await buildReport({ title: 't', runs: runs([['5', '0']]), summary });
    expect(html).toContain('<p class="hint">5 jobs unfinished at the end: queueing delays count');
  });

  it('several runs, some with unfinished or rejected jobs', () => {
    expect(jobsLeftNote(runs([['0', '1'], ['3', '0'], ['4', '2']]))).toMatch(/^jobs unfinished at the end in 2 of the 3 runs \(7 in all\), jobs rejected in 2 of the 3 runs \(3 in all\): /);
  });

  it('nothing when every run finished every job', async () => {
    expect(jobsLeftNote(runs([['0', '0'], ['', '']]))).toBe('');
    expect(await buildReport({ title: 't', runs: runs([['0', '0']]), summary })).not.toContain('unfinished');
  });
});
