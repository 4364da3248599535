// Chart specifications (Vega-Lite) for experiment results: a metric against a swept parameter per
// policy with its 95% confidence band, each policy's metrics side by side (compare), and queueing-delay
// CDFs per policy. Specs are plain data; charts.ts renders them to SVG in Node and report.ts embeds
// them in an HTML page. The same spec serves both, with interaction (legend highlighting, zoom,
// tooltips) that a static SVG simply ignores.
import { cellNumber, type Table } from './csv-table.js';
import { metricDef, metricDirection } from './metric-table.js';
import { axisUnit, numericValue } from './sweep-values.js';

export type VegaLiteSpec = Record<string, unknown>;

const WIDTH = 560;
const HEIGHT = 300;

/** A readable axis title for a metric column. */
export function metricTitle(metric: string): string {
  const d = metricDirection(metric);
  const u = metricDef(metric)?.unit;
  const unit = u && !['fraction', 'count', "electricity_price's currency"].includes(u) ? ` (${u})` : '';
  const name = metric.replace(/_(s|kwh|kg)$/, '').replace(/_/g, ' ');
  return `${name}${unit}${d === 'higher' ? ' ↑' : d === 'lower' ? ' ↓' : ''}`;
}

/** A fraction metric's title when its values are drawn in percent: 'utilisation (%) ↑'. */
function percentTitle(metric: string): string {
  return metricTitle(metric).replace(/( [↑↓])?$/, (arrow) => ` (%)${arrow}`);
}

function seriesLabel(policy: string, placement: string, placements: number): string {
  return placements > 1 ? `${policy} + ${placement}` : policy;
}

/** A series: the policy, then the values of the other swept parameters (their names are in the legend's title). */
function seriesName(policyLabel: string, otherValues: readonly string[]): string {
  return [policyLabel, ...otherValues].join(' · ');
}

/** The legend's title: what the parts of a series name are. */
function legendTitle(placements: number, others: readonly string[]): string {
  return [placements > 1 ? 'policy + placement' : 'policy', ...others].join(' · ');
}

interface SummaryPoint {
  x: number | string;
  xLabel: string;
  series: string;
  mean: number;
  lo: number;
  hi: number;
}

/** Summary rows of one metric, with x taken from `param` (other swept parameters join the series name). */
function pointsOf(summary: Table, metric: string, param: string | undefined): { points: SummaryPoint[]; numeric: boolean; unit: ReturnType<typeof axisUnit>; legend: string } {
  const h = summary.header;
  const at = (c: string): number => h.indexOf(c);
  const params = h.slice(0, at('scenario'));
  const others = params.filter((p) => p !== param);
  const placements = new Set(summary.rows.map((r) => r[at('placement')])).size;
  const rows = summary.rows.filter((r) => r[at('metric')] === metric);
  const xi = param === undefined ? -1 : at(param);
  const xs = xi >= 0 ? rows.map((r) => numericValue(r[xi]!)) : [];
  const numeric = xi >= 0 && xs.every((v) => v !== undefined);
  const unit = numeric ? axisUnit(rows.map((r) => r[xi]!)) : undefined;
  const points = rows.map((r, k) => {
    const series = seriesName(seriesLabel(r[at('policy')]!, r[at('placement')]!, placements), others.map((p) => r[at(p)]!));
    const mean = cellNumber(r[at('mean')]!);
    const lo = cellNumber(r[at('ci95_low')]!);
    const hi = cellNumber(r[at('ci95_high')]!);
    return {
      x: xi < 0 ? series : numeric ? xs[k]!.value * (unit?.scale ?? 1) : r[xi]!,
      xLabel: xi < 0 ? series : r[xi]!,
      series,
      mean,
      lo: Number.isFinite(lo) ? lo : mean,
      hi: Number.isFinite(hi) ? hi : mean,
    };
  });
  return { points, numeric, unit, legend: legendTitle(placements, others) };
}

/**
 * Tick values for a log axis over [lo, hi]: 1, 2 and 5 times each power of ten over three decades
 * or fewer, powers of ten (every k-th, at most 10 of them) over more; undefined when the range
 * holds fewer than two such values (Vega's own ticks then). Written as decimal literals
 * (Number('1e-4')), so a value is exactly what its label says.
 */
