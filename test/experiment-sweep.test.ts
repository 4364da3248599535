// Sweeps and comparisons: value syntax, scenario paths, statistics, and the promise that results do
// not depend on how runs were spread (1 or 2 workers, or shards joined by merge).
import { describe, expect, it } from 'vitest';
import { tableToCsv } from '../src/experiment/csv-table.js';
import { runExperiment } from '../src/experiment/experiment.js';
import { mergeRuns, MergeError } from '../src/experiment/merge.js';
import { applyAssignments, parsePath, ScenarioPathError } from '../src/experiment/scenario-edit.js';
import { meanCi, tQuantile975 } from '../src/experiment/stats.js';
import { summarizeRuns } from '../src/experiment/summarize.js';
import { parseSetOption, SweepSyntaxError } from '../src/experiment/sweep-values.js';
import { loadScenario } from '../src/model/load-scenario.js';

const TINY = `name: tiny
seed: 5
datacentres:
  - name: east
    fabric: IB-NDR
    node_groups: [{ name: g, count: 2, device: A100-80GB }]
  - name: west
    fabric: IB-NDR
    node_groups: [{ name: h, count: 2, device: A100-80GB }]
links:
  - { between: [east, west], latency: 1ms, bandwidth: 100Gbps }
workloads:
  - generator:
      count: 12
      arrival: { process: poisson, mean_interval: 10min }
      devices: { distribution: empirical, values: [1, 4, 8, 16] }
      duration: { distribution: lognormal, median: 30min, sigma: 1 }
      reference_device: A100-80GB
policy: fifo
placement: first-fit
`;

describe('sweep values', () => {
  it('keeps list values as written and splits only top-level commas', () => {
    expect(parseSetOption('datacentres[0].fabric=IB-NDR,RoCE-400G').values).toEqual(['IB-NDR', 'RoCE-400G']);
    expect(parseSetOption('datacentres.east.fabric={preset: RoCE-400G, latency: 2us},IB-NDR').values).toEqual(['{preset: RoCE-400G, latency: 2us}', 'IB-NDR']);
  });

  it('writes log range points back in the endpoints\' units', () => {
    const p = parseSetOption('links[0].latency=10us..10ms:log:7');
    expect(p.values).toEqual(['10us', '31.62us', '100us', '316.2us', '1ms', '3.162ms', '10ms']);
    expect(p.log).toBe(true);
    expect(parseSetOption('x=100..800:lin:8').values).toEqual(['100', '200', '300', '400', '500', '600', '700', '800']);
    expect(parseSetOption('links[0].bandwidth=100Gbps..400Gbps:lin:4').values).toEqual(['100Gbps', '200Gbps', '300Gbps', '400Gbps']);
  });

  it('rejects ranges without a point count or with mixed kinds', () => {
    expect(() => parseSetOption('x=1..8')).toThrow(SweepSyntaxError);
    expect(() => parseSetOption('x=1us..8GB:lin:3')).toThrow(/mixed kinds|unknown unit/);
    expect(() => parseSetOption('x')).toThrow(/path=values/);
  });

  it('refuses a bad point count or scale as that, not as a missing count', () => {
    // `links[0].latency=1ms..10ms:log:1e400` (and `:lin:-3`) read the count into the upper endpoint
    // and answered "say how many points, e.g. 1ms..10ms:log:1e400:lin:5".
    expect(() => parseSetOption('x=1ms..10ms:log:1e400')).toThrow("range '1ms..10ms:log:1e400': expected the number of points as a whole number (at least 2), got '1e400'");
    expect(() => parseSetOption('x=1ms..10ms:lin:-3')).toThrow("range '1ms..10ms:lin:-3': expected the number of points as a whole number (at least 2), got '-3'");
    expect(() => parseSetOption('x=1ms..10ms:geo:5')).toThrow("range '1ms..10ms:geo:5': expected the scale 'lin' or 'log', got 'geo'");
    expect(() => parseSetOption('x=1ms..10ms:log')).toThrow("range '1ms..10ms:log': say how many points, e.g. 1ms..10ms:log:5");
    expect(parseSetOption('x=1..3:3').values).toEqual(['1', '2', '3']);
  });
});

