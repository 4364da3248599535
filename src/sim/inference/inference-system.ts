// Inference services on the simulated pool: replicas hold devices through leases (taken before
// training arrives), request streams arrive, a load balancer routes each request to a replica,
// replicas batch continuously (replica.ts), an autoscaler adds replicas (preempting training when
// the pool is full) and removes them (training refills the gap), and per-service rows come out.
import { atKindPeak } from '../../model/ratio-peak.js';
import type { Engine } from '../../engine/engine.js';
import type { RandomStream } from '../../engine/random.js';
import { atPace, decodeTokensPerS, type ReplicaTiming } from '../../model/inference/replica-model.js';
import { DEFAULT_RESTART_DELAY_S, type ResolvedService } from '../../model/inference/resolve-services.js';
import { resolveBalancer, type ResolvedBalancer } from '../../policy/balancers/registry.js';
import type { BalancerContext, LoadBalancer, LoadBalancerPolicy } from '../../policy/balancers/types.js';
import type { Placement } from '../../policy/types.js';
import type { InferencePort, Lease, Subsystem } from '../subsystem.js';
import { RequestOutcomes } from './request-outcomes.js';
import { ServiceArrivals } from './service-arrivals.js';
import { addWaitingQueueing, addWaitingTtft, SloTally, sloAttainment } from './slo-tally.js';
import { InferenceRequest, Replica, type ReplicaHost } from './replica.js';
import { DisaggregatedService } from './disaggregated-service.js';
import { Autoscaler, bestFitNode, type ScaledPool } from './autoscaler.js';
import { LoadingReplicas } from './loading-replicas.js';
import type { ServiceRow } from './service-rows.js';
import { arrivalWindow, BacklogTrend } from './backlog-trend.js';

/** Request rows go to the run's requestRow listeners, service rows to its serviceRow listeners. */
export interface InferenceOptions {
  /** Fraction of requests whose rows are emitted (deterministic in the seed); 1 by default. */
  requestSampleRate?: number | undefined;
  /** Balancer plug-ins loaded by the caller, by the name scenarios use. */
  balancers?: ReadonlyMap<string, LoadBalancerPolicy<never>> | undefined;
  /** The run's resolved components: each service's balancer, when resolved with the policies (plugin.ts). */
  policies?: { readonly balancers?: readonly ResolvedBalancer[] | undefined } | undefined;
}

/** One service as the system drives it: colocated (ServiceState) or disaggregated. */
interface ServiceRunner {
  start(): void;
  finish(endS: number): ServiceRow;
  /** Requests in flight while a lost replica's replacement waits for a repair. */
  waitsForRepair(): boolean;
}

export class InferenceSystem implements Subsystem {
  readonly services: ServiceRunner[];
  /** Per-service rows, filled by finish(). */
  readonly rows: ServiceRow[] = [];
  /** Called after every replica state change (tests check invariants here). */
  onChange: ((r: Replica) => void) | undefined = undefined;
  private readonly sample: RandomStream;

  constructor(
    readonly sim: InferencePort,
    readonly options: InferenceOptions = {},
  ) {
    this.sample = sim.streams.stream('inference:request-sample');
    this.services = sim.resolved.services.map((s) => (s.disaggregated ? new DisaggregatedService(this, s) : new ServiceState(this, s)));
  }

  start(): void {
    for (const s of this.services) s.start();
  }

  waitsForRepair(): boolean {
    return this.services.some((s) => s.waitsForRepair());
  }

  finish(endS: number): void {
    for (const s of this.services) {
      const row = s.finish(endS);
      this.rows.push(row);
      this.sim.signals.emitRow('serviceRow', row);
    }
  }

  /** Whether this request's row is written. */
  sampled(): boolean {
    const rate = this.options.requestSampleRate ?? 1;
    return rate >= 1 || this.sample.next() < rate;
  }
}