export function logAxisValues(lo: number, hi: number): number[] | undefined {
  if (!(lo > 0) || !(hi >= lo) || !Number.isFinite(hi)) return undefined;
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  const decades = Math.log10(hi / lo);
  const mantissas = decades <= 3 + 1e-9 ? [1, 2, 5] : [1];
  const every = mantissas.length > 1 ? 1 : Math.max(1, Math.ceil((e1 - e0 + 1) / 10));
  const out: number[] = [];
  for (let e = e0; e <= e1; e += 1) {
    if ((e - e0) % every !== 0) continue;
    for (const m of mantissas) {
      const v = Number(`${m}e${e}`);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  return out.length >= 2 ? out : undefined;
}

/** A metric against a swept parameter, one line per policy, with its 95% confidence band. */
export function metricVsParamSpec(summary: Table, metric: string, param: string, options: { log?: boolean; title?: string } = {}): VegaLiteSpec {
  const { points, numeric, unit, legend } = pointsOf(summary, metric, param);
  // Ticks in the unit the user wrote ('10µs', '100Gbps'); the title says when the axis is logarithmic.
  // A log axis gets its ticks named (logAxisValues): Vega's own are 1..9 per decade, and its overlap
  // pass kept 80µs and hid 100µs, 1ms and 10ms, the decades a reader looks for.
  const xs = points.map((p) => p.x as number);
  const logValues = numeric && options.log ? logAxisValues(Math.min(...xs), Math.max(...xs)) : undefined;
  const x = numeric
    ? {
        field: 'x',
        type: 'quantitative',
        title: `${param}${options.log ? ' (log scale)' : ''}`,
        scale: { type: options.log ? 'log' : 'linear', nice: false },
        axis: {
          ...(unit ? { labelExpr: `format(datum.value, '~s') + '${unit.suffix}'` } : { format: '~s' }),
          ...(logValues ? { values: logValues } : {}),
        },
      }
    : { field: 'x', type: 'ordinal', title: param, sort: null };
  const tooltip = [
    { field: 'series', title: legend },
    { field: 'xLabel', title: param },
    { field: 'mean', title: metric, format: '.4~g' },
    { field: 'lo', title: '95% CI low', format: '.4~g' },
    { field: 'hi', title: '95% CI high', format: '.4~g' },
  ];
  // Whole labels (Vega-Lite cuts them at 160 px by default, and series differing only at the end
  // could not be told apart).
  // Fractions as percentages; anything else as a number with thousands separators and no trailing
  // zeros: Vega's default format labelled a metric equal at every point (a queueing delay of 0 s)
  // '0.000000', as it takes its precision from the tick step, and a domain of no width has none.
  const yAxis = metricDef(metric)?.unit === 'fraction' ? { axis: { format: '~%' } } : { axis: { format: ',~r' } };
  const color = { field: 'series', type: 'nominal', title: legend, sort: null, legend: { labelLimit: 0, titleLimit: 0, symbolOpacity: 1 } };
  const highlight = { condition: { param: 'pick', value: 1 }, value: 0.15 };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? `${metricTitle(metric)} vs ${param}`,
    width: WIDTH,
    height: HEIGHT,
    data: { values: points },
    encoding: { x, color },
    layer: [
      {
        mark: numeric ? { type: 'area', opacity: 0.18 } : { type: 'rule', strokeWidth: 2 },
        encoding: numeric ? { y: { field: 'lo', type: 'quantitative', title: metricTitle(metric) }, y2: { field: 'hi' } } : { y: { field: 'lo', type: 'quantitative', title: metricTitle(metric) }, y2: { field: 'hi' } },
      },
      {
        mark: { type: 'line', point: true, strokeWidth: 2 },
        params: [
          { name: 'pick', select: { type: 'point', fields: ['series'] }, bind: 'legend' },
          ...(numeric ? [{ name: 'zoom', select: 'interval', bind: 'scales' }] : []),
        ],
        encoding: { y: { field: 'mean', type: 'quantitative', title: metricTitle(metric), scale: { zero: false }, ...yAxis }, opacity: highlight, tooltip },
      },
    ],
  };
}

/**
 * A metric against another metric (fabric cost, energy): one point per value of the swept parameter
 * and policy, at the two metrics' means over seeds; colour says the swept value (whole labels in the
 * legend), shape the policy. For choices whose merit is a trade: what a fabric buys for its price.
 */
export function metricVsMetricSpec(summary: Table, metric: string, against: string, param: string): VegaLiteSpec {
  const ys = pointsOf(summary, metric, param);
  const key = (p: SummaryPoint): string => `${p.series}\u0000${p.xLabel}`;
  const xOf = new Map(pointsOf(summary, against, param).points.map((p) => [key(p), p.mean]));
  const points = ys.points.flatMap((p) => {
    const x = xOf.get(key(p));
    return x !== undefined && Number.isFinite(x) && Number.isFinite(p.mean) ? [{ x, y: p.mean, value: p.xLabel, series: p.series }] : [];
  });
  const values = nestCoincident(points);
  const axisOf = (m: string): Record<string, unknown> => (metricDef(m)?.unit === 'fraction' ? { axis: { format: '~%' } } : { axis: { format: '~s' } });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${metricTitle(metric)} vs ${metricTitle(against)}`,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    // Hollow rings, nested where points coincide (see nestCoincident): filled marks of one size hid
    // each other, and 7 of fabric-planning's 18 fabric and placement points could not be seen.
    mark: { type: 'point', filled: false, strokeWidth: 2, opacity: 0.85 },
    params: [{ name: 'pick', select: { type: 'point', fields: ['value'] }, bind: 'legend' }],
    encoding: {
      x: { field: 'x', type: 'quantitative', title: metricTitle(against), scale: { zero: false, padding: 12 }, ...axisOf(against) },
      y: { field: 'y', type: 'quantitative', title: metricTitle(metric), scale: { zero: false, padding: 12 }, ...axisOf(metric) },
      color: { field: 'value', type: 'nominal', title: param, sort: null, legend: { labelLimit: 0, titleLimit: 0, symbolOpacity: 1 } },
      shape: { field: 'series', type: 'nominal', title: ys.legend, sort: null, legend: { labelLimit: 0, titleLimit: 0 } },
      size: { field: 'size', type: 'quantitative', scale: null, legend: null },
      opacity: { condition: { param: 'pick', value: 0.85 }, value: 0.15 },
      tooltip: [
        { field: 'value', title: param },
        { field: 'series', title: ys.legend },
        { field: 'x', title: against, format: '.4~g' },
        { field: 'y', title: metric, format: '.4~g' },
      ],
    },
  };
}

/** A ring's area (px^2) alone, and what each ring around it adds where points share a spot. */
const RING_SIZE = 70;
const RING_STEP = 110;
/** Points closer than this on both axes (a fraction of each axis's span, about 3 px) share a spot. */
const SAME_SPOT = 0.006;

/**
 * The points with a marker size each: alone, RING_SIZE; where several fall on one spot (two fabrics
 * of one price and the same ECR, or both placements alike), the first listed gets the largest ring
 * and each later one a smaller ring inside it, so that every point shows.
 */
export function nestCoincident<T extends { x: number; y: number }>(points: readonly T[]): (T & { size: number })[] {
  const span = (vs: number[]): number => Math.max(...vs) - Math.min(...vs) || 1;
  const sx = span(points.map((p) => p.x));
  const sy = span(points.map((p) => p.y));
  const spots: number[][] = [];
  const spotOf = points.map((p, i) => {
    let s = spots.findIndex((members) => Math.abs(points[members[0]!]!.x - p.x) <= SAME_SPOT * sx && Math.abs(points[members[0]!]!.y - p.y) <= SAME_SPOT * sy);
    if (s < 0) s = spots.push([]) - 1;
    spots[s]!.push(i);
    return s;
  });
  return points.map((p, i) => {
    const members = spots[spotOf[i]!]!;
    return { ...p, size: RING_SIZE + RING_STEP * (members.length - 1 - members.indexOf(i)) };
  });
}

/** compare: each metric's mean per policy with 95% confidence error bars, one small chart per metric. */
export function comparePoliciesSpec(summary: Table, metrics: readonly string[]): VegaLiteSpec {
  // Fractions in percent, as the terminal table and the report's summary table print them (the
  // bars said 0.5 beside a table saying 51.25%); facets share one axis format, so the values move.
  const values: (SummaryPoint & { metric: string })[] = [];
  const titles = metrics.map((m) => (metricDef(m)?.unit === 'fraction' ? percentTitle(m) : metricTitle(m)));
  metrics.forEach((m, i) => {
    const k = metricDef(m)?.unit === 'fraction' ? 100 : 1;
    for (const p of pointsOf(summary, m, undefined).points) values.push({ ...p, mean: p.mean * k, lo: p.lo * k, hi: p.hi * k, metric: titles[i]! });
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Policies compared (mean and 95% confidence interval over seeds)',
    data: { values },
    facet: { field: 'metric', type: 'nominal', title: null, sort: titles },
    columns: 2,
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 260,
      height: 160,
      encoding: { x: { field: 'series', type: 'nominal', title: null, sort: null, axis: { labelAngle: -30 } } },
      layer: [
        {
          mark: { type: 'bar', opacity: 0.8 },
          params: [{ name: 'pick', select: { type: 'point', fields: ['series'] } }],
          encoding: {
            y: { field: 'mean', type: 'quantitative', title: null },
            color: { field: 'series', type: 'nominal', title: 'policy', sort: null },
            opacity: { condition: { param: 'pick', value: 1 }, value: 0.3 },
            tooltip: [
              { field: 'series', title: 'policy' },
              { field: 'metric' },
              { field: 'mean', format: '.4~g' },
              { field: 'lo', title: '95% CI low', format: '.4~g' },
              { field: 'hi', title: '95% CI high', format: '.4~g' },
            ],
          },
        },
        { mark: { type: 'rule', color: 'black' }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      ],
    },
  };
}

/** At most this many points per CDF line: enough for the eye, small enough for the file. */
const CDF_POINTS = 400;

/**
 * Empirical CDFs of job queueing delays, one line per policy (all seeds pooled), from jobs.csv
 * (`run` column) joined with runs.csv (policy of each run).
 */
export function queueingCdfSpec(runs: Table, jobs: Table): VegaLiteSpec {
  const rp = runs.header.indexOf('policy');
  const rpl = runs.header.indexOf('placement');
  const placements = new Set(runs.rows.map((r) => r[rpl])).size;
  const params = runs.header.slice(1, runs.header.indexOf('scenario'));
  const seriesOfRun = new Map(runs.rows.map((r) => [r[0]!, seriesName(seriesLabel(r[rp]!, r[rpl]!, placements), params.map((p) => r[runs.header.indexOf(p)]!))]));
  const legend = legendTitle(placements, params);
  const qi = jobs.header.indexOf('queueing_delay_s');
  const byseries = new Map<string, number[]>();
  for (const j of jobs.rows) {
    const s = seriesOfRun.get(j[0]!);
    const d = cellNumber(j[qi]!);
    if (s === undefined || !Number.isFinite(d)) continue;
    if (!byseries.has(s)) byseries.set(s, []);
    byseries.get(s)!.push(d);
  }
  const values: { series: string; delay: number; fraction: number }[] = [];
  for (const [series, ds] of byseries) {
    ds.sort((a, b) => a - b);
    const n = ds.length;
    const step = Math.max(1, Math.ceil(n / CDF_POINTS));
    for (let i = 0; i < n; i += step) values.push({ series, delay: ds[i]! / 3600, fraction: (i + 1) / n });
    if ((n - 1) % step !== 0) values.push({ series, delay: ds[n - 1]! / 3600, fraction: 1 });
  }
  // The axis reaches at least 1 h, and every line is carried at 1 to its right end: with no job
  // waiting (every delay 0) the domain was [0, 0], the ticks 0, 0.1, 1, 10, 100, 1000 were drawn on
  // one spot ('100' over '10' over '0') and each line was a vertical stroke hidden by the y axis.
  const maxDelayH = Math.max(1, ...values.map((v) => v.delay));
  for (const series of byseries.keys()) values.push({ series, delay: maxDelayH, fraction: 1 });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Queueing delay CDF per policy (jobs of every seed)',
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    params: [
      { name: 'pick', select: { type: 'point', fields: ['series'] }, bind: 'legend' },
      { name: 'zoom', select: 'interval', bind: 'scales' },
    ],
    encoding: {
      x: {
        field: 'delay',
        type: 'quantitative',
        title: 'queueing delay (hours; log scale above 0.1 h)',
        scale: { type: 'symlog', constant: 0.1, domain: [0, maxDelayH] },
        // labelExpr, not format: Vega formats a symlog axis's ticks at one significant digit, so
        // '~g' printed 10 as '1e+1'.
        axis: { values: [0, 0.1, 1, 10, 100, 1000, 10000].filter((v) => v <= maxDelayH), labelExpr: "format(datum.value, ',~r')" },
      },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of jobs', scale: { domain: [0, 1], padding: 6 }, axis: { values: [0, 0.2, 0.4, 0.6, 0.8, 1] } },
      color: { field: 'series', type: 'nominal', title: legend, sort: null, legend: { labelLimit: 0, titleLimit: 0, symbolOpacity: 1 } },
      opacity: { condition: { param: 'pick', value: 1 }, value: 0.15 },
      tooltip: [{ field: 'series', title: legend }, { field: 'delay', title: 'delay (h)', format: '.4~g' }, { field: 'fraction', format: '.3f' }],
    },
  };
}
