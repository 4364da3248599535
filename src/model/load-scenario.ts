// Scenario text -> validated, resolved scenario: YAML parse, schema validation (scenario/), then
// the checks that need the catalogue and the model (device names, pool capacity, links,
// transfers). All problems are reported together.
import { isAbsolute, join } from 'node:path';
import { jobTypeSpeed, resolveThroughputs, type JobTypeSpeed } from './throughputs.js';
import { importTraceRows, parseAlibabaOpenbNodes, TraceError, type CsvMapping, type TextPieces, type TraceImport, type TraceRowReader } from '../scenario/traces/index.js';
import { firstSkippedOf, type TraceSkipSample } from '../scenario/traces/first-skipped.js';
import { canonicalDeviceName, DEVICE_CATALOGUE, FABRIC_PRESETS } from './catalogue.js';
import { deviceSchema, fabricSchema, type DeviceKind, type FabricPreset } from '../scenario/hardware-schema.js';
import type { ClusterShape, Datacentre, KindInfo, NodeGroup } from './cluster.js';
import { trainingFlop, type JobTemplate, type ShapeOverrides } from './job.js';
import { paramsShapeMismatch, setsModelSize } from './shape-weights.js';
import { resolveShape } from './training-layout.js';
import { standbyLinks } from './network/site-paths.js';
import { maxOf, type Distribution } from '../scenario/distribution.js';
import { shareAbove } from './draw-share.js';
import { warnClampDominance } from './clamp-dominance.js';
import type { InterDcLink } from './network/topology.js';
import { fabricKind, type TopologySpec } from './network/fabrics/registry.js';
import { readGraphFiles } from './network/graph-files.js';
import { implausibleLink, implausiblePower } from './plausibility.js';
import { parseYaml } from '../scenario/parse-yaml.js';
import { checkFabricFailures } from './network/fabric-failure-names.js';
import { suggestName } from '../scenario/did-you-mean.js';
import { InputError, SourceMap, zodIssues, type InputIssue, type PathKey } from '../scenario/errors.js';
import { InputFileError } from '../scenario/read-input-file.js';
import { scenarioSchema, type GeneratorSpec, type Scenario } from '../scenario/schema.js';
import { MAX_OPEN_RUN_S, MAX_TIME_S } from '../scenario/limits.js';
import { resolveServices, type ResolvedService } from './inference/resolve-services.js';
import { checkGenerator, checkListedJob, poolKindsFor, type FitReporter } from './training-fit.js';
import { UniqueNames } from './unique-names.js';
import { overcommittedKinds, poolKindRef, queueRef, resolveScenarioTenants, type Tenants } from './tenants.js';
import { TraceQueues } from './trace-queues.js';
import { TraceJobTable } from './trace-job-template.js';
import { defineJobs, JobList } from './job-list.js';
import { estimateSize, formatYears, memoryLimit, sizeProblems, type SizeEstimate } from './size-estimate.js';
import { freeName } from '../scenario/traces/trace-options.js';
import { formatCount, formatDuration } from '../units/units.js';
import { usefulParamsOf } from './training-layout.js';

/** Why a trace job was renamed when its id was taken by another workload (TraceReport.renamedByReason). */
export const ID_USED_ELSEWHERE = 'id used by another workload';

export interface GeneratorSource {
  readonly name: string;
  readonly spec: GeneratorSpec;
  readonly allowedKinds: readonly number[] | undefined;
  /** Per-device useful FLOP/s by kind from the throughput matrix (job_type), else absent. */
  readonly kindRate?: readonly number[];
  /** Kind whose peak x efficiency converts a duration into work. */
  readonly referenceKind: number | undefined;
  /** Tenant queue index of its jobs (scenarios with tenants). */
  readonly queue?: number;
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
  /** What each trace (job or node list) contributed and what was dropped, by reason. */
  readonly traceReports: readonly TraceReport[];
  /** Inference services (model/inference/resolve-services.ts). */
  readonly services: readonly ResolvedService[];
  /**
   * Legal but worth knowing, located like problems (uneven pipeline stages, a layout that fills a
   * device's memory, kinds a job's model does not fit on): `run` and `validate` print them.
   */
  readonly warnings: readonly InputIssue[];
  /** The run's estimated size (memory, events), checked against the memory limit when loaded. */
  readonly size: SizeEstimate;
  /** Tenant queues and cohorts (model/tenants.ts), when the scenario defines them. */
  readonly tenants?: Tenants;
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
  /** Parallel connections, each capped at a link's window / RTT. */
  readonly connections: number;
}

/** How the loader reaches files a scenario names (traces); the CLI passes the file system. */
export interface LoadOptions {
  /** Reads a file given its path as resolved against `baseDir`. */
  readFile?: (path: string) => string;
  /**
   * Reads a trace file in pieces (readInputPieces), so that it is never one string; traces are
   * read with readFile without it. Throws as readFile does, and its pieces may throw the same.
   */
  readPieces?: (path: string) => TextPieces;
  /** Folder that relative paths in the scenario are relative to (the scenario file's). */
  baseDir?: string;
  /**
   * Memory a run may use (bytes); the default is memoryLimit()'s (model/size-estimate.ts). A run
   * estimated to need more is refused, as is one of more than MAX_EVENTS events.
   */
  maxMemoryBytes?: number;
  /**
   * Accept traces that list job sizes but no times (TraceImport.untimed): a fill draws pods from
   * them (every pod at 0 s, with no work). Everything that simulates time refuses them.
   */
  allowUntimed?: boolean;
}

/** What importing a trace kept and dropped, for the user to see (never a silent drop). */
export interface TraceReport {
  readonly workload: string;
  /** What the file's rows became: jobs (a workload's trace) or nodes (a data centre's node list). */
  readonly kind: 'jobs' | 'nodes';
  readonly source: string;
  readonly rows: number;
  /** Rows used: jobs for a job trace, nodes for a node list. */
  readonly jobs: number;
  /** Rows skipped by the importer or by the scenario's mapping, by reason. */
  readonly skippedByReason: Record<string, number>;
  /** The first row skipped for each reason of `skippedByReason`: its line in the file and the offending value. */
  readonly firstSkipped: Record<string, TraceSkipSample>;
  /** Valid jobs dropped by window / sample / max_jobs. */
  readonly filteredByOption: Record<string, number>;
  /** Jobs kept under a new name because their id was taken (by the trace itself or another workload), by reason. */
  readonly renamedByReason: Record<string, number>;
}

/** Parse and validate scenario text. Throws InputError carrying every issue found. */
export function loadScenario(text: string, file: string, options: LoadOptions = {}): ResolvedScenario {
  const { doc, lines, data } = parseYaml(text, file);
  const src = new SourceMap(file, doc, lines);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError([{ file, line: 1, column: 1, path: '', message: 'expected a mapping with name, datacentres and workloads' }]);
  }
  const graphFiles = readGraphFiles(data, src, options);
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) throw new InputError(zodIssues(parsed.error.issues, src, scenarioSchema, data));
  return resolveScenario(parsed.data, src, options, graphFiles);
}