/** One service: its replicas, balancer, streams, autoscaler and statistics. */
class ServiceState implements ReplicaHost, ScaledPool {
  readonly engine: Engine;
  private readonly sim: InferencePort;
  private readonly balancer: LoadBalancer;
  readonly balancerName: string;
  /** Serving replicas, in id order (what the balancer sees). */
  serving: Replica[] = [];
  /** Every replica holding devices (serving, loading, draining). */
  private readonly held = new Set<Replica>();
  /** Replicas launched by the autoscaler and still loading their weights. */
  private readonly loadingReplicas: LoadingReplicas<Replica>;
  private nextReplicaId = 0;
  private readonly ctx: BalancerContext;
  private readonly capacity: number;
  private readonly peakPerReplica: number;
  // Statistics.
  private readonly outcomes: RequestOutcomes;
  private rejected = 0;
  /** Requests in flight, judged at the end: SLO misses already certain, TTFT waited so far. */
  private readonly inFlight = new SloTally();
  private tokens = 0;
  private outputTokens = 0;
  /** Requests carrying a prefix admitted to a (prefill) replica, and those whose prefix it held. */
  private prefixLookups = 0;
  private prefixHits = 0;
  private allocatedPeakFlopS = 0;
  private replicaIntegral = 0;
  private replicasMax = 0;
  private lastCountS = 0;
  private readonly autoscaler: Autoscaler | undefined;
  private readonly arrivals: ServiceArrivals;
  private outstanding = 0;
  /** The backlog at the middle and the end of the arrival window (backlog-trend.ts). */
  private readonly backlog: BacklogTrend;
  /** Replicas whose devices failed, and the requests they held that started over elsewhere. */
  private replicaFailures = 0;
  private retried = 0;
  /** Admitted requests waiting at the router while no replica serves (all failed, replacements loading). */
  private parked: InferenceRequest[] = [];
  /** Replacements of failed replicas that found no free devices: tried again when devices are repaired. */
  private replacementsWaiting = 0;

  constructor(
    private readonly system: InferenceSystem,
    readonly svc: ResolvedService,
  ) {
    this.sim = system.sim;
    this.engine = system.sim.engine;
    this.loadingReplicas = new LoadingReplicas(this.engine);
    this.outcomes = new RequestOutcomes(svc, system.sim.signals, system.sim.cluster.datacentres, () => system.sampled());
    this.arrivals = new ServiceArrivals(system.sim, svc, (req) => this.route(req));
    this.backlog = new BacklogTrend(arrivalWindow(svc, system.sim.resolved.scenario.horizon ?? Infinity));
    const at = ['services', svc.index, 'balancer'];
    const b = system.options.policies?.balancers?.[svc.index] ?? resolveBalancer(svc.spec.balancer, at, system.sim.resolved.src, system.options.balancers);
    this.balancer = b.balancer;
    this.balancerName = b.name;
    const random = system.sim.streams.stream(`balancer:${svc.name}`);
    const sys = this;
    this.ctx = {
      get nowS() {
        return sys.engine.now;
      },
      get replicas() {
        return sys.serving;
      },
      random,
    };
    this.capacity = this.capacityOf(svc.timing);
    this.peakPerReplica = svc.hardware.tp * svc.hardware.peakFlops;
    const as = svc.spec.replicas!.autoscale;
    this.autoscaler = as && new Autoscaler(this.engine, this.sim, as, svc.kind, svc.hardware.tp, svc.datacentres, this);
    this.restartDelayS = svc.spec.replicas!.restart_delay ?? as?.scale_up_delay ?? DEFAULT_RESTART_DELAY_S;
    this.sim.onDevicesRepaired(this.retryReplacements);
  }

  /** From a replica's failure to its replacement serving (the weights load). */
  private readonly restartDelayS: number;

  get onChange(): ((r: Replica) => void) | undefined {
    return this.system.onChange;
  }

  // --- replicas and devices -----------------------------------------------------------------

  /** Capacity for weighting: full-batch decode throughput at the service's mean context. */
  private capacityOf(timing: ReplicaTiming): number {
    const meanContext = 1024;
    const kvBatch = Number.isFinite(timing.kvCapacityTokens) ? Math.max(1, Math.floor(timing.kvCapacityTokens / meanContext)) : this.svc.spec.max_batch;
    return decodeTokensPerS(timing, Math.min(this.svc.spec.max_batch, kvBatch), meanContext);
  }

