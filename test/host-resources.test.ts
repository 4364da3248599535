// Nodes with CPU and memory as well as GPUs, and pods that ask for all three with GPU shares
// (Alibaba openb lists): property tests over every built-in placement policy that no node's CPU,
// memory or GPU share is ever over-allocated, that no pod runs on a GPU model its gpu_spec forbids,
// and that every pod ends completed or rejected. Plus the checks a decision goes through.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { hostShare } from '../src/model/host-resources.js';
import { simulate, type Simulation } from '../src/sim/simulation.js';
import { PLACEMENT_POLICIES } from '../src/policy/registry.js';
import { placementProblem } from '../src/policy/check-placement.js';

const MODELS = ['G2', 'T4', 'V100M32'];
const DEVICE_MAP = '{ G2: V100-SXM2-32GB, T4: T4, V100M32: A100-80GB }';

const arb = fc.record({
  nodes: fc.array(fc.record({ model: fc.constantFrom(...MODELS), gpu: fc.constantFrom(1, 2, 4, 8), cpu: fc.constantFrom(8000, 32000, 96000), mem: fc.constantFrom(32768, 131072, 393216) }), {
    minLength: 1,
    maxLength: 6,
  }),
  pods: fc.array(
    fc.record({
      created: fc.integer({ min: 0, max: 3000 }),
      runS: fc.integer({ min: 1, max: 5000 }),
      numGpu: fc.constantFrom(1, 1, 1, 2, 4, 8, 12),
      milli: fc.constantFrom(1000, 1000, 500, 250, 300, 700, 100),
      cpu: fc.constantFrom(0, 1000, 4000, 12000, 48000),
      mem: fc.constantFrom(0, 4096, 16384, 65536, 200000),
      spec: fc.subarray(MODELS),
    }),
    { minLength: 1, maxLength: 40 },
  ),
  placement: fc.constantFrom(...PLACEMENT_POLICIES.keys()),
  seed: fc.nat(100),
});
type Case = typeof arb extends fc.Arbitrary<infer T> ? T : never;

function files(c: Case): Record<string, string> {
  const nodes = ['sn,cpu_milli,memory_mib,gpu,model', ...c.nodes.map((n, i) => `node-${i},${n.cpu},${n.mem},${n.gpu},${n.model}`)].join('\n');
  const pods = [
    'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time',
    ...c.pods.map((p, i) => `pod-${i},${p.cpu},${p.mem},${p.numGpu},${p.numGpu > 1 ? 1000 : p.milli},${p.spec.join('|')},LS,Running,${p.created},${p.created + p.runS},${p.created}`),
  ].join('\n');
  return { '/t/nodes.csv': nodes + '\n', '/t/pods.csv': pods + '\n' };
}

function scenario(c: Case): string {
  return `name: host\nseed: ${c.seed}\nnetwork: ideal\ndatacentres:
  - name: dc
    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: ${DEVICE_MAP} }
workloads:
  - trace: { format: alibaba-openb, path: pods.csv, reference_device: V100-SXM2-32GB, device_map: ${DEVICE_MAP} }
policy: fifo
placement: ${c.placement}\n`;
}

function watch(sim: Simulation, problems: string[]): void {
  const c = sim.cluster;
  const check = (what: string): void => {
    const cpu = new Float64Array(c.nodeCount);
    const mem = new Float64Array(c.nodeCount);
    const milli = new Int32Array(c.deviceCount);
    for (const j of sim.running) {
      const p = j.placement!;
      for (let i = 0; i < p.nodes.length; i++) {
        cpu[p.nodes[i]!]! += hostShare(j.cpuMilli, p.counts[i]!, j.devices);
        mem[p.nodes[i]!]! += hostShare(j.memoryMiB, p.counts[i]!, j.devices);
      }
      for (const d of j.heldDevices) milli[d]! += j.milli;
      if (j.allowedKinds && !j.allowedKinds.includes(p.kind)) problems.push(`${what}: ${j.name} on kind ${c.kinds[p.kind]!.name}, not allowed by its gpu_spec`);
      for (const d of j.heldDevices) if (c.nodeKind[c.deviceNode[d]!] !== p.kind) problems.push(`${what}: ${j.name} holds a device of another kind`);
    }
    for (let n = 0; n < c.nodeCount; n++) {
      if (cpu[n]! > c.nodeCpuMilli[n]!) problems.push(`${what}: node ${n} CPU ${cpu[n]} > ${c.nodeCpuMilli[n]}`);
      if (mem[n]! > c.nodeMemoryMiB[n]!) problems.push(`${what}: node ${n} memory ${mem[n]} > ${c.nodeMemoryMiB[n]}`);
      if (c.nodeCpuFree[n] !== c.nodeCpuMilli[n]! - cpu[n]!) problems.push(`${what}: node ${n} CPU free ${c.nodeCpuFree[n]} != ${c.nodeCpuMilli[n]! - cpu[n]!}`);
      if (c.nodeMemoryFree[n] !== c.nodeMemoryMiB[n]! - mem[n]!) problems.push(`${what}: node ${n} memory free bookkeeping`);
    }
    for (let d = 0; d < c.deviceCount; d++) {
      if (milli[d]! > 1000) problems.push(`${what}: device ${d} shared ${milli[d]} milli`);
      if (c.deviceFreeMilli[d] !== 1000 - milli[d]!) problems.push(`${what}: device ${d} free ${c.deviceFreeMilli[d]} != ${1000 - milli[d]!}`);
    }
  };
  sim.signals.on('started', () => check('start'));
  sim.signals.on('finished', () => check('finish'));
}

