// One pool of a disaggregated service as it runs (its prefill pool or its decode pool): the
// replicas holding devices, those serving (what its balancer sees, in id order), its autoscaler
// when it has one, and its replica-seconds. Replicas come up on a best-fit node of the pool's kind
// in its sites; a retired replica stops taking requests and gives its devices back once it has
// finished everything it holds: a prefill replica its queue, its iteration and the KV of prompts
// whose transfer has not arrived; a decode replica its sequences and those whose KV is already on
// its way to it (chosen at arrival), all finished in place: no sequence is handed to another replica.
import type { Engine } from '../../engine/engine.js';
import type { ResolvedPool } from '../../model/inference/resolve-services.js';
import type { Placement } from '../../policy/types.js';
import type { InferencePort, Lease } from '../subsystem.js';
import { Autoscaler, bestFitNode, type ScaledPool, type ScaledReplica } from './autoscaler.js';
import { LoadingReplicas } from './loading-replicas.js';

/** What the pool needs of its replicas. */
export interface PoolReplica extends ScaledReplica {
  readonly datacentre: number;
  readonly lease: Lease;
  draining: boolean;
  /** Nothing left to finish: its devices can go. */
  readonly empty: boolean;
}

/** What the pool tells its service. */
export interface PoolOwner {
  readonly engine: Engine;
  readonly sim: InferencePort;
  /** Whether requests may still come or are in flight. */
  keepLooking(): boolean;
  /** A replica's devices are given back (or taken, with +1): the service counts its replicas. */
  replicasChanged(delta: number): void;
  /** A replica's devices failed: the service takes back what it held (before the pool releases them). */
  replicaFailed(r: PoolReplica): void;
  /** A replica of this pool started serving (requests waiting for one may go). */
  replicaServing(): void;
}

export class ServicePool<R extends PoolReplica> implements ScaledPool {
  /** Serving replicas in id order (what the balancer sees). */
  serving: R[] = [];
  /** Every replica holding devices (serving, loading, draining), in launch order. */
  readonly held = new Set<R>();
  private nextId = 0;
  private replicaIntegral = 0;
  private readonly loadingReplicas: LoadingReplicas<R>;
  private lastCountS = 0;
  /** Peak FLOP-seconds of the devices of replicas already released. */
  releasedPeakFlopS = 0;
  readonly autoscaler: Autoscaler | undefined;
  /** Peak FLOP/s of one replica's devices. */
  readonly peakPerReplica: number;
  /** Replicas lost to failures. */
  failures = 0;
  /** Replacements that found no free devices (tried again at each repair). */
  replacementsWaiting = 0;

  constructor(
    private readonly owner: PoolOwner,
    readonly pool: ResolvedPool,
    /** 'prefill' or 'decode': replica names are `<service>/<role><id>`. */
    private readonly role: string,
    private readonly serviceName: string,
    private readonly make: (id: number, name: string, dc: number, lease: Lease) => R,
  ) {
    this.peakPerReplica = pool.hardware.tp * pool.hardware.peakFlops;
    this.loadingReplicas = new LoadingReplicas(owner.engine);
    const as = pool.autoscale;
    this.autoscaler = as && new Autoscaler(owner.engine, owner.sim, as, pool.kind, pool.hardware.tp, pool.datacentres, this);
    owner.sim.onDevicesRepaired(() => {
      while (this.replacementsWaiting > 0 && this.sitesByLoad().some((dc) => this.launch(dc, this.pool.restartDelayS))) this.replacementsWaiting--;
    });
  }

  /** The pool's first replicas (its count, or its autoscaler's min), round-robin over its sites, then any with room. */
  start(): void {
    const dcs = this.pool.datacentres;
    const tp = this.pool.hardware.tp;
    const sim = this.owner.sim;
    for (let i = 0; i < this.pool.count; i++) {
      const first = dcs[i % dcs.length]!;
      if (this.launch(first, 0)) continue;
      if (!dcs.some((dc) => dc !== first && this.launch(dc, 0))) {
        throw new Error(`service '${this.serviceName}': no node with ${tp} free '${sim.cluster.kinds[this.pool.kind]!.name}' devices for ${this.role} replica ${i + 1} of ${this.pool.count} in ${dcs.map((x) => sim.cluster.datacentres[x]!.name).join(', ')}`);
      }
    }
  }

