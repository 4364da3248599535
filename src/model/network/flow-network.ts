// Flow-level network model: links with capacities, flows with routes, weighted max-min fair rates
// recomputed incrementally (only the flows whose allocation can change) with fluid, lazy progress.
import { snapToZero } from '../../engine/numeric.js';
import { CompletionHeap } from './completion-heap.js';
import { IndexedMinHeap } from './indexed-heap.js';
import { IntStack } from './int-stack.js';

export interface FlowOptions {
  /** Upper bound on the rate, e.g. window / RTT on a long-haul path. Default: none. */
  readonly capBytesPerS?: number;
  /** Share weight (> 0): on a common bottleneck, rates are proportional to weights. Default 1. */
  readonly weight?: number;
  /** Opaque caller number handed back on completion (a trace index, a job id). Default -1. */
  readonly tag?: number;
}

/**
 * Called once per completed flow, in (finish time, flow id) order, before its id is recycled.
 * It must not change the network; collect what to do and do it after popCompleted returns.
 */
export type CompletionHandler = (flow: number, finishS: number, tag: number) => void;

/** Some of a link's flows as its max-min share sees them (FlowNetwork.othersOnLink). */
export interface OthersOnLink {
  /** Sum of their rates. */
  loadBytesPerS: number;
  /** Sum of the weights of those the link limits. */
  limitedWeight: number;
  /** Sum of the rates of the others (held by a cap or another link). */
  heldLoadBytesPerS: number;
}

/** Cumulative figures for one link up to the time they were asked for (for links.csv). */
export interface LinkStats {
  readonly capacityBytesPerS: number;
  readonly latencyS: number;
  /** Sum of the current rates of the flows crossing the link. */
  readonly loadBytesPerS: number;
  readonly activeFlows: number;
  readonly peakConcurrentFlows: number;
  readonly bytesCarried: number;
  /** Time during which the link carried a positive load. */
  readonly busyS: number;
  /** bytesCarried / integral of capacity over time (0 before any time has passed). */
  readonly utilisation: number;
}

/**
 * The network physics behind one interface (SimGrid-style): it answers "when does the next flow
 * finish?" and "how far has each flow got?", and re-derives rates when flows or links change.
 *
 * Contract.
 * - Time only moves forward: every `nowS` passed in is >= the largest one seen so far, and the
 *   caller pops completions before moving past them (`popCompleted(nextCompletionTime())`);
 *   RangeError otherwise. Queries without a time see the state at that largest time.
 * - Rates are the unique weighted max-min fair allocation over all links: every flow is limited
 *   either by its cap or by a saturated link on its route on which no flow has a larger
 *   rate/weight. Computed to a relative tolerance of about 1e-9.
 * - A flow with 0 bytes consumes nothing and completes at the time it was added. A flow with an
 *   empty route runs at its cap (Infinity without one). A flow with Infinity bytes is persistent:
 *   it holds its share until removed and never completes.
 * - Flow ids are dense small integers and are recycled once a flow completes or is removed; link
 *   ids are dense (0, 1, 2, ...) and permanent.
 * - Latency is not part of the fluid model: `routeLatencyS` gives the one-way propagation delay,
 *   which the caller adds (alpha-beta: latency + bytes / rate).
 * - A route lists distinct link ids (RangeError otherwise).
 * - Changes at one instant are batched: rates are re-derived once, lazily, on the next query or
 *   on the first change at a later time. `onRateChange` then receives the flows whose rate changed
 *   (a reused array, valid only during the call; the listener must not change the network).
 */
export interface FlowNetworkModel {
  addLink(capacityBytesPerS: number, latencyS?: number): number;
  setLinkCapacity(link: number, capacityBytesPerS: number, nowS: number): void;
  addFlow(route: readonly number[], bytes: number, nowS: number, opts?: FlowOptions): number;
  removeFlow(flow: number, nowS: number): void;
  rate(flow: number): number;
  remaining(flow: number, nowS: number): number;
  /** Projected time of the earliest completion given current rates, or Infinity. */
  nextCompletionTime(): number;
  /** Settle to nowS, completing flows in time order (rates re-derived after each instant). */
  popCompleted(nowS: number, onComplete?: CompletionHandler): number;
  linkStats(link: number, nowS: number): LinkStats;
  onRateChange: ((flows: readonly number[]) => void) | undefined;
}

/** bott[] values that are not link ids. */
const BOTT_CAP = -1;
const BOTT_UNKNOWN = -2;
/** Rates closer than this (relative) count as unchanged: no settle, no heap push, no callback. */
const RATE_CHANGE_REL = 1e-12;
/**
 * Tolerance of the optimality checks that decide whether a fixed flow must join the re-solve.
 * Relative only (to levels, and to the link's capacity where a level may be 0): an absolute slack
 * in B/s would swamp a link of a few bytes per second and let a wrong allocation through.
 */
const CHECK_REL = 1e-9;

function growF64(a: Float64Array, n: number, fill = 0): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}
function growI32(a: Int32Array, n: number, fill = 0): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

export class FlowNetwork implements FlowNetworkModel {
  onRateChange: ((flows: readonly number[]) => void) | undefined = undefined;
  /**
   * The same news as onRateChange, as the first `count` entries of a reused scratch array (valid
   * only during the call): no list sized per re-solve. Called before onRateChange when both are set.
   */
  onRatesChanged: ((flows: Int32Array, count: number) => void) | undefined = undefined;

