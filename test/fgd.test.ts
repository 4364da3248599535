// The FGD paper's fragmentation measure (Weng et al., ATC'23, §3) on hand-computed nodes, and FGD's
// placement against best-fit's on a case where they part (§4: FGD keeps GPUs usable by the workload).
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { gpuAffinity } from '../src/model/cluster.js';
import { nodeFragmentation, taskClasses, type TaskClass } from '../src/model/fragmentation.js';
import { simulate } from '../src/sim/simulation.js';

const NODE = { nodeFirstDevice: Int32Array.of(0), nodeDevices: Int32Array.of(4), deviceFreeMilli: Int32Array.of(1000, 1000, 500, 200), nodeKind: Int32Array.of(0), nodeCpuFree: Float64Array.of(10000), nodeMemoryFree: Float64Array.of(Infinity) };
const cls = (devices: number, milli: number, cpuMilli: number, weight: number, allowedKinds?: number[]): TaskClass => ({ devices, milli, cpuMilli, memoryMiB: 0, allowedKinds, weight });

describe('fragmentation (FGD §3)', () => {
  it('counts the free GPU a class cannot use: GPUs below its share, or all when it cannot run at all', () => {
    // 0.6-GPU task: two GPUs hold it, 0.5 + 0.2 stranded. 2-GPU task needing 20 cores: no CPU, all 2.7 GPUs.
    expect(nodeFragmentation(0, [cls(1, 600, 1000, 1)], NODE)).toBeCloseTo(0.7, 12);
    expect(nodeFragmentation(0, [cls(2, 1000, 20000, 1)], NODE)).toBeCloseTo(2.7, 12);
    expect(nodeFragmentation(0, [cls(1, 600, 1000, 0.5), cls(2, 1000, 20000, 0.5)], NODE)).toBeCloseTo(1.7, 12);
    // Whole-GPU tasks: two whole GPUs hold a 2-GPU task (0.7 stranded), not a 3-GPU one (all 2.7).
    expect(nodeFragmentation(0, [cls(2, 1000, 0, 1)], NODE)).toBeCloseTo(0.7, 12);
    expect(nodeFragmentation(0, [cls(3, 1000, 0, 1)], NODE)).toBeCloseTo(2.7, 12);
    // A task whose gpu_spec forbids the node's model, or that asks for no GPU, can use none of it.
    expect(nodeFragmentation(0, [cls(1, 100, 0, 1, [1])], NODE)).toBeCloseTo(2.7, 12);
    expect(nodeFragmentation(0, [cls(0, 0, 0, 1)], NODE)).toBeCloseTo(2.7, 12);
    // A full node has nothing to fragment; the trial arguments take CPU away.
    expect(nodeFragmentation(0, [cls(1, 600, 0, 1)], { ...NODE, deviceFreeMilli: Int32Array.of(0, 0, 0, 0) })).toBe(0);
    expect(nodeFragmentation(0, [cls(1, 600, 1000, 1)], NODE, NODE.deviceFreeMilli, 9500)).toBeCloseTo(2.7, 12);
  });

  it('weights classes by their count in the workload', () => {
    const c = taskClasses([
      { devices: 1, milli: 500, cpuMilli: 0, memoryMiB: 0, allowedKinds: undefined },
      { devices: 1, milli: 500, cpuMilli: 0, memoryMiB: 0, allowedKinds: undefined },
      { devices: 8, milli: 1000, cpuMilli: 0, memoryMiB: 0, allowedKinds: [0] },
    ]);
    expect(c.map((x) => [x.devices, x.weight])).toEqual([
      [1, 2 / 3],
      [8, 1 / 3],
    ]);
  });
});

