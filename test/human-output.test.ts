// Output for people: counts with thousands separators, totals with SI prefixes, terminal tables no
// wider than 100 columns, the progress line of a long run (terminal and CI forms), plots in the
// user's units with whole legends.
import { describe, expect, it } from 'vitest';
import { RunProgressLine } from '../src/cli/run-progress-line.js';
import { formatServices } from '../src/cli/service-table.js';
import { formatSummary } from '../src/cli/summary-table.js';
import { metricVsParamSpec } from '../src/experiment/chart-specs.js';
import { renderTable } from '../src/experiment/text-table.js';
import { formatMetricValue, formatMetricValues, formatSummaryTable } from '../src/experiment/summary-text.js';
import { formatCount, formatMeasure, formatPercent, formatSI } from '../src/units/units.js';
import { bundled, runToCsv } from './helpers.js';

describe('numbers for people', () => {
  it('SI prefixes with three significant digits, no prefix below 1000', () => {
    expect(formatSI(2.7597e21, 'FLOP')).toBe('2.76 ZFLOP');
    expect(formatSI(34_734_731_374e15, 'FLOP')).toBe('34.7 YFLOP');
    expect(formatSI(2_451_100, 'Wh')).toBe('2.45 MWh');
    expect(formatSI(999.96e3, 'W')).toBe('1 MW');
    expect(formatSI(512, 'W')).toBe('512 W');
    expect(formatSI(12.34, 'W')).toBe('12.3 W');
    expect(formatSI(0, 'W')).toBe('0 W');
    expect(formatSI(Number.NaN, 'W')).toBe('-');
  });

  it('thousands separators on counts', () => {
    expect(formatCount(1_000_000)).toBe('1,000,000');
    expect(formatCount(999)).toBe('999');
  });

  it("a run's summary uses both", () => {
    const r = runToCsv(bundled('quickstart'));
    const text = formatSummary({ ...r.summary, jobs_submitted: 1_000_000 });
    expect(text).toMatch(/jobs\s+1,000,000 submitted/);
    expect(text).toMatch(/useful work\s+\d+(\.\d+)? [kMGTPEZY]FLOP \(/);
    expect(text).toMatch(/energy\s+\d+(\.\d+)? [kMGT]?Wh, /);
    // Its west site's RoCE preset carries no prices, so the pool's fabric is not priced: no line.
    expect(Number.isNaN(r.summary.fabric_capex)).toBe(true);
    expect(text).not.toMatch(/^\s+fabric\s/m);
  });

  it('means and fractions keep what they measure: 1.95 replicas is not "2", 0.167 device-hours not "0", 99.97% of an SLO not "100.0%"', () => {
    expect(formatMeasure(1.95)).toBe('1.95');
    expect(formatMeasure(5.354166667)).toBe('5.354');
    expect(formatMeasure(0.1666666667)).toBe('0.1667');
    expect(formatMeasure(4579.3)).toBe('4,579');
    expect(formatMeasure(8)).toBe('8');
    expect(formatPercent(0.9997)).toBe('99.97%');
    expect(formatPercent(0.99999)).toBe('99.999%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0.0004)).toBe('0.04%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(0.4033)).toBe('40.3%');
    // A fraction that is 1 but for float rounding (the CSV, at ten significant digits, writes 1):
    // llama3-405b's one job holds every device for the whole run and printed 'utilisation
    // 100.000000%', six decimals of noise. A real shortfall still shows (0.99999999 above).
    expect(formatPercent(1 - 1e-12)).toBe('100.0%');
    expect(formatMetricValue('utilisation', 1 - 1e-12)).toBe('100.00%');
    expect(formatPercent(0.99999999)).toBe('99.999999%');
    // compare, sweep and check print fractions with two decimals: 0.99997 read '100.00%' there.
    expect(formatMetricValue('services.chat.slo_attainment', 0.99997)).toBe('99.997%');
    expect(formatMetricValue('utilisation', 0.5)).toBe('50.00%');
    expect(formatMetricValue('utilisation', 1)).toBe('100.00%');
    const r = runToCsv(bundled('quickstart'));
    expect(formatSummary({ ...r.summary, busy_device_hours: 1 / 6 })).toContain('(0.1667 busy device-hours)');
    expect(formatSummary({ ...r.summary, utilisation: 0.99996 })).toMatch(/utilisation\s+99\.996%\n/);
    const s = runToCsv(bundled('inference-disaggregated-autoscale')).services[0]!;
    const table = formatServices([{ ...s, replicas_mean: 1.95, replicas_max: 2, slo_attainment: 0.9997 }]);
    expect(table).toMatch(/replicas\s+mean 1\.95, max 2\n/);
    expect(table).toMatch(/SLO attainment\s+99\.97%/);
    expect(formatServices([s])).toMatch(/replicas\s+mean 5\.742, max 8\n/);
    // A service of one 1-token request a minute printed 'throughput 0 output tokens/s' (one decimal).
    expect(formatServices([{ ...s, tokens_per_s: 1 / 60 }])).toMatch(/throughput\s+0\.01667 output tokens\/s,/);
    expect(formatServices([{ ...s, tokens_per_s: 2271.046667 }])).toMatch(/throughput\s+2,271 output tokens\/s,/);
  });

  it('a run of services alone shows no rows of jobs it did not have', () => {
    // seed-gpt3-inference printed 'makespan -', 'queueing delay mean -, p50 -, ...' and 'job
    // completion time mean -, p95 -' above its requests' own queueing delay.
    const text = formatSummary(runToCsv(bundled('seed-gpt3-inference')).summary);
    expect(text).toMatch(/^ {2}jobs\s+none submitted\n/m);
    expect(text).not.toMatch(/makespan|queueing delay|job completion time/);
    expect(text).toMatch(/^ {2}effective compute ratio\s+\d/m);
  });

  it("a run on a priced fabric says what it costs and draws, apart from the devices' energy", () => {
    const r = runToCsv(bundled('roce-vs-ib'));
    const text = formatSummary(r.summary);
    expect(r.summary.fabric_capex).toBe(807_200);
    // The capex said no currency ('capex 807,200'); the energy cost says whose it is in.
    expect(text).toContain(`  fabric capex             807,200 (equipment prices' currency; the catalogue's are USD)\n`);
    expect(text).toContain(`  fabric power             18 kW, ${formatSI(r.summary.fabric_energy_kwh * 1e3, 'Wh')} over the run (not in energy above)\n`);
    expect(Math.max(...text.split('\n').filter((l) => l.startsWith('  fabric')).map((l) => l.length))).toBeLessThanOrEqual(100);
  });
});

describe('terminal tables', () => {
  it('split columns over several tables to stay within 100 columns, repeating the key columns', () => {
    const header = ['point', 'policy', ...Array.from({ length: 12 }, (_, i) => `metric_number_${i}_s ↓`)];
    const rows = [header, ['10us', 'fifo', ...header.slice(2).map((_, i) => `${i}.5h`)], ['10ms', 'easy-backfill', ...header.slice(2).map((_, i) => `${i}.25h`)]];
    const text = renderTable(rows, 2);
    const lines = text.split('\n').filter((l) => l !== '');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
    for (const h of header) expect(text).toContain(h);
    expect(lines.filter((l) => l.trimStart().startsWith('point')).length).toBeGreaterThan(1);
    expect(lines.filter((l) => l.includes('easy-backfill')).length).toBe(lines.filter((l) => l.trimStart().startsWith('point')).length);
  });

  it("a sweep's summary table fits 100 columns", () => {
    const metrics = ['effective_compute_ratio_pool', 'effective_compute_ratio_allocated', 'utilisation', 'queueing_delay_mean_s', 'queueing_delay_p95_s', 'jct_mean_s', 'makespan_s', 'energy_kwh'];
    const header = ['links[0].latency', 'scenario', 'policy', 'placement', 'metric', 'mean', 'std', 'ci95_low', 'ci95_high', 'n'];
    const rows = ['10us', '1ms'].flatMap((lat) => metrics.map((m) => [lat, 's', 'fifo', 'first-fit', m, '0.5', '0', '0.5', '0.5', '1']));
    const text = formatSummaryTable({ header, rows });
    for (const l of text.split('\n')) expect(l.length).toBeLessThanOrEqual(100);
    for (const m of metrics) expect(text).toContain(m);
  });
});

describe('the progress line of a long run', () => {
  const snapshot = { simS: 86_400 * 8.5, events: 524_288, jobsEnded: 280_008 };

  it('on a terminal: redrawn in place after 2 s, with simulated time, events/s, jobs and ETA; cleared at the end', () => {
    let t = 0;
    const out: string[] = [];
    const line = new RunProgressLine({ isTTY: true, columns: 200, write: (s: string) => out.push(s) }, 1_000_000, { nowMs: () => t });
    t = 1000;
    line.update(snapshot);
    expect(out).toEqual([]); // a short run shows nothing
    t = 11_000;
    line.update(snapshot);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\r\x1b\[2K  simulated 8\.5d · 524,288 events \(47\.7k events\/s\) · 280,008 of ~1,000,000 jobs ended \(28%\) · ETA 0:28 · 0:11 elapsed$/);
    line.finish();
    expect(out[1]).toBe('\r\x1b[2K');
  });

  it('in CI logs: a plain line every 10 s, nothing to clear', () => {
    let t = 0;
    const out: string[] = [];
    const line = new RunProgressLine({ isTTY: false, write: (s: string) => out.push(s) }, 0, { nowMs: () => t });
    for (t = 1000; t <= 25_000; t += 1000) line.update(snapshot);
    expect(out).toHaveLength(2);
    for (const l of out) expect(l).toMatch(/^  simulated 8\.5d · 524,288 events \(.*events\/s\) · \d:\d\d elapsed\n$/); // no job total: no ETA
    line.finish();
    expect(out).toHaveLength(2);
  });
});

describe('plots', () => {
  const header = ['links[0].latency', 'links[0].bandwidth', 'scenario', 'policy', 'placement', 'metric', 'mean', 'std', 'ci95_low', 'ci95_high', 'n'];
  const rows = ['10us', '1ms'].flatMap((lat) => ['100Gbps', '400Gbps'].map((bw) => [lat, bw, 's', 'fifo', 'first-fit', 'effective_compute_ratio_pool', '0.3', '', '', '', '1']));
  const summary = { header, rows };

  it('show the swept values in the unit written, name the other swept value in the legend, whole', () => {
    const spec = metricVsParamSpec(summary, 'effective_compute_ratio_pool', 'links[0].latency', { log: true }) as any;
    expect(spec.encoding.x.title).toBe('links[0].latency (log scale)');
    expect(spec.encoding.x.scale.type).toBe('log');
    expect(spec.encoding.x.axis.labelExpr).toBe("format(datum.value, '~s') + 's'");
    expect(spec.encoding.color.title).toBe('policy · links[0].bandwidth');
    expect(spec.encoding.color.legend.labelLimit).toBe(0);
    const series = [...new Set(spec.data.values.map((p: { series: string }) => p.series))];
    expect(series).toEqual(['fifo · 100Gbps', 'fifo · 400Gbps']);
    expect(spec.layer[1].encoding.y.axis.format).toBe('~%');
  });

  it('plot a bandwidth written in Gbps in bits per second, one written in GB/s in bytes', () => {
    const bits = metricVsParamSpec(summary, 'effective_compute_ratio_pool', 'links[0].bandwidth') as any;
    expect(bits.encoding.x.axis.labelExpr).toBe("format(datum.value, '~s') + 'bps'");
    expect(bits.encoding.x.scale.type).toBe('linear');
    expect(new Set(bits.data.values.map((p: { x: number }) => p.x))).toEqual(new Set([100e9, 400e9]));
    const bytesRows = rows.map((r) => [r[0]!, r[1] === '100Gbps' ? '50GB/s' : '100GB/s', ...r.slice(2)]);
    const bytes = metricVsParamSpec({ header, rows: bytesRows }, 'effective_compute_ratio_pool', 'links[0].bandwidth') as any;
    expect(bytes.encoding.x.axis.labelExpr).toBe("format(datum.value, '~s') + 'B/s'");
    expect(new Set(bytes.data.values.map((p: { x: number }) => p.x))).toEqual(new Set([50e9, 100e9]));
  });
});

describe('values shown against each other', () => {
  it('get the digits that tell them apart, and no more where they differ already', () => {
    // check printed "FAIL slo_attainment >= 99.30%: got 99.30%" and "tpot_p99_s <= 29ms: got 29ms".
    expect(formatMetricValues('services.s.slo_attainment', [0.993, Number.NaN, 0.9929848])).toEqual(['99.300%', '-', '99.298%']);
    expect(formatMetricValues('services.s.tpot_p99_s', [Number.NaN, 0.02899, 0.02900446521])).toEqual(['-', '28.99ms', '29ms']);
    expect(formatMetricValues('jct_mean_s', [Number.NaN, 50657, 50658.00276])).toEqual(['-', '14.071h', '14.072h']);
    expect(formatMetricValues('energy_kwh', [1000.4, 1000.2])).toEqual(['1,000.4', '1,000.2']);
    expect(formatMetricValues('utilisation', [0.5, 0.9])).toEqual(['50.00%', '90.00%']);
    expect(formatMetricValues('utilisation', [0.5, 0.5])).toEqual(['50.00%', '50.00%']);
  });
});
