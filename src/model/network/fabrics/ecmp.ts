// Equal-cost multipath over a two-tier fabric's spines. Without an `ecmp` block (or with mode
// split) a leaf's uplinks to its spines are one aggregate link: a flow split evenly over P equal
// paths of capacity C/P each loads each by rate/P, so its constraint on every path is sum(rate) <= C,
// the aggregate's; max-min rates are the same. With mode hash each node pair's traffic is hashed
// onto one spine (one connection's 5-tuple, as switches hash without looking at load), so pairs
// can collide on one uplink while another idles: the leaf's uplink becomes P links of C/P. With
// mode adaptive the links are the same P links of C/P, but each node pair's traffic goes on the
// path where it would get the largest equal share now (capacity / (flows + 1) of its most loaded
// link), as adaptive routing steers a flow to the least-loaded port; the network model re-evaluates
// running jobs' choices when load changes (sim/network-progress.ts).
import { z } from 'zod';
import type { PathKey } from '../../../scenario/errors.js';
import type { FabricBuildContext } from '../fabric-kind.js';

export const ecmpSchema = z.strictObject({
  /** split: every flow spread evenly over the equal-cost paths; hash: each node pair's traffic on one; adaptive: on the least-loaded one. */
  mode: z.enum(['split', 'hash', 'adaptive']),
  /** Equal-cost paths between two leaves (spines a leaf's uplinks spread over), 1 to 1024. */
  paths: z.number().int().min(1).max(1024),
});

export type EcmpSpec = z.output<typeof ecmpSchema>;

/** Paths a kind builds for its spine links: 1 (the aggregate) unless each pair takes one path (hash, adaptive). */
export const hashedPaths = (ecmp: EcmpSpec | undefined): number => (ecmp && ecmp.mode !== 'split' ? ecmp.paths : 1);

/**
 * How a kind's routes pick one of its `paths` equal-cost paths for a node pair (positions in the
 * site; -1 / -2 stand for the site's top tier): `links(q)` are path q's links that differ between
 * paths. Returns the path, or -1 when failures leave none.
 * - one path (split, or no block): path 0 if it is up;
 * - hash: the pair's hash among the surviving paths (survivingPath);
 * - adaptive: the surviving path whose links give a new flow the largest equal share now
 *   (min over its links of ctx.shareOf), ties to the first in the order the pair's hash starts
 *   from (its own hashed path, then the next ones round), so an idle fabric routes as hash does.
 */
export function pathChooser(ecmp: EcmpSpec | undefined, ctx: FabricBuildContext): (a: number, b: number, links: (q: number) => readonly number[]) => number {
  const paths = hashedPaths(ecmp);
  const up = (ls: readonly number[]): boolean => ls.every((l) => ctx.isUp(l));
  if (ecmp?.mode !== 'adaptive' || paths === 1) return (a, b, links) => survivingPath(a, b, paths, (q) => up(links(q)));
  return (a, b, links) => {
    const own = ecmpPath(a, b, paths);
    let best = -1;
    let bestShare = -1;
    for (let i = 0; i < paths; i++) {
      const q = (own + i) % paths;
      const ls = links(q);
      if (!up(ls)) continue;
      let share = Infinity;
      for (const l of ls) share = Math.min(share, ctx.shareOf(l));
      if (share > bestShare) {
        best = q;
        bestShare = share;
      }
    }
    return best;
  };
}

/** A switch's hash of a node pair (their positions in the site), onto one of `paths` paths. */
export function ecmpPath(a: number, b: number, paths: number): number {
  if (paths === 1) return 0;
  let h = Math.imul(a + 0x5bd1e995, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return (h >>> 0) % paths;
}

/** One aggregate link of `capacity`, or with hashing one per path (`<name>:<path>`) of capacity / paths. */
export function spineLinks(ctx: FabricBuildContext, capacityBytesPerS: number, name: string, field: readonly PathKey[], paths: number): number[] {
  if (paths === 1) return [ctx.addLink(capacityBytesPerS, 0, name, field)];
  return Array.from({ length: paths }, (_, p) => ctx.addLink(capacityBytesPerS / paths, 0, `${name}:${p}`, field));
}

/**
 * The path a switch's hash gives a node pair among those still up (`ok`): its own hash when that
 * path survives (so nothing moves without failures), else a rehash over the survivors, as a switch
 * drops a failed next hop from its ECMP group. -1 when none survives.
 */
export function survivingPath(a: number, b: number, paths: number, ok: (path: number) => boolean): number {
  const own = ecmpPath(a, b, paths);
  if (ok(own)) return own;
  let alive = 0;
  for (let p = 0; p < paths; p++) if (ok(p)) alive++;
  if (alive === 0) return -1;
  let k = ecmpPath(a, b, alive);
  for (let p = 0; p < paths; p++) if (ok(p) && k-- === 0) return p;
  return -1;
}

/** Spines (equal-cost paths) a Clos kind's block stands for: `ecmp.paths`, else one. */
export const spineCount = (ecmp: EcmpSpec | undefined): number => ecmp?.paths ?? 1;

/**
 * What one spine (path p of `spines`) carries of each of `sets` (per leaf, its links to the spines:
 * one aggregate, or one per path when hashing): the whole of link p when hashing, else 1/spines of
 * the aggregate.
 */
export function spineShare(sets: readonly (readonly number[])[], p: number, spines: number): { link: number; fraction: number }[] {
  return sets.map((links) => (links.length > 1 ? { link: links[p]!, fraction: 1 } : { link: links[0]!, fraction: 1 / spines }));
}

/**
 * `ecmp.paths` P wider than a tier's uplinks: each equal-cost path is at least one uplink port (a
 * leaf cannot reach more spines than it has cables up), so P above the fewest uplinks of one of
 * `uplinks` (per switch of the tier, in ports) is no fabric that can be built; run, hashing would
 * give a flow its leaf's uplink capacity / P, less than one port. `what` names the tier's switch and
 * `sizedBy` the field its uplinks follow from.
 */
export function ecmpWiderThanUplinks(ecmp: EcmpSpec | undefined, uplinks: readonly number[], what: string, sizedBy: string): { field: string; message: string } | undefined {
  if (!ecmp || ecmp.paths === 1) return undefined;
  let at = -1;
  for (let i = 0; i < uplinks.length; i++) if (uplinks[i]! < ecmp.paths && (at < 0 || uplinks[i]! < uplinks[at]!)) at = i;
  if (at < 0) return undefined;
  const ports = uplinks[at]!;
  return {
    field: 'ecmp',
    message: `ecmp.paths ${ecmp.paths} is more equal-cost paths than ${what} ${at} has uplink ports (${ports}: its nodes' NIC ports / ${sizedBy}); each path takes at least one uplink, so at most ${ports} paths here (or a lower ${sizedBy})`,
  };
}
