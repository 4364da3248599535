// What stands between one plug-in instance and the simulator: its read-only views, the sandbox its
// calls run in, the watchdog told of each call, and the PolicyError (its name, file, the job and the
// simulated time) for whatever rule it breaks. The guard-* files wrap each kind of plug-in with one.
import { currentOwner, sandboxed, ruleBroken, type SandboxOwner } from './plugin-sandbox.js';
import { READ_ONLY_METHODS } from './read-only-methods.js';
import { ReadOnlyViews } from './read-only-view.js';
import { PolicyError, type JobView, type PolicyOrigin } from './types.js';

/** Told of every plug-in call, from another thread's point of view (the worker's watchdog, policy-watch.ts). */
export interface PluginCallMonitor {
  /** A call starts: `label` names the plug-in (`queue policy 'x' (./x.mjs)`); `job` the job it is about. */
  enterPlugin(label: string, timeS: number, job: string | undefined): void;
  exitPlugin(): void;
}

/**
 * Shared by the plug-ins of one load: where their calls are reported, and one set of views (a job
 * shown to the queue policy and to the placement policy is wrapped once). A write into a view is
 * charged to the plug-in whose call is in progress, or to the one that was shown the object last.
 */
export class PluginRuntime {
  readonly views: ReadOnlyViews;
  /** The plug-in a write outside any call is charged to (the last one called). */
  lastCalled: PluginGuard | undefined = undefined;

  constructor(public monitor: PluginCallMonitor | undefined = undefined) {
    this.views = new ReadOnlyViews((what, job) => {
      const guard = (currentOwner() as PluginGuard | undefined) ?? this.lastCalled;
      const detail = `tried to change the simulator's state (${what}): plug-ins see read-only views and act only through their decisions; copy what you need to change`;
      if (guard) return guard.fail(detail, job);
      throw new Error(detail);
    }, READ_ONLY_METHODS);
  }
}

export class PluginGuard implements SandboxOwner {
  readonly views: ReadOnlyViews;
  /** `queue policy 'x' (./x.mjs)`: how messages and the watchdog name the plug-in. */
  readonly label: string;
  /** The job the call in progress is about, for messages: the last one given to or named by the plug-in. */
  current: JobView | undefined = undefined;
  private timeS = 0;

  constructor(
    readonly name: string,
    readonly origin: PolicyOrigin,
    private readonly runtime: PluginRuntime,
    readonly randomName: string,
  ) {
    this.label = `${origin.role} '${name}' (${origin.file})${origin.service !== undefined ? ` of service '${origin.service}'` : ''}`;
    this.views = runtime.views;
  }

  /**
   * One call into the plug-in at simulated time `timeS`, about `job` if any. Exceptions become
   * PolicyErrors naming the plug-in (PolicyErrors pass through: the simulator's, another plug-in's).
   */
  call<T>(timeS: number, job: JobView | undefined, body: () => T): T {
    // Kept after the call, for the checks of its answer (an invalid placement names the job and time).
    this.timeS = timeS;
    this.current = job;
    this.runtime.lastCalled = this;
    const monitor = this.runtime.monitor;
    monitor?.enterPlugin(this.label, timeS, job?.name);
    try {
      return sandboxed(this, body);
    } catch (e) {
      throw e instanceof PolicyError ? e : this.error(`threw ${describeThrown(e)}`);
    } finally {
      monitor?.exitPlugin();
    }
  }

  /** The plug-in's setup code (create()), sandboxed; the watchdog counts it as part of loading. */
  setup<T>(body: () => T): T {
    const monitor = this.runtime.monitor;
    monitor?.enterPlugin(this.label, 0, undefined);
    try {
      return sandboxed(this, body);
    } finally {
      monitor?.exitPlugin();
    }
  }

  /** Stop the run: the plug-in broke a rule. */
  fail(detail: string, job: string | undefined = this.current?.name): never {
    const e = this.error(detail, job);
    ruleBroken(e);
    throw e;
  }

  forbidden(what: string, advice: string): never {
    return this.fail(`${what}: ${advice}`);
  }

  error(detail: string, job: string | undefined = this.current?.name): PolicyError {
    return new PolicyError(this.name, job, this.timeS, detail, this.origin);
  }
}

/** How messages show an object a plug-in passed where a job was expected. */
export function describeJob(job: unknown): string {
  if (job === null || typeof job !== 'object') return String(job);
  const j = job as Partial<JobView>;
  return typeof j.name === 'string' ? `job '${j.name}' (${String(j.state)})` : "an object that is not one of the simulator's jobs";
}

/** An exception as `Error: message (at file:line:col)`, naming the plug-in frame that threw. */
export function describeThrown(e: unknown): string {
  if (!(e instanceof Error)) return `a non-Error value: ${shown(e)}`;
  const frame = e.stack
    ?.split('\n')
    .slice(1)
    .map((l) => l.trim())
    .find((l) => l.startsWith('at ') && !l.includes('node:') && !/[\\/](src|dist)[\\/]policy[\\/](balancers[\\/])?(plugin[\w-]*|guard[\w-]*|read-only-view)\.[jt]s/.test(l));
  const where = frame ? ` (at ${frame.replace(/^at (.* \()?/, '').replace(/\)$/, '').replace(/^file:\/\//, '')})` : '';
  return `${e.name}: ${e.message}${where}`;
}

/** A thrown value as text; one without a working toString (Object.create(null)) must not throw here. */
function shown(x: unknown): string {
  try {
    return String(x);
  } catch {
    return 'an object that cannot be shown as text';
  }
}
