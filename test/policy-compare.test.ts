// The policy comparison scenarios: heterogeneity-aware beats first-fit on mean JCT on a V100 + A100
// + H100 pool; topology-aware raises the effective compute ratio over first-fit on a fragmented
// pool (the network model prices placements). The committed summary rows of every compared pair are
// checked against results/policies/<scenario>.csv; UPDATE_RESULTS=1 rewrites them (commit them).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvLine, rowValues } from '../src/experiment/csv.js';
import { resolvePolicies } from '../src/policy/registry.js';
import { SUMMARY_COLUMNS, type SummaryRow } from '../src/sim/metrics.js';
import { simulate } from '../src/sim/simulation.js';
import { bundled, repoPath } from './helpers.js';

/** The lead flips this once the network / step-time model is wired into the simulator. */

type Pair = [queue: string, placement: string, params?: Record<string, unknown>];

const COMPARISONS: Record<string, Pair[]> = {
  'policy-backfill': [
    ['fifo', 'best-fit'],
    ['easy-backfill', 'best-fit'],
    ['sjf', 'best-fit'],
    ['las', 'best-fit'],
    ['easy-backfill', 'first-fit'],
  ],
  'policy-hetero': [
    ['fifo', 'first-fit'],
    ['fifo', 'best-fit'],
    ['fifo', 'heterogeneity-aware'],
    ['fifo', 'heterogeneity-aware', { min_speed_ratio: 0 }],
    ['easy-backfill', 'heterogeneity-aware'],
  ],
  'policy-topology': [
    ['fifo', 'first-fit'],
    ['fifo', 'best-fit'],
    ['fifo', 'topology-aware'],
    ['easy-backfill', 'topology-aware'],
  ],
};

function run(scenario: string, [queue, placement, params]: Pair): SummaryRow {
  const resolved = bundled(scenario);
  return simulate(resolved, { policies: resolvePolicies({ name: queue, params: {} }, { name: placement, params: params ?? {} }) }).summary;
}

describe('policy comparisons', () => {
  it('heterogeneity-aware placement lowers mean JCT against first-fit (scenarios/policy-hetero.yaml)', () => {
    const hetero = run('policy-hetero', ['fifo', 'heterogeneity-aware']);
    const first = run('policy-hetero', ['fifo', 'first-fit']);
    expect(hetero.jobs_completed).toBe(first.jobs_completed);
    expect(hetero.jct_mean_s).toBeLessThan(0.5 * first.jct_mean_s);
  });

  it('topology-aware placement raises the allocated effective compute ratio over first-fit (scenarios/policy-topology.yaml)', () => {
    const topo = run('policy-topology', ['fifo', 'topology-aware']);
    const first = run('policy-topology', ['fifo', 'first-fit']);
    expect(topo.effective_compute_ratio_allocated).toBeGreaterThan(first.effective_compute_ratio_allocated);
  });

  it('the committed comparisons in results/policies/ are what the simulator gives (UPDATE_RESULTS=1 rewrites them)', () => {
    mkdirSync(repoPath('results/policies'), { recursive: true });
    for (const [scenario, pairs] of Object.entries(COMPARISONS)) {
      let text = csvLine(SUMMARY_COLUMNS);
      for (const pair of pairs) {
        const row = run(scenario, pair);
        // Parameters that differ from the defaults are part of the policy's name in the file.
        if (pair[2]) row.placement = `${row.placement} ${JSON.stringify(pair[2])}`;
        text += csvLine(rowValues(row, SUMMARY_COLUMNS));
      }
      const path = repoPath(`results/policies/${scenario}.csv`);
      if (process.env.UPDATE_RESULTS === '1') writeFileSync(path, text);
      else expect(text).toBe(readFileSync(path, 'utf8'));
    }
  });
});
