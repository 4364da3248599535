// From runs.csv (one row per run) to summary.csv (one row per sweep point, policy, placement and
// metric: n, mean, std, ci95_low, ci95_high). Works on the formatted table, so the summary of merged
// shards is byte-identical to the summary of the same experiment run in one go. Rows are averaged
// only as replications of one variant: a group holding one seed twice (two variants with one label,
// runs of different experiments merged) is refused rather than averaged.
import { InputError } from '../scenario/errors.js';
import { cellNumber, cellText, type Table } from './csv-table.js';
import { metricDef, rangeBounds } from './metric-table.js';
import { meanCi } from './stats.js';

export const SUMMARY_STAT_COLUMNS = ['metric', 'n', 'mean', 'std', 'ci95_low', 'ci95_high'] as const;

/** The layout of a runs table: which columns are swept parameters, labels and metrics. */
export interface RunsLayout {
  params: string[];
  /** Columns grouped on: params, scenario, policy, placement. */
  groupBy: string[];
  /** Columns that metric-table.ts knows, in table order. */
  metrics: string[];
}

export function runsLayout(table: Table): RunsLayout {
  const h = table.header;
  const scenarioAt = h.indexOf('scenario');
  const params = h[0] === 'run' && scenarioAt > 0 ? h.slice(1, scenarioAt) : [];
  const metrics = h.filter((c) => !params.includes(c) && metricDef(c) !== undefined);
  return { params, groupBy: [...params, 'scenario', 'policy', 'placement'].filter((c) => h.includes(c)), metrics };
}

export interface Group {
  key: string[];
  rows: string[][];
}

/** Rows grouped by the layout's groupBy columns, in order of first appearance. */
export function groupRuns(table: Table, layout: RunsLayout): Group[] {
  const idx = layout.groupBy.map((c) => table.header.indexOf(c));
  const groups = new Map<string, Group>();
  for (const r of table.rows) {
    const key = idx.map((i) => r[i]!);
    const k = JSON.stringify(key);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { key, rows: [] }));
    g.rows.push(r);
  }
  return [...groups.values()];
}

/** summary.csv of a runs table; `file` names it in the message when two runs of one group share a seed. */
export function summarizeRuns(table: Table, file = 'runs.csv'): Table {
  const layout = runsLayout(table);
  const seedAt = table.header.indexOf('seed');
  const rows: string[][] = [];
  for (const g of groupRuns(table, layout)) {
    if (seedAt >= 0) {
      const seen = new Map<string, string>();
      for (const r of g.rows) {
        const prior = seen.get(r[seedAt]!);
        if (prior !== undefined) {
          const what = layout.groupBy.map((c, i) => `${c}=${g.key[i]}`).join(', ');
          throw new InputError([
            {
              file,
              line: 0,
              column: 0,
              path: '',
              message: `runs ${prior} and ${r[0]} have the same ${what} and seed ${r[seedAt]}: they are not replications of one variant, so they cannot be averaged (runs of different experiments, or two variants under one label)`,
            },
          ]);
        }
        seen.set(r[seedAt]!, r[0]!);
      }
    }
    for (const m of layout.metrics) {
      const i = table.header.indexOf(m);
      const s = meanCi(
        g.rows.map((r) => cellNumber(r[i]!)),
        rangeBounds(metricDef(m)!.range),
      );
      rows.push([...g.key, m, String(s.n), cellText(s.mean), cellText(s.std), cellText(s.ci95Low), cellText(s.ci95High)]);
    }
  }
  return { header: [...layout.groupBy, ...SUMMARY_STAT_COLUMNS], rows };
}
