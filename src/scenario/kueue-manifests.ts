// Kueue manifests (ClusterQueue, LocalQueue, ResourceFlavor, Cohort: the YAML a platform team already
// applies to its cluster) turned into the scenario's `tenants` section, Cohort objects (a parent,
// quota of their own) into its `cohorts`. Accelerator quotas become quotas per device kind (a flavour
// maps to a kind by `flavors:` or by its own name); what poolsim does not model is refused, naming
// the object and field, rather than silently dropped.
import { LineCounter, parseAllDocuments, type Document } from 'yaml';

/** A problem in the manifests: its 1-based line in the file (0: not on a line), and what is wrong. */
export interface KueueProblem {
  line: number;
  message: string;
}

/**
 * The result: a `tenants` section (before its schema's defaults), LocalQueue -> ClusterQueue names,
 * problems, and the line each queue's and cohort's object starts on (for problems found later).
 */
export interface KueueImport {
  tenants: { queues: Record<string, unknown>[]; cohorts: Record<string, unknown>[] };
  localQueues: Record<string, string>;
  problems: KueueProblem[];
  lines: { queues: number[]; cohorts: number[] };
}

/** Reports a problem at a path inside the current object (its own line when the path is absent there). */
type Report = (path: readonly (string | number)[], message: string) => void;

/** Resource names counted as devices: accelerators (nvidia.com/gpu, amd.com/gpu, google.com/tpu, ...). */
const DEVICE_RESOURCE = /(^|[./])(gpu|tpu|npu|neuron|neuroncore|accelerator)s?$/i;
/** Resources a queue may list that poolsim does not model; their quotas are ignored. */
const HOST_RESOURCES = new Set(['cpu', 'memory', 'pods', 'ephemeral-storage']);

