// Three tiers: `nodes_per_leaf` nodes per leaf (ToR) switch, `leaves_per_pod` leaves per pod under
// the pod's aggregation switches, pods joined by a non-blocking core. Per leaf an aggregate uplink
// and downlink (the leaf's NIC total / leaf_oversubscription), per pod one to the core (the pod's
// leaf uplinks / pod_oversubscription). Same leaf: 1 switch hop; same pod: leaf, aggregation, leaf
// (3); across pods: leaf, aggregation, core, aggregation, leaf (5). The site's top tier (where
// traffic to other sites leaves and enters) is the highest it builds, as its bill counts them: the
// core (3 switches up, 2 down); over one pod the aggregation (2 up, 1 down: no core, no pod
// uplinks); over one leaf the leaf (1 up, none down: no aggregation, no leaf uplinks).
import { z } from 'zod';
import { boundedNumber } from '../../../scenario/quantity.js';
import { cable, leafTooBig, switchElement, tierTooWide, type FabricElement, type FabricKind } from '../fabric-kind.js';
import { closTier, perLeaf, perLeafRails, planeSwitches, sum } from './clos-tier.js';
import { ecmpSchema, ecmpWiderThanUplinks, hashedPaths, spineCount, spineLinks, spineShare, pathChooser } from './ecmp.js';

export const fatTreeSchema = z.strictObject({
  kind: z.literal('fat-tree'),
  /** Nodes attached to one leaf (ToR) switch. */
  nodes_per_leaf: z.number().int().positive().default(16),
  /** Leaves under one pod's aggregation switches. */
  leaves_per_pod: z.number().int().positive(),
  /** Leaf downlink : uplink capacity ratio (leaf -> aggregation), at most 1000. */
  leaf_oversubscription: boundedNumber(1, 1000).default(1),
  /** Aggregation downlink : uplink capacity ratio (aggregation -> core), at most 1000. */
  pod_oversubscription: boundedNumber(1, 1000).default(1),
  /**
   * Equal-cost multipath (absent: split, one aggregate link per leaf and pod). Hashed, `paths` is
   * the aggregation switches of a pod: a path keeps to one of them and its share of the core.
   */
  ecmp: ecmpSchema.optional(),
});

export type FatTreeSpec = z.output<typeof fatTreeSchema>;