  // ---- links (index = link id) ----
  private nLinks = 0;
  private capacityBytesPerS = new Float64Array(16);
  private latencyS = new Float64Array(16);
  /** Flows on each link (a flow's hop at the link is found in its route: routes are short and list a link once). */
  private linkFlowIds: Int32Array[] = [];
  private linkFlowCount = new Int32Array(16);
  private linkLoadBytesPerS = new Float64Array(16);
  private linkStatsAtS = new Float64Array(16);
  private linkBytesCarried = new Float64Array(16);
  private linkBusyS = new Float64Array(16);
  private linkCapacityIntegral = new Float64Array(16);
  private linkPeakFlows = new Int32Array(16);
  // solver scratch per link
  private linkInSetStamp = new Int32Array(16);
  private linkDirtyStamp = new Int32Array(16);
  private linkDirtyAll = new Uint8Array(16);
  /** Per link, of the committed allocation: flows it limits, their rate/weight level, a bound on the top level. */
  private linkBottCount = new Int32Array(16);
  private linkBottLevel = new Float64Array(16);
  private linkMaxLevelBound = new Float64Array(16);
  /** Per link, per round: S's committed load and bottleneck count, S's new load and top level. */
  private setOldLoad = new Float64Array(16);
  private setOldBottCount = new Int32Array(16);
  private setNewLoad = new Float64Array(16);
  private setNewMaxLevel = new Float64Array(16);
  private setLinkStart = new Int32Array(16);
  private setLinkFill = new Int32Array(16);
  private setMembers = new Int32Array(64);
  private residualBytesPerS = new Float64Array(16);
  private unfrozenWeight = new Float64Array(16);
  private unfrozenCount = new Int32Array(16);
  /** rate/weight level at which the link froze flows in the current round, or -1. */
  private freezeLevel = new Float64Array(16);

  // ---- flows (index = flow id, pooled) ----
  private flowCap = 0;
  private alive = new Uint8Array(0);
  private version = new Int32Array(0);
  private sizeBytes = new Float64Array(0);
  private remBytes = new Float64Array(0);
  private rateBytesPerS = new Float64Array(0);
  private newRateBytesPerS = new Float64Array(0);
  private lastUpdateS = new Float64Array(0);
  private capBytesPerS = new Float64Array(0);
  private weight = new Float64Array(0);
  private tag = new Float64Array(0);
  /** The link that limits the flow (BOTT_CAP when its cap does, BOTT_UNKNOWN before its first solve). */
  private bott = new Int32Array(0);
  private newBott = new Int32Array(0);
  private inSetStamp = new Int32Array(0);
  private frozenStamp = new Int32Array(0);
  private pendingStamp = new Int32Array(0);
  private routeStart = new Int32Array(0);
  private routeLen = new Int32Array(0);
  private routeCapacity = new Int32Array(0);
  private freeFlows: number[] = [];
  private nextFreshFlow = 0;
  private liveFlows = 0;

  /** Route pool: link ids, and the flow's index in that link's flow list, per hop. */
  private routeLinks = new Int32Array(1024);
  private routePos = new Int32Array(1024);
  private routeTop = 0;

  // ---- pending changes and solver state ----
  private clockS = 0;
  private dirty = false;
  private pendingS = 0;
  private readonly dirtyLinks = new IntStack();
  private readonly newFlows = new IntStack();
  private epoch = 0;
  private roundEpoch = 0;
  private readonly setFlows = new IntStack();
  private readonly setLinks = new IntStack();
  private readonly pendingFlows = new IntStack();
  private readonly changed = new IntStack();
  /** What onRateChange receives (filled only when a listener is set). */
  private readonly changedList: number[] = [];
  private readonly solveAllFlows: boolean;
  private flushCount = 0;
  private roundCount = 0;
  private flowsSolvedCount = 0;
  private readonly linkHeap = new IndexedMinHeap(16);
  private readonly capHeap = new IndexedMinHeap(16);
  private readonly completions = new CompletionHeap(1024);
  private readonly keepEntry = (flow: number, version: number): boolean =>
    this.alive[flow] === 1 && this.version[flow] === version;

  /**
   * `solveAllFlows` re-solves every flow at every change (the textbook from-scratch method): the
   * same rates, for checking and for measuring what the incremental solve saves.
   */
  constructor(opts: { readonly initialFlowCapacity?: number; readonly solveAllFlows?: boolean } = {}) {
    this.growFlows(Math.max(16, opts.initialFlowCapacity ?? 1024));
    this.solveAllFlows = opts.solveAllFlows ?? false;
  }

  /** Work counters: instants re-solved, solve rounds, and flows solved summed over rounds. */
  get solverCounters(): { readonly flushes: number; readonly rounds: number; readonly flowsSolved: number } {
    return { flushes: this.flushCount, rounds: this.roundCount, flowsSolved: this.flowsSolvedCount };
  }

  get linkCount(): number {
    return this.nLinks;
  }

  /** Flows added and not yet completed or removed (persistent ones included). */
  get activeFlowCount(): number {
    return this.liveFlows;
  }

  addLink(capacityBytesPerS: number, latencyS = 0): number {
    if (!(capacityBytesPerS >= 0) || !(latencyS >= 0)) {
      throw new RangeError(`link capacity and latency must be >= 0, got ${capacityBytesPerS} B/s, ${latencyS} s`);
    }
    const l = this.nLinks++;
    if (l === this.capacityBytesPerS.length) this.growLinks(2 * l);
    this.capacityBytesPerS[l] = capacityBytesPerS;
    this.latencyS[l] = latencyS;
    this.linkFlowIds.push(new Int32Array(4));
    this.linkStatsAtS[l] = this.clockS;
    this.freezeLevel[l] = -1;
    return l;
  }

