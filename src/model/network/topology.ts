// The pool's network as links of the flow model: per node a NIC uplink and downlink, per data
// centre the links of its switch fabric (its topology kind: fabrics/), and per inter-DC link one
// directed link each way. Routes between data centres take the lowest-latency
// path over the inter-DC links (possibly several hops). A link's `window` caps each connection
// that crosses it at window / RTT; how many connections a flow stands for is the caller's to say.
import type { Cluster } from '../cluster.js';
import type { FabricPreset } from '../../scenario/hardware-schema.js';
import type { FlowNetwork } from './flow-network.js';
import type { FabricElement, SiteFabric } from './fabric-kind.js';
import { fabricKind, type TopologySpec } from './fabrics/registry.js';
import type { PathKey } from '../../scenario/errors.js';
import { siteShortestPaths } from './site-paths.js';

/** A node's scale-out fabric: its data centre's, else its device kind's usual one, else plain 100G Ethernet. */
export function nodeFabricPreset(c: Cluster, n: number): FabricPreset {
  return c.datacentres[c.nodeDatacentre[n]!]!.fabric ?? c.kinds[c.nodeKind[n]!]!.fabric;
}

export interface InterDcLink {
  readonly name: string;
  readonly a: number;
  readonly b: number;
  readonly latencyS: number;
  readonly bandwidthBytesPerS: number;
  readonly efficiency: number;
  /** Window per connection (bytes): caps each connection at window / RTT when set. */
  readonly windowBytes: number | undefined;
}

export interface Route {
  /** Shared: routes are kept per node pair (Topology.route), so nobody writes this list. */
  readonly links: readonly number[];
  /** One-way latency: endpoint + switch hops + long-haul propagation (s). */
  readonly latencyS: number;
  /**
   * Rate cap of ONE connection on this path: the smallest window of its long links / RTT, the
   * RTT twice latencyS, the whole route's (bytes/s), or Infinity. A flow that stands for k
   * connections is capped at k times this.
   */
  readonly connectionCapBytesPerS: number;
  /** Fabric whose congestion behaviour applies: the lossiest (lowest congestion_efficiency) the route crosses. */
  readonly fabric: FabricPreset;
}

/** Node-pair routes kept (Topology.route) before the cache starts afresh: about 200 bytes each. */
const ROUTE_CACHE_LIMIT = 1 << 17;

/** Lost fractions of a link's capacity from here on leave it down (float sums of shares that make 1). */
const LOST = 1 - 1e-9;

/**
 * The names of what can fail in one data centre's fabric (switches, links), as its kind builds it
 * for a site of nodes with these NIC counts: what the loader checks failure events against.
 */
export function fabricElementNames(spec: TopologySpec, datacentre: string, rails: readonly number[]): { switches: string[]; links: string[] } {
  const names: string[] = [];
  const nics: number[][] = [];
  const n = rails.length;
  const site = fabricKind(spec).build(spec, {
    datacentre,
    nodes: rails.map((_, i) => i),
    nodeInDc: Int32Array.from(rails.map((_, i) => i)),
    nodeNicBytesPerS: Float64Array.from(rails, () => 1),
    nodeRails: Int32Array.from(rails),
    field: () => [],
    addLink: (_c, _l, name) => names.push(name) - 1 + 2 * n,
    linkName: (link) => names[link - 2 * n]!,
    nicLinks: (node) => (nics[node] ??= [2 * node, 2 * node + 1]) as [number, number],
    isUp: () => true,
    shareOf: () => 1,
  });
  const out = { switches: [] as string[], links: [] as string[] };
  for (const e of site.elements) (e.kind === 'switch' ? out.switches : out.links).push(...e.names);
  return out;
}

