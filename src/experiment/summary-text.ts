// Readable tables of an experiment's summary for the terminal: per metric, each policy's mean with
// its 95% confidence interval (± half-width, or the interval itself where the metric's range cut it),
// the best marked with `*` (by the metric's direction, metric-table.ts). The CSVs hold the exact figures.
import { formatDuration, formatPercent } from '../units/units.js';
import { cellNumber, type Table } from './csv-table.js';
import { isBetter, metricDef, metricDirection } from './metric-table.js';
import { renderTable, wrapNote } from './text-table.js';

function unitOf(metric: string): string {
  return metricDef(metric)?.unit ?? (metric.endsWith('_s') ? 's' : '');
}

export function formatMetricValue(metric: string, x: number): string {
  if (!Number.isFinite(x)) return '-';
  const unit = unitOf(metric);
  if (unit === 'fraction') return formatPercent(x, 2);
  if (unit === 's') return formatDuration(x);
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  return Number(x.toPrecision(4)).toLocaleString('en-US', { maximumSignificantDigits: 4 });
}

/**
 * Values of one metric shown side by side (a threshold and the value checked against it): each as
 * formatMetricValue writes it, with more digits where that would print two different values alike.
 * `check` said "FAIL slo_attainment >= 99.30%: got 99.30%" for 0.992985 against 0.993, and
 * "tpot_p99_s <= 29ms: got 29ms" for 29.004 ms against a bound written 28.99ms.
 */
export function formatMetricValues(metric: string, xs: readonly number[]): string[] {
  const clash = (texts: readonly string[]): boolean =>
    xs.some((a, i) => Number.isFinite(a) && xs.some((b, j) => j > i && Number.isFinite(b) && a !== b && texts[i] === texts[j]));
  let texts = xs.map((x) => formatMetricValue(metric, x));
  for (let extra = 1; extra <= 12 && clash(texts); extra++) texts = xs.map((x) => formatWithMoreDigits(metric, x, extra));
  return texts;
}

/** formatMetricValue with `extra` more digits. */
function formatWithMoreDigits(metric: string, x: number, extra: number): string {
  if (!Number.isFinite(x)) return '-';
  const unit = unitOf(metric);
  if (unit === 'fraction') return formatPercent(x, 2 + extra);
  if (unit === 's') {
    const d = formatDuration(x);
    const [, , suffix] = /^(-?[\d.e+-]+)([a-z]+)$/.exec(d) ?? [];
    const scale: Record<string, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, min: 60, h: 3600, d: 86400 };
    if (suffix === undefined || scale[suffix] === undefined) return d;
    return `${Number((x / scale[suffix]!).toPrecision(3 + extra))}${suffix}`;
  }
  return Number(x.toPrecision(4 + extra)).toLocaleString('en-US', { maximumSignificantDigits: Math.min(21, 4 + extra) });
}

function formatHalf(metric: string, half: number): string {
  const unit = unitOf(metric);
  if (unit === 'fraction') return `${(half * 100).toFixed(2)}`;
  if (unit === 's') return formatDuration(half);
  // Two significant digits, with the mean's thousands separators ('2,687 ± 1,400', not '± 1400').
  return Number(half.toPrecision(2)).toLocaleString('en-US', { maximumSignificantDigits: 2 });
}

/**
 * ` ± half` for a symmetric interval; ` (CI lo … hi)` where the metric's range cut one side. The
 * `CI` says what the bounds are: read bare, `(90.80% … 100%)` looked like the runs' min … max,
 * though no run reached 100% (two seeds of a Jain index, 0.908 and 0.935).
 */
function formatInterval(metric: string, c: Cell): string {
  if (!Number.isFinite(c.lo) || !Number.isFinite(c.hi)) return '';
  const up = c.hi - c.mean;
  const down = c.mean - c.lo;
  // The cells come from summary.csv's ten significant digits: each of mean, lo and hi may be off by
  // 5e-10 of itself, so a symmetric interval can read lopsided by up to 5e-10 x (|hi| + |lo| + 2|mean|).
  const slack = 1e-9 * Math.max(1, Math.abs(c.hi) + Math.abs(c.lo) + 2 * Math.abs(c.mean));
  if (Math.abs(up - down) <= slack) return ` ± ${formatHalf(metric, up)}`;
  return ` (CI ${formatMetricValue(metric, c.lo)} … ${formatMetricValue(metric, c.hi)})`;
}

/** The legend for ` (CI lo … hi)`: a confidence interval, not the runs' range. */
const CUT_NOTE = "; (CI lo … hi): the 95% confidence interval of the mean, cut where it passed the metric's range (0, or 100% for a fraction), so a bound at 0 or 100% is that cut, not a value any run reached";

interface Cell {
  mean: number;
  lo: number;
  hi: number;
}

/**
 * One block per sweep point (one block in all for compare): metrics down, policy (+ placement when
 * several) across, the best per metric starred.
 */
