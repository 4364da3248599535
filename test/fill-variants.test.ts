// The FGD study's trace variants (Weng et al., ATC'23, §6.3): pod lists derived from the default
// openb list with more multi-GPU pods, more GPU-sharing pods, or more pods constrained to one GPU
// model. The published variant files list pod sizes without time columns; the same kind of file is
// built here from the bundled default list (deterministically), read as an untimed trace, and
// filled to 130% with FGD and with best-fit: the paper's ordering (FGD leaves fewer GPUs
// unallocated) must hold on each, not only on the default list. A run refuses such a file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../src/engine/random.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { resolvePolicies } from '../src/policy/registry.js';
import { readInputFile } from '../src/scenario/read-input-file.js';
import { runFill } from '../src/sim/fill.js';
import { poolsim, repoPath } from './helpers.js';

interface Pod {
  cpu: string;
  mem: string;
  gpus: number;
  milli: number;
  spec: string;
  qos: string;
}

const placer = (name: string) => resolvePolicies({ name: 'fifo', params: {} }, { name, params: {} }).placer;

function defaultPods(): Pod[] {
  const lines = readInputFile(repoPath('data/alibaba-openb/openb_pod_list_default.csv.gz')).trim().split('\n');
  const h = lines[0]!.split(',');
  const at = (name: string) => h.indexOf(name);
  return lines.slice(1).map((l) => {
    const f = l.split(',');
    return { cpu: f[at('cpu_milli')]!, mem: f[at('memory_mib')]!, gpus: Number(f[at('num_gpu')]), milli: Number(f[at('gpu_milli')] || 1000), spec: f[at('gpu_spec')]!, qos: f[at('qos')]! };
  });
}

const request = (p: Pod) => (p.gpus * p.milli) / 1000;

/** The GPU pods, with those matching `pred` repeated until they make `share` of the GPU requests. */
function reweighted(pods: Pod[], pred: (p: Pod) => boolean, share: number, random: RandomStream): Pod[] {
  const gpu = pods.filter((p) => p.gpus > 0);
  const a = gpu.filter(pred);
  const b = gpu.filter((p) => !pred(p));
  const sum = (xs: Pod[]) => xs.reduce((s, p) => s + request(p), 0);
  const copies = (share * sum(b)) / ((1 - share) * sum(a));
  const out = [...b];
  for (let i = 0; i < Math.floor(copies); i++) out.push(...a);
  for (const p of a) if (random.next() < copies - Math.floor(copies)) out.push(p);
  return out;
}

function sizesOnlyCsv(pods: Pod[]): string {
  return 'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos\n' + pods.map((p, i) => `v-${i},${p.cpu},${p.mem},${p.gpus},${p.milli},${p.spec},${p.qos}\n`).join('');
}

function scenarioFor(podsPath: string): string {
  const nodes = repoPath('data/alibaba-openb/openb_node_list_all_node.csv.gz');
  return [
    'name: fill-variant',
    'seed: 1',
    'network: ideal',
    'devices:',
    "  G2: { peak: 125TFLOPS, memory: 32GB, memory_bandwidth: 900GB/s, busy_power: 300W, idle_power: 60W, efficiency: 0.35, interconnect: { name: PCIe3, bandwidth: 16GB/s, latency: 2us }, devices_per_node: 8 }",
    "  G3: { peak: 125TFLOPS, memory: 32GB, memory_bandwidth: 900GB/s, busy_power: 300W, idle_power: 60W, efficiency: 0.35, interconnect: { name: PCIe3, bandwidth: 16GB/s, latency: 2us }, devices_per_node: 8 }",
    'datacentres:',
    '  - name: alibaba',
    `    nodes_from: { format: alibaba-openb, path: ${nodes}, device_map: { V100M16: V100-SXM2-16GB, V100M32: V100-SXM2-32GB } }`,
    'workloads:',
    `  - trace: { format: alibaba-openb, path: ${podsPath}, reference_device: V100-SXM2-32GB, device_map: { V100M16: V100-SXM2-16GB, V100M32: V100-SXM2-32GB } }`,
    'policy: fifo',
    'placement: best-fit',
    '',
  ].join('\n');
}

describe('fill on the FGD study variants of the openb pods', () => {
  const pods = defaultPods();
  const dir = mkdtempSync(join(tmpdir(), 'poolsim-fill-variants-'));
  // GPU models weighted by the GPUs the node list has of each (the V100 pair as one constraint).
  const specs = ['G2', 'T4', 'P100', 'V100M16|V100M32', 'G3'];
  const specWeights = [4392, 842, 265, 399, 312];
  const variants: Record<string, (r: RandomStream) => Pod[]> = {
    'multi-GPU-heavy (50% of requests from multi-GPU pods)': (r) => reweighted(pods, (p) => p.gpus > 1, 0.5, r),
    'sharing-heavy (60% of requests from GPU-sharing pods)': (r) => reweighted(pods, (p) => p.gpus === 1 && p.milli < 1000, 0.6, r),
    'GPU-spec-constrained (a third of the GPU pods bound to one model)': (r) =>
      pods.filter((p) => p.gpus > 0).map((p) => (r.next() < 1 / 3 ? { ...p, spec: r.pick(specs, specWeights) } : p)),
  };
  for (const [name, build] of Object.entries(variants)) {
    it(`${name}: FGD leaves fewer GPUs unallocated than best-fit at 130%`, () => {
      const path = join(dir, `${name.split(' ')[0]}.csv`);
      writeFileSync(path, sizesOnlyCsv(build(new RandomStream(7, name))));
      const r = loadScenario(scenarioFor(path), join(dir, 's.yaml'), { readFile: (p) => readInputFile(p), baseDir: dir, allowUntimed: true });
      const fgd = runFill(r, placer('fgd'), 'fgd', 1, { until: 1.3, sample: 'with-replacement' });
      const bestFit = runFill(r, placer('best-fit'), 'best-fit', 1, { until: 1.3, sample: 'with-replacement' });
      expect(fgd.requested_share).toBeGreaterThanOrEqual(1.3);
      // Measured (seeds 1-2, FGD vs best-fit, of 6,212 GPUs): multi-GPU 2.5-2.9% vs 4.4-5.3%,
      // sharing 8.4-8.6% vs 9.6-9.7%, constrained 4.4-5.1% vs 5.7-6.3%.
      expect(fgd.gpu_unallocated_fraction).toBeLessThan(bestFit.gpu_unallocated_fraction);
      expect(fgd.gpu_fragmentation_mean).toBeLessThan(bestFit.gpu_fragmentation_mean);
    }, 60_000);
  }

  it('a sizes-only pod list: `fill` draws from it, `run` refuses it before running, naming the field', () => {
    const path = join(dir, 'sizes.csv');
    writeFileSync(path, sizesOnlyCsv(pods.filter((p) => p.gpus > 0).slice(0, 400)));
    writeFileSync(join(dir, 'sizes.yaml'), scenarioFor(path));
    const run = poolsim('run', join(dir, 'sizes.yaml'), '--out', join(dir, 'run'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('workloads[0].trace.path: ');
    expect(run.stderr).toContain("lists pod sizes only (no creation_time, deletion_time or scheduled_time column): `poolsim fill` can draw pods from it, but a run needs each pod's arrival and run time");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const fill = poolsim('fill', join(dir, 'sizes.yaml'), '--until', '20%', '--out', join(dir, 'fill'), '--quiet');
    expect(fill.stderr).toBe('');
    expect(fill.code).toBe(0);
  }, 60_000);
});