const PREEMPTION: Record<string, Record<string, string>> = {
  withinClusterQueue: { Never: 'never', LowerPriority: 'lower-priority', LowerOrNewerEqualPriority: 'lower-or-newer-equal-priority' },
  reclaimWithinCohort: { Never: 'never', LowerPriority: 'lower-priority', Any: 'any' },
  borrowWithinCohort: { Never: 'never', LowerPriority: 'lower-priority' },
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Kubernetes quantities of devices: integers ("8", 8); anything else is refused by the caller. */
function count(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * `flavors` maps a ResourceFlavor's name to a device kind name; unmapped flavours keep their own
 * name (the loader then resolves it as a kind, aliases and case included).
 */
export function kueueToTenants(text: string, flavors: Readonly<Record<string, string>>): KueueImport {
  const problems: KueueProblem[] = [];
  const queues: Record<string, unknown>[] = [];
  const cohorts: Record<string, unknown>[] = [];
  const lines = { queues: [] as number[], cohorts: [] as number[] };
  const localQueues: Record<string, string> = {};
  const localLines = new Map<string, number>();
  const localSeen = new Map<string, { clusterQueue: string; ns: string; line: number }>();
  const known = new Set<string>();
  const counter = new LineCounter();
  const lineAtOffset = (offset: number | undefined): number => (offset === undefined ? 0 : counter.linePos(offset).line);
  let docs;
  try {
    docs = parseAllDocuments(text, { lineCounter: counter });
  } catch (e) {
    return { tenants: { queues, cohorts }, localQueues, problems: [{ line: 0, message: `not YAML: ${e instanceof Error ? e.message : String(e)}` }], lines };
  }
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      problems.push({ line: e.linePos?.[0]?.line ?? lineAtOffset(e.pos[0]), message: `not YAML: ${e.message.split('\n')[0]}` });
      continue;
    }
    const o = doc.toJS() as unknown;
    if (o === null || o === undefined) continue;
    const start = lineAtOffset(doc.contents?.range?.[0]);
    const report: Report = (path, message) => problems.push({ line: lineOf(doc, path, lineAtOffset) || start, message });
    if (!isObj(o) || typeof o.kind !== 'string') {
      problems.push({ line: start, message: 'a document that is not a Kubernetes object (no kind)' });
      continue;
    }
    const name = isObj(o.metadata) && typeof o.metadata.name === 'string' ? o.metadata.name : undefined;
    const spec = isObj(o.spec) ? o.spec : {};
    const at = `${o.kind} '${name ?? '?'}'`;
    if (name === undefined) {
      report(['metadata'], `${o.kind} without metadata.name`);
      continue;
    }
    switch (o.kind) {
      case 'ResourceFlavor':
        known.add(name);
        break;
      case 'LocalQueue': {
        if (typeof spec.clusterQueue !== 'string') {
          report(['spec'], `${at}: spec.clusterQueue is missing`);
          break;
        }
        // LocalQueues are namespaced (Kueue's examples give every namespace a 'user-queue'), but a
        // job names its queue by name alone: one name for two ClusterQueues would be a guess.
        const ns = isObj(o.metadata) && typeof o.metadata.namespace === 'string' ? o.metadata.namespace : 'default';
        const first = localSeen.get(name);
        if (first && first.clusterQueue !== spec.clusterQueue) {
          problems.push({
            line: start,
            message: `${at} (namespace ${ns}) points to ClusterQueue '${spec.clusterQueue}', and the LocalQueue '${name}' of line ${first.line} (namespace ${first.ns}) to '${first.clusterQueue}': a job's \`queue:\` names a queue by name alone, so it would be ambiguous; name the ClusterQueue in \`queue:\` instead, or give the LocalQueues different names`,
          });
          break;
        }
        if (!first) localSeen.set(name, { clusterQueue: spec.clusterQueue, ns, line: start });
        localQueues[name] = spec.clusterQueue;
        localLines.set(name, lineOf(doc, ['spec', 'clusterQueue'], lineAtOffset) || start);
        break;
      }
      case 'Cohort':
        // A node of the cohort tree (KEP-79): its parent (spec.parent in v1beta1, spec.parentName in
        // v1beta2) and quota of its own, with limits that bound its subtree.
        cohorts.push(cohort(name, spec, at, flavors, report));
        lines.cohorts.push(start);
        break;
      case 'ClusterQueue':
        queues.push(clusterQueue(name, spec, at, flavors, report));
        lines.queues.push(start);
        break;
      default:
        report(['kind'], `${at}: kind ${o.kind} is not one poolsim reads (ClusterQueue, LocalQueue, ResourceFlavor, Cohort)`);
    }
  }
  // Flavours a queue names must be defined, as Kueue requires before it admits anything.
  if (known.size > 0) {
    queues.forEach((q, i) => {
      for (const f of (q._flavours as string[]) ?? []) if (!known.has(f)) problems.push({ line: lines.queues[i]!, message: `ClusterQueue '${String(q.name)}': flavour '${f}' has no ResourceFlavor` });
    });
    cohorts.forEach((c, i) => {
      for (const f of (c._flavours as string[]) ?? []) if (!known.has(f)) problems.push({ line: lines.cohorts[i]!, message: `Cohort '${String(c.name)}': flavour '${f}' has no ResourceFlavor` });
    });
  }
  for (const q of [...queues, ...cohorts]) delete q._flavours;
  for (const [lq, cq] of Object.entries(localQueues)) {
    if (!queues.some((q) => q.name === cq)) problems.push({ line: localLines.get(lq) ?? 0, message: `LocalQueue '${lq}': ClusterQueue '${cq}' is not defined` });
    else if (lq !== cq && queues.some((q) => q.name === lq)) {
      const seen = localSeen.get(lq)!;
      problems.push({
        line: seen.line,
        message: `LocalQueue '${lq}' (namespace ${seen.ns}) points to ClusterQueue '${cq}', but a ClusterQueue is named '${lq}' too: a job's \`queue: ${lq}\` would mean the ClusterQueue; give the LocalQueue another name`,
      });
    }
  }
  if (queues.length === 0 && problems.length === 0) problems.push({ line: 0, message: 'no ClusterQueue found' });
  return { tenants: { queues, cohorts }, localQueues, problems, lines };
}

