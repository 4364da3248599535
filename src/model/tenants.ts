// Tenants resolved against the pool: each queue's quota per device kind (index), its cohort, weight
// and preemption settings. Names are checked here, so that a misspelt kind, queue or cohort is
// refused at its place in the scenario file.
import type { PathKey } from '../scenario/errors.js';
import { suggestName } from '../scenario/did-you-mean.js';
import { kueueToTenants } from '../scenario/kueue-manifests.js';
import { tenantsSchema, type FairSharingStrategy, type TenantsSpec } from '../scenario/tenants-schema.js';

export interface TenantQueue {
  readonly index: number;
  readonly name: string;
  /** Cohort index, or undefined for a queue that neither borrows nor lends. */
  readonly cohort: number | undefined;
  readonly weight: number;
  readonly strictFifo: boolean;
  /** Per kind index: nominal quota in devices (0 for kinds the queue does not list). */
  readonly nominal: readonly number[];
  /** Per kind index: borrowing limit (undefined: unlimited). */
  readonly borrowingLimit: readonly (number | undefined)[];
  /** Per kind index: lending limit (undefined: all unused nominal may be lent). */
  readonly lendingLimit: readonly (number | undefined)[];
  /** Kinds the queue has quota entries for, in the order flavours are tried. */
  readonly flavours: readonly number[];
  readonly withinQueue: 'never' | 'lower-priority' | 'lower-or-newer-equal-priority';
  readonly reclaimWithinCohort: 'never' | 'lower-priority' | 'any';
  readonly borrowWithinCohort: { readonly policy: 'never' | 'lower-priority'; readonly maxPriorityThreshold: number | undefined };
}

/** A cohort's own quota per kind index (devices; limits undefined when absent). */
export interface CohortQuota {
  readonly nominal: readonly number[];
  readonly borrowingLimit: readonly (number | undefined)[];
  readonly lendingLimit: readonly (number | undefined)[];
}

export interface Tenants {
  readonly queues: readonly TenantQueue[];
  /** Cohort names, by cohort index: those queues name first (in queue order), then those only `cohorts` or a parent names. */
  readonly cohorts: readonly string[];
  /** Per cohort index: its parent cohort (Kueue's hierarchical cohorts), undefined for a root. */
  readonly cohortParent: readonly (number | undefined)[];
  /** Per cohort index: the quota the cohort itself provides to its subtree. */
  readonly cohortQuota: readonly CohortQuota[];
  readonly fairSharing: { readonly enabled: boolean; readonly strategies: readonly FairSharingStrategy[] };
  /** Other names of queues (Kueue LocalQueues, by the ClusterQueue they point to). */
  readonly aliases?: ReadonlyMap<string, number>;
}

/**
 * Resolve the tenants section. `kindOf` maps a device name to a kind index of the pool (reporting
 * it when unknown); `kindCount` is the number of kinds.
 */
export function resolveTenants(
  spec: TenantsSpec,
  kindCount: number,
  kindOf: (name: string, path: readonly PathKey[]) => number | undefined,
  fail: (path: readonly PathKey[], message: string) => void,
): Tenants {
  const cohorts: string[] = [];
  const seen = new Map<string, number>();
  const queues: TenantQueue[] = [];
  spec.queues.forEach((q, qi) => {
    const at: PathKey[] = ['tenants', 'queues', qi];
    if (seen.has(q.name)) fail([...at, 'name'], `queue '${q.name}' is defined twice (first at tenants.queues[${seen.get(q.name)}])`);
    seen.set(q.name, qi);
    let cohort: number | undefined;
    if (q.cohort !== undefined) {
      cohort = cohorts.indexOf(q.cohort);
      if (cohort < 0) cohort = cohorts.push(q.cohort) - 1;
    }
    const nominal = new Array<number>(kindCount).fill(0);
    const borrowingLimit = new Array<number | undefined>(kindCount).fill(undefined);
    const lendingLimit = new Array<number | undefined>(kindCount).fill(undefined);
    const flavours: number[] = [];
    for (const [name, quota] of Object.entries(q.quota)) {
      const kind = kindOf(name, [...at, 'quota', name]);
      if (kind === undefined) continue;
      if (flavours.includes(kind)) {
        fail([...at, 'quota', name], `device kind '${name}' is given twice in this queue's quota`);
        continue;
      }
      if (cohort === undefined && (quota.borrowing_limit !== undefined || quota.lending_limit !== undefined)) {
        fail([...at, 'quota', name], 'borrowing_limit and lending_limit need the queue to be in a cohort (Kueue refuses them too)');
      }
      flavours.push(kind);
      nominal[kind] = quota.nominal;
      borrowingLimit[kind] = quota.borrowing_limit;
      lendingLimit[kind] = quota.lending_limit;
    }
    const bwc = q.preemption.borrow_within_cohort;
    queues.push({
      index: qi,
      name: q.name,
      cohort,
      weight: q.weight,
      strictFifo: q.queueing === 'strict-fifo',
      nominal,
      borrowingLimit,
      lendingLimit,
      flavours,
      withinQueue: q.preemption.within_queue,
      reclaimWithinCohort: q.preemption.reclaim_within_cohort,
      borrowWithinCohort: { policy: bwc.policy, maxPriorityThreshold: bwc.max_priority_threshold },
    });
  });
  const { cohortParent, cohortQuota } = resolveCohorts(spec, cohorts, kindCount, kindOf, fail);
  if (spec.fair_sharing.enabled && cohortParent.some((p) => p !== undefined)) {
    fail(['tenants', 'fair_sharing'], 'fair sharing over a tree of cohorts (Kueue compares shares level by level, with cohort weights) is not modelled; poolsim shares fairly within flat cohorts only');
  }
  return { queues, cohorts, cohortParent, cohortQuota, fairSharing: spec.fair_sharing };
}

