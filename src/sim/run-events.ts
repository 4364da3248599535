// What a library user can listen to while a run goes: plain, frozen snapshots of job lifecycle
// signals and the result rows. A listener never holds the mutable SimJob or the Simulation, so it
// cannot change the run it observes (and what it keeps stays valid after the run).
import type { Cluster } from '../model/cluster.js';
import { suggestName } from '../scenario/did-you-mean.js';
import { InputError, type InputIssue } from '../scenario/errors.js';
import type { NetworkProgressModel } from './network-progress.js';
import type { RowSignals, Signals } from './signals.js';
import type { SimJob } from './sim-job.js';

export type JobEventKind = 'submitted' | 'rejected' | 'started' | 'stopped' | 'finished' | 'rateChanged';

/** One job signal, as data. */
export interface JobEvent {
  readonly kind: JobEventKind;
  /** Simulated time (s). */
  readonly timeS: number;
  readonly job: string;
  /** Devices the job asks for. */
  readonly devices: number;
  /** Device kind it holds (started, stopped, finished, rateChanged), else undefined. */
  readonly deviceKind: string | undefined;
  /** Data centres of the nodes it holds, in placement order without repeats. */
  readonly datacentres: readonly string[];
  /** Useful FLOP/s it progresses at now (0 once stopped or finished). */
  readonly rateFlopPerS: number;
  /**
   * Why a job stopped (preempted, a failure) or was rejected; for a rate change, the failure or
   * repair that caused it (`inter-DC link 'l' failed`, `fabric element 'x' repaired`), else undefined
   * (contention: jobs and transfers starting and ending on shared links).
   */
  readonly why: string | undefined;
}

/** A link of the flow network becoming saturated or relieved. */
export interface LinkEvent {
  readonly kind: 'saturated' | 'relieved';
  readonly timeS: number;
  /** As links.csv names it. */
  readonly link: string;
  /** Sum of the rates of the flows crossing it, and its capacity now, in Gb/s. */
  readonly loadGbps: number;
  readonly capacityGbps: number;
}

/** Listeners for a run; each is optional. */
export interface RunListeners {
  jobSubmitted?: (e: JobEvent) => void;
  jobRejected?: (e: JobEvent) => void;
  jobStarted?: (e: JobEvent) => void;
  /** The job stops holding devices without finishing (preempted, failure); it will queue again. */
  jobStopped?: (e: JobEvent) => void;
  jobFinished?: (e: JobEvent) => void;
  /** A running job's progress rate changed (network contention, stragglers, a failed link). */
  jobRateChanged?: (e: JobEvent) => void;
  /**
   * A link's flows now use its whole capacity (max-min made it a bottleneck), or no longer do.
   * Scenarios with `network: flow` (or transfers between sites); never for `network: ideal` jobs.
   */
  linkSaturated?: (e: LinkEvent) => void;
  linkRelieved?: (e: LinkEvent) => void;
  jobRow?: (row: Readonly<RowSignals['jobRow']>) => void;
  transferRow?: (row: Readonly<RowSignals['transferRow']>) => void;
  linkRow?: (row: Readonly<RowSignals['linkRow']>) => void;
  serviceRow?: (row: Readonly<RowSignals['serviceRow']>) => void;
  requestRow?: (row: Readonly<RowSignals['requestRow']>) => void;
}

const ROWS = ['jobRow', 'transferRow', 'linkRow', 'serviceRow', 'requestRow'] as const;

/** Attach `listeners` to a run's signal bus and network (before it starts). */
/** Every listener RunListeners names, in its order. */
const LISTENER_NAMES: readonly (keyof RunListeners)[] = ['jobSubmitted', 'jobRejected', 'jobStarted', 'jobStopped', 'jobFinished', 'jobRateChanged', 'linkSaturated', 'linkRelieved', 'jobRow', 'transferRow', 'linkRow', 'serviceRow', 'requestRow'];

const kindOfValue = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