  setLinkCapacity(link: number, capacityBytesPerS: number, nowS: number): void {
    this.checkLink(link);
    if (!(capacityBytesPerS >= 0)) throw new RangeError(`link capacity must be >= 0, got ${capacityBytesPerS}`);
    this.advanceTo(nowS);
    this.settleLinkStats(link, nowS);
    this.capacityBytesPerS[link] = capacityBytesPerS;
    // A lower capacity can overload the link even for flows limited elsewhere: re-solve them all.
    this.linkDirtyAll[link] = 1;
    this.markLinkDirty(link);
    this.markDirty(nowS);
  }

  addFlow(route: readonly number[], bytes: number, nowS: number, opts?: FlowOptions): number {
    if (!(bytes >= 0)) throw new RangeError(`flow bytes must be >= 0, got ${bytes}`);
    const capBytesPerS = opts?.capBytesPerS ?? Infinity;
    const weight = opts?.weight ?? 1;
    if (!(capBytesPerS >= 0)) throw new RangeError(`flow cap must be >= 0, got ${capBytesPerS}`);
    if (!(weight > 0) || weight === Infinity) throw new RangeError(`flow weight must be finite and > 0, got ${weight}`);
    const hops = route.length;
    for (let h = 0; h < hops; h++) this.checkLink(route[h]!);
    this.checkDistinct(route);
    this.advanceTo(nowS);

    const f = this.allocFlow(hops);
    this.alive[f] = 1;
    this.version[f] = (this.version[f]! + 1) | 0;
    this.sizeBytes[f] = bytes;
    this.remBytes[f] = bytes;
    this.rateBytesPerS[f] = 0;
    this.lastUpdateS[f] = nowS;
    this.capBytesPerS[f] = capBytesPerS;
    this.weight[f] = weight;
    this.tag[f] = opts?.tag ?? -1;
    this.bott[f] = BOTT_UNKNOWN;
    this.routeLen[f] = 0;
    this.liveFlows++;

    if (bytes === 0) {
      // Consumes nothing; completes at once (reported by the next popCompleted).
      this.completions.push(nowS, f, this.version[f]!);
      return f;
    }
    if (hops === 0) {
      // Nothing to share: runs at its cap, or is done instantly without one.
      this.bott[f] = BOTT_CAP;
      this.rateBytesPerS[f] = capBytesPerS;
      this.scheduleCompletion(f, nowS);
      return f;
    }
    const start = this.routeStart[f]!;
    this.routeLen[f] = hops;
    for (let h = 0; h < hops; h++) {
      const l = route[h]!;
      this.routeLinks[start + h] = l;
      this.routePos[start + h] = this.attach(l, f);
      this.markLinkDirty(l);
    }
    this.newFlows.push(f);
    this.markDirty(nowS);
    return f;
  }

  removeFlow(flow: number, nowS: number): void {
    this.checkFlow(flow);
    this.advanceTo(nowS);
    this.detachAndFree(flow, nowS);
  }

  rate(flow: number): number {
    this.checkFlow(flow);
    this.flush();
    return this.rateBytesPerS[flow]!;
  }

  remaining(flow: number, nowS: number): number {
    this.checkFlow(flow);
    this.advanceTo(nowS);
    this.flush();
    const rem = this.remBytes[flow]!;
    const dt = nowS - this.lastUpdateS[flow]!;
    const r = this.rateBytesPerS[flow]!;
    if (!(dt > 0) || r === 0 || rem === Infinity) return rem;
    if (r === Infinity) return 0;
    return snapToZero(rem - r * dt, Math.max(rem, r * nowS));
  }

  /** The caller's tag of a live flow. */
  flowTag(flow: number): number {
    this.checkFlow(flow);
    return this.tag[flow]!;
  }

  /** Sum of the latencies of the flow's links (one-way propagation delay). */
  routeLatencyS(flow: number): number {
    this.checkFlow(flow);
    let s = 0;
    const start = this.routeStart[flow]!;
    for (let h = 0; h < this.routeLen[flow]!; h++) s += this.latencyS[this.routeLinks[start + h]!]!;
    return s;
  }

  nextCompletionTime(): number {
    this.flush();
    return this.peekValid();
  }

  popCompleted(nowS: number, onComplete?: CompletionHandler): number {
    this.advanceTo(nowS, true);
    this.flush();
    let done = 0;
    for (;;) {
      const t = this.peekValid();
      if (!(t <= nowS) || t === Infinity) break; // Infinity: nothing left that can finish
      // Complete everything due at exactly this instant, then re-derive rates once, at t.
      while (this.peekValid() <= t) {
        const f = this.completions.topFlow();
        this.completions.pop();
        this.remBytes[f] = 0;
        this.lastUpdateS[f] = t;
        onComplete?.(f, t, this.tag[f]!);
        this.detachAndFree(f, t);
        done++;
      }
      this.flush();
    }
    return done;
  }

  /** Sum of the current rates of the flows crossing `link`, pending changes applied (no statistics settled). */
  linkLoad(link: number): number {
    this.checkLink(link);
    this.flush();
    return this.linkLoadBytesPerS[link]!;
  }