/**
 * The cohort tree (KEP-79): each cohort's parent and own quota. A parent must be a cohort the
 * scenario knows (listed in `cohorts` or named by a queue), a cycle is refused (Kueue stops admitting
 * in the whole tree while one exists), and limits need a parent (Kueue's webhook refuses them too).
 * `cohorts` grows with cohorts only `cohorts` names.
 */
function resolveCohorts(
  spec: TenantsSpec,
  cohorts: string[],
  kindCount: number,
  kindOf: (name: string, path: readonly PathKey[]) => number | undefined,
  fail: (path: readonly PathKey[], message: string) => void,
): { cohortParent: (number | undefined)[]; cohortQuota: CohortQuota[] } {
  const seen = new Map<string, number>();
  spec.cohorts.forEach((c, ci) => {
    if (seen.has(c.name)) fail(['tenants', 'cohorts', ci, 'name'], `cohort '${c.name}' is defined twice (first at tenants.cohorts[${seen.get(c.name)}])`);
    else seen.set(c.name, ci);
    if (!cohorts.includes(c.name)) cohorts.push(c.name);
  });
  const parentOf = new Map<string, string>();
  spec.cohorts.forEach((c, ci) => {
    if (c.parent === undefined) return;
    if (!cohorts.includes(c.parent)) {
      const guess = suggestName(c.parent, cohorts);
      fail(['tenants', 'cohorts', ci, 'parent'], `unknown cohort '${c.parent}'${guess ? ` (did you mean '${guess}'?)` : ''}: a parent is a cohort of \`tenants.cohorts\` or one a queue names (${cohorts.join(', ')})`);
      return;
    }
    parentOf.set(c.name, c.parent);
  });
  // Cycles: follow parents from each cohort; a walk that comes back to a cohort on it is a cycle.
  const reported = new Set<string>();
  for (const start of parentOf.keys()) {
    const path = [start];
    for (let at = parentOf.get(start); at !== undefined; at = parentOf.get(at)) {
      const i = path.indexOf(at);
      if (i >= 0) {
        const cycle = path.slice(i);
        if (!cycle.some((n) => reported.has(n))) {
          for (const n of cycle) reported.add(n);
          fail(['tenants', 'cohorts', seen.get(cycle[0]!)!, 'parent'], `cohorts form a cycle: ${[...cycle, cycle[0]].join(' -> ')}; a cohort tree needs a root (Kueue stops admitting in the whole tree while a cycle exists)`);
        }
        break;
      }
      path.push(at);
    }
  }
  const cohortParent = cohorts.map((name) => (reported.has(name) ? undefined : parentOf.has(name) ? cohorts.indexOf(parentOf.get(name)!) : undefined));
  const cohortQuota = cohorts.map((name): CohortQuota => {
    const nominal = new Array<number>(kindCount).fill(0);
    const borrowingLimit = new Array<number | undefined>(kindCount).fill(undefined);
    const lendingLimit = new Array<number | undefined>(kindCount).fill(undefined);
    const ci = seen.get(name);
    if (ci === undefined) return { nominal, borrowingLimit, lendingLimit };
    const c = spec.cohorts[ci]!;
    const given = new Set<number>();
    for (const [kindName, quota] of Object.entries(c.quota)) {
      const at: PathKey[] = ['tenants', 'cohorts', ci, 'quota', kindName];
      const kind = kindOf(kindName, at);
      if (kind === undefined) continue;
      if (given.has(kind)) {
        fail(at, `device kind '${kindName}' is given twice in this cohort's quota`);
        continue;
      }
      given.add(kind);
      if (c.parent === undefined && (quota.borrowing_limit !== undefined || quota.lending_limit !== undefined)) {
        fail(at, 'borrowing_limit and lending_limit need the cohort to have a parent: they bound its subtree against the rest of the tree (Kueue refuses them on a root too)');
        continue;
      }
      nominal[kind] = quota.nominal;
      borrowingLimit[kind] = quota.borrowing_limit;
      lendingLimit[kind] = quota.lending_limit;
    }
    return { nominal, borrowingLimit, lendingLimit };
  });
  return { cohortParent, cohortQuota };
}

