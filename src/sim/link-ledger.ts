// What the links of the flow network carried: bytes per link (links.csv, links_timeseries.csv) and,
// when asked, who sent them (hot_links.csv). Bookkeeping only: nothing here moves a rate. The
// progress model tells it of every byte that crosses a link; it never reads the flow network.
import type { Topology } from '../model/network/topology.js';
import type { LinkRow, LinkSampleRow } from './signals.js';

/** One of the busiest links (hotLinks): links.csv's figures and its heaviest users. */
export interface HotLink {
  link: string;
  capacity_gbps: number;
  bytes_carried: number;
  utilisation: number;
  users: { user: string; bytes: number }[];
  /** The link's id in the flow network. */
  index: number;
}

/** The bytes a running job's flows carried since they were last credited, and its name (hot links' live users). */
export interface LiveFlows {
  readonly user: string;
  readonly flows: readonly number[];
}

/**
 * A transfer still under way at a report: the bytes it has sent on its current route so far, which
 * `carried` counts only when it ends, stops or moves. A report at the end of a run (a horizon
 * stopped it) or between samples adds them, so a link a transfer kept busy is not shown idle.
 */
export interface InFlightTransfer {
  readonly user: string;
  readonly links: readonly number[];
  readonly bytes: number;
}

/** Whom a transfer's bytes count for: its name up to the first ':' (a service's KV caches are `<service>:kv:<request>`). */
export function transferUser(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(0, i);
}

export class LinkLedger {
  /**
   * Bytes actually carried per link. Typed: a plain array first written far past its end (a link id
   * in the tens of thousands) went to dictionary elements, where every added byte count was a new
   * heap number and a hash lookup.
   */
  private readonly carried: Float64Array;
  /** Per link, bytes carried per user (only while tracking: trackUsers). */
  private users: (Map<string, number> | undefined)[] | undefined;
  /** Per job flow slot, bytes carried since it was credited to its job (only while tracking). */
  private readonly flowBytes: number[] = [];
  /** `carried` at the last sample (sample). */
  private readonly sampled: number[] = [];

  constructor(private readonly topology: Pick<Topology, 'linkNames' | 'linkCapacityBytesPerS' | 'nicUp' | 'nicDown'>, linkCount: number) {
    this.carried = new Float64Array(linkCount);
  }

  /** Whether users are remembered (callers skip naming a user otherwise: a generated job's name is made when asked). */
  get tracking(): boolean {
    return this.users !== undefined;
  }

  /**
   * From now on, remember who sent the bytes each link carries (jobs by name; transfers by their
   * name up to the first ':', so a service's KV caches count under the service), for hot().
   */
  trackUsers(): void {
    this.users ??= [];
  }

  /** A job flow carried `bytes` over `links`; while tracking, they wait on the flow for flowCredited. */
  flowCarried(flow: number, links: readonly number[] | undefined, bytes: number): void {
    if (links) for (let k = 0; k < links.length; k++) this.carried[links[k]!]! += bytes;
    if (this.users) this.flowBytes[flow] = (this.flowBytes[flow] ?? 0) + bytes;
  }

  /** A job flow leaves its links (it ends or moves): what it carried since the last credit counts for `user`. */
  flowCredited(flow: number, links: readonly number[] | undefined, user: string): void {
    if (!this.users) return;
    this.credit(links, user, this.flowBytes[flow] ?? 0);
    this.flowBytes[flow] = 0;
  }

  /** A transfer `name` carried `bytes` over `links` (counted when it ends, stops or moves). */
  transferCarried(links: readonly number[] | undefined, name: string, bytes: number): void {
    if (links) for (let k = 0; k < links.length; k++) this.carried[links[k]!]! += bytes;
    if (this.users) this.credit(links, transferUser(name), bytes);
  }

  private credit(links: readonly number[] | undefined, user: string, bytes: number): void {
    if (!(bytes > 0)) return;
    for (const l of links ?? []) {
      const m = (this.users![l] ??= new Map());
      m.set(user, (m.get(user) ?? 0) + bytes);
    }
  }

  /** Bytes per link: those counted, plus what the transfers still under way have sent (`inFlight`). */
  private withInFlight(inFlight: readonly InFlightTransfer[]): Float64Array {
    if (inFlight.length === 0) return this.carried;
    // The transfers' bytes summed first, then added: the order links_timeseries.csv has always used.
    const bytes = new Float64Array(this.carried.length);
    for (const t of inFlight) for (const l of t.links) bytes[l]! += t.bytes;
    for (let l = 0; l < bytes.length; l++) bytes[l] = this.carried[l]! + bytes[l]!;
    return bytes;
  }

