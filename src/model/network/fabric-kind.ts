// The seam between the pool-wide network (NICs, inter-DC links: topology.ts) and one data centre's
// switch fabric. A kind is one file under fabrics/ and one row of fabrics/registry.ts: it says which
// placement group (leaf, ToR) each node is in, which links its switches add for the site's nodes,
// and the links and switch hops between two nodes of the site and between a node and the site's top
// tier (where inter-DC traffic leaves and enters).
import type { z } from 'zod';
import type { PathKey } from '../../scenario/errors.js';

/** What a kind's builder is given for one data centre. */
export interface FabricBuildContext {
  /** The data centre's name (link names read `leaf-up:<dc>:<i>`). */
  readonly datacentre: string;
  /** The site's nodes (pool-wide indices), in node order. */
  readonly nodes: readonly number[];
  /** Per pool-wide node: its position among its data centre's nodes (what `group` takes). */
  readonly nodeInDc: Int32Array;
  /** Effective NIC capacity of each node of the pool (bytes/s), indexed by pool-wide node. */
  readonly nodeNicBytesPerS: Float64Array;
  /** The scenario path of one of the kind's fields (for messages about a link it sets). */
  field(name: string): readonly PathKey[];
  /** Scale-out NICs (rails) of each node of the pool, indexed by pool-wide node. */
  readonly nodeRails: Int32Array;
  /** Adds a directed link to the flow network; returns its id. */
  addLink(capacityBytesPerS: number, latencyS: number, name: string, field: readonly PathKey[]): number;
  /** The name a link was added under. */
  linkName(link: number): string;
  /** A node's NIC uplink and downlink (what a switch failure that cuts the node off takes away). */
  nicLinks(node: number): readonly [number, number];
  /**
   * Whether a link has capacity left under the fabric's current failures (always true without
   * them). Routes avoid links that do not; a kind reads it at each route, never caches it.
   */
  isUp(link: number): boolean;
  /**
   * The rate a new flow would get on a link at an equal share now: its capacity now / (the flows
   * crossing it + 1). What adaptive routing compares its equal-cost paths by; read at each route.
   */
  shareOf(link: number): number;
}

/**
 * Something in a site's fabric that can fail: a switch, or a link (a cable: both directions). Its
 * failure takes `fraction` of each listed link's nominal capacity away (1: the link is down; less:
 * the link stands for several parallel cables or switches, of which this is one share).
 */
export interface FabricElement {
  /** `switch` elements are named by tier (`spine:<dc>:<i>`); a link by either direction's link name. */
  readonly kind: 'switch' | 'link';
  readonly names: readonly string[];
  readonly losses: readonly { readonly link: number; readonly fraction: number }[];
}

/**
 * One data centre's switch fabric, built. Callers pass nodes of this site (pool-wide indices)
 * and, to `route`, two distinct ones; implementations push link ids in path order and return the
 * switches the path crosses. Routes keep to links that are up (ctx.isUp): among equal-cost paths,
 * else by the shortest surviving detour where the kind has one; with no surviving path they return
 * -1 (what they pushed is then meaningless). Without failures every route is the kind's nominal one.
 */
export interface SiteFabric {
  /** Links strictly between a's NIC uplink and b's NIC downlink; returns the switch hops, or -1. */
  route(a: number, b: number, out: number[]): number;
  /** Links from a's first switch up to the site's top tier; returns switches crossed, the top one included, or -1. */
  up(a: number, out: number[]): number;
  /** Links from the site's top tier down to b's first switch; returns switches crossed below the top, or -1. */
  down(b: number, out: number[]): number;
  /** What can fail: every switch and every link (cable) of the kind, in a fixed order. */
  readonly elements: readonly FabricElement[];
}

/** What a kind's bill of materials is computed from: one data centre's nodes and its switches. */
export interface FabricSite {
  /** Scale-out NICs (rails) of each node of the site, in node order: one link (cable) each. */
  readonly rails: readonly number[];
  /**
   * Per node, its NICs' bandwidth in switch ports at the fabric's rate (rails x nic_rate / port
   * rate): the ports its links take (a 200G NIC half a 400G port, an 800G NIC two) and what a
   * tier's uplinks are sized by, as the run sizes them by the NICs' bandwidth.
   */
  readonly nicPorts: readonly number[];
  /** Ports of one switch at the fabric's port rate. */
  readonly switchPorts: number;
  /** Usable rate of one port (port rate x efficiency), bytes/s: how many ports a link of a given bandwidth needs. */
  readonly portBytesPerS: number;
}

