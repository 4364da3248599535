// A trace's `sample` keeps the jobs a hash of their ids and the run's seed chooses, as its field doc
// says: `run --seed` and each seed of a compare replay a sample of their own, the same as `run` of
// that seed, unless the trace pins one with `sample_seed`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../src/experiment/csv-table.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { runScenario } from '../src/experiment/run-scenario.js';
import { poolsim } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-sample-seed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const rows = ['id,submit,duration,gpus', ...Array.from({ length: 40 }, (_, i) => `j${i},${i * 60},600,1`)].join('\n') + '\n';
const scenario = (seed: number, extra = ''): string => `name: s\nseed: ${seed}\nnetwork: ideal
datacentres:
  - name: dc
    node_groups:
      - { name: g, count: 1, device: A100-80GB, devices_per_node: 8 }
workloads:
  - trace: { format: csv, path: t.csv, reference_device: A100-80GB, sample: 0.5${extra}, mapping: { submit: submit, duration: duration, devices: gpus, id: id } }
policy: fifo
placement: first-fit
`;

/** jobs.csv's rows from job_id on, sorted (a compare's jobs.csv has its run columns before them). */
const jobRows = (jobsCsv: string, run?: string): string[] => {
  const t = parseCsv(jobsCsv);
  const from = t.header.indexOf('job_id');
  const runCol = t.header.indexOf('run');
  return t.rows.filter((r) => run === undefined || r[runCol] === run).map((r) => r.slice(from).join(',')).sort();
};
const ids = (rowsOf: string[]): string[] => rowsOf.map((r) => r.split(',')[0]!);

function setUp(): void {
  writeFileSync(join(work, 't.csv'), rows);
  for (const seed of [3, 4]) writeFileSync(join(work, `s${seed}.yaml`), scenario(seed));
  writeFileSync(join(work, 'pinned.yaml'), scenario(3, ', sample_seed: 7'));
}

const run = (file: string, ...extra: string[]): string[] => {
  const out = join(work, `out-${file}-${extra.join('')}`);
  const r = poolsim('run', join(work, file), '--out', out, '--quiet', ...extra);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return jobRows(readFileSync(join(out, 'jobs.csv'), 'utf8'));
};

const compare = (file: string): { runs: string[][]; stderr: string } => {
  const out = join(work, `compare-${file}`);
  const r = poolsim('compare', join(work, file), '--seeds', '2', '--jobs', '--out', out, '--workers', '1');
  expect(r.code).toBe(0);
  const text = readFileSync(join(out, 'jobs.csv'), 'utf8');
  return { runs: ['0', '1'].map((k) => jobRows(text, k)), stderr: r.stderr };
};

describe("a trace's sample", () => {
  it("is the run's seed's draw: run --seed and each seed of a compare replay the sample run of that seed replays", () => {
    setUp();
    const byFile3 = run('s3.yaml');
    const byFile4 = run('s4.yaml');
    expect(byFile3.length).toBeGreaterThan(10);
    expect(byFile3.length).toBeLessThan(30);
    expect(ids(byFile4)).not.toEqual(ids(byFile3));
    expect(run('s3.yaml', '--seed', '4')).toEqual(byFile4);
    const c = compare('s3.yaml');
    expect(c.runs).toEqual([byFile3, byFile4]);
    expect(c.stderr).toContain('note: workloads[0].trace.sample: each seed replays a sample of its own, so the 95% CI covers which jobs were sampled');
  });

  it('is one sample for every seed when sample_seed pins it', () => {
    setUp();
    const pinned = run('pinned.yaml');
    expect(run('pinned.yaml', '--seed', '4')).toEqual(pinned);
    const c = compare('pinned.yaml');
    expect(c.runs).toEqual([pinned, pinned]);
    expect(c.stderr).toContain('note: workloads[0].trace.sample_seed pins one sample for every seed: the 95% CI covers what is drawn while running, not which jobs were sampled');
  });

  it("is each seed's draw in a fill too, as in fill --seed of that seed", () => {
    setUp();
    // Pods of 1 to 8 GPUs, so that which were sampled shows in the fill.
    writeFileSync(join(work, 'sizes.csv'), ['id,submit,duration,gpus', ...Array.from({ length: 40 }, (_, i) => `j${i},${i * 60},600,${1 + ((i * 5) % 8)}`)].join('\n') + '\n');
    for (const seed of [3, 4]) writeFileSync(join(work, `f${seed}.yaml`), scenario(seed).replace('t.csv', 'sizes.csv').replace('count: 1,', 'count: 4,'));
    const fill = (file: string, ...extra: string[]): string[] => {
      const out = join(work, `fill-${file}${extra.join('')}`);
      expect(poolsim('fill', join(work, file), '--out', out, '--quiet', ...extra).code).toBe(0);
      return readFileSync(join(out, 'fill-summary.csv'), 'utf8').trim().split('\n');
    };
    const [header, three, four] = fill('f3.yaml', '--seeds', '2', '--sample', 'in-order');
    expect(three).not.toEqual(four);
    expect(fill('f3.yaml', '--seed', '4', '--sample', 'in-order')).toEqual([header, four]);
    // The file of seed 4 fills with the same pods: the sample is the seed's, not the file's.
    expect(fill('f4.yaml', '--sample', 'in-order')).toEqual([header, four]);
  });

  it('refuses sample_seed without a sample below 1, which would change nothing', () => {
    setUp();
    writeFileSync(join(work, 'no-sample.yaml'), scenario(3, ', sample_seed: 7').replace('sample: 0.5, ', ''));
    const r = poolsim('validate', join(work, 'no-sample.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('workloads[0].trace.sample_seed: sample_seed chooses the jobs `sample` keeps');
  });

  it("is refused for a library run of another seed than the one it was loaded for", () => {
    setUp();
    const readFile = (p: string) => readFileSync(p, 'utf8');
    const resolved = loadScenario(scenario(3), join(work, 's3.yaml'), { readFile, baseDir: work, seed: 5 });
    expect(resolved.traceSampleSeed).toBe(5);
    expect(() => runScenario(resolved, { seed: 6 })).toThrow(/drawn for seed 5 when it was loaded, not for this run's seed 6: load it with \{ seed: 6 \}/);
    expect(() => runScenario(resolved)).toThrow(/not for this run's seed 3/);
    expect(runScenario(resolved, { seed: 5 }).summary.jobs_submitted).toBeGreaterThan(10);
  });
});
