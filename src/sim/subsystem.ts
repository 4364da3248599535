// The narrow ports through which subsystems (failures, inference services) act on a run: what each
// may read and what it may change, instead of the whole Simulation. The Simulation implements them.
import type { Engine } from '../engine/engine.js';
import type { RandomStreams } from '../engine/random.js';
import type { Cluster } from '../model/cluster.js';
import type { ResolvedScenario } from '../model/load-scenario.js';
import type { Placement } from '../policy/types.js';
import type { Signals } from './signals.js';
import type { DevicePace } from './device-pace.js';
import type { SimJob } from './sim-job.js';

/**
 * Something that runs beside the training jobs on the same engine and pool. Registered before the
 * run; start() is called before the first event, finish() once the run has ended (to emit rows).
 */
export interface Subsystem {
  start(): void;
  finish(endS: number): void;
  /** Whether it has work that waits for a failed device's repair (a run without a horizon waits for it then). */
  waitsForRepair?(): boolean;
}

/** Devices held by something other than a training job (an inference replica, say). */
export interface Lease {
  readonly owner: string;
  readonly placement: Placement;
  readonly devices: number[];
  readonly sinceS: number;
  released: boolean;
}

/** The run's accounting that subsystems add to (work, busy device-time and failures outside training jobs). */
export interface MetricsPort {
  addBusy(p: { kind: number; nodes: readonly number[]; counts: readonly number[]; milli?: number | undefined }, fromS: number, toS: number): void;
  /** Inference replicas: held without a batch in flight (1, idle power), or the part iterated taken back (-1). */
  addHeldIdle(p: { kind: number; nodes: readonly number[]; counts: readonly number[]; milli?: number | undefined }, fromS: number, toS: number, sign: 1 | -1): void;
  /**
   * Useful work done outside training jobs over the peak FLOP-seconds of the devices that did it, at
   * the precision they ran in; `sixteenBitPeakFlopS`, the same device-time at the kinds' 16-bit
   * `peak`, where that differs (an 8-bit service: the pool's ratio counts its devices' 8-bit peak).
   */
  addUsefulWork(usefulFlop: number, allocatedPeakFlopS: number, sixteenBitPeakFlopS?: number): void;
  addFailures(n: number): void;
}

/** What every subsystem may use: the engine, the pool, the scenario, its own random streams, the signal bus. */
export interface PoolContext {
  readonly engine: Engine;
  readonly cluster: Cluster;
  readonly resolved: ResolvedScenario;
  readonly streams: RandomStreams;
  readonly signals: Signals;
  readonly metricsRecorder: MetricsPort;
  /** Ask for a scheduling pass at the end of this instant (capacity came back). */
  requestPass(): void;
}

/** What the failure model may do: slow devices down, fail the jobs on a failed device, cut inter-DC links. */
export interface FailurePort extends PoolContext {
  /** Device pace (1 = nominal), per device. */
  readonly deviceSpeed: DevicePace;
  readonly network:
    | {
        /** An inter-DC link fails or is repaired; returns the jobs left with no path between their sites (to fail). */
        setInterDcLink(index: number, down: boolean): SimJob[];
        /** A fabric switch or link fails or is repaired; returns the jobs left with no path (to fail). */
        setFabricElement(index: number, down: boolean): SimJob[];
        readonly topology: { readonly fabricElements: readonly { readonly kind: 'switch' | 'link'; readonly names: readonly string[] }[]; elementIndex(name: string): number | undefined; switchesCuttingOff(node: number): readonly number[] };
      }
    | undefined;
  jobsOnDevice(dev: number): readonly SimJob[];
  failJob(job: SimJob, why: string): void;
  /** The cause the rate changes made now are reported with (JobEvent.why): set around a failure or repair, then cleared. */
  rateCause: string | undefined;
  /** A device fails: the lease holding it (an inference replica's) is told, and gives its devices back before this returns. */
  failLeaseOn(dev: number): void;
  /** Devices came back from repair (before the scheduling pass of the instant). */
  devicesRepaired(): void;
  /**
   * Failures per second that would stop a job of `devices` on `placement` (for Young/Daly checkpoint
   * intervals). `overNetwork`: whether the job's steps are timed over the flow network (a model size,
   * network: flow); only then can a fabric switch or an inter-DC link stop it, as only its flows lose
   * their path.
   */
  failureRateOn: ((devices: number, placement: Placement, overNetwork: boolean) => number) | undefined;
}

/** A transfer on the flow network, as inference services see it. */
export interface TransferHandle {
  readonly startS: number;
  readonly finishS: number;
}

/** What inference services may do: lease devices, give them back, and preempt training to make room. */
export interface InferencePort extends PoolContext {
  /** The flow network (present whenever a service is disaggregated): KV caches move on it. */
  readonly network:
    | {
        startNodeTransfer(name: string, fromNode: number, toNode: number, bytes: number, ranks: number, onDone: (t: TransferHandle) => void, maxBytesPerS?: number): TransferHandle;
        /** Stop a transfer whose fluid part has not ended (its onDone never comes): the bytes it had left, else 0. */
        stopTransfer(t: TransferHandle): number;
      }
    | undefined;
  /** Take devices; `onFailure`, when given, is called when one of them fails (it must release the lease then). */
  acquire(placement: Placement, owner: string, onFailure?: () => void): Lease;
  /** Each device's pace (stragglers below 1): a replica's iterations run at its slowest device's. */
  readonly deviceSpeed: { slowest(devices: readonly number[]): number };
  /** Called whenever failed devices come back from repair, before the scheduling pass of that instant. */
  onDevicesRepaired(listener: () => void): void;
  release(lease: Lease): void;
  preemptTrainingFor(devices: number, kind: number, dc?: number): number | undefined;
}
