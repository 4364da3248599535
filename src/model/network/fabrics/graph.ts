// An operator's own fabric, as an explicit graph: named `switches`, the switch each node of the
// site hangs off (`attach`, one per node in node order, each switch's nodes together), and full-
// duplex `links` between switches with a bandwidth each direction. Routes are shortest paths in
// switch hops (breadth-first; on ties the path through the switch listed first), one switch hop
// per switch crossed. Traffic to other sites climbs to the `border` switch (the last listed when
// absent) and comes down from it. Placement groups nodes by the switch they hang off.
import { z } from 'zod';
import { rate } from '../../../scenario/quantity.js';
import { cable, switchElement, switchesFor, switchTooBig, type FabricElement, type FabricKind } from '../fabric-kind.js';
import { allUp, detour, sortAdjacency } from './detour.js';

export const graphSchema = z.strictObject({
  kind: z.literal('graph'),
  /** Switch names, unique. */
  switches: z.array(z.string().min(1)).min(1),
  /** Per node of the data centre, in node order, the switch it hangs off (each switch's nodes together). */
  attach: z.array(z.string().min(1)).min(1),
  /** Full-duplex links between two switches. */
  links: z
    .array(
      z.strictObject({
        /** The two switches it joins. */
        between: z.tuple([z.string().min(1), z.string().min(1)]),
        /** Usable bandwidth each direction. */
        bandwidth: rate({ positive: true }),
      }),
    )
    .default([]),
  /** The switch traffic to other sites leaves and enters by (the last listed when absent). */
  border: z.string().min(1).optional(),
});

/**
 * The graph read from its own file, `{ kind: graph, path: FILE }`: the loader (load-scenario.ts,
 * readGraphFiles) puts the file's graph in its place before the scenario is parsed, so the parser
 * never sees this form; it is here so the JSON Schema editors read accepts what the loader does.
 */
export const graphFileSchema = z.strictObject({
  kind: z.literal('graph'),
  /** A YAML or JSON file holding switches, attach, links and border, relative to the scenario file. */
  path: z.string().min(1),
});

export type GraphSpec = z.output<typeof graphSchema>;

/** Next hop from every switch towards every switch (-1: unreachable), by breadth-first search. */
function nextHops(spec: GraphSpec): Int32Array {
  const s = spec.switches.length;
  const index = new Map(spec.switches.map((n, i) => [n, i]));
  const adjacent: number[][] = spec.switches.map(() => []);
  for (const l of spec.links) {
    const a = index.get(l.between[0])!;
    const b = index.get(l.between[1])!;
    adjacent[a]!.push(b);
    adjacent[b]!.push(a);
  }
  for (const list of adjacent) list.sort((x, y) => x - y);
  // next[from * s + to]: BFS from each destination gives every switch's first step towards it.
  const next = new Int32Array(s * s).fill(-1);
  for (let to = 0; to < s; to++) {
    const seen = new Uint8Array(s);
    seen[to] = 1;
    next[to * s + to] = to;
    let frontier = [to];
    while (frontier.length > 0) {
      const following: number[] = [];
      for (const u of frontier) {
        for (const v of adjacent[u]!) {
          if (seen[v]) continue;
          seen[v] = 1;
          next[v * s + to] = u;
          following.push(v);
        }
      }
      following.sort((x, y) => x - y);
      frontier = following;
    }
  }
  return next;
}

/** Per spec (parsed once, never written), each node's placement group: made in one pass at the first ask. */
const groupCache = new WeakMap<GraphSpec, Int32Array>();

/** Each node's group: its switch numbered by first appearance in attach (check() holds each switch's nodes together). */
function groupsOf(spec: GraphSpec): Int32Array {
  let groups = groupCache.get(spec);
  if (!groups) {
    const number = new Map<string, number>();
    groups = Int32Array.from(spec.attach, (name) => {
      let g = number.get(name);
      if (g === undefined) number.set(name, (g = number.size));
      return g;
    });
    groupCache.set(spec, groups);
  }
  return groups;
}

