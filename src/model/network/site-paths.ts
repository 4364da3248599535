// Routes between data centres: the lowest-latency chain of inter-DC links (Dijkstra by latency,
// the first link listed winning a tie), over the links that are up. One path per pair of sites:
// traffic between two sites is not split over parallel links, so a link that lies on no pair's
// path while every link is up carries nothing until another fails (`standbyLinks`).

/** An inter-DC link as routing sees it: its two data centres and its latency. */
export interface SiteLink {
  readonly a: number;
  readonly b: number;
  readonly latencyS: number;
}

/** A path: the inter-DC links it crosses, each with its direction (0: a -> b, 1: b -> a). */
export type SitePath = [number, 0 | 1][];

/** Lowest-latency paths from data centre `from` to each of `n` (undefined where none is left; [] to itself). */
export function siteShortestPaths(n: number, links: readonly SiteLink[], from: number, down?: readonly boolean[]): (SitePath | undefined)[] {
  const dist = new Array<number>(n).fill(Infinity);
  const prev = new Array<[number, number, 0 | 1] | undefined>(n);
  const done = new Array<boolean>(n).fill(false);
  dist[from] = 0;
  for (;;) {
    let u = -1;
    for (let i = 0; i < n; i++) if (!done[i] && dist[i]! < Infinity && (u === -1 || dist[i]! < dist[u]!)) u = i;
    if (u === -1) break;
    done[u] = true;
    links.forEach((l, li) => {
      if (down?.[li]) return;
      const ends: [number, number, 0 | 1][] = [
        [l.a, l.b, 0],
        [l.b, l.a, 1],
      ];
      for (const [x, y, dir] of ends) {
        if (x !== u) continue;
        const d = dist[u]! + l.latencyS;
        if (d < dist[y]!) {
          dist[y] = d;
          prev[y] = [u, li, dir];
        }
      }
    });
  }
  return dist.map((d, to) => {
    if (d === Infinity) return undefined;
    const path: SitePath = [];
    for (let at = to; at !== from; ) {
      const [p, li, dir] = prev[at]!;
      path.unshift([li, dir]);
      at = p;
    }
    return path;
  });
}

/** Indices of the links on no pair's path while every link is up: standbys for failures, carrying nothing before. */
export function standbyLinks(n: number, links: readonly SiteLink[]): number[] {
  const used = new Array<boolean>(links.length).fill(false);
  for (let from = 0; from < n; from++) {
    for (const path of siteShortestPaths(n, links, from)) for (const [li] of path ?? []) used[li] = true;
  }
  return links.map((_, li) => li).filter((li) => !used[li]);
}
