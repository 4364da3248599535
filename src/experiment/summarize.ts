// From runs.csv (one row per run) to summary.csv (one row per sweep point, policy, placement and
// metric: n, mean, std, ci95_low, ci95_high). Works on the formatted table, so the summary of merged
// shards is byte-identical to the summary of the same experiment run in one go.
import { cellNumber, type Table } from './csv-table.js';
import { cellText } from './csv-table.js';
import { meanCi } from './stats.js';

export const SUMMARY_STAT_COLUMNS = ['metric', 'n', 'mean', 'std', 'ci95_low', 'ci95_high'] as const;

/** The layout of a runs table: which columns are swept parameters, labels and metrics. */
export interface RunsLayout {
  params: string[];
  /** Columns grouped on: params, scenario, policy, placement. */
  groupBy: string[];
  metrics: string[];
}

const NOT_METRICS = new Set(['run', 'scenario', 'policy', 'placement', 'seed']);

export function runsLayout(table: Table): RunsLayout {
  const h = table.header;
  const scenarioAt = h.indexOf('scenario');
  const params = h[0] === 'run' && scenarioAt > 0 ? h.slice(1, scenarioAt) : [];
  const metrics = h.filter((c, i) => !NOT_METRICS.has(c) && !params.includes(c) && table.rows.every((r) => r[i] === '' || !Number.isNaN(cellNumber(r[i]!))));
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

export function summarizeRuns(table: Table): Table {
  const layout = runsLayout(table);
  const rows: string[][] = [];
  for (const g of groupRuns(table, layout)) {
    for (const m of layout.metrics) {
      const i = table.header.indexOf(m);
      const s = meanCi(g.rows.map((r) => cellNumber(r[i]!)));
      rows.push([...g.key, m, String(s.n), cellText(s.mean), cellText(s.std), cellText(s.ci95Low), cellText(s.ci95High)]);
    }
  }
  return { header: [...layout.groupBy, ...SUMMARY_STAT_COLUMNS], rows };
}
