// A disaggregated inference service (DistServe, Zhong et al., OSDI'24, arXiv 2401.09670;
// Splitwise, Patel et al., ISCA'24, arXiv 2311.18677; Mooncake, Qin et al., arXiv 2407.00079):
// a prefill pool and a decode pool, each its own device kind, size and batching limits. At
// arrival the router picks a prefill replica and a decode replica (as Splitwise's and Mooncake's
// schedulers do, so the target is known when the KV leaves); the prefill replica processes the
// prompt and emits the first token; the prompt's KV cache (prompt tokens x KV bytes per token)
// then moves to the decode replica: over NVLink when both share a node (the interconnect's
// bandwidth x efficiency, plus its latency; not shared, as tensor-parallel traffic is not), else
// as a flow on the flow network (NIC, leaf uplinks, inter-DC links) sharing every link max-min
// with training traffic and other transfers, arriving one route latency after its last byte
// leaves. The decode replica then batches it continuously with its other sequences.
//
// What the client sees: TTFT = first token at the prefill replica + the one-way latency from its
// site; TPOT = (last token - first token) / (output tokens - 1), so the KV transfer and the wait
// for a decode slot count in TPOT (the gap between the first and second token), as in DistServe's
// measurements; e2e adds the latency from the decode replica's site.
import { atKindPeak } from '../../model/ratio-peak.js';
import type { Engine } from '../../engine/engine.js';
import { atPace, causalPairs, decodeTokensPerS, prefillS, type ReplicaTiming } from '../../model/inference/replica-model.js';
import type { ResolvedPool, ResolvedService } from '../../model/inference/resolve-services.js';
import { LOAD_BALANCERS, resolveBalancer } from '../../policy/balancers/registry.js';
import type { BalancerContext, LoadBalancer, ReplicaView } from '../../policy/balancers/types.js';
import type { InferencePort, Lease } from '../subsystem.js';
import { ServicePool, type PoolOwner } from './service-pool.js';
import { Samples } from '../stats.js';
import { addWaitingQueueing, addWaitingTtft, SloTally, sloAttainment } from './slo-tally.js';
import type { InferenceSystem } from './inference-system.js';
import { PrefillReplica, type PrefillHost } from './prefill-replica.js';
import { InferenceRequest, Replica, type ReplicaHost } from './replica.js';
import type { ServiceRow } from './service-rows.js';
import { arrivalWindow, BacklogTrend } from './backlog-trend.js';
import { RequestOutcomes } from './request-outcomes.js';
import { ServiceArrivals } from './service-arrivals.js';

/** Prompt (prefill) and context (decode) length at which the pools' replicas are weighted for capacity balancing. */
const CAPACITY_PROMPT_TOKENS = 1024;

export class DisaggregatedService implements ReplicaHost, PrefillHost, PoolOwner {
  readonly engine: Engine;
  readonly sim: InferencePort;
  private readonly prefillPool: ResolvedPool;
  private readonly decodePool: ResolvedPool;
  /** The pools as they run: replicas holding devices and serving, autoscalers. */
  readonly prefill: ServicePool<PrefillReplica>;
  readonly decode: ServicePool<Replica>;
  private readonly prefillBalancer: LoadBalancer;
  private readonly decodeBalancer: LoadBalancer;
  readonly balancerName: string;
  private readonly prefillCtx: BalancerContext;
  private readonly decodeCtx: BalancerContext;
  // Statistics.
  private readonly outcomes: RequestOutcomes;
  /** KV transfer times (prefill end to the KV at the decode replica), seconds. */
  readonly kvTransfer = new Samples();
  /** KV bytes moved between the pools. */
  kvBytes = 0;
  private rejected = 0;
  /** Requests in flight, judged at the end: SLO misses already certain, TTFT waited so far. */
  private readonly inFlight = new SloTally();
  private tokens = 0;
  private outputTokens = 0;
  /** Requests carrying a prefix admitted to a (prefill) replica, and those whose prefix it held. */
  private prefixLookups = 0;
  private prefixHits = 0;
  private outstanding = 0;
  /** The backlog at the middle and the end of the arrival window (backlog-trend.ts). */
  private readonly backlog: BacklogTrend;
  private readonly arrivals: ServiceArrivals;
  /** Requests that started over because a replica they depended on failed. */
  private retried = 0;
  /** Admitted requests waiting at the router while a pool has no serving replica (all failed, replacements loading). */
  private parkedStart: InferenceRequest[] = [];
  /** Prompts prefilled whose decode replica failed, waiting (their KV held) for a decode replica to serve. */
  private parkedDecode: InferenceRequest[] = [];
  /** Replicas of both pools holding devices now, and the most at once. */
  private replicasHeld = 0;
  private replicasMax = 0;
  /**
   * Layer-wise KV streaming (kv_streaming: layerwise): each layer's KV leaves as soon as that layer
   * is prefilled, so all but the last layer's move during the prompt's last prefill iteration.
   */
  readonly lastIterationStarts: ((req: InferenceRequest, p: PrefillReplica, endS: number) => void) | undefined;

