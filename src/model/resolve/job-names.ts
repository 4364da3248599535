// Names of workloads and jobs. A generator's jobs are named '<generator>-<n>' and its name keys its
// random streams; explicit job names are the user's; trace ids are data (trace-jobs.ts renames an
// id that another workload's job already has).
import type { Scenario } from '../../scenario/schema.js';
import type { PathKey } from '../../scenario/errors.js';
import { UniqueNames } from '../unique-names.js';
import type { JobList } from '../job-list.js';
import type { TraceJobTable } from '../trace-job-template.js';
import type { Fail } from './context.js';

export class JobNames {
  readonly workloads: UniqueNames;
  /** The names of listed jobs, explicit or default ('w<workload>-j<job>'). */
  readonly listed: UniqueNames;
  /** Generator name -> how many jobs it makes at most (undefined: as many as time allows). */
  readonly generators = new Map<string, number | undefined>();
  /**
   * The names of the jobs so far (listed and traces'), made at the first question only it can
   * answer: a trace's own ids are distinct, and a million of them would cost a set of their own.
   */
  private soFar: Set<string> | undefined;
  /** The trace being read: its rows so far are jobs too (the list gets it at its end). */
  tableSoFar: TraceJobTable | undefined;

  constructor(
    scenario: Scenario,
    private readonly jobs: JobList,
    fail: Fail,
    /** Where a first holder is written (SourceMap.where): a duplicate's message names both places. */
    where?: (path: readonly PathKey[]) => string,
  ) {
    this.workloads = new UniqueNames('workload', fail, where);
    this.listed = new UniqueNames('job', fail, where);
    scenario.workloads.forEach((w, wi) => {
      if ('generator' in w) {
        const name = w.generator.name ?? `workloads[${wi}]`;
        this.workloads.claim(name, ['workloads', wi, 'generator', 'name']);
        this.generators.set(name, w.generator.count);
      } else if ('trace' in w) {
        const named = w.trace.name !== undefined;
        this.workloads.claim(w.trace.name ?? `trace-${wi}`, ['workloads', wi, 'trace', ...(named ? ['name'] : [])], named ? '' : ' (the name an unnamed trace gets)');
      } else {
        w.jobs.forEach((j, ji) => {
          const at = ['workloads', wi, 'jobs', ji];
          this.listed.claim(j.name ?? `w${wi}-j${ji}`, j.name !== undefined ? [...at, 'name'] : at, j.name !== undefined ? '' : ' (the name an unnamed job gets)');
        });
      }
    });
    scenario.workloads.forEach((w, wi) => {
      if (!('jobs' in w)) return;
      w.jobs.forEach((j, ji) => {
        const name = j.name ?? `w${wi}-j${ji}`;
        const g = this.generatedBy(name);
        if (g !== undefined) fail(['workloads', wi, 'jobs', ji, ...(j.name !== undefined ? ['name'] : [])], `job name '${name}' is also the name generator '${g}' gives one of its jobs (${g}-0, ${g}-1, ...): rename the job or the generator`);
      });
    });
  }

  /** The generator whose job names include `name` ('<generator>-<n>'), if any. */
  generatedBy(name: string): string | undefined {
    if (this.generators.size === 0) return undefined;
    const m = /^(.*)-(\d+)$/.exec(name);
    if (!m || !this.generators.has(m[1]!) || String(Number(m[2])) !== m[2]) return undefined;
    const made = this.generators.get(m[1]!);
    return made === undefined || Number(m[2]) < made ? m[1] : undefined;
  }

  /** Whether a trace job may not take `name`: an explicit name, a generated one, or an earlier trace job's. */
  readonly taken = (n: string): boolean => this.listed.has(n) || (this.soFar ??= this.namesSoFar()).has(n) || this.generatedBy(n) !== undefined;

  /** Whether only an explicit or generated name could be `n`'s equal (no set of the jobs so far is kept). */
  get noSetYet(): boolean {
    return this.soFar === undefined;
  }

  /** A trace job took `name`: remembered where the jobs' names are kept. */
  took(name: string): void {
    this.soFar?.add(name);
  }

  private namesSoFar(): Set<string> {
    const names = new Set<string>();
    for (let i = 0; i < this.jobs.length; i++) names.add(this.jobs.name(i));
    if (this.tableSoFar) for (let r = 0; r < this.tableSoFar.length; r++) names.add(this.tableSoFar.name(r));
    return names;
  }
}