export function formatSummaryTable(summary: Table, options: { metrics?: readonly string[] } = {}): string {
  const h = summary.header;
  const at = (c: string): number => h.indexOf(c);
  const metricAt = at('metric');
  const params = h.slice(0, at('scenario'));
  const placements = new Set(summary.rows.map((r) => r[at('placement')]));
  const label = (r: string[]): string => (placements.size > 1 ? `${r[at('policy')]} + ${r[at('placement')]}` : r[at('policy')]!);
  const blocks: Blocks = new Map();
  for (const r of summary.rows) {
    const metric = r[metricAt]!;
    if (options.metrics && !options.metrics.includes(metric)) continue;
    // Keyed by the values themselves: a value may hold ', ' or '=' (a policy given as a mapping).
    const values = r.slice(0, params.length);
    const bk = JSON.stringify(values);
    let b = blocks.get(bk);
    if (!b) blocks.set(bk, (b = { values, labels: [], cells: new Map() }));
    const l = label(r);
    if (!b.labels.includes(l)) b.labels.push(l);
    const mean = cellNumber(r[at('mean')]!);
    if (!b.cells.has(metric)) b.cells.set(metric, new Map());
    b.cells.get(metric)!.set(l, { mean, lo: cellNumber(r[at('ci95_low')]!), hi: cellNumber(r[at('ci95_high')]!) });
  }
  if (params.length > 0) return formatSweepTable(blocks, params, options.metrics ?? [...new Set(summary.rows.map((r) => r[metricAt]!))]);
  let out = '';
  for (const b of blocks.values()) {
    const title = params.map((p, i) => `${p}=${b.values[i]}`).join(', ');
    if (title) out += `\n  ${title}\n`;
    const lines: string[][] = [['metric', ...b.labels]];
    const order = options.metrics ? options.metrics.filter((m) => b.cells.has(m)) : [...b.cells.keys()];
    for (const metric of order) {
      const byLabel = b.cells.get(metric)!;
      const best = bestLabels(metric, b.labels, byLabel);
      const arrow = metricDirection(metric) === 'higher' ? ' ↑' : metricDirection(metric) === 'lower' ? ' ↓' : '';
      lines.push([
        `${metric}${arrow}`,
        ...b.labels.map((l) => {
          const c = byLabel.get(l);
          if (!c) return '-';
          return `${formatMetricValue(metric, c.mean)}${formatInterval(metric, c)}${best.has(l) ? ' *' : ''}`;
        }),
      ]);
    }
    out += renderTable(lines, 1);
  }
  const cut = [...blocks.values()].some((b) => [...b.cells].some(([m, byLabel]) => [...byLabel.values()].some((c) => formatInterval(m, c).startsWith(' (CI'))));
  return `${out}${wrapNote(`(mean ± 95% confidence half-width over seeds${cut ? CUT_NOTE : ''}; * best per metric; ↑ higher is better, ↓ lower)`)}`;
}

/**
 * The labels to star for one metric: every one whose mean prints as the best mean does, so that a
 * lead in the seventh digit (six policies at '31.15% ± 0.14', one starred) is not shown as a win;
 * none when every label prints alike (a tie), or for a metric without a direction.
 */
function bestLabels(metric: string, labels: readonly string[], byLabel: ReadonlyMap<string, Cell>): Set<string> {
  if (metricDirection(metric) === 'neutral' || labels.length < 2) return new Set();
  let best: Cell | undefined;
  for (const l of labels) {
    const c = byLabel.get(l);
    if (c && Number.isFinite(c.mean) && (best === undefined || isBetter(metric, c.mean, best.mean))) best = c;
  }
  if (best === undefined) return new Set();
  const shown = formatMetricValue(metric, best.mean);
  const starred = labels.filter((l) => {
    const c = byLabel.get(l);
    return c !== undefined && Number.isFinite(c.mean) && formatMetricValue(metric, c.mean) === shown;
  });
  return starred.length === labels.length ? new Set() : new Set(starred);
}

/** Blocks by sweep point: the point's parameter values, the policy labels and their cells. */
type Blocks = Map<string, { values: string[]; labels: string[]; cells: Map<string, Map<string, Cell>> }>;

/** Sweeps: one line per point and policy, one column per metric (mean, and ± half-width with seeds). */
function formatSweepTable(blocks: Blocks, params: readonly string[], metrics: readonly string[]): string {
  const shown = metrics.filter((m) => [...blocks.values()].some((b) => b.cells.has(m)));
  const arrow = (m: string): string => (metricDirection(m) === 'higher' ? ' ↑' : metricDirection(m) === 'lower' ? ' ↓' : '');
  const lines: string[][] = [[...params, 'policy', ...shown.map((m) => `${m}${arrow(m)}`)]];
  for (const b of blocks.values()) {
    for (const l of b.labels) {
      const cells = shown.map((m) => {
        const byLabel = b.cells.get(m);
        const c = byLabel?.get(l);
        if (!c) return '-';
        const best = bestLabels(m, b.labels, byLabel!).has(l);
        return `${formatMetricValue(m, c.mean)}${formatInterval(m, c)}${best ? ' *' : ''}`;
      });
      lines.push([...b.values, l, ...cells]);
    }
  }
  const out = renderTable(lines, params.length + 1);
  const withSeeds = [...blocks.values()].some((b) => [...b.cells.values()].some((m) => [...m.values()].some((c) => Number.isFinite(c.hi))));
  const cut = [...blocks.values()].some((b) => [...b.cells].some(([m, byLabel]) => [...byLabel.values()].some((c) => formatInterval(m, c).startsWith(' (CI'))));
  return `${out}${wrapNote(`(mean${withSeeds ? ' ± 95% confidence half-width over seeds' : ''}${cut ? CUT_NOTE : ''}; * best policy at that point; ↑ higher is better, ↓ lower)`)}`;
}