export class Topology {
  readonly nicUp: Int32Array;
  readonly nicDown: Int32Array;
  /** Per data centre: its switch fabric. */
  private readonly sites: SiteFabric[] = [];
  /** Per node: effective scale-out capacity (all NICs x rate x efficiency), bytes/s. */
  readonly nodeNicBytesPerS: Float64Array;
  /** Per node: its scale-out NICs (rails). */
  readonly nodeRails: Int32Array;
  /** Per node: its fabric (the data centre's, else its device kind's usual one). */
  readonly nodeFabric: FabricPreset[];
  /** Per data centre: the fabric of its switches (its own, else its first node's), what a route's hops through it cost. */
  private readonly siteFabric: (FabricPreset | undefined)[];
  /** Directed inter-DC links: [link index in `interDc`][direction a->b = 0, b->a = 1] -> flow-network link. */
  private readonly interDcLinks: [number, number][] = [];
  /** Lowest-latency paths between data centres over the inter-DC links that are up: a list of (inter-DC link, direction). */
  private dcPaths: ([number, 0 | 1][] | undefined)[][];
  /** The same with every inter-DC link up (the nominal routes). */
  private readonly nominalDcPaths: ([number, 0 | 1][] | undefined)[][];
  /** Per inter-DC link: whether it is down (failed, not yet repaired). */
  private readonly interDcDown: boolean[] = [];
  readonly linkNames: string[] = [];
  readonly linkCapacityBytesPerS: number[] = [];
  /** The scenario field that sets each link's capacity (for messages about it). */
  readonly linkFields: (readonly PathKey[])[] = [];

  constructor(
    readonly cluster: Cluster,
    readonly network: FlowNetwork,
    readonly interDc: readonly InterDcLink[],
  ) {
    const c = cluster;
    this.nicUp = new Int32Array(c.nodeCount);
    this.nicDown = new Int32Array(c.nodeCount);
    this.nodeNicBytesPerS = new Float64Array(c.nodeCount);
    this.nodeRails = new Int32Array(c.nodeCount);
    this.nodeFabric = new Array<FabricPreset>(c.nodeCount);
    this.siteFabric = c.datacentres.map((dc) => dc.fabric);
    const nodeInDc = new Int32Array(c.nodeCount);
    const dcNodes: number[][] = c.datacentres.map(() => []);
    // Data centres in the order their first node comes (the order their switch links are made).
    const dcOrder: number[] = [];
    // A group's place among its data centre's node_groups (those with a nic_rate are listed ones).
    const groupInDc = c.groups.map((g, gi) => c.groups.slice(0, gi).filter((o) => o.datacentre === g.datacentre).length);
    for (let n = 0; n < c.nodeCount; n++) {
      const dc = c.datacentres[c.nodeDatacentre[n]!]!;
      const group = c.groups[c.nodeGroup[n]!]!;
      const nicField: PathKey[] =
        group.nicRateBytesPerS !== undefined ? ['datacentres', dc.index, 'node_groups', groupInDc[c.nodeGroup[n]!]!, 'nic_rate'] : dc.fabric ? ['datacentres', dc.index, 'fabric'] : ['datacentres', dc.index];
      const fabric = nodeFabricPreset(c, n);
      this.nodeFabric[n] = fabric;
      const nicRate = group.nicRateBytesPerS ?? fabric.port_rate;
      const cap = group.nicsPerNode * nicRate * fabric.efficiency;
      this.nodeNicBytesPerS[n] = cap;
      this.nodeRails[n] = group.nicsPerNode;
      this.nicUp[n] = this.addLink(cap, 0, `nic-up:${group.name}:${n - group.firstNode}`, nicField);
      this.nicDown[n] = this.addLink(cap, 0, `nic-down:${group.name}:${n - group.firstNode}`, nicField);
      const nodes = dcNodes[dc.index]!;
      if (nodes.length === 0) dcOrder.push(dc.index);
      this.siteFabric[dc.index] ??= fabric;
      nodeInDc[n] = nodes.length;
      nodes.push(n);
    }
    for (const di of dcOrder) {
      const dc = c.datacentres[di]!;
      const site = fabricKind(dc.topology).build(dc.topology, {
        datacentre: dc.name,
        nodes: dcNodes[di]!,
        nodeInDc,
        nodeNicBytesPerS: this.nodeNicBytesPerS,
        nodeRails: this.nodeRails,
        field: (name) => [...dc.topologyAt, name],
        addLink: (capacityBytesPerS, latencyS, name, field) => this.addLink(capacityBytesPerS, latencyS, name, field),
        linkName: (link) => this.linkNames[link]!,
        nicLinks: (node) => [this.nicUp[node]!, this.nicDown[node]!],
        isUp: this.isUp,
        shareOf: this.shareOf,
      });
      this.sites[di] = site;
      for (const e of site.elements) this.fabricElements.push(e);
    }
    interDc.forEach((l, li) => {
      const cap = l.bandwidthBytesPerS * l.efficiency;
      const an = c.datacentres[l.a]!.name;
      const bn = c.datacentres[l.b]!.name;
      const field = ['links', li, 'bandwidth'];
      this.interDcLinks.push([this.addLink(cap, l.latencyS, `${l.name}:${an}->${bn}`, field), this.addLink(cap, l.latencyS, `${l.name}:${bn}->${an}`, field)]);
    });
    this.nominalDcPaths = c.datacentres.map((d) => this.shortestPaths(d.index));
    this.dcPaths = this.nominalDcPaths;
    this.adaptive = c.datacentres.some((d) => 'ecmp' in d.topology && d.topology.ecmp?.mode === 'adaptive');
  }

