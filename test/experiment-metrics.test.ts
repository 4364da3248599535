// The metric table and what derives from it (directions, ranges, confidence intervals, the docs),
// policy variant labels, and summaries that never average across variants.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tableToCsv, type Table } from '../src/experiment/csv-table.js';
import { missingRanges, mergeRuns } from '../src/experiment/merge.js';
import { isBetter, metricDef, metricDirection, metricTableMarkdown, rangeBounds, resolveMetricName, SUMMARY_METRIC_COLUMNS } from '../src/experiment/metric-table.js';
import { meanCi } from '../src/experiment/stats.js';
import { summarizeRuns } from '../src/experiment/summarize.js';
import { formatSummaryTable } from '../src/experiment/summary-text.js';
import { parseSetOption } from '../src/experiment/sweep-values.js';
import { parseVariantLabel, variantLabels } from '../src/experiment/variant-label.js';
import { InputError } from '../src/scenario/errors.js';
import { SUMMARY_COLUMNS } from '../src/sim/metrics.js';
import { repoPath } from './helpers.js';

describe('the metric table', () => {
  it('covers every summary column, and directions come from it', () => {
    expect(SUMMARY_METRIC_COLUMNS).toEqual(SUMMARY_COLUMNS.filter((c) => !['scenario', 'policy', 'placement', 'seed'].includes(c)));
    expect(metricDirection('utilisation')).toBe('higher');
    expect(metricDirection('queueing_delay_p95_s')).toBe('lower');
    expect(metricDirection('jobs_submitted')).toBe('neutral');
    expect(metricDirection('services.chat.ttft_p99_s')).toBe('lower');
    expect(metricDirection('services.chat.slo_attainment')).toBe('higher');
    expect(isBetter('services.a.b.tokens_per_s', 2, 1)).toBe(true);
    expect(metricDef('utilisation')!.range).toBe('fraction');
    expect(metricDef('job_comm_fraction')!.range).toBe('fraction');
    expect(metricDef('makespan_s')!.range).toBe('non-negative');
    expect(metricDef('scenario_sha256')).toBeUndefined();
    expect(metricDef('job_device_kind')).toBeUndefined();
  });

  it('resolves a bare service metric only when exactly one service has it, and never over a summary column', () => {
    const one = [...SUMMARY_METRIC_COLUMNS, 'services.chat.ttft_p99_s', 'services.chat.queueing_delay_p95_s'];
    expect(resolveMetricName('ttft_p99_s', one)).toBe('services.chat.ttft_p99_s');
    expect(resolveMetricName('queueing_delay_p95_s', one)).toBe('queueing_delay_p95_s');
    const two = [...one, 'services.code.ttft_p99_s'];
    expect(resolveMetricName('ttft_p99_s', two)).toBeUndefined();
    expect(resolveMetricName('ttft_p99_x', one)).toBeUndefined();
  });

  it('docs/experiments.md carries the table generated from it', () => {
    expect(readFileSync(repoPath('docs/experiments.md'), 'utf8')).toContain(metricTableMarkdown());
  });
});

describe('confidence intervals respect a metric range', () => {
  it('a delay whose t interval would reach below zero is cut at zero (it used to say -3.5 h)', () => {
    const s = meanCi([0, 0, 36_000], rangeBounds('non-negative'));
    expect(s.mean).toBe(12_000);
    expect(s.ci95Low).toBe(0);
    expect(s.ci95High).toBeCloseTo(12_000 + (4.3027 * 20_784.6) / Math.sqrt(3), -1);
    const u = meanCi([0.99, 0.5, 1], rangeBounds('fraction'));
    expect(u.ci95High).toBe(1);
    expect(u.ci95Low).toBeGreaterThanOrEqual(0);
  });

  it('for any replications, the interval lies in the range and holds the mean', () => {
    fc.assert(
      fc.property(fc.constantFrom<'fraction' | 'non-negative'>('fraction', 'non-negative'), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 30 }), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (range, unit, scale) => {
        const xs = range === 'fraction' ? unit : unit.map((x) => x * scale);
        const b = rangeBounds(range);
        const s = meanCi(xs, b);
        expect(s.ci95Low).toBeGreaterThanOrEqual(b.min);
        expect(s.ci95High).toBeLessThanOrEqual(b.max);
        expect(s.ci95Low).toBeLessThanOrEqual(s.mean + 1e-12 * Math.max(1, s.mean));
        expect(s.ci95High).toBeGreaterThanOrEqual(s.mean - 1e-12 * Math.max(1, s.mean));
      }),
    );
  });

  it('summary.csv intervals of delays and makespans never go below zero, and the table shows the cut interval', () => {
    const header = ['run', 'scenario', 'policy', 'placement', 'seed', 'makespan_s', 'jct_mean_s', 'utilisation'];
    const runs: Table = {
      header,
      rows: [
        ['0', 's', 'fifo', 'first-fit', '1', '100', '0', '0.9'],
        ['1', 's', 'fifo', 'first-fit', '2', '10', '0', '0.95'],
        ['2', 's', 'fifo', 'first-fit', '3', '1000', '36000', '1'],
      ],
    };
    const summary = summarizeRuns(runs);
    for (const r of summary.rows) {
      expect(Number(r[summary.header.indexOf('ci95_low')])).toBeGreaterThanOrEqual(0);
      if (r[summary.header.indexOf('metric')] === 'utilisation') expect(Number(r[summary.header.indexOf('ci95_high')])).toBeLessThanOrEqual(1);
    }
    expect(formatSummaryTable(summary)).toMatch(/jct_mean_s ↓ +3.33h \(CI 0s … \d+(\.\d+)?h\)/);
  });
});