  /**
   * The flows on `link` that `own` does not mark, as the link's max-min share sees them: their load,
   * the total weight of those the link limits (a newcomer there shares with them, in proportion to
   * weights) and the load of the rest (held by their caps or by another link, they keep their
   * rates). Pending changes applied. Written into `out` and returned.
   */
  othersOnLink(link: number, own: (flow: number) => boolean, out: OthersOnLink): OthersOnLink {
    this.checkLink(link);
    this.flush();
    let load = 0;
    let limitedWeight = 0;
    let heldLoad = 0;
    const ids = this.linkFlowIds[link]!;
    const count = this.linkFlowCount[link]!;
    for (let i = 0; i < count; i++) {
      const f = ids[i]!;
      if (own(f)) continue;
      const r = this.rateBytesPerS[f]!;
      load += r;
      if (this.bott[f] === link) limitedWeight += this.weight[f]!;
      else heldLoad += r;
    }
    out.loadBytesPerS = load;
    out.limitedWeight = limitedWeight;
    out.heldLoadBytesPerS = heldLoad;
    return out;
  }

  /** Flows crossing `link` now (added and not yet completed or removed; pending changes count). */
  flowsOnLink(link: number): number {
    this.checkLink(link);
    return this.linkFlowCount[link]!;
  }

  /** The link's capacity now (a failure may have lowered it). */
  linkCapacity(link: number): number {
    this.checkLink(link);
    return this.capacityBytesPerS[link]!;
  }

  linkStats(link: number, nowS: number): LinkStats {
    this.checkLink(link);
    this.advanceTo(nowS);
    this.flush();
    this.settleLinkStats(link, nowS);
    const capInt = this.linkCapacityIntegral[link]!;
    return {
      capacityBytesPerS: this.capacityBytesPerS[link]!,
      latencyS: this.latencyS[link]!,
      loadBytesPerS: this.linkLoadBytesPerS[link]!,
      activeFlows: this.linkFlowCount[link]!,
      peakConcurrentFlows: this.linkPeakFlows[link]!,
      bytesCarried: this.linkBytesCarried[link]!,
      busyS: this.linkBusyS[link]!,
      utilisation: capInt > 0 ? this.linkBytesCarried[link]! / capInt : 0,
    };
  }

  // ---------------------------------------------------------------- time and batching

  private advanceTo(nowS: number, completionsDue = false): void {
    if (!(nowS >= this.clockS)) {
      throw new RangeError(`FlowNetwork time went backwards or is NaN: ${nowS} < ${this.clockS}`);
    }
    // Changes made at an earlier instant take effect (rates, progress) before time moves on.
    if (this.dirty && nowS > this.pendingS) this.flush();
    if (!completionsDue && nowS > this.clockS) {
      // Skipping a completion would leave a finished flow holding bandwidth: a caller bug.
      const dueS = this.peekValid();
      if (dueS < nowS) {
        throw new RangeError(`FlowNetwork: a flow completes at ${dueS} s, before ${nowS} s; call popCompleted first`);
      }
    }
    this.clockS = nowS;
  }

  private markDirty(nowS: number): void {
    this.dirty = true;
    this.pendingS = nowS;
  }

  private markLinkDirty(l: number): void {
    if (this.linkDirtyStamp[l] === this.epoch + 1) return;
    // Stamped with the epoch the next flush will use, so the stamp resets itself afterwards.
    this.linkDirtyStamp[l] = this.epoch + 1;
    this.dirtyLinks.push(l);
  }

  // ---------------------------------------------------------------- the incremental solve

  /**
   * Re-derive rates after the pending changes. Start from the flows that can obviously change
   * (new flows; flows whose bottleneck is a changed link), solve max-min for that set S with every
   * other flow's rate held fixed, then check the fixed flows on the links S touches: one whose
   * bottleneck no longer holds, or that now out-rates a flow of S on S's bottleneck, joins S and the
   * set is solved again. S only grows, so this ends; at the end every flow satisfies the max-min
   * bottleneck condition, which characterises the unique allocation.
   *
   * Per-link aggregates of the committed allocation (load, how many flows it limits and at what
   * rate/weight level, an upper bound on the highest level crossing it) let a round cost
   * O(|S| x hops x log) without visiting the fixed flows on S's links; a link's flow list is only
   * scanned when a check fails there, i.e. when flows on it are about to join S anyway.
   * S is usually a handful of flows (W3: ~5); in a fabric where most links are saturated a
   * change can cascade, and S then approaches the connected component (what SimGrid's lazy
   * LMM re-solves every time), found in several rounds.
   */
  private flush(): void {
    if (!this.dirty) return;
    const nowS = this.pendingS;
    const ep = ++this.epoch;
    this.setFlows.clear();
    this.setLinks.clear();
    this.flushCount++;

    for (let i = 0; i < this.newFlows.size; i++) {
      const f = this.newFlows.data[i]!;
      if (this.alive[f] === 1 && this.routeLen[f]! > 0) this.addToSet(f, ep);
    }
    for (let li = 0; li < this.dirtyLinks.size; li++) {
      const l = this.dirtyLinks.data[li]!;
      this.addLinkToSet(l, ep);
      const all = this.linkDirtyAll[l] === 1;
      this.linkDirtyAll[l] = 0;
      if (!all && this.linkBottCount[l] === 0) continue;
      const ids = this.linkFlowIds[l]!;
      for (let i = 0; i < this.linkFlowCount[l]!; i++) {
        const g = ids[i]!;
        if (all || this.bott[g] === l) this.addToSet(g, ep);
      }
    }
    this.newFlows.clear();
    this.dirtyLinks.clear();
    if (this.solveAllFlows) {
      for (let f = 0; f < this.nextFreshFlow; f++) if (this.alive[f] === 1 && this.routeLen[f]! > 0) this.addToSet(f, ep);
    }

    if (this.setFlows.size > 0) {
      for (;;) {
        this.roundCount++;
        this.flowsSolvedCount += this.setFlows.size;
        this.solveRound();
        if (this.expandSet(ep) === 0) break;
      }
    }
    this.applyRates(nowS);
    this.dirty = false;
    if (this.changed.size > 0 && this.onRatesChanged) this.onRatesChanged(this.changed.data, this.changed.size);
    if (this.changed.size > 0 && this.onRateChange) {
      const list = this.changedList;
      list.length = this.changed.size;
      for (let i = 0; i < this.changed.size; i++) list[i] = this.changed.data[i]!;
      this.onRateChange(list);
    }
  }

