// Dragonfly (Kim et al., ISCA 2008; Cray XC, Slingshot): routers of `nodes_per_router` nodes,
// groups of `routers_per_group` routers joined all-to-all by local links, every pair of groups
// joined by global links. Minimal routes: same router 1 switch hop; same group, the two routers
// over their local link (2); across groups, a local hop to the router of the source group holding
// the global link to the destination group, the global link, and a local hop from the router it
// lands on to the destination's (2 to 4 routers). The global links of group g are spread over its
// routers in turn: the one to the k-th other group (in group order) is on router k mod a, so a
// router with global links to the destination group is the gateway without a local hop. Traffic to
// other sites leaves through the source router (one hop up, none down).
import { z } from 'zod';
import { rate } from '../../../scenario/quantity.js';
import { cable, switchElement, switchesFor, switchTooBig, type FabricElement, type FabricKind } from '../fabric-kind.js';
import { allUp, detour, sortAdjacency } from './detour.js';

export const dragonflySchema = z.strictObject({
  kind: z.literal('dragonfly'),
  /** Nodes attached to one router. */
  nodes_per_router: z.number().int().positive(),
  /** Routers in one group, joined all-to-all by local links. */
  routers_per_group: z.number().int().positive(),
  /** Usable bandwidth of the local link between two routers of a group, each direction. */
  local_bandwidth: rate({ positive: true }),
  /** Usable bandwidth between two groups (all their global links together), each direction. */
  global_bandwidth: rate({ positive: true }),
});

export type DragonflySpec = z.output<typeof dragonflySchema>;

