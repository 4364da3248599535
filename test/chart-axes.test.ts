// What the sweep and CDF charts draw, read from the rendered SVG (the labels Vega shows, not the spec):
// a log axis names its decades, and a CDF of jobs that never waited is drawn, not collapsed onto one spot.
import { describe, expect, it } from 'vitest';
import { comparePoliciesSpec, queueingCdfSpec, metricVsParamSpec, logAxisValues } from '../src/experiment/chart-specs.js';
import { renderSvg } from '../src/experiment/charts.js';

/** The axis labels Vega left visible (its overlap pass hides the others with opacity 0), with their x. */
function visibleLabels(svg: string): { text: string; x: number }[] {
  const out: { text: string; x: number }[] = [];
  for (const m of svg.matchAll(/<text[^>]*transform="translate\(([-\d.e]+),[^)]*\)"[^>]*opacity="1"[^>]*>([^<]*)<\/text>/g)) out.push({ text: m[2]!, x: Number(m[1]) });
  return out;
}

describe('sweep chart on a log axis', () => {
  // The README's picture: 7 latencies from 10us to 10ms.
  const lat = ['10us', '31.62us', '100us', '316.2us', '1ms', '3.162ms', '10ms'];
  const header = ['links[0].latency', 'scenario', 'policy', 'placement', 'metric', 'n', 'mean', 'std', 'ci95_low', 'ci95_high'];
  const rows = lat.map((l, i) => [l, 's', 'fifo', 'first-fit', 'effective_compute_ratio_pool', '1', String(0.49 - i * 0.01), '', '', '']);

  it('labels 100µs, 1ms and 10ms, not only the values in between', async () => {
    const svg = await renderSvg(metricVsParamSpec({ header, rows }, 'effective_compute_ratio_pool', 'links[0].latency', { log: true }));
    const shown = visibleLabels(svg).map((l) => l.text).filter((t) => /[µm]s$/.test(t));
    // Before: 10µs 20µs 30µs 50µs 80µs 200µs 400µs 700µs 2ms 3ms 5ms 7ms (decades hidden by overlap).
    expect(shown).toEqual(['10µs', '20µs', '50µs', '100µs', '200µs', '500µs', '1ms', '2ms', '5ms', '10ms']);
  });

  it('ticks 1-2-5 over up to three decades, decades beyond, every k-th decade past ten', () => {
    expect(logAxisValues(1e-5, 1e-2)).toEqual([1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2]);
    expect(logAxisValues(1e9, 1e14)).toEqual([1e9, 1e10, 1e11, 1e12, 1e13, 1e14]);
    expect(logAxisValues(1e-9, 1e12)).toEqual([1e-9, 1e-6, 1e-3, 1, 1e3, 1e6, 1e9, 1e12]);
    expect(logAxisValues(3, 4)).toBeUndefined();
    expect(logAxisValues(0, 4)).toBeUndefined();
  });
});

describe('sweep chart of a metric that is the same at every point', () => {
  // two-dc-latency's one job never waits: the report's 'queueing delay mean (s)' chart labelled its
  // y axis '0.000000' (Vega's default format over a domain of no width).
  const header = ['links[0].latency', 'scenario', 'policy', 'placement', 'metric', 'n', 'mean', 'std', 'ci95_low', 'ci95_high'];
  const rows = ['10us', '1ms', '10ms'].map((l) => [l, 's', 'fifo', 'first-fit', 'queueing_delay_mean_s', '1', '0', '', '', '']);
  it("labels 0 as '0'; a spread of seconds keeps its thousands separators", async () => {
    const zero = visibleLabels(await renderSvg(metricVsParamSpec({ header, rows }, 'queueing_delay_mean_s', 'links[0].latency', { log: true }))).map((l) => l.text);
    expect(zero).toContain('0');
    expect(zero.filter((t) => /^0\.0+$/.test(t))).toEqual([]);
    const spread = rows.map((r, i) => [...r.slice(0, 6), String(51000 + i * 4000), '', '', '']);
    const secs = visibleLabels(await renderSvg(metricVsParamSpec({ header, rows: spread }, 'queueing_delay_mean_s', 'links[0].latency', { log: true }))).map((l) => l.text);
    expect(secs).toEqual(expect.arrayContaining(['52,000', '58,000']));
  });
});

