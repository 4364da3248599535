// What queue policies read of every running job on every pass, kept by the simulator in typed
// arrays indexed by the job's position in the running list (SchedulingContext.runningTable).
// EASY's reservation and multifactor's fair-share usage walk all running jobs on each pass; through
// the jobs that is three objects per job (the job, its run record, its template), most of them not
// in cache. Here it is a few array reads per job.
import type { RunningTable } from '../policy/types.js';

export class RunningSlots implements RunningTable {
  finishS = new Float64Array(64);
  devices = new Float64Array(64);
  share = new Float64Array(64);
  kind = new Int32Array(64);
  account: string[] = [];
  changes = 0;

  /** Fill slot `i` for a job that starts: its finish is set (Simulation.refreshFinish) once its rate is. */
  put(i: number, devices: number, milli: number, kind: number, account: string): void {
    this.changes++;
    if (i >= this.finishS.length) this.grow(i + 1);
    this.finishS[i] = Infinity;
    this.devices[i] = devices;
    // As multifactor's usage adds a job: devices x milli / 1000, the same operations in the same order.
    this.share[i] = (devices * milli) / 1000;
    this.kind[i] = kind;
    this.account[i] = account;
  }

  /** Slot `from`'s job moves to slot `to` (the running list's last job into a vacated place). */
  move(from: number, to: number): void {
    this.changes++;
    this.finishS[to] = this.finishS[from]!;
    this.devices[to] = this.devices[from]!;
    this.share[to] = this.share[from]!;
    this.kind[to] = this.kind[from]!;
    this.account[to] = this.account[from]!;
  }

  /** The running list's last row is gone (its job left, or moved into a vacated row: move first). */
  dropLast(): void {
    this.changes++;
  }

  private grow(size: number): void {
    let n = this.finishS.length;
    while (n < size) n *= 2;
    const grown = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.finishS = grown(this.finishS, (k) => new Float64Array(k));
    this.devices = grown(this.devices, (k) => new Float64Array(k));
    this.share = grown(this.share, (k) => new Float64Array(k));
    this.kind = grown(this.kind, (k) => new Int32Array(k));
  }
}