/** The line of the node at `path` in a document (0 when the path is not there). */
function lineOf(doc: Document.Parsed, path: readonly (string | number)[], lineAt: (offset: number | undefined) => number): number {
  for (let n = path.length; n > 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lineAt(node.range[0]);
  }
  return 0;
}

function clusterQueue(name: string, spec: Obj, at: string, flavors: Readonly<Record<string, string>>, report: Report): Record<string, unknown> {
  const q: Record<string, unknown> = { name };
  const cohort = spec.cohortName ?? spec.cohort;
  if (typeof cohort === 'string' && cohort !== '') q.cohort = cohort;
  if (isObj(spec.fairSharing) && spec.fairSharing.weight !== undefined) {
    const w = Number(spec.fairSharing.weight);
    if (Number.isFinite(w) && w >= 0) q.weight = w;
    else report(['spec', 'fairSharing', 'weight'], `${at}: spec.fairSharing.weight '${String(spec.fairSharing.weight)}' is not a number`);
  }
  if (spec.queueingStrategy !== undefined) {
    if (spec.queueingStrategy === 'StrictFIFO') q.queueing = 'strict-fifo';
    else if (spec.queueingStrategy === 'BestEffortFIFO') q.queueing = 'best-effort-fifo';
    else report(['spec', 'queueingStrategy'], `${at}: spec.queueingStrategy '${String(spec.queueingStrategy)}' is not StrictFIFO or BestEffortFIFO`);
  }
  if (isObj(spec.preemption)) {
    const p: Record<string, unknown> = {};
    const pick = (field: string, value: unknown, key: string): void => {
      if (value === undefined) return;
      const v = PREEMPTION[field]![String(value)];
      if (v === undefined) report(['spec', 'preemption', field], `${at}: spec.preemption.${field} '${String(value)}' is not one of ${Object.keys(PREEMPTION[field]!).join(', ')}`);
      else p[key] = v;
    };
    pick('withinClusterQueue', spec.preemption.withinClusterQueue, 'within_queue');
    pick('reclaimWithinCohort', spec.preemption.reclaimWithinCohort, 'reclaim_within_cohort');
    const bwc = spec.preemption.borrowWithinCohort;
    if (isObj(bwc)) {
      const b: Record<string, unknown> = {};
      const v = PREEMPTION.borrowWithinCohort![String(bwc.policy ?? 'Never')];
      if (v === undefined) report(['spec', 'preemption', 'borrowWithinCohort', 'policy'], `${at}: spec.preemption.borrowWithinCohort.policy '${String(bwc.policy)}' is not Never or LowerPriority`);
      else b.policy = v;
      if (bwc.maxPriorityThreshold !== undefined) b.max_priority_threshold = Number(bwc.maxPriorityThreshold);
      p.borrow_within_cohort = b;
    }
    q.preemption = p;
  }
  if (isObj(spec.flavorFungibility)) {
    const f = spec.flavorFungibility;
    if ((f.whenCanBorrow ?? 'Borrow') !== 'Borrow' || (f.whenCanPreempt ?? 'TryNextFlavor') !== 'TryNextFlavor') {
      report(['spec', 'flavorFungibility'], `${at}: spec.flavorFungibility other than whenCanBorrow: Borrow, whenCanPreempt: TryNextFlavor (Kueue's defaults) is not modelled`);
    }
  }
  for (const field of ['admissionChecks', 'admissionChecksStrategy']) if (spec[field] !== undefined) report(['spec', field], `${at}: spec.${field} is not modelled (admission checks gate admission on outside systems)`);
  if (spec.stopPolicy !== undefined && spec.stopPolicy !== 'None') report(['spec', 'stopPolicy'], `${at}: spec.stopPolicy '${String(spec.stopPolicy)}' is not modelled`);
  const { quota, flavourNames } = deviceQuotas(spec, at, flavors, report);
  if (Object.keys(quota).length === 0) report(['spec', 'resourceGroups'], `${at}: no accelerator quota (a resource such as nvidia.com/gpu)`);
  q.quota = quota;
  q._flavours = flavourNames;
  return q;
}

