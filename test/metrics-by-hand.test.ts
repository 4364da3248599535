// summary.csv and jobs.csv's columns mean what the design's vocabulary says, checked on pools small
// enough to work out by hand: effective compute ratio per job and for the pool (over allocated
// device-time and over all of it), utilisation, queueing delay (with the time re-queued after a
// preemption in it, and shown apart), JCT, busy device-hours, energy (busy and idle device power,
// host power, PUE), its cost and CO2, and what a horizon does to each. Every expected figure below is
// worked out in the comments from the scenario alone, not read back from a run; an inference
// service's summary columns are checked against its own requests.csv.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/experiment/csv-table.js';
import { poolsim, runToCsv, scenarioFromText } from './helpers.js';

// One node of 8 H100 (989 TFLOP/s dense bf16, 700 W busy, 70 W idle), host 1 kW, PUE 1.5,
// 0.1 per kWh, 0.4 kg CO2 per kWh, no network. Every job runs at 50% of peak, so a job's work in
// FLOP is devices x 989e12 x 0.5 x its run time alone:
//   a: 8 devices, 1 h   -> 1.42416e19 FLOP (14,241.6 PFLOP), submitted at 0
//   b: 4 devices, 30 min -> 3.5604e18 FLOP (3,560.4 PFLOP), submitted at 0
//   c: 4 devices, 1 h   -> 7.1208e18 FLOP (7,120.8 PFLOP), submitted at 30 min
const pool = (extra: { policy?: string; horizon?: string; priorities?: boolean } = {}): string => `name: by-hand
seed: 1
datacentres:
  - name: dc
    pue: 1.5
    electricity_price: 0.1
    carbon_intensity: 0.4
    node_groups:
      - { name: h, count: 1, device: H100, devices_per_node: 8, host_power: 1000W }
workloads:
  - jobs:
      - { name: a, devices: 8, work: 1.42416e19, efficiency: 0.5 }
      - { name: b, devices: 4, work: 3.5604e18, efficiency: 0.5 }
      - { name: c, devices: 4, submit: 1800s, work: 7.1208e18, efficiency: 0.5${extra.priorities ? ', priority: 5' : ''} }
network: ideal
policy: ${extra.policy ?? 'fifo'}
placement: first-fit
${extra.horizon ? `horizon: ${extra.horizon}\n` : ''}`;

const PEAK = 989e12;
const kwh = (joules: number): number => joules / 3.6e6;

