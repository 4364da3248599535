// A job's bandwidth per rank for one of its traffic groups (the data-parallel rings, the pipeline
// boundaries) while that group communicates: the groups take turns within a step, so a group has
// what its job has of each link to itself.

/**
 * Per-rank bandwidth of one group of a job's flows while it communicates and the job's other group
 * does not: each flow is held to its own cap (`capOf`, the NIC rails its ranks drive), and each link
 * it crosses gives what the job has of it (`availOf`: the link's capacity less what other jobs' flows
 * take) to the group's ranks crossing it, in proportion. The slowest rank sets the collective's pace,
 * so the result is the least of every flow's cap / its ranks and every link's share / the group's
 * ranks on it. It depends on nothing the other group sends: sending more pipeline bytes never slows
 * or speeds the rings. Infinity when the group has no flow.
 */
export function groupPerRankBw(
  count: number,
  linksOf: (i: number) => readonly number[],
  capOf: (i: number) => number,
  ranksOf: (i: number) => number,
  availOf: (link: number) => number,
): number {
  let bw = Infinity;
  const ranksOnLink = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const ranks = ranksOf(i);
    bw = Math.min(bw, capOf(i) / ranks);
    for (const l of linksOf(i)) ranksOnLink.set(l, (ranksOnLink.get(l) ?? 0) + ranks);
  }
  for (const [l, ranks] of ranksOnLink) bw = Math.min(bw, Math.max(0, availOf(l)) / ranks);
  return bw;
}
