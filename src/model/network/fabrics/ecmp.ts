// Equal-cost multipath over a two-tier fabric's spines. Without an `ecmp` block (or with mode
// split) a leaf's uplinks to its spines are one aggregate link: a flow split evenly over P equal
// paths of capacity C/P each loads each by rate/P, so its constraint on every path is sum(rate) <= C,
// the aggregate's; max-min rates are the same. With mode hash each node pair's traffic is hashed
// onto one spine (one connection's 5-tuple, as switches hash without looking at load), so pairs
// can collide on one uplink while another idles: the leaf's uplink becomes P links of C/P.
import { z } from 'zod';
import type { PathKey } from '../../../scenario/errors.js';
import type { FabricBuildContext } from '../fabric-kind.js';

export const ecmpSchema = z.strictObject({
  /** split: every flow spread evenly over the equal-cost paths; hash: each node pair's traffic on one. */
  mode: z.enum(['split', 'hash']),
  /** Equal-cost paths between two leaves (spines a leaf's uplinks spread over), 1 to 1024. */
  paths: z.number().int().min(1).max(1024),
});

export type EcmpSpec = z.output<typeof ecmpSchema>;

/** Paths a kind builds for its spine links: 1 (the aggregate) unless hashing. */
export const hashedPaths = (ecmp: EcmpSpec | undefined): number => (ecmp?.mode === 'hash' ? ecmp.paths : 1);

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
