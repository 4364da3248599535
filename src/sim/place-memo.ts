// ctx.place's memo of a request-only placer's answers (Placer.requestOnly): an equal request asked
// again while the cluster's free state is unchanged (Cluster.version) gets the same answer without a
// search. Equal requests share a small integer id, given once per job object, so a lookup is two
// array reads rather than a string key in a map; each id's answer carries the version it holds for,
// so nothing is cleared when the cluster changes.
import type { JobView, Placement } from '../policy/types.js';
import { SimJob } from './sim-job.js';

/** Slots of the direct-mapped cache of request ids (a power of two). */
const SLOTS = 4096;

export class PlaceMemo {
  /** Request ids by request key (devices, share, CPU, memory, allowed kinds). */
  private readonly idOfKey = new Map<string, number>();
  /** Each job object's request id (a job's request does not change; a view that allows other kinds is another object). */
  private readonly idOfJob = new WeakMap<JobView, number>();
  /** By request id: the last answer (null: no placement) and the cluster version it holds for (-1: none). */
  private readonly answers: (Placement | null)[] = [];
  private versions = new Float64Array(64).fill(-1);
  /** The version of the last question. */
  private version = -1;
  /**
   * The first question at `version` and its answer: most passes ask once at a state and then start
   * a job (changing it), so the first question is given an id only when a second one comes.
   */
  private first: JobView | undefined = undefined;
  private firstAnswer: Placement | null = null;
  /** The request id of the question being answered (-1: the first at its version). */
  private asking = -1;

  /** The answer known for `job`'s request at cluster version `version`, or undefined: ask the placer, then `remember`. */
  lookup(job: JobView, version: number): Placement | null | undefined {
    if (version !== this.version) {
      this.version = version;
      this.first = job;
      this.asking = -1;
      return undefined;
    }
    if (this.first !== undefined) {
      this.store(this.requestId(this.first), this.firstAnswer);
      this.first = undefined;
    }
    const id = this.requestId(job);
    if (this.versions[id] === version) return this.answers[id]!;
    this.asking = id;
    return undefined;
  }

  /** The placer's answer to the question `lookup` could not answer (null: no placement). */
  remember(answer: Placement | null): void {
    if (this.asking < 0) this.firstAnswer = answer;
    else this.store(this.asking, answer);
  }

  private store(id: number, answer: Placement | null): void {
    this.answers[id] = answer;
    this.versions[id] = this.version;
  }

  /**
   * The last jobs asked about, direct-mapped by job id: a crowded line asks about the same waiting
   * jobs on every pass, and two array reads are cheaper than the weak map. A slot holds its job
   * (checked by identity: a view that shares its job's id is another object) until another job
   * with the same slot is asked about, so at most SLOTS finished jobs stay reachable from here.
   */
  private readonly slotJob: (JobView | undefined)[] = new Array<JobView | undefined>(SLOTS).fill(undefined);
  private readonly slotId = new Int32Array(SLOTS);

  /** The job's request id, made on its first question at a state already asked about. */
  requestId(job: JobView): number {
    // A simulator job keeps its id (no weak-map entry per job: a million jobs each asked about
    // twice at one state made a million entries for the collector to trace).
    const own = SimJob.placeRequestIdOf(job);
    if (own !== undefined) {
      if (own >= 0) return own;
      // Its first question: a simulator job is never in the weak map or the slots.
      const first = this.idOfRequest(job);
      SimJob.setPlaceRequestId(job as SimJob, first);
      return first;
    }
    const slot = job.id & (SLOTS - 1);
    if (this.slotJob[slot] === job) return this.slotId[slot]!;
    let id = this.idOfJob.get(job);
    if (id === undefined) {
      id = this.idOfRequest(job);
      this.idOfJob.set(job, id);
    }
    this.slotJob[slot] = job;
    this.slotId[slot] = id;
    return id;
  }

  /** The last request given an id by its key: its fields (allowed kinds by identity) and id. */
  private lastDevices = -1;
  private lastMilli = -1;
  private lastCpuMilli = -1;
  private lastMemoryMiB = -1;
  private lastKinds: readonly number[] | undefined = undefined;
  private lastId = -1;

  /**
   * The id of `job`'s request, by its key. A request equal to the last one, field by field and with
   * the same allowed-kinds array (jobs of one generator or trace share it), has its id without the
   * key string: each job of a busy M/M/c pool made one when first asked twice at one state.
   */
  private idOfRequest(job: JobView): number {
    const devices = job.devices;
    const milli = job.milli;
    const cpuMilli = job.cpuMilli;
    const memoryMiB = job.memoryMiB;
    const kinds = job.allowedKinds;
    if (this.lastId >= 0 && devices === this.lastDevices && milli === this.lastMilli && cpuMilli === this.lastCpuMilli && memoryMiB === this.lastMemoryMiB && kinds === this.lastKinds) return this.lastId;
    const key = `${devices}|${milli}|${cpuMilli}|${memoryMiB}|${kinds === undefined ? '*' : kinds.join(',')}`;
    let id = this.idOfKey.get(key);
    if (id === undefined) {
      id = this.idOfKey.size;
      this.idOfKey.set(key, id);
      if (id >= this.versions.length) {
        const grown = new Float64Array(2 * this.versions.length).fill(-1);
        grown.set(this.versions);
        this.versions = grown;
      }
      this.answers.push(null);
    }
    this.lastDevices = devices;
    this.lastMilli = milli;
    this.lastCpuMilli = cpuMilli;
    this.lastMemoryMiB = memoryMiB;
    this.lastKinds = kinds;
    this.lastId = id;
    return id;
  }
}
