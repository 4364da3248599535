// The run's one signal bus: job lifecycle signals (metrics recorders, trace exporters and progress
// reporters listen here and never reach into the engine loop) and the result rows a run produces
// (jobs, transfers, links, services, requests), which output sinks subscribe to.
import type { RequestRow, ServiceRow } from './inference/service-rows.js';
import type { JobRow } from './metrics.js';
import type { SimJob } from './sim-job.js';
import type { TenantRow } from './tenant-metrics.js';
import type { TenantShareRow } from './tenant-share-series.js';

export interface JobSignals {
  submitted: (job: SimJob, nowS: number) => void;
  rejected: (job: SimJob, nowS: number) => void;
  started: (job: SimJob, nowS: number) => void;
  /** The job stops holding devices without finishing (preemption, failure). */
  stopped: (job: SimJob, nowS: number, why: string) => void;
  finished: (job: SimJob, nowS: number) => void;
  /** A running job's progress rate changed (after it started); `why`: the cause, where the simulator knows it (a failure or repair). */
  rateChanged: (job: SimJob, nowS: number, why: string | undefined) => void;
}

export interface TransferRow {
  transfer: string;
  from: string;
  to: string;
  bytes: number;
  start_s: number;
  finish_s: number;
  duration_s: number;
  mean_gbps: number;
  after_job: string;
  before_job: string;
}
export const TRANSFER_COLUMNS: readonly (keyof TransferRow)[] = ['transfer', 'from', 'to', 'bytes', 'start_s', 'finish_s', 'duration_s', 'mean_gbps', 'after_job', 'before_job'];

export interface LinkRow {
  link: string;
  capacity_gbps: number;
  bytes_carried: number;
  /** bytes_carried / (capacity x run length). */
  utilisation: number;
  peak_concurrent_flows: number;
}
export const LINK_COLUMNS: readonly (keyof LinkRow)[] = ['link', 'capacity_gbps', 'bytes_carried', 'utilisation', 'peak_concurrent_flows'];

/** One link over one interval (links_timeseries.csv): what crossed it and the share of its capacity. */
export interface LinkSampleRow {
  link: string;
  start_s: number;
  end_s: number;
  bytes_carried: number;
  /** bytes_carried / (capacity x interval). */
  utilisation: number;
}
export const LINK_SAMPLE_COLUMNS: readonly (keyof LinkSampleRow)[] = ['link', 'start_s', 'end_s', 'bytes_carried', 'utilisation'];

/** Result rows, each emitted once: a job's as it ends (or at the end of the run), the others as they complete. */
export interface RowSignals {
  jobRow: JobRow;
  transferRow: TransferRow;
  linkRow: LinkRow;
  /** One per link that carried anything in an interval (runs with a link interval). */
  linkSampleRow: LinkSampleRow;
  serviceRow: ServiceRow;
  requestRow: RequestRow;
  /** One per tenant queue, at the end of a run of a scenario with tenants. */
  tenantRow: TenantRow;
  /** One per tenant queue and interval of its share over time, at the end of a run with tenants. */
  tenantShareRow: TenantShareRow;
}

export type RowSignal = keyof RowSignals;

export class Signals {
  private readonly listeners: { [K in keyof JobSignals]: JobSignals[K][] } = {
    submitted: [],
    rejected: [],
    started: [],
    stopped: [],
    finished: [],
    rateChanged: [],
  };
  private readonly rowListeners: { [K in RowSignal]: ((row: RowSignals[K]) => void)[] } = {
    jobRow: [],
    transferRow: [],
    linkRow: [],
    linkSampleRow: [],
    serviceRow: [],
    requestRow: [],
    tenantRow: [],
    tenantShareRow: [],
  };

  on<K extends keyof JobSignals>(signal: K, listener: JobSignals[K]): void {
    this.listeners[signal].push(listener);
  }

  /** How many listeners a job signal has (the simulator tells its own from those added later). */
  listenerCount(signal: keyof JobSignals): number {
    return this.listeners[signal].length;
  }

  emit(signal: Exclude<keyof JobSignals, 'stopped' | 'rateChanged'>, job: SimJob, nowS: number): void {
    const ls = this.listeners[signal];
    for (let i = 0; i < ls.length; i++) ls[i]!(job, nowS);
  }

  emitRateChanged(job: SimJob, nowS: number, why: string | undefined): void {
    const ls = this.listeners.rateChanged;
    for (let i = 0; i < ls.length; i++) ls[i]!(job, nowS, why);
  }

  emitStopped(job: SimJob, nowS: number, why: string): void {
    const ls = this.listeners.stopped;
    for (let i = 0; i < ls.length; i++) ls[i]!(job, nowS, why);
  }

  /** Listeners that keep a reference to the rows they are given, per signal. */
  private readonly rowKeepers: { [K in RowSignal]?: number } = {};

  /**
   * Listen for rows. `transient`: the listener reads the row during the call and keeps no
   * reference to it (a sink formatting it, a listener copying it), so a producer may hand every
   * listener the same row object, refilled for the next row (see reusesRows).
   */
  onRow<K extends RowSignal>(signal: K, listener: (row: RowSignals[K]) => void, transient = false): void {
    this.rowListeners[signal].push(listener);
    if (!transient) this.rowKeepers[signal] = (this.rowKeepers[signal] ?? 0) + 1;
  }

  /** Whether no listener of these rows keeps them: a producer may then refill one row object (no allocation per row). */
  reusesRows(signal: RowSignal): boolean {
    return (this.rowKeepers[signal] ?? 0) === 0;
  }

  /** Whether anyone listens for these rows (so that producers skip building rows nobody reads). */
  wantsRows(signal: RowSignal): boolean {
    return this.rowListeners[signal].length > 0;
  }

  emitRow<K extends RowSignal>(signal: K, row: RowSignals[K]): void {
    const ls = this.rowListeners[signal];
    for (let i = 0; i < ls.length; i++) ls[i]!(row);
  }
}
