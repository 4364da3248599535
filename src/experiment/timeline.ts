// The run's timeline in the Chrome trace-event format, which Perfetto (ui.perfetto.dev) and
// chrome://tracing open: one process per data centre, one track per node group (with as many lanes
// as jobs overlap on it), a complete ('X') slice per job allocation, instant events for preemptions
// and failures, transfers on a network process, and counters of waiting and running jobs.
// Attaches to the simulation's signal bus only; the caller writes the JSON where it wants.
import { WHOLE_DEVICE_MILLI } from '../model/cluster.js';
import type { TransferRow } from '../sim/signals.js';
import type { Simulation } from '../sim/simulation.js';
import type { SimJob } from '../sim/sim-job.js';

export interface TraceEvent {
  name: string;
  ph: 'X' | 'i' | 'C' | 'M';
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  s?: 'g' | 'p' | 't';
  cat?: string;
  args?: Record<string, unknown>;
}

export interface Timeline {
  /** The trace so far as JSON; call after the run (open slices end at the simulation's current time). */
  write(): string;
  events(): TraceEvent[];
}

const US = 1e6;
const POOL_PID = 0;

interface Open {
  job: SimJob;
  group: number;
  lane: number;
  startS: number;
  devices: number;
}

export function attachTimeline(sim: Simulation): Timeline {
  const c = sim.cluster;
  const dcPid = (dc: number): number => dc + 1;
  const netPid = c.datacentres.length + 1;
  const events: TraceEvent[] = [];
  const meta: TraceEvent[] = [];
  meta.push({ name: 'process_name', ph: 'M', pid: POOL_PID, args: { name: `pool (${sim.resolved.scenario.name}, seed ${sim.seed})` } });
  meta.push({ name: 'process_sort_index', ph: 'M', pid: POOL_PID, args: { sort_index: 0 } });
  c.datacentres.forEach((dc) => {
    meta.push({ name: 'process_name', ph: 'M', pid: dcPid(dc.index), args: { name: `datacentre ${dc.name}` } });
    meta.push({ name: 'process_sort_index', ph: 'M', pid: dcPid(dc.index), args: { sort_index: dc.index + 1 } });
  });
  // Lanes per node group: lane k of group g is thread g * LANES + k + 1 of its data centre.
  const LANES = 10_000;
  const lanesBusy: boolean[][] = c.groups.map(() => []);
  const named = new Set<number>();
  const tidOf = (group: number, lane: number): number => group * LANES + lane + 1;
  const laneFor = (group: number): number => {
    const lanes = lanesBusy[group]!;
    let lane = lanes.indexOf(false);
    if (lane < 0) {
      lane = lanes.length;
      lanes.push(false);
    }
    lanes[lane] = true;
    const tid = tidOf(group, lane);
    if (!named.has(tid)) {
      named.add(tid);
      const g = c.groups[group]!;
      meta.push({ name: 'thread_name', ph: 'M', pid: dcPid(g.datacentre), tid, args: { name: lane === 0 ? `${g.name} (${g.nodeCount} x ${g.devicesPerNode} ${c.kinds[g.kind]!.name})` : `${g.name} +${lane}` } });
      meta.push({ name: 'thread_sort_index', ph: 'M', pid: dcPid(g.datacentre), tid, args: { sort_index: tid } });
    }
    return lane;
  };
  const open = new Map<SimJob, Open[]>();
  let waiting = 0;
  let running = 0;
  const counters = (nowS: number): void => void events.push({ name: 'jobs', ph: 'C', pid: POOL_PID, ts: nowS * US, args: { waiting, running } });

  const close = (job: SimJob, nowS: number, status: string): void => {
    for (const o of open.get(job) ?? []) {
      const g = c.groups[o.group]!;
      events.push({
        name: job.name,
        cat: 'job',
        ph: 'X',
        pid: dcPid(g.datacentre),
        tid: tidOf(o.group, o.lane),
        ts: o.startS * US,
        dur: (nowS - o.startS) * US,
        // device_share as jobs.csv has it: a GPU-sharing pod holds this share of each of its devices, not
        // the whole device its devices_here counts.
        args: { job: job.name, devices_here: o.devices, devices: job.devices, device_share: job.milli / WHOLE_DEVICE_MILLI, status, priority: job.priority, preemptions: job.preemptions },
      });
      lanesBusy[o.group]![o.lane] = false;
    }
    open.delete(job);
  };

  sim.signals.on('submitted', (_job, nowS) => {
    waiting++;
    counters(nowS);
  });
  sim.signals.on('rejected', (job, nowS) => {
    waiting--;
    events.push({ name: `rejected ${job.name}`, cat: 'job', ph: 'i', s: 'p', pid: POOL_PID, tid: 1, ts: nowS * US, args: { reason: job.reason } });
    counters(nowS);
  });
  sim.signals.on('started', (job, nowS) => {
    waiting--;
    running++;
    const p = job.placement!;
    const perGroup = new Map<number, number>();
    for (let i = 0; i < p.nodes.length; i++) {
      const g = c.nodeGroup[p.nodes[i]!]!;
      perGroup.set(g, (perGroup.get(g) ?? 0) + p.counts[i]!);
    }
    const slices: Open[] = [];
    for (const [group, devices] of [...perGroup].sort((a, b) => a[0] - b[0])) slices.push({ job, group, lane: laneFor(group), startS: nowS, devices });
    open.set(job, slices);
    counters(nowS);
  });
  sim.signals.on('stopped', (job, nowS, why) => {
    running--;
    waiting++;
    for (const o of open.get(job) ?? []) {
      const g = c.groups[o.group]!;
      events.push({ name: `${why} ${job.name}`, cat: why, ph: 'i', s: 't', pid: dcPid(g.datacentre), tid: tidOf(o.group, o.lane), ts: nowS * US });
    }
    close(job, nowS, why);
    counters(nowS);
  });
  sim.signals.on('finished', (job, nowS) => {
    running--;
    close(job, nowS, 'completed');
    counters(nowS);
  });

  const transferTids = new Map<string, number>();
  const transferSink = (row: TransferRow): void => {
    // A transfer that never started has no span; one still under way at the end, up to the end.
    if (Number.isNaN(row.start_s)) return;
    const durS = Number.isNaN(row.finish_s) ? sim.nowS - row.start_s : row.duration_s;
    const route = `${row.from} → ${row.to}`;
    let tid = transferTids.get(route);
    if (tid === undefined) {
      tid = transferTids.size + 1;
      transferTids.set(route, tid);
      if (tid === 1) meta.push({ name: 'process_name', ph: 'M', pid: netPid, args: { name: 'inter-DC transfers' } });
      meta.push({ name: 'thread_name', ph: 'M', pid: netPid, tid, args: { name: route } });
    }
    events.push({
      name: row.transfer,
      cat: 'transfer',
      ph: 'X',
      pid: netPid,
      tid,
      ts: row.start_s * US,
      dur: durS * US,
      args: { bytes: row.bytes, mean_gbps: row.mean_gbps, after_job: row.after_job, before_job: row.before_job },
    });
  };

  const all = (): TraceEvent[] => {
    const now = sim.nowS;
    for (const job of [...open.keys()]) close(job, now, job.state);
    return [...meta, ...events];
  };
  sim.signals.onRow('transferRow', transferSink);
  return {
    events: all,
    write: () => `${JSON.stringify({ traceEvents: all(), displayTimeUnit: 'ms', otherData: { scenario: sim.resolved.scenario.name, seed: sim.seed, generator: 'poolsim' } })}\n`,
  };
}