  constructor(
    private readonly system: InferenceSystem,
    readonly svc: ResolvedService,
  ) {
    this.sim = system.sim;
    this.engine = system.sim.engine;
    this.outcomes = new RequestOutcomes(svc, system.sim.signals, system.sim.cluster.datacentres, () => system.sampled());
    this.arrivals = new ServiceArrivals(system.sim, svc, (req) => this.route(req));
    this.backlog = new BacklogTrend(arrivalWindow(svc, system.sim.resolved.scenario.horizon ?? Infinity));
    const pools = svc.disaggregated!;
    this.prefillPool = pools.prefill;
    this.decodePool = pools.decode;
    this.lastIterationStarts = svc.spec.kv_streaming === 'layerwise' ? (r, p, endS) => this.streamFirstLayers(r, p, endS) : undefined;
    const at = ['services', svc.index, 'balancer'];
    const b = system.options.policies?.balancers?.[svc.index] ?? resolveBalancer(svc.spec.balancer, at, system.sim.resolved.src, system.options.balancers);
    this.prefillBalancer = b.balancer;
    this.balancerName = b.name;
    // Each pool routes with its own instance (a round-robin's counter is per pool); a plug-in
    // balancer, loaded once, serves both pools with one instance.
    this.decodeBalancer = LOAD_BALANCERS.has(svc.spec.balancer.name) ? resolveBalancer(svc.spec.balancer, at, system.sim.resolved.src).balancer : b.balancer;
    const ctx = (pool: ServicePool<PrefillReplica> | ServicePool<Replica>, stream: string): BalancerContext => {
      const engine = this.engine;
      return {
        get nowS() {
          return engine.now;
        },
        get replicas(): readonly ReplicaView[] {
          return pool.serving;
        },
        random: system.sim.streams.stream(stream),
      };
    };
    // A straggler among a replica's devices slows every iteration of it (failures.stragglers).
    const paced = (t: ReplicaTiming, lease: Lease): ReplicaTiming => atPace(t, this.sim.deviceSpeed.slowest(lease.devices));
    const p = this.prefillPool;
    // Weight for capacity balancing: prompt tokens a second, prefilling 1,024-token prompts (the mean
    // context decode's weight takes), attention, GEMM shapes and per-iteration overhead included.
    const prefillCapacity = (t: ReplicaTiming): number => CAPACITY_PROMPT_TOKENS / prefillS(t, CAPACITY_PROMPT_TOKENS, causalPairs(CAPACITY_PROMPT_TOKENS, 0));
    this.prefill = new ServicePool(this, p, 'prefill', svc.name, (id, name, dc, lease) => {
      const t = paced(p.timing, lease);
      return new PrefillReplica(id, name, dc, lease, p.maxBatch, p.maxBatchTokens, t, this, prefillCapacity(t), p.tokenBudget);
    });
    const d = this.decodePool;
    const meanContext = CAPACITY_PROMPT_TOKENS;
    const kvBatch = Number.isFinite(d.timing.kvCapacityTokens) ? Math.max(1, Math.floor(d.timing.kvCapacityTokens / meanContext)) : d.maxBatch;
    this.decode = new ServicePool(this, d, 'decode', svc.name, (id, name, dc, lease) => {
      const t = paced(d.timing, lease);
      const r = new Replica(id, name, dc, lease, d.maxBatch, t, this, decodeTokensPerS(t, Math.min(d.maxBatch, kvBatch), meanContext), true);
      r.serving = true;
      return r;
    });
    this.prefillCtx = ctx(this.prefill, `balancer:${svc.name}`);
    this.decodeCtx = ctx(this.decode, `balancer:${svc.name}:decode`);
  }

