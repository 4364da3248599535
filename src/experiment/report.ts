// A self-contained HTML report of a results folder (runs.csv, summary.csv, jobs.csv,
// tenant_shares.csv): the summary table and interactive charts (tooltips, legend highlighting, zoom and pan), with Vega's browser
// build inlined so that the page works offline and can be attached to a CI run or an email.
import { comparePoliciesSpec, metricVsParamSpec, queueingCdfSpec, type VegaLiteSpec } from './chart-specs.js';
import { compileToVega, vegaBrowserScript } from './charts.js';
import { cellNumber, type Table } from './csv-table.js';
import { metricDirection, parseServiceColumn } from './metric-table.js';
import { formatMetricValue } from './summary-text.js';
import { numericValue } from './sweep-values.js';
import { tenantShareSpec } from './tenant-share-chart.js';
import { hotLinksHtml } from './hot-links.js';
import { nearTieText } from './near-tie-note.js';

export interface ReportInput {
  title: string;
  runs: Table;
  summary: Table;
  jobs?: Table | undefined;
  /** tenant_shares.csv (scenarios with tenants): each run's tenant shares over time. */
  tenantShares?: Table | undefined;
  /** hot_links.csv (`--links`): each run's busiest links and their heaviest users. */
  hotLinks?: Table | undefined;
}

const REPORT_METRICS = [
  'job_effective_compute_ratio',
  'effective_compute_ratio_pool',
  'effective_compute_ratio_allocated',
  'utilisation',
  'queueing_delay_mean_s',
  'queueing_delay_p95_s',
  'jct_mean_s',
  'makespan_s',
  'energy_kwh',
];

