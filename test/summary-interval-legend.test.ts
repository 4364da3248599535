// The sweep and compare tables print a 95% confidence interval cut at the metric's range as
// `(lo … hi)`, which read as the runs' min … max: two seeds of a Jain index, 0.908 and 0.935,
// showed "(…  … 100.00%)" though no run reached 100%, and the sweep legend did not mention the
// notation at all. The cell now says `CI` and both legends say what the bounds are.
import { describe, expect, it } from 'vitest';
import type { Table } from '../src/experiment/csv-table.js';
import { summarizeRuns } from '../src/experiment/summarize.js';
import { formatSummaryTable } from '../src/experiment/summary-text.js';

const runs = (params: string[], values: string[]): Table => ({
  header: ['run', ...params, 'scenario', 'policy', 'placement', 'seed', 'jain_index'],
  rows: [
    ['0', ...values, 's', 'fifo', 'first-fit', '1', '0.908'],
    ['1', ...values, 's', 'fifo', 'first-fit', '2', '0.935'],
  ],
});

const legend = "(CI lo … hi): the 95% confidence interval of the mean, cut where it passed the metric's range (0, or 100% for a fraction), so a bound at 0 or 100% is that cut, not a value any run reached";

describe('a confidence interval cut at the metric range', () => {
  for (const [what, params, values] of [
    ['compare', [], []],
    ['sweep', ['load'], ['0.5']],
  ] as const) {
    it(`${what}: is marked CI in its cell and explained in the legend`, () => {
      const text = formatSummaryTable(summarizeRuns(runs([...params], [...values])));
      expect(text).toMatch(/92\.15% \(CI \d+\.\d\d% … 100\.00%\)/);
      expect(text.replace(/\s+/g, ' ')).toContain(legend);
    });
  }

  it('is not explained where no interval was cut', () => {
    const t = runs([], []);
    const text = formatSummaryTable(summarizeRuns({ ...t, rows: t.rows.map((r) => r.map((c) => (c === '0.908' ? '0.5' : c === '0.935' ? '0.52' : c))) }));
    expect(text).toMatch(/51\.00% ± \d/);
    expect(text).not.toContain('(CI');
  });

  it("is not taken for cut where the CSV's ten digits make it look lopsided", () => {
    // summary.csv of `poolsim sweep scenarios/roce-vs-ib.yaml --set 'datacentres[0].fabric=IB-NDR,RoCE-400G'
    // --policies fifo,easy-backfill --seeds 5` (README): a t interval of 31,896.52 s each side, which
    // the ten-digit cells hold as 31,896.5228 above and 31,896.52294 below. It printed
    // `35.6h (CI 26.7h … 44.4h)` and the cut legend, though nothing was cut.
    const summary: Table = {
      header: ['scenario', 'policy', 'placement', 'metric', 'n', 'mean', 'std', 'ci95_low', 'ci95_high'],
      rows: [['roce-vs-ib', 'fifo', 'first-fit', 'queueing_delay_mean_s', '5', '128035.2613', '25688.94735', '96138.73836', '159931.7841']],
    };
    const text = formatSummaryTable(summary);
    expect(text).toMatch(/35\.6h ± 8\.86h/);
    expect(text).not.toContain('(CI');
  });
});