  private addToSet(f: number, ep: number): void {
    if (this.inSetStamp[f] === ep) return;
    this.inSetStamp[f] = ep;
    this.setFlows.push(f);
    const start = this.routeStart[f]!;
    const end = start + this.routeLen[f]!;
    for (let i = start; i < end; i++) this.addLinkToSet(this.routeLinks[i]!, ep);
  }

  private addLinkToSet(l: number, ep: number): void {
    if (this.linkInSetStamp[l] === ep) return;
    this.linkInSetStamp[l] = ep;
    this.setLinks.push(l);
  }

  /** Water-filling for the flows of S over the capacity the fixed flows leave on S's links. */
  private solveRound(): void {
    const re = ++this.roundEpoch;
    const heap = this.linkHeap;
    const capHeap = this.capHeap;
    heap.clear();
    capHeap.clear();
    heap.ensureCapacity(this.nLinks);
    capHeap.ensureCapacity(this.flowCap);
    const weight = this.weight;
    const rate = this.rateBytesPerS;
    const sOld = this.setOldLoad;
    const sOldBott = this.setOldBottCount;
    for (let li = 0; li < this.setLinks.size; li++) {
      const l = this.setLinks.data[li]!;
      this.unfrozenWeight[l] = 0;
      this.unfrozenCount[l] = 0;
      sOld[l] = 0;
      sOldBott[l] = 0;
      this.freezeLevel[l] = -1;
    }
    for (let fi = 0; fi < this.setFlows.size; fi++) {
      const f = this.setFlows.data[fi]!;
      const w = weight[f]!;
      const r = rate[f]!;
      const b = this.bott[f]!;
      const start = this.routeStart[f]!;
      const end = start + this.routeLen[f]!;
      for (let i = start; i < end; i++) {
        const k = this.routeLinks[i]!;
        this.unfrozenWeight[k] = this.unfrozenWeight[k]! + w;
        this.unfrozenCount[k] = this.unfrozenCount[k]! + 1;
        sOld[k] = sOld[k]! + r;
        if (b === k) sOldBott[k] = sOldBott[k]! + 1;
      }
      const cap = this.capBytesPerS[f]!;
      if (cap !== Infinity) capHeap.push(f, cap / w);
    }
    // S's flows per link (CSR over setLinks), so a saturated link freezes them without
    // walking the fixed flows that share it.
    let offset = 0;
    for (let li = 0; li < this.setLinks.size; li++) {
      const l = this.setLinks.data[li]!;
      // What the fixed flows leave: capacity - (committed load - S's committed share). When S
      // holds every flow on the link nothing is fixed there, and the capacity is left exactly
      // (the load is kept by deltas: its rounding would otherwise leave a failed link a few
      // nB/s, or take them from a live one).
      const c = this.unfrozenCount[l]!;
      const residual = c === this.linkFlowCount[l] ? this.capacityBytesPerS[l]! : this.capacityBytesPerS[l]! - (this.linkLoadBytesPerS[l]! - sOld[l]!);
      this.residualBytesPerS[l] = residual > 0 ? residual : 0;
      this.setLinkStart[l] = offset;
      this.setLinkFill[l] = offset;
      offset += c;
      if (c > 0) heap.push(l, this.residualBytesPerS[l]! / this.unfrozenWeight[l]!);
    }
    if (this.setMembers.length < offset) this.setMembers = new Int32Array(2 * offset);
    const members = this.setMembers;
    for (let fi = 0; fi < this.setFlows.size; fi++) {
      const f = this.setFlows.data[fi]!;
      const start = this.routeStart[f]!;
      const end = start + this.routeLen[f]!;
      for (let i = start; i < end; i++) {
        const k = this.routeLinks[i]!;
        members[this.setLinkFill[k]!] = f;
        this.setLinkFill[k] = this.setLinkFill[k]! + 1;
      }
    }
    let unfrozen = this.setFlows.size;
    const frozen = this.frozenStamp;
    while (unfrozen > 0) {
      const capLevel = capHeap.peekKey();
      const linkLevel = heap.peekKey();
      if (capHeap.size > 0 && capLevel <= linkLevel) {
        const f = capHeap.pop();
        if (frozen[f] === re) continue;
        this.freeze(f, this.capBytesPerS[f]!, BOTT_CAP, re);
        unfrozen--;
        continue;
      }
      if (heap.size === 0) break; // cannot happen: every unfrozen flow keeps its links in the heap
      const l = heap.peekId();
      if (this.unfrozenCount[l] === 0) {
        heap.pop();
        continue;
      }
      // Keys are lower bounds (a link's level only rises as flows freeze): refresh a stale one.
      const residual = this.residualBytesPerS[l]!;
      const level = (residual > 0 ? residual : 0) / this.unfrozenWeight[l]!;
      if (level > linkLevel) {
        heap.update(l, level);
        continue;
      }
      heap.pop();
      this.freezeLevel[l] = linkLevel;
      const end = this.setLinkFill[l]!;
      for (let i = this.setLinkStart[l]!; i < end; i++) {
        const g = members[i]!;
        if (frozen[g] === re) continue;
        this.freeze(g, linkLevel * weight[g]!, l, re);
        unfrozen--;
      }
    }
  }

