// Scenario text -> validated, resolved scenario: YAML parse, schema validation (scenario/), then
// the checks that need the catalogue and the model (device names, pool capacity, links,
// transfers). All problems are reported together.
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { DEVICE_CATALOGUE, FABRIC_PRESETS } from './catalogue.js';
import { deviceSchema, fabricSchema, type DeviceKind, type FabricPreset } from './hardware-schema.js';
import type { ClusterShape, Datacentre, KindInfo, NodeGroup } from './cluster.js';
import { trainingFlop, type JobTemplate } from './job.js';
import type { InterDcLink } from './network/topology.js';
import { suggestName } from '../scenario/did-you-mean.js';
import { InputError, SourceMap, zodIssues, type InputIssue, type PathKey } from '../scenario/errors.js';
import { scenarioSchema, type GeneratorSpec, type Scenario } from '../scenario/schema.js';

export interface GeneratorSource {
  readonly name: string;
  readonly spec: GeneratorSpec;
  readonly allowedKinds: readonly number[] | undefined;
  /** Kind whose peak x efficiency converts a duration into work. */
  readonly referenceKind: number | undefined;
}

/** A scenario checked against the catalogue, with names resolved to indices. */
export interface ResolvedScenario {
  readonly scenario: Scenario;
  readonly file: string;
  readonly shape: ClusterShape;
  readonly jobs: readonly JobTemplate[];
  readonly generators: readonly GeneratorSource[];
  /** Locates later semantic problems (policy parameters) in the file. */
  readonly src: SourceMap;
  readonly interDc: readonly InterDcLink[];
  readonly transfers: readonly TransferPlan[];
}

export interface TransferPlan {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly bytes: number;
  readonly startS: number;
  /** Starts when this job finishes. */
  readonly after: string | undefined;
  /** This job waits for the transfer. */
  readonly before: string | undefined;
}

/** Parse and validate scenario text. Throws InputError carrying every issue found. */
export function loadScenario(text: string, file: string): ResolvedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const src = new SourceMap(file, doc, lines);
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError([{ file, line: 1, column: 1, path: '', message: 'expected a mapping with name, datacentres and workloads' }]);
  }
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) throw new InputError(zodIssues(parsed.error.issues, src, scenarioSchema, data));
  return resolveScenario(parsed.data, src);
}