export const fatTree: FabricKind<FatTreeSpec> = {
  kind: 'fat-tree',
  description: 'Leaves of nodes_per_leaf nodes, pods of leaves_per_pod leaves, a non-blocking core; oversubscription per tier.',
  schema: fatTreeSchema,
  example: { block: '{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 2, leaf_oversubscription: 1.5, pod_oversubscription: 3 }', nodes: 11 },
  group: (spec, i) => Math.floor(i / spec.nodes_per_leaf),
  pod: (spec, leaf) => Math.floor(leaf / spec.leaves_per_pod),
  checkPorts(spec, site) {
    // Each leaf reaches the pod's `paths` aggregation switches, and each of those the core, by at least one port.
    const leafUp = perLeaf(site.nicPorts, spec.nodes_per_leaf).map((d) => Math.ceil(d / spec.leaf_oversubscription - 1e-9));
    const podUp = perLeaf(leafUp, spec.leaves_per_pod).map((d) => Math.ceil(d / spec.pod_oversubscription - 1e-9));
    return ecmpWiderThanUplinks(spec.ecmp, leafUp, 'leaf', 'leaf_oversubscription') ?? (podUp.length > 1 ? ecmpWiderThanUplinks(spec.ecmp, podUp, 'pod', 'pod_oversubscription') : undefined);
  },
  build(spec, ctx) {
    const leafOf = (n: number): number => Math.floor(ctx.nodeInDc[n]! / spec.nodes_per_leaf);
    const podOf = (n: number): number => Math.floor(leafOf(n) / spec.leaves_per_pod);
    const leafCapacity: number[] = [];
    for (const n of ctx.nodes) leafCapacity[leafOf(n)] = (leafCapacity[leafOf(n)] ?? 0) + ctx.nodeNicBytesPerS[n]!;
    // Per leaf and per pod their links up and down: one aggregate each, or with hashing one per
    // aggregation switch (plane) p, whose uplinks to its share of the core are again one link.
    const paths = hashedPaths(spec.ecmp);
    const choose = pathChooser(spec.ecmp, ctx);
    const leafUp: number[][] = [];
    const leafDown: number[][] = [];
    const podCapacity: number[] = [];
    const leafField = ctx.field('leaf_oversubscription');
    // The tiers the site builds: aggregation above more than one leaf, a core above more than one pod.
    const aggregation = leafCapacity.length > 1;
    const core = Math.ceil(leafCapacity.length / spec.leaves_per_pod) > 1;
    leafCapacity.forEach((total, leaf) => {
      const cap = total / spec.leaf_oversubscription;
      if (!aggregation) {
        leafUp[leaf] = [];
        leafDown[leaf] = [];
        return;
      }
      leafUp[leaf] = spineLinks(ctx, cap, `leaf-up:${ctx.datacentre}:${leaf}`, leafField, paths);
      leafDown[leaf] = spineLinks(ctx, cap, `leaf-down:${ctx.datacentre}:${leaf}`, leafField, paths);
      const pod = Math.floor(leaf / spec.leaves_per_pod);
      podCapacity[pod] = (podCapacity[pod] ?? 0) + cap;
    });
    const podUp: number[][] = [];
    const podDown: number[][] = [];
    const podField = ctx.field('pod_oversubscription');
    podCapacity.forEach((total, pod) => {
      if (!core) {
        podUp[pod] = [];
        podDown[pod] = [];
        return;
      }
      const cap = total / spec.pod_oversubscription;
      podUp[pod] = spineLinks(ctx, cap, `pod-up:${ctx.datacentre}:${pod}`, podField, paths);
      podDown[pod] = spineLinks(ctx, cap, `pod-down:${ctx.datacentre}:${pod}`, podField, paths);
    });
    const pos = (n: number): number => ctx.nodeInDc[n]!;
    // What can fail: each leaf (its nodes cut off); each pod's aggregation switch p (plane p: its
    // leaves' and its own core links, or its share of the aggregates); each core plane p (its share
    // of every pod's core links); each cable (leaf to aggregation, aggregation to core). As in the
    // bill, a site of one leaf has no aggregation or core, and a site of one pod no core.
    const elements: FabricElement[] = [];
    const leafNodes: number[][] = leafCapacity.map(() => []);
    for (const n of ctx.nodes) leafNodes[leafOf(n)]!.push(n);
    leafNodes.forEach((nodes, leaf) => elements.push(switchElement(ctx, `leaf:${ctx.datacentre}:${leaf}`, nodes, [...leafUp[leaf]!, ...leafDown[leaf]!])));
    const spines = spineCount(spec.ecmp);
    if (aggregation) {
      podUp.forEach((_, pod) => {
        const leaves = leafUp.map((_, leaf) => leaf).filter((leaf) => Math.floor(leaf / spec.leaves_per_pod) === pod);
        const sets = [...leaves.map((l) => leafUp[l]!), ...leaves.map((l) => leafDown[l]!), podUp[pod]!, podDown[pod]!];
        for (let p = 0; p < spines; p++) elements.push(switchElement(ctx, `agg:${ctx.datacentre}:${pod}:${p}`, [], [], sets.flatMap((set) => spineShare([set], p, spines))));
      });
    }
    if (core) for (let p = 0; p < spines; p++) elements.push(switchElement(ctx, `core:${ctx.datacentre}:${p}`, [], [], [...spineShare(podUp, p, spines), ...spineShare(podDown, p, spines)]));
    if (aggregation) leafUp.forEach((links, leaf) => links.forEach((l, p) => elements.push(cable(ctx, l, leafDown[leaf]![p]!))));
    if (core) podUp.forEach((links, pod) => links.forEach((l, p) => elements.push(cable(ctx, l, podDown[pod]![p]!))));
    return {
      elements,
      route(a, b, out) {
        const la = leafOf(a);
        const lb = leafOf(b);
        if (la === lb) return 1;
        const pa = podOf(a);
        const pb = podOf(b);
        if (pa === pb) {
          const p = choose(pos(a), pos(b), (q) => [leafUp[la]![q]!, leafDown[lb]![q]!]);
          if (p < 0) return -1;
          out.push(leafUp[la]![p]!, leafDown[lb]![p]!);
          return 3;
        }
        const p = choose(pos(a), pos(b), (q) => [leafUp[la]![q]!, podUp[pa]![q]!, podDown[pb]![q]!, leafDown[lb]![q]!]);
        if (p < 0) return -1;
        out.push(leafUp[la]![p]!, podUp[pa]![p]!, podDown[pb]![p]!, leafDown[lb]![p]!);
        return 5;
      },
      // Traffic to and from other sites hashes on its node alone.
      up(a, out) {
        if (!aggregation) return 1;
        if (!core) {
          const p = choose(pos(a), -1, (q) => [leafUp[leafOf(a)]![q]!]);
          if (p < 0) return -1;
          out.push(leafUp[leafOf(a)]![p]!);
          return 2;
        }
        const p = choose(pos(a), -1, (q) => [leafUp[leafOf(a)]![q]!, podUp[podOf(a)]![q]!]);
        if (p < 0) return -1;
        out.push(leafUp[leafOf(a)]![p]!, podUp[podOf(a)]![p]!);
        return 3;
      },
      down(b, out) {
        if (!aggregation) return 0;
        if (!core) {
          const p = choose(pos(b), -2, (q) => [leafDown[leafOf(b)]![q]!]);
          if (p < 0) return -1;
          out.push(leafDown[leafOf(b)]![p]!);
          return 1;
        }
        const p = choose(pos(b), -2, (q) => [podDown[podOf(b)]![q]!, leafDown[leafOf(b)]![q]!]);
        if (p < 0) return -1;
        out.push(podDown[podOf(b)]![p]!, leafDown[leafOf(b)]![p]!);
        return 2;
      },
    };
  },
  bill(spec, site) {
    const down = perLeaf(site.nicPorts, spec.nodes_per_leaf);
    const leaves = closTier(down, spec.leaf_oversubscription, site.switchPorts, down.length === 1, 1, perLeafRails(site.rails, site.nicPorts, spec.nodes_per_leaf));
    // A pod's aggregation switches take its leaves' uplinks (none with a single leaf in the site).
    const podDown: number[] = [];
    leaves.up.forEach((u, leaf) => (podDown[Math.floor(leaf / spec.leaves_per_pod)] = (podDown[Math.floor(leaf / spec.leaves_per_pod)] ?? 0) + u));
    // With `ecmp.paths` P a pod's aggregation is P switches and the core P planes (the failures and
    // hashed routes have as many), each with its share of the ports.
    const planes = spineCount(spec.ecmp);
    const pods = closTier(podDown, spec.pod_oversubscription, site.switchPorts, podDown.length === 1, planes);
    const links = sum(down) + sum(leaves.up) + sum(pods.up);
    const bill = { switches: leaves.switches + pods.switches + planeSwitches(sum(pods.up), site.switchPorts, planes), transceivers: 2 * links, cables: sum(site.rails) + sum(leaves.up) + sum(pods.up) };
    if (leaves.tooBig) return { ...bill, unbuildable: leafTooBig('leaf', leaves.tooBig.index, leaves.tooBig, site.switchPorts, 'nodes_per_leaf') };
    const wide =
      tierTooWide('leaves in a pod', Math.min(spec.leaves_per_pod, down.length), 'aggregation', site.switchPorts, 'leaves_per_pod', 'Give fewer leaves per pod, or switches with more ports') ??
      tierTooWide('pods', podDown.length, 'core', site.switchPorts, 'leaves_per_pod', 'Give more leaves per pod (fewer pods), or switches with more ports');
    return wide ? { ...bill, unbuildable: wide } : bill;
  },
};