  private countReplicas(): void {
    const now = this.engine.now;
    this.replicaIntegral += this.held.size * (now - this.lastCountS);
    this.lastCountS = now;
  }

  /** Take devices on a node of `dc` for a new replica; it serves after `readyAfterS`. */
  launch(dc: number, readyAfterS: number): boolean {
    const node = bestFitNode(this.sim, this.svc.kind, dc, this.svc.hardware.tp);
    if (node < 0) return false;
    const id = this.nextReplicaId++;
    const name = `${this.svc.name}/r${id}`;
    const placement: Placement = { kind: this.svc.kind, nodes: [node], counts: [this.svc.hardware.tp] };
    const lease = this.sim.acquire(placement, name, () => this.replicaFailed(r));
    // A straggler among its devices slows every iteration (failures.stragglers).
    const pace = this.sim.deviceSpeed.slowest(lease.devices);
    const timing = atPace(this.svc.timing, pace);
    const r: Replica = new Replica(id, name, dc, lease, this.svc.spec.max_batch, timing, this, pace === 1 ? this.capacity : this.capacityOf(timing), false, this.svc.spec.chunked_prefill?.token_budget ?? Infinity);
    this.countReplicas();
    this.held.add(r);
    this.replicasMax = Math.max(this.replicasMax, this.held.size);
    const ready = (): void => {
      r.serving = true;
      this.serving.push(r); // ids increase, so the list stays in id order
      if (this.parked.length > 0) {
        const parked = this.parked;
        this.parked = [];
        for (const req of parked) this.send(req, this.pick(req));
      }
    };
    if (readyAfterS > 0) this.loadingReplicas.add(r, readyAfterS, ready);
    else ready();
    return true;
  }

  get loading(): number {
    return this.loadingReplicas.size;
  }

  /** Give back the devices of up to `n` replicas still loading, the newest first; how many were. */
  cancelLoading(n: number): number {
    return this.loadingReplicas.cancel(n, (r) => this.release(r));
  }

  /** Data centres ordered by how few replicas of this service they hold (spread across sites). */
  sitesByLoad(): number[] {
    const per = new Map<number, number>();
    for (const r of this.held) per.set(r.datacentre, (per.get(r.datacentre) ?? 0) + 1);
    return [...this.svc.datacentres].sort((a, b) => (per.get(a) ?? 0) - (per.get(b) ?? 0) || this.svc.datacentres.indexOf(a) - this.svc.datacentres.indexOf(b));
  }

  private release(r: Replica): void {
    if (!this.held.has(r)) return;
    this.countReplicas();
    this.held.delete(r);
    this.allocatedPeakFlopS += this.peakPerReplica * (this.engine.now - r.lease.sinceS);
    this.sim.release(r.lease);
  }

  drained(r: Replica): void {
    this.release(r);
  }

  // --- failures (failures.ts fails the devices; the service loses the replica and replaces it) ---

  /**
   * A device of `r` failed: it stops at once and gives its devices back; the requests it held (and
   * those still on their way to it, on arrival) start over on the other replicas, their arrival
   * kept, so the lost time counts in their latencies; a replica that was not being retired is
   * replaced (a ReplicaSet recreating a failed pod), serving after the restart delay.
   */
  private replicaFailed(r: Replica): void {
    this.replicaFailures++;
    const replace = !r.draining;
    this.serving = this.serving.filter((x) => x !== r);
    this.loadingReplicas.remove(r);
    const held = r.abandon();
    this.release(r);
    for (const req of held) this.retry(req);
    // After the failure has taken its devices out of service (the rest of this instant's event);
    // not when nothing is left to serve in a run that ends with its last request.
    if (replace && (Number.isFinite(this.sim.resolved.scenario.horizon ?? Infinity) || this.keepLooking())) this.engine.at(this.engine.now, () => this.replace());
    this.onChange?.(r);
  }