function esc(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

/** JSON safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c');
}

/** Tenant metrics a report shows for each tenant in the results. */
const REPORT_TENANT_METRICS = ['queueing_delay_p95_s', 'jct_mean_s', 'ftf_rho_max'];

/** Service metrics a report shows for each service in the results (goodput only where the service has SLOs). */
const REPORT_SERVICE_METRICS = ['ttft_p99_s', 'tpot_p99_s', 'e2e_latency_p99_s', 'queueing_delay_p95_s', 'slo_attainment', 'goodput_rps', 'tokens_per_s'];

/** The metrics a report shows, among those the summary has: the training headline ones, then each service's. */
export function reportMetrics(summary: Table): string[] {
  const available = [...new Set(summary.rows.map((r) => r[summary.header.indexOf('metric')]!))];
  const services = available.filter((m) => {
    const s = parseServiceColumn(m);
    return s !== undefined && REPORT_SERVICE_METRICS.includes(s.metric);
  });
  // Scenarios with tenants: Jain's index, then each tenant's delay, completion time and worst finish-time fairness.
  const tenants = available.filter((m) => m === 'jain_index' || (m.startsWith('tenants.') && REPORT_TENANT_METRICS.some((t) => m.endsWith(`.${t}`))));
  return [...REPORT_METRICS.filter((m) => available.includes(m)), ...services, ...tenants];
}

export function reportCharts(input: ReportInput): { id: string; title: string; spec: VegaLiteSpec }[] {
  const h = input.summary.header;
  const params = h.slice(0, h.indexOf('scenario'));
  const metrics = reportMetrics(input.summary);
  const charts: { id: string; title: string; spec: VegaLiteSpec }[] = [];
  if (params.length > 0) {
    const p = params[0]!;
    const values = [...new Set(input.summary.rows.map((r) => r[h.indexOf(p)]!))];
    const nums = values.map(numericValue);
    const positive = nums.every((v) => v !== undefined && v.value > 0);
    const log = positive && Math.max(...nums.map((v) => v!.value)) / Math.min(...nums.map((v) => v!.value)) >= 100;
    metrics.forEach((m, i) => charts.push({ id: `chart-${i}`, title: m, spec: metricVsParamSpec(input.summary, m, p, { log }) }));
  } else if (input.runs.rows.length > 1) {
    // One run (a run's folder, or an experiment of one): one bar per chart says less than its table.
    charts.push({ id: 'chart-policies', title: 'policies', spec: comparePoliciesSpec(input.summary, metrics) });
  }
  if (input.jobs && input.jobs.rows.length > 0) charts.push({ id: 'chart-cdf', title: 'queueing delay CDF', spec: queueingCdfSpec(input.runs, input.jobs) });
  const shares = input.tenantShares && input.tenantShares.rows.length > 0 ? tenantShareSpec(input.runs, input.tenantShares) : undefined;
  if (shares) charts.push({ id: 'chart-tenant-shares', title: 'tenant shares over time', spec: shares });
  return charts;
}

function summaryTableHtml(summary: Table, oneRun: boolean): string {
  const h = summary.header;
  const at = (c: string): number => h.indexOf(c);
  const params = h.slice(0, at('scenario'));
  const shown = reportMetrics(summary);
  const rows = summary.rows.filter((r) => shown.includes(r[at('metric')]!));
  if (oneRun) {
    // One run: its figures, without the columns of a sample (metrics it has no value of left out).
    let one = `<table id="summary"><thead><tr>${['metric', 'value'].map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>`;
    for (const r of rows.filter((x) => x[at('n')] === '1')) {
      const m = r[at('metric')]!;
      const d = metricDirection(m);
      one += `<tr><td>${esc(m)}${d === 'higher' ? ' ↑' : d === 'lower' ? ' ↓' : ''}</td><td class="num">${esc(formatMetricValue(m, cellNumber(r[at('mean')]!)))}</td></tr>`;
    }
    return `${one}</tbody></table>`;
  }
  let html = `<table><thead><tr>${[...params, 'policy', 'placement', 'metric', 'n', 'mean', '95% CI'].map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>`;
  for (const r of rows) {
    const m = r[at('metric')]!;
    const mean = cellNumber(r[at('mean')]!);
    const lo = cellNumber(r[at('ci95_low')]!);
    const hi = cellNumber(r[at('ci95_high')]!);
    const d = metricDirection(m);
    const ci = Number.isFinite(lo) ? `${formatMetricValue(m, lo)} … ${formatMetricValue(m, hi)}` : '';
    html += `<tr>${params.map((p) => `<td>${esc(r[at(p)]!)}</td>`).join('')}<td>${esc(r[at('policy')]!)}</td><td>${esc(r[at('placement')]!)}</td><td>${esc(m)}${d === 'higher' ? ' ↑' : d === 'lower' ? ' ↓' : ''}</td><td>${esc(r[at('n')]!)}</td><td class="num">${esc(formatMetricValue(m, mean))}</td><td class="num">${esc(ci)}</td></tr>`;
  }
  return `${html}</tbody></table>`;
}

/** What the one run of a report ran: scenario, swept values, policies and seed. */
function oneRunLabel(runs: Table): string {
  const r = runs.rows[0]!;
  const cell = (c: string): string => r[runs.header.indexOf(c)] ?? '';
  const params = runs.header.slice(1, runs.header.indexOf('scenario')).map((p) => `${p}=${cell(p)}, `);
  return `${cell('scenario')}, ${params.join('')}${cell('policy')} + ${cell('placement')}, seed ${cell('seed')}`;
}

/**
 * What the delays, completion times and makespans of the page leave out: jobs still waiting or
 * running at a horizon, and rejected jobs. The terminal says so beside each figure; the report's
 * table and charts showed them bare ('' when every run finished every job).
 */
export function jobsLeftNote(runs: Table): string {
  const n = runs.rows.length;
  const count = (column: string): { runs: number; jobs: number } => {
    const at = runs.header.indexOf(column);
    const cells = at < 0 ? [] : runs.rows.map((r) => cellNumber(r[at]!)).filter((v) => Number.isFinite(v) && v > 0);
    return { runs: cells.length, jobs: cells.reduce((a, b) => a + b, 0) };
  };
  const what = (c: { runs: number; jobs: number }, state: string): string =>
    n === 1 ? `${c.jobs} job${c.jobs === 1 ? '' : 's'} ${state}` : `jobs ${state} in ${c.runs} of the ${n} runs (${c.jobs} in all)`;
  const unfinished = count('jobs_unfinished');
  const rejected = count('jobs_rejected');
  const parts = [...(unfinished.runs > 0 ? [what(unfinished, 'unfinished at the end')] : []), ...(rejected.runs > 0 ? [what(rejected, 'rejected')] : [])];
  if (parts.length === 0) return '';
  return `${parts.join(', ')}: queueing delays count a job still waiting at the end at its wait so far (a lower bound), job completion times and makespan only completed jobs, and a rejected job is in neither.`;
}

export async function buildReport(input: ReportInput): Promise<string> {
  const charts = reportCharts(input);
  const compiled = await Promise.all(charts.map(async (c) => ({ id: c.id, spec: await compileToVega(c.spec) })));
  const vega = vegaBrowserScript().replace(/<\/script/gi, '<\\/script');
  const runs = input.runs.rows.length;
  const left = jobsLeftNote(input.runs);
  const ties = nearTieText(input.runs);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(input.title)} — poolsim report</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
  h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
  table { border-collapse: collapse; font-size: 12px; }
  th, td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .chart { margin: 1rem 0 2rem; overflow-x: auto; } .hint { color: #666; font-size: 12px; }
  table { display: block; overflow-x: auto; max-width: 100%; }
  details { margin-top: 1rem; }
</style>
</head>
<body>
<h1>${esc(input.title)}</h1>
<p>${runs} run${runs === 1 ? '' : 's'}. Hover for values; click a legend entry to highlight a policy (shift-click for several); drag to pan and scroll to zoom; double-click to reset.</p>
${left ? `<p class="hint">${esc(left[0]!.toUpperCase() + left.slice(1))}</p>\n` : ''}${ties ? `<p class="hint">${esc(ties[0]!.toUpperCase() + ties.slice(1))}</p>\n` : ''}${compiled.map((c) => `<div class="chart" id="${c.id}"></div>`).join('\n')}
${
  input.hotLinks && input.hotLinks.rows.length > 0
    ? `<h2>Busiest links</h2>
<p class="hint">Each run's busiest switch and inter-DC links by utilisation over the run (bytes carried / (capacity x run length); nodes' NIC links, which carry every byte they send, are in links.csv of a single run), with the jobs, services and transfers that sent most of their bytes.</p>
${input.hotLinks.rows.length > 60 ? '<details><summary>Show the table</summary>\n' : ''}${hotLinksHtml(input.hotLinks, input.runs, esc)}${input.hotLinks.rows.length > 60 ? '\n</details>' : ''}
`
    : ''
}${
  runs === 1
    ? `<h2>Summary</h2>
<p class="hint">${esc(oneRunLabel(input.runs))}</p>
${summaryTableHtml(input.summary, true)}`
    : `<details><summary>Summary table (mean and 95% confidence interval over seeds)</summary>
${summaryTableHtml(input.summary, false)}
</details>`
}
<script>${vega}</script>
<script>
const charts = ${scriptJson(compiled)};
const draw = (id, spec) => new vega.View(vega.parse(spec), { renderer: 'svg', container: '#' + id, hover: true }).runAsync();
// A chart wider than its box (a phone's 420 px: 560 px of plot and its legend) is drawn again with
// its legend below and its plot narrowed to the box, so that nothing lies off the page; one that
// cannot narrow (a grid of panels) scrolls inside its box (.chart's overflow), never the page.
window.poolsimCharts = Promise.all(charts.map(async (c) => {
  const box = document.getElementById(c.id);
  const view = await draw(c.id, c.spec);
  const room = box.clientWidth;
  if (typeof c.spec.width !== 'number' || c.spec.layout || box.querySelector('svg').getBoundingClientRect().width <= room) return view;
  view.finalize();
  box.textContent = '';
  const title = typeof c.spec.title === 'object' ? { ...c.spec.title, limit: room - 10 } : c.spec.title;
  const legends = (c.spec.legends || []).map((l) => ({ ...l, orient: 'bottom', direction: 'vertical' }));
  return draw(c.id, { ...c.spec, width: room, autosize: { type: 'fit-x', contains: 'padding' }, title, legends });
}));
</script>
</body>
</html>
`;
}