  /** Serving prefill replicas, in id order. */
  get prefillReplicas(): readonly PrefillReplica[] {
    return this.prefill.serving;
  }

  /** Serving decode replicas, in id order. */
  get decodeReplicas(): readonly Replica[] {
    return this.decode.serving;
  }

  keepLooking(): boolean {
    return this.arrivals.live > 0 || this.outstanding > 0;
  }

  waitsForRepair(): boolean {
    return (this.prefill.replacementsWaiting > 0 || this.decode.replacementsWaiting > 0) && this.keepLooking();
  }

  replicasChanged(delta: number): void {
    this.replicasHeld += delta;
    if (this.replicasHeld > this.replicasMax) this.replicasMax = this.replicasHeld;
  }

  get onChange(): ((r: Replica) => void) | undefined {
    return this.system.onChange;
  }

  // --- replicas -------------------------------------------------------------------------------

  start(): void {
    this.prefill.start();
    this.decode.start();
    this.arrivals.start();
    this.prefill.autoscaler?.start();
    this.decode.autoscaler?.start();
  }

  private pick(balancer: LoadBalancer, ctx: BalancerContext, req: InferenceRequest, pool: string): number {
    const n = ctx.replicas.length;
    const i = balancer.route(req, ctx);
    if (!(Number.isInteger(i) && i >= 0 && i < n)) {
      throw new Error(`load balancer '${this.balancerName}' of service '${this.svc.name}' at t=${this.engine.now}s returned ${String(i)}, not an index into its ${n} ${pool} replicas`);
    }
    return i;
  }

  private route(req: InferenceRequest): void {
    if (req.kvTokens > this.decodePool.timing.kvCapacityTokens || req.promptTokens > this.prefillPool.timing.kvCapacityTokens || req.promptTokens >= (this.svc.spec.model.context_length ?? Infinity)) {
      this.rejected++;
      return;
    }
    if (this.cannotStart(req)) {
      // A pool lost every replica to failures and none serves yet: the request waits at the router.
      this.backlog.admit(this.engine.now, this.outstanding);
      this.outstanding++;
      this.inFlight.admit(req);
      this.parkedStart.push(req);
      return;
    }
    const p = this.prefillReplicas[this.pick(this.prefillBalancer, this.prefillCtx, req, 'prefill')]!;
    const d = req.outputTokens > 1 ? this.decodeReplicas[this.pick(this.decodeBalancer, this.decodeCtx, req, 'decode')]! : undefined;
    if (this.cannotMeetSlo(req, p, d, req.latencyS[p.datacentre]!)) {
      this.rejected++;
      return;
    }
    this.backlog.admit(this.engine.now, this.outstanding);
    this.outstanding++;
    this.inFlight.admit(req);
    this.send(req, p, d);
  }

  /** Whether a pool `req` needs has no serving replica (all lost to failures). */
  private cannotStart(req: InferenceRequest): boolean {
    return this.prefillReplicas.length === 0 || (req.outputTokens > 1 && this.decodeReplicas.length === 0);
  }