  private retry(req: InferenceRequest): void {
    req.resetForRetry();
    this.retried++;
    if (this.serving.length === 0) this.parked.push(req);
    else this.send(req, this.pick(req));
  }

  /** A replacement on free devices of the service's kind, in its least-used site first; else it waits for a repair. */
  private replace(): void {
    if (!this.sitesByLoad().some((dc) => this.launch(dc, this.restartDelayS))) this.replacementsWaiting++;
  }

  private readonly retryReplacements = (): void => {
    while (this.replacementsWaiting > 0 && this.sitesByLoad().some((dc) => this.launch(dc, this.restartDelayS))) this.replacementsWaiting--;
  };

  // --- autoscaling (autoscaler.ts decides; the service launches and drains) -------------------

  /** Replicas the autoscaler removes: no new requests; each releases its devices once it has finished what it holds. */
  retire(victims: readonly Replica[]): void {
    const gone = new Set(victims);
    this.serving = this.serving.filter((r) => !gone.has(r));
    for (const r of victims) {
      r.serving = false;
      r.draining = true;
      if (r.empty) this.release(r);
    }
  }

  keepLooking(): boolean {
    return this.arrivals.live > 0 || this.outstanding > 0;
  }

  waitsForRepair(): boolean {
    return this.replacementsWaiting > 0 && this.keepLooking();
  }

  // --- lifecycle ------------------------------------------------------------------------------

  start(): void {
    const spec = this.svc.spec.replicas!;
    const initial = spec.count ?? spec.autoscale!.min;
    const dcs = this.svc.datacentres;
    for (let i = 0; i < initial; i++) {
      // Round-robin over the listed sites, then any site with room.
      const first = dcs[i % dcs.length]!;
      if (this.launch(first, 0)) continue;
      if (!dcs.some((dc) => dc !== first && this.launch(dc, 0))) {
        throw new Error(`service '${this.svc.name}': no node with ${this.svc.hardware.tp} free '${this.sim.cluster.kinds[this.svc.kind]!.name}' devices for replica ${i + 1} of ${initial} in ${dcs.map((d) => this.sim.cluster.datacentres[d]!.name).join(', ')}`);
      }
    }
    this.arrivals.start();
    this.autoscaler?.start();
  }

  private route(req: InferenceRequest): void {
    if (req.kvTokens > this.svc.timing.kvCapacityTokens || req.promptTokens >= (this.svc.spec.model.context_length ?? Infinity)) {
      this.rejected++;
      return;
    }
    if (this.serving.length === 0) {
      // Every replica failed and none serves yet: the request waits at the router.
      this.backlog.admit(this.engine.now, this.outstanding);
      this.outstanding++;
      this.inFlight.admit(req);
      this.parked.push(req);
      return;
    }
    const r = this.pick(req);
    if (this.cannotMeetSlo(req, r, req.latencyS[r.datacentre]!)) {
      this.rejected++;
      return;
    }
    this.backlog.admit(this.engine.now, this.outstanding);
    this.outstanding++;
    this.inFlight.admit(req);
    this.send(req, r);
  }

  /** The serving replica the balancer routes `req` to. */
  private pick(req: InferenceRequest): Replica {
    const rs = this.serving;
    const i = this.balancer.route(req, this.ctx);
    if (!(Number.isInteger(i) && i >= 0 && i < rs.length)) {
      throw new Error(`load balancer '${this.balancerName}' of service '${this.svc.name}' at t=${this.engine.now}s returned ${String(i)}, not an index into its ${rs.length} replicas`);
    }
    return rs[i]!;
  }

  private send(req: InferenceRequest, r: Replica): void {
    req.replica = r;
    r.expectPrefix(req);
    const latency = req.latencyS[r.datacentre]!;
    if (latency > 0) {
      r.inTransit++;
      this.engine.after(latency, this.reach, req);
    } else r.enqueue(req);
  }

