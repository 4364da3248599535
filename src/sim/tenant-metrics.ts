// Per-tenant results (tenants.csv) and Jain's fairness index over tenants, gathered from lifecycle
// signals and the admission layer's quota integrals. Only scenarios with tenants have them.
//
// Shares are of the pool: entitled_share is a queue's nominal quota over the pool's devices,
// mean_share the devices its jobs held, time-averaged over the run, over the pool's devices. Jain's
// index (Jain, Chiu and Hawe, DEC-TR-301, 1984) is taken over x_i = mean_share / entitled_share of
// the tenants with quota: 1 when every tenant got the same fraction of its entitlement, 1/n when
// one got everything. Like every index over allocations it reads low when a tenant asked for less
// than its entitlement; tenants.csv shows which.
import type { Cluster } from '../model/cluster.js';
import type { Tenants } from '../model/tenants.js';
import { queueOf, type QueueUsageTotals } from '../policy/tenants/kueue-admission.js';
import { ftfColumns, type FinishTimeFairness } from './finish-time-fairness.js';
import type { Signals } from './signals.js';
import type { SimJob } from './sim-job.js';
import { waitSoFar } from './wait-so-far.js';
import { Moments, Samples } from './stats.js';
import { TenantShareSeries, type TenantShareRow } from './tenant-share-series.js';

export interface TenantRow {
  tenant: string;
  quota_devices: number;
  entitled_share: number;
  mean_share: number;
  borrowed_device_hours: number;
  lent_device_hours: number;
  preempted_jobs: number;
  queueing_delay_p95_s: number;
  jct_mean_s: number;
  max_slowdown: number;
  /** Finish-time fairness over its completed jobs (sim/finish-time-fairness.ts). */
  ftf_rho_max: number;
  ftf_rho_mean: number;
}

export const TENANT_COLUMNS: readonly (keyof TenantRow)[] = [
  'tenant',
  'quota_devices',
  'entitled_share',
  'mean_share',
  'borrowed_device_hours',
  'lent_device_hours',
  'preempted_jobs',
  'queueing_delay_p95_s',
  'jct_mean_s',
  'max_slowdown',
  'ftf_rho_max',
  'ftf_rho_mean',
];

interface TenantState {
  heldDevices: number;
  heldDeviceS: number;
  sinceS: number;
  readonly preempted: Set<SimJob>;
  readonly queueing: Samples;
  /** Only the mean JCT and rho (and rho's largest) are reported: nothing kept per job. */
  readonly jct: Moments;
  maxSlowdown: number;
  readonly rho: Moments;
}

export class TenantMetrics {
  private readonly state: TenantState[];
  /** Each tenant's devices over time (tenant_shares.csv, the report's share-over-time chart). */
  private readonly series: TenantShareSeries;

  constructor(
    private readonly tenants: Tenants,
    private readonly cluster: Cluster,
    signals: Signals,
    ftf: FinishTimeFairness,
  ) {
    this.series = new TenantShareSeries(tenants.queues.length);
    this.state = tenants.queues.map(() => ({ heldDevices: 0, heldDeviceS: 0, sinceS: 0, preempted: new Set(), queueing: new Samples(), jct: new Moments(), maxSlowdown: Number.NaN, rho: new Moments() }));
    ftf.onRho((job, rho) => this.of(job)?.rho.add(rho));
    signals.on('started', (job, now) => this.hold(job, now, +1));
    signals.on('stopped', (job, now, why) => {
      this.hold(job, now, -1);
      if (why === 'preempted') this.of(job)?.preempted.add(job);
    });
    signals.on('finished', (job, now) => {
      this.hold(job, now, -1);
      const t = this.of(job);
      if (!t) return;
      const jct = now - job.submitS;
      t.jct.add(jct);
      t.queueing.add(job.waitedS);
      if (job.predictedRuntimeS > 0 && Number.isFinite(job.predictedRuntimeS)) {
        const slowdown = jct / job.predictedRuntimeS;
        if (!(slowdown <= t.maxSlowdown)) t.maxSlowdown = slowdown;
      }
    });
  }

  private of(job: SimJob): TenantState | undefined {
    const q = queueOf(job);
    return q === undefined ? undefined : this.state[q];
  }

  private hold(job: SimJob, nowS: number, sign: number): void {
    const q = queueOf(job);
    const t = q === undefined ? undefined : this.state[q];
    if (!t) return;
    this.series.held(q!, t.sinceS, nowS, t.heldDevices);
    t.heldDeviceS += t.heldDevices * (nowS - t.sinceS);
    t.sinceS = nowS;
    t.heldDevices += (sign * job.devices * job.milli) / 1000;
  }

  /**
   * One row per tenant, Jain's index, and each tenant's share of the pool over time, at the end of
   * the run (running jobs count their devices up to endS).
   */
  finish(endS: number, totals: readonly QueueUsageTotals[], unfinished: Iterable<SimJob>): { rows: TenantRow[]; jainIndex: number; shares: TenantShareRow[] } {
    for (const job of unfinished) {
      const t = this.of(job);
      if (!t) continue;
      if (job.state === 'waiting') t.queueing.add(waitSoFar(job, endS)); // as the run's summary counts it (sim/metrics.ts)
      else if (job.state === 'running' || job.state === 'checkpointing') t.queueing.add(job.waitedS);
    }
    const poolDevices = this.cluster.deviceCount;
    const rows = this.tenants.queues.map((q, i): TenantRow => {
      const t = this.state[i]!;
      const heldDeviceS = t.heldDeviceS + t.heldDevices * (endS - t.sinceS);
      const quota = q.nominal.reduce((a, b) => a + b, 0);
      return {
        tenant: q.name,
        quota_devices: quota,
        entitled_share: quota / poolDevices,
        mean_share: endS > 0 ? heldDeviceS / endS / poolDevices : 0,
        borrowed_device_hours: totals[i]!.borrowedDeviceS / 3600,
        lent_device_hours: totals[i]!.lentDeviceS / 3600,
        preempted_jobs: t.preempted.size,
        queueing_delay_p95_s: t.queueing.quantile(0.95),
        jct_mean_s: t.jct.mean(),
        max_slowdown: t.maxSlowdown,
        ...ftfColumns(t.rho),
      };
    });
    this.state.forEach((t, q) => this.series.held(q, t.sinceS, endS, t.heldDevices));
    const shares = this.series.rows(endS, poolDevices, rows.map((r) => r.tenant), rows.map((r) => r.entitled_share));
    return { rows, jainIndex: jainIndex(rows.filter((r) => r.entitled_share > 0).map((r) => r.mean_share / r.entitled_share)), shares };
  }
}

/** Jain's index (sum x)^2 / (n sum x^2); NaN when there is nothing to compare (no values, or all 0). */
export function jainIndex(xs: readonly number[]): number {
  let sum = 0;
  let squares = 0;
  for (const x of xs) {
    sum += x;
    squares += x * x;
  }
  return xs.length === 0 || squares === 0 ? Number.NaN : (sum * sum) / (xs.length * squares);
}