/**
 * What a site's fabric is built of: switches, and links counted in ports at the fabric's rate (a
 * link has a transceiver at each end and a cable; a link at half the rate, as a dual plane splits a
 * port, counts as half a transceiver per end).
 */
export interface FabricBill {
  readonly switches: number;
  readonly transceivers: number;
  readonly cables: number;
  /**
   * Set when the kind's model of the site cannot be built of these switches (a leaf the model
   * crosses in one switch hop needs more ports for one rail than a switch has): a field of the
   * block and why. The counts are then no price of the fabric the run times (fabric-cost.ts leaves
   * the cost unknown).
   */
  readonly unbuildable?: { readonly field: string; readonly message: string };
}

/** Why a leaf (`what` and its index) whose widest rail has `down` ports and `up` uplinks cannot be one switch of `switchPorts`, at `field`. */
export function leafTooBig(what: string, index: number, tooBig: { down: number; up: number }, switchPorts: number, field: string, halfRate = false): { field: string; message: string } {
  const ports = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));
  return {
    field,
    message:
      `${what} ${index} needs ${ports(tooBig.down + tooBig.up)} switch ports for one rail (${ports(tooBig.down)} NIC ports${tooBig.up > 0 ? ` and ${ports(tooBig.up)} uplinks` : ''}), more than a switch's ${switchPorts}${halfRate ? ' half-rate ports (twice the fabric\'s equipment.switch_ports, each port split over two planes)' : ' (the fabric\'s equipment.switch_ports)'}: ` +
      `the run crosses a ${what} in one switch hop, but a rail split over two switches would cross the tier above, so no bill of these switches builds it and fabric_capex, fabric_kw and fabric_energy_kwh are left empty. ` +
      `Give fewer nodes per ${what}, or switches with more ports`,
  };
}

/**
 * Why a tier of `count` switches below (`lower`: leaves, rail groups, pods) cannot all be joined by
 * one tier above (`upper`) of `switchPorts`-port switches, at `field`: each switch above takes at
 * least one link from each below (with rail-split leaves, from each leaf's switch of its rail), so
 * two tiers of these switches join at most switchPorts of them. Undefined when they fit.
 */
export function tierTooWide(lower: string, count: number, upper: string, switchPorts: number, field: string, remedy: string, halfRate = false): { field: string; message: string } | undefined {
  if (count <= switchPorts) return undefined;
  return {
    field,
    message:
      `${count} ${lower}, more than a switch's ${switchPorts}${halfRate ? ' half-rate ports (twice the fabric\'s equipment.switch_ports, each port split over two planes)' : ' ports (the fabric\'s equipment.switch_ports)'}: each ${upper} switch takes a link from every one of them, so these switches cannot join them in one tier above, as the run has them (one ${upper} hop); ` +
      `a real fabric of them has another tier, so fabric_capex, fabric_kw and fabric_energy_kwh are left empty. ${remedy}`,
  };
}

/**
 * Why a switch the run crosses in one hop (a dragonfly's router, a graph's switch: `what`) whose
 * ports at the fabric's rate are `parts` cannot be built of `switchPorts`-port switches, at `field`:
 * even split into one plane per rail of the site's nodes (`planes`, its widest node's NICs; each
 * plane's switch its share of every port group, the most lenient split), one plane needs more ports
 * than a switch has. Undefined when it fits so.
 */
