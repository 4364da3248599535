// Engine throughput on the M/M/c queue (peers' workload W1: c = 64, mu = 1, rho = 0.9), three ways:
// the bare engine with a minimal FIFO model on top (what SimPy and SimGrid's W1 measure), the job
// lifecycle over job rows (the design's floor: docs/performance.md, "One job index"), and the
// whole poolsim stack on the equivalent scenario (generator, FIFO + first-fit, fluid progress, metrics).
import { Engine } from '../engine/engine.js';
import { RandomStream } from '../engine/random.js';
import { FreeIndex } from '../model/free-index.js';
import { loadScenario } from '../model/load-scenario.js';
import { JobRows } from '../sim/job-rows.js';
import { RunningSlots } from '../sim/running-slots.js';
import { Moments, Samples } from '../sim/stats.js';
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

/**
 * The same queue as the stack runs it, with no object per job: each customer a row of `JobRows`
 * (submit time, devices, work, node, start, settled time, device-time), the line a ring of row
 * numbers, one-device nodes chosen by poolsim's `FreeIndex` (first fit), completion events carrying
 * the row, a pass at the end of each instant (`atEndOfInstant`), the work settled at completion,
 * and the simulator's own observers' bookkeeping in the form they would take on rows: the metrics'
 * two `Samples` (queueing delay, JCT) and busy device-time, finish-time fairness' contention
 * integral and its `Moments` of rho, the running table (`RunningSlots`). What the job index costs
 * when nothing asks for a `SimJob`: the stack's work without its objects, signals and checks.
 */
export function rowsMmc(customers: number, servers = 64, rho = 0.9, seed = 1): { waitMeanS: number; events: number; wallS: number } {
  const engine = new Engine();
  const arrivals = new RandomStream(seed, 'arrivals');
  const service = new RandomStream(seed, 'service');
  const lambda = rho * servers;
  const peakFlops = 989e12;
  const free = new Int32Array(servers).fill(1);
  const index = new FreeIndex(free);
  const rows = new JobRows();
  let line = new Int32Array(1024);
  let head = 0;
  let tail = 0;
  const waits = new Samples(customers);
  const jcts = new Samples(customers);
  const busyDeviceS = new Float64Array(1);
  // Finish-time fairness: the contention integral (jobs in the system over time) and rho's moments.
  const rhoMoments = new Moments();
  let present = 0;
  let contentionJobS = 0;
  let contentionSinceS = 0;
  let contentionAtSubmit = new Float64Array(rows.capacity);
  const advanceContention = (now: number): void => {
    contentionJobS += present * (now - contentionSinceS);
    contentionSinceS = now;
  };
  const slots = new RunningSlots();
  const running: number[] = [];
  let arrived = 0;
  let passPending = false;
  const complete = (row: number): void => {
    const now = engine.now;
    rows.attainedDeviceS[row] = rows.attainedDeviceS[row]! + rows.devices[row]! * (now - rows.settledS[row]!);
    rows.remainingFlop[row] = 0;
    rows.settledS[row] = now;
    const slot = rows.runningSlot[row]!;
    const last = running.pop()!;
    if (last !== row) {
      running[slot] = last;
      rows.runningSlot[last] = slot;
      slots.move(running.length, slot);
    }
    slots.dropLast();
    const node = rows.node[row]!;
    free[node] = free[node]! + rows.devices[row]!;
    index.set(node, free[node]!);
    busyDeviceS[0] = busyDeviceS[0]! + rows.devices[row]! * (now - rows.firstStartS[row]!);
    waits.add(rows.firstStartS[row]! - rows.submitS[row]!);
    jcts.add(now - rows.submitS[row]!);
    advanceContention(now);
    const lifeS = now - rows.submitS[row]!;
    const contention = lifeS > 0 ? (contentionJobS - contentionAtSubmit[row]!) / lifeS : present + 1;
    rhoMoments.add(lifeS / ((rows.usefulFlop[row]! / rows.rateFlopPerS[row]!) * contention));
    present--;
    rows.free(row);
    requestPass();
  };
  const pass = (): void => {
    passPending = false;
    const now = engine.now;
    while (head < tail) {
      const row = line[head]!;
      const devices = rows.devices[row]!;
      const node = index.leftmost(devices);
      if (node < 0) break;
      head++;
      free[node] = free[node]! - devices;
      index.set(node, free[node]!);
      rows.node[row] = node;
      rows.nodeCount[row] = devices;
      rows.firstStartS[row] = now;
      rows.settledS[row] = now;
      rows.attainedDeviceS[row] = 0;
      rows.rateFlopPerS[row] = devices * peakFlops;
      rows.runningSlot[row] = running.length;
      slots.put(running.length, devices, 1000, 0, '');
      running.push(row);
      engine.schedule(now + rows.remainingFlop[row]! / rows.rateFlopPerS[row]!, complete, row);
    }
    if (head > 4096 && head * 2 > tail) {
      line.copyWithin(0, head, tail);
      tail -= head;
      head = 0;
    }
  };
  const requestPass = (): void => {
    if (passPending) return;
    passPending = true;
    engine.atEndOfInstant(pass);
  };
  const arrive = (): void => {
    const now = engine.now;
    const capacity = rows.capacity;
    const row = rows.take();
    if (rows.capacity !== capacity) {
      const grown = new Float64Array(rows.capacity);
      grown.set(contentionAtSubmit);
      contentionAtSubmit = grown;
    }
    advanceContention(now);
    contentionAtSubmit[row] = contentionJobS;
    present++;
    rows.id[row] = arrived;
    rows.devices[row] = 1;
    rows.submitS[row] = now;
    rows.usefulFlop[row] = service.exponential(1) * peakFlops;
    rows.remainingFlop[row] = rows.usefulFlop[row]!;
    if (tail === line.length) {
      const grown = new Int32Array(2 * line.length);
      grown.set(line);
      line = grown;
    }
    line[tail++] = row;
    requestPass();
    if (++arrived < customers) engine.post(now + arrivals.exponential(1 / lambda), arrive);
  };
  const t0 = performance.now();
  engine.post(0, arrive);
  engine.run();
  const wallS = (performance.now() - t0) / 1000;
  // The summary's figures, as the stack computes them at the end of a run.
  if (!(jcts.quantile(0.99) >= 0 && rhoMoments.mean() > 0 && busyDeviceS[0]! > 0 && slots.changes > 0)) throw new Error('rowsMmc: no figures');
  return { waitMeanS: waits.mean(), events: engine.eventsFired, wallS };
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
  rowsMmc(50_000);
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
  c0 = process.cpuUsage();
  const floor = rowsMmc(customers, servers, rho);
  const floorCpuS = cpuS(c0);
  rows.push({
    case: 'job rows M/M/c (the job index, no object per job)',
    scale: customers,
    wall_s: floor.wallS,
    cpu_s: floorCpuS,
    events: floor.events,
    events_per_s: floor.events / floor.wallS,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    result: `Wq=${floor.waitMeanS.toFixed(6)} vs Erlang-C ${expected.toFixed(6)}; events/s per CPU second ${(floor.events / floorCpuS / (bare.events / bareCpuS)).toFixed(3)} of the bare engine's`,
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
