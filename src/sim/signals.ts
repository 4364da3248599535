// Lifecycle signals: metrics recorders, trace exporters and progress reporters listen here and
// never reach into the engine loop.
import type { SimJob } from './sim-job.js';

export interface JobSignals {
  submitted: (job: SimJob, nowS: number) => void;
  rejected: (job: SimJob, nowS: number) => void;
  started: (job: SimJob, nowS: number) => void;
  /** The job stops holding devices without finishing (preemption, failure). */
  stopped: (job: SimJob, nowS: number, why: string) => void;
  finished: (job: SimJob, nowS: number) => void;
}

export class Signals {
  private readonly listeners: { [K in keyof JobSignals]: JobSignals[K][] } = {
    submitted: [],
    rejected: [],
    started: [],
    stopped: [],
    finished: [],
  };

  on<K extends keyof JobSignals>(signal: K, listener: JobSignals[K]): void {
    this.listeners[signal].push(listener);
  }

  emit(signal: Exclude<keyof JobSignals, 'stopped'>, job: SimJob, nowS: number): void {
    const ls = this.listeners[signal];
    for (let i = 0; i < ls.length; i++) ls[i]!(job, nowS);
  }

  emitStopped(job: SimJob, nowS: number, why: string): void {
    const ls = this.listeners.stopped;
    for (let i = 0; i < ls.length; i++) ls[i]!(job, nowS, why);
  }
}
