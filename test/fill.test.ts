// The fill experiment (sim/fill.ts, `poolsim fill`): pods arrive on an empty pool and never leave;
// each is placed at once or fails. Checked by hand on one GPU, against the FGD paper's direction on
// the Alibaba openb pods, and through the CLI.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScenario } from '../src/cli/read-scenario.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { resolvePolicies } from '../src/policy/registry.js';
import { runFill, type FillRow } from '../src/sim/fill.js';
import { poolsim, repoPath } from './helpers.js';

const ONE_GPU = {
  '/t/nodes.csv': 'sn,cpu_milli,memory_mib,gpu,model\nn0,8000,32768,1,G2\n',
  '/t/pods.csv':
    'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n' +
    'p0,1000,1024,1,600,,LS,Running,0,1000,0\np1,1000,1024,1,600,,LS,Running,1,1000,1\np2,1000,1024,1,300,,LS,Running,2,1000,2\n',
};
const scenarioText = 'name: fill\nseed: 1\nnetwork: ideal\ndatacentres:\n  - name: dc\n    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: { G2: V100-SXM2-32GB } }\nworkloads:\n  - trace: { format: alibaba-openb, path: pods.csv, reference_device: V100-SXM2-32GB, device_map: { G2: V100-SXM2-32GB } }\npolicy: fifo\nplacement: best-fit\n';
const placer = (name: string) => resolvePolicies({ name: 'fifo', params: {} }, { name, params: {} }).placer;