describe('queueing delay CDF', () => {
  const runs = { header: ['run', 'scenario', 'policy', 'placement', 'seed'], rows: [['0', 's', 'fifo', 'first-fit', '1']] };
  const jobsOf = (delays: number[]) => ({ header: ['run', 'job_id', 'queueing_delay_s'], rows: delays.map((d, i) => ['0', `j${i}`, String(d)]) });

  it('of jobs that never waited: ticks apart, and a line at 1 the reader can see', async () => {
    const spec = queueingCdfSpec(runs, jobsOf([0, 0, 0])) as any;
    const svg = await renderSvg(spec);
    const ticks = visibleLabels(svg).filter((l) => /^[\d.]+$/.test(l.text) && ['0', '0.1', '1'].includes(l.text));
    // Before: domain [0, 0]; '0', '0.1', '1', '10', '100', '1000' all at x = 280, and no line off the y axis.
    const xs = ticks.filter((t) => ['0', '0.1', '1'].includes(t.text) && t.x !== undefined).map((t) => t.x);
    expect(new Set(xs).size).toBeGreaterThanOrEqual(3);
    expect(spec.encoding.x.scale.domain).toEqual([0, 1]);
    const atOne = spec.data.values.filter((v: { fraction: number; delay: number }) => v.fraction === 1 && v.delay > 0).map((v: { series: string; delay: number; fraction: number }) => ({ series: v.series, delay: v.delay, fraction: v.fraction }));
    expect(atOne).toEqual([{ series: 'fifo', delay: 1, fraction: 1 }]);
    // The line at 1 lay on the plot's top edge (y = 0, under the frame's stroke), so a report of jobs
    // that never waited showed what looked like an empty chart; the y scale keeps 6 px above it.
    const line = svg.slice(svg.indexOf('mark-line role-mark'));
    const d = /<path [^>]*d="([^"]*)"/.exec(line)![1]!;
    const ys = [...d.matchAll(/[ML]-?[\d.]+,(-?[\d.]+)/g)].map((m) => Number(m[1]));
    expect(ys.length).toBeGreaterThan(1);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(5);
  });

  it('of jobs that waited hours: the axis ends at the longest wait, the line at 1 there', () => {
    const spec = queueingCdfSpec(runs, jobsOf([0, 3600, 7200, 4 * 3600])) as any;
    expect(spec.encoding.x.scale.domain).toEqual([0, 4]);
    expect(spec.encoding.x.axis.values).toEqual([0, 0.1, 1]);
    expect(spec.data.values.at(-1)).toEqual({ series: 'fifo', delay: 4, fraction: 1 });
  });

  it('labels 10 hours and 1000 hours as such, not 1e+1', async () => {
    const svg = await renderSvg(queueingCdfSpec(runs, jobsOf([0, 3600, 2000 * 3600])));
    const shown = visibleLabels(svg).map((l) => l.text).filter((t) => /^[\d.,e+]+$/.test(t) && !/^0\.\d$|^1\.0$/.test(t));
    // Before: '1e+1', '1e+2', '1e+3'.
    expect(shown).toEqual(expect.arrayContaining(['0', '1', '10', '100', '1,000']));
    expect(shown.some((t) => t.includes('e+'))).toBe(false);
  });
});

describe('compare chart', () => {
  const header = ['scenario', 'policy', 'placement', 'metric', 'n', 'mean', 'std', 'ci95_low', 'ci95_high'];
  const rows = [
    ['s', 'fifo', 'first-fit', 'effective_compute_ratio_pool', '10', '0.3356', '0.02', '0.3204', '0.3508'],
    ['s', 'easy-backfill', 'first-fit', 'effective_compute_ratio_pool', '10', '0.5125', '0.02', '0.4943', '0.5307'],
    ['s', 'fifo', 'first-fit', 'jct_mean_s', '10', '118000', '1', '102000', '134000'],
    ['s', 'easy-backfill', 'first-fit', 'jct_mean_s', '10', '21600', '1', '16300', '26900'],
  ];

  it('draws fractions in percent, as the tables beside it print them; other units as they are', async () => {
    const spec = comparePoliciesSpec({ header, rows }, ['effective_compute_ratio_pool', 'jct_mean_s']) as any;
    const ecr = spec.data.values.filter((v: { metric: string }) => v.metric === 'effective compute ratio pool (%) ↑');
    expect(ecr.map((v: { mean: number; lo: number; hi: number }) => [v.mean, v.lo, v.hi].map((x) => Number(x.toFixed(6))))).toEqual([[33.56, 32.04, 35.08], [51.25, 49.43, 53.07]]);
    expect(spec.facet.sort).toEqual(['effective compute ratio pool (%) ↑', 'jct mean (s) ↓']);
    const jct = spec.data.values.filter((v: { metric: string }) => v.metric === 'jct mean (s) ↓');
    expect(jct.map((v: { mean: number }) => v.mean)).toEqual([118000, 21600]);
    const svg = await renderSvg(spec);
    // Before: the ECR facet's axis read 0.0 ... 0.5 beside a table saying 51.25%.
    expect(visibleLabels(svg).map((l) => l.text)).toEqual(expect.arrayContaining(['50', 'effective compute ratio pool (%) ↑']));
  });
});