export function switchTooBig(what: string, parts: readonly { readonly name: string; readonly ports: number }[], planes: number, switchPorts: number, field: string, remedy: string): { field: string; message: string } | undefined {
  const total = parts.reduce((n, p) => n + p.ports, 0);
  const perPlane = total / Math.max(1, planes);
  if (perPlane <= switchPorts * (1 + 1e-9)) return undefined;
  const ports = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));
  const listed = parts.filter((p) => p.ports > 0).map((p) => `${ports(p.ports)} ${p.name}`).join(', ');
  return {
    field,
    message:
      `${what} needs ${ports(total)} switch ports (${listed})${planes > 1 ? `, ${ports(perPlane)} in each of ${planes} rail planes` : ''}, more than a switch's ${switchPorts} (the fabric's equipment.switch_ports): ` +
      `the run crosses it in one switch hop, but split over several switches it would take more hops, so no bill of these switches builds it and fabric_capex, fabric_kw and fabric_energy_kwh are left empty. ${remedy}`,
  };
}

/** A cable: the given directed links (its two directions) go down together. */
export const cable = (ctx: FabricBuildContext, ...links: number[]): FabricElement => ({ kind: 'link', names: links.map((l) => ctx.linkName(l)), losses: links.map((link) => ({ link, fraction: 1 })) });

/** A switch whose failure takes `links` down entirely (and `shares`, its part of shared links), cutting off `nodes`. */
export function switchElement(ctx: FabricBuildContext, name: string, nodes: readonly number[], links: readonly number[], shares: readonly { link: number; fraction: number }[] = []): FabricElement {
  const losses: { link: number; fraction: number }[] = [];
  for (const n of nodes) for (const link of ctx.nicLinks(n)) losses.push({ link, fraction: 1 });
  for (const link of links) losses.push({ link, fraction: 1 });
  return { kind: 'switch', names: [name], losses: [...losses, ...shares] };
}

/** Ceil of a ratio of port counts, robust to a quotient of floats a hair above a whole number. */
export const switchesFor = (ports: number, switchPorts: number): number => (ports <= 0 ? 0 : Math.ceil(ports / switchPorts - 1e-9));

/** A topology kind: its scenario block's schema, its placement grouping and its builder. */
export interface FabricKind<S extends { readonly kind: string }> {
  readonly kind: S['kind'];
  readonly description: string;
  readonly schema: z.ZodType<S, unknown>;
  /**
   * A topology block of this kind for a site of `example.nodes` nodes, as a scenario would write it
   * (YAML flow mapping): the contract suite over every kind (test/topology-kinds.test.ts) builds it.
   */
  readonly example: { readonly block: string; readonly nodes: number };
  /**
   * The placement group (leaf or ToR switch: nodes whose traffic between them stays on one
   * switch) of the i-th node of its data centre; groups are numbered from 0, non-decreasing in i.
   */
  group(spec: S, nodeInDc: number): number;
  /**
   * The pod of a placement group: leaves whose traffic between them stays below the core (a fat
   * tree's aggregation block, a dragonfly's group), numbered from 0, non-decreasing in the group.
   * Absent: the site is one pod. Topology-aware placement keeps a gang in one pod when it can.
   */
  pod?(spec: S, group: number): number;
  /** A problem with the spec on a site of `nodeCount` nodes (a field of the block and what is wrong), if any. */
  check?(spec: S, nodeCount: number): { field: string; message: string } | undefined;
  /**
   * A problem with the spec on the site's NICs (what check() cannot see: more ECMP paths than a
   * leaf has uplink ports), as a field of the block and what is wrong, if any.
   */
  checkPorts?(spec: S, site: Pick<FabricSite, 'rails' | 'nicPorts'>): { field: string; message: string } | undefined;
  /**
   * What is legal but worth knowing about a spec that passed check() (a link no route takes, say),
   * at a path inside the block. `otherSites`: the pool has other data centres, so routes to and
   * from the site's top tier carry traffic too. Called only with the flow network.
   */
  notes?(spec: S, nodeCount: number, otherSites: boolean): { field: readonly PathKey[]; message: string }[];
  build(spec: S, ctx: FabricBuildContext): SiteFabric;
  /**
   * The switches, transceivers and cables the kind needs for a site: its tiers' switch ports (a
   * one-hop leaf with more ports than a switch has is several switches holding whole rails, and
   * `unbuildable` when one rail does not fit a switch), its links between nodes and switches and
   * between tiers. Uplinks are ceil(downlinks / oversubscription) ports; a tier with
   * nothing above it (one leaf, one pod) has none.
   */
  bill(spec: S, site: FabricSite): FabricBill;
}