describe('metrics worked out by hand', () => {
  it('FIFO: a runs 0-1 h alone, then b (1 h-1.5 h) and c (1 h-2 h) side by side', () => {
    const r = runToCsv(scenarioFromText(pool()));
    const s = r.summary;
    const job = (id: string) => r.jobs.find((j) => j.job_id === id)!;
    // Starts, waits, finishes: b waited 1 h for a's 8 devices, c from its submission at 30 min to 1 h.
    expect([job('a').start_s, job('b').start_s, job('c').start_s]).toEqual([0, 3600, 3600]);
    expect([job('a').finish_s, job('b').finish_s, job('c').finish_s]).toEqual([3600, 5400, 7200]);
    expect([job('a').queueing_delay_s, job('b').queueing_delay_s, job('c').queueing_delay_s]).toEqual([0, 3600, 1800]);
    expect(s.makespan_s).toBe(7200);
    // Each job did its work at 50% of the peak of the devices it held: ECR 0.5 each.
    for (const id of ['a', 'b', 'c']) expect(job(id).effective_compute_ratio).toBeCloseTo(0.5, 12);
    // Allocated device-seconds 8 x 3600 + 4 x 1800 + 4 x 3600 = 50,400 of 8 x 7200 = 57,600.
    expect(s.utilisation).toBeCloseTo(50_400 / 57_600, 12); // 0.875
    expect(s.busy_device_hours).toBeCloseTo(14, 12);
    expect(s.effective_compute_ratio_allocated).toBeCloseTo(0.5, 12);
    expect(s.effective_compute_ratio_pool).toBeCloseTo((0.5 * PEAK * 50_400) / (PEAK * 57_600), 12); // 0.4375
    expect(s.useful_pflop).toBeCloseTo(14_241.6 + 3_560.4 + 7_120.8, 6);
    // Queueing delay over the three jobs: 0, 1800, 3600 s (percentiles interpolated between ranks).
    expect(s.queueing_delay_mean_s).toBe(1800);
    expect(s.queueing_delay_p50_s).toBe(1800);
    expect(s.queueing_delay_p95_s).toBeCloseTo(1800 + 0.9 * 1800, 9);
    expect(s.queueing_delay_max_s).toBe(3600);
    // JCT: 3600, 5400 (b: 0 -> 1.5 h), 5400 (c: 30 min -> 2 h).
    expect(s.jct_mean_s).toBe(4800);
    // Energy: 50,400 busy device-s at 700 W, the other 7,200 device-s idle at 70 W, the host's 1 kW
    // for the run's 2 h, all x PUE 1.5: (35.28 + 0.504 + 7.2) MJ x 1.5 = 17.91 kWh.
    const energy = kwh((50_400 * 700 + 7_200 * 70 + 1000 * 7200) * 1.5);
    expect(s.energy_kwh).toBeCloseTo(energy, 9);
    expect(s.energy_cost).toBeCloseTo(energy * 0.1, 9);
    expect(s.co2_kg).toBeCloseTo(energy * 0.4, 9);
  });

  it('a preempted job: its checkpoint and restore are allocated time without progress, its time re-queued is queueing delay', () => {
    // Preemptive priority, c at priority 5: at 30 min c preempts a (half done), which writes its
    // checkpoint for 60 s holding its 8 devices; c starts at 1860 s and ends at 5460 s. a, first in
    // line, needs all 8 devices and b waits behind it. a restarts at 5460 s, restores for 60 s and
    // runs its last 30 min to 7320 s; then b runs 7320-9120 s.
    const r = runToCsv(scenarioFromText(pool({ policy: '{ name: priority, params: { preemptive: true } }', priorities: true })));
    const s = r.summary;
    const job = (id: string) => r.jobs.find((j) => j.job_id === id)!;
    expect([job('a').finish_s, job('b').finish_s, job('c').finish_s]).toEqual([7320, 9120, 5460]);
    expect(s.preemptions).toBe(1);
    // a: first start - submission = 0, re-queued 1860 -> 5460 s: 3600 s, shown apart and counted in.
    expect(job('a').requeued_s).toBe(3600);
    expect(job('a').queueing_delay_s).toBe(3600);
    expect(job('c').queueing_delay_s).toBe(60); // waited for a's checkpoint
    expect(job('b').queueing_delay_s).toBe(7320);
    expect(job('a').checkpoint_overhead_s).toBe(60);
    // a held 8 devices for 1860 + 1860 s and did 1 h of work at 50% of their peak: 0.5 x 3600 / 3720.
    expect(job('a').effective_compute_ratio).toBeCloseTo((0.5 * 3600) / 3720, 12);
    // Allocated device-seconds: the 50,400 of progress + 8 x 120 s of checkpoint and restore; the
    // pool's are 8 x 9120 = 72,960.
    expect(s.busy_device_hours).toBeCloseTo(51_360 / 3600, 12);
    expect(s.utilisation).toBeCloseTo(51_360 / 72_960, 12);
    expect(s.effective_compute_ratio_allocated).toBeCloseTo((0.5 * 50_400) / 51_360, 12);
    expect(s.effective_compute_ratio_pool).toBeCloseTo((0.5 * 50_400) / 72_960, 12);
    // Devices draw busy power only while progressing: writing and restoring a checkpoint is idle power.
    const energy = kwh((50_400 * 700 + (72_960 - 50_400) * 70 + 1000 * 9120) * 1.5);
    expect(s.energy_kwh).toBeCloseTo(energy, 9); // 19.158 kWh
  });

  it('a horizon ends the window: work done so far is useful, the pool is counted to the horizon, waits so far are lower bounds', () => {
    // Horizon 45 min: a is 3/4 done, b and c wait (b since 0, c since 30 min); nothing completed.
    const r = runToCsv(scenarioFromText(pool({ horizon: '2700s' })));
    const s = r.summary;
    const job = (id: string) => r.jobs.find((j) => j.job_id === id)!;
    expect(s.jobs_completed).toBe(0);
    expect(s.jobs_unfinished).toBe(3);
    expect(Number.isNaN(s.makespan_s)).toBe(true);
    expect(job('a').status).toBe('running');
    expect(job('a').useful_pflop).toBeCloseTo(0.75 * 14_241.6, 6);
    expect(s.useful_pflop).toBeCloseTo(0.75 * 14_241.6, 6);
    expect(s.utilisation).toBeCloseTo(1, 12);
    expect(s.effective_compute_ratio_pool).toBeCloseTo(0.5, 12);
    expect([job('b').queueing_delay_s, job('c').queueing_delay_s]).toEqual([2700, 900]);
    expect(s.queueing_delay_mean_s).toBe(1200);
    expect(s.energy_kwh).toBeCloseTo(kwh((8 * 700 * 2700 + 1000 * 2700) * 1.5), 9); // 7.425 kWh
  });
});