describe('sweep values given twice', () => {
  // `--set links[0].latency=1ms,1ms` was refused with "runs.csv: runs 0 and 1 have the same
  // links[0].latency=1ms, scenario=..., seed 3: they are not replications of one variant" (a file the
  // user never named), and so was `1ms..1.001ms:lin:5`, whose points round to 1ms, 1ms, 1ms, 1.001ms,
  // 1.001ms at four significant digits.
  it('refuses a value listed twice, and a range whose points round to the same text, saying so', () => {
    expect(() => parseSetOption('links[0].latency=1ms,2ms,1ms')).toThrow("'1ms,2ms,1ms': '1ms' is listed twice (entries 1 and 3); list each value once");
    expect(() => parseSetOption('links[0].latency=1ms..1.001ms:lin:5')).toThrow("range '1ms..1.001ms:lin:5': points 1 and 2 are both '1ms' at four significant digits; use fewer points or a wider range");
    expect(parseSetOption('links[0].latency=1ms..1.003ms:lin:4').values).toEqual(['1ms', '1.001ms', '1.002ms', '1.003ms']);
  });
});

describe('scenario paths', () => {
  it('parses indices and names', () => {
    expect(parsePath('links[0].latency')).toEqual(['links', 0, 'latency']);
    expect(parsePath('datacentres.east.fabric')).toEqual(['datacentres', 'east', 'fabric']);
    expect(parsePath('datacentres["us.east"].pue')).toEqual(['datacentres', 'us.east', 'pue']);
    expect(parsePath('datacentres[east].node_groups.0.count')).toEqual(['datacentres', 'east', 'node_groups', 0, 'count']);
  });

  // `--set datacentres..x=1`, `seed.=2`, `links[0]..latency=1us`, `links[0]latency=1us` were read as
  // if the stray dot were not there or the steps were apart: the sweep ran on a path the user did not
  // write. Each is refused with the --set's text, the character and what was expected there.
  it('refuses a malformed path with the --set, the position and what was expected', () => {
    const refusals: [string, string][] = [
      ['datacentres..x=1', "at character 13, expected a field name after '.', not '.'"],
      ['.seed=2', "at character 1, expected a field name, not '.'"],
      ['seed.=2', "at character 6, expected a field name after '.'"],
      ['links[0]..latency=1us', "at character 10, expected a field name after '.', not '.'"],
      ['links.[0].latency=1us', "at character 7, expected a field name after '.', not '['"],
      ['links[0]latency=1us', "at character 9, expected '.' or '[' before the next step, not 'l'"],
      ['links[]=1', "at character 7, expected an index (links[0]) or an item's name (datacentres[east]) inside the brackets"],
      ['links[0=1', "at character 8, expected ']' to close the '[' at character 6"],
      ['links]0=1', "at character 6, expected '.' or '[' before the next step, not ']'"],
      [' links[0]..x =1', "at character 11, expected a field name after '.', not '.'"],
    ];
    for (const [text, why] of refusals) {
      expect(() => parseSetOption(text), text).toThrow(SweepSyntaxError);
      expect(() => parseSetOption(text), text).toThrow(`--set '${text}': ${why}; write the path like links[0].latency or datacentres.east.fabric`);
    }
    expect(() => parsePath('a..b')).toThrow(ScenarioPathError);
    expect(parseSetOption('links[0].latency=1us').path).toBe('links[0].latency');
  });

  it('sets a field by index or by item name, keeping the rest of the file', () => {
    const text = applyAssignments(TINY, [
      { path: 'links[0].latency', value: '10us' },
      { path: 'datacentres.west.fabric', value: 'RoCE-400G' },
    ]);
    const r = loadScenario(text, 'tiny.yaml');
    expect(r.interDc[0]!.latencyS).toBeCloseTo(10e-6, 12);
    expect(r.scenario.datacentres[1]!.fabric).toEqual({ preset: 'RoCE-400G' });
    expect(r.scenario.datacentres[0]!.fabric).toEqual({ preset: 'IB-NDR' });
  });

  it('names a missing item with a suggestion', () => {
    expect(() => applyAssignments(TINY, [{ path: 'datacentres.wset.fabric', value: 'x' }])).toThrow(ScenarioPathError);
    expect(() => applyAssignments(TINY, [{ path: 'datacentres.wset.fabric', value: 'x' }])).toThrow(/did you mean 'west'/);
    expect(() => applyAssignments(TINY, [{ path: 'links[3].latency', value: '1us' }])).toThrow(/index 3 does not exist/);
  });

  it('refuses one field set twice, by the same path or by index and by name, and a field inside one set whole', () => {
    // Without this the later assignment wins silently while runs.csv labels each run with both values.
    expect(() => applyAssignments(TINY, [{ path: 'links[0].latency', value: '10us' }, { path: 'links[0].latency', value: '1ms' }])).toThrow(
      'links[0].latency and links[0].latency both set links[0].latency: set each field once',
    );
    expect(() => applyAssignments(TINY, [{ path: 'datacentres[1].fabric', value: 'IB-NDR' }, { path: 'datacentres.west.fabric', value: 'RoCE-400G' }])).toThrow(
      'datacentres[1].fabric and datacentres.west.fabric both set datacentres[1].fabric',
    );
    expect(() => applyAssignments(TINY, [{ path: 'links[0].latency', value: '10us' }, { path: 'links[0]', value: '{ between: [east, west], latency: 1ms, bandwidth: 1Gbps }' }])).toThrow(
      'links[0].latency lies inside links[0] (links[0]), which is set as a whole: set one or the other',
    );
    // Different fields of one item, and the same field of different items, are fine.
    expect(() => applyAssignments(TINY, [{ path: 'datacentres.west.fabric', value: 'RoCE-400G' }, { path: 'datacentres.east.fabric', value: 'RoCE-400G' }, { path: 'datacentres.east.pue', value: '1.3' }])).not.toThrow();
  });
});

