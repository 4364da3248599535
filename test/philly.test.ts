// The full Philly trace with FIFO and with least-attained-service: LAS's mean JCT is far lower, as
// the Tiresias line of work reports. The comparison is committed in results/comparisons/;
// regenerate with UPDATE_RESULTS=1 after an intended change.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvLine, rowValues } from '../src/experiment/csv.js';
import { resolvePolicies } from '../src/policy/registry.js';
import { SUMMARY_COLUMNS } from '../src/sim/metrics.js';
import { simulate } from '../src/sim/simulation.js';
import { bundled, repoPath } from './helpers.js';

describe('Philly replay: FIFO against LAS', () => {
  it('replays all 82,247 jobs with both, and LAS has the lower mean JCT', () => {
    const resolved = bundled('philly-replay');
    let csv = csvLine(SUMMARY_COLUMNS);
    const summaries = ['fifo', 'las'].map((name) => {
      const policies = resolvePolicies({ name, params: {} }, resolved.scenario.placement, { src: resolved.src });
      const s = simulate(resolved, { policies }).summary;
      csv += csvLine(rowValues(s, SUMMARY_COLUMNS));
      return s;
    });
    const [fifo, las] = summaries as [(typeof summaries)[0], (typeof summaries)[0]];
    for (const s of [fifo, las]) {
      expect(s.jobs_submitted).toBe(82_247);
      expect(s.jobs_completed).toBe(82_247);
    }
    expect(las.jct_mean_s).toBeLessThan(fifo.jct_mean_s / 5);
    expect(las.queueing_delay_mean_s).toBeLessThan(fifo.queueing_delay_mean_s);
    const path = repoPath('results/comparisons/philly-fifo-vs-las.csv');
    if (process.env.UPDATE_RESULTS === '1') writeFileSync(path, csv);
    else {
      expect(existsSync(path), 'run with UPDATE_RESULTS=1 to write the committed comparison').toBe(true);
      expect(csv).toBe(readFileSync(path, 'utf8'));
    }
  });
});