/** Runs a scenario text with `--requests` and returns a reader of its output tables; no warning, exit 0. */
function runWithRequests(prefix: string, text: string): (name: string) => ReturnType<typeof parseCsv> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'svc.yaml');
  writeFileSync(file, text);
  const out = join(dir, 'out');
  const r = poolsim('run', file, '--out', out, '--requests', '--quiet');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return (name: string) => parseCsv(readFileSync(join(out, name), 'utf8'));
}

describe("an inference service's columns are its requests' figures", () => {
  it('services.csv gives the percentiles (linear between ranks) of requests.csv, and SLO attainment is the share meeting both objectives', () => {
    // Every request completes (the stream stops at 60 s, no horizon), so no wait-so-far enters the
    // figures and services.csv must be exactly what its requests.csv rows give.
    const table = runWithRequests('poolsim-by-hand-', `name: svc-by-hand
seed: 3
datacentres:
  - name: dc
    node_groups: [{ name: h100, count: 1, device: H100 }]
services:
  - name: chat
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    replicas: { count: 2, device: H100, datacentre: dc, step_overhead: 2ms }
    max_batch: 16
    balancer: round-robin
    slo: { ttft: 150ms, tpot: 12ms }
    streams:
      - name: chat
        until: 60s
        arrival: { process: poisson, rate: 30/s }
        prompt_tokens: { distribution: lognormal, median: 600, sigma: 0.8, max: 8000 }
        output_tokens: { distribution: lognormal, median: 200, sigma: 0.6, max: 1500 }
network: ideal
`);
    const svc = table('services.csv');
    const cell = (c: string): number => Number(svc.rows[0]![svc.header.indexOf(c)]);
    const req = table('requests.csv');
    const col = (c: string): number[] => req.rows.map((row) => row[req.header.indexOf(c)]!).filter((v) => v !== '').map(Number);
    const quantile = (xs: number[], q: number): number => {
      const s = [...xs].sort((a, b) => a - b);
      const h = (s.length - 1) * q;
      const lo = Math.floor(h);
      return s[lo]! + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
    };
    // CSV cells keep ten significant digits.
    const same = (got: number, want: number, what: string): void => expect(Math.abs(got - want), `${what}: ${got} against ${want}`).toBeLessThanOrEqual(1e-9 * Math.abs(want) + 1e-15);
    expect(cell('requests_unfinished')).toBe(0);
    expect(cell('requests_rejected')).toBe(0);
    expect(cell('requests')).toBe(req.rows.length);
    expect(req.rows.length).toBeGreaterThan(1500);
    for (const [metric, column] of [['queueing_delay', 'queueing_delay_s'], ['ttft', 'ttft_s'], ['tpot', 'tpot_s'], ['e2e_latency', 'e2e_latency_s']] as const) {
      for (const q of [50, 99]) same(cell(`${metric}_p${q}_s`), quantile(col(column), q / 100), `${metric} p${q}`);
    }
    const mean = col('queueing_delay_s').reduce((a, b) => a + b, 0) / req.rows.length;
    same(cell('queueing_delay_mean_s'), mean, 'queueing delay mean');
    // TPOT: (last token - first token) / (output tokens - 1); TTFT: first token - arrival (one site, no latency).
    const at = (row: string[], c: string): number => Number(row[req.header.indexOf(c)]);
    for (const row of req.rows.slice(0, 50)) {
      if (at(row, 'output_tokens') > 1) expect(Math.abs(at(row, 'tpot_s') - (at(row, 'finish_s') - at(row, 'first_token_s')) / (at(row, 'output_tokens') - 1))).toBeLessThan(1e-9 * at(row, 'finish_s'));
      expect(Math.abs(at(row, 'ttft_s') - (at(row, 'first_token_s') - at(row, 'arrival_s')))).toBeLessThan(1e-9 * at(row, 'first_token_s'));
    }
    const met = req.rows.filter((row) => at(row, 'ttft_s') <= 0.15 && !(at(row, 'tpot_s') > 0.012)).length;
    expect(met).toBeGreaterThan(0);
    expect(met).toBeLessThan(req.rows.length); // the objectives bite: the check is not vacuous
    same(cell('slo_attainment'), met / req.rows.length, 'SLO attainment');
  });
});