  /** Send an admitted request to prefill replica `p`, its KV promised to decode replica `d`. */
  private send(req: InferenceRequest, p: PrefillReplica, d: Replica | undefined): void {
    const latency = req.latencyS[p.datacentre]!;
    req.prefillDc = p.datacentre;
    req.prefillReplica = p;
    p.expectPrefix(req);
    p.promptTokensWaiting += req.promptTokens;
    if (d !== undefined) {
      req.decodeReplica = d;
      d.inTransit++; // promised: balancers see it as queued until its KV arrives
    }
    if (latency > 0) {
      p.inTransit++;
      this.engine.after(latency, this.reach, { req, p });
    } else p.enqueue(req);
  }

  /**
   * With `slo.admission`: whether the chosen pair could not meet the TTFT or TPOT objective for `req`
   * even at best. The prefill replica makes the first token (its queue ahead and the prompt, plus the
   * way there and back); every later token comes from the decode replica, at best one decode step of
   * its batch with `req` added (the KV transfer only adds to that).
   */
  private cannotMeetSlo(req: InferenceRequest, p: PrefillReplica, d: Replica | undefined, latencyS: number): boolean {
    const slo = this.svc.spec.slo;
    if (!slo?.admission) return false;
    if (slo.ttft !== undefined && 2 * latencyS + p.earliestFirstTokenS(req) > slo.ttft) return true;
    return slo.tpot !== undefined && d !== undefined && d.bestTimePerTokenS(req) > slo.tpot;
  }

  private readonly reach = ({ req, p }: { req: InferenceRequest; p: PrefillReplica }): void => {
    p.inTransit--;
    if (p.failed) this.restart(req);
    else p.enqueue(req);
  };

  // --- failures (failures.ts fails the devices; the pool loses the replica and replaces it) ----

  /**
   * A replica's devices failed. A prefill replica's queued and prefilling requests, and the prompts
   * it prefilled whose KV had not reached their decode replica, start over (their KV is gone with
   * it). A decode replica's sequences start over; the KV on its way to it is stopped and sent again
   * from the prefill replica that holds it to another decode replica (those whose prefill is still
   * running are sent elsewhere when it ends). A request starts over with its arrival kept, so the
   * lost time counts in its latencies; the tokens made for it are taken back.
   */
  replicaFailed(r: PrefillReplica | Replica): void {
    const live = this.inFlight.requests();
    if (r instanceof PrefillReplica) {
      const lost = r.abandon();
      for (const req of live) {
        if (req.prefillReplica !== r || req.kvSend === undefined) continue;
        req.kvSend();
        req.kvSend = undefined;
        lost.push(req);
      }
      this.parkedDecode = this.parkedDecode.filter((req) => req.prefillReplica !== r || (lost.push(req), false));
      for (const req of byArrival(lost)) this.restart(req);
      return;
    }
    const lost = r.abandon();
    const moving = byArrival(live.filter((req) => req.decodeReplica === r && req.kvSend !== undefined));
    for (const req of byArrival(lost)) this.restart(req);
    for (const req of moving) {
      req.kvSend!();
      req.kvSend = undefined;
      this.redirect(req, req.prefillReplica!);
    }
  }

  /** A replica of either pool serves again: requests waiting for one go on. */
  replicaServing(): void {
    if (this.parkedStart.length > 0 && this.prefillReplicas.length > 0) {
      const waiting = this.parkedStart;
      this.parkedStart = [];
      for (const req of waiting) this.dispatch(req);
    }
    if (this.parkedDecode.length > 0 && this.decodeReplicas.length > 0) {
      const waiting = this.parkedDecode;
      this.parkedDecode = [];
      for (const req of waiting) this.redirect(req, req.prefillReplica!);
    }
  }

  /** `req` starts over from its prefill: what was made for it is taken back, its promises released. */
  private restart(req: InferenceRequest): void {
    if (Number.isFinite(req.prefillDoneS)) this.tokensProcessed(-(req.promptTokens - req.cachedTokens + 1), -1);
    const d = req.decodeReplica;
    if (d !== undefined && !d.failed && !Number.isFinite(req.kvReadyS)) d.inTransit--;
    if (req.kvStream !== undefined) this.sim.network!.stopTransfer(req.kvStream);
    req.resetForRetry();
    this.retried++;
    this.dispatch(req);
  }