export const graph: FabricKind<GraphSpec> = {
  kind: 'graph',
  description: 'An explicit graph: named switches, the switch each node hangs off, full-duplex links with a bandwidth; shortest-hop routes.',
  schema: graphSchema,
  example: {
    block: '{ kind: graph, switches: [a, b, c, core], attach: [a, a, b, b, b, c], links: [{ between: [a, core], bandwidth: 50GB/s }, { between: [b, core], bandwidth: 80GB/s }, { between: [b, c], bandwidth: 40GB/s }, { between: [a, b], bandwidth: 20GB/s }] }',
    nodes: 6,
  },
  group(spec, i) {
    return groupsOf(spec)[i]!;
  },
  check(spec, nodeCount) {
    const names = new Set<string>();
    for (const n of spec.switches) {
      if (names.has(n)) return { field: 'switches', message: `switch '${n}' is listed twice` };
      names.add(n);
    }
    if (spec.attach.length !== nodeCount) return { field: 'attach', message: `expected one switch per node of the data centre (${nodeCount}), got ${spec.attach.length}` };
    const unknown = [...spec.attach, ...spec.links.flatMap((l) => l.between), ...(spec.border ? [spec.border] : [])].find((n) => !names.has(n));
    if (unknown !== undefined) return { field: spec.attach.includes(unknown) ? 'attach' : spec.border === unknown ? 'border' : 'links', message: `unknown switch '${unknown}'; expected one of: ${spec.switches.join(', ')}` };
    const done = new Set<string>();
    for (let i = 0; i < spec.attach.length; i++) {
      const n = spec.attach[i]!;
      if (i > 0 && n !== spec.attach[i - 1] && done.has(n)) return { field: 'attach', message: `switch '${n}' appears again at node ${i} after other switches: list each switch's nodes together` };
      done.add(n);
    }
    const pairs = new Set<string>();
    for (const l of spec.links) {
      if (l.between[0] === l.between[1]) return { field: 'links', message: `a link joins switch '${l.between[0]}' to itself` };
      const key = [...l.between].sort().join('\u0000');
      if (pairs.has(key)) return { field: 'links', message: `two links join '${l.between[0]}' and '${l.between[1]}': give one with their bandwidth together` };
      pairs.add(key);
    }
    const next = nextHops(spec);
    const s = spec.switches.length;
    const index = new Map(spec.switches.map((n, i) => [n, i]));
    const needed = [...new Set([...spec.attach, spec.border ?? spec.switches[s - 1]!])];
    for (const x of needed) for (const y of needed) if (next[index.get(x)! * s + index.get(y)!] === -1) return { field: 'links', message: `no path between switches '${x}' and '${y}'` };
    return undefined;
  },
  notes(spec, _nodeCount, otherSites) {
    // Routes take one path per pair of switches, so of equal-cost paths (two spines a leaf reaches)
    // the one through the switch listed first carries everything: the others' links stand idle
    // and the fabric runs at a fraction of the bisection the operator wrote. Say so at each link.
    const s = spec.switches.length;
    const index = new Map(spec.switches.map((n, i) => [n, i]));
    const next = nextHops(spec);
    const used = new Uint8Array(s * s);
    const ends = [...new Set(spec.attach)].map((n) => index.get(n)!);
    const border = index.get(spec.border ?? spec.switches[s - 1]!)!;
    const walk = (x: number, y: number): void => {
      for (let at = x; at !== y; at = next[at * s + y]!) {
        const step = next[at * s + y]!;
        used[Math.min(at, step) * s + Math.max(at, step)] = 1;
      }
    };
    for (const x of ends) {
      for (const y of ends) walk(x, y);
      if (otherSites) {
        walk(x, border);
        walk(border, x);
      }
    }
    const notes: { field: readonly (string | number)[]; message: string }[] = [];
    spec.links.forEach((l, i) => {
      const a = index.get(l.between[0])!;
      const b = index.get(l.between[1])!;
      if (used[Math.min(a, b) * s + Math.max(a, b)]) return;
      notes.push({
        field: ['links', i],
        message:
          `link between '${l.between[0]}' and '${l.between[1]}' carries no traffic while every link is up: routes take one path per pair of switches ` +
          '(the fewest switch hops, on ties through the switch listed first) and traffic is not split over equal-cost paths, so this link is a standby for failures, not added capacity. ' +
          'For equal-cost spines, join each leaf to one spine switch by one link of their summed bandwidth, or use kind: leaf-spine or fat-tree with ecmp',
      });
    });
    return notes;
  },
  build(spec, ctx) {
    const s = spec.switches.length;
    const index = new Map(spec.switches.map((n, i) => [n, i]));
    const link = new Map<number, number>();
    const field = ctx.field('links');
    for (const l of spec.links) {
      const a = index.get(l.between[0])!;
      const b = index.get(l.between[1])!;
      link.set(a * s + b, ctx.addLink(l.bandwidth, 0, `graph:${ctx.datacentre}:${l.between[0]}->${l.between[1]}`, field));
      link.set(b * s + a, ctx.addLink(l.bandwidth, 0, `graph:${ctx.datacentre}:${l.between[1]}->${l.between[0]}`, field));
    }
    const next = nextHops(spec);
    const switchOf = (n: number): number => index.get(spec.attach[ctx.nodeInDc[n]!]!)!;
    const border = index.get(spec.border ?? spec.switches[s - 1]!)!;
    // What can fail: each switch (the nodes hanging off it cut off, its links down) and each link
    // (both directions). A route over a failed one takes the shortest path over the links left.
    const elements: FabricElement[] = [];
    const adjacency: { to: number; link: number }[][] = spec.switches.map(() => []);
    const incident: number[][] = spec.switches.map(() => []);
    for (const l of spec.links) {
      const a = index.get(l.between[0])!;
      const b = index.get(l.between[1])!;
      adjacency[a]!.push({ to: b, link: link.get(a * s + b)! });
      adjacency[b]!.push({ to: a, link: link.get(b * s + a)! });
      incident[a]!.push(link.get(a * s + b)!, link.get(b * s + a)!);
      incident[b]!.push(link.get(a * s + b)!, link.get(b * s + a)!);
    }
    const survivors = sortAdjacency(adjacency);
    const attached: number[][] = spec.switches.map(() => []);
    for (const n of ctx.nodes) attached[switchOf(n)]!.push(n);
    spec.switches.forEach((name, i) => elements.push(switchElement(ctx, `graph:${ctx.datacentre}:${name}`, attached[i]!, incident[i]!)));
    for (const l of spec.links) {
      const a = index.get(l.between[0])!;
      const b = index.get(l.between[1])!;
      elements.push(cable(ctx, link.get(a * s + b)!, link.get(b * s + a)!));
    }
    /** Links from switch x to switch y; returns the switches crossed, both ends included, or -1. */
    const walk = (x: number, y: number, out: number[]): number => {
      const start = out.length;
      let hops = 1;
      for (let at = x; at !== y; ) {
        const step = next[at * s + y]!;
        out.push(link.get(at * s + step)!);
        at = step;
        hops++;
      }
      if (allUp(out, start, ctx.isUp)) return hops;
      out.length = start;
      const links = detour(survivors, x, y, ctx.isUp, out);
      return links < 0 ? -1 : links + 1;
    };
    return {
      elements,
      route: (a, b, out) => walk(switchOf(a), switchOf(b), out),
      up: (a, out) => walk(switchOf(a), border, out),
      down: (b, out) => {
        const hops = walk(border, switchOf(b), out);
        return hops < 0 ? -1 : hops - 1;
      },
    };
  },
  bill(spec, site) {
    const index = new Map(spec.switches.map((n, i) => [n, i]));
    const ports = new Array<number>(spec.switches.length).fill(0);
    // Per switch its nodes' NICs (their bandwidth in ports at the fabric's rate) and its links' ports.
    site.nicPorts.forEach((p, i) => (ports[index.get(spec.attach[i]!)!]! += p));
    let cables = site.rails.reduce((x, y) => x + y, 0);
    let ends = site.nicPorts.reduce((x, y) => x + y, 0);
    for (const l of spec.links) {
      const p = Math.ceil(l.bandwidth / site.portBytesPerS - 1e-9);
      ports[index.get(l.between[0])!]! += p;
      ports[index.get(l.between[1])!]! += p;
      cables += p;
      ends += p;
    }
    const switches = ports.reduce((n, p) => n + switchesFor(p, site.switchPorts), 0);
    // The first switch too big for one of the fabric's (the run crosses a switch of the graph in one hop).
    // A fold, not Math.max(...rails): spreading a site's nodes as arguments overflows the stack past about 120,000.
    const planes = site.rails.reduce((a, r) => Math.max(a, r), -Infinity);
    let tooBig: { field: string; message: string } | undefined;
    for (let i = 0; i < ports.length && !tooBig; i++) {
      tooBig = switchTooBig(`switch '${spec.switches[i]!}'`, [{ name: 'NIC and link ports', ports: ports[i]! }], planes, site.switchPorts, 'switches', 'Give it fewer nodes or less link bandwidth, split it into switches joined by links, or give switches with more ports');
    }
    return { switches, transceivers: 2 * ends, cables, ...(tooBig ? { unbuildable: tooBig } : {}) };
  },
};