  /** Every switch and link of the data centres' fabrics that can fail (fabric kinds' elements, site by site). */
  readonly fabricElements: FabricElement[] = [];
  /** Per element: outages not yet repaired (it is down while > 0). */
  private elementOutages = new Int32Array(0);
  /** Per link: the elements whose failure takes some of it, and how much (built at the first failure). */
  private linkElements: { element: number; fraction: number }[][] | undefined;
  /** Per link: the fraction of its nominal capacity failures have taken (1: down). */
  private readonly linkLost: number[] = [];
  /** Routing as if nothing had failed (the nominal route of a pair with no surviving path). */
  private nominal = false;

  /** Links whose own flow is being re-evaluated (betterRoute): it does not count against itself there. */
  private excluded: readonly number[] = [];

  /** What adaptive routing compares paths by (FabricBuildContext.shareOf). */
  private readonly shareOf = (link: number): number => this.network.linkCapacity(link) / (this.network.flowsOnLink(link) + 1 - (this.excluded.includes(link) ? 1 : 0));

  /** Whether some data centre routes adaptively (its topology's ecmp.mode), so running flows may move when load leaves. */
  readonly adaptive: boolean;

  /**
   * For a flow from a to b now on `current` (its links): a surviving route on which it would get a
   * strictly larger equal share, counted without the flow itself, on the links where the two
   * differ, or undefined. How adaptive routing re-evaluates a flow's path when load changes.
   */
  betterRoute(a: number, b: number, current: readonly number[]): Route | undefined {
    this.excluded = current;
    let r: Route | undefined;
    try {
      r = this.survivingRoute(a, b);
    } finally {
      this.excluded = [];
    }
    if (!r) return undefined;
    let now = Infinity;
    let then = Infinity;
    for (const l of current) if (!r.links.includes(l)) now = Math.min(now, this.network.linkCapacity(l) / this.network.flowsOnLink(l));
    for (const l of r.links) if (!current.includes(l)) then = Math.min(then, this.shareOf(l));
    return then > now * (1 + 1e-12) ? r : undefined;
  }

  /** Whether a link has capacity left under the current failures. */
  readonly isUp = (link: number): boolean => this.nominal || !((this.linkLost[link] ?? 0) >= LOST);

  /** The fabric element (switch or link) of this name, if any. */
  elementIndex(name: string): number | undefined {
    if (!this.elementByName) {
      this.elementByName = new Map();
      this.fabricElements.forEach((e, i) => e.names.forEach((n) => this.elementByName!.set(n, i)));
    }
    return this.elementByName.get(name);
  }
  private elementByName: Map<string, number> | undefined;

  /**
   * One more (down) or one fewer (repaired) outage of fabric element `index`. Returns the links whose
   * capacity changed, with their capacity now (bytes/s: nominal x what the down elements leave).
   */
  setElementDown(index: number, down: boolean): { link: number; capacityBytesPerS: number }[] {
    if (this.elementOutages.length < this.fabricElements.length) this.elementOutages = new Int32Array(this.fabricElements.length);
    const before = this.elementOutages[index]! > 0;
    this.elementOutages[index]! += down ? 1 : -1;
    if (before === this.elementOutages[index]! > 0) return [];
    this.downCount += before ? -1 : 1;
    if (!this.linkElements) {
      this.linkElements = this.linkNames.map(() => []);
      this.fabricElements.forEach((e, i) => e.losses.forEach(({ link, fraction }) => this.linkElements![link]!.push({ element: i, fraction })));
    }
    const out: { link: number; capacityBytesPerS: number }[] = [];
    for (const { link } of this.fabricElements[index]!.losses) {
      if (out.some((o) => o.link === link)) continue;
      // Summed afresh in element order: a repair restores exactly the nominal capacity.
      let lost = 0;
      for (const { element, fraction } of this.linkElements[link]!) if (this.elementOutages[element]! > 0) lost += fraction;
      this.linkLost[link] = lost;
      out.push({ link, capacityBytesPerS: lost >= LOST ? 0 : this.linkCapacityBytesPerS[link]! * (1 - lost) });
    }
    return out;
  }

