// Rail-optimised two tiers (NVIDIA DGX SuperPOD, Alibaba HPN): the site's nodes form rail groups of
// `nodes_per_group`; in each group NIC i of every node (its rail i) goes to rail leaf i, so a group
// has one leaf per rail (per plane with `planes: 2`, each NIC port split over two leaves), and the
// rail leaves go up to spines at `oversubscription`. Traffic between two nodes of a group stays on
// the rail leaves: a node pair's traffic runs over all their rails (NCCL spreads channels over every
// NIC), and what is not rail-aligned crosses NVLink inside the source node first (NCCL's PXN), so
// no byte between two nodes of a group climbs to the spine: 1 switch hop. Across groups: rail leaf,
// spine, rail leaf (3). The flow model carries a node pair's traffic as one flow, spread evenly over
// its rails and planes, so per group one aggregate uplink and downlink stands for all its rail
// leaves' uplinks: the group's NIC total / oversubscription. The site's top tier (where traffic to
// other sites leaves and enters) is the spine: 2 switches up, 1 down. A site of one group has no
// spine and no spine links (as its bill): its rail leaves are the top, 1 switch up, none down.
import { z } from 'zod';
import { boundedNumber } from '../../../scenario/quantity.js';
import { cable, leafTooBig, switchElement, tierTooWide, type FabricBuildContext, type FabricElement, type FabricKind } from '../fabric-kind.js';
import { closTier, planeSwitches, sum } from './clos-tier.js';
import { ecmpSchema, ecmpWiderThanUplinks, hashedPaths, spineCount, spineLinks, spineShare, pathChooser } from './ecmp.js';

export const railOptimizedSchema = z.strictObject({
  kind: z.literal('rail-optimized'),
  /** Nodes in one rail group (under one set of rail leaves). */
  nodes_per_group: z.number().int().positive().default(32),
  /** Rail leaf downlink : uplink capacity ratio (1 = non-blocking), at most 1000. */
  oversubscription: boundedNumber(1, 1000).default(1),
  /** 1, or 2: each NIC port split over two independent planes of rail leaves and spines (HPN). */
  planes: z.union([z.literal(1), z.literal(2)]).default(1),
  /** Equal-cost multipath over the spines (absent: split, one aggregate uplink per group). */
  ecmp: ecmpSchema.optional(),
});

export type RailOptimizedSpec = z.output<typeof railOptimizedSchema>;

export const railOptimized: FabricKind<RailOptimizedSpec> = {
  kind: 'rail-optimized',
  description: 'Rail groups of nodes_per_group nodes, one leaf per NIC rail (and plane), rail leaves under a non-blocking spine at oversubscription; PXN keeps a group\'s traffic on its rail leaves.',
  schema: railOptimizedSchema,
  example: { block: '{ kind: rail-optimized, nodes_per_group: 4, oversubscription: 3, planes: 2, ecmp: { mode: hash, paths: 3 } }', nodes: 10 },
  group: (spec, i) => Math.floor(i / spec.nodes_per_group),
  checkPorts(spec, site) {
    // A group's spine paths are its rail leaves' uplinks together: per rail leaf its NICs' ports / oversubscription.
    const byGroup: number[][] = [];
    site.rails.forEach((_, i) => (byGroup[Math.floor(i / spec.nodes_per_group)] ??= []).push(i));
    const up = byGroup.map((nodes) => {
      let ports = 0;
      const most = Math.max(...nodes.map((i) => site.rails[i]!));
      for (let rail = 0; rail < most; rail++) ports += Math.ceil(sum(nodes.filter((i) => site.rails[i]! > rail).map((i) => site.nicPorts[i]! / site.rails[i]!)) / spec.oversubscription - 1e-9);
      return ports;
    });
    return ecmpWiderThanUplinks(spec.ecmp, up, 'rail group', 'oversubscription');
  },
  build(spec, ctx) {
    const groupOf = (n: number): number => Math.floor(ctx.nodeInDc[n]! / spec.nodes_per_group);
    const groupCapacity: number[] = [];
    for (const n of ctx.nodes) groupCapacity[groupOf(n)] = (groupCapacity[groupOf(n)] ?? 0) + ctx.nodeNicBytesPerS[n]!;
    // Per group its uplinks and downlinks: one aggregate each, or one per spine when hashing.
    const up: number[][] = [];
    const down: number[][] = [];
    const field = ctx.field('oversubscription');
    const paths = hashedPaths(spec.ecmp);
    const choose = pathChooser(spec.ecmp, ctx);
    // One group: its rail leaves are the top tier, with nothing above them to link to.
    const spine = groupCapacity.length > 1;
    groupCapacity.forEach((total, g) => {
      if (!spine) {
        up[g] = [];
        down[g] = [];
        return;
      }
      const cap = total / spec.oversubscription;
      up[g] = spineLinks(ctx, cap, `rail-up:${ctx.datacentre}:${g}`, field, paths);
      down[g] = spineLinks(ctx, cap, `rail-down:${ctx.datacentre}:${g}`, field, paths);
    });
    const pos = (n: number): number => ctx.nodeInDc[n]!;
    const elements = railElements(spec, ctx, groupOf, groupCapacity, up, down);
    return {
      elements,
      route(a, b, out) {
        const ga = groupOf(a);
        const gb = groupOf(b);
        if (ga === gb) return 1;
        const p = choose(pos(a), pos(b), (q) => [up[ga]![q]!, down[gb]![q]!]);
        if (p < 0) return -1;
        out.push(up[ga]![p]!, down[gb]![p]!);
        return 3;
      },
      up(a, out) {
        if (!spine) return 1;
        const p = choose(pos(a), -1, (q) => [up[groupOf(a)]![q]!]);
        if (p < 0) return -1;
        out.push(up[groupOf(a)]![p]!);
        return 2;
      },
      down(b, out) {
        if (!spine) return 0;
        const p = choose(pos(b), -2, (q) => [down[groupOf(b)]![q]!]);
        if (p < 0) return -1;
        out.push(down[groupOf(b)]![p]!);
        return 1;
      },
    };
  },
  bill(spec, site) {
    // Per group, rail leaf r takes NIC r of every node that has one; per plane, at 1/planes of the
    // port rate, so a switch has switchPorts x planes such ports (split mode) and every link end is
    // 1/planes of a transceiver.
    // A rail leaf's ports down are its NICs' bandwidth in ports (a NIC at the port rate: one).
    const byGroup: number[][] = [];
    site.rails.forEach((_, i) => (byGroup[Math.floor(i / spec.nodes_per_group)] ??= []).push(i));
    const leafDown: number[] = [];
    let nics = 0;
    for (const nodes of byGroup) {
      const most = Math.max(...nodes.map((i) => site.rails[i]!));
      for (let rail = 0; rail < most; rail++) {
        const on = nodes.filter((i) => site.rails[i]! > rail);
        leafDown.push(sum(on.map((i) => site.nicPorts[i]! / site.rails[i]!)));
        nics += on.length;
      }
    }
    const ports = site.switchPorts * spec.planes;
    // Each rail leaf is one rail: one switch, or (more ports than a switch has) no rail leaf at all.
    const leaves = closTier(leafDown, spec.oversubscription, ports, byGroup.length === 1, 1, leafDown.map((d) => [d]));
    const cables = spec.planes * (nics + sum(leaves.up));
    // Per plane `ecmp.paths` spines (the failures and hashed routes have as many), each with its share of the uplinks.
    const bill = { switches: spec.planes * (leaves.switches + planeSwitches(sum(leaves.up), ports, spineCount(spec.ecmp))), transceivers: 2 * (sum(leafDown) + sum(leaves.up)), cables };
    if (!leaves.tooBig) {
      // A spine switch of a rail takes a link from that rail's leaf in every group.
      const wide = tierTooWide('rail groups', byGroup.length, 'spine', ports, 'nodes_per_group', 'Give more nodes per group, or switches with more ports', spec.planes > 1);
      return wide ? { ...bill, unbuildable: wide } : bill;
    }
    // leafDown lists the groups' rails in turn: name the group the too-big rail leaf is in.
    let group = 0;
    for (let i = leaves.tooBig.index, g = 0; g < byGroup.length; g++) {
      const rails = Math.max(...byGroup[g]!.map((n) => site.rails[n]!));
      if (i < rails) {
        group = g;
        break;
      }
      i -= rails;
    }
    return { ...bill, unbuildable: leafTooBig('rail group', group, leaves.tooBig, ports, 'nodes_per_group', spec.planes > 1) };
  },
};

