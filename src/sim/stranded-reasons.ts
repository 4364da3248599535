// Why each job still waiting when a run idles can never start. Not all of them are unplaceable:
// a job that fits the idle pool may only have waited behind one that never fits (a strict FIFO's
// head, its tenant queue's head), and saying "could not be placed even on the idle pool" of it
// told a planner the job was too big for the pool when it was not.

export interface StrandedQuestions<J> {
  /** Whether the placement policy places the job on the pool as it is now (idle). */
  placeable(job: J): boolean;
  /** Why the job's tenant queue could never admit it, if so. */
  neverAdmitted(job: J): string | undefined;
  /** The line the job waited in: the queue policy's, or its tenant queue's while not admitted. Jobs with equal `who` share one. */
  line(job: J): StrandedLine;
  name(job: J): string;
  readonly placementName: string;
}

export interface StrandedLine {
  /** Who starts (or admits) the line's jobs, e.g. "queue policy 'fifo'", "queue 'a'". */
  readonly who: string;
  /** What it does to them: 'started', 'admitted'. */
  readonly verb: string;
}

/** One reason per job, in the waiting line's order. */
export function strandedReasons<J>(waiting: readonly J[], q: StrandedQuestions<J>): string[] {
  const unplaceable = `could not be placed by '${q.placementName}' even on the idle pool`;
  const fits = waiting.map((job) => q.placeable(job));
  return waiting.map((job, i) => {
    const admit = q.neverAdmitted(job);
    if (admit !== undefined) return admit;
    if (!fits[i]) return unplaceable;
    const line = q.line(job);
    for (let a = 0; a < i; a++) {
      const ahead = waiting[a]!;
      if (fits[a] || q.line(ahead).who !== line.who) continue;
      return `fits the idle pool, but waited behind job '${q.name(ahead)}', which ${unplaceable}; ${line.who} ${line.verb} nothing past it`;
    }
    return `fits the idle pool, but ${line.who} never ${line.verb} it`;
  });
}
