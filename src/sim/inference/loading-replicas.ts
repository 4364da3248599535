// Replicas an autoscaler launched that are still loading their weights: they hold devices and do
// not serve yet. A scale-down gives them back first, the newest first (a Kubernetes ReplicaSet
// deletes pods that are not ready before those that are), and their pending start is cancelled so
// that nothing is left to wait for.
import type { Engine, ScheduledEvent } from '../../engine/engine.js';

export class LoadingReplicas<R> {
  /** In launch order, each with the event at which it starts serving. */
  private readonly starts = new Map<R, ScheduledEvent>();

  constructor(private readonly engine: Engine) {}

  get size(): number {
    return this.starts.size;
  }

  /** `r` serves (`serve` is called) after `delayS` unless it is cancelled first. */
  add(r: R, delayS: number, serve: (r: R) => void): void {
    this.starts.set(
      r,
      this.engine.after(delayS, () => {
        this.starts.delete(r);
        serve(r);
      }),
    );
  }

  /** `r` will not serve (its devices failed): forget its pending start, if it has one. */
  remove(r: R): void {
    const start = this.starts.get(r);
    if (start === undefined) return;
    this.engine.cancel(start);
    this.starts.delete(r);
  }

  /** Cancel up to `n` of them, the newest first, handing each to `release`; how many were. */
  cancel(n: number, release: (r: R) => void): number {
    const newestFirst = [...this.starts.keys()].slice(-n).reverse();
    for (const r of newestFirst) {
      this.engine.cancel(this.starts.get(r));
      this.starts.delete(r);
      release(r);
    }
    return newestFirst.length;
  }
}