  /** An admitted request (again) to a prefill and a decode replica, or to wait for them. */
  private dispatch(req: InferenceRequest): void {
    if (this.cannotStart(req)) {
      this.parkedStart.push(req);
      return;
    }
    const p = this.prefillReplicas[this.pick(this.prefillBalancer, this.prefillCtx, req, 'prefill')]!;
    const d = req.outputTokens > 1 ? this.decodeReplicas[this.pick(this.decodeBalancer, this.decodeCtx, req, 'decode')]! : undefined;
    this.send(req, p, d);
  }

  /** A prompt prefilled on `p` (its KV held there) to another decode replica, or to wait for one. */
  private redirect(req: InferenceRequest, p: PrefillReplica): void {
    if (this.decodeReplicas.length === 0) {
      req.decodeReplica = undefined;
      this.parkedDecode.push(req);
      return;
    }
    const d = this.decodeReplicas[this.pick(this.decodeBalancer, this.decodeCtx, req, 'decode')]!;
    req.decodeReplica = d;
    d.inTransit++;
    this.sendKv(req, p, d, this.engine.now, false);
  }

  iterated(replica: { readonly lease: Lease }, fromS: number, toS: number): void {
    this.sim.metricsRecorder.addHeldIdle(replica.lease.placement, fromS, toS, -1);
  }

  prefixLookedUp(hit: boolean): void {
    this.prefixLookups++;
    if (hit) this.prefixHits++;
  }

  tokensProcessed(tokens: number, outputTokens: number): void {
    this.tokens += tokens;
    this.outputTokens += outputTokens;
  }

  prefillDone(req: InferenceRequest, p: PrefillReplica): void {
    const now = this.engine.now;
    req.prefillDoneS = now;
    p.promptTokensWaiting -= req.promptTokens;
    const d = req.decodeReplica;
    if (d === undefined) {
      // A single output token: the prefill produced it; nothing to decode.
      p.releaseKv(req);
      req.finishS = now;
      this.done(req, p.datacentre, p.name, p.datacentre);
      return;
    }
    if (d.failed) {
      // Its decode replica failed while it prefilled: the first layers streamed there are lost.
      if (req.kvStream !== undefined) this.sim.network!.stopTransfer(req.kvStream);
      req.kvStream = undefined;
      this.redirect(req, p);
      return;
    }
    this.sendKv(req, p, d, now, this.lastIterationStarts !== undefined);
  }

  /**
   * Move `req`'s prompt KV from `p` to `d`, from `fromS` (its prefill's end; the transfer time is
   * counted from it); `streamed`: its first layers left during the last prefill iteration.
   */
  private sendKv(req: InferenceRequest, p: PrefillReplica, d: Replica, fromS: number, streamed: boolean): void {
    const now = this.engine.now;
    const bytes = req.promptTokens * this.svc.model.kvBytesPerToken;
    const from = p.node;
    const to = d.lease.placement.nodes[0]!;
    const arrived = (): void => {
      req.kvSend = undefined;
      this.kvTransfer.add(this.engine.now - fromS);
      this.kvBytes += bytes;
      p.releaseKv(req);
      d.inTransit--;
      d.enqueue(req);
    };
    if (bytes === 0) arrived();
    else if (from === to) {
      // Both replicas on one node: NVLink (or the kind's scale-up interconnect), not shared.
      const hw = this.prefillPool.hardware;
      const rate = this.nvlinkBytesPerS();
      // Streamed: the first layers' KV went during the iteration, as fast as it was made or the link allows.
      const left = streamed ? bytes - Math.min(this.earlyBytes(bytes), rate * (now - req.kvStreamStartS)) : bytes;
      const ev = this.engine.after(hw.interconnectLatencyS + left / rate, arrived);
      req.kvSend = () => this.engine.cancel(ev);
    } else {
      let left = bytes;
      if (streamed && req.kvStream !== undefined) {
        // The first layers' flow gives way to one with what it had left and the last layer, uncapped.
        left = this.sim.network!.stopTransfer(req.kvStream) + (bytes - this.earlyBytes(bytes));
        req.kvStream = undefined;
      } else if (streamed) left = bytes - this.earlyBytes(bytes);
      const t = this.sim.network!.startNodeTransfer(`${this.svc.name}:kv:${req.id}`, from, to, left, this.kvRanks(), arrived);
      req.kvSend = () => void this.sim.network!.stopTransfer(t);
    }
  }

