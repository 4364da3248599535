// Each tenant's devices over time, for the report's share-over-time chart: the devices its jobs hold
// (from the moment they start until they let go, checkpointing included, so preempted and resumed
// jobs count exactly the time they held devices), integrated into equal intervals. The run's length
// is not known in advance, so the intervals start at one second and double (two neighbours merged,
// which keeps the integrals exact) whenever the run outgrows them: a run ends with between
// MAX_INTERVALS / 2 and MAX_INTERVALS of them, whatever its length.

/** At most this many intervals per run: enough for a chart, small enough for tenant_shares.csv of a large sweep. */
export const MAX_INTERVALS = 128;

/** One tenant over one interval: the devices its jobs held on average, and as a share of the pool. */
export interface TenantShareRow {
  tenant: string;
  start_s: number;
  end_s: number;
  mean_devices: number;
  share: number;
  /** Its nominal quota over the pool's devices, repeated on each row so that a chart can mark it. */
  entitled_share: number;
}

export const TENANT_SHARE_COLUMNS: readonly (keyof TenantShareRow)[] = ['tenant', 'start_s', 'end_s', 'mean_devices', 'share', 'entitled_share'];

export class TenantShareSeries {
  /** Interval length (seconds, a power of two). */
  private widthS = 1;
  /** Per tenant, device-seconds held in each interval so far. */
  private readonly deviceS: number[][];

  constructor(tenants: number) {
    this.deviceS = Array.from({ length: tenants }, () => []);
  }

  /** Tenant `t` held `devices` over [fromS, toS) (each tenant's spans are given in order and do not overlap). */
  held(t: number, fromS: number, toS: number, devices: number): void {
    if (!(toS > fromS)) return;
    while (toS > this.widthS * MAX_INTERVALS) this.widen();
    if (devices === 0) return;
    const w = this.widthS;
    const row = this.deviceS[t]!;
    let i = Math.floor(fromS / w);
    let at = fromS;
    while (at < toS) {
      const end = Math.min(toS, (i + 1) * w);
      while (row.length <= i) row.push(0);
      row[i]! += devices * (end - at);
      at = end;
      i++;
    }
  }

  /** Double the interval: each new interval holds the two it replaces. */
  private widen(): void {
    for (const row of this.deviceS) {
      const merged: number[] = [];
      for (let i = 0; i < row.length; i += 2) merged.push(row[i]! + (row[i + 1] ?? 0));
      row.length = 0;
      row.push(...merged);
    }
    this.widthS *= 2;
  }

  /** The rows up to `endS` (the last interval cut there), tenant by tenant; `names` and `entitled` by tenant index. */
  rows(endS: number, poolDevices: number, names: readonly string[], entitled: readonly number[]): TenantShareRow[] {
    if (!(endS > 0)) return [];
    while (endS > this.widthS * MAX_INTERVALS) this.widen();
    const w = this.widthS;
    const intervals = Math.ceil(endS / w);
    const out: TenantShareRow[] = [];
    this.deviceS.forEach((row, t) => {
      for (let i = 0; i < intervals; i++) {
        const start = i * w;
        const end = Math.min(endS, (i + 1) * w);
        const mean = (row[i] ?? 0) / (end - start);
        out.push({ tenant: names[t]!, start_s: start, end_s: end, mean_devices: mean, share: mean / poolDevices, entitled_share: entitled[t]! });
      }
    });
    return out;
  }
}
