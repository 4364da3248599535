// Shortest detours around failed links, for the kinds whose routes are not equal-cost sets
// (torus, dragonfly, explicit graph): breadth-first over the kind's vertices (switches, or torus
// positions) and the links between them that are still up, fewest links first, ties to the
// lowest-numbered vertex (a deterministic stand-in for whatever the fabric's routing picks).

/** Per vertex, the links leaving it (`to` ascending). */
export type Adjacency = readonly (readonly { readonly to: number; readonly link: number }[])[];

/** Pushes the links of a shortest path from `from` to `to` over links that are up; returns how many, or -1. */
export function detour(adjacency: Adjacency, from: number, to: number, isUp: (link: number) => boolean, out: number[]): number {
  if (from === to) return 0;
  const via = new Int32Array(adjacency.length).fill(-1);
  const prev = new Int32Array(adjacency.length).fill(-1);
  prev[from] = from;
  let frontier = [from];
  while (frontier.length > 0 && prev[to] === -1) {
    const next: number[] = [];
    for (const u of frontier) {
      for (const { to: v, link } of adjacency[u]!) {
        if (prev[v] !== -1 || !isUp(link)) continue;
        prev[v] = u;
        via[v] = link;
        next.push(v);
      }
    }
    frontier = next.sort((x, y) => x - y);
  }
  if (prev[to] === -1) return -1;
  const path: number[] = [];
  for (let v = to; v !== from; v = prev[v]!) path.push(via[v]!);
  path.reverse();
  out.push(...path);
  return path.length;
}

/** Sorts each vertex's links by `to` (then link id): the order `detour` breaks ties in. */
export function sortAdjacency(adjacency: { to: number; link: number }[][]): Adjacency {
  for (const list of adjacency) list.sort((x, y) => x.to - y.to || x.link - y.link);
  return adjacency;
}

/** Whether every link in `links` from index `start` on is up. */
export function allUp(links: readonly number[], start: number, isUp: (link: number) => boolean): boolean {
  for (let i = start; i < links.length; i++) if (!isUp(links[i]!)) return false;
  return true;
}