  /**
   * links.csv: each link that carried a flow at some time (`peakFlows(link)` > 0), its bytes and
   * mean utilisation over [0, endS] and the most flows that crossed it at once; `inFlight`: the
   * transfers still under way, whose bytes sent so far count (a horizon that stopped a transfer
   * left its link at 0 bytes and 0 utilisation after it had kept it full for the whole run).
   */
  rows(endS: number, peakFlows: (link: number) => number, inFlight: readonly InFlightTransfer[] = []): LinkRow[] {
    const rows: LinkRow[] = [];
    const carried = this.withInFlight(inFlight);
    for (let l = 0; l < carried.length; l++) {
      const peak = peakFlows(l);
      if (peak === 0) continue;
      const bytes = carried[l]!;
      const cap = this.topology.linkCapacityBytesPerS[l]!;
      rows.push({
        link: this.topology.linkNames[l]!,
        capacity_gbps: (cap * 8) / 1e9,
        bytes_carried: bytes,
        utilisation: endS > 0 ? bytes / (cap * endS) : 0,
        peak_concurrent_flows: peak,
      });
    }
    return rows;
  }

  /**
   * The `n` busiest links so far, NICs aside (switch links and inter-DC links, by utilisation over
   * [0, endS], then bytes, then name), each with its `k` heaviest users and their bytes: those
   * credited, and what `live` jobs' flows and the `inFlight` transfers carried since (`routeOf`
   * gives a flow's links). Users are known once trackUsers() was called (before the first flow, for
   * every byte to be counted).
   */
  hot(endS: number, n: number, k: number, live: Iterable<LiveFlows>, routeOf: (flow: number) => readonly number[] | undefined, inFlight: readonly InFlightTransfer[] = []): HotLink[] {
    const rows: HotLink[] = [];
    const carried = this.withInFlight(inFlight);
    // A node's NIC links carry every byte it sends: they would fill the list and say nothing about the fabric.
    const nic = new Uint8Array(carried.length);
    for (const l of this.topology.nicUp) nic[l] = 1;
    for (const l of this.topology.nicDown) nic[l] = 1;
    for (let l = 0; l < carried.length; l++) {
      const bytes = carried[l]!;
      if (!(bytes > 0) || nic[l]) continue;
      const cap = this.topology.linkCapacityBytesPerS[l]!;
      rows.push({ link: this.topology.linkNames[l]!, capacity_gbps: (cap * 8) / 1e9, bytes_carried: bytes, utilisation: endS > 0 ? bytes / (cap * endS) : 0, users: [], index: l });
    }
    rows.sort((a, b) => b.utilisation - a.utilisation || b.bytes_carried - a.bytes_carried || (a.link < b.link ? -1 : a.link > b.link ? 1 : 0));
    const top = rows.slice(0, n);
    if (this.users) {
      // Jobs still running: their bytes so far, on the links they hold now.
      const byLink = new Map<number, Map<string, number>>();
      for (const r of top) byLink.set(r.index, new Map(this.users[r.index] ?? []));
      for (const { user, flows } of live) {
        for (const f of flows) {
          for (const l of routeOf(f) ?? []) {
            const m = byLink.get(l);
            if (m) m.set(user, (m.get(user) ?? 0) + (this.flowBytes[f] ?? 0));
          }
        }
      }
      for (const t of inFlight) {
        for (const l of t.links) {
          const m = byLink.get(l);
          if (m && t.bytes > 0) m.set(t.user, (m.get(t.user) ?? 0) + t.bytes);
        }
      }
      for (const r of top) {
        r.users = [...byLink.get(r.index)!]
          .filter(([, b]) => b > 0)
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
          .slice(0, k)
          .map(([user, b]) => ({ user, bytes: b }));
      }
    }
    return top;
  }

  /**
   * Each link's bytes since the previous sample, up to `endS`, as rows of links_timeseries.csv;
   * links that carried nothing in the interval are left out.
   */
  sample(startS: number, endS: number, emit: (row: LinkSampleRow) => void, inFlight: readonly InFlightTransfer[] = [], pending?: Float64Array): void {
    const dt = endS - startS;
    // What transfers still under way have carried counts where it crossed: `carried` counts it
    // when they end, but a series that put a transfer's bytes all in its last interval showed a
    // link at 200% of its capacity.
    const carried = this.withInFlight(inFlight);
    for (let l = 0; l < carried.length; l++) {
      // `pending`: running jobs' bytes not yet accounted (NetworkProgressModel.sampleLinks).
      const total = carried[l]! + (pending?.[l] ?? 0);
      const bytes = total - (this.sampled[l] ?? 0);
      if (!(bytes > 0)) continue;
      this.sampled[l] = total;
      const cap = this.topology.linkCapacityBytesPerS[l]!;
      emit({ link: this.topology.linkNames[l]!, start_s: startS, end_s: endS, bytes_carried: bytes, utilisation: dt > 0 ? bytes / (cap * dt) : 0 });
    }
  }
}