  /** Bytes of all layers but the last: what can leave while the prompt's last iteration runs. */
  private earlyBytes(bytes: number): number {
    const layers = this.svc.model.layers;
    return (bytes * (layers - 1)) / layers;
  }

  /** Devices of a replica pair that send KV in parallel (one NIC rail each). */
  private kvRanks(): number {
    return Math.min(this.prefillPool.hardware.tp, this.decodePool.hardware.tp);
  }

  /** KV transfer rate between two replicas of one node (the kind's scale-up interconnect). */
  private nvlinkBytesPerS(): number {
    const hw = this.prefillPool.hardware;
    return hw.interconnectBandwidthBytesPerS * hw.interconnectEfficiency * this.kvRanks();
  }

  /**
   * Layer-wise streaming: the prompt's last prefill iteration starts now and ends at `endS`; its first
   * layers' KV is made at bytes x (layers - 1) / layers over the iteration, so a flow of those bytes
   * starts now, capped at that rate (it cannot send KV not yet computed). prefillDone stops it and
   * sends what it had left with the last layer's KV.
   */
  private streamFirstLayers(req: InferenceRequest, p: PrefillReplica, endS: number): void {
    const d = req.decodeReplica;
    if (d === undefined) return;
    const now = this.engine.now;
    req.kvStreamStartS = now;
    const bytes = req.promptTokens * this.svc.model.kvBytesPerToken;
    const early = this.earlyBytes(bytes);
    const from = p.node;
    const to = d.lease.placement.nodes[0]!;
    if (!(early > 0) || from === to || !(endS > now)) return;
    req.kvStream = this.sim.network!.startNodeTransfer(`${this.svc.name}:kv:${req.id}:layers`, from, to, early, this.kvRanks(), () => {}, bytes / (endS - now));
  }

  requestDone(req: InferenceRequest, r: Replica): void {
    this.done(req, req.prefillDc, r.name, r.datacentre);
  }

  /** A retired decode replica has finished its sequences (and those whose KV was on its way). */
  drained(r: Replica): void {
    this.decode.release(r);
  }

  /** A retired prefill replica has prefilled its queue and its prompts' KV has left. */
  prefillDrained(p: PrefillReplica): void {
    this.prefill.release(p);
  }

  private done(req: InferenceRequest, firstDc: number, replicaName: string, lastDc: number): void {
    this.backlog.change(this.engine.now, this.outstanding);
    this.outstanding--;
    if (req.liveSlot >= 0) this.inFlight.leave(req);
    this.outcomes.done(req, req.latencyS[firstDc]!, req.latencyS[lastDc]!, replicaName, lastDc);
  }

  // --- results --------------------------------------------------------------------------------

  /** One-way latency from a request's prefill site to its client; for one waiting at the router, the nearest of the service's sites (a lower bound). */
  private readonly firstLatencyOf = (req: InferenceRequest): number => {
    if (req.prefillDc >= 0) return req.latencyS[req.prefillDc]!;
    let best = Infinity;
    for (const dc of this.svc.datacentres) best = Math.min(best, req.latencyS[dc]!);
    return best;
  };

