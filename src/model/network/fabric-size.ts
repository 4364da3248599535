// How many links and switches the flow network's topology (network/topology.ts and the kinds in
// fabrics/) will build for a data centre, counted from its spec without building it: what the
// loader's size estimate charges memory for (model/size-estimate.ts), so a fabric too large for the
// machine is refused before its build takes minutes and gigabytes.
import type { TopologySpec } from './fabrics/registry.js';

export interface FabricSize {
  /** Directed links: each node's NIC up and down, and the kind's own (uplinks, neighbour, local and global links). */
  readonly links: number;
  /** Switches and routers (a torus has none). */
  readonly switches: number;
}

/**
 * An upper bound on what the build makes for `nodes` nodes of at most `rails` NICs each: exact for
 * the counts the builders' addLink calls make (NIC links 2 per node; a Clos tier's uplink and
 * downlink per leaf, pod or rail group, one per ECMP path when hashed; a torus's link to each
 * neighbour per axis; a dragonfly's local links all-to-all within a group and global ones between
 * groups; a graph's listed links both ways), and a switch per leaf, pod, rail leaf or router.
 */
export function fabricSize(spec: TopologySpec, nodes: number, rails: number): FabricSize {
  const nicLinks = 2 * nodes;
  const paths = 'ecmp' in spec && spec.ecmp && spec.ecmp.mode !== 'split' ? spec.ecmp.paths : 1;
  switch (spec.kind) {
    case 'leaf-spine': {
      const leaves = Math.ceil(nodes / spec.nodes_per_leaf);
      return { links: nicLinks + 2 * paths * leaves, switches: leaves + paths };
    }
    case 'fat-tree': {
      const leaves = Math.ceil(nodes / spec.nodes_per_leaf);
      const pods = Math.ceil(leaves / spec.leaves_per_pod);
      return { links: nicLinks + 2 * paths * (leaves + pods), switches: leaves + pods + paths };
    }
    case 'rail-optimized': {
      const groups = Math.ceil(nodes / spec.nodes_per_group);
      const planes = spec.planes ?? 1;
      return { links: nicLinks + 2 * paths * groups, switches: groups * rails * planes + paths * planes };
    }
    case 'torus':
      return { links: nicLinks + 2 * spec.dims.length * nodes, switches: 0 };
    case 'dragonfly': {
      // Local links all-to-all among the routers a group has: the last (or only) group may have fewer than routers_per_group.
      const a = spec.routers_per_group;
      const routers = Math.ceil(nodes / spec.nodes_per_router);
      const groups = Math.ceil(routers / a);
      const full = Math.floor(routers / a);
      const rest = routers - full * a;
      return { links: nicLinks + full * a * (a - 1) + rest * (rest - 1) + groups * (groups - 1), switches: routers };
    }
    case 'graph':
      return { links: nicLinks + 2 * (spec.links?.length ?? 0), switches: spec.switches?.length ?? 0 };
  }
}