describe('statistics', () => {
  it('uses Student t for the confidence interval', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.706, 3);
    expect(tQuantile975(9)).toBeCloseTo(2.262, 3);
    expect(tQuantile975(60)).toBeCloseTo(2.0003, 3);
    expect(tQuantile975(1000)).toBeCloseTo(1.9623, 3);
    const s = meanCi([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(1.29099, 5);
    expect(s.ci95High - s.mean).toBeCloseTo((3.1824 * 1.29099) / 2, 3);
    expect(Number.isNaN(meanCi([7]).std)).toBe(true);
  });
});

describe('experiments spread over workers and shards', () => {
  const spec = {
    scenarioText: TINY,
    scenarioFile: 'tiny.yaml',
    sweep: [parseSetOption('links[0].latency=10us..10ms:log:3'), parseSetOption('datacentres.west.fabric=IB-NDR,RoCE-400G')],
    policies: [
      { ref: { name: 'fifo', params: {} }, baseDir: '.', label: '--policies' },
      { ref: { name: 'sjf', params: {} }, baseDir: '.', label: '--policies' },
    ],
    placements: [],
    seeds: [1, 2],
  };

  it('gives identical bytes with 1 worker, 2 workers, and 3 shards merged', async () => {
    const one = await runExperiment(spec, { workers: 1 });
    const two = await runExperiment(spec, { workers: 2 });
    expect(one.runs.rows.length).toBe(3 * 2 * 2 * 2);
    expect(tableToCsv(two.runs)).toBe(tableToCsv(one.runs));
    expect(tableToCsv(two.summary)).toBe(tableToCsv(one.summary));
    const shards = await Promise.all([1, 2, 3].map((k) => runExperiment(spec, { workers: 1, shard: { k, n: 3 } })));
    // Interleaved: shard k holds runs k-1, k-1+n, ...
    expect(shards[1]!.runs.rows.map((r) => r[0])).toEqual(['1', '4', '7', '10', '13', '16', '19', '22']);
    const merged = mergeRuns(shards.map((s, i) => ({ file: `shard-${i + 1}.csv`, table: s.runs })).reverse());
    expect(tableToCsv(merged.table)).toBe(tableToCsv(one.runs));
    expect(tableToCsv(summarizeRuns(merged.table))).toBe(tableToCsv(one.summary));
    // Common random numbers: both policies see the same jobs for a seed.
    const at = (c: string) => one.runs.header.indexOf(c);
    for (const r of one.runs.rows) expect(r[at('jobs_submitted')]).toBe('12');
  });

  it('merge reports missing runs, conflicting duplicates and different headers', async () => {
    const a = { file: 'a.csv', table: { header: ['run', 'x'], rows: [['0', '1'], ['2', '3']] } };
    expect(() => mergeRuns([a])).toThrow(/missing run 1/);
    const b = { file: 'b.csv', table: { header: ['run', 'x'], rows: [['1', '5'], ['2', '4']] } };
    expect(() => mergeRuns([a, b])).toThrow(/run 2 is in a.csv and in b.csv with different results/);
    const c = { file: 'c.csv', table: { header: ['run', 'y'], rows: [] } };
    expect(() => mergeRuns([a, c])).toThrow(MergeError);
    const d = { file: 'd.csv', table: { header: ['run', 'x'], rows: [['1', '2'], ['2', '3']] } };
    expect(mergeRuns([a, d]).duplicates).toEqual([2]);
    expect(() => mergeRuns([a, d], 4)).toThrow(/missing run 3/);
  });

  it('reports a bad swept value like a mistake in the file, naming the point', async () => {
    const bad = { ...spec, sweep: [parseSetOption('links[0].latency=1ms,fast')], seeds: [1] };
    await expect(runExperiment(bad, { workers: 1 })).rejects.toThrow(/links\[0\]\.latency: .*duration.*\(sweep point links\[0\]\.latency=fast\)/);
  });

  it('reports a bad value in a field the --set adds at the --set, not at a line of the edited text', async () => {
    // TINY has 21 lines and no horizon: it read "tiny.yaml:22:10: horizon: expected a positive
    // duration, got '0'", and a misspelt key added to a data centre "tiny.yaml:7:5: datacentres[0].pue_: ...",
    // a line that holds the next data centre's name in the file.
    const bad = { ...spec, sweep: [parseSetOption('horizon=0'), parseSetOption('datacentres.east.pue_=1.2')], seeds: [1] };
    const message = await runExperiment(bad, { workers: 1 }).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message.split('\n')).toEqual([
      "--set: horizon: expected a positive duration, got '0' (sweep point horizon=0, datacentres.east.pue_=1.2)",
      "--set: datacentres[0].pue_: unknown key 'pue_' (did you mean 'pue'?) (sweep point horizon=0, datacentres.east.pue_=1.2)",
    ]);
    // A field the file has keeps its place in the file: column 39 is where line 11 writes 1ms. It
    // said 41, the column in the re-serialised text, whose flow list reads `[ east, west ]`.
    await expect(runExperiment({ ...spec, sweep: [parseSetOption('links[0].latency=fast')], seeds: [1] }, { workers: 1 })).rejects.toThrow(/^tiny\.yaml:11:39: links\[0\]\.latency: /);
  });
});