  /** The switch elements whose failure alone cuts node `n` off the fabric (its leaf, router, single-plane rail leaves). */
  switchesCuttingOff(n: number): readonly number[] {
    if (!this.cutters) {
      const nodeOfNic = new Map<number, number>();
      this.nicUp.forEach((l, node) => nodeOfNic.set(l, node));
      this.cutters = Array.from({ length: this.nicUp.length }, () => []);
      this.fabricElements.forEach((e, i) => {
        if (e.kind !== 'switch') return;
        for (const { link, fraction } of e.losses) {
          const node = nodeOfNic.get(link);
          if (node !== undefined && fraction >= LOST) this.cutters![node]!.push(i);
        }
      });
    }
    return this.cutters[n]!;
  }
  private cutters: number[][] | undefined;

  /**
   * Per node, the part of the pool it can reach now: nodes of one part have surviving routes both
   * ways between them (each node is checked against the first node of each part found so far, in
   * node order, so parts are numbered by their first node). Undefined while no fabric element and
   * no inter-DC link is down.
   */
  parts(): Int32Array | undefined {
    if (!this.elementOutages.some((o) => o > 0) && !this.interDcDown.some((d) => d)) return undefined;
    const n = this.cluster.nodeCount;
    const part = new Int32Array(n);
    const reps: number[] = [];
    for (let a = 0; a < n; a++) {
      let p = reps.findIndex((r) => this.survivingRoute(r, a) !== undefined && this.survivingRoute(a, r) !== undefined);
      if (p < 0) p = reps.push(a) - 1;
      part[a] = p;
    }
    return part;
  }

  /** Whether fabric element `index` is down now. */
  elementDown(index: number): boolean {
    return (this.elementOutages[index] ?? 0) > 0;
  }

  private addLink(capacityBytesPerS: number, latencyS: number, name: string, field: readonly PathKey[]): number {
    const id = this.network.addLink(capacityBytesPerS, latencyS);
    this.linkNames[id] = name;
    this.linkCapacityBytesPerS[id] = capacityBytesPerS;
    this.linkFields[id] = field;
    return id;
  }

  /**
   * Inter-DC link `index` goes down or comes back: routes between data centres then take the
   * lowest-latency path over the links that are up (another link between the same two, or a way
   * round through other sites); where none is left, survivingRoute has none and route() the nominal one.
   */
  setInterDcDown(index: number, down: boolean): void {
    if ((this.interDcDown[index] ?? false) === down) return;
    this.interDcDown[index] = down;
    this.downCount += down ? 1 : -1;
    this.dcPaths = this.interDcDown.some((d) => d) ? this.cluster.datacentres.map((d) => this.shortestPaths(d.index)) : this.nominalDcPaths;
  }

  /** Whether inter-DC link `index` is down. */
  interDcLinkDown(index: number): boolean {
    return this.interDcDown[index] ?? false;
  }

  /** The inter-DC paths routes use now: over the links that are up, or the nominal ones while routing as if nothing had failed. */
  private paths(): ([number, 0 | 1][] | undefined)[][] {
    return this.nominal ? this.nominalDcPaths : this.dcPaths;
  }

  /** Dijkstra by latency over the inter-DC links that are up, from one data centre to all. */
  private shortestPaths(from: number): ([number, 0 | 1][] | undefined)[] {
    return siteShortestPaths(this.cluster.datacentres.length, this.interDc, from, this.interDcDown);
  }

  /** The two directed flow-network links of inter-DC link `index`. */
  interDcLinkIds(index: number): readonly [number, number] {
    return this.interDcLinks[index]!;
  }

  /** Whether two data centres are connected at all (with every inter-DC link up). */
  connected(dcA: number, dcB: number): boolean {
    return this.nominalDcPaths[dcA]![dcB] !== undefined;
  }

