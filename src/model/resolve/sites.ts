// Data centres and their node groups (listed, or read from a trace's node list), each site's
// fabric and topology, and the checks over all sites (prices given for some only, topology shapes).
import type { Datacentre, NodeGroup } from '../cluster.js';
import type { FabricPreset } from '../../scenario/hardware-schema.js';
import { fabricKind, type TopologySpec } from '../network/fabrics/registry.js';
import { implausibleFabricFigures, implausibleFabricRate, implausibleNics, implausiblePower, implausibleTopologyRates } from '../plausibility.js';
import { suggestName } from '../../scenario/did-you-mean.js';
import type { PathKey, SourceMap } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema.js';
import { UniqueNames } from '../unique-names.js';
import type { Fail, ResolveContext } from './context.js';
import type { KindBook } from './kinds.js';
import { nodeGroupsFrom } from './nodes-from.js';

export interface Sites {
  readonly datacentres: Datacentre[];
  readonly groups: NodeGroup[];
  /** The index of the data centre `name`; undefined (refused at `path`) when there is none. */
  readonly dcRef: (name: string, path: readonly PathKey[]) => number | undefined;
}

/** `graphFiles`: the source of each data centre's graph topology read from a file, by index. */
export function resolveSites(scenario: Scenario, book: KindBook, graphFiles: ReadonlyMap<number, SourceMap>, ctx: ResolveContext): Sites {
  const { fail, warn, src } = ctx;
  const groupNames = new UniqueNames('node group', fail, src.where);
  const dcNames = new UniqueNames('data centre', fail, src.where);
  const dcIndex = new Map<string, number>();
  const datacentres: Datacentre[] = [];
  const groups: NodeGroup[] = [];
  let firstNode = 0;
  scenario.datacentres.forEach((dc, di) => {
    const dcNamed = dcNames.claim(dc.name, ['datacentres', di, 'name']);
    dcIndex.set(dc.name, di);
    let fabric: FabricPreset | undefined;
    if (dc.fabric) {
      const { preset, ...over } = dc.fabric as { preset: string } & Partial<FabricPreset>;
      const base = book.fabrics.get(preset);
      if (!base) {
        // A preset whose definition was refused: its own problems are reported.
        const guess = suggestName(preset, [...book.fabrics.keys()]);
        if (!book.refusedFabrics.has(preset)) fail(['datacentres', di, 'fabric'], `unknown fabric preset '${preset}'${guess ? ` (did you mean '${guess}'?)` : `; expected one of: ${[...book.fabrics.keys()].join(', ')}`}`);
      } else {
        fabric = { ...base, ...over };
        implausibleFabricFigures(over, ['datacentres', di, 'fabric'], src, warn);
      }
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
      const kind = book.useKind(g.device, ['datacentres', di, 'node_groups', gi, 'device']);
      if (kind === undefined) return;
      const spec = book.kinds[kind]!.spec;
      const groupName = g.name ?? `${dc.name}-${g.device}-${gi}`;
      const groupAt: PathKey[] = ['datacentres', di, 'node_groups', gi];
      // An unnamed group of a second site of the same name would repeat the first's default name: that site's name is the one problem.
      if (g.name !== undefined || dcNamed) groupNames.claim(groupName, g.name !== undefined ? [...groupAt, 'name'] : groupAt, g.name !== undefined ? '' : ' (the name an unnamed group gets)');
      implausiblePower(g.host_power, 'server host (CPUs, memory, NICs, fans)', [...groupAt, 'host_power'], src.scalarAt([...groupAt, 'host_power']), warn);
      if (g.nics !== undefined) implausibleNics(g.nics, g.devices_per_node ?? spec.devices_per_node, [...groupAt, 'nics'], warn);
      if (g.nic_rate !== undefined) implausibleFabricRate(g.nic_rate, 'NIC', 'Gbps', [...groupAt, 'nic_rate'], src.scalarAt([...groupAt, 'nic_rate']), warn);
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
      for (const g of nodeGroupsFrom(dc.nodes_from, dc.name, di, firstNode, book, groupNames, ctx)) {
        groups.push(g);
        firstNode += g.nodeCount;
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
  // Bandwidths of a topology's own links (a torus's, a dragonfly's, a graph's), where a graph read
  // from a file is located in that file.
  for (const dc of datacentres) {
    const fileSrc = graphFiles.get(dc.index);
    implausibleTopologyRates(dc.topology, fileSrc ? [] : dc.topologyAt, fileSrc ?? src, fileSrc ? (path, message) => void ctx.warnings.push(fileSrc.issue(path, message)) : warn);
  }
  const dcRef = (name: string, path: readonly PathKey[]): number | undefined => {
    const i = dcIndex.get(name);
    if (i === undefined) {
      const guess = suggestName(name, [...dcIndex.keys()]);
      fail(path, `unknown data centre '${name}'${guess ? ` (did you mean '${guess}'?)` : `; expected one of: ${[...dcIndex.keys()].join(', ')}`}`);
    }
    return i;
  };
  return { datacentres, groups, dcRef };
}

/**
 * Each site's topology against its nodes: shapes that must match them (a torus's dims), ECMP paths
 * its NICs cannot wire, notes on how the flow network will run it, and a one-hop leaf wider than the
 * priced switches. Some walk the site node by node (its NICs' ports): the loader runs this only once
 * the pool's size is known to fit (model/load-scenario.ts).
 */
export function checkSiteShapes(scenario: Scenario, sites: Sites, book: KindBook, graphFiles: ReadonlyMap<number, SourceMap>, ctx: ResolveContext): void {
  const { fail, warn } = ctx;
  const { datacentres, groups } = sites;
  // Topology kinds whose shape must match the site's nodes (a torus's dims).
  for (const dc of datacentres) {
    const nodes = groups.reduce((sum, g) => sum + (g.datacentre === dc.index ? g.nodeCount : 0), 0);
    const kind = fabricKind(dc.topology);
    const problem = kind.check?.(dc.topology, nodes);
    // A graph read from a file is wrong in that file: locate the problem there.
    const fileSrc = graphFiles.get(dc.index);
    if (problem) {
      if (fileSrc) ctx.issues.push(fileSrc.issue([problem.field], problem.message));
      else fail([...dc.topologyAt, problem.field], problem.message);
      continue;
    }
    // Shapes the site's NICs cannot wire (more ECMP paths than a leaf has uplink ports).
    // Only with hashed or several paths.
    const paths = (dc.topology as { ecmp?: { paths: number } }).ecmp?.paths ?? 1;
    const portProblem = nodes > 0 && paths > 1 ? kind.checkPorts?.(dc.topology, siteNicPorts(dc, groups, book)) : undefined;
    if (portProblem) {
      fail([...dc.topologyAt, portProblem.field], portProblem.message);
      continue;
    }
    // Legal shapes the flow network would run in a way worth knowing (a graph link no route takes).
    if (scenario.network !== 'flow' || nodes === 0) continue;
    for (const note of kind.notes?.(dc.topology, nodes, datacentres.length > 1) ?? []) {
      if (fileSrc) ctx.warnings.push(fileSrc.issue(note.field, note.message));
      else warn([...dc.topologyAt, ...note.field], note.message);
    }
    // A one-hop leaf wider than the priced switches: the run's fabric_capex and fabric_kw are left empty (fabric-cost.ts); say why.
    const unbuildable = unbuildableBill(dc, groups, book);
    if (unbuildable) warn([...dc.topologyAt, unbuildable.field], unbuildable.message);
  }
}

/** Per node of the site, its scale-out NICs and their bandwidth in ports at its fabric's rate (as fabric-cost.ts counts them). */
function siteNicPorts(dc: Datacentre, groups: readonly NodeGroup[], book: KindBook): { rails: number[]; nicPorts: number[] } {
  const rails: number[] = [];
  const nicPorts: number[] = [];
  for (const g of groups) {
    if (g.datacentre !== dc.index) continue;
    const portRate = (dc.fabric ?? book.kinds[g.kind]!.fabric).port_rate;
    const ports = (g.nicsPerNode * (g.nicRateBytesPerS ?? portRate)) / portRate;
    for (let i = 0; i < g.nodeCount; i++) {
      rails.push(g.nicsPerNode);
      nicPorts.push(ports);
    }
  }
  return { rails, nicPorts };
}

/** Why the site's kind cannot be built of its fabric's priced switches (FabricBill.unbuildable), if it cannot; nothing when the site's fabric has no equipment or its nodes' fabrics differ. */
function unbuildableBill(dc: Datacentre, groups: readonly NodeGroup[], book: KindBook): { field: string; message: string } | undefined {
  const presets = new Set<FabricPreset>();
  for (const g of groups) if (g.datacentre === dc.index) presets.add(dc.fabric ?? book.kinds[g.kind]!.fabric);
  const [fabric] = [...presets];
  if (presets.size !== 1 || !fabric?.equipment) return undefined;
  const { rails, nicPorts } = siteNicPorts(dc, groups, book);
  return fabricKind(dc.topology).bill(dc.topology, { rails, nicPorts, switchPorts: fabric.equipment.switch_ports, portBytesPerS: fabric.port_rate * fabric.efficiency }).unbuildable;
}

function hourly(v: number | readonly number[]): number[] {
  return typeof v === 'number' ? new Array<number>(24).fill(v) : [...v];
}

function dailyMean(v: number | readonly number[]): number {
  return typeof v === 'number' ? v : v.reduce((a, b) => a + b, 0) / v.length;
}

/**
 * A data centre's fabric: its `topology` block, else a leaf-spine from the data centre's own
 * `nodes_per_leaf` and `oversubscription` (the fields every scenario before topology kinds used,
 * with the same defaults). Both at once would leave one of them ignored: refused.
 */
function siteTopology(dc: Scenario['datacentres'][number], di: number, fail: Fail): { topology: TopologySpec; topologyAt: readonly PathKey[] } {
  if (dc.topology) {
    for (const field of ['nodes_per_leaf', 'oversubscription'] as const) {
      if (dc[field] !== undefined) fail(['datacentres', di, field], `${field} is given both here and in this data centre's topology block: give it in topology only`);
    }
    return { topology: dc.topology, topologyAt: ['datacentres', di, 'topology'] };
  }
  return { topology: { kind: 'leaf-spine', nodes_per_leaf: dc.nodes_per_leaf ?? 16, oversubscription: dc.oversubscription ?? 1 }, topologyAt: ['datacentres', di] };
}