  /** With `slo.admission`: whether `r` could not meet the TTFT or TPOT objective for `req` even at best. */
  private cannotMeetSlo(req: InferenceRequest, r: Replica, latencyS: number): boolean {
    const slo = this.svc.spec.slo;
    if (!slo?.admission) return false;
    if (slo.ttft !== undefined && 2 * latencyS + r.earliestFirstTokenS(req) > slo.ttft) return true;
    return slo.tpot !== undefined && req.outputTokens > 1 && r.bestTimePerTokenS(req) > slo.tpot;
  }

  private readonly reach = (req: InferenceRequest): void => {
    const r = req.replica!;
    r.inTransit--;
    if (r.failed) this.retry(req);
    else r.enqueue(req);
  };

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

  requestDone(req: InferenceRequest, r: Replica): void {
    this.backlog.change(this.engine.now, this.outstanding);
    this.outstanding--;
    if (req.liveSlot >= 0) this.inFlight.leave(req);
    const latency = req.latencyS[r.datacentre]!;
    this.outcomes.done(req, latency, latency, r.name, r.datacentre);
  }

  // --- results --------------------------------------------------------------------------------

  /** One-way latency between a request's client and its replica; for one waiting at the router, the nearest of the service's sites (a lower bound). */
  private readonly latencyOf = (req: InferenceRequest): number => {
    if (req.replica !== undefined) return req.latencyS[req.replica.datacentre]!;
    let best = Infinity;
    for (const dc of this.svc.datacentres) best = Math.min(best, req.latencyS[dc]!);
    return best;
  };

  finish(endS: number): ServiceRow {
    const now = this.engine.now;
    for (const r of [...this.held]) {
      r.settleAt(endS);
      this.release(r);
      // The engine may have run dry before the horizon: the devices stayed held until endS.
      if (endS > now) {
        this.sim.metricsRecorder.addBusy(r.lease.placement, now, endS);
        this.sim.metricsRecorder.addHeldIdle(r.lease.placement, now, endS, 1);
        this.allocatedPeakFlopS += this.peakPerReplica * (endS - now);
        this.replicaIntegral += endS - now;
      }
    }
    const usefulFlop = 2 * this.svc.model.params * this.tokens;
    this.sim.metricsRecorder.addUsefulWork(usefulFlop, this.allocatedPeakFlopS, atKindPeak(this.allocatedPeakFlopS, this.svc.hardware.peakFlops, this.sim.cluster.kinds[this.svc.kind]!.spec.peak));
    // Requests still waiting for their first token count at their wait so far (a lower bound).
    addWaitingTtft(this.inFlight, endS, this.latencyOf, this.outcomes.ttft);
    addWaitingQueueing(this.inFlight, endS, this.outcomes.queueing);
    const slo = this.svc.spec.slo;
    const backlog = this.backlog.result(endS, this.outstanding);
    return {
      service: this.svc.name,
      ...this.outcomes.columns(),
      slo_attainment: slo ? sloAttainment(this.outcomes.sloMet, this.outcomes.completed, this.rejected, this.inFlight.missedInFlight(endS, slo, this.latencyOf, this.latencyOf)) : Number.NaN,
      tokens_per_s: endS > 0 ? this.outputTokens / endS : Number.NaN,
      effective_compute_ratio: this.allocatedPeakFlopS > 0 ? usefulFlop / this.allocatedPeakFlopS : Number.NaN,
      replicas_mean: endS > 0 ? this.replicaIntegral / endS : Number.NaN,
      replicas_max: this.replicasMax,
      requests_unfinished: this.outstanding,
      requests_rejected: this.rejected,
      balancer: this.balancerName,
      kv_transfer_p50_s: Number.NaN,
      kv_transfer_p99_s: Number.NaN,
      kv_bytes: Number.NaN,
      goodput_rps: slo && endS > 0 ? this.outcomes.sloMet / endS : Number.NaN,
      prefix_hit_rate: this.prefixLookups > 0 ? this.prefixHits / this.prefixLookups : Number.NaN,
      replica_failures: this.replicaFailures,
      requests_retried: this.retried,
      backlog_growth_rps: backlog.growthRps,
      backlog: { atMid: backlog.atMid, atEnd: backlog.atEnd, admittedLate: backlog.admittedLate },
    };
  }
}
