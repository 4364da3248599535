// The one place a scenario's named components are resolved, for `validate` and `run` alike: queue and
// placement policies, a preemptive policy's `victims`, every service's load balancer. Any of them may
// name a module file (a plug-in): it is imported, its export checked to be a definition of the right
// kind, its parameters validated by its own schema like a built-in's, and what it creates wrapped in a
// guard (guard-policies.ts, balancers/guard-balancer.ts) that keeps it from corrupting the run.
import { accountsOf } from '../model/accounts.js';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, SourceMap, type InputIssue, type PathKey } from '../scenario/errors.js';
import type { ResolvedScenario } from '../model/load-scenario.js';
import type { PolicyRef } from '../scenario/schema.js';
import { guardBalancer } from './balancers/guard-balancer.js';
import { resolveBalancer, type ResolvedBalancer } from './balancers/registry.js';
import type { LoadBalancer } from './balancers/types.js';
import { guardDiscipline, guardPlacer, guardPreemptor } from './guard-policies.js';
import { isModuleName } from './module-name.js';
import { withOwnParams } from './own-params.js';
import { describeThrown, PluginGuard, PluginRuntime, type PluginCallMonitor } from './plugin-guard.js';
import { withoutExit } from './plugin-sandbox.js';
import { withPreemptionPlugins } from './preemption-registry.js';
import { QUEUE_POLICIES, resolvePolicies, type ResolvedPolicies } from './registry.js';
import { PolicyError, type ClusterView, type Placer, type PolicyOrigin, type PoolFacts, type Preemptor, type QueueDiscipline } from './types.js';

export { describeThrown } from './plugin-guard.js';
export type { PluginCallMonitor } from './plugin-guard.js';

/** A policy named outside the scenario file (a CLI option): where it was written, and the directory its path is relative to. */
export interface PolicyOverride {
  ref: PolicyRef;
  /** Directory a module path is relative to (the working directory, for a CLI option). */
  baseDir: string;
  /** Where the reference was written, for error messages (e.g. `--policy`). */
  src: SourceMap;
  /** Named without parameters: the scenario's own policy keeps the scenario's (own-params.ts). */
  bare?: boolean;
}

export interface LoadPoliciesOptions {
  policy?: PolicyOverride;
  placement?: PolicyOverride;
  /** Told of each module being imported and of every plug-in call (a worker's watchdog). */
  monitor?: PluginCallMonitor;
}

type Role = 'queue policy' | 'placement policy' | 'preemption policy' | 'load balancer';

/** A module file named by the scenario or an option. */
interface ModuleRef {
  role: Role;
  name: string;
  baseDir: string;
  src: SourceMap;
  path: PathKey[];
  service?: string;
}

const HELPER: Record<Role, string> = {
  'queue policy': 'defineQueuePolicy',
  'placement policy': 'definePlacementPolicy',
  'preemption policy': 'definePreemptionPolicy',
  'load balancer': 'defineLoadBalancer',
};

/** Every module file the scenario (with the overrides) names, in the order problems are reported. */
function moduleRefs(resolved: ResolvedScenario, scenarioDir: string, options: LoadPoliciesOptions): ModuleRef[] {
  const refs: ModuleRef[] = [];
  const queueRef = options.policy?.ref ?? resolved.scenario.policy;
  const queueSrc = options.policy?.src ?? resolved.src;
  const queueDir = options.policy?.baseDir ?? scenarioDir;
  if (isModuleName(queueRef.name)) refs.push({ role: 'queue policy', name: queueRef.name, baseDir: queueDir, src: queueSrc, path: ['policy'] });
  const victims = victimsModule(queueRef);
  if (victims) refs.push({ role: 'preemption policy', name: victims.name, baseDir: queueDir, src: queueSrc, path: ['policy', 'params', ...victims.path] });
  const placementRef = options.placement?.ref ?? resolved.scenario.placement;
  if (isModuleName(placementRef.name)) {
    refs.push({ role: 'placement policy', name: placementRef.name, baseDir: options.placement?.baseDir ?? scenarioDir, src: options.placement?.src ?? resolved.src, path: ['placement'] });
  }
  for (const svc of resolved.services) {
    const name = svc.spec.balancer.name;
    if (isModuleName(name)) refs.push({ role: 'load balancer', name, baseDir: scenarioDir, src: resolved.src, path: ['services', svc.index, 'balancer'], service: svc.name });
  }
  return refs;
}

