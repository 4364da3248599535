// The replica autoscaler of an inference pool (a colocated service's replicas, or one pool of a
// disaggregated service), Kubernetes-HPA-like: every `interval` it measures the pool's load over its
// serving replicas, wants ceil(load / target) replicas clamped to [min, max], scales up at once
// (a new replica holds its devices from the decision and serves after scale_up_delay) on free
// devices of the pool's kind, or, when none are free and preempt_training allows, after training
// jobs checkpoint and give theirs up; it scales down only after the load has stayed below target
// for scale_down_delay, and then to the most replicas any look of that window asked for (the HPA's
// scale-down stabilization window): replicas still loading their weights go first, newest first (a Kubernetes
// ReplicaSet deletes pods that are not ready before those that are), then the least loaded serving
// replicas are handed to the pool to drain.
//
// What the load is depends on the target the pool gives (resolve-services.ts checks which pool may
// use which): outstanding requests per replica (target_queue), the fraction of batch slots in use
// (target_utilisation), prompt tokens routed and not yet prefilled per replica (a prefill pool's
// target_queued_tokens: its queueing delay, so TTFT pressure), or the fraction of the KV cache
// reserved by the sequences on a replica or wanted by those whose KV has arrived and waits for room
// (a decode pool's target_kv_utilisation: memory, so TPOT pressure: a full cache makes sequences
// wait after their first token), as NVIDIA Dynamo's planner scales prefill on its queue and decode
// on KV load. A decode pool thus scales after the prefill pool when load steps up: its memory fills
// only as prefilled sequences arrive.
import type { Engine } from '../../engine/engine.js';
import type { PoolAutoscaleSpec } from '../../scenario/service-schema.js';
import type { InferencePort } from '../subsystem.js';

/** What the autoscaler reads about a serving replica. */
export interface ScaledReplica {
  readonly id: number;
  readonly outstanding: number;
  readonly maxBatch: number;
  /** Prompt tokens routed here and not yet prefilled (prefill pools). */
  readonly promptTokensWaiting?: number;
  /** KV tokens reserved here plus those of the requests queued here for a batch slot or memory (decode replicas). */
  kvDemandTokens?(): number;
  readonly kvCapacityTokens?: number;
}

/** What the autoscaler asks of the pool it scales. */
export interface ScaledPool {
  /** Serving replicas (not loading, not draining). */
  readonly serving: readonly ScaledReplica[];
  /** Data centres ordered by how few of the pool's replicas they hold (spread across sites). */
  sitesByLoad(): number[];
  /** Take devices on a node of `dc` for a new replica that serves after `readyAfterS`; false when none fits. */
  launch(dc: number, readyAfterS: number): boolean;
  /** Stop routing to these serving replicas and release each once it has finished what it holds. */
  retire(victims: readonly ScaledReplica[]): void;
  /** Replicas launched and still loading their weights (holding devices, not serving yet). */
  readonly loading: number;
  /** Give back the devices of up to `n` replicas still loading, the newest first; how many were. */
  cancelLoading(n: number): number;
  /** Whether requests may still come or are in flight (an unbounded run ends when nothing is left). */
  keepLooking(): boolean;
}

/** The best-fit node of `kind` in `dc` for `tp` devices (fewest free devices that still fit), or -1. */
export function bestFitNode(sim: InferencePort, kind: number, dc: number, tp: number): number {
  const c = sim.cluster;
  let best = -1;
  for (const node of c.nodesOfKind[kind]!) {
    if (c.nodeDatacentre[node] !== dc) continue;
    const free = c.nodeFree[node]!;
    if (free >= tp && (best < 0 || free < c.nodeFree[best]!)) best = node;
  }
  return best;
}

/** Free devices of `kind` in `dc`. */
function freeIn(sim: InferencePort, kind: number, dc: number): number {
  const c = sim.cluster;
  let free = 0;
  for (const node of c.nodesOfKind[kind]!) if (c.nodeDatacentre[node] === dc) free += c.nodeFree[node]!;
  return free;
}

/** Replicas the load asks for, before clamping (a real number: desired = ceil of it). */
export function loadOf(as: PoolAutoscaleSpec, rs: readonly ScaledReplica[]): number {
  if (as.target_queue !== undefined) {
    let out = 0;
    for (const r of rs) out += r.outstanding;
    return out / as.target_queue;
  }
  if (as.target_queued_tokens !== undefined) {
    let tokens = 0;
    for (const r of rs) tokens += r.promptTokensWaiting!;
    return tokens / as.target_queued_tokens;
  }
  if (as.target_kv_utilisation !== undefined) {
    let used = 0;
    for (const r of rs) used += r.kvDemandTokens!() / r.kvCapacityTokens!;
    return used / as.target_kv_utilisation;
  }
  let busy = 0;
  for (const r of rs) busy += Math.min(r.outstanding, r.maxBatch) / r.maxBatch;
  return busy / as.target_utilisation!;
}

