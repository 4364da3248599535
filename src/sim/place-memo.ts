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
    if (own !== undefined && own >= 0) return own;
    const slot = job.id & (SLOTS - 1);
    if (this.slotJob[slot] === job) return this.slotId[slot]!;
    let id = this.idOfJob.get(job);
    if (id === undefined) {
      const key = `${job.devices}|${job.milli}|${job.cpuMilli}|${job.memoryMiB}|${job.allowedKinds === undefined ? '*' : job.allowedKinds.join(',')}`;
      id = this.idOfKey.get(key);
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
      if (own !== undefined) {
        SimJob.setPlaceRequestId(job as SimJob, id);
        return id;
      }
      this.idOfJob.set(job, id);
    }
    this.slotJob[slot] = job;
    this.slotId[slot] = id;
    return id;
  }
}
