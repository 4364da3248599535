// Users' own policies: a scenario's `policy:` or `placement:` (or the CLI's --policy/--placement)
// may name a module file. It is imported, its default export (or export `policy`) checked to be a
// policy definition, its parameters validated by its own schema like a built-in's, and what it
// creates wrapped in a guard that reports a bad decision under the plug-in's name.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, SourceMap, type InputIssue, type PathKey } from '../scenario/errors.js';
import type { ResolvedScenario } from '../model/load-scenario.js';
import type { PolicyRef } from '../scenario/schema.js';
import { placementProblem } from './check-placement.js';
import { isModuleName, resolvePolicies, type ResolvedPolicies } from './registry.js';
import {
  PolicyError,
  type JobView,
  type Placement,
  type PlacementPolicy,
  type Placer,
  type QueueDiscipline,
  type QueuePolicy,
  type SchedulingContext,
} from './types.js';

/** A policy named outside the scenario file (a CLI option): where it was written, and the directory its path is relative to. */
export interface PolicyOverride {
  ref: PolicyRef;
  /** Directory a module path is relative to (the working directory, for a CLI option). */
  baseDir: string;
  /** Where the reference was written, for error messages (e.g. `--policy`). */
  src: SourceMap;
}

export interface LoadPoliciesOptions {
  policy?: PolicyOverride;
  placement?: PolicyOverride;
}

/** True when the scenario (or an override) names a policy module rather than a built-in. */
export function usesPlugins(resolved: ResolvedScenario, options: LoadPoliciesOptions = {}): boolean {
  const q = options.policy?.ref ?? resolved.scenario.policy;
  const p = options.placement?.ref ?? resolved.scenario.placement;
  return isModuleName(q.name) || isModuleName(p.name);
}

/**
 * The scenario's policies (or the overrides), with plug-in modules imported from files relative to
 * `scenarioDir` (an override's from its own baseDir). Throws InputError naming the field when a
 * module cannot be loaded, does not export a policy, or its parameters fail its schema.
 */
export async function loadPolicies(resolved: ResolvedScenario, scenarioDir: string, options: LoadPoliciesOptions = {}): Promise<ResolvedPolicies> {
  const queueRef = options.policy?.ref ?? resolved.scenario.policy;
  const placementRef = options.placement?.ref ?? resolved.scenario.placement;
  const queueSrc = options.policy?.src ?? resolved.src;
  const placementSrc = options.placement?.src ?? resolved.src;
  const issues: InputIssue[] = [];
  const extraQueue = new Map<string, QueuePolicy<never>>();
  const extraPlacement = new Map<string, PlacementPolicy<never>>();
  if (isModuleName(queueRef.name)) {
    const def = await importDefinition(queueRef.name, options.policy?.baseDir ?? scenarioDir, ['policy'], queueSrc, issues);
    if (def) extraQueue.set(queueRef.name, guardQueuePolicy(def as QueuePolicy<never>));
  }
  if (isModuleName(placementRef.name)) {
    const def = await importDefinition(placementRef.name, options.placement?.baseDir ?? scenarioDir, ['placement'], placementSrc, issues);
    if (def) extraPlacement.set(placementRef.name, guardPlacementPolicy(def as PlacementPolicy<never>));
  }
  if (issues.length > 0) throw new InputError(issues);
  try {
    return resolvePolicies(queueRef, placementRef, { src: queueSrc, placementSrc, extraQueue, extraPlacement });
  } catch (e) {
    // A plug-in's create() that throws, or returns something else than a policy, is its author's bug.
    if (e instanceof PluginShapeError) throw new InputError([e.src.issue(e.path, e.message)]);
    throw e;
  }
}

interface Definition {
  name: string;
  description: string;
  params: { safeParse(v: unknown): unknown };
  create(p: unknown): unknown;
}

async function importDefinition(name: string, baseDir: string, path: PathKey[], src: SourceMap, issues: InputIssue[]): Promise<Definition | undefined> {
  const file = isAbsolute(name) ? name : resolve(baseDir, name);
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file);
  } catch (e) {
    const why = e instanceof Error ? firstLine(e.message) : String(e);
    issues.push(src.issue(path, `cannot load policy module '${name}' (${file}): ${why}`));
    return undefined;
  }
  const def = (mod.default ?? mod.policy) as Partial<Definition> | undefined;
  const problems: string[] = [];
  if (def === null || typeof def !== 'object') problems.push('it has no default export (or export named `policy`)');
  else {
    if (typeof def.name !== 'string' || def.name === '') problems.push('`name` is not a non-empty string');
    if (typeof def.params?.safeParse !== 'function') problems.push('`params` is not a zod schema');
    if (typeof def.create !== 'function') problems.push('`create` is not a function');
  }
  if (problems.length > 0) {
    issues.push(src.issue(path, `'${name}' does not export a policy built with defineQueuePolicy / definePlacementPolicy: ${problems.join('; ')}`));
    return undefined;
  }
  const d = def as Definition;
  return { ...d, description: typeof d.description === 'string' ? d.description : '', src, path } as Definition;
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (/\.(m|c)?ts$/.test(file)) {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(url)) as Record<string, unknown>;
}

const firstLine = (s: string): string => s.split('\n')[0]!;

class PluginShapeError extends Error {
  constructor(
    readonly src: SourceMap,
    readonly path: PathKey[],
    message: string,
  ) {
    super(message);
  }
}