/** The queues' names, each once (a name given twice is refused, and listed once in what else is said). */
export function queueNames(tenants: Tenants): string[] {
  return [...new Set(tenants.queues.map((x) => x.name))];
}

/** The index of the queue `name` names (a queue's name or, from Kueue manifests, a LocalQueue's), if any. */
export function queueIndex(tenants: Tenants, name: string): number | undefined {
  const q = tenants.queues.find((x) => x.name === name);
  return q ? q.index : tenants.aliases?.get(name);
}

/** The queue index a workload names, or undefined (reported) when it names none that exists. */
export function queueRef(
  tenants: Tenants | undefined,
  name: string | undefined,
  path: readonly PathKey[],
  fail: (path: readonly PathKey[], message: string) => void,
): number | undefined {
  if (!tenants) {
    if (name !== undefined) fail([...path, 'queue'], `queue '${name}' is named but the scenario defines no tenants (add a \`tenants:\` section with its queues)`);
    return undefined;
  }
  if (name === undefined) {
    fail(path, `the scenario defines tenants, so every workload needs \`queue:\` (one of: ${tenants.queues.map((q) => q.name).join(', ')})`);
    return undefined;
  }
  const found = queueIndex(tenants, name);
  if (found !== undefined) return found;
  const guess = suggestName(name, tenants.queues.map((x) => x.name));
  fail([...path, 'queue'], `unknown queue '${name}'${guess ? ` (did you mean '${guess}'?)` : `; the queues are: ${queueNames(tenants).join(', ')}`}`);
  return undefined;
}

/**
 * A kind reference for quotas: a name the loader knows (aliases, any case) that names a kind of the
 * pool. A quota on a kind no node group has could never be used, so it is refused.
 */
export function poolKindRef(
  poolKinds: ReadonlySet<number>,
  kinds: readonly { readonly name: string; readonly index: number }[],
  canonicalOf: (name: string) => string,
  fail: (path: readonly PathKey[], message: string) => void,
): (name: string, path: readonly PathKey[]) => number | undefined {
  const inPool = kinds.filter((k) => poolKinds.has(k.index));
  return (name, path) => {
    const canonical = canonicalOf(name);
    const kind = inPool.find((k) => k.name === canonical);
    if (kind) return kind.index;
    const guess = suggestName(name, inPool.map((k) => k.name));
    fail(path, `no node group has ${canonical === name ? `'${name}'` : `'${name}' (${canonical})`} devices, so a quota of them could never be used${guess ? ` (did you mean '${guess}'?)` : ''}; the pool has ${inPool.map((k) => k.name).join(', ')}`);
    return undefined;
  };
}

/**
 * The scenario's tenants: its `tenants` section, or Kueue manifests named by `tenants_from` (read
 * with `read`, problems located at tenants_from.path and naming the object and field in the file).
 */