export class Autoscaler {
  private belowSinceS: number | undefined = undefined;
  /** The most replicas a look has asked for since belowSinceS (each fewer than the pool held). */
  private highestBelow = 0;
  /** Scale-ups waiting for training jobs to give devices up (in all). */
  private awaiting = 0;
  /** Per data centre: scale-ups waiting for training jobs to give devices up. */
  private readonly awaitingPreemption: number[];
  /** The scale-ups waiting for preempted devices, oldest first; a scale-down cancels the newest. */
  private readonly waiting: { dc: number; cancelled: boolean }[] = [];

  /** Replicas decided but not serving yet (loading weights, or waiting for preempted devices). */
  get pending(): number {
    return this.awaiting + this.pool.loading;
  }

  constructor(
    private readonly engine: Engine,
    private readonly sim: InferencePort,
    private readonly as: PoolAutoscaleSpec,
    /** The pool's device kind, devices per replica and sites (in the order given). */
    private readonly kind: number,
    private readonly tp: number,
    private readonly datacentres: readonly number[],
    private readonly pool: ScaledPool,
  ) {
    this.awaitingPreemption = sim.cluster.datacentres.map(() => 0);
  }

  start(): void {
    this.engine.after(this.as.interval, this.tick);
  }

  private readonly tick = (): void => {
    const as = this.as;
    const now = this.engine.now;
    const rs = this.pool.serving;
    const load = loadOf(as, rs);
    const desired = Math.min(as.max, Math.max(as.min, Math.ceil(load - 1e-9)));
    const current = rs.length + this.pending;
    if (desired > current) {
      this.belowSinceS = undefined;
      for (let k = current; k < desired; k++) if (!this.scaleUp(as.scale_up_delay, as.preempt_training)) break;
    } else if (desired < current) {
      if (this.belowSinceS === undefined) {
        this.belowSinceS = now;
        this.highestBelow = desired;
      } else this.highestBelow = Math.max(this.highestBelow, desired);
      if (now - this.belowSinceS >= as.scale_down_delay) {
        this.belowSinceS = undefined;
        // HPA's scale-down stabilization: the most replicas any look of the window asked for, not
        // the last look's count (a look that found the pool idle would remove what the load needed).
        const keep = this.highestBelow;
        // Replicas that are not serving yet go first: cancelling a load costs no request anything.
        // Those still waiting for training to checkpoint go before those loading: the victims
        // are preempted already, but their devices go back to training instead of to a load.
        const excess = current - keep;
        const cancelled = this.cancelWaiting(excess);
        this.pool.cancelLoading(excess - cancelled);
        if (keep < rs.length) this.pool.retire([...rs].sort((a, b) => a.outstanding - b.outstanding || b.id - a.id).slice(0, rs.length - keep));
      }
    } else this.belowSinceS = undefined;
    // Keep looking while requests may still come (an unbounded run ends when nothing is left).
    if (Number.isFinite(this.sim.resolved.scenario.horizon ?? Infinity) || this.pool.keepLooking() || this.pending > 0) {
      this.engine.after(as.interval, this.tick);
    }
  };

  /** Start one more replica: on free devices now, or after preempting training. */
  private scaleUp(delayS: number, preempt: boolean): boolean {
    const sites = this.pool.sitesByLoad();
    for (const dc of sites) {
      if (bestFitNode(this.sim, this.kind, dc, this.tp) < 0) continue;
      this.launch(dc, delayS);
      return true;
    }
    if (!preempt) return false;
    const c = this.sim.cluster;
    for (const dc of sites) {
      // Ask for a whole replica's devices beyond those free now (they may be scattered across
      // nodes) and beyond those already promised to earlier scale-ups here.
      const want = freeIn(this.sim, this.kind, dc) + this.tp * (this.awaitingPreemption[dc]! + 1);
      const t = this.sim.preemptTrainingFor(Math.min(want, c.kindTotal[this.kind]!), this.kind, dc);
      if (t === undefined) continue;
      this.awaiting++;
      this.awaitingPreemption[dc]!++;
      const wait = { dc, cancelled: false };
      this.waiting.push(wait);
      // The victims' devices free at t (their requeue events were scheduled first, so they fire
      // first at t); take them before the scheduling pass at the end of that instant.
      this.engine.at(t, () => {
        this.waiting.splice(this.waiting.indexOf(wait), 1);
        if (wait.cancelled) return;
        this.awaiting--;
        this.awaitingPreemption[dc]!--;
        this.launch(dc, delayS);
      });
      return true;
    }
    return false;
  }

  /** Cancel up to n scale-ups waiting for preempted devices, newest first; returns how many. */
  private cancelWaiting(n: number): number {
    let done = 0;
    for (let i = this.waiting.length - 1; i >= 0 && done < n; i--) {
      const w = this.waiting[i]!;
      if (w.cancelled) continue;
      w.cancelled = true;
      this.awaiting--;
      this.awaitingPreemption[w.dc]!--;
      done++;
    }
    return done;
  }

  private launch(dc: number, delayS: number): void {
    // Devices taken meanwhile: the next tick tries again.
    void (this.pool.launch(dc, delayS) || this.datacentres.some((d) => d !== dc && this.pool.launch(d, delayS)));
  }
}