function createChecked<T>(def: Definition, params: unknown, what: string, check: (x: unknown) => boolean): T {
  const { src, path } = def as unknown as { src: SourceMap; path: PathKey[] };
  let made: unknown;
  try {
    made = def.create(params);
  } catch (e) {
    throw new PluginShapeError(src, path, `policy '${def.name}': create() threw: ${describeThrown(e)}`);
  }
  if (!check(made)) throw new PluginShapeError(src, path, `policy '${def.name}': create() must return ${what}`);
  return made as T;
}

/** A plug-in queue policy whose discipline is checked and whose exceptions name it, the job and the time. */
export function guardQueuePolicy(def: QueuePolicy<never>): QueuePolicy<never> {
  return {
    ...def,
    create: (params: never) => {
      const d = createChecked<QueueDiscipline>(def as unknown as Definition, params, 'an object with schedule(ctx)', (x) => typeof (x as QueueDiscipline | null)?.schedule === 'function');
      return guardDiscipline(def.name, d);
    },
  };
}

/** A plug-in placement policy whose answers are checked before the simulator sees them. */
export function guardPlacementPolicy(def: PlacementPolicy<never>): PlacementPolicy<never> {
  return {
    ...def,
    create: (params: never) => {
      const placer = createChecked<Placer>(def as unknown as Definition, params, 'an object with place(job, cluster, hints)', (x) => typeof (x as Placer | null)?.place === 'function');
      return guardPlacer(def.name, placer);
    },
  };
}

/** A plug-in placer whose answers are checked; its errors reach the user as they were (the simulator passes PolicyErrors through). */
export function guardPlacer(name: string, placer: Placer): Placer {
  const placerFailed = (e: PolicyError): never => {
    throw e;
  };
  return {
    place(job, cluster, hints) {
      let p: unknown;
      try {
        p = placer.place(job, cluster, hints);
      } catch (e) {
        if (e instanceof PolicyError) placerFailed(e);
        placerFailed(new PolicyError(name, job.name, hints.nowS, `threw ${describeThrown(e)}`));
      }
      if (p === undefined || p === null) return undefined;
      const problem = placementProblem(job, p, cluster);
      if (problem) placerFailed(new PolicyError(name, job.name, hints.nowS, `returned an invalid placement: ${problem}`));
      // A copy, so that the plug-in cannot change a decision after it was checked.
      const q = p as Placement;
      return { kind: q.kind, nodes: [...q.nodes], counts: [...q.counts] };
    },
  };
}

export function guardDiscipline(name: string, discipline: QueueDiscipline): QueueDiscipline {
  return {
    schedule(ctx) {
      let current: JobView | undefined;
      let waiting: Set<JobView> | undefined;
      const isWaiting = (job: JobView): boolean => {
        waiting ??= new Set(ctx.waiting);
        return waiting.has(job) && job.state === 'waiting';
      };
      const fail = (job: unknown, detail: string): never => {
        throw new PolicyError(name, (job as JobView | undefined)?.name, ctx.nowS, detail);
      };
      const guarded: SchedulingContext = Object.create(ctx, {
        // The job a policy is looking at when it throws is the last one it was given.
        waiting: {
          value: {
            get size() {
              return ctx.waiting.size;
            },
            *[Symbol.iterator]() {
              for (const j of ctx.waiting) {
                current = j;
                yield j;
              }
            },
          },
        },
        place: {
          value: (job: JobView) => {
            current = job;
            if (!isWaiting(job)) fail(job, `place() was given ${describeJob(job)}, not a job waiting in this pass`);
            return ctx.place(job);
          },
        },
        start: {
          value: (job: JobView, placement: Placement) => {
            current = job;
            if (!isWaiting(job)) fail(job, `start() was given ${describeJob(job)}, not a job waiting in this pass`);
            ctx.start(job, placement);
          },
        },
        preempt: {
          value: (job: JobView) => {
            current = job;
            if (!ctx.running.includes(job)) fail(job, `preempt() was given ${describeJob(job)}, not a running job`);
            ctx.preempt(job);
          },
        },
      });
      try {
        discipline.schedule(guarded);
      } catch (e) {
        if (e instanceof PolicyError) throw e;
        throw new PolicyError(name, current?.name, ctx.nowS, `threw ${describeThrown(e)}`);
      }
    },
  };
}

function describeJob(job: unknown): string {
  if (job === null || typeof job !== 'object') return String(job);
  const j = job as Partial<JobView>;
  return typeof j.name === 'string' ? `job '${j.name}' (${String(j.state)})` : 'an object that is not one of the simulator\'s jobs';
}

/** An exception as `Error: message (at file:line:col)`, naming the plug-in frame that threw. */
export function describeThrown(e: unknown): string {
  if (!(e instanceof Error)) return `a non-Error value: ${String(e)}`;
  const frame = e.stack
    ?.split('\n')
    .slice(1)
    .map((l) => l.trim())
    .find((l) => l.startsWith('at ') && !l.includes('node:') && !/[\\/](src|dist)[\\/]policy[\\/]plugin\.[jt]s/.test(l));
  const where = frame ? ` (at ${frame.replace(/^at (.* \()?/, '').replace(/\)$/, '').replace(/^file:\/\//, '')})` : '';
  return `${e.name}: ${e.message}${where}`;
}
