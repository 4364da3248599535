// Two tiers: `nodes_per_leaf` nodes per leaf switch, leaves joined by a non-blocking spine. Per
// leaf one aggregate uplink and downlink whose capacity is the leaf's NIC total / oversubscription.
// Same leaf: 1 switch hop; otherwise leaf, spine, leaf (3). The site's top tier (where traffic to
// other sites leaves and enters) is the spine: 2 switches up, 1 down. A site of one leaf has no
// spine and no leaf uplinks (as its bill): its leaf is the top, 1 switch up, none down, no links.
import { z } from 'zod';
import { boundedNumber } from '../../../scenario/quantity.js';
import { cable, leafTooBig, switchElement, tierTooWide, type FabricElement, type FabricKind } from '../fabric-kind.js';
import { closTier, perLeaf, perLeafRails, planeSwitches, sum } from './clos-tier.js';
import { ecmpSchema, ecmpWiderThanUplinks, hashedPaths, spineCount, spineLinks, spineShare, pathChooser } from './ecmp.js';

export const leafSpineSchema = z.strictObject({
  kind: z.literal('leaf-spine'),
  /** Nodes attached to one leaf switch. */
  nodes_per_leaf: z.number().int().positive().default(16),
  /** Leaf downlink : uplink capacity ratio (1 = non-blocking), at most 1000. */
  oversubscription: boundedNumber(1, 1000).default(1),
  /** Equal-cost multipath over the spines (absent: split, one aggregate uplink per leaf). */
  ecmp: ecmpSchema.optional(),
});

export type LeafSpineSpec = z.output<typeof leafSpineSchema>;

export const leafSpine: FabricKind<LeafSpineSpec> = {
  kind: 'leaf-spine',
  description: 'Leaves of nodes_per_leaf nodes under a non-blocking spine; leaf uplinks at NIC total / oversubscription.',
  schema: leafSpineSchema,
  example: { block: '{ kind: leaf-spine, nodes_per_leaf: 3, oversubscription: 2 }', nodes: 10 },
  group: (spec, i) => Math.floor(i / spec.nodes_per_leaf),
  checkPorts: (spec, site) => ecmpWiderThanUplinks(spec.ecmp, perLeaf(site.nicPorts, spec.nodes_per_leaf).map((d) => Math.ceil(d / spec.oversubscription - 1e-9)), 'leaf', 'oversubscription'),
  build(spec, ctx) {
    const leafOf = (n: number): number => Math.floor(ctx.nodeInDc[n]! / spec.nodes_per_leaf);
    const leafCapacity: number[] = [];
    for (const n of ctx.nodes) leafCapacity[leafOf(n)] = (leafCapacity[leafOf(n)] ?? 0) + ctx.nodeNicBytesPerS[n]!;
    // Per leaf its uplinks and downlinks: one aggregate each, or one per spine when hashing.
    const leafUp: number[][] = [];
    const leafDown: number[][] = [];
    const field = ctx.field('oversubscription');
    const paths = hashedPaths(spec.ecmp);
    const choose = pathChooser(spec.ecmp, ctx);
    // One leaf: it is the top tier, with nothing above it to link to.
    const spine = leafCapacity.length > 1;
    leafCapacity.forEach((total, leaf) => {
      if (!spine) {
        leafUp[leaf] = [];
        leafDown[leaf] = [];
        return;
      }
      const cap = total / spec.oversubscription;
      leafUp[leaf] = spineLinks(ctx, cap, `leaf-up:${ctx.datacentre}:${leaf}`, field, paths);
      leafDown[leaf] = spineLinks(ctx, cap, `leaf-down:${ctx.datacentre}:${leaf}`, field, paths);
    });
    const pos = (n: number): number => ctx.nodeInDc[n]!;
    // What can fail: each leaf (its nodes cut off), each spine (path p: its links, or its share of
    // the aggregates), each cable between a leaf and a spine. A site of one leaf has no spine and
    // no leaf uplinks (as its bill): its leaf is all there is to fail.
    const elements: FabricElement[] = [];
    const leafNodes: number[][] = leafCapacity.map(() => []);
    for (const n of ctx.nodes) leafNodes[leafOf(n)]!.push(n);
    leafNodes.forEach((nodes, leaf) => elements.push(switchElement(ctx, `leaf:${ctx.datacentre}:${leaf}`, nodes, [...leafUp[leaf]!, ...leafDown[leaf]!])));
    if (spine) {
      const spines = spineCount(spec.ecmp);
      for (let p = 0; p < spines; p++) elements.push(switchElement(ctx, `spine:${ctx.datacentre}:${p}`, [], [], [...spineShare(leafUp, p, spines), ...spineShare(leafDown, p, spines)]));
      leafUp.forEach((links, leaf) => links.forEach((l, p) => elements.push(cable(ctx, l, leafDown[leaf]![p]!))));
    }
    return {
      elements,
      route(a, b, out) {
        const la = leafOf(a);
        const lb = leafOf(b);
        if (la === lb) return 1;
        const p = choose(pos(a), pos(b), (q) => [leafUp[la]![q]!, leafDown[lb]![q]!]);
        if (p < 0) return -1;
        out.push(leafUp[la]![p]!, leafDown[lb]![p]!);
        return 3;
      },
      // Traffic to and from other sites hashes on its node alone.
      up(a, out) {
        if (!spine) return 1;
        const p = choose(pos(a), -1, (q) => [leafUp[leafOf(a)]![q]!]);
        if (p < 0) return -1;
        out.push(leafUp[leafOf(a)]![p]!);
        return 2;
      },
      down(b, out) {
        if (!spine) return 0;
        const p = choose(pos(b), -2, (q) => [leafDown[leafOf(b)]![q]!]);
        if (p < 0) return -1;
        out.push(leafDown[leafOf(b)]![p]!);
        return 1;
      },
    };
  },
  bill(spec, site) {
    const down = perLeaf(site.nicPorts, spec.nodes_per_leaf);
    const leaves = closTier(down, spec.oversubscription, site.switchPorts, down.length === 1, 1, perLeafRails(site.rails, site.nicPorts, spec.nodes_per_leaf));
    const nics = sum(site.rails);
    const links = sum(down) + sum(leaves.up);
    // The spine is `ecmp.paths` switches (the failures and hashed routes have as many), each with its share of the uplinks.
    const bill = { switches: leaves.switches + planeSwitches(sum(leaves.up), site.switchPorts, spineCount(spec.ecmp)), transceivers: 2 * links, cables: nics + sum(leaves.up) };
    if (leaves.tooBig) return { ...bill, unbuildable: leafTooBig('leaf', leaves.tooBig.index, leaves.tooBig, site.switchPorts, 'nodes_per_leaf') };
    const wide = tierTooWide('leaves', down.length, 'spine', site.switchPorts, 'nodes_per_leaf', 'Use kind: fat-tree (pods under a core), more nodes per leaf, or switches with more ports');
    return wide ? { ...bill, unbuildable: wide } : bill;
  },
};
