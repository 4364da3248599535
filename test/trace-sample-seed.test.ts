// A trace's `sample` keeps the jobs a hash of their ids and the scenario file's `seed` chooses, as
// its field doc says: `run --seed` and an experiment's seeds vary what is drawn while running, not
// which jobs are replayed, so every run of a compare replays the same jobs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../src/experiment/csv-table.js';
import { poolsim } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-sample-seed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const rows = ['id,submit,duration,gpus', ...Array.from({ length: 40 }, (_, i) => `j${i},${i * 60},600,1`)].join('\n') + '\n';
const scenario = (seed: number): string => `name: s\nseed: ${seed}\nnetwork: ideal
datacentres:
  - name: dc
    node_groups:
      - { name: g, count: 1, device: A100-80GB, devices_per_node: 8 }
workloads:
  - trace: { format: csv, path: t.csv, reference_device: A100-80GB, sample: 0.5, mapping: { submit: submit, duration: duration, devices: gpus, id: id } }
policy: fifo
placement: first-fit
`;

const ids = (jobsCsv: string, column = 'job_id'): string[] => {
  const t = parseCsv(jobsCsv);
  const i = t.header.indexOf(column);
  return t.rows.map((r) => r[i]!).sort();
};

describe("a trace's sample", () => {
  it("follows the file's seed, not --seed or a compare's seeds", () => {
    writeFileSync(join(work, 't.csv'), rows);
    for (const seed of [3, 4]) writeFileSync(join(work, `s${seed}.yaml`), scenario(seed));
    const run = (file: string, ...extra: string[]): string[] => {
      const out = join(work, `out-${file}-${extra.join('')}`);
      expect(poolsim('run', join(work, file), '--out', out, '--quiet', ...extra).code).toBe(0);
      return ids(readFileSync(join(out, 'jobs.csv'), 'utf8'));
    };
    const byFile3 = run('s3.yaml');
    const byFile4 = run('s4.yaml');
    expect(byFile3.length).toBeGreaterThan(10);
    expect(byFile3.length).toBeLessThan(30);
    expect(byFile4).not.toEqual(byFile3);
    expect(run('s3.yaml', '--seed', '4')).toEqual(byFile3);
    const out = join(work, 'compare');
    expect(poolsim('compare', join(work, 's3.yaml'), '--seeds', '2', '--jobs', '--out', out, '--quiet').code).toBe(0);
    const t = parseCsv(readFileSync(join(out, 'jobs.csv'), 'utf8'));
    const runCol = t.header.indexOf('run');
    const idCol = t.header.indexOf('job_id');
    for (const r of ['0', '1']) expect(t.rows.filter((x) => x[runCol] === r).map((x) => x[idCol]!).sort()).toEqual(byFile3);
  });
});
