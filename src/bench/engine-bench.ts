// Engine throughput on the M/M/c queue (peers' workload W1: c = 64, mu = 1, rho = 0.9), two ways:
// the bare engine with a minimal FIFO model on top (what SimPy and SimGrid's W1 measure), and the
// whole poolsim stack on the equivalent scenario (generator, FIFO + first-fit, fluid progress, metrics).
import { Engine } from '../engine/engine.js';
import { RandomStream } from '../engine/random.js';
import { loadScenario } from '../model/load-scenario.js';
import { simulate } from '../sim/simulation.js';
import { erlangCWait } from './queueing.js';

export interface BenchRow {
  [column: string]: string | number;
}

/** Minimal M/M/c on the engine: arrivals and departures are events, the line is an array. */
export function engineMmc(customers: number, servers = 64, rho = 0.9, seed = 1): { waitMeanS: number; events: number; wallS: number } {
  const engine = new Engine();
  const arrivals = new RandomStream(seed, 'arrivals');
  const service = new RandomStream(seed, 'service');
  const lambda = rho * servers;
  const line: number[] = [];
  let head = 0;
  let busy = 0;
  let arrived = 0;
  let waitSum = 0;
  let served = 0;
  const depart = (): void => {
    busy--;
    if (head < line.length) begin(line[head++]!);
  };
  const begin = (arrivalS: number): void => {
    busy++;
    waitSum += engine.now - arrivalS;
    served++;
    engine.after(service.exponential(1), depart);
  };
  const arrive = (): void => {
    arrived++;
    if (busy < servers) begin(engine.now);
    else line.push(engine.now);
    if (head > 4096 && head * 2 > line.length) {
      line.splice(0, head);
      head = 0;
    }
    if (arrived < customers) engine.after(arrivals.exponential(1 / lambda), arrive);
  };
  const t0 = performance.now();
  engine.at(0, arrive);
  engine.run();
  const wallS = (performance.now() - t0) / 1000;
  return { waitMeanS: waitSum / served, events: engine.eventsFired, wallS };
}

export function mmcScenarioText(customers: number, servers = 64, rho = 0.9, seed = 1): string {
  return `name: mmc-${servers}
seed: ${seed}
datacentres:
  - name: dc
    node_groups: [{ count: ${servers}, device: H100, devices_per_node: 1 }]
workloads:
  - generator:
      count: ${customers}
      arrival: { process: poisson, rate: ${rho * servers}/s }
      devices: 1
      duration: { distribution: exponential, mean: 1s }
      reference_device: H100
`;
}

export function runEngineBench(customers = 1_000_000): BenchRow[] {
  const servers = 64;
  const rho = 0.9;
  const expected = erlangCWait(servers, rho * servers, 1);
  const rows: BenchRow[] = [];
  engineMmc(50_000); // warm-up: let the JIT settle before timing
  const cpuS = (from: NodeJS.CpuUsage): number => {
    const u = process.cpuUsage(from);
    return (u.user + u.system) / 1e6;
  };
  let c0 = process.cpuUsage();
  const bare = engineMmc(customers, servers, rho);
  const bareCpuS = cpuS(c0);
  rows.push({
    case: 'engine M/M/c (bare engine + FIFO)',
    scale: customers,
    wall_s: bare.wallS,
    cpu_s: bareCpuS,
    events: bare.events,
    events_per_s: bare.events / bare.wallS,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    result: `Wq=${bare.waitMeanS.toFixed(6)} vs Erlang-C ${expected.toFixed(6)}`,
  });
  const resolved = loadScenario(mmcScenarioText(customers, servers, rho), 'mmc.yaml');
  const t0 = performance.now();
  c0 = process.cpuUsage();
  const r = simulate(resolved);
  const wallS = (performance.now() - t0) / 1000;
  const stackCpuS = cpuS(c0);
  rows.push({
    case: 'poolsim M/M/c scenario (full stack)',
    scale: customers,
    wall_s: wallS,
    cpu_s: stackCpuS,
    events: r.events,
    events_per_s: r.events / wallS,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    result: `Wq=${r.summary.queueing_delay_mean_s.toFixed(6)} vs Erlang-C ${expected.toFixed(6)}; events/s per CPU second ${(r.events / stackCpuS / (bare.events / bareCpuS)).toFixed(3)} of the bare engine's`,
  });
  return rows;
}