describe('runs.csv and summary.csv name each column once', () => {
  it('a swept field named like a result column (--set placement=..., policy=...) gets a column of its own name', async () => {
    // `sweep --set placement=first-fit,topology-aware` wrote two columns named `placement` (the swept
    // value, then the run's placement): pandas renamed one `placement.1`, and a lookup by name found
    // the first. The swept one is `set.placement` now; both still say what they said.
    const spec = {
      scenarioText: TINY,
      scenarioFile: 'tiny.yaml',
      sweep: [parseSetOption('placement=first-fit,topology-aware'), parseSetOption('policy=fifo,sjf')],
      policies: [],
      placements: [],
      seeds: [1],
    };
    const r = await runExperiment(spec, { workers: 1 });
    for (const t of [r.runs, r.summary]) expect(new Set(t.header).size).toBe(t.header.length);
    const h = r.runs.header;
    expect(h.slice(0, 2)).toEqual(['run', 'set.placement']);
    expect(h[2]).toBe('set.policy');
    const cells = r.runs.rows.map((row) => [row[h.indexOf('set.placement')], row[h.indexOf('placement')], row[h.indexOf('set.policy')], row[h.indexOf('policy')]].join(' '));
    expect(cells).toEqual(['first-fit first-fit fifo fifo', 'first-fit first-fit sjf sjf', 'topology-aware topology-aware fifo fifo', 'topology-aware topology-aware sjf sjf']);
    expect(r.summary.header.slice(0, 2)).toEqual(['set.placement', 'set.policy']);
  });
});