  /**
   * Fix f's rate and take it out of its links' unfrozen totals. The link heap is not touched:
   * a freeze at level r/w <= R/W can only raise a link's level (R - r) / (W - w), so the stored
   * keys stay lower bounds and are refreshed when they reach the top.
   */
  private freeze(f: number, rateBytesPerS: number, bottleneck: number, re: number): void {
    this.frozenStamp[f] = re;
    this.newRateBytesPerS[f] = rateBytesPerS;
    this.newBott[f] = bottleneck;
    const w = this.weight[f]!;
    const start = this.routeStart[f]!;
    const end = start + this.routeLen[f]!;
    for (let i = start; i < end; i++) {
      const k = this.routeLinks[i]!;
      this.residualBytesPerS[k] = this.residualBytesPerS[k]! - rateBytesPerS;
      this.unfrozenWeight[k] = this.unfrozenWeight[k]! - w;
      this.unfrozenCount[k] = this.unfrozenCount[k]! - 1;
    }
  }

  /**
   * Check the fixed flows on S's links against the new rates of S; add the ones whose allocation
   * is no longer max-min to S. Returns how many were added.
   */
  private expandSet(ep: number): number {
    const pend = this.pendingFlows;
    const newRate = this.newRateBytesPerS;
    const weight = this.weight;
    const sNew = this.setNewLoad;
    const sMax = this.setNewMaxLevel;
    pend.clear();
    for (let li = 0; li < this.setLinks.size; li++) {
      const l = this.setLinks.data[li]!;
      sNew[l] = 0;
      sMax[l] = 0;
    }
    for (let fi = 0; fi < this.setFlows.size; fi++) {
      const f = this.setFlows.data[fi]!;
      const r = newRate[f]!;
      const lv = r / weight[f]!;
      const start = this.routeStart[f]!;
      const end = start + this.routeLen[f]!;
      for (let i = start; i < end; i++) {
        const k = this.routeLinks[i]!;
        sNew[k] = sNew[k]! + r;
        if (lv > sMax[k]!) sMax[k] = lv;
      }
    }
    for (let li = 0; li < this.setLinks.size; li++) {
      const l = this.setLinks.data[li]!;
      const fixedBott = this.linkBottCount[l]! - this.setOldBottCount[l]!;
      const lvl = this.freezeLevel[l]!;
      const cap = this.capacityBytesPerS[l]!;
      const slack = CHECK_REL * cap;
      const ceiling = lvl >= 0 ? lvl * (1 + CHECK_REL) + slack : Infinity;
      const load = this.linkLoadBytesPerS[l]! - this.setOldLoad[l]! + sNew[l]!;
      const saturated = load >= cap * (1 - CHECK_REL);
      // Fixed flows limited here (all at level linkBottLevel) stay valid if the link is still
      // full and no flow of S now sits above them; no fixed flow may exceed S's level here.
      const bottOk =
        fixedBott <= 0 ||
        (saturated && sMax[l]! <= this.linkBottLevel[l]! * (1 + CHECK_REL) + slack);
      const ceilingOk = this.linkMaxLevelBound[l]! <= ceiling;
      if (bottOk && ceilingOk) continue;
      this.scanLink(l, ep, saturated, ceiling);
    }
    for (let i = 0; i < pend.size; i++) this.addToSet(pend.data[i]!, ep);
    return pend.size;
  }

  /** The exact check of every fixed flow on l (only reached where the aggregate check failed). */
  private scanLink(l: number, ep: number, saturated: boolean, ceiling: number): void {
    const inSet = this.inSetStamp;
    const pstamp = this.pendingStamp;
    const rate = this.rateBytesPerS;
    const weight = this.weight;
    const ids = this.linkFlowIds[l]!;
    const n = this.linkFlowCount[l]!;
    let maxLevel = this.setNewMaxLevel[l]!;
    let fixedMax = 0;
    let committedLoad = 0;
    for (let i = 0; i < n; i++) {
      const g = ids[i]!;
      committedLoad += rate[g]!;
      if (inSet[g] === ep) continue;
      const lv = rate[g]! / weight[g]!;
      if (lv > fixedMax) fixedMax = lv;
    }
    // The load is kept by deltas; re-anchor it exactly whenever the flows are walked anyway.
    this.linkLoadBytesPerS[l] = committedLoad;
    if (fixedMax > maxLevel) maxLevel = fixedMax;
    // Tighten the bound while we are here; S's new levels are folded in at commit.
    this.linkMaxLevelBound[l] = fixedMax > this.setNewMaxLevel[l]! ? fixedMax : this.setNewMaxLevel[l]!;
    const floor = maxLevel * (1 - CHECK_REL) - CHECK_REL * this.capacityBytesPerS[l]!;
    for (let i = 0; i < n; i++) {
      const g = ids[i]!;
      if (inSet[g] === ep || pstamp[g] === ep) continue;
      const lv = rate[g]! / weight[g]!;
      if (lv > ceiling || (this.bott[g] === l && (!saturated || lv < floor))) {
        pstamp[g] = ep;
        this.pendingFlows.push(g);
      }
    }
  }