describe('CPU, memory and GPU shares (property)', () => {
  it('never over-allocates a node or device, respects gpu_spec, and ends every pod', () => {
    let sharedSeen = 0;
    let hostBound = 0;
    fc.assert(
      fc.property(arb, (c) => {
        const fs = files(c);
        const resolved = loadScenario(scenario(c), '/t/host.yaml', { readFile: (p) => fs[p]!, baseDir: '/t' });
        const problems: string[] = [];
        const r = simulate(resolved, { observe: (sim) => watch(sim, problems) });
        expect(problems).toEqual([]);
        expect(r.summary.jobs_completed + r.summary.jobs_rejected).toBe(r.summary.jobs_submitted);
        if (c.pods.some((p) => p.milli < 1000 && p.numGpu === 1)) sharedSeen++;
        if (c.pods.some((p) => p.cpu > Math.min(...c.nodes.map((n) => n.cpu)))) hostBound++;
      }),
      { numRuns: 200 },
    );
    expect(sharedSeen).toBeGreaterThan(0);
    expect(hostBound).toBeGreaterThan(0);
  });
});

describe('host resources in placement', () => {
  const nodes = 'sn,cpu_milli,memory_mib,gpu,model\nn0,8000,32768,8,G2\nn1,96000,393216,8,G2\n';
  const pods = (cpu: number, milli: number) =>
    `name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\np0,${cpu},1024,1,${milli},,LS,Running,0,100,0\n`;
  const load = (cpu: number, milli: number, placement = 'first-fit') => {
    const fs: Record<string, string> = { '/t/nodes.csv': nodes, '/t/pods.csv': pods(cpu, milli) };
    return loadScenario(scenario({ nodes: [], pods: [], placement, seed: 1 } as Case), '/t/host.yaml', { readFile: (p) => fs[p]!, baseDir: '/t' });
  };

  it('first-fit skips a node whose CPU cannot hold the pod (a share and a whole GPU alike)', () => {
    for (const milli of [1000, 400]) {
      let node = -1;
      simulate(load(12000, milli), { observe: (sim) => sim.signals.on('started', (j) => (node = (j as { placement?: { nodes: readonly number[] } }).placement!.nodes[0]!)) });
      expect(node).toBe(1);
      simulate(load(4000, milli), { observe: (sim) => sim.signals.on('started', (j) => (node = (j as { placement?: { nodes: readonly number[] } }).placement!.nodes[0]!)) });
      expect(node).toBe(0);
    }
  });

  it('rejects a pod that no node could ever hold, saying why', () => {
    const reasons: string[] = [];
    const r = simulate(load(200000, 1000), { observe: (sim) => sim.signals.on('rejected', (_j, _t) => reasons.push('rejected')) });
    expect(r.summary.jobs_rejected).toBe(1);
    expect(reasons).toEqual(['rejected']);
  });

  it("the decision check refuses a placement over a node's CPU or memory, and a share on a full device", () => {
    const sim = { cluster: undefined as unknown as Simulation['cluster'] };
    simulate(load(4000, 500), { observe: (s) => (sim.cluster = s.cluster) });
    const c = sim.cluster;
    const job = { devices: 1, milli: 1000, cpuMilli: 9000, memoryMiB: 0, allowedKinds: undefined } as never;
    expect(placementProblem(job, { kind: 0, nodes: [0], counts: [1] }, c)).toMatch(/node 0 has 8000 CPU milli-cores free, 9000 asked/);
    expect(placementProblem(job, { kind: 0, nodes: [1], counts: [1] }, c)).toBeUndefined();
    const share = { devices: 1, milli: 500, cpuMilli: 0, memoryMiB: 40000, allowedKinds: undefined } as never;
    expect(placementProblem(share, { kind: 0, nodes: [0], counts: [1], device: 0 }, c)).toMatch(/node 0 has 32768 MiB of memory free, 40000 asked/);
    expect(placementProblem(share, { kind: 0, nodes: [1], counts: [1], device: 0 }, c)).toMatch(/nodes must be \[0\]/);
    expect(placementProblem(share, { kind: 0, nodes: [1], counts: [1], device: 8 }, c)).toBeUndefined();
  });
});

describe('device_map that loosens gpu_spec', () => {
  const nodes = 'sn,cpu_milli,memory_mib,gpu,model\nn0,96000,393216,8,G2\nn1,128000,786432,8,G3\n';
  const pods =
    'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\np0,1000,1024,1,1000,G3,LS,Running,0,100,0\np1,1000,1024,1,1000,G2|G3,LS,Running,0,100,0\n';
  const load = (map: string) => {
    const fs: Record<string, string> = { '/t/nodes.csv': nodes, '/t/pods.csv': pods };
    const text = `name: m\nseed: 1\nnetwork: ideal\ndatacentres:\n  - name: dc\n    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: ${map} }\nworkloads:\n  - trace: { format: alibaba-openb, path: pods.csv, reference_device: V100-SXM2-32GB, device_map: ${map} }\n`;
    return loadScenario(text, '/t/m.yaml', { readFile: (p) => fs[p]!, baseDir: '/t' });
  };

  it('warns, naming the models, the kind, how many pods and one of them, when two models gpu_spec tells apart share a kind', () => {
    const merged = load('{ G2: V100-SXM2-32GB, G3: V100-SXM2-32GB }');
    const messages = merged.warnings.map((w) => w.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/device_map merges trace GPU models that gpu_spec tells apart \(G3, G2 -> V100-SXM2-32GB\): 1 pod\(s\).*'p0', gpu_spec G3/);
    expect(load('{ G2: V100-SXM2-32GB, G3: A100-80GB }').warnings).toEqual([]);
  });
});