describe('fill', () => {
  it('one GPU, pods of 0.6, 0.6, 0.3 in order: the second fails, and fragmentation follows FGD by hand', () => {
    const r = loadScenario(scenarioText, '/t/s.yaml', { readFile: (p) => ONE_GPU[p as keyof typeof ONE_GPU]!, baseDir: '/t' });
    const rows: FillRow[] = [];
    const s = runFill(r, placer('best-fit'), 'best-fit', 1, { until: 10, sample: 'in-order' }, (row) => rows.push(row));
    expect(rows.map((x) => [x.pod_name, x.placed, x.failed_pods])).toEqual([
      ['p0', true, 0],
      ['p1', false, 1],
      ['p2', true, 1],
    ]);
    expect(rows.map((x) => x.requested_gpus)).toEqual([0.6, 1.2, 1.5]);
    expect(rows.map((x) => x.allocated_gpus)).toEqual([0.6, 0.6, 0.9]);
    expect(rows[2]!.unallocated_share).toBeCloseTo(0.1, 12);
    // Classes: 0.6 GPU (2 of 3 pods) and 0.3 GPU (1 of 3). With 0.4 free, the 0.6 class cannot use
    // it: 2/3 x 0.4. With 0.1 free, neither can: 0.1.
    expect(rows[0]!.fragmented_gpus).toBeCloseTo((2 / 3) * 0.4, 12);
    expect(rows[2]!.fragmented_gpus).toBeCloseTo(0.1, 12);
    expect(s).toMatchObject({ pods: 3, failed_pods: 1, cluster_gpus: 1 });
    expect(s.gpu_unallocated_fraction).toBeCloseTo(0.1, 12);
    expect(s.gpu_fragmentation_mean).toBeCloseTo(((2 / 3) * 0.4 * 2 + 0.1) / 3, 12);
  });

  it("the openb default pods: FGD leaves fewer GPUs unallocated than best-fit once the pool is full (the paper's direction), every seed", () => {
    const r = readScenario(repoPath('scenarios/alibaba-replay.yaml'));
    for (const seed of [1, 2]) {
      const fgd = runFill(r, placer('fgd'), 'fgd', seed, { until: 1.3, sample: 'with-replacement' });
      const bestFit = runFill(r, placer('best-fit'), 'best-fit', seed, { until: 1.3, sample: 'with-replacement' });
      expect(fgd.requested_share).toBeGreaterThanOrEqual(1.3);
      // Measured: 4.3-4.5% against 5.6-5.7% of 6,212 GPUs.
      expect(fgd.gpu_unallocated_fraction).toBeLessThan(0.9 * bestFit.gpu_unallocated_fraction);
      expect(fgd.gpu_fragmentation_mean).toBeLessThan(bestFit.gpu_fragmentation_mean);
    }
  }, 60_000);

  it('CLI: files all or nothing, the same bytes for the same seed, bad options refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-fill-'));
    for (const [name, text] of Object.entries(ONE_GPU)) writeFileSync(join(dir, name.slice(3)), text);
    writeFileSync(join(dir, 's.yaml'), scenarioText);
    const a = poolsim('fill', join(dir, 's.yaml'), '--placement', 'best-fit,fgd', '--until', '500%', '--out', join(dir, 'a'), '--seeds', '2');
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^ {2}fgd +1 /m);
    const b = poolsim('fill', join(dir, 's.yaml'), '--placement', 'best-fit,fgd', '--until', '5', '--out', join(dir, 'b'), '--seeds', '2', '--quiet');
    expect(b.code).toBe(0);
    for (const f of ['fill.csv', 'fill-summary.csv']) expect(readFileSync(join(dir, 'b', f), 'utf8')).toBe(readFileSync(join(dir, 'a', f), 'utf8'));
    const summary = readFileSync(join(dir, 'a', 'fill-summary.csv'), 'utf8').trim().split('\n');
    expect(summary).toHaveLength(5);
    expect(readFileSync(join(dir, 'a', 'fill.svg'), 'utf8')).toContain('<svg');
    const bad = poolsim('fill', join(dir, 's.yaml'), '--until', '0%', '--out', join(dir, 'c'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--until: expected a share of the pool's GPUs in (0, 1000%]");
    const typo = poolsim('fill', join(dir, 's.yaml'), '--placement', 'fgd,best-fitt', '--out', join(dir, 'c'));
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown policy 'best-fitt'");
    // Seeds past the largest: refused with nothing left beside the folder (its staging folder was).
    const past = poolsim('fill', join(dir, 's.yaml'), '--seed', '999999999999999', '--seeds', '2', '--out', join(dir, 'c'));
    expect(past.code).toBe(2);
    expect(past.stderr).toContain('--seeds: the last seed');
    expect(readdirSync(dir).filter((n) => n.includes('poolsim'))).toEqual([]);
  });

  it("CLI: two placements of one name are labelled by their parameters, as compare's are; one placement twice is refused", () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-fill-'));
    for (const [name, text] of Object.entries(ONE_GPU)) writeFileSync(join(dir, name.slice(3)), text);
    writeFileSync(join(dir, 's.yaml'), scenarioText);
    // Both rows used to read 'topology-aware': which row was which parameter set, nothing said.
    const two = poolsim('fill', join(dir, 's.yaml'), '--placement', '{name: topology-aware, params: {whole_nodes: true}},{name: topology-aware, params: {whole_nodes: false}}', '--out', join(dir, 'a'), '--quiet');
    expect(two.code).toBe(0);
    const column = (file: string) => readFileSync(join(dir, 'a', file), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(column('fill-summary.csv')).toEqual(['topology-aware{whole_nodes=true}', 'topology-aware{whole_nodes=false}']);
    expect(new Set(column('fill.csv'))).toEqual(new Set(['topology-aware{whole_nodes=true}', 'topology-aware{whole_nodes=false}']));
    // One placement alone, or the scenario's own, keeps its bare name.
    const one = poolsim('fill', join(dir, 's.yaml'), '--placement', 'best-fit,fgd', '--out', join(dir, 'b'), '--quiet');
    expect(one.code).toBe(0);
    expect(readFileSync(join(dir, 'b', 'fill-summary.csv'), 'utf8')).toMatch(/^best-fit,1,.*\nfgd,1,/m);
    // The same placement twice (the scenario's best-fit and best-fit with its parameters written) gave two identical rows.
    for (const list of ['best-fit,best-fit', 'best-fit,{name: best-fit, params: {}}']) {
      const twice = poolsim('fill', join(dir, 's.yaml'), '--placement', list, '--out', join(dir, 'c'));
      expect(twice.code, list).toBe(2);
      expect(twice.stderr).toContain("--placement: 'best-fit' is listed twice (entries 1 and 2)");
      expect(existsSync(join(dir, 'c'))).toBe(false);
    }
  });
});