  /** Commit S's new rates: settle progress at the old rate, reschedule completions, update links. */
  private applyRates(nowS: number): void {
    const changed = this.changed;
    changed.clear();
    for (let fi = 0; fi < this.setFlows.size; fi++) {
      const f = this.setFlows.data[fi]!;
      const nr = this.newRateBytesPerS[f]!;
      const or = this.rateBytesPerS[f]!;
      const nb = this.newBott[f]!;
      const ob = this.bott[f]!;
      if (nb !== ob) {
        if (ob >= 0) this.linkBottCount[ob] = this.linkBottCount[ob]! - 1;
        if (nb >= 0) this.linkBottCount[nb] = this.linkBottCount[nb]! + 1;
        this.bott[f] = nb;
      }
      const diff = nr > or ? nr - or : or - nr;
      if (!(diff > RATE_CHANGE_REL * (nr > or ? nr : or))) continue;
      this.settleFlow(f, nowS);
      this.rateBytesPerS[f] = nr;
      const start = this.routeStart[f]!;
      const end = start + this.routeLen[f]!;
      for (let i = start; i < end; i++) {
        const k = this.routeLinks[i]!;
        this.settleLinkStats(k, nowS);
        this.linkLoadBytesPerS[k] = this.linkLoadBytesPerS[k]! + (nr - or);
      }
      this.version[f] = (this.version[f]! + 1) | 0;
      this.scheduleCompletion(f, nowS);
      changed.push(f);
    }
    for (let li = 0; li < this.setLinks.size; li++) {
      const l = this.setLinks.data[li]!;
      const lvl = this.freezeLevel[l]!;
      if (lvl >= 0) this.linkBottLevel[l] = lvl;
      // Levels of flows limited by a link are the highest on it; otherwise keep a safe bound.
      const s = this.setNewMaxLevel[l]!;
      if (this.linkBottCount[l]! > 0) this.linkMaxLevelBound[l] = this.linkBottLevel[l]! * (1 + CHECK_REL);
      else if (s > this.linkMaxLevelBound[l]!) this.linkMaxLevelBound[l] = s;
      if (this.linkFlowCount[l] === 0) this.linkLoadBytesPerS[l] = 0;
    }
  }

  // ---------------------------------------------------------------- progress and completions

  private settleFlow(f: number, nowS: number): void {
    const dt = nowS - this.lastUpdateS[f]!;
    const r = this.rateBytesPerS[f]!;
    this.lastUpdateS[f] = nowS;
    if (!(dt > 0) || r === 0) return;
    const rem = this.remBytes[f]!;
    if (rem === Infinity) return;
    // Only rounding residue snaps to 0: of the bytes before, and of what one time stamp's ulp
    // carries at this rate (r x now); a real remainder, however small beside the flow, is kept.
    this.remBytes[f] = r === Infinity ? 0 : snapToZero(rem - r * dt, Math.max(rem, r * nowS));
  }

  /** Push the flow's projected finish (rate and remaining are current as of nowS). */
  private scheduleCompletion(f: number, nowS: number): void {
    const rem = this.remBytes[f]!;
    if (rem === Infinity) return; // persistent
    const r = this.rateBytesPerS[f]!;
    let t: number;
    if (rem === 0 || r === Infinity) t = nowS;
    else if (r > 0) t = nowS + rem / r;
    else return;
    this.completions.push(t, f, this.version[f]!);
    if (this.completions.size > 2 * this.liveFlows + 1024) this.completions.compact(this.keepEntry);
  }

  private peekValid(): number {
    const h = this.completions;
    while (h.size > 0) {
      const f = h.topFlow();
      if (this.alive[f] === 1 && this.version[f] === h.topVersion()) return h.topTimeS();
      h.pop();
    }
    return Infinity;
  }

  private settleLinkStats(l: number, nowS: number): void {
    const dt = nowS - this.linkStatsAtS[l]!;
    if (!(dt > 0)) return;
    const load = this.linkLoadBytesPerS[l]!;
    this.linkBytesCarried[l] = this.linkBytesCarried[l]! + load * dt;
    if (load > 0) this.linkBusyS[l] = this.linkBusyS[l]! + dt;
    this.linkCapacityIntegral[l] = this.linkCapacityIntegral[l]! + this.capacityBytesPerS[l]! * dt;
    this.linkStatsAtS[l] = nowS;
  }

  // ---------------------------------------------------------------- membership and storage

  private attach(l: number, f: number): number {
    let ids = this.linkFlowIds[l]!;
    const n = this.linkFlowCount[l]!;
    if (n === ids.length) {
      ids = growI32(ids, 2 * n);
      this.linkFlowIds[l] = ids;
    }
    ids[n] = f;
    this.linkFlowCount[l] = n + 1;
    if (n + 1 > this.linkPeakFlows[l]!) this.linkPeakFlows[l] = n + 1;
    return n;
  }

  /** Swap-remove: the last flow on the link takes the hole, and its route learns its new position. */
  private detach(l: number, pos: number): void {
    const ids = this.linkFlowIds[l]!;
    const last = this.linkFlowCount[l]! - 1;
    this.linkFlowCount[l] = last;
    if (pos === last) return;
    const g = ids[last]!;
    ids[pos] = g;
    // The moved flow's hop at l: its route lists l once.
    let i = this.routeStart[g]!;
    while (this.routeLinks[i] !== l) i++;
    this.routePos[i] = pos;
  }