export const dragonfly: FabricKind<DragonflySpec> = {
  kind: 'dragonfly',
  description: 'Routers of nodes_per_router nodes, groups of routers_per_group routers all-to-all by local links, every pair of groups by global links; minimal routes.',
  schema: dragonflySchema,
  example: { block: '{ kind: dragonfly, nodes_per_router: 2, routers_per_group: 3, local_bandwidth: 30GB/s, global_bandwidth: 20GB/s }', nodes: 24 },
  group: (spec, i) => Math.floor(i / spec.nodes_per_router),
  pod: (spec, router) => Math.floor(router / spec.routers_per_group),
  build(spec, ctx) {
    const a = spec.routers_per_group;
    const routerOf = (n: number): number => Math.floor(ctx.nodeInDc[n]! / spec.nodes_per_router);
    const routers = Math.ceil(ctx.nodes.length / spec.nodes_per_router);
    const groups = Math.ceil(routers / a);
    // Routers of a group: the last group may have fewer.
    const routersIn = (g: number): number => Math.min(a, routers - g * a);
    const local = new Map<number, number>();
    const localField = ctx.field('local_bandwidth');
    for (let g = 0; g < groups; g++) {
      for (let i = 0; i < routersIn(g); i++) {
        for (let j = 0; j < routersIn(g); j++) {
          if (i === j) continue;
          local.set((g * a + i) * routers + g * a + j, ctx.addLink(spec.local_bandwidth, 0, `local:${ctx.datacentre}:${g * a + i}->${g * a + j}`, localField));
        }
      }
    }
    const global = new Map<number, number>();
    const globalField = ctx.field('global_bandwidth');
    for (let g = 0; g < groups; g++) {
      for (let h = 0; h < groups; h++) {
        if (g !== h) global.set(g * groups + h, ctx.addLink(spec.global_bandwidth, 0, `global:${ctx.datacentre}:${g}->${h}`, globalField));
      }
    }
    /** The router of group g holding its global links to group h (h !== g). */
    const gateway = (g: number, h: number): number => g * a + ((h < g ? h : h - 1) % routersIn(g));
    /** Local hop from router r to router s of the same group, if they differ; returns routers added. */
    const hop = (r: number, s: number, out: number[]): number => {
      if (r === s) return 0;
      out.push(local.get(r * routers + s)!);
      return 1;
    };
    // What can fail: each router (its nodes cut off, its local links and the global links it holds),
    // each local and each global link (both directions). A route that crosses a failed one takes the
    // shortest detour over the links left (non-minimal, through other routers or groups).
    const elements: FabricElement[] = [];
    const adjacency: { to: number; link: number }[][] = Array.from({ length: routers }, () => []);
    const routerLinks: number[][] = Array.from({ length: routers }, () => []);
    for (const [key, link] of local) {
      const from = Math.floor(key / routers);
      const to = key % routers;
      adjacency[from]!.push({ to, link });
      routerLinks[from]!.push(link);
      routerLinks[to]!.push(link);
    }
    for (const [key, link] of global) {
      const g = Math.floor(key / groups);
      const h = key % groups;
      adjacency[gateway(g, h)]!.push({ to: gateway(h, g), link });
      routerLinks[gateway(g, h)]!.push(link);
      routerLinks[gateway(h, g)]!.push(link);
    }
    const graph = sortAdjacency(adjacency);
    const routerNodes: number[][] = Array.from({ length: routers }, () => []);
    for (const n of ctx.nodes) routerNodes[routerOf(n)]!.push(n);
    routerNodes.forEach((nodes, r) => elements.push(switchElement(ctx, `router:${ctx.datacentre}:${r}`, nodes, [...new Set(routerLinks[r])])));
    for (const [key, link] of local) if (Math.floor(key / routers) < key % routers) elements.push(cable(ctx, link, local.get((key % routers) * routers + Math.floor(key / routers))!));
    for (const [key, link] of global) if (Math.floor(key / groups) < key % groups) elements.push(cable(ctx, link, global.get((key % groups) * groups + Math.floor(key / groups))!));
    const minimal = (x: number, y: number, out: number[]): number => {
      const r = routerOf(x);
      const s = routerOf(y);
      const g = Math.floor(r / a);
      const h = Math.floor(s / a);
      if (g === h) return 1 + hop(r, s, out);
      const exit = gateway(g, h);
      const entry = gateway(h, g);
      let hops = 1 + hop(r, exit, out);
      out.push(global.get(g * groups + h)!);
      hops += 1;
      hops += hop(entry, s, out);
      return hops;
    };
    return {
      elements,
      route(x, y, out) {
        if (routerOf(x) === routerOf(y)) return 1;
        const start = out.length;
        const hops = minimal(x, y, out);
        if (allUp(out, start, ctx.isUp)) return hops;
        out.length = start;
        const links = detour(graph, routerOf(x), routerOf(y), ctx.isUp, out);
        return links < 0 ? -1 : links + 1;
      },
      up: () => 1,
      down: () => 0,
    };
  },
  bill(spec, site) {
    // Routers: their nodes' NICs, a port group per other router of the group and, spread over the
    // group's routers, a port group per other group; links the same, plus the nodes'.
    const a = spec.routers_per_group;
    const routers = Math.ceil(site.rails.length / spec.nodes_per_router);
    const groups = Math.ceil(routers / a);
    const portsFor = (bandwidth: number): number => Math.ceil(bandwidth / site.portBytesPerS - 1e-9);
    const localPorts = portsFor(spec.local_bandwidth);
    const globalPorts = portsFor(spec.global_bandwidth);
    // Per router its NICs' ports (their bandwidth in ports at the fabric's rate) and their links.
    const down: number[] = new Array<number>(routers).fill(0);
    const nics: number[] = new Array<number>(routers).fill(0);
    site.nicPorts.forEach((p, i) => (down[Math.floor(i / spec.nodes_per_router)]! += p));
    site.rails.forEach((r, i) => (nics[Math.floor(i / spec.nodes_per_router)]! += r));
    let switches = 0;
    let cables = 0;
    let ends = 0;
    // The first router too big for one switch (the run crosses a router in one hop).
    let tooBig: { field: string; message: string } | undefined;
    // A fold, not Math.max(...rails): spreading a site's nodes as arguments overflows the stack past about 120,000.
    const planes = site.rails.reduce((a, r) => Math.max(a, r), -Infinity);
    for (let g = 0; g < groups; g++) {
      const n = Math.min(a, routers - g * a);
      for (let i = 0; i < n; i++) {
        // Global link groups to the other groups handled by router i: k = i, i + n, i + 2n, ...
        const globals = i < groups - 1 ? Math.ceil((groups - 1 - i) / n) : 0;
        switches += switchesFor(down[g * a + i]! + (n - 1) * localPorts + globals * globalPorts, site.switchPorts);
        tooBig ??= switchTooBig(
          `router ${g * a + i}`,
          [
            { name: 'NIC ports', ports: down[g * a + i]! },
            { name: 'local', ports: (n - 1) * localPorts },
            { name: 'global', ports: globals * globalPorts },
          ],
          planes,
          site.switchPorts,
          'nodes_per_router',
          'Give fewer nodes per router or routers per group, less local_bandwidth or global_bandwidth, or switches with more ports',
        );
        cables += nics[g * a + i]!;
        ends += down[g * a + i]!;
      }
      cables += ((n * (n - 1)) / 2) * localPorts;
      ends += ((n * (n - 1)) / 2) * localPorts;
    }
    cables += ((groups * (groups - 1)) / 2) * globalPorts;
    ends += ((groups * (groups - 1)) / 2) * globalPorts;
    return { switches, transceivers: 2 * ends, cables, ...(tooBig ? { unbuildable: tooBig } : {}) };
  },
};