describe('policy variant labels', () => {
  const ref = (name: string, params: Record<string, unknown> = {}) => ({ name, params });

  it('two parameter sets of one policy get distinct labels; a lone variant keeps its name', () => {
    expect(variantLabels([{ ref: ref('sjf', { strict: true }), ownName: 'sjf' }, { ref: ref('sjf'), ownName: 'sjf' }, { ref: ref('fifo'), ownName: 'fifo' }])).toEqual(['sjf{strict=true}', 'sjf{}', 'fifo']);
    expect(variantLabels([{ ref: ref('site-aware', { objective: 'carbon', max_slowdown: 1.5 }), ownName: 'site-aware' }])).toEqual(['site-aware']);
  });

  it('plug-ins are labelled by their own name, disambiguated by module when two share it', () => {
    const labels = variantLabels([
      { ref: ref('./a.mjs'), ownName: 'mine' },
      { ref: ref('./b.mjs'), ownName: 'mine' },
      { ref: ref('fifo'), ownName: 'fifo' },
      { ref: ref('./my-fifo.mjs'), ownName: 'fifo' },
    ]);
    expect(labels).toEqual(['mine[./a.mjs]', 'mine[./b.mjs]', 'fifo', 'fifo[./my-fifo.mjs]']);
    expect(new Set(labels).size).toBe(4);
  });

  it('the same variant twice is refused (it would be averaged as more seeds)', () => {
    expect(() => variantLabels([{ ref: ref('fifo'), ownName: 'fifo' }, { ref: ref('fifo'), ownName: 'fifo' }])).toThrow(/listed twice/);
  });

  it('labels read back as the policies they name', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), fc.oneof(fc.integer(), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.constantFrom('carbon', 'yes', '1.5', 'a,b', '{x}'))),
        (params) => {
          const [label] = variantLabels([
            { ref: ref('sjf', params), ownName: 'sjf' },
            { ref: ref('sjf', { other: 1 }), ownName: 'sjf' },
          ]);
          const back = parseVariantLabel(label!);
          expect(back.name).toBe('sjf');
          expect(back.params).toEqual(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Object.is(v, -0) ? 0 : v])));
        },
      ),
    );
  });

  it('summaries never average across variants: two runs of one group with one seed are refused', () => {
    const header = ['run', 'scenario', 'policy', 'placement', 'seed', 'utilisation'];
    const rows = [
      ['0', 's', 'easy-backfill', 'best-fit', '1', '0.5'],
      ['1', 's', 'easy-backfill', 'best-fit', '1', '0.7'],
    ];
    expect(() => summarizeRuns({ header, rows })).toThrow(InputError);
    expect(() => summarizeRuns({ header, rows })).toThrow(/runs 0 and 1 have the same .*policy=easy-backfill.* and seed 1/);
  });
});