/** Checks that need the catalogue, and the resolution of names to indices. */
export function resolveScenario(scenario: Scenario, src: SourceMap): ResolvedScenario {
  const issues: InputIssue[] = [];
  const fail = (path: readonly PathKey[], message: string): void => void issues.push(src.issue(path, message));

  // Device kinds: catalogue, overridden or extended by the scenario.
  const kindSpecs = new Map<string, DeviceKind>(Object.entries(DEVICE_CATALOGUE));
  for (const [name, override] of Object.entries(scenario.devices)) {
    const base = kindSpecs.get(name);
    const merged = base ? { ...base, ...override, interconnect: { ...base.interconnect, ...(override.interconnect ?? {}) } } : override;
    const r = deviceSchema.safeParse(merged);
    if (r.success) kindSpecs.set(name, r.data);
    else {
      for (const i of r.error.issues) {
        const msg = base ? i.message : `new device kind '${name}' needs every field: ${z.prettifyError(new z.ZodError([i])).replace(/^✖ /, '').split('\n')[0]}`;
        fail(['devices', name, ...(i.path as PathKey[])], msg);
      }
    }
  }
  const fabricSpecs = new Map<string, FabricPreset>(Object.entries(FABRIC_PRESETS));
  for (const [name, override] of Object.entries(scenario.fabrics)) {
    const r = fabricSchema.safeParse({ ...fabricSpecs.get(name), ...override });
    if (r.success) fabricSpecs.set(name, r.data);
    else for (const i of r.error.issues) fail(['fabrics', name, ...(i.path as PathKey[])], i.message);
  }

  const kindNames = [...kindSpecs.keys()];
  const kinds: KindInfo[] = [];
  const kindIndexByName = new Map<string, number>();
  const useKind = (name: string, path: readonly PathKey[]): number | undefined => {
    const known = kindIndexByName.get(name);
    if (known !== undefined) return known;
    const spec = kindSpecs.get(name) ?? kindSpecs.get(kindNames.find((k) => k.toLowerCase() === name.toLowerCase()) ?? '');
    if (!spec) {
      const guess = suggestName(name, kindNames);
      fail(path, `unknown device kind '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; \`poolsim devices\` lists the catalogue, and 'devices:' in the scenario adds kinds`);
      return undefined;
    }
    const index = kinds.length;
    kinds.push({ index, name, spec });
    kindIndexByName.set(name, index);
    return index;
  };

  // Data centres and node groups.
  const dcIndex = new Map<string, number>();
  const datacentres: Datacentre[] = [];
  const groups: NodeGroup[] = [];
  let firstNode = 0;
  scenario.datacentres.forEach((dc, di) => {
    if (dcIndex.has(dc.name)) fail(['datacentres', di, 'name'], `duplicate data centre name '${dc.name}'`);
    dcIndex.set(dc.name, di);
    let fabric: FabricPreset | undefined;
    if (dc.fabric) {
      const { preset, ...over } = dc.fabric as { preset: string } & Partial<FabricPreset>;
      const base = fabricSpecs.get(preset);
      if (!base) {
        const guess = suggestName(preset, [...fabricSpecs.keys()]);
        fail(['datacentres', di, 'fabric'], `unknown fabric preset '${preset}'${guess ? ` (did you mean '${guess}'?)` : `; expected one of: ${[...fabricSpecs.keys()].join(', ')}`}`);
      } else fabric = { ...base, ...over };
    }
    datacentres.push({
      index: di,
      name: dc.name,
      pue: dc.pue,
      electricityPrice: dc.electricity_price,
      carbonIntensityKgPerKWh: dc.carbon_intensity,
      fabric,
      nodesPerLeaf: dc.nodes_per_leaf,
      oversubscription: dc.oversubscription,
    });
    dc.node_groups.forEach((g, gi) => {
      const kind = useKind(g.device, ['datacentres', di, 'node_groups', gi, 'device']);
      if (kind === undefined) return;
      const spec = kinds[kind]!.spec;
      groups.push({
        name: g.name ?? `${dc.name}-${g.device}-${gi}`,
        datacentre: di,
        kind,
        firstNode,
        nodeCount: g.count,
        devicesPerNode: g.devices_per_node ?? spec.devices_per_node,
        nicsPerNode: g.nics ?? g.devices_per_node ?? spec.devices_per_node,
        nicRateBytesPerS: g.nic_rate,
      });
      firstNode += g.count;
    });
  });
  const dcRef = (name: string, path: readonly PathKey[]): number | undefined => {
    const i = dcIndex.get(name);
    if (i === undefined) {
      const guess = suggestName(name, [...dcIndex.keys()]);
      fail(path, `unknown data centre '${name}'${guess ? ` (did you mean '${guess}'?)` : `; expected one of: ${[...dcIndex.keys()].join(', ')}`}`);
    }
    return i;
  };
  const interDc: InterDcLink[] = [];
  scenario.links.forEach((l, li) => {
    const a = dcRef(l.between[0], ['links', li, 'between', 0]);
    const b = dcRef(l.between[1], ['links', li, 'between', 1]);
    if (a !== undefined && b !== undefined && a === b) fail(['links', li, 'between'], 'a link joins two different data centres');
    if (a === undefined || b === undefined) return;
    interDc.push({
      name: l.name ?? `${l.between[0]}-${l.between[1]}`,
      a,
      b,
      latencyS: l.latency,
      bandwidthBytesPerS: l.bandwidth,
      efficiency: l.efficiency,
      windowBytes: l.window,
    });
  });

  const poolKinds = new Set(groups.map((g) => g.kind));
  const capacityOf = (allowed: readonly number[] | undefined): number => maxPerKind(groups, allowed ?? [...poolKinds]);

  // Explicit jobs.
  const jobs: JobTemplate[] = [];
  const generators: GeneratorSource[] = [];
  scenario.workloads.forEach((w, wi) => {
    if ('jobs' in w) {
      w.jobs.forEach((j, ji) => {
        const at: PathKey[] = ['workloads', wi, 'jobs', ji];
        const allowed = j.device_kinds?.map((k, ki) => useKind(k, [...at, 'device_kinds', ki]));
        if (allowed?.some((k) => k === undefined)) return;
        const allowedKinds = allowed as number[] | undefined;
        const work = jobWork(j, allowedKinds, at, useKind, kinds, fail);
        if (work === undefined) return;
        const capacity = capacityOf(allowedKinds);
        if (j.devices > capacity) {
          const kindList = allowedKinds ? allowedKinds.map((k) => kinds[k]!.name).join(', ') : 'any kind';
          fail([...at, 'devices'], `job needs ${j.devices} devices of one kind (${kindList}) but the pool has at most ${capacity}; it could never start`);
          return;
        }
        if (j.layout && j.layout.tp * j.layout.pp * j.layout.dp !== j.devices) {
          fail([...at, 'layout'], `tp x pp x dp = ${j.layout.tp} x ${j.layout.pp} x ${j.layout.dp} = ${j.layout.tp * j.layout.pp * j.layout.dp}, but the job has ${j.devices} devices`);
          return;
        }
        if (j.layout && j.params === undefined) fail([...at, 'layout'], 'a layout needs the model: give `params` (its size) too');
        jobs.push({
          name: j.name ?? `w${wi}-j${ji}`,
          submitS: j.submit,
          devices: j.devices,
          usefulFlop: work,
          efficiency: j.efficiency,
          allowedKinds,
          priority: j.priority,
          params: j.params ?? 0,
          source: `workloads[${wi}]`,
          shape: j.model,
          layout: j.layout,
        });
      });
    } else {
      const g = w.generator;
      const at: PathKey[] = ['workloads', wi, 'generator'];
      const allowed = g.device_kinds?.map((k, ki) => useKind(k, [...at, 'device_kinds', ki]));
      if (allowed?.some((k) => k === undefined)) return;
      if (g.count === undefined && g.until === undefined && scenario.horizon === undefined) {
        fail(at, 'a generator needs `count` or `until` (or the scenario a `horizon`), or it would never stop');
      }
      if (g.arrival.process === 'poisson' && (g.arrival.rate === undefined) === (g.arrival.mean_interval === undefined)) {
        fail([...at, 'arrival'], 'a poisson arrival needs exactly one of `rate` (e.g. 10/h) or `mean_interval` (e.g. 6min)');
      }
      const hasDuration = g.duration !== undefined;
      const hasModel = g.params !== undefined || g.tokens !== undefined;
      if (hasDuration === (g.tokens !== undefined) || (g.tokens !== undefined && g.params === undefined)) {
        fail(at, 'a generator needs either `duration` (run time on a reference device kind) or both `params` and `tokens`');
      }
      void hasModel;
      let referenceKind: number | undefined;
      if (hasDuration) {
        referenceKind = referenceKindOf(g.reference_device, allowed as number[] | undefined, [...at, 'reference_device'], useKind, fail);
      }
      generators.push({ name: g.name ?? `workloads[${wi}]`, spec: g, allowedKinds: allowed as number[] | undefined, referenceKind });
    }
  });

  // Transfers, and the jobs they wait for or follow.
  const jobNames = new Set(jobs.map((j) => j.name));
  const transfers: TransferPlan[] = [];
  const waits = new Map<string, string[]>();
  scenario.transfers.forEach((t, ti) => {
    const at: PathKey[] = ['transfers', ti];
    const from = dcRef(t.from, [...at, 'from']);
    const to = dcRef(t.to, [...at, 'to']);
    for (const key of ['after', 'before'] as const) {
      const name = t[key];
      if (name !== undefined && !jobNames.has(name)) {
        const guess = suggestName(name, [...jobNames]);
        fail([...at, key], `unknown job '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; transfers refer to jobs listed by name under workloads`);
      }
    }
    if (t.before !== undefined) waits.set(t.before, [...(waits.get(t.before) ?? []), t.name]);
    if (from === undefined || to === undefined) return;
    if (from === to) fail(at, 'a transfer moves data between two different data centres');
    transfers.push({ name: t.name, from, to, bytes: t.size, startS: t.start, after: t.after, before: t.before });
  });
  const withWaits = waits.size === 0 ? jobs : jobs.map((j) => (waits.has(j.name) ? { ...j, waitsFor: waits.get(j.name) } : j));

  if (issues.length > 0) throw new InputError(issues);
  return { scenario, file: src.file, shape: { datacentres, kinds, groups }, jobs: withWaits, generators, src, interDc, transfers };
}

