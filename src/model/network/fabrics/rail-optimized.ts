// Rail-optimised two tiers (NVIDIA DGX SuperPOD, Alibaba HPN): the site's nodes form rail groups of
// `nodes_per_group`; in each group NIC i of every node (its rail i) goes to rail leaf i, so a group
// has one leaf per rail (per plane with `planes: 2`, each NIC port split over two leaves), and the
// rail leaves go up to spines at `oversubscription`. Traffic between two nodes of a group stays on
// the rail leaves: a node pair's traffic runs over all their rails (NCCL spreads channels over every
// NIC), and what is not rail-aligned crosses NVLink inside the source node first (NCCL's PXN), so
// no byte between two nodes of a group climbs to the spine: 1 switch hop. Across groups: rail leaf,
// spine, rail leaf (3). The flow model carries a node pair's traffic as one flow, spread evenly over
// its rails and planes, so per group one aggregate uplink and downlink stands for all its rail
// leaves' uplinks: the group's NIC total / oversubscription.
import { z } from 'zod';
import { boundedNumber } from '../../../scenario/quantity.js';
import { switchesFor, type FabricKind } from '../fabric-kind.js';
import { closTier, sum } from './clos-tier.js';
import { ecmpPath, ecmpSchema, hashedPaths, spineLinks } from './ecmp.js';

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
  build(spec, ctx) {
    const groupOf = (n: number): number => Math.floor(ctx.nodeInDc[n]! / spec.nodes_per_group);
    const groupCapacity: number[] = [];
    for (const n of ctx.nodes) groupCapacity[groupOf(n)] = (groupCapacity[groupOf(n)] ?? 0) + ctx.nodeNicBytesPerS[n]!;
    // Per group its uplinks and downlinks: one aggregate each, or one per spine when hashing.
    const up: number[][] = [];
    const down: number[][] = [];
    const field = ctx.field('oversubscription');
    const paths = hashedPaths(spec.ecmp);
    groupCapacity.forEach((total, g) => {
      const cap = total / spec.oversubscription;
      up[g] = spineLinks(ctx, cap, `rail-up:${ctx.datacentre}:${g}`, field, paths);
      down[g] = spineLinks(ctx, cap, `rail-down:${ctx.datacentre}:${g}`, field, paths);
    });
    const pos = (n: number): number => ctx.nodeInDc[n]!;
    return {
      route(a, b, out) {
        const ga = groupOf(a);
        const gb = groupOf(b);
        if (ga === gb) return 1;
        const p = ecmpPath(pos(a), pos(b), paths);
        out.push(up[ga]![p]!, down[gb]![p]!);
        return 3;
      },
      up(a, out) {
        out.push(up[groupOf(a)]![ecmpPath(pos(a), -1, paths)]!);
        return 2;
      },
      down(b, out) {
        out.push(down[groupOf(b)]![ecmpPath(pos(b), -2, paths)]!);
        return 1;
      },
    };
  },
  bill(spec, site) {
    // Per group, rail leaf r takes NIC r of every node that has one; per plane, at 1/planes of the
    // port rate, so a switch has switchPorts x planes such ports (split mode) and every link end is
    // 1/planes of a transceiver.
    const railsByGroup: number[][] = [];
    site.rails.forEach((r, i) => (railsByGroup[Math.floor(i / spec.nodes_per_group)] ??= []).push(r));
    const leafDown: number[] = [];
    for (const rails of railsByGroup) {
      const most = Math.max(...rails);
      for (let rail = 0; rail < most; rail++) leafDown.push(rails.filter((r) => r > rail).length);
    }
    const ports = site.switchPorts * spec.planes;
    const leaves = closTier(leafDown, spec.oversubscription, ports, railsByGroup.length === 1);
    const cables = spec.planes * (sum(leafDown) + sum(leaves.up));
    return { switches: spec.planes * (leaves.switches + switchesFor(sum(leaves.up), ports)), transceivers: (2 * cables) / spec.planes, cables };
  },
};