  private detachAndFree(f: number, nowS: number): void {
    const start = this.routeStart[f]!;
    const hops = this.routeLen[f]!;
    const r = this.rateBytesPerS[f]!;
    for (let h = 0; h < hops; h++) {
      const l = this.routeLinks[start + h]!;
      this.detach(l, this.routePos[start + h]!);
      this.settleLinkStats(l, nowS);
      // Exactly 0 when empty, so float residue never counts as busy time.
      this.linkLoadBytesPerS[l] = this.linkFlowCount[l] === 0 ? 0 : this.linkLoadBytesPerS[l]! - r;
      this.markLinkDirty(l);
    }
    const b = this.bott[f]!;
    if (b >= 0) this.linkBottCount[b] = this.linkBottCount[b]! - 1;
    this.bott[f] = BOTT_UNKNOWN;
    if (hops > 0) this.markDirty(nowS);
    this.alive[f] = 0;
    this.version[f] = (this.version[f]! + 1) | 0;
    this.rateBytesPerS[f] = 0;
    this.routeLen[f] = 0;
    this.liveFlows--;
    this.freeFlows.push(f);
  }

  private allocFlow(hops: number): number {
    let f: number;
    if (this.freeFlows.length > 0) f = this.freeFlows.pop()!;
    else {
      f = this.nextFreshFlow++;
      if (f === this.flowCap) this.growFlows(2 * this.flowCap);
    }
    if (this.routeCapacity[f]! < hops) {
      // A fresh segment at the end of the pool; the old one (if any) is abandoned.
      if (this.routeTop + hops > this.routeLinks.length) {
        let c = this.routeLinks.length;
        while (c < this.routeTop + hops) c *= 2;
        this.routeLinks = growI32(this.routeLinks, c);
        this.routePos = growI32(this.routePos, c);
      }
      this.routeStart[f] = this.routeTop;
      this.routeCapacity[f] = hops;
      this.routeTop += hops;
    }
    return f;
  }

  private growFlows(n: number): void {
    this.flowCap = n;
    const a = new Uint8Array(n);
    a.set(this.alive);
    this.alive = a;
    this.version = growI32(this.version, n);
    this.sizeBytes = growF64(this.sizeBytes, n);
    this.remBytes = growF64(this.remBytes, n);
    this.rateBytesPerS = growF64(this.rateBytesPerS, n);
    this.newRateBytesPerS = growF64(this.newRateBytesPerS, n);
    this.lastUpdateS = growF64(this.lastUpdateS, n);
    this.capBytesPerS = growF64(this.capBytesPerS, n);
    this.weight = growF64(this.weight, n, 1);
    this.tag = growF64(this.tag, n);
    this.bott = growI32(this.bott, n, BOTT_UNKNOWN);
    this.newBott = growI32(this.newBott, n, BOTT_UNKNOWN);
    this.inSetStamp = growI32(this.inSetStamp, n);
    this.frozenStamp = growI32(this.frozenStamp, n);
    this.pendingStamp = growI32(this.pendingStamp, n);
    this.routeStart = growI32(this.routeStart, n);
    this.routeLen = growI32(this.routeLen, n);
    this.routeCapacity = growI32(this.routeCapacity, n);
  }

  private growLinks(n: number): void {
    this.capacityBytesPerS = growF64(this.capacityBytesPerS, n);
    this.latencyS = growF64(this.latencyS, n);
    this.linkFlowCount = growI32(this.linkFlowCount, n);
    this.linkLoadBytesPerS = growF64(this.linkLoadBytesPerS, n);
    this.linkStatsAtS = growF64(this.linkStatsAtS, n);
    this.linkBytesCarried = growF64(this.linkBytesCarried, n);
    this.linkBusyS = growF64(this.linkBusyS, n);
    this.linkCapacityIntegral = growF64(this.linkCapacityIntegral, n);
    this.linkPeakFlows = growI32(this.linkPeakFlows, n);
    this.linkInSetStamp = growI32(this.linkInSetStamp, n);
    this.linkDirtyStamp = growI32(this.linkDirtyStamp, n);
    this.linkBottCount = growI32(this.linkBottCount, n);
    this.linkBottLevel = growF64(this.linkBottLevel, n);
    this.linkMaxLevelBound = growF64(this.linkMaxLevelBound, n);
    this.setOldLoad = growF64(this.setOldLoad, n);
    this.setOldBottCount = growI32(this.setOldBottCount, n);
    this.setNewLoad = growF64(this.setNewLoad, n);
    this.setNewMaxLevel = growF64(this.setNewMaxLevel, n);
    this.setLinkStart = growI32(this.setLinkStart, n);
    this.setLinkFill = growI32(this.setLinkFill, n);
    const d = new Uint8Array(n);
    d.set(this.linkDirtyAll);
    this.linkDirtyAll = d;
    this.residualBytesPerS = growF64(this.residualBytesPerS, n);
    this.unfrozenWeight = growF64(this.unfrozenWeight, n);
    this.unfrozenCount = growI32(this.unfrozenCount, n);
    this.freezeLevel = growF64(this.freezeLevel, n, -1);
  }

  // ---------------------------------------------------------------- argument checks

  private checkLink(l: number): void {
    if (!Number.isInteger(l) || l < 0 || l >= this.nLinks) throw new RangeError(`no such link: ${l}`);
  }

  private checkFlow(f: number): void {
    if (!Number.isInteger(f) || f < 0 || f >= this.flowCap || this.alive[f] !== 1) {
      throw new RangeError(`no such live flow: ${f}`);
    }
  }

  private checkDistinct(route: readonly number[]): void {
    // Routes are short; quadratic is cheaper than a set for the usual 2 to 8 hops.
    for (let i = 1; i < route.length; i++) {
      for (let j = 0; j < i; j++) {
        if (route[i] === route[j]) throw new RangeError(`route crosses link ${route[i]} twice`);
      }
    }
  }
}
