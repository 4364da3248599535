// A 2D or 3D torus (TPU pods: chips or hosts wired to their neighbours, no switches): node i of the
// site sits at (i mod X, (i / X) mod Y, i / XY); each node has a link to each neighbour along each
// axis, each direction, of that axis's `link_bandwidth`. Routes are dimension-ordered (x, then y,
// then z), the shorter way round each ring (the + way on ties); each link crossed is one hop.
// Without wraparound it is a mesh. Traffic to other sites leaves through the node's NICs (a data
// centre network switch: one hop up, none down). Placement groups nodes by x-row.
import { z } from 'zod';
import { rate } from '../../../scenario/quantity.js';
import { cable, type FabricElement, type FabricKind } from '../fabric-kind.js';
import { allUp, detour, sortAdjacency } from './detour.js';
import { countOf } from '../../../units/count-noun.js';

export const torusSchema = z.strictObject({
  kind: z.literal('torus'),
  /** Nodes along each axis (2 or 3 axes); their product is the data centre's node count. */
  dims: z.array(z.number().int().positive()).min(2).max(3),
  /** Usable bandwidth of one neighbour link, each direction: one rate for every axis, or one per axis. */
  link_bandwidth: z.union([rate({ positive: true }), z.array(rate({ positive: true })).min(2).max(3)]),
  /** Links from each ring's last node back to its first (false: a mesh). */
  wraparound: z.boolean().default(true),
});

export type TorusSpec = z.output<typeof torusSchema>;

const bandwidthOf = (spec: TorusSpec, axis: number): number => (typeof spec.link_bandwidth === 'number' ? spec.link_bandwidth : spec.link_bandwidth[axis]!);

export const torus: FabricKind<TorusSpec> = {
  kind: 'torus',
  description: 'A 2D or 3D torus (or mesh) of neighbour links, bandwidth per axis, dimension-ordered routes; no switches.',
  schema: torusSchema,
  example: { block: '{ kind: torus, dims: [3, 2, 2], link_bandwidth: [20GB/s, 40GB/s, 60GB/s] }', nodes: 12 },
  group: (spec, i) => Math.floor(i / spec.dims[0]!),
  check(spec, nodeCount) {
    const product = spec.dims.reduce((a, b) => a * b, 1);
    if (product !== nodeCount) return { field: 'dims', message: `a ${spec.dims.join(' x ')} torus has ${product} positions, but the data centre has ${countOf(nodeCount, 'node')}: the product of dims must equal the node count` };
    if (typeof spec.link_bandwidth !== 'number' && spec.link_bandwidth.length !== spec.dims.length) {
      return { field: 'link_bandwidth', message: `expected one bandwidth per axis (${spec.dims.length}), got ${spec.link_bandwidth.length}` };
    }
    return undefined;
  },
  build(spec, ctx) {
    const dims = spec.dims;
    const stride = dims.map((_, axis) => dims.slice(0, axis).reduce((a, b) => a * b, 1));
    const nodes = ctx.nodes;
    const coord = (pos: number, axis: number): number => Math.floor(pos / stride[axis]!) % dims[axis]!;
    // Directed neighbour links by (from position, to position).
    const linkOf = new Map<number, number>();
    const field = ctx.field('link_bandwidth');
    const n = nodes.length;
    for (let pos = 0; pos < n; pos++) {
      dims.forEach((d, axis) => {
        for (const step of [1, -1]) {
          const c = coord(pos, axis);
          let next = c + step;
          if (next < 0 || next >= d) {
            if (!spec.wraparound) continue;
            next = (next + d) % d;
          }
          if (next === c) continue;
          const to = pos + (next - c) * stride[axis]!;
          if (linkOf.has(pos * n + to)) continue;
          linkOf.set(pos * n + to, ctx.addLink(bandwidthOf(spec, axis), 0, `torus:${ctx.datacentre}:${pos}->${to}`, field));
        }
      });
    }
    // What can fail: each neighbour link (both directions); a detour around it is the shortest
    // path over the links left (a torus has no switch to fail: a chip's failure is a node's).
    const elements: FabricElement[] = [];
    const adjacency: { to: number; link: number }[][] = Array.from({ length: n }, () => []);
    for (const [key, link] of linkOf) {
      const from = Math.floor(key / n);
      const to = key % n;
      adjacency[from]!.push({ to, link });
      if (from < to) elements.push(linkOf.has(to * n + from) ? cable(ctx, link, linkOf.get(to * n + from)!) : cable(ctx, link));
    }
    const graph = sortAdjacency(adjacency);
    return {
      elements,
      route(a, b, out) {
        const start = out.length;
        const hops = dimensionOrdered(a, b, out);
        if (allUp(out, start, ctx.isUp)) return hops;
        out.length = start;
        return detour(graph, ctx.nodeInDc[a]!, ctx.nodeInDc[b]!, ctx.isUp, out);
      },
      up: () => 1,
      down: () => 0,
    };
    function dimensionOrdered(a: number, b: number, out: number[]): number {
      let pos = ctx.nodeInDc[a]!;
      const end = ctx.nodeInDc[b]!;
      let hops = 0;
      dims.forEach((d, axis) => {
        const from = coord(pos, axis);
        const target = coord(end, axis);
        if (from === target) return;
        const forward = (target - from + d) % d;
        const step = spec.wraparound ? (forward <= d - forward ? 1 : -1) : target > from ? 1 : -1;
        for (let c = from; c !== target; ) {
          const next = (c + step + d) % d;
          const to = pos + (next - c) * stride[axis]!;
          out.push(linkOf.get(pos * n + to)!);
          pos = to;
          c = next;
          hops++;
        }
      });
      return hops;
    }
  },
  bill(spec, site) {
    // No switches: per neighbour pair one link of as many ports as its bandwidth needs. The
    // data-centre network the nodes' NICs reach other sites through is not priced.
    const n = site.rails.length;
    let cables = 0;
    spec.dims.forEach((d, axis) => {
      const pairsPerRing = d <= 1 ? 0 : d === 2 ? 1 : spec.wraparound ? d : d - 1;
      cables += (n / d) * pairsPerRing * Math.ceil(bandwidthOf(spec, axis) / site.portBytesPerS - 1e-9);
    });
    return { switches: 0, transceivers: 2 * cables, cables };
  },
};