/**
 * Refuse (InputError, before the run) listeners code passed that would do nothing or fail inside
 * the run: a misspelt name never fired (`jobFinishd`: a count of finished jobs stayed 0, without a
 * word), a value that is not a function failed at its first signal with a TypeError.
 */
function checkListeners(listeners: unknown): void {
  const issue = (path: string, message: string): InputIssue => ({ file: 'run options', line: 0, column: 0, path, message });
  if (typeof listeners !== 'object' || listeners === null || Array.isArray(listeners)) {
    throw new InputError([issue('on', `expected an object of listeners (${LISTENER_NAMES.join(', ')}), got ${kindOfValue(listeners)}`)]);
  }
  const issues: InputIssue[] = [];
  for (const [name, value] of Object.entries(listeners)) {
    if (!(LISTENER_NAMES as readonly string[]).includes(name)) {
      const guess = suggestName(name, LISTENER_NAMES);
      issues.push(issue(`on.${name}`, `unknown listener '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; expected one of: ${LISTENER_NAMES.join(', ')}`));
    } else if (value !== undefined && typeof value !== 'function') issues.push(issue(`on.${name}`, `expected a function, got ${kindOfValue(value)}`));
  }
  if (issues.length > 0) throw new InputError(issues);
}

export function listenTo(signals: Signals, cluster: Cluster, listeners: RunListeners, network?: NetworkProgressModel): void {
  checkListeners(listeners);
  const event = (kind: JobEventKind, job: SimJob, timeS: number, why?: string): JobEvent => {
    const p = job.placement;
    const holding = p !== undefined && kind !== 'submitted' && kind !== 'rejected';
    const datacentres: string[] = [];
    if (holding) {
      for (const node of p.nodes) {
        const dc = cluster.datacentres[cluster.nodeDatacentre[node]!]!.name;
        if (!datacentres.includes(dc)) datacentres.push(dc);
      }
    }
    return Object.freeze({
      kind,
      timeS,
      job: job.name,
      devices: job.devices,
      deviceKind: holding ? cluster.kinds[p.kind]!.name : undefined,
      datacentres: Object.freeze(datacentres),
      rateFlopPerS: kind === 'stopped' || kind === 'finished' ? 0 : job.rateFlopPerS,
      why: why ?? (kind === 'rejected' && job.reason !== '' ? job.reason : undefined),
    });
  };
  const { jobSubmitted, jobRejected, jobStarted, jobStopped, jobFinished, jobRateChanged } = listeners;
  if (jobSubmitted) signals.on('submitted', (job, t) => jobSubmitted(event('submitted', job, t)));
  if (jobRejected) signals.on('rejected', (job, t) => jobRejected(event('rejected', job, t)));
  if (jobStarted) signals.on('started', (job, t) => jobStarted(event('started', job, t)));
  if (jobStopped) signals.on('stopped', (job, t, why) => jobStopped(event('stopped', job, t, why)));
  if (jobFinished) signals.on('finished', (job, t) => jobFinished(event('finished', job, t)));
  if (jobRateChanged) signals.on('rateChanged', (job, t, why) => jobRateChanged(event('rateChanged', job, t, why)));
  const { linkSaturated, linkRelieved } = listeners;
  if (network && (linkSaturated || linkRelieved)) {
    network.onLinkSaturation = (link, saturated, timeS, load, cap) => {
      const e: LinkEvent = Object.freeze({ kind: saturated ? 'saturated' : 'relieved', timeS, link, loadGbps: (load * 8) / 1e9, capacityGbps: (cap * 8) / 1e9 });
      (saturated ? linkSaturated : linkRelieved)?.(e);
    };
  }
  for (const name of ROWS) {
    const listener = listeners[name] as ((row: object) => void) | undefined;
    // Rows are copied: sinks that write files get the originals, the user a frozen copy.
    if (listener) signals.onRow(name, (row: object) => listener(Object.freeze({ ...row })), true);
  }
}