describe('FGD placement', () => {
  // Two one-GPU nodes; pods of 0.3 and 0.5 GPU, the second arriving while the first runs.
  const files: Record<string, string> = {
    '/t/nodes.csv': 'sn,cpu_milli,memory_mib,gpu,model\nn0,8000,32768,1,G2\nn1,8000,32768,1,G2\n',
    '/t/pods.csv':
      'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\np0,1000,1024,1,300,,LS,Running,0,1000,0\np1,1000,1024,1,500,,LS,Running,1,1000,1\n',
  };
  const nodeOfP1 = (placement: string, seed = 1): number => {
    const text = `name: fgd\nseed: ${seed}\nnetwork: ideal\ndatacentres:\n  - name: dc\n    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: { G2: V100-SXM2-32GB } }\nworkloads:\n  - trace: { format: alibaba-openb, path: pods.csv, reference_device: V100-SXM2-32GB, device_map: { G2: V100-SXM2-32GB } }\npolicy: fifo\nplacement: ${placement}\n`;
    let node = -1;
    simulate(loadScenario(text, '/t/s.yaml', { readFile: (p) => files[p]!, baseDir: '/t' }), {
      observe: (sim) => sim.signals.on('started', (j) => {
        if (j.name === 'p1') node = j.placement!.nodes[0]!;
      }),
    });
    return node;
  };

  it('puts the 0.5-GPU pod on the empty GPU, where 0.3 + 0.5 would strand 0.2 that neither class can use; best-fit packs it', () => {
    expect(nodeOfP1('fgd')).toBe(1);
    expect(nodeOfP1('best-fit')).toBe(0);
    expect(nodeOfP1('first-fit')).toBe(0);
    // GPU packing puts a share on a GPU already in use before an idle one (its case 1).
    expect(nodeOfP1('gpu-packing')).toBe(0);
  });

  it('random-fit draws among the nodes that fit, the same draw for the same seed', () => {
    const nodes = Array.from({ length: 16 }, (_, i) => nodeOfP1('random-fit', i + 1));
    expect(new Set(nodes)).toEqual(new Set([0, 1]));
    expect(Array.from({ length: 16 }, (_, i) => nodeOfP1('random-fit', i + 1))).toEqual(nodes);
  });
});

describe('dot-product placement (Tetris, FGD baseline)', () => {
  it('weighs CPU with GPU: a 0.1-GPU pod asking 800 CPU goes where the free CPU is scarce, where best-fit looks at GPUs only', async () => {
    const { Cluster } = await import('../src/model/cluster.js');
    const { SimJob } = await import('../src/sim/sim-job.js');
    const { dotProductPlacement } = await import('../src/policy/dot-product.js');
    const { resolvePolicies } = await import('../src/policy/registry.js');
    const files: Record<string, string> = {
      '/t/nodes.csv': 'sn,cpu_milli,memory_mib,gpu,model\nn0,8000,32768,1,G2\nn1,8000,32768,1,G2\n',
      '/t/pods.csv': 'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\np,800,0,1,100,,LS,Running,0,1000,0\n',
    };
    const text = `name: dot\nseed: 1\nnetwork: ideal\ndatacentres:\n  - name: dc\n    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: { G2: V100-SXM2-32GB } }\nworkloads:\n  - trace: { format: alibaba-openb, path: pods.csv, reference_device: V100-SXM2-32GB, device_map: { G2: V100-SXM2-32GB } }\npolicy: fifo\nplacement: dot-product\n`;
    const r = loadScenario(text, '/t/s.yaml', { readFile: (p) => files[p]!, baseDir: '/t' });
    const c = new Cluster(r.shape);
    // n0: 0.6 GPU and 20% of its CPU free; n1: 0.5 GPU and all its CPU free.
    c.allocateShare(0, 400);
    c.changeHost(0, 6400, 0);
    c.allocateShare(1, 500);
    const job = new SimJob(0, r.jobs[0]!, 0);
    // n0: 0.6 x 0.1 + 0.2 x 0.1 = 0.08; n1: 0.5 x 0.1 + 1.0 x 0.1 = 0.15 (memory asks nothing).
    expect(dotProductPlacement(job, c)).toMatchObject({ nodes: [0], device: 0, milli: 100 });
    const bestFit = resolvePolicies({ name: 'fifo', params: {} }, { name: 'best-fit', params: {} }).placer;
    expect(bestFit.place(job, c, { nowS: 0, predictRate: () => 1, random: undefined as never })).toMatchObject({ nodes: [1] });
  });
});