/** A built-in queue policy's `victims` parameter when it names a module file. */
function victimsModule(queueRef: PolicyRef): { name: string; path: PathKey[] } | undefined {
  const shape = (QUEUE_POLICIES.get(queueRef.name)?.params as { shape?: Record<string, unknown> } | undefined)?.shape;
  if (!shape || !('victims' in shape)) return undefined;
  const v = queueRef.params.victims;
  if (typeof v === 'string') return isModuleName(v) ? { name: v, path: ['victims'] } : undefined;
  const name = (v as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' && isModuleName(name) ? { name, path: ['victims', 'name'] } : undefined;
}

/**
 * The overrides, each named bare that is the scenario's own policy replaced by the scenario's
 * (own-params.ts), and then located in the scenario file: its parameters, and so what is said of
 * them (a warning, a refusal), are at the file's line, not at the option that named it.
 */
function ownPolicies(resolved: ResolvedScenario, scenarioDir: string, options: LoadPoliciesOptions): LoadPoliciesOptions {
  const own = (o: PolicyOverride, ref: PolicyRef): PolicyOverride => {
    const w = withOwnParams(o, ref, scenarioDir);
    return w === o ? o : { ...w, src: resolved.src };
  };
  return {
    ...options,
    ...(options.policy ? { policy: own(options.policy, resolved.scenario.policy) } : {}),
    ...(options.placement ? { placement: own(options.placement, resolved.scenario.placement) } : {}),
  };
}

/** True when the scenario (or an override) names a module file for any component. */
export function usesPlugins(resolved: ResolvedScenario, options: LoadPoliciesOptions = {}): boolean {
  return moduleRefs(resolved, '.', ownPolicies(resolved, '.', options)).length > 0;
}

/**
 * The scenario's policies (or the overrides) and its services' balancers, with plug-in modules
 * imported from files relative to `scenarioDir` (an override's from its own baseDir). Throws
 * InputError listing every problem: an unknown name, a module that cannot be loaded or exports no
 * definition, parameters that fail a schema, a create() that throws.
 */
export async function loadPolicies(resolved: ResolvedScenario, scenarioDir: string, given: LoadPoliciesOptions = {}): Promise<ResolvedPolicies> {
  const options = ownPolicies(resolved, scenarioDir, given);
  const runtime = new PluginRuntime(options.monitor);
  const issues: InputIssue[] = [];
  const refs = moduleRefs(resolved, scenarioDir, options);
  const loaded = new Map<ModuleRef, Definition>();
  for (const ref of refs) {
    // A module that could not be loaded stands in as a placeholder, so that the other components
    // are still resolved and every problem is reported at once (and this one only once).
    loaded.set(ref, (await importDefinition(ref, issues, options.monitor)) ?? NOT_LOADED);
  }
  /** The loaded plug-ins of one role, guarded, by the name the scenario uses (`service`: that service's balancer only). */
  const guarded = <T>(role: Role, what: string, check: (made: unknown) => boolean, wrap: (guard: PluginGuard, made: T) => T, service?: string): Map<string, never> =>
    new Map(
      [...loaded]
        .filter(([ref]) => ref.role === role && ref.service === service)
        .map(([ref, def]) => [ref.name, guardedDefinition(def, ref, runtime, what, check, wrap) as never]),
    );

  const collect = (e: unknown): undefined => {
    if (e instanceof InputError) issues.push(...e.issues);
    else if (e instanceof PluginShapeError) issues.push(e.src.issue(e.path, e.message));
    else throw e;
    return undefined;
  };
  const queueRef = options.policy?.ref ?? resolved.scenario.policy;
  const placementRef = options.placement?.ref ?? resolved.scenario.placement;
  let policies: ResolvedPolicies | undefined;
  try {
    policies = withPreemptionPlugins(
      guarded<Preemptor>('preemption policy', 'an object with victims(job, ctx, eligible)', (x) => typeof (x as Preemptor).victims === 'function', guardPreemptor),
      () =>
        resolvePolicies(queueRef, placementRef, {
          src: options.policy?.src ?? resolved.src,
          placementSrc: options.placement?.src ?? resolved.src,
          pool: { ...resolved.shape, accounts: accountsOf(resolved) },
          extraQueue: guarded<QueueDiscipline>('queue policy', 'an object with schedule(ctx)', (x) => typeof (x as QueueDiscipline).schedule === 'function', guardDiscipline),
          extraPlacement: guarded<Placer>('placement policy', 'an object with place(job, cluster, hints)', (x) => typeof (x as Placer).place === 'function', guardPlacer),
        }),
    );
  } catch (e) {
    collect(e);
  }
  const balancers = resolved.services.map((svc): ResolvedBalancer | undefined => {
    const extra = guarded<LoadBalancer>('load balancer', 'an object with route(request, ctx)', (x) => typeof (x as LoadBalancer).route === 'function', guardBalancer, svc.name);
    try {
      return resolveBalancer(svc.spec.balancer, ['services', svc.index, 'balancer'], resolved.src, extra);
    } catch (e) {
      return collect(e);
    }
  });
  if (issues.length > 0 || !policies) throw new InputError(issues);
  return { ...policies, builtIn: refs.length === 0, balancers: balancers as ResolvedBalancer[] };
}

interface Definition {
  name: string;
  description: string;
  params: { safeParse(v: unknown): unknown };
  create(p: unknown): unknown;
  checkPool?(p: unknown, pool: PoolFacts): unknown;
  warnPool?(p: unknown, pool: PoolFacts): unknown;
}

/** What a queue or placement policy may say of the pool before the run (PolicyDefinition), called as a built-in's are. */
const POOL_HOOKS = ['checkPool', 'warnPool'] as const;

/** Stands for a module that could not be loaded (its problem is already reported): accepts anything. */
const NOT_LOADED: Definition = {
  name: '(not loaded)',
  description: '',
  params: { safeParse: (data: unknown) => ({ success: true, data }) },
  create: () => ({ schedule() {}, place: () => undefined, victims: () => undefined, route: () => 0 }),
};

async function importDefinition(ref: ModuleRef, issues: InputIssue[], monitor: PluginCallMonitor | undefined): Promise<Definition | undefined> {
  const file = isAbsolute(ref.name) ? ref.name : resolve(ref.baseDir, ref.name);
  const what = ref.role === 'load balancer' ? 'balancer module' : 'policy module';
  let mod: Record<string, unknown>;
  // The watchdog names the module while it loads: a top level that never returns is caught too.
  monitor?.enterPlugin(`${what} '${ref.name}'`, 0, undefined);
  try {
    mod = await withoutExit((act) => new Error(`it ${act} while loading; a plug-in must not end the process`), () => importModule(file));
  } catch (e) {
    const why = e instanceof Error ? firstLine(e.message) : String(e);
    issues.push(ref.src.issue(ref.path, `cannot load ${what} '${ref.name}' (${file}): ${why}`));
    return undefined;
  } finally {
    monitor?.exitPlugin();
  }
  const def = definitionOf(mod) as Partial<Definition> | undefined;
  const problems: string[] = [];
  if (def === null || typeof def !== 'object') problems.push('it has no default export (or export named `policy`)');
  else {
    if (typeof def.name !== 'string' || def.name === '') problems.push('`name` is not a non-empty string');
    if (typeof def.params?.safeParse !== 'function') problems.push('`params` is not a zod schema');
    if (typeof def.create !== 'function') problems.push('`create` is not a function');
    for (const hook of POOL_HOOKS) {
      if (def[hook] === undefined) continue;
      // Only queue and placement policies are checked against the pool (resolvePolicies): a hook
      // another kind defines would never run, and its author would believe it protects the run.
      if (ref.role === 'preemption policy' || ref.role === 'load balancer') problems.push(`\`${hook}\` is never called for a ${ref.role} (only queue and placement policies are checked against the pool); remove it`);
      else if (typeof def[hook] !== 'function') problems.push(`\`${hook}\` is not a function`);
    }
  }
  if (problems.length > 0) {
    issues.push(ref.src.issue(ref.path, `'${ref.name}' does not export a ${ref.role} built with ${HELPER[ref.role]}: ${problems.join('; ')}`));
    return undefined;
  }
  const d = def as Definition;
  return {
    name: d.name,
    description: typeof d.description === 'string' ? d.description : '',
    params: d.params,
    create: (p) => d.create(p),
    ...(d.checkPool ? { checkPool: (p: unknown, pool: PoolFacts) => d.checkPool!(p, pool) } : {}),
    ...(d.warnPool ? { warnPool: (p: unknown, pool: PoolFacts) => d.warnPool!(p, pool) } : {}),
  };
}

/**
 * The definition a module exports: its default export (or `policy`). A module compiled as CommonJS
 * (a `.ts` or `.cts` plug-in in a project without "type": "module", or a `.cjs` file written with
 * `exports.default = ...`) arrives through Node's interop wrapped once more, as
 * `{ default: { __esModule, default: definition } }`: that wrapper is unwrapped, never a definition.
 */
function definitionOf(mod: Record<string, unknown>): unknown {
  let m: unknown = mod;
  for (let depth = 0; depth < 3; depth++) {
    const record = m as Record<string, unknown> | null | undefined;
    const def = record?.default ?? record?.policy;
    const inner = def as Record<string, unknown> | null | undefined;
    const wrapper = inner !== null && typeof inner === 'object' && typeof inner.create !== 'function' && (typeof inner.default === 'object' || typeof inner.policy === 'object');
    if (!wrapper) return def;
    m = def;
  }
  return undefined;
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

/** A plug-in's create() that fails or returns the wrong shape: located at the reference in the scenario. */
class PluginShapeError extends Error {
  constructor(
    readonly src: SourceMap,
    readonly path: PathKey[],
    message: string,
  ) {
    super(message);
  }
}

/**
 * The plug-in's definition with a create() that runs its own in the sandbox, checks what it made and
 * wraps it: each instance gets its own guard (views, name, file), and every call goes through it.
 */
function guardedDefinition<T>(
  def: Definition,
  ref: ModuleRef,
  runtime: PluginRuntime,
  what: string,
  check: (made: unknown) => boolean,
  wrap: (guard: PluginGuard, made: T) => T,
): { name: string; description: string; params: Definition['params']; create(p: never): T; checkPool?(p: never, pool: PoolFacts): PoolIssue | undefined; warnPool?(p: never, pool: PoolFacts): PoolIssue[] } {
  const origin: PolicyOrigin = { role: ref.role, file: ref.name, ...(ref.service !== undefined ? { service: ref.service } : {}) };
  const randomName = ref.role === 'placement policy' ? 'hints.random' : 'ctx.random';
  // The pool checks run before any instance exists: a guard of their own, on the same views.
  const hooks = new PluginGuard(def.name, origin, runtime, randomName);
  const { checkPool, warnPool } = def;
  return {
    name: def.name,
    description: def.description,
    params: def.params,
    ...(checkPool
      ? {
          checkPool: (params: never, pool: PoolFacts) =>
            beforeRun(hooks, ref, 'checkPool', () => checkPool(params, hooks.views.view(pool, 'pool')), (x) => (x === undefined ? x : poolIssue(x)), 'undefined or { path: [...], message }'),
        }
      : {}),
    ...(warnPool
      ? {
          warnPool: (params: never, pool: PoolFacts) =>
            beforeRun(hooks, ref, 'warnPool', () => warnPool(params, hooks.views.view(pool, 'pool')), (x) => listOf(x, poolIssue), 'an array of { path: [...], message }'),
        }
      : {}),
    create: (params: never) => {
      const guard = new PluginGuard(def.name, origin, runtime, randomName);
      let made: unknown;
      try {
        made = guard.setup(() => def.create(params));
      } catch (e) {
        throw new PluginShapeError(ref.src, ref.path, `${guard.label}: create() ${e instanceof PolicyError ? e.detail : `threw ${describeThrown(e)}`}`);
      }
      if (made === null || typeof made !== 'object' || !check(made)) throw new PluginShapeError(ref.src, ref.path, `${guard.label}: create() must return ${what}`);
      const notes = (made as Placer).notes;
      if (notes === undefined) return wrap(guard, made as T);
      // A placement's notes on the pool are said with the scenario's warnings (policyWarnings); no other kind has any.
      if (ref.role !== 'placement policy' || typeof notes !== 'function') {
        throw new PluginShapeError(ref.src, ref.path, `${guard.label}: create() returned \`notes\`${ref.role === 'placement policy' ? ', which is not a function' : `, which is never called for a ${ref.role} (only a placement policy's notes(cluster) are said); remove it`}`);
      }
      const placer = wrap(guard, made as T) as Placer;
      return {
        ...placer,
        place: placer.place,
        notes: (cluster: ClusterView) => beforeRun(guard, ref, 'notes', () => notes.call(made, guard.views.view(cluster, 'cluster')), (x) => listOf(x, (n) => (typeof n === 'string' ? n : undefined)), 'an array of strings'),
      } as T;
    },
  };
}

type PoolIssue = { path: PathKey[]; message: string };

/** `x` as a located message (a copy), or undefined when it is not one. */
function poolIssue(x: unknown): PoolIssue | undefined {
  const i = x as { path?: unknown; message?: unknown } | null;
  if (i === null || typeof i !== 'object' || typeof i.message !== 'string' || i.message === '' || !Array.isArray(i.path)) return undefined;
  const path = [...(i.path as unknown[])];
  return path.every((k) => typeof k === 'string' || typeof k === 'number') ? { path: path as PathKey[], message: i.message } : undefined;
}

/** `x` as an array of items `item` accepts (copies), or undefined. */
function listOf<I>(x: unknown, item: (x: unknown) => I | undefined): I[] | undefined {
  if (!Array.isArray(x)) return undefined;
  const items = [...(x as unknown[])].map(item);
  return items.every((i) => i !== undefined) ? (items as I[]) : undefined;
}

/**
 * A plug-in's hook that runs before the simulation (checkPool, warnPool, notes), sandboxed like its
 * other calls, its answer checked. What goes wrong is an input error at the scenario's reference to
 * the plug-in, as a create() that throws is: nothing has run yet.
 */
function beforeRun<R>(guard: PluginGuard, ref: ModuleRef, hook: string, body: () => unknown, accept: (x: unknown) => R | undefined, expected: string): R {
  const refuse = (why: string): never => {
    throw new InputError([ref.src.issue(ref.path, `${guard.label}: ${hook}() ${why}`)]);
  };
  let answer: unknown;
  try {
    answer = guard.setup(body);
  } catch (e) {
    return refuse(e instanceof PolicyError ? e.detail : `threw ${describeThrown(e)}`);
  }
  const accepted = accept(answer);
  if (accepted === undefined && answer !== undefined) return refuse(`must return ${expected}, not ${shownAnswer(answer)}`);
  return accepted as R;
}

function shownAnswer(x: unknown): string {
  if (isThenable(x)) return 'a promise (plug-in hooks are called synchronously)';
  try {
    const text = JSON.stringify(x);
    return text === undefined ? String(x) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return 'an object that cannot be shown as text';
  }
}

const isThenable = (x: unknown): boolean => x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as { then?: unknown }).then === 'function';