describe("a request's queueing delay is start of service - arrival at the balancer (design.md)", () => {
  it('holds the one-way latency from its client region, on every row and in the summary', () => {
    // A client region 20 ms from the only site: the request reaches a replica 20 ms after its
    // arrival at the balancer; its queueing delay counts those 20 ms (it was start - arrival at the
    // replica before, 20 ms short of the design's definition on every row).
    const table = runWithRequests('poolsim-queueing-', `name: svc-latency
seed: 5
datacentres:
  - name: dc
    node_groups: [{ name: h100, count: 1, device: H100 }]
services:
  - name: chat
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    replicas: { count: 2, device: H100, datacentre: dc, step_overhead: 2ms }
    max_batch: 16
    regions: { far: { dc: 20ms } }
    streams:
      - name: chat
        region: far
        until: 30s
        arrival: { process: poisson, rate: 20/s }
        prompt_tokens: { distribution: lognormal, median: 600, sigma: 0.8, max: 8000 }
        output_tokens: { distribution: lognormal, median: 100, sigma: 0.6, max: 1000 }
network: ideal
`);
    const req = table('requests.csv');
    const at = (row: string[], c: string): number => Number(row[req.header.indexOf(c)]);
    expect(req.rows.length).toBeGreaterThan(400);
    let least = Infinity;
    let sum = 0;
    for (const row of req.rows) {
      const q = at(row, 'queueing_delay_s');
      expect(Math.abs(q - (at(row, 'start_s') - at(row, 'arrival_s')))).toBeLessThanOrEqual(1e-9 * at(row, 'start_s') + 1e-12);
      least = Math.min(least, q);
      sum += q;
    }
    expect(least).toBeGreaterThanOrEqual(0.02 - 1e-9); // no request starts before it reaches the site
    const svc = table('services.csv');
    const mean = Number(svc.rows[0]![svc.header.indexOf('queueing_delay_mean_s')]);
    expect(Math.abs(mean - sum / req.rows.length)).toBeLessThanOrEqual(1e-9 * mean);
  });
});