describe('gpu-clustering placement (FGD baseline)', () => {
  const files: Record<string, string> = {
    '/t/nodes.csv': 'sn,cpu_milli,memory_mib,gpu,model\nn0,8000,32768,4,G2\nn1,8000,32768,4,G2\n',
    '/t/pods.csv': 'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\nw,100,0,1,1000,,LS,Running,0,1000,0\ns,100,0,1,500,,LS,Running,1,1000,1\n',
  };
  const text = (placement: string) => `name: gc\nseed: 1\nnetwork: ideal\ndatacentres:\n  - name: dc\n    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: { G2: V100-SXM2-32GB } }\nworkloads:\n  - trace: { format: alibaba-openb, path: pods.csv, reference_device: V100-SXM2-32GB, device_map: { G2: V100-SXM2-32GB } }\npolicy: fifo\nplacement: ${placement}\n`;

  it("puts a whole-GPU pod beside another whole-GPU pod, not beside a share, where best-fit's tie goes to the lower node", async () => {
    const { Cluster } = await import('../src/model/cluster.js');
    const { SimJob } = await import('../src/sim/sim-job.js');
    const { gpuClusteringPlacement } = await import('../src/policy/gpu-clustering.js');
    const { resolvePolicies } = await import('../src/policy/registry.js');
    const r = loadScenario(text('gpu-clustering'), '/t/s.yaml', { readFile: (p) => files[p]!, baseDir: '/t' });
    const c = new Cluster(r.shape);
    // n0 holds a 0.5-GPU pod, n1 a whole-GPU pod: three whole GPUs free on each.
    c.allocateShare(0, 500);
    c.tallyAffinity(0, 'share', 1);
    c.allocateWhole(1, 1, []);
    c.tallyAffinity(1, '1-gpu', 1);
    const whole = new SimJob(0, r.jobs.find((j) => j.name === 'w')!, 0);
    expect(gpuClusteringPlacement(whole, c)).toMatchObject({ nodes: [1] });
    const share = new SimJob(1, r.jobs.find((j) => j.name === 's')!, 0);
    expect(gpuClusteringPlacement(share, c)).toMatchObject({ nodes: [0], device: 0 });
    const bestFit = resolvePolicies({ name: 'fifo', params: {} }, { name: 'best-fit', params: {} }).placer;
    expect(bestFit.place(whole, c, { nowS: 0, predictRate: () => 1, random: undefined as never })).toMatchObject({ nodes: [0] });
  });

  it('the simulator keeps every node\'s tally of request classes: pods counted while they run, none left at the end', () => {
    const seen: number[] = [];
    let cluster: { nodeAffinity: readonly ReadonlyMap<string, number>[] } | undefined;
    const counted = (): number => cluster!.nodeAffinity.reduce((a, m) => a + [...m.values()].reduce((x, y) => x + y, 0), 0);
    simulate(loadScenario(text('gpu-clustering'), '/t/s.yaml', { readFile: (p) => files[p]!, baseDir: '/t' }), {
      observe: (sim) => {
        cluster = sim.cluster;
        sim.signals.on('started', () => seen.push(counted()));
      },
    });
    expect(seen).toEqual([1, 2]);
    expect(counted()).toBe(0);
  });

  it('a tally first read mid-run (built from the running jobs) then kept per claim equals a recount at every start and finish', () => {
    // 300 pods of mixed requests (shares, 1, 2, 4 GPUs) arriving faster than they leave on two 4-GPU nodes.
    let seed = 12345;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const rows = Array.from({ length: 300 }, (_, i) => {
      const kind = rand(4);
      const [gpus, milli] = kind === 0 ? [1, 100 * (1 + rand(9))] : [[1, 2, 4][kind - 1]!, 1000];
      const start = i * 10;
      return `p${i},100,0,${gpus},${milli},,LS,Running,${start},${start + 20 + rand(200)},${start}`;
    });
    const many: Record<string, string> = { ...files, '/t/pods.csv': files['/t/pods.csv']!.split('\n')[0] + '\n' + rows.join('\n') + '\n' };
    let checks = 0;
    let events = 0;
    simulate(loadScenario(text('best-fit'), '/t/s.yaml', { readFile: (p) => many[p]!, baseDir: '/t' }), {
      observe: (sim) => {
        const check = (): void => {
          if (++events < 40) return; // first read well into the run, with jobs running
          const recount = new Map<string, number>();
          for (const j of sim.running) for (const n of j.placement!.nodes) recount.set(`${n}:${gpuAffinity(j.devices, j.milli)}`, (recount.get(`${n}:${gpuAffinity(j.devices, j.milli)}`) ?? 0) + 1);
          const tally = new Map<string, number>();
          sim.cluster.nodeAffinity.forEach((m, n) => m.forEach((v, k) => tally.set(`${n}:${k}`, v)));
          expect(tally).toEqual(recount);
          checks++;
        };
        sim.signals.on('started', check);
        sim.signals.on('finished', check);
      },
    });
    expect(checks).toBeGreaterThan(400);
  });
});