  /**
   * The route from node a's NIC to node b's (a !== b) over what has not failed; with no surviving
   * path, the nominal route (whose failed links carry nothing until repaired).
   */
  route(a: number, b: number): Route {
    if (this.downCount === 0 && !this.adaptive) {
      // Nothing down and no adaptive site: the route is the kinds' nominal one, a function of the
      // pair alone, so each pair's is made once (a multi-node job's start asks for each of its
      // pairs, and jobs on the same nodes ask again).
      const key = a * this.cluster.nodeCount + b;
      let r = this.routes.get(key);
      if (r === undefined) {
        r = this.survivingRoute(a, b)!;
        // Bounded: a miss only costs the route again.
        if (this.routes.size >= ROUTE_CACHE_LIMIT) this.routes.clear();
        this.routes.set(key, r);
      }
      return r;
    }
    return this.survivingRoute(a, b) ?? this.asNominal(() => this.survivingRoute(a, b)!);
  }

  /** Routes by node pair (a * nodeCount + b), made while nothing was down (see route()). */
  private readonly routes = new Map<number, Route>();
  /** Fabric elements with an outage plus inter-DC links down: routes are nominal while 0. */
  private downCount = 0;

  /** `f` routing as if nothing had failed. */
  private asNominal<T>(f: () => T): T {
    this.nominal = true;
    try {
      return f();
    } finally {
      this.nominal = false;
    }
  }

  /**
   * The route from node a's NIC to node b's (a !== b) over links that are up, or undefined if
   * failures leave none. Across data centres on different fabrics (IB at one, RoCE at the other),
   * each switch costs its own site's hop latency: a's site's up to its border, per inter-DC link
   * the border and long-haul hops at the mean of the two sites' and the next site's top tier at
   * that site's, b's site's down; the endpoint latency is the mean of the two nodes' (one NIC
   * pipeline each end), so a route and its reverse take the same time. Its congestion fabric is
   * the lossiest one it crosses.
   */
  survivingRoute(a: number, b: number): Route | undefined {
    if (!this.isUp(this.nicUp[a]!) || !this.isUp(this.nicDown[b]!)) return undefined;
    const c = this.cluster;
    const fabric = this.nodeFabric[a]!;
    const dcA = c.nodeDatacentre[a]!;
    const dcB = c.nodeDatacentre[b]!;
    const links = [this.nicUp[a]!];
    let hops: number;
    let propagationS = 0;
    // The smallest window of the route's long links: a connection keeps at most that in flight
    // over its whole round trip (NICs, switches and long haul), so its cap is window / (2 x latencyS).
    let windowBytes = Infinity;
    // Switch latency when the route crosses other fabrics than a's (else hops x a's hop latency).
    let mixed = this.nodeFabric[b] !== fabric;
    let switchS = 0;
    let congestion = this.nodeFabric[b]!.congestion_efficiency < fabric.congestion_efficiency ? this.nodeFabric[b]! : fabric;
    if (dcA === dcB) {
      hops = this.sites[dcA]!.route(a, b, links);
      if (hops < 0) return undefined;
      switchS = hops * fabric.hop_latency;
    } else {
      const path = this.paths()[dcA]![dcB];
      if (!path) {
        if (this.nominalDcPaths[dcA]![dcB]) return undefined; // every way between the two sites is down
        throw new Error(`no inter-DC route from ${c.datacentres[dcA]!.name} to ${c.datacentres[dcB]!.name}`);
      }
      hops = this.sites[dcA]!.up(a, links);
      if (hops < 0) return undefined;
      switchS = hops * fabric.hop_latency;
      let from = fabric;
      let lossiest = fabric;
      for (const [li, dir] of path) {
        const l = this.interDc[li]!;
        links.push(this.interDcLinks[li]![dir]);
        propagationS += l.latencyS;
        hops += 3; // border, long-haul and the next site's top tier
        const next = (dir === 0 ? l.b : l.a) === dcB ? this.nodeFabric[b]! : (this.siteFabric[dir === 0 ? l.b : l.a] ?? from);
        if (next !== fabric) mixed = true;
        if (next.congestion_efficiency < lossiest.congestion_efficiency) lossiest = next;
        switchS += from.hop_latency + next.hop_latency + next.hop_latency;
        from = next;
        if (l.windowBytes !== undefined) windowBytes = Math.min(windowBytes, l.windowBytes);
      }
      const down = this.sites[dcB]!.down(b, links);
      if (down < 0) return undefined;
      hops += down;
      switchS += down * this.nodeFabric[b]!.hop_latency;
      if (lossiest !== fabric) congestion = lossiest;
    }
    links.push(this.nicDown[b]!);
    if (!mixed) {
      const latencyS = fabric.endpoint_latency + hops * fabric.hop_latency + propagationS;
      return { links, latencyS, connectionCapBytesPerS: windowBytes / (2 * latencyS), fabric };
    }
    const other = this.nodeFabric[b]!;
    const latencyS = (fabric.endpoint_latency + other.endpoint_latency) / 2 + switchS + propagationS;
    return { links, latencyS, connectionCapBytesPerS: windowBytes / (2 * latencyS), fabric: congestion.congestion_efficiency < fabric.congestion_efficiency ? congestion : fabric };
  }

