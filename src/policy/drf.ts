// Dominant Resource Fairness (Ghodsi et al., "Dominant Resource Fairness: Fair Allocation of
// Multiple Resource Types", NSDI 2011): each account's dominant share is the largest share it holds
// of any resource (the devices of each kind, and CPU and memory on pools that track them); the next
// job to start is the head of the account with the smallest dominant share, FIFO within an account
// (JobView.account: tenant queue, else workload entry). An account whose head cannot be placed now
// waits, and the others go on (the paper's progressive filling); ties to the account whose head came
// first.
import { z } from 'zod';
import type { ClusterView, JobView, Placement, QueueDiscipline, QueuePolicy } from './types.js';

export const drf: QueuePolicy<Record<string, never>> = {
  name: 'drf',
  description:
    'Dominant Resource Fairness: the head job of the account with the smallest dominant share (largest share of any resource it holds: devices of each kind, CPU, memory) starts next; FIFO within an account; an account that cannot place its head waits while the others go on.',
  params: z.strictObject({}),
  create: () => createDrf(),
};

/** Resource totals of the pool: devices per kind, then CPU and memory when the pool tracks them. */
function capacities(cluster: ClusterView): number[] {
  const caps = cluster.kinds.map((k) => cluster.kindTotal[k.index]!);
  if (cluster.hostLimited) {
    let cpu = 0;
    let mem = 0;
    for (let n = 0; n < cluster.nodeCount; n++) {
      cpu += cluster.nodeCpuMilli[n]!;
      mem += cluster.nodeMemoryMiB[n]!;
    }
    caps.push(Number.isFinite(cpu) ? cpu : 0, Number.isFinite(mem) ? mem : 0);
  }
  return caps;
}

/** What a placed job holds, per resource (the order of capacities()). */
function holding(job: JobView, p: Placement, cluster: ClusterView, out: number[]): void {
  out.fill(0);
  out[p.kind] = (job.devices * job.milli) / 1000;
  if (cluster.hostLimited) {
    out[cluster.kinds.length] = job.cpuMilli;
    out[cluster.kinds.length + 1] = job.memoryMiB;
  }
}

/** The largest share of any resource in `held` (resources the pool has none of are left out). */
export function dominantShare(held: readonly number[], caps: readonly number[]): number {
  let s = 0;
  for (let r = 0; r < caps.length; r++) if (caps[r]! > 0) s = Math.max(s, held[r]! / caps[r]!);
  return s;
}

export function createDrf(): QueueDiscipline {
  return {
    schedule(ctx) {
      const cluster = ctx.cluster;
      const caps = capacities(cluster);
      const held = new Map<string, number[]>();
      const scratch = new Array<number>(caps.length).fill(0);
      const add = (account: string, job: JobView, p: Placement): void => {
        let h = held.get(account);
        if (!h) held.set(account, (h = new Array<number>(caps.length).fill(0)));
        holding(job, p, cluster, scratch);
        for (let r = 0; r < caps.length; r++) h[r]! += scratch[r]!;
      };
      for (const j of ctx.running) if (j.placement) add(j.account ?? '', j, j.placement);
      // Each account's waiting jobs in line order.
      const lines = new Map<string, JobView[]>();
      for (const j of ctx.waiting) {
        const a = j.account ?? '';
        let l = lines.get(a);
        if (!l) lines.set(a, (l = []));
        l.push(j);
      }
      const heads = new Map<string, number>();
      for (const a of lines.keys()) heads.set(a, 0);
      for (;;) {
        let best: string | undefined;
        let bestShare = Infinity;
        let bestFirst: JobView | undefined;
        for (const [a, i] of heads) {
          const head = lines.get(a)![i]!;
          const share = dominantShare(held.get(a) ?? scratch.fill(0), caps);
          if (share < bestShare || (share === bestShare && head.id < bestFirst!.id)) {
            best = a;
            bestShare = share;
            bestFirst = head;
          }
        }
        if (best === undefined) return;
        const p = ctx.place(bestFirst!);
        if (!p) {
          heads.delete(best); // its head waits for devices; the other accounts go on
          continue;
        }
        ctx.start(bestFirst!, p);
        add(best, bestFirst!, p);
        const next = heads.get(best)! + 1;
        if (next < lines.get(best)!.length) heads.set(best, next);
        else heads.delete(best);
      }
    },
  };
}