  private countReplicas(): void {
    const now = this.owner.engine.now;
    this.replicaIntegral += this.held.size * (now - this.lastCountS);
    this.lastCountS = now;
  }

  launch(dc: number, readyAfterS: number): boolean {
    const sim = this.owner.sim;
    const tp = this.pool.hardware.tp;
    const node = bestFitNode(sim, this.pool.kind, dc, tp);
    if (node < 0) return false;
    const id = this.nextId++;
    const name = `${this.serviceName}/${this.role}${id}`;
    const placement: Placement = { kind: this.pool.kind, nodes: [node], counts: [tp] };
    const r: R = this.make(id, name, dc, sim.acquire(placement, name, () => this.fail(r)));
    this.countReplicas();
    this.held.add(r);
    this.owner.replicasChanged(1);
    const serve = (ready: R): void => {
      this.serving.push(ready); // ids increase, so the list stays in id order
      this.owner.replicaServing();
    };
    if (readyAfterS > 0) this.loadingReplicas.add(r, readyAfterS, serve);
    else serve(r);
    return true;
  }

  /**
   * A device of `r` failed: it leaves the serving list, the service takes back what it held, its
   * devices go back (the failure then takes the failed one), and unless it was being retired a
   * replacement takes free devices of the pool's kind and serves after the restart delay, or waits
   * for the next repair (a ReplicaSet recreating a failed pod).
   */
  private fail(r: R): void {
    this.failures++;
    const replace = !r.draining;
    this.serving = this.serving.filter((x) => x !== r);
    this.loadingReplicas.remove(r);
    this.owner.replicaFailed(r);
    this.release(r);
    const engine = this.owner.engine;
    if (replace && (Number.isFinite(this.owner.sim.resolved.scenario.horizon ?? Infinity) || this.owner.keepLooking())) {
      engine.at(engine.now, () => {
        if (!this.sitesByLoad().some((dc) => this.launch(dc, this.pool.restartDelayS))) this.replacementsWaiting++;
      });
    }
  }

  get loading(): number {
    return this.loadingReplicas.size;
  }

  /** Give back the devices of up to `n` replicas still loading, the newest first; how many were. */
  cancelLoading(n: number): number {
    return this.loadingReplicas.cancel(n, (r) => this.release(r));
  }

  sitesByLoad(): number[] {
    const per = new Map<number, number>();
    for (const r of this.held) per.set(r.datacentre, (per.get(r.datacentre) ?? 0) + 1);
    const dcs = this.pool.datacentres;
    return [...dcs].sort((a, b) => (per.get(a) ?? 0) - (per.get(b) ?? 0) || dcs.indexOf(a) - dcs.indexOf(b));
  }

  retire(victims: readonly ScaledReplica[]): void {
    const gone = new Set(victims);
    this.serving = this.serving.filter((r) => !gone.has(r));
    for (const v of victims) {
      const r = v as R;
      r.draining = true;
      if (r.empty) this.release(r);
    }
  }

  keepLooking(): boolean {
    return this.owner.keepLooking();
  }

  /** A draining replica has finished everything: its devices go back to the pool (training refills them). */
  release(r: R): void {
    if (!this.held.has(r)) return;
    this.countReplicas();
    this.held.delete(r);
    this.owner.replicasChanged(-1);
    this.releasedPeakFlopS += this.peakPerReplica * (this.owner.engine.now - r.lease.sinceS);
    this.owner.sim.release(r.lease);
  }

  /** Time-averaged replicas holding devices over [0, endS], those held now counted to endS. */
  replicasMean(endS: number): number {
    if (this.autoscaler === undefined && this.failures === 0) return this.pool.count;
    return (this.replicaIntegral + this.held.size * (Math.max(endS, this.owner.engine.now) - this.lastCountS)) / endS;
  }
}