describe('sizes are refused before anything is allocated', () => {
  it('a range of 100M points is refused, saying the count and the limit', () => {
    const t0 = Date.now();
    expect(() => parseSetOption('x=1..2:lin:100000000', 100_000)).toThrow(/100,000,000 points, more than the limit of 100,000/);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('merge refuses a run number of 1e9 and finds gaps without listing them', () => {
    const a = { file: 'a.csv', table: { header: ['run', 'x'], rows: [['0', '1'], ['1000000000', '3']] } };
    expect(() => mergeRuns([a])).toThrow(/run 1000000000 is beyond the largest experiment poolsim plans \(100,000 runs/);
    expect(missingRanges([0, 5, 6, 10], 12)).toEqual({ count: 9, text: '1-4, 7-9, 11-12' });
    expect(missingRanges([], 1e12 - 1).count).toBe(1e12);
  });

  it('merge refuses a --total that is not a positive whole number', () => {
    const a = { file: 'a.csv', table: { header: ['run', 'x'], rows: [['0', '1']] } };
    expect(() => mergeRuns([a], Number.NaN)).toThrow(/--total NaN: expected a positive whole number/);
    expect(() => mergeRuns([a], 3)).toThrow(/missing runs 1-2/);
  });

  it('the merged summary is the same bytes as one run', () => {
    const header = ['run', 'scenario', 'policy', 'placement', 'seed', 'makespan_s'];
    const rows = [0, 1, 2, 3].map((i) => [String(i), 's', i < 2 ? 'a' : 'b', 'p', String(1 + (i % 2)), String(10 * i + 1)]);
    const merged = mergeRuns([
      { file: 'x', table: { header, rows: [rows[1]!, rows[3]!] } },
      { file: 'y', table: { header, rows: [rows[0]!, rows[2]!] } },
    ]);
    expect(tableToCsv(summarizeRuns(merged.table))).toBe(tableToCsv(summarizeRuns({ header, rows })));
  });
});

describe('sweep table with a swept value holding commas', () => {
  it('keeps each point on its own row, the value whole and the metric columns in place', () => {
    const header = ['run', 'placement', 'scenario', 'policy', 'placement', 'seed', 'jct_mean_s', 'makespan_s'];
    const runs: Table = {
      header,
      rows: [
        ['0', 'first-fit', 's', 'fifo', 'first-fit', '1', '3600', '36000'],
        ['1', '{name: random-fit, params: {}}', 's', 'fifo', 'random-fit', '1', '7200', '72000'],
      ],
    };
    const text = formatSummaryTable(summarizeRuns(runs));
    const lines = text.split('\n').filter((l) => l.trimStart().startsWith('{name: random-fit, params: {}}'));
    // Its own metrics, in their columns (the table splits into one part per metric here): 2h, 20h.
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ +\{name: random-fit, params: \{\}\} +fifo \+ \{name: random-fit, params: \{\}\} +2h$/);
    expect(lines[1]).toMatch(/ +20h$/);
  });
});

describe('the best per metric, starred', () => {
  // compare's ECR of allocated device-time on a 16-node pool: six of eight policy + placement pairs
  // printed '31.15% ± 0.14', differing in the seventh digit, and one of them alone was starred best.
  const head = ['scenario', 'policy', 'placement', 'metric', 'n', 'mean', 'std', 'ci95_low', 'ci95_high'];
  const row = (policy: string, mean: number, point?: string): string[] => [
    ...(point === undefined ? [] : [point]),
    'pool', policy, 'first-fit', 'effective_compute_ratio_allocated', '3', String(mean), '0.0006', String(mean - 0.0014), String(mean + 0.0014),
  ];
  const ties = [row('fifo', 0.3115278617), row('sjf', 0.3115277027), row('las', 0.3078809176), row('easy-backfill', 0.3115279876)];
  const starred = (text: string): string[] => text.split('\n').flatMap((l) => [...l.matchAll(/(\d+\.\d+%) ± [\d.]+ \*/g)].map((m) => m[1]!));

  it('compare stars every policy that prints the best value, not one picked by float noise', () => {
    const text = formatSummaryTable({ header: head, rows: ties });
    expect(starred(text)).toEqual(['31.15%', '31.15%', '31.15%']);
    expect(text).not.toMatch(/30\.79% ± [\d.]+ \*/);
  });
  it('none where every policy prints the same, as where they are equal', () => {
    expect(starred(formatSummaryTable({ header: head, rows: ties.filter((r) => r[1] !== 'las') }))).toEqual([]);
  });
  it('a sweep point the same way', () => {
    const rows = [row('fifo', 0.3115278617, '1ms'), row('sjf', 0.3115277027, '1ms'), row('las', 0.3078809176, '1ms')];
    const text = formatSummaryTable({ header: ['links[0].latency', ...head], rows });
    expect(starred(text)).toEqual(['31.15%', '31.15%']);
  });
  it('a real lead is still starred alone', () => {
    expect(starred(formatSummaryTable({ header: head, rows: [row('fifo', 0.3115), row('sjf', 0.3125)] }))).toEqual(['31.25%']);
  });
});

describe('a half-width reads as its mean does', () => {
  it("thousands separators on both: quickstart's energy printed '2,687 ± 1400'", () => {
    const head = ['scenario', 'policy', 'placement', 'metric', 'n', 'mean', 'std', 'ci95_low', 'ci95_high'];
    const rows = [
      ['q', 'fifo', 'first-fit', 'energy_kwh', '3', '2687.25', '560', String(2687.25 - 1404.3), String(2687.25 + 1404.3)],
      ['q', 'sjf', 'first-fit', 'energy_kwh', '3', '2191.5', '330', String(2191.5 - 0.00123), String(2191.5 + 0.00123)],
    ];
    const text = formatSummaryTable({ header: head, rows });
    expect(text).toContain('2,687 ± 1,400');
    expect(text).toContain('2,192 ± 0.0012');
  });
});