/** Checks that need the catalogue, and the resolution of names to indices. */
export function resolveScenario(scenario: Scenario, src: SourceMap, io: LoadOptions = {}, graphFiles: ReadonlyMap<number, SourceMap> = new Map()): ResolvedScenario {
  const issues: InputIssue[] = [];
  const fail = (path: readonly PathKey[], message: string): void => void issues.push(src.issue(path, message));
  const warnings: InputIssue[] = [];
  const warn = (path: readonly PathKey[], message: string): void => void warnings.push(src.issue(path, message));
  const fullPath = (path: string): string => (io.baseDir && !isAbsolute(path) ? join(io.baseDir, path) : path);
  const cannotRead = (full: string, e: unknown, at: readonly PathKey[]): void => {
    // InputFileError (scenario/read-input-file.ts) says why; a caller's own readFile may throw a plain fs error.
    const code = (e as NodeJS.ErrnoException).code;
    const why = e instanceof InputFileError ? `: ${e.reason}` : code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : '';
    fail(at, `cannot read '${full}'${why}`);
  };
  const readRelative = (path: string, at: readonly PathKey[]): string | undefined => {
    if (!io.readFile) {
      fail(at, 'this scenario reads files (traces), but it was loaded from text without file access');
      return undefined;
    }
    const full = fullPath(path);
    try {
      return io.readFile(full);
    } catch (e) {
      cannotRead(full, e, at);
      return undefined;
    }
  };
  /** A trace file: in pieces where the caller reads them, else whole. */
  const readTrace = (path: string, at: readonly PathKey[]): string | TextPieces | undefined => {
    if (!io.readPieces) return readRelative(path, at);
    const full = fullPath(path);
    try {
      return io.readPieces(full);
    } catch (e) {
      cannotRead(full, e, at);
      return undefined;
    }
  };
  const traceReports: TraceReport[] = [];

  // Device kinds: catalogue, overridden or extended by the scenario. A new kind (or fabric preset)
  // whose definition is refused is remembered, so that its uses are not refused again as unknown.
  const kindSpecs = new Map<string, DeviceKind>(Object.entries(DEVICE_CATALOGUE));
  const refusedKinds = new Set<string>();
  for (const [name, override] of Object.entries(scenario.devices)) {
    const base = kindSpecs.get(name);
    const merged = base ? { ...base, ...override, interconnect: { ...base.interconnect, ...(override.interconnect ?? {}) } } : override;
    const r = deviceSchema.safeParse(merged);
    if (r.success) {
      kindSpecs.set(name, r.data);
      for (const field of ['busy_power', 'idle_power'] as const) {
        if (override[field] !== undefined) implausiblePower(r.data[field], 'accelerator board', ['devices', name, field], src.scalarAt(['devices', name, field]), warn);
      }
    } else {
      // Said as the schema's other refusals are ("missing required field (expected a mapping)"),
      // not in zod's words ("Invalid input: expected object, received undefined").
      const data = { devices: { [name]: merged } };
      if (!base) refusedKinds.add(name);
      for (const i of zodIssues(r.error.issues, src, deviceSchema, data, ['devices', name])) {
        issues.push(base ? i : { ...i, message: `new device kind '${name}' needs every field: ${i.message}` });
      }
    }
  }
  const fabricSpecs = new Map<string, FabricPreset>(Object.entries(FABRIC_PRESETS));
  const refusedFabrics = new Set<string>();
  for (const [name, override] of Object.entries(scenario.fabrics)) {
    const merged = { ...fabricSpecs.get(name), ...override };
    const r = fabricSchema.safeParse(merged);
    if (r.success) fabricSpecs.set(name, r.data);
    else {
      const base = FABRIC_PRESETS[name as keyof typeof FABRIC_PRESETS];
      if (!base) refusedFabrics.add(name);
      for (const i of zodIssues(r.error.issues, src, fabricSchema, { fabrics: { [name]: merged } }, ['fabrics', name])) {
        issues.push(base ? i : { ...i, message: `new fabric preset '${name}' needs every field: ${i.message}` });
      }
    }
  }

  const kindNames = [...kindSpecs.keys()];
  const kinds: KindInfo[] = [];
  const kindIndexByName = new Map<string, number>();
  /** The kind a name in the scenario means: itself, a catalogue alias's kind, or a kind of another case. */
  const canonicalOf = (name: string): string => (kindSpecs.has(name) ? name : (canonicalDeviceName(name) ?? kindNames.find((k) => k.toLowerCase() === name.toLowerCase()) ?? name));
  const useKind = (name: string, path: readonly PathKey[]): number | undefined => {
    const canonical = canonicalOf(name);
    const known = kindIndexByName.get(canonical);
    if (known !== undefined) return known;
    const spec = kindSpecs.get(canonical);
    if (!spec) {
      if (refusedKinds.has(name)) return undefined; // its definition's problems are reported
      const guess = suggestName(name, kindNames);
      fail(path, `unknown device kind '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; \`poolsim devices\` lists the catalogue, and 'devices:' in the scenario adds kinds`);
      return undefined;
    }
    const index = kinds.length;
    kinds.push({ index, name: canonical, spec });
    kindIndexByName.set(canonical, index);
    return index;
  };

  // Data centres and node groups.
  const groupNames = new UniqueNames('node group', fail);
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
        // A preset whose definition was refused: its own problems are reported.
        const guess = suggestName(preset, [...fabricSpecs.keys()]);
        if (!refusedFabrics.has(preset)) fail(['datacentres', di, 'fabric'], `unknown fabric preset '${preset}'${guess ? ` (did you mean '${guess}'?)` : `; expected one of: ${[...fabricSpecs.keys()].join(', ')}`}`);
      } else fabric = { ...base, ...over };
    }
    datacentres.push({
      index: di,
      name: dc.name,
      pue: dc.pue,
      electricityPrice: dailyMean(dc.electricity_price ?? 0),
      carbonIntensityKgPerKWh: dailyMean(dc.carbon_intensity ?? 0),
      electricityPriceByHour: hourly(dc.electricity_price ?? 0),
      carbonIntensityByHour: hourly(dc.carbon_intensity ?? 0),
      priced: dc.electricity_price !== undefined,
      carbonKnown: dc.carbon_intensity !== undefined,
      fabric,
      ...siteTopology(dc, di, fail),
    });
    dc.node_groups.forEach((g, gi) => {
      const kind = useKind(g.device, ['datacentres', di, 'node_groups', gi, 'device']);
      if (kind === undefined) return;
      const spec = kinds[kind]!.spec;
      const groupName = g.name ?? `${dc.name}-${g.device}-${gi}`;
      const groupAt: PathKey[] = ['datacentres', di, 'node_groups', gi];
      groupNames.claim(groupName, g.name !== undefined ? [...groupAt, 'name'] : groupAt, g.name !== undefined ? '' : ' (the name an unnamed group gets)');
      implausiblePower(g.host_power, 'server host (CPUs, memory, NICs, fans)', [...groupAt, 'host_power'], src.scalarAt([...groupAt, 'host_power']), warn);
      groups.push({
        name: groupName,
        datacentre: di,
        kind,
        firstNode,
        nodeCount: g.count,
        devicesPerNode: g.devices_per_node ?? spec.devices_per_node,
        nicsPerNode: g.nics ?? g.devices_per_node ?? spec.devices_per_node,
        nicRateBytesPerS: g.nic_rate,
        hostPowerW: g.host_power,
        ...(g.cpu !== undefined ? { cpuMilliPerNode: Math.round(g.cpu * 1000) } : {}),
        ...(g.memory !== undefined ? { memoryMiBPerNode: g.memory / 2 ** 20 } : {}),
      });
      firstNode += g.count;
    });
    if (dc.nodes_from) {
      const at: PathKey[] = ['datacentres', di, 'nodes_from'];
      const text = readRelative(dc.nodes_from.path, [...at, 'path']);
      if (text !== undefined) {
        try {
          const imported = parseAlibabaOpenbNodes(text, dc.nodes_from.path);
          // Nodes of one (model, devices per node, CPU, memory) become one node group, in order of
          // first appearance; a group is named by model and devices, plus its CPU cores and memory
          // GiB where one (model, devices) comes in several host sizes.
          const buckets = new Map<string, { model: string; perNode: number; count: number; cpuMilli: number | undefined; memoryMiB: number | undefined }>();
          const hostSizes = new Map<string, Set<string>>();
          for (const n of imported.nodes) {
            const model = n.model ?? '';
            const key = `${model}\u0000${n.devices}\u0000${n.cpuMilli ?? ''}\u0000${n.memoryMiB ?? ''}`;
            const b = buckets.get(key);
            if (b) b.count++;
            else buckets.set(key, { model, perNode: n.devices, count: 1, cpuMilli: n.cpuMilli, memoryMiB: n.memoryMiB });
            const base = `${model}\u0000${n.devices}`;
            if (!hostSizes.has(base)) hostSizes.set(base, new Set());
            hostSizes.get(base)!.add(`${n.cpuMilli ?? ''}\u0000${n.memoryMiB ?? ''}`);
          }
          const unknown = new Map<string, number>();
          for (const b of buckets.values()) {
            const kindName = dc.nodes_from.device_map[b.model] ?? (kindSpecs.has(b.model) ? b.model : canonicalDeviceName(b.model));
            if (kindName === undefined) {
              unknown.set(b.model, (unknown.get(b.model) ?? 0) + b.count);
              continue;
            }
            const kind = useKind(kindName, [...at, 'device_map', b.model]);
            if (kind === undefined) continue;
            const sizes = hostSizes.get(`${b.model}\u0000${b.perNode}`)!.size;
            const hostSuffix = sizes > 1 ? `-cpu${b.cpuMilli === undefined ? 'any' : b.cpuMilli / 1000}-mem${b.memoryMiB === undefined ? 'any' : Math.round(b.memoryMiB / 1024)}G` : '';
            const groupName = `${dc.name}-${b.model}-x${b.perNode}${hostSuffix}`;
            groupNames.claim(groupName, at, ' (the group nodes_from makes of its trace model and devices per node: rename the other group)');
            groups.push({
              name: groupName,
              datacentre: di,
              kind,
              firstNode,
              nodeCount: b.count,
              devicesPerNode: b.perNode,
              nicsPerNode: 1,
              nicRateBytesPerS: undefined,
              ...(b.cpuMilli !== undefined ? { cpuMilliPerNode: b.cpuMilli } : {}),
              ...(b.memoryMiB !== undefined ? { memoryMiBPerNode: b.memoryMiB } : {}),
            });
            firstNode += b.count;
          }
          if (unknown.size > 0) {
            const list = [...unknown].map(([m, n]) => `'${m}' (${n} nodes)`).join(', ');
            fail([...at, 'device_map'], `trace GPU models not in the catalogue: ${list}; map each to a device kind, e.g. device_map: { ${[...unknown.keys()][0]}: V100-SXM2-32GB }`);
          }
          traceReports.push({
            workload: `datacentres[${di}].nodes_from`,
            kind: 'nodes',
            source: imported.source,
            rows: imported.rows,
            jobs: imported.nodes.length,
            skippedByReason: imported.skippedByReason,
            firstSkipped: firstSkippedOf(imported.skipped),
            filteredByOption: {},
            renamedByReason: {},
          });
        } catch (e) {
          if (e instanceof TraceError) fail([...at, 'path'], e.message);
          else throw e;
        }
      }
    }
    if (dc.node_groups.length === 0 && !dc.nodes_from) fail(['datacentres', di, 'node_groups'], 'a data centre needs node_groups (or nodes_from a trace node list)');
  });
  // A price or carbon figure given for some sites but not others: the run's total cannot be known,
  // so it is left empty; more likely a site was forgotten than meant to be free.
  for (const [field, known, column] of [
    ['electricity_price', (d: Datacentre) => d.priced, 'energy_cost'],
    ['carbon_intensity', (d: Datacentre) => d.carbonKnown, 'co2_kg'],
  ] as const) {
    const given = datacentres.find(known);
    if (!given) continue;
    for (const d of datacentres) {
      if (!known(d)) warn(['datacentres', d.index], `no ${field} here while '${given.name}' gives one: ${column} is left empty for the run (write ${field}: 0 if this site's is zero)`);
    }
  }
  // Topology kinds whose shape must match the site's nodes (a torus's dims).
  for (const dc of datacentres) {
    const nodes = groups.reduce((sum, g) => sum + (g.datacentre === dc.index ? g.nodeCount : 0), 0);
    const problem = fabricKind(dc.topology).check?.(dc.topology, nodes);
    if (!problem) continue;
    // A graph read from a file is wrong in that file: locate the problem there.
    const fileSrc = graphFiles.get(dc.index);
    if (fileSrc) issues.push(fileSrc.issue([problem.field], problem.message));
    else fail([...dc.topologyAt, problem.field], problem.message);
  }
  const fabricUnits = issues.length === 0 ? checkFabricFailures(scenario, datacentres, groups, fail) : { switches: 0, links: 0 };
  const dcRef = (name: string, path: readonly PathKey[]): number | undefined => {
    const i = dcIndex.get(name);
    if (i === undefined) {
      const guess = suggestName(name, [...dcIndex.keys()]);
      fail(path, `unknown data centre '${name}'${guess ? ` (did you mean '${guess}'?)` : `; expected one of: ${[...dcIndex.keys()].join(', ')}`}`);
    }
    return i;
  };
  const interDc: InterDcLink[] = [];
  const linkNames = new UniqueNames('link', fail);
  scenario.links.forEach((l, li) => {
    const linkName = l.name ?? `${l.between[0]}-${l.between[1]}`;
    linkNames.claim(linkName, ['links', li, l.name !== undefined ? 'name' : 'between'], l.name !== undefined ? '' : ` (the name an unnamed link between ${l.between[0]} and ${l.between[1]} gets: give each link a \`name\`)`);
    const a = dcRef(l.between[0], ['links', li, 'between', 0]);
    const b = dcRef(l.between[1], ['links', li, 'between', 1]);
    if (a !== undefined && b !== undefined && a === b) fail(['links', li, 'between'], 'a link joins two different data centres');
    if (a === undefined || b === undefined) return;
    implausibleLink(l.latency, l.bandwidth, ['links', li], (field) => src.scalarAt(['links', li, field]), warn);
    interDc.push({
      name: linkName,
      a,
      b,
      latencyS: l.latency,
      bandwidthBytesPerS: l.bandwidth,
      efficiency: l.efficiency,
      windowBytes: l.window,
    });
  });

  // With the flow network every pair of sites needs a route: a gang, a transfer or a request placed
  // across two sites that no chain of links joins would have nowhere to send its bytes.
  if (scenario.network === 'flow' && datacentres.length > 1) {
    const reach = new Set<number>([0]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const l of interDc) {
        if (reach.has(l.a) !== reach.has(l.b)) {
          reach.add(l.a);
          reach.add(l.b);
          grew = true;
        }
      }
    }
    const cut = datacentres.findIndex((_, i) => !reach.has(i));
    if (cut !== -1) {
      fail(['datacentres', cut, 'name'], `data centre '${datacentres[cut]!.name}' is joined to '${datacentres[0]!.name}' by no chain of links, so a job, transfer or request spanning them would have no route: add a link between them (links: - { between: [${datacentres[0]!.name}, ${datacentres[cut]!.name}], latency: ..., bandwidth: ... }), or set network: ideal`);
    }
  }

  // A link no pair of sites routes over while every link is up carries nothing until another fails:
  // routes take one lowest-latency path per pair and do not split over parallel links, so a second
  // fibre is a standby, not added capacity (model/network/site-paths.ts).
  if (scenario.network === 'flow' && issues.length === 0) {
    for (const li of standbyLinks(datacentres.length, interDc)) {
      const l = interDc[li]!;
      const rival = interDc.findIndex((o, oi) => oi !== li && ((o.a === l.a && o.b === l.b) || (o.a === l.b && o.b === l.a)));
      const why =
        rival !== -1
          ? `traffic between ${datacentres[l.a]!.name} and ${datacentres[l.b]!.name} takes links[${rival}] ('${interDc[rival]!.name}', ${Number((interDc[rival]!.latencyS * 1e3).toPrecision(6))} ms${rival < li && interDc[rival]!.latencyS === l.latencyS ? ', listed first' : ''})`
          : `every pair of data centres has a lower-latency way round`;
      warn(
        ['links', li],
        `link '${l.name}' carries no traffic while every link is up: ${why}. Routes between data centres take one lowest-latency path per pair and do not split traffic over parallel links, so this link is a standby for failures, not added capacity; to model the combined capacity of parallel fibres, give one link with their summed bandwidth`,
      );
    }
  }

  // A job of fewer tokens than one step's global batch runs a fraction of a step: a token count
  // a thousand times short (1M for 1B), or a batch given for another model.
  const fewerTokensThanAStep = (params: number, tokens: number | undefined, model: Parameters<typeof resolveShape>[1], at: readonly PathKey[]): void => {
    if (tokens === undefined) return;
    const batch = resolveShape(params, model).globalBatchTokens;
    if (tokens >= batch) return;
    warn(
      at,
      `${tokens} tokens are fewer than one step's global batch of ${batch} tokens${model?.global_batch === undefined ? ' (the default; `model.global_batch` sets it)' : ''}: the job trains ${Number((tokens / batch).toPrecision(2))} of one step, which no real run does; \`tokens\` counts every training token of the job`,
    );
  };

  const poolKinds = new Set(groups.map((g) => g.kind));
  // Tenants (model/tenants.ts): quotas name kinds of the pool; workloads name their queue.
  const tenants = resolveScenarioTenants(scenario, kinds.length, (report) => poolKindRef(poolKinds, kinds, canonicalOf, report), fail, readRelative);
  if (tenants) {
    const poolDevices = kinds.map((_, k) => groups.reduce((n, g) => n + (g.kind === k ? g.nodeCount * g.devicesPerNode : 0), 0));
    for (const o of overcommittedKinds(tenants, poolDevices)) {
      warn(
        scenario.tenants_from ? ['tenants_from', 'path'] : ['tenants', 'queues'],
        `the nominal quotas of ${kinds[o.kind]!.name} add up to ${o.nominal} devices, more than the pool's ${o.devices}: not every queue can hold its nominal quota at once, and a job admitted within its queue's quota may wait for devices other queues hold`,
      );
    }
  }
  // Manifests that could not be read have been reported: no second report per workload naming a queue.
  const queueOfWorkload = (name: string | undefined, at: readonly PathKey[]): number | undefined => (scenario.tenants_from && !tenants ? undefined : queueRef(tenants, name, at, fail));
  const capacityOf = (allowed: readonly number[] | undefined): number => maxPerKind(groups, allowed ?? [...poolKinds]);

  // --- training layouts and memory (model/training-fit.ts): the kinds a job's model fits on ---
  const fitPool = poolKindsFor(groups, kinds);
  const reportAt = (at: readonly PathKey[]): FitReporter => ({
    fail: (path, message) => fail([...at, ...path], message),
    warn: (path, message) => warn([...at, ...path], message),
  });
  // A job's `efficiency` stands for every kernel at the kind's default-precision peak: FP8 GEMMs
  // would be silently ignored under it.
  const efficiencyWithFp8 = (j: { efficiency?: number | undefined; model?: { precision?: string | undefined } | undefined }, at: readonly PathKey[]): void => {
    if (j.efficiency !== undefined && j.model?.precision === 'fp8') {
      fail(
        [...at, 'efficiency'],
        "`efficiency` sets one fraction of the kind's BF16 peak for every kernel, so `model.precision: fp8` would not change this job's speed: drop `efficiency` to time its layer GEMMs at the FP8 peak (the operator-level model), or drop `precision: fp8`",
      );
    }
  };
  // Multi-head latent attention sets its heads' widths and its keys and values itself: a `head_dim`
  // or `kv_heads` beside it would be ignored.
  const headDimWithMla = (j: { model?: { head_dim?: number | undefined; kv_heads?: number | undefined; mla?: unknown } | undefined }, at: readonly PathKey[]): void => {
    if (j.model?.mla === undefined) return;
    if (j.model.head_dim !== undefined) {
      fail([...at, 'model', 'head_dim'], '`mla` gives the widths of its heads (qk_nope_head_dim + qk_rope_head_dim for queries and keys, v_head_dim for values), so `head_dim` would be ignored: drop one of them');
    }
    if (j.model.kv_heads !== undefined) {
      fail([...at, 'model', 'kv_heads'], '`mla` makes every head\'s keys and values from one compressed latent (kv_lora_rank), so `kv_heads` (grouped-query attention) would be ignored: drop one of them');
    }
  };
  // Useful work counts `params`; the step is timed on the shape: a model block that sizes the model
  // must describe the same one, and a model too small for a derived shape is refused (model/shape-weights.ts).
  const paramsMatchShape = (params: number | undefined, model: ShapeOverrides | undefined, at: readonly PathKey[]): void => {
    if (params === undefined) return;
    const problem = paramsShapeMismatch(params, resolveShape(params, model), setsModelSize(model));
    if (problem !== undefined) fail(at, problem);
  };
  // A generator's sizes: each value it can draw where they are listed, the ends of a uniform range.
  const generatorParamsMatchShape = (params: Distribution | undefined, model: ShapeOverrides | undefined, at: readonly PathKey[]): void => {
    if (params === undefined) return;
    if (params.distribution === 'fixed') paramsMatchShape(params.value, model, [...at, 'value']);
    else if (params.distribution === 'empirical') params.values.forEach((v, i) => paramsMatchShape(v, model, [...at, 'values', i]));
    else if (params.distribution === 'uniform') {
      paramsMatchShape(params.min, model, [...at, 'min']);
      paramsMatchShape(params.max, model, [...at, 'max']);
    }
  };
  // --- end of the training layout and memory helpers ---

  // Names of workloads and jobs. A generator's jobs are named '<generator>-<n>' and its name keys its
  // random streams; explicit job names are the user's; trace ids are data (see the trace loop).
  const workloadNames = new UniqueNames('workload', fail);
  const jobNameBook = new UniqueNames('job', fail);
  /** Generator name -> how many jobs it makes at most (undefined: as many as time allows). */
  const generatorNames = new Map<string, number | undefined>();
  scenario.workloads.forEach((w, wi) => {
    if ('generator' in w) {
      const name = w.generator.name ?? `workloads[${wi}]`;
      workloadNames.claim(name, ['workloads', wi, 'generator', 'name']);
      generatorNames.set(name, w.generator.count);
    } else if ('trace' in w) {
      const named = w.trace.name !== undefined;
      workloadNames.claim(w.trace.name ?? `trace-${wi}`, ['workloads', wi, 'trace', ...(named ? ['name'] : [])], named ? '' : ' (the name an unnamed trace gets)');
    } else {
      w.jobs.forEach((j, ji) => {
        const at: PathKey[] = ['workloads', wi, 'jobs', ji];
        jobNameBook.claim(j.name ?? `w${wi}-j${ji}`, j.name !== undefined ? [...at, 'name'] : at, j.name !== undefined ? '' : ' (the name an unnamed job gets)');
      });
    }
  });
  /** The generator whose job names include `name` ('<generator>-<n>'), if any. */
  const generatedBy = (name: string): string | undefined => {
    if (generatorNames.size === 0) return undefined;
    const m = /^(.*)-(\d+)$/.exec(name);
    if (!m || !generatorNames.has(m[1]!) || String(Number(m[2])) !== m[2]) return undefined;
    const made = generatorNames.get(m[1]!);
    return made === undefined || Number(m[2]) < made ? m[1] : undefined;
  };
  scenario.workloads.forEach((w, wi) => {
    if (!('jobs' in w)) return;
    w.jobs.forEach((j, ji) => {
      const name = j.name ?? `w${wi}-j${ji}`;
      const g = generatedBy(name);
      if (g !== undefined) fail(['workloads', wi, 'jobs', ji, ...(j.name !== undefined ? ['name'] : [])], `job name '${name}' is also the name generator '${g}' gives one of its jobs (${g}-0, ${g}-1, ...): rename the job or the generator`);
    });
  });
  /**
   * Names trace jobs must not take: explicit names, generated names, and earlier trace jobs'. The
   * set of the jobs' names so far is made at the first question only it can answer (see the trace
   * loop): a trace's own ids are distinct, and a million of them would cost a set of their own.
   */
  let jobNamesSoFar: Set<string> | undefined;
  /** The trace being read: its rows so far are jobs too (the list gets it at its end). */
  let tableSoFar: TraceJobTable | undefined;
  const namesSoFar = (): Set<string> => {
    const names = new Set<string>();
    for (let i = 0; i < jobs.length; i++) names.add(jobs.name(i));
    if (tableSoFar) for (let r = 0; r < tableSoFar.length; r++) names.add(tableSoFar.name(r));
    return names;
  };
  const nameTaken = (n: string): boolean => jobNameBook.has(n) || (jobNamesSoFar ??= namesSoFar()).has(n) || generatedBy(n) !== undefined;

  // The throughput matrix (Gavel-style), and what a job type's row means for its jobs.
  const throughputs = resolveThroughputs(scenario.throughputs, useKind, fail);
  const typed = (jobType: string | undefined, allowed: readonly number[] | undefined, efficiency: number | undefined, at: readonly PathKey[]): JobTypeSpeed | undefined | false =>
    jobType === undefined ? undefined : jobTypeSpeed(throughputs, jobType, allowed, efficiency, at, (k) => kinds[k]!.name, (k) => kinds[k]!.spec, fail);

  // Explicit jobs: listed ones as their templates, a trace's as a table (model/job-list.ts).
  const jobs = new JobList();
  const generators: GeneratorSource[] = [];
  scenario.workloads.forEach((w, wi) => {
    if ('jobs' in w) {
      const listed: JobTemplate[] = [];
      w.jobs.forEach((j, ji) => {
        const at: PathKey[] = ['workloads', wi, 'jobs', ji];
        const queue = queueOfWorkload(j.queue, at);
        const allowed = j.device_kinds?.map((k, ki) => useKind(k, [...at, 'device_kinds', ki]));
        if (allowed?.some((k) => k === undefined)) return;
        const speed = typed(j.job_type, allowed as number[] | undefined, j.efficiency, at);
        if (speed === false) return;
        const allowedKinds = speed ? speed.allowedKinds : (allowed as number[] | undefined);
        const work = jobWork(j, allowedKinds, at, useKind, kinds, fail, speed?.kindRate);
        if (work === undefined) return;
        const capacity = capacityOf(allowedKinds);
        if (j.devices > capacity) {
          const kindList = allowedKinds ? allowedKinds.map((k) => kinds[k]!.name).join(', ') : 'any kind';
          fail([...at, 'devices'], `job needs ${j.devices} devices of one kind (${kindList}) but the pool has at most ${capacity}; it could never start`);
          return;
        }
        if (j.layout && j.params === undefined) fail([...at, 'layout'], 'a layout needs the model: give `params` (its size) too');
        efficiencyWithFp8(j, at);
        headDimWithMla(j, at);
        paramsMatchShape(j.params, j.model, [...at, 'params']);
        // --- the model's layout and memory on the job's kinds (model/training-fit.ts) ---
        let fittingKinds: readonly number[] | undefined = allowedKinds;
        if (j.params !== undefined) {
          const fit = checkListedJob({ devices: j.devices, params: j.params, shape: j.model, layout: j.layout }, allowedKinds, fitPool, reportAt(at));
          if (fit === false) return;
          fittingKinds = fit;
          fewerTokensThanAStep(j.params, j.tokens, j.model, [...at, 'tokens']);
        }
        // --- end of the layout and memory check ---
        listed.push({
          name: j.name ?? `w${wi}-j${ji}`,
          submitS: j.submit,
          devices: j.devices,
          usefulFlop: work,
          efficiency: j.efficiency,
          allowedKinds: fittingKinds,
          priority: j.priority,
          params: j.params ?? 0,
          source: `workloads[${wi}]`,
          shape: j.model,
          layout: j.layout,
          ...(queue !== undefined ? { queue } : {}),
          ...(speed ? { kindRate: speed.kindRate } : {}),
          ...hostRequest(j),
        });
      });
      jobs.addTemplates(listed);
    } else if ('trace' in w) {
      const t = w.trace;
      const at: PathKey[] = ['workloads', wi, 'trace'];
      if (t.queue_from && t.queue !== undefined) fail([...at, 'queue_from'], 'give either `queue` (one queue for every job) or `queue_from` (each job\'s queue from a trace column), not both');
      if (t.queue_from && !tenants && !scenario.tenants_from) fail([...at, 'queue_from'], 'queue_from names tenant queues but the scenario defines no tenants (add a `tenants:` section with its queues)');
      const queue = t.queue_from ? undefined : queueOfWorkload(t.queue, at);
      const text = readTrace(t.path, [...at, 'path']);
      if (text === undefined) return;
      let imported: Omit<TraceImport, 'jobs'> & { jobRows: TraceRowReader };
      try {
        imported = importTraceRows(t.format, text, {
          source: t.path,
          seed: scenario.seed,
          includePending: t.include_pending,
          ...(t.mapping ? { mapping: t.mapping as CsvMapping } : {}),
          ...(t.window ? { window: { startS: t.window.start, ...(t.window.end !== undefined ? { endS: t.window.end } : {}) } } : {}),
          ...(t.sample !== undefined ? { sample: t.sample } : {}),
          ...(t.time_scale !== undefined ? { timeScale: t.time_scale } : {}),
          ...(t.max_jobs !== undefined ? { maxJobs: t.max_jobs } : {}),
        });
      } catch (e) {
        if (e instanceof TraceError) {
          fail([...at, 'path'], e.message);
          return;
        }
        if (e instanceof InputFileError) {
          // The file changed between readPieces' checks and a later piece.
          cannotRead(fullPath(t.path), e, [...at, 'path']);
          return;
        }
        throw e;
      }
      if (imported.untimed && !io.allowUntimed) {
        fail(
          [...at, 'path'],
          `${t.path} lists pod sizes only (no creation_time, deletion_time or scheduled_time column): \`poolsim fill\` can draw pods from it, but a run needs each pod's arrival and run time`,
        );
        return;
      }
      const refName = t.reference_device ?? (kinds.length === 1 ? kinds[0]!.name : undefined);
      if (refName === undefined) {
        fail(at, 'a trace needs `reference_device`: the device kind its recorded run times were measured on');
        return;
      }
      const ref = useKind(refName, [...at, 'reference_device']);
      if (ref === undefined) return;
      const refSpec = kinds[ref]!.spec;
      const eff = t.efficiency ?? refSpec.efficiency;
      const skipped: Record<string, number> = { ...imported.skippedByReason };
      const firstSkipped = firstSkippedOf(imported.skipped);
      // Jobs bigger than the pool holds of any kind they may use: rejected when submitted.
      const poolCapacity = capacityOf(undefined);
      let tooBig = 0;
      let firstTooBig: { line: number; devices: number; capacity: number } | undefined;
      const modelKinds = new Map<string, number | undefined>();
      const kindOfModel = (m: string): number | undefined => {
        if (!modelKinds.has(m)) {
          const name = t.device_map[m] ?? (kindSpecs.has(m) ? m : canonicalDeviceName(m));
          modelKinds.set(m, name === undefined ? undefined : useKind(name, [...at, 'device_map', m]));
        }
        return modelKinds.get(m);
      };
      const name = t.name ?? `trace-${wi}`;
      const column = t.queue_from?.field === 'qos' ? 'column qos' : t.format === 'csv' ? `column ${t.mapping?.group ?? '(none: the mapping gives no `group`)'}` : `column ${imported.groupColumn ?? 'cluster (absent from the file)'}`;
      const traceQueues = t.queue_from && tenants && t.queue === undefined ? new TraceQueues(t.queue_from, tenants, [...at, 'queue_from'], column, t.path, fail) : undefined;
      let kept = 0;
      let beyond = 0;
      let firstBeyond: { line: number; id: string; submitS: number; durationS: number; devices: number } | undefined;
      // Without a horizon, a row whose job would end after the century a run may last even alone on
      // its fastest allowed devices is refused at its line (the size estimate checks listed jobs so).
      const openRun = scenario.horizon === undefined;
      let lateEnds = 0;
      let firstLate: { line: number; id: string; endS: number } | undefined;
      const bestRates = new Map<string, number>();
      // Rows in a row usually share their kinds: then no key string per row (a million in W2).
      let lastAllowed: readonly number[] | undefined | null = null;
      let lastBest = 0;
      const bestRateOf = (allowed: readonly number[] | undefined): number => {
        if (allowed === lastAllowed) return lastBest;
        lastAllowed = allowed;
        const key = allowed?.join(',') ?? '*';
        let best = bestRates.get(key);
        if (best === undefined) {
          best = 0;
          for (const g of groups) if (!allowed || allowed.includes(g.kind)) best = Math.max(best, kinds[g.kind]!.spec.peak * (t.efficiency ?? kinds[g.kind]!.spec.efficiency));
          bestRates.set(key, best);
        }
        return (lastBest = best);
      };
      // An id another workload already uses is renamed as the importer renames repeats within the
      // trace ('<id>~2', ...), and counted: ids are data the user cannot edit, and transfers, --job
      // and jobs.csv rows need each name to mean one job.
      const renamedByReason: Record<string, number> = { ...(imported.renamedByReason ?? {}) };
      const renames = new Map<string, number>();
      const modelsOfTarget = new Map<string, string[]>();
      for (const [m, target] of Object.entries(t.device_map)) modelsOfTarget.set(target, [...(modelsOfTarget.get(target) ?? []), m]);
      const loosened = new Map<string, { count: number; example: string; allowed: string }>();
      // The importer made this trace's ids distinct, so until one of them is renamed here, an id can
      // only clash with another workload's names: those of the jobs listed before it (explicit and
      // earlier traces') and the generators'.
      let mayClashWithOwn = jobs.length > 0;
      const rows = imported.jobRows;
      const table = new TraceJobTable(name, t.efficiency, t.runtime === 'fixed', rows.length);
      tableSoFar = table;
      for (let k = 0; k < rows.length; k++) {
        const tj = rows.read(k); // for a CSV trace one record, refilled per row
        let allowedKinds: number[] | undefined;
        if (tj.allowedModels) {
          allowedKinds = [];
          for (const m of tj.allowedModels) {
            const k = kindOfModel(m);
            if (k !== undefined && !allowedKinds.includes(k)) allowedKinds.push(k);
          }
          // A device kind that several mapped models share, some of which this pod's gpu_spec
          // forbids: the map loosens its constraint (warned once below).
          for (const m of tj.allowedModels) {
            const target = t.device_map[m];
            if (target === undefined) continue;
            const forbidden = (modelsOfTarget.get(target) ?? []).filter((o) => !tj.allowedModels!.includes(o));
            if (forbidden.length > 0) {
              const key = `${[m, ...forbidden].join(', ')} -> ${target}`;
              const e = loosened.get(key) ?? { count: 0, example: tj.id, allowed: tj.allowedModels.join('|') };
              e.count++;
              loosened.set(key, e);
              break;
            }
          }
          if (allowedKinds.length === 0) {
            const reason = `no allowed GPU model maps to a device kind (${tj.allowedModels.join('|')}); see device_map`;
            skipped[reason] = (skipped[reason] ?? 0) + 1;
            if (firstSkipped[reason] === undefined) firstSkipped[reason] = { line: tj.line };
            continue;
          }
        }
        const jobQueue = traceQueues ? traceQueues.queueOf(tj) : queue;
        if (traceQueues && jobQueue === undefined) continue; // reported below, at its line
        const share = tj.gpuMilli / 1000;
        // An id the importer numbered ('job-<n>') that no other name can clash with is kept as its
        // number: no string (the checks below could only pass it).
        const numbered = rows.numbered(k);
        let jobName: string | number;
        if (numbered >= 0 && !mayClashWithOwn && jobNamesSoFar === undefined && jobNameBook.size === 0 && generatorNames.size === 0) jobName = numbered;
        else {
          let id = tj.id;
          if (mayClashWithOwn ? nameTaken(id) : jobNameBook.has(id) || generatedBy(id) !== undefined) {
            id = freeName(id, renames, nameTaken);
            renamedByReason[ID_USED_ELSEWHERE] = (renamedByReason[ID_USED_ELSEWHERE] ?? 0) + 1;
            mayClashWithOwn = true;
          }
          jobNamesSoFar?.add(id);
          jobName = id;
        }
        const work = tj.durationS * tj.devices * share * refSpec.peak * eff;
        // A row whose times are beyond what a scenario may hold, or whose work overflows a float,
        // is refused here, where its line is known (later checks see only the job's id).
        if (!(tj.submitS <= MAX_TIME_S) || !(tj.durationS <= MAX_TIME_S) || !Number.isFinite(work)) {
          beyond++;
          firstBeyond ??= { line: tj.line, id: tj.id, submitS: tj.submitS, durationS: tj.durationS, devices: tj.devices };
          continue;
        }
        if (openRun) {
          const bestRate = t.runtime === 'fixed' ? 0 : bestRateOf(allowedKinds);
          const endS = tj.submitS + (t.runtime === 'fixed' ? tj.durationS : bestRate > 0 ? work / (tj.devices * share * bestRate) : 0);
          if (!(endS <= MAX_OPEN_RUN_S)) {
            lateEnds++;
            firstLate ??= { line: tj.line, id: tj.id, endS };
          }
        }
        // The row's template is made when asked, with the fields TraceJobTemplate's constructor
        // is given here (model/trace-job-template.ts).
        table.push(
          jobName,
          tj.submitS,
          tj.devices,
          work,
          allowedKinds,
          t.priority[tj.qos ?? tj.group ?? ''] ?? 0,
          tj.gpuMilli,
          tj.cpuMilli,
          tj.memoryMiB,
          tj.durationS,
          jobQueue,
        );
        kept++;
        const capacity = allowedKinds === undefined ? poolCapacity : capacityOf(allowedKinds);
        if (tj.devices > capacity) {
          tooBig++;
          firstTooBig ??= { line: tj.line, devices: tj.devices, capacity };
        }
      }
      tableSoFar = undefined;
      table.trim();
      jobs.addTable(table);
      traceQueues?.report();
      const fileAt: PathKey[] = [...at, 'path'];
      if (firstBeyond !== undefined) {
        const b = firstBeyond;
        const what = !(b.submitS <= MAX_TIME_S)
          ? `its submit time is ${b.submitS} s after the trace's origin`
          : !(b.durationS <= MAX_TIME_S)
            ? `its duration is ${b.durationS} s`
            : `its work (${b.durationS} s on ${b.devices} ${refName} devices) is beyond the largest number poolsim can hold`;
        fail(
          fileAt,
          `${t.path}:${b.line}: job '${b.id}': ${what}; times and durations are at most 1e10 s (about 317 years)${beyond > 1 ? ` (${beyond} rows so)` : ''}: correct the row${!(b.submitS <= MAX_TIME_S) ? ', or leave it out with a window' : ''}`,
        );
        return;
      }
      if (firstLate !== undefined) {
        fail(
          fileAt,
          `${t.path}:${firstLate.line}: job '${firstLate.id}' would end at about ${formatYears(firstLate.endS)} even alone on its fastest devices${lateEnds > 1 ? ` (${lateEnds} rows so)` : ''}; a run without a horizon stops after 100 years of simulated time: correct the row, leave it out with a window, or set a horizon`,
        );
        return;
      }
      if (kept === 0) {
        const why = [
          ...Object.entries(skipped).map(([reason, n]) => `${n} ${reason}${firstSkipped[reason] !== undefined ? ` (first at line ${firstSkipped[reason].line})` : ''}`),
          ...Object.entries(imported.filteredByOption).filter(([, n]) => n > 0).map(([option, n]) => `${n} dropped by ${option}`),
        ];
        fail(fileAt, `the trace gives no job to run: ${imported.rows === 0 ? 'it has no rows after its header' : `of its ${imported.rows} row(s), ${why.length > 0 ? why.join('; ') : 'none is used'}`}`);
      } else if (firstTooBig !== undefined) {
        // Warned, not refused, even when it is every job: the rows are data the user cannot edit,
        // and a run reports each as rejected.
        const f = firstTooBig;
        const example = f.capacity === 0 ? `line ${f.line}: the pool has no device of the kinds it may use` : `line ${f.line}: ${f.devices} devices, the pool has at most ${f.capacity} of one kind it may use`;
        warn(fileAt, `${tooBig === kept ? `every one of the trace's ${kept} job(s)` : `${tooBig} of the trace's ${kept} jobs`} cannot run on this pool (${example}): rejected when submitted`);
      }
      for (const [key, e] of loosened) {
        warn(
          [...at, 'device_map'],
          `device_map merges trace GPU models that gpu_spec tells apart (${key}): ${e.count} pod(s) whose gpu_spec allows only some of them may now run on the others' nodes (e.g. '${e.example}', gpu_spec ${e.allowed}); map them to distinct device kinds to keep the constraint`,
        );
      }
      traceReports.push({ workload: name, kind: 'jobs', source: imported.source, rows: imported.rows, jobs: kept, skippedByReason: skipped, firstSkipped, filteredByOption: imported.filteredByOption, renamedByReason });
    } else {
      const g = w.generator;
      const at: PathKey[] = ['workloads', wi, 'generator'];
      const queue = queueOfWorkload(g.queue, at);
      const given = g.device_kinds?.map((k, ki) => useKind(k, [...at, 'device_kinds', ki]));
      if (given?.some((k) => k === undefined)) return;
      const speed = typed(g.job_type, given as number[] | undefined, g.efficiency, at);
      if (speed === false) return;
      const allowed = speed ? speed.allowedKinds : given;
      const allowedList = allowed as number[] | undefined;
      tooBigDraws(g.devices, capacityOf(allowedList), allowedList ? allowedList.map((k) => kinds[k]!.name).join(', ') : 'any kind', [...at, 'devices'], fail, warn);
      warnClampDominance(g.devices, [...at, 'devices'], warn);
      warnClampDominance(g.duration, [...at, 'duration'], warn, formatDuration);
      warnClampDominance(g.params, [...at, 'params'], warn, formatCount);
      warnClampDominance(g.tokens, [...at, 'tokens'], warn, formatCount);
      warnClampDominance(g.priority, [...at, 'priority'], warn);
      if (g.until !== undefined && g.until <= g.start) {
        warn([...at, 'until'], `until (${formatDuration(g.until)}) is not after start (${formatDuration(g.start)}): this generator submits no job`);
      } else if (scenario.horizon !== undefined && g.start >= scenario.horizon) {
        warn([...at, 'start'], `start (${formatDuration(g.start)}) is not before the horizon (${formatDuration(scenario.horizon)}): this generator submits no job`);
      }
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
        if (speed && referenceKind !== undefined && !(speed.kindRate[referenceKind]! > 0)) {
          fail([...at, 'reference_device'], `job type '${g.job_type}' has no throughput on ${kinds[referenceKind]!.name}, so a duration measured there means nothing; give a kind its row lists`);
        }
      }
      efficiencyWithFp8(g, at);
      headDimWithMla(g, at);
      generatorParamsMatchShape(g.params, g.model, [...at, 'params']);
      checkGenerator(g, allowed as number[] | undefined, fitPool, reportAt(at)); // model/training-fit.ts
      generators.push({ name: g.name ?? `workloads[${wi}]`, spec: g, allowedKinds: allowed as number[] | undefined, referenceKind, ...(queue !== undefined ? { queue } : {}), ...(speed ? { kindRate: speed.kindRate } : {}) });
    }
  });

  // Transfers, and the jobs they wait for or follow.
  // The set of job names only when a transfer names jobs (a million trace jobs would cost a set of their own).
  let jobNamesOf: Set<string> | undefined;
  const jobNames = (): Set<string> => {
    if (jobNamesOf) return jobNamesOf;
    jobNamesOf = new Set();
    for (let i = 0; i < jobs.length; i++) jobNamesOf.add(jobs.name(i));
    return jobNamesOf;
  };
  const transfers: TransferPlan[] = [];
  const waits = new Map<string, string[]>();
  const transferNames = new UniqueNames('transfer', fail);
  scenario.transfers.forEach((t, ti) => {
    const at: PathKey[] = ['transfers', ti];
    transferNames.claim(t.name, [...at, 'name']);
    const from = dcRef(t.from, [...at, 'from']);
    const to = dcRef(t.to, [...at, 'to']);
    for (const key of ['after', 'before'] as const) {
      const name = t[key];
      if (name !== undefined && !jobNames().has(name)) {
        const guess = suggestName(name, [...jobNames()]);
        fail([...at, key], `unknown job '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; transfers refer to jobs listed by name under workloads`);
      }
    }
    if (t.before !== undefined) waits.set(t.before, [...(waits.get(t.before) ?? []), t.name]);
    if (from === undefined || to === undefined) return;
    if (from === to) fail(at, 'a transfer moves data between two different data centres');
    transfers.push({ name: t.name, from, to, bytes: t.size, startS: t.start, after: t.after, before: t.before, connections: t.connections });
  });
  const withWaits = waits.size === 0 ? jobs : JobList.of(jobs.templates().map((j) => (waits.has(j.name) ? { ...j, waitsFor: waits.get(j.name) } : j)));

  // Inference services.
  if (scenario.workloads.length === 0 && scenario.services.length === 0) fail(['workloads'], 'expected at least 1 item(s): training workloads, or inference `services`');
  const services = resolveServices(scenario.services, {
    kinds,
    groups,
    datacentreNames: datacentres.map((d) => d.name),
    horizonS: scenario.horizon,
    file: src.file,
    useKind,
    dcRef,
    fail,
    warn,
    readText: readRelative,
  });

  // Failures and stragglers are keyed by device kind, and the simulator looks them up by the pool's
  // kind names: each key is resolved as a node group's device is (aliases, any case), so that
  // 'H100-SXM' or 'h100' reaches the H100 devices instead of silently failing nothing.
  if (scenario.failures) {
    const poolKindNames = [...new Set(groups.map((g) => kinds[g.kind]!.name))];
    const byPoolKind = <T>(record: Record<string, T>, at: PathKey[]): Record<string, T> => {
      const out: Record<string, T> = {};
      const keyOf = new Map<string, string>();
      for (const [name, value] of Object.entries(record)) {
        const canonical = canonicalOf(name);
        const earlier = keyOf.get(canonical);
        if (!kindSpecs.has(canonical)) {
          const guess = suggestName(name, poolKindNames);
          fail([...at, name], `unknown device kind '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; the pool has ${poolKindNames.join(', ')}`);
        } else if (!poolKindNames.includes(canonical)) {
          fail([...at, name], `no node group has ${canonical === name ? `'${name}'` : `'${name}' (${canonical})`} devices, so they would never ${at[1] === 'devices' ? 'fail' : 'straggle'}; the pool has ${poolKindNames.join(', ')}`);
        } else if (earlier !== undefined) {
          fail([...at, name], `'${name}' and '${earlier}' are the same device kind (${canonical}): give it once`);
        } else {
          keyOf.set(canonical, name);
          out[canonical] = value;
        }
      }
      return out;
    };
    const f = scenario.failures;
    scenario = { ...scenario, failures: { ...f, devices: byPoolKind(f.devices, ['failures', 'devices']), stragglers: byPoolKind(f.stragglers, ['failures', 'stragglers']) } };
  }

  if (issues.length > 0) throw new InputError(issues);
  // Only a scenario that is otherwise valid is sized: the estimate reads resolved kinds and groups.
  const size = estimateSize({
    scenario,
    kinds,
    groups,
    jobs: withWaits,
    generators,
    services,
    interDcLinks: interDc.length,
    fabricUnits,
    transfers,
    fastestLinkBytesPerS: Math.max(0, ...interDc.map((l) => l.bandwidthBytesPerS * l.efficiency)),
  });
  for (const p of sizeProblems(size, memoryLimit(io.maxMemoryBytes))) fail(p.path, p.message);
  if (issues.length > 0) throw new InputError(issues);
  // `jobs` is the list's templates, made when first read (model/job-list.ts); in its place among the keys.
  const resolved = { scenario, file: src.file, shape: { datacentres, kinds, groups }, jobs: undefined, generators, src, interDc, transfers, traceReports, services, warnings, size, ...(tenants ? { tenants } : {}) };
  return defineJobs(resolved, withWaits) as ResolvedScenario;
}