export function resolveScenarioTenants(
  scenario: { tenants?: TenantsSpec | undefined; tenants_from?: { format: 'kueue'; path: string; flavors: Record<string, string>; fair_sharing: TenantsSpec['fair_sharing'] } | undefined },
  kindCount: number,
  kindRef: (report: (path: readonly PathKey[], message: string) => void) => (name: string, path: readonly PathKey[]) => number | undefined,
  fail: (path: readonly PathKey[], message: string) => void,
  read: (path: string, at: readonly PathKey[]) => string | undefined,
): Tenants | undefined {
  const from = scenario.tenants_from;
  if (!from) return scenario.tenants ? resolveTenants(scenario.tenants, kindCount, kindRef(fail), fail) : undefined;
  const at: PathKey[] = ['tenants_from', 'path'];
  if (scenario.tenants) {
    fail(['tenants_from'], 'give `tenants` or `tenants_from`, not both');
    return undefined;
  }
  const text = read(from.path, at);
  if (text === undefined) return undefined;
  const imported = kueueToTenants(text, from.flavors);
  // Located in the manifests' file by line: 'kueue.yaml:14: ClusterQueue ...'.
  const inFile = (line: number | undefined): string => (line ? `${from.path}:${line}` : from.path);
  for (const p of imported.problems) fail(at, `${inFile(p.line)}: ${p.message}`);
  if (imported.problems.length > 0) return undefined;
  const lineOfObject = (path: readonly PropertyKey[]): number | undefined =>
    typeof path[1] === 'number' ? (path[0] === 'cohorts' ? imported.lines.cohorts : path[0] === 'queues' ? imported.lines.queues : [])[path[1]] : undefined;
  const parsed = tenantsSchema.safeParse({ ...imported.tenants, fair_sharing: from.fair_sharing });
  if (!parsed.success) {
    for (const i of parsed.error.issues) fail(at, `${inFile(lineOfObject(i.path))}: ${describeQueuePath(imported.tenants, i.path)}: ${i.message}`);
    return undefined;
  }
  const names = parsed.data.queues.map((q) => q.name);
  const cohortNames = parsed.data.cohorts.map((c) => c.name);
  // Problems resolve() finds (a flavour naming no kind of the pool, a cycle of cohorts) name the object and flavour.
  const located = (path: readonly PathKey[], message: string): void => {
    const object = path[1] === 'cohorts' ? `Cohort '${cohortNames[Number(path[2])] ?? '?'}'` : path[1] === 'queues' ? `ClusterQueue '${names[Number(path[2])] ?? '?'}'` : 'the manifests';
    fail(at, `${inFile(lineOfObject(path.slice(1)))}: ${object}${path[4] !== undefined ? `, flavour for '${String(path[4])}'` : ''}: ${message}${path[3] === 'quota' ? ' (map flavours to kinds in tenants_from.flavors)' : ''}`);
  };
  const tenants = resolveTenants(parsed.data, kindCount, kindRef(located), located);
  const aliases = new Map<string, number>();
  for (const [local, cq] of Object.entries(imported.localQueues)) if (!names.includes(local)) aliases.set(local, names.indexOf(cq));
  return { ...tenants, aliases };
}

function describeQueuePath(imported: { queues: readonly Record<string, unknown>[]; cohorts: readonly Record<string, unknown>[] }, path: readonly PropertyKey[]): string {
  const i = path[1];
  const list = path[0] === 'cohorts' ? imported.cohorts : imported.queues;
  const name = typeof i === 'number' ? String(list[i]?.name ?? '?') : '?';
  return `${path[0] === 'cohorts' ? 'Cohort' : 'ClusterQueue'} '${name}' ${path.slice(2).map(String).join('.')}`;
}

/**
 * Kinds whose nominal quotas (every queue's and every cohort's own) add up to more devices than the
 * pool has of them: not every queue can hold its nominal quota at once, so a workload admitted
 * within its queue's quota may still wait for devices other queues hold. Kueue allows it (quotas
 * are not checked against nodes); a plan that relies on the guarantees should know.
 */
export function overcommittedKinds(tenants: Tenants, poolDevices: readonly number[]): { kind: number; nominal: number; devices: number }[] {
  const out: { kind: number; nominal: number; devices: number }[] = [];
  for (let k = 0; k < poolDevices.length; k++) {
    let nominal = 0;
    for (const q of tenants.queues) nominal += q.nominal[k] ?? 0;
    for (const c of tenants.cohortQuota) nominal += c.nominal[k] ?? 0;
    if (nominal > poolDevices[k]!) out.push({ kind: k, nominal, devices: poolDevices[k]! });
  }
  return out;
}