function maxPerKind(groups: readonly NodeGroup[], allowed: readonly number[]): number {
  let best = 0;
  for (const k of allowed) {
    let total = 0;
    for (const g of groups) if (g.kind === k) total += g.nodeCount * g.devicesPerNode;
    best = Math.max(best, total);
  }
  return best;
}

type UseKind = (name: string, path: readonly PathKey[]) => number | undefined;
type Fail = (path: readonly PathKey[], message: string) => void;

function referenceKindOf(name: string | undefined, allowed: readonly number[] | undefined, path: readonly PathKey[], useKind: UseKind, fail: Fail): number | undefined {
  if (name !== undefined) return useKind(name, path);
  if (allowed && allowed.length === 1) return allowed[0];
  fail(path.slice(0, -1), 'a job given as a `duration` needs `reference_device` (the kind that duration was measured on) unless `device_kinds` names exactly one kind');
  return undefined;
}

function jobWork(
  j: { params?: number | undefined; tokens?: number | undefined; work?: number | undefined; duration?: number | undefined; reference_device?: string | undefined; efficiency?: number | undefined; devices: number },
  allowed: readonly number[] | undefined,
  at: readonly PathKey[],
  useKind: UseKind,
  kinds: readonly KindInfo[],
  fail: Fail,
): number | undefined {
  // `params` alone describes the model (for its communication); the work comes from exactly one of
  // tokens (with params), work, or a duration on a reference kind.
  const forms = [j.tokens !== undefined, j.work !== undefined, j.duration !== undefined].filter(Boolean).length;
  if (forms !== 1) {
    fail(at, forms === 0 ? 'a job needs its work: `params` and `tokens`, or `work` in FLOP, or a `duration` on a reference device kind' : 'give only one of: `tokens` (with `params`), `work`, or `duration`');
    return undefined;
  }
  if (j.work !== undefined) return j.work;
  if (j.duration !== undefined) {
    const ref = referenceKindOf(j.reference_device, allowed, [...at, 'reference_device'], useKind, fail);
    if (ref === undefined) return undefined;
    const spec = kinds[ref]!.spec;
    return j.duration * j.devices * spec.peak * (j.efficiency ?? spec.efficiency);
  }
  if (j.params === undefined) {
    fail(at, 'a job given by its tokens needs `params` too (work = 6 x params x tokens)');
    return undefined;
  }
  return trainingFlop(j.params, j.tokens!);
}