/**
 * What can fail in a rail-optimised site. A rail leaf (group g, rail r, and plane q with two
 * planes) carries rail r of the group's nodes and its share of the group's spine links. With one
 * plane its failure cuts those nodes' rail r off: NCCL does not move a connection to another NIC,
 * so their traffic has no path (the nodes' NIC links go down). With two planes the same NIC port
 * reaches the other plane's rail leaf: the nodes lose half of that rail's rate. A spine (path p,
 * per plane) carries its share of every group's spine links; each group's spine cable pair too.
 * A site of one group has no spine and no spine cables (as its bill): its rail leaves are all.
 */
function railElements(spec: RailOptimizedSpec, ctx: FabricBuildContext, groupOf: (n: number) => number, groupCapacity: readonly number[], up: readonly number[][], down: readonly number[][]): FabricElement[] {
  const elements: FabricElement[] = [];
  const planes = spec.planes;
  const members: number[][] = groupCapacity.map(() => []);
  for (const n of ctx.nodes) members[groupOf(n)]!.push(n);
  members.forEach((nodes, g) => {
    const rails = Math.max(...nodes.map((n) => ctx.nodeRails[n]!));
    for (let r = 0; r < rails; r++) {
      const on = nodes.filter((n) => ctx.nodeRails[n]! > r);
      // The rail's share of the group's NIC capacity: its spine links' share.
      let railBytesPerS = 0;
      for (const n of on) railBytesPerS += ctx.nodeNicBytesPerS[n]! / ctx.nodeRails[n]!;
      const share = railBytesPerS / groupCapacity[g]! / planes;
      const spineLosses = [...up[g]!, ...down[g]!].map((link) => ({ link, fraction: share }));
      for (let q = 0; q < planes; q++) {
        const name = `rail-leaf:${ctx.datacentre}:${g}:${r}${planes > 1 ? `:${q}` : ''}`;
        if (planes === 1) elements.push(switchElement(ctx, name, on, [], spineLosses));
        else elements.push(switchElement(ctx, name, [], [], [...on.flatMap((n) => ctx.nicLinks(n).map((link) => ({ link, fraction: 1 / (ctx.nodeRails[n]! * planes) }))), ...spineLosses]));
      }
    }
  });
  if (members.length === 1) return elements;
  const spines = spineCount(spec.ecmp);
  for (let p = 0; p < spines; p++) {
    for (let q = 0; q < planes; q++) {
      const losses = [...spineShare(up, p, spines), ...spineShare(down, p, spines)].map((x) => ({ link: x.link, fraction: x.fraction / planes }));
      elements.push(switchElement(ctx, `spine:${ctx.datacentre}:${p}${planes > 1 ? `:${q}` : ''}`, [], [], losses));
    }
  }
  up.forEach((links, g) => links.forEach((l, p) => elements.push(cable(ctx, l, down[g]![p]!))));
  return elements;
}