  /**
   * Connections a job's traffic from node `a` opens towards one peer node when `ranks` of its
   * ranks there send to it: one per NIC rail it uses (each rank sends through its own rail, as
   * NCCL binds a GPU to its nearest NIC), at least one. NCCL opens at least one connection per NIC
   * per channel and usually runs more channels than NICs, so this is the fewest it would open:
   * the window cap it gives is a floor on what NCCL gets, never an overestimate of it.
   */
  connectionsFrom(a: number, ranks: number): number {
    return Math.max(1, Math.min(this.nodeRails[a]!, Math.floor(ranks)));
  }

  /**
   * The most a job's flow from node `a` to one peer can carry when `ranks` of the job's ranks on
   * `a` send it: the NIC rails those ranks drive (GPU i sends on its own rail, as NCCL binds a GPU
   * to its nearest NIC and rail-optimised fabrics wire rail i to leaf i: ranks x rails / devices
   * of the node's rails, rounded up, at least one), and one connection per rail at window / RTT on
   * long links. A job with every device of the node drives all of its NICs.
   */
  jobFlowCapBytesPerS(route: Route, a: number, ranks: number): number {
    const rails = this.nodeRails[a]!;
    const used = Math.min(rails, Math.max(1, Math.ceil((ranks * rails) / this.cluster.nodeDevices[a]! - 1e-9)));
    const window = route.connectionCapBytesPerS === Infinity ? Infinity : route.connectionCapBytesPerS * this.connectionsFrom(a, ranks);
    return used >= rails ? window : Math.min(window, (this.nodeNicBytesPerS[a]! / rails) * used);
  }

  /** One-way propagation between two data centres over the path routes take now (s). */
  pathLatencyS(dcA: number, dcB: number): number {
    return pathLatency(this.interDc, this.paths()[dcA]![dcB] ?? []);
  }

  /**
   * Links of the path between two data centres (for transfers between sites): over the inter-DC
   * links that are up, else (every way down) the nominal path, whose failed links carry nothing until repaired.
   */
  dcRoute(dcA: number, dcB: number): { links: number[]; latencyS: number; connectionCapBytesPerS: number } {
    return this.survivingDcRoute(dcA, dcB) ?? this.asNominal(() => this.survivingDcRoute(dcA, dcB)!);
  }

  /** The path between two data centres over inter-DC links that are up, or undefined if failures leave none. */
  survivingDcRoute(dcA: number, dcB: number): { links: number[]; latencyS: number; connectionCapBytesPerS: number } | undefined {
    const path = this.paths()[dcA]![dcB];
    if (!path && this.nominalDcPaths[dcA]![dcB]) return undefined;
    if (!path) throw new Error(`no inter-DC route from ${this.cluster.datacentres[dcA]!.name} to ${this.cluster.datacentres[dcB]!.name}`);
    let latencyS = 0;
    let connectionCapBytesPerS = Infinity;
    const links: number[] = [];
    for (const [li, dir] of path) {
      const l = this.interDc[li]!;
      links.push(this.interDcLinks[li]![dir]);
      latencyS += l.latencyS;
    }
    for (const [li] of path) {
      const w = this.interDc[li]!.windowBytes;
      if (w !== undefined) connectionCapBytesPerS = Math.min(connectionCapBytesPerS, w / (2 * latencyS));
    }
    return { links, latencyS, connectionCapBytesPerS };
  }
}

/** One-way propagation along a path of inter-DC links (s), summed in path order. */
function pathLatency(interDc: readonly InterDcLink[], path: readonly [number, 0 | 1][]): number {
  let s = 0;
  for (const [li] of path) s += interDc[li]!.latencyS;
  return s;
}