/**
 * A generator whose device counts can exceed what the pool has of one kind makes jobs that are
 * rejected when drawn: every one of them is refused here, as a listed job that big is; a share of
 * them is warned with that share, since a run would otherwise only count them as rejected. An
 * unbounded distribution's remote tail (below 1 in 10,000 draws) is not worth a line.
 */
function tooBigDraws(
  devices: Distribution,
  capacity: number,
  kindList: string,
  at: readonly PathKey[],
  fail: (path: readonly PathKey[], message: string) => void,
  warn: (path: readonly PathKey[], message: string) => void,
): void {
  if (!(capacity > 0)) return; // no kind to run on: said where the kinds are
  const over = shareAbove(devices, capacity);
  const unbounded = maxOf(devices) === Infinity;
  if (over >= 1) {
    fail(at, `every job it generates needs more than the ${capacity} devices of one kind (${kindList}) the pool has at most; none could ever start`);
  } else if (over > 0 && (!unbounded || over >= 1e-4)) {
    const share = over >= 0.995 ? '>99%' : `${Number((100 * over).toPrecision(2))}%`;
    warn(at, `${unbounded ? 'about ' : ''}${share} of the jobs it generates will need more than the ${capacity} devices of one kind (${kindList}) the pool has at most, and be rejected when drawn`);
  }
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
  j: { params?: number | undefined; tokens?: number | undefined; work?: number | undefined; duration?: number | undefined; reference_device?: string | undefined; efficiency?: number | undefined; devices: number; model?: ShapeOverrides | undefined },
  allowed: readonly number[] | undefined,
  at: readonly PathKey[],
  useKind: UseKind,
  kinds: readonly KindInfo[],
  fail: Fail,
  kindRate?: readonly number[],
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
    if (kindRate) {
      const rate = kindRate[ref];
      if (!(rate! > 0)) {
        fail([...at, 'reference_device'], `the job's type has no throughput on ${kinds[ref]!.name}, so a duration measured there means nothing; give a kind its row lists`);
        return undefined;
      }
      return j.duration * j.devices * rate!;
    }
    const spec = kinds[ref]!.spec;
    return j.duration * j.devices * spec.peak * (j.efficiency ?? spec.efficiency);
  }
  if (j.params === undefined) {
    fail(at, 'a job given by its tokens needs `params` too (work = 6 x params x tokens)');
    return undefined;
  }
  // A mixture of experts does the work of the parameters a token passes through (moe.ts).
  return trainingFlop(usefulParamsOf(j.params, j.model), j.tokens!);
}