/** The accelerator quotas of an object's spec.resourceGroups, by device kind (host resources ignored). */
function deviceQuotas(spec: Obj, at: string, flavors: Readonly<Record<string, string>>, report: Report): { quota: Record<string, unknown>; flavourNames: string[] } {
  const quota: Record<string, unknown> = {};
  const flavourNames: string[] = [];
  const groups = Array.isArray(spec.resourceGroups) ? spec.resourceGroups : [];
  groups.forEach((g: unknown, gi) => {
    if (!isObj(g) || !Array.isArray(g.flavors)) return;
    g.flavors.forEach((f: unknown, fi) => {
      if (!isObj(f) || typeof f.name !== 'string' || !Array.isArray(f.resources)) return;
      const flavour = f.name;
      (f.resources as unknown[]).forEach((r, ri) => {
        if (!isObj(r) || typeof r.name !== 'string') return;
        const here = ['spec', 'resourceGroups', gi, 'flavors', fi, 'resources', ri];
        const where = `${at}: spec.resourceGroups[${gi}].flavors[${fi}] (${flavour}) resource ${r.name}`;
        if (HOST_RESOURCES.has(r.name)) return;
        if (!DEVICE_RESOURCE.test(r.name)) {
          report(here, `${where}: poolsim models accelerators only (gpu, tpu, npu resources)`);
          return;
        }
        const kind = flavors[flavour] ?? flavour;
        if (quota[kind] !== undefined) {
          report(here, `${where}: a second accelerator quota for device kind '${kind}' (poolsim has one resource, devices, per kind)`);
          return;
        }
        const nominal = count(r.nominalQuota);
        const borrowing = r.borrowingLimit === undefined ? undefined : count(r.borrowingLimit);
        const lending = r.lendingLimit === undefined ? undefined : count(r.lendingLimit);
        if (nominal === undefined || (r.borrowingLimit !== undefined && borrowing === undefined) || (r.lendingLimit !== undefined && lending === undefined)) {
          // Which one, as written: -3 is whole, so "must be whole numbers" alone sent users looking.
          const bad = (['nominalQuota', 'borrowingLimit', 'lendingLimit'] as const).filter((k) => (k === 'nominalQuota' || r[k] !== undefined) && count(r[k]) === undefined);
          report(here, `${where}: quotas of devices must be whole numbers >= 0, got ${bad.map((k) => `${k} ${typeof r[k] === 'string' ? `'${r[k]}'` : String(r[k] ?? 'nothing')}`).join(', ')}`);
          return;
        }
        quota[kind] = { nominal, ...(borrowing !== undefined ? { borrowing_limit: borrowing } : {}), ...(lending !== undefined ? { lending_limit: lending } : {}) };
        flavourNames.push(flavour);
      });
    });
  });
  return { quota, flavourNames };
}

/** A Cohort object: its parent and the quota it holds itself (a tree of cohorts, KEP-79). */
function cohort(name: string, spec: Obj, at: string, flavors: Readonly<Record<string, string>>, report: Report): Record<string, unknown> {
  const c: Record<string, unknown> = { name };
  const parent = spec.parentName ?? spec.parent;
  if (parent !== undefined && parent !== '') {
    if (typeof parent === 'string') c.parent = parent;
    else report(['spec', spec.parentName !== undefined ? 'parentName' : 'parent'], `${at}: spec.parent is not a cohort name`);
  }
  if (spec.fairSharing !== undefined) report(['spec', 'fairSharing'], `${at}: spec.fairSharing (a cohort's fair-sharing weight) is not modelled; poolsim shares fairly within flat cohorts only`);
  const { quota, flavourNames } = deviceQuotas(spec, at, flavors, report);
  if (Object.keys(quota).length > 0) c.quota = quota;
  c._flavours = flavourNames;
  return c;
}