  finish(endS: number): ServiceRow {
    const now = this.engine.now;
    let allocatedPeakFlopS = 0;
    // The same, per pool, recounted at the kind's 16-bit peak for the pool's ratio (atKindPeak).
    let prefillPeakFlopS = this.prefill.releasedPeakFlopS;
    let decodePeakFlopS = this.decode.releasedPeakFlopS;
    const settle = (lease: Lease, hwPeak: number): number => {
      const peakFlopS = hwPeak * (Math.max(now, endS) - lease.sinceS);
      allocatedPeakFlopS += peakFlopS;
      this.sim.release(lease);
      // The engine may have run dry before the horizon: the devices stayed held until endS.
      if (endS > now) {
        this.sim.metricsRecorder.addBusy(lease.placement, now, endS);
        this.sim.metricsRecorder.addHeldIdle(lease.placement, now, endS, 1);
      }
      return peakFlopS;
    };
    const replicasMean = endS > 0 ? this.prefill.replicasMean(endS) + this.decode.replicasMean(endS) : Number.NaN;
    allocatedPeakFlopS += this.prefill.releasedPeakFlopS;
    for (const p of this.prefill.held) {
      p.settleAt(endS);
      prefillPeakFlopS += settle(p.lease, this.prefill.peakPerReplica);
    }
    allocatedPeakFlopS += this.decode.releasedPeakFlopS;
    for (const d of this.decode.held) {
      d.settleAt(endS);
      decodePeakFlopS += settle(d.lease, this.decode.peakPerReplica);
    }
    const usefulFlop = 2 * this.svc.model.params * this.tokens;
    const kindPeak = (pool: ServicePool<PrefillReplica> | ServicePool<Replica>): number => this.sim.cluster.kinds[pool.pool.kind]!.spec.peak;
    const sixteenBit =
      this.prefill.pool.hardware.peakFlops === kindPeak(this.prefill) && this.decode.pool.hardware.peakFlops === kindPeak(this.decode)
        ? allocatedPeakFlopS
        : atKindPeak(prefillPeakFlopS, this.prefill.pool.hardware.peakFlops, kindPeak(this.prefill)) + atKindPeak(decodePeakFlopS, this.decode.pool.hardware.peakFlops, kindPeak(this.decode));
    this.sim.metricsRecorder.addUsefulWork(usefulFlop, allocatedPeakFlopS, sixteenBit);
    // Requests still waiting for their first token count at their wait so far (a lower bound).
    addWaitingTtft(this.inFlight, endS, this.firstLatencyOf, this.outcomes.ttft);
    addWaitingQueueing(this.inFlight, endS, this.outcomes.queueing);
    const slo = this.svc.spec.slo;
    const backlog = this.backlog.result(endS, this.outstanding);
    return {
      service: this.svc.name,
      ...this.outcomes.columns(),
      slo_attainment: slo ? sloAttainment(this.outcomes.sloMet, this.outcomes.completed, this.rejected, this.inFlight.missedInFlight(endS, slo, this.firstLatencyOf, (req) => (req.decodeReplica !== undefined ? req.latencyS[req.decodeReplica.datacentre]! : this.firstLatencyOf(req)))) : Number.NaN,
      tokens_per_s: endS > 0 ? this.outputTokens / endS : Number.NaN,
      effective_compute_ratio: allocatedPeakFlopS > 0 ? usefulFlop / allocatedPeakFlopS : Number.NaN,
      replicas_mean: replicasMean,
      replicas_max: this.replicasMax,
      requests_unfinished: this.outstanding,
      requests_rejected: this.rejected,
      balancer: this.balancerName,
      kv_transfer_p50_s: this.kvTransfer.quantile(0.5),
      kv_transfer_p99_s: this.kvTransfer.quantile(0.99),
      kv_bytes: this.kvBytes,
      goodput_rps: slo && endS > 0 ? this.outcomes.sloMet / endS : Number.NaN,
      prefix_hit_rate: this.prefixLookups > 0 ? this.prefixHits / this.prefixLookups : Number.NaN,
      replica_failures: this.prefill.failures + this.decode.failures,
      requests_retried: this.retried,
      backlog_growth_rps: backlog.growthRps,
      backlog: { atMid: backlog.atMid, atEnd: backlog.atEnd, admittedLate: backlog.admittedLate },
    };
  }
}

/** Requests in arrival order (stream, then id, on ties): the order they start over in. */
function byArrival(reqs: InferenceRequest[]): InferenceRequest[] {
  return reqs.sort((a, b) => a.arrivalS - b.arrivalS || a.stream - b.stream || a.id - b.id);
}