function hourly(v: number | readonly number[]): number[] {
  return typeof v === 'number' ? new Array<number>(24).fill(v) : [...v];
}

function dailyMean(v: number | readonly number[]): number {
  return typeof v === 'number' ? v : v.reduce((a, b) => a + b, 0) / v.length;
}

/** A job's `cpu` (cores) and `memory` (bytes) as the template's milli-cores and MiB. */
export function hostRequest(j: { readonly cpu?: number | undefined; readonly memory?: number | undefined }): { cpuMilli?: number; memoryMiB?: number } {
  return {
    ...(j.cpu !== undefined ? { cpuMilli: Math.round(j.cpu * 1000) } : {}),
    ...(j.memory !== undefined ? { memoryMiB: j.memory / 2 ** 20 } : {}),
  };
}

/**
 * A data centre's fabric: its `topology` block, else a leaf-spine from the data centre's own
 * `nodes_per_leaf` and `oversubscription` (the fields every scenario before topology kinds used,
 * with the same defaults). Both at once would leave one of them ignored: refused.
 */
function siteTopology(
  dc: Scenario['datacentres'][number],
  di: number,
  fail: (path: readonly PathKey[], message: string) => void,
): { topology: TopologySpec; topologyAt: readonly PathKey[] } {
  if (dc.topology) {
    for (const field of ['nodes_per_leaf', 'oversubscription'] as const) {
      if (dc[field] !== undefined) fail(['datacentres', di, field], `${field} is given both here and in this data centre's topology block: give it in topology only`);
    }
    return { topology: dc.topology, topologyAt: ['datacentres', di, 'topology'] };
  }
  return { topology: { kind: 'leaf-spine', nodes_per_leaf: dc.nodes_per_leaf ?? 16, oversubscription: dc.oversubscription ?? 1 }, topologyAt: ['datacentres', di] };
}
