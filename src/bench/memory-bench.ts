// `npm run bench -- memory`: measures the live memory per device, node, job and request that
// model/size-estimate.ts's BYTES_PER constants stand for. Each case runs synthetic scenarios at two
// sizes in child processes started with --expose-gc, samples heapUsed + arrayBuffers after a full
// GC while the run goes on, and reports the slope between the sizes (bytes per unit).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../model/load-scenario.js';
import { BYTES_PER } from '../model/size-estimate.js';
import { simulate } from '../sim/simulation.js';
import type { BenchRow } from './engine-bench.js';

const pool = (nodes: number, group = '', top = ''): string =>
  `name: m\n${top}datacentres:\n  - name: east\n    node_groups:\n      - { count: ${nodes}, device: H100${group} }\n`;
const oneJob = 'workloads:\n  - jobs: [{ devices: 1, duration: 1h, reference_device: H100 }]\n';
const service = (replicas: number, rate: string, n: number): string =>
  `services:\n  - name: chat\n    model: { params: 8B }\n    replicas: { count: ${replicas}, device: H100, datacentre: east }\n    streams:\n      - { arrival: { process: poisson, rate: ${rate} }, count: ${n}, prompt_tokens: 512, output_tokens: 64 }\n`;

/**
 * Synthetic scenarios whose size grows with n in one unit; `per` names the constant measured and
 * `budget` what the estimate charges per unit (a node carries its devices).
 */
const CASES: Record<string, { per: keyof typeof BYTES_PER; budget: number; sizes: [number, number]; text: (n: number) => string; units: (n: number) => number }> = {
  'device (64 per node, ideal network)': { per: 'device', budget: BYTES_PER.device + BYTES_PER.node / 64, sizes: [10_000, 50_000], text: (n) => pool(n, ', devices_per_node: 64', 'network: ideal\n') + oneJob, units: (n) => n * 64 },
  'node (1 device, ideal network)': { per: 'node', budget: BYTES_PER.node + BYTES_PER.device, sizes: [100_000, 500_000], text: (n) => pool(n, ', devices_per_node: 1', 'network: ideal\n') + oneJob, units: (n) => n },
  // Per node of a leaf-spine (16 per leaf): 2 NIC links, a leaf's 2 uplinks and 1 switch over 16 nodes.
  'node of 8 devices on the flow network (leaf-spine)': { per: 'link', budget: (2 + 2 / 16) * BYTES_PER.link + BYTES_PER.switch / 16 + BYTES_PER.node + 8 * BYTES_PER.device, sizes: [20_000, 80_000], text: (n) => pool(n) + oneJob, units: (n) => n },
  // Per node of a 3D torus: 2 NIC links and 6 neighbour links, no switches.
  'node of 8 devices on the flow network (3D torus)': {
    per: 'link',
    budget: 8 * BYTES_PER.link + BYTES_PER.node + 8 * BYTES_PER.device,
    sizes: [20_000, 80_000],
    text: (n) => pool(n, '', `network: flow\n`).replace('  - name: east\n', `  - name: east\n    topology: { kind: torus, dims: [${n / 100}, 10, 10], link_bandwidth: 100GB/s }\n`) + oneJob,
    units: (n) => n,
  },
  'job flowing through the pool': {
    per: 'jobFinished',
    budget: BYTES_PER.jobFinished,
    sizes: [100_000, 500_000],
    text: (n) => `${pool(1000, '', 'network: ideal\n')}workloads:\n  - generator: { count: ${n}, arrival: { process: poisson, rate: 100/s }, devices: 8, duration: { distribution: lognormal, median: 10s, sigma: 1 }, reference_device: H100 }\n`,
    units: (n) => n,
  },
  'job alive (all waiting at once)': {
    per: 'jobAlive',
    budget: BYTES_PER.jobAlive + BYTES_PER.jobFinished,
    sizes: [50_000, 250_000],
    text: (n) => `${pool(1, '', `network: ideal\nhorizon: ${n / 1000 + 1}s\n`)}workloads:\n  - generator: { count: ${n}, arrival: { process: fixed, interval: 1ms }, devices: 8, duration: 1d, reference_device: H100 }\n`,
    units: (n) => n,
  },
  'job listed in the YAML': {
    per: 'jobListed',
    budget: BYTES_PER.jobListed,
    sizes: [2_000, 10_000],
    text: (n) => `${pool(1, '', 'network: ideal\nhorizon: 1s\n')}workloads:\n  - jobs:\n${Array.from({ length: n }, (_, i) => `      - { name: j${i}, devices: 1, submit: ${i}, duration: 1d, reference_device: H100 }`).join('\n')}\n`,
    units: (n) => n,
  },
  'request served': { per: 'requestDone', budget: BYTES_PER.requestDone, sizes: [100_000, 500_000], text: (n) => pool(100, '', 'network: ideal\n') + service(100, '100/s', n), units: (n) => n },
  'request queued': { per: 'requestAlive', budget: BYTES_PER.requestAlive + BYTES_PER.requestDone, sizes: [100_000, 500_000], text: (n) => pool(1, '', `network: ideal\nhorizon: ${n / 10000}s\n`) + service(1, '10000/s', n), units: (n) => n },
};

/** Peak live bytes (heap + array buffers, after GC) of loading and running `text`. */
function peakLiveBytes(text: string): number {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const live = (): number => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = live();
  const resolved = loadScenario(text, 'memory-bench.yaml', { maxMemoryBytes: Number.MAX_VALUE });
  let peak = live();
  let calls = 0;
  simulate(resolved, {
    observe: (sim) => {
      peak = Math.max(peak, live());
      // Sample about 40 times a run: on arrivals of jobs, and on the engine's own scheduling.
      const at = sim.engine.at.bind(sim.engine);
      sim.engine.at = ((...args: Parameters<typeof at>) => {
        if (++calls % 5000 === 0) peak = Math.max(peak, live());
        return at(...args);
      }) as typeof at;
    },
  });
  return Math.max(peak, live()) - before;
}

export function runMemoryBench(): BenchRow[] {
  const main = fileURLToPath(import.meta.url);
  return Object.entries(CASES).map(([name, c]) => {
    const bytes = c.sizes.map((n) => {
      const r = spawnSync(process.execPath, ['--expose-gc', main, 'memory-one', name, String(n)], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
      if (r.status !== 0) throw new Error(`memory case '${name}' at ${n} failed (exit ${r.status})`);
      return Number(r.stdout.trim().split('\n').pop());
    });
    const perUnit = (bytes[1]! - bytes[0]!) / (c.units(c.sizes[1]!) - c.units(c.sizes[0]!));
    return { case: name, sizes: c.sizes.join(' / '), live_mb: bytes.map((b) => (b / 2 ** 20).toFixed(1)).join(' / '), bytes_per_unit: Math.round(perUnit), estimate_charges: Math.round(c.budget), result: perUnit <= c.budget ? `BYTES_PER.${c.per} covers it` : `BYTES_PER.${c.per} TOO LOW` };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2] === 'memory-one') {
  const c = CASES[process.argv[3]!]!;
  process.stdout.write(`${peakLiveBytes(c.text(Number(process.argv[4])))}\n`);
}
