// Tenant queues of trace jobs read from a trace column (`trace.queue_from`): Philly's virtual
// cluster, a csv's group column or Alibaba's QoS class names each job's queue, directly or through
// a map. A value that names no queue is refused at its file and line (one report per distinct
// value, with how many jobs carry it) unless a default queue takes it; a value a map key was meant
// for, which YAML read as a number (6214e9 unquoted), is refused even beside a default.
import type { PathKey } from '../scenario/errors.js';
import type { TraceJob } from '../scenario/traces/types.js';
import { suggestName } from '../scenario/did-you-mean.js';
import { queueIndex, queueNames, type Tenants } from './tenants.js';

export interface QueueFromSpec {
  readonly field: 'group' | 'qos';
  readonly map: Readonly<Record<string, string>>;
  readonly default?: string | undefined;
}

type Fail = (path: readonly PathKey[], message: string) => void;

/** Distinct values kept to suggest a map key's intended value. */
const MAX_SEEN_VALUES = 10_000;

/** Distinct unknown values reported one by one; the rest are counted in one line. */
const MAX_REPORTED_VALUES = 5;

export class TraceQueues {
  private readonly mapped = new Map<string, number>();
  private readonly fallback: number | undefined;
  private readonly unknown = new Map<string, { line: number; jobs: number }>();
  private missing: { line: number; jobs: number } | undefined;
  /** Values the default queue takes, and those it may not: a map key was meant for them (`misread`). */
  private readonly toDefault = new Set<string>();
  private readonly misreadValues = new Map<string, { line: number; jobs: number }>();
  /** Map keys some job's value matched, and the values seen (up to MAX_SEEN_VALUES, for suggestions). */
  private readonly hitKeys = new Set<string>();
  private readonly seenValues = new Set<string>();
  /** Whether a map key is a number (only then may a value be misread). */
  private readonly anyNumericKey: boolean;

  /**
   * `column` names the trace column of `spec.field` in messages (e.g. "column cluster"); `source`
   * is the trace file. Map targets and the default are checked here, reported at `at`.
   */
  constructor(
    private readonly spec: QueueFromSpec,
    private readonly tenants: Tenants,
    private readonly at: readonly PathKey[],
    private readonly column: string,
    private readonly source: string,
    private readonly fail: Fail,
  ) {
    for (const [value, name] of Object.entries(spec.map)) {
      const q = this.known(name, [...at, 'map', value]);
      if (q !== undefined) this.mapped.set(value, q);
    }
    this.anyNumericKey = Object.keys(spec.map).some((k) => Number.isFinite(Number(k)));
    this.fallback = spec.default !== undefined ? this.known(spec.default, [...at, 'default']) : undefined;
  }

  private known(name: string, path: readonly PathKey[]): number | undefined {
    const q = queueIndex(this.tenants, name);
    if (q !== undefined) return q;
    const names = queueNames(this.tenants);
    const guess = suggestName(name, names);
    this.fail(path, `unknown queue '${name}'${guess ? ` (did you mean '${guess}'?)` : `; the queues are: ${names.join(', ')}`}`);
    return undefined;
  }

  /** The job's queue; undefined (reported by `report`) when its value names none and there is no default. */
  queueOf(job: TraceJob): number | undefined {
    const raw = this.spec.field === 'group' ? job.group : job.qos;
    const value = raw?.trim();
    if (value === undefined || value === '') {
      if (this.fallback !== undefined) return this.fallback;
      if (this.missing) this.missing.jobs++;
      else this.missing = { line: job.line, jobs: 1 };
      return undefined;
    }
    if (this.seenValues.size < MAX_SEEN_VALUES) this.seenValues.add(value);
    const viaMap = this.mapped.get(value);
    if (viaMap !== undefined) return this.hitKeys.add(value), viaMap;
    const q = Object.hasOwn(this.spec.map, value) ? undefined : queueIndex(this.tenants, value);
    if (q !== undefined) return q;
    if (this.fallback !== undefined) return this.misread(value, job.line) ? undefined : this.fallback;
    const u = this.unknown.get(value);
    if (u) u.jobs++;
    else this.unknown.set(value, { line: job.line, jobs: 1 });
    return undefined;
  }

  /**
   * Whether `value`, about to go to the default queue, is one a map key was meant for but YAML read
   * as a number (6214e9 unquoted is 6214000000000): the default would take its jobs silently, so it
   * is counted for `report` to refuse. Each distinct value is looked at once.
   */
  private misread(value: string, line: number): boolean {
    if (!this.anyNumericKey) return false;
    const m = this.misreadValues.get(value);
    if (m) return m.jobs++, true;
    if (this.toDefault.has(value)) return false;
    if (this.numericKey(value) === undefined) return this.toDefault.add(value), false;
    this.misreadValues.set(value, { line, jobs: 1 });
    return true;
  }

  /**
   * A map key YAML read as a number where the trace holds the same number written otherwise (the
   * hashed virtual cluster 6214e9 is 6.214e12 unquoted): say so, with the fix.
   */
  private numericKey(value: string): string | undefined {
    const n = Number(value);
    if (!Number.isFinite(n)) return undefined;
    const key = Object.keys(this.spec.map).find((k) => Number(k) === n);
    return key === undefined ? undefined : `\`queue_from.map\` has the key ${key}, which is how YAML reads ${value} unquoted (a number): quote it, '${value}'`;
  }

  /**
   * Report the values that named no queue (after every job has been asked), and warn of map keys
   * no job's value matched: their jobs went elsewhere (a typo's to the default), unseen. A key a
   * value YAML misread was meant for is refused in its value's report instead.
   */
  report(warn: Fail): void {
    const values = [...this.seenValues];
    for (const [key, q] of this.mapped) {
      if (this.hitKeys.has(key) || values.some((v) => Number.isFinite(Number(key)) && Number(v) === Number(key))) continue;
      const guess = suggestName(key, values);
      warn([...this.at, 'map', key], `queue_from.map key '${key}' names no job's value of ${this.column}${guess !== undefined ? ` (did you mean '${guess}'?)` : ''}: no job goes to ${this.tenants.queues[q]!.name} through it`);
    }
    // A map entry that named an unknown queue was reported already; its jobs are not reported twice.
    const jobsText = (n: number): string => (n === 1 ? '1 job' : `${n} jobs`);
    const fix = 'map it in `queue_from.map` or give `queue_from.default`';
    const names = queueNames(this.tenants).join(', ');
    if (this.missing) {
      this.fail(this.at, `${this.source}:${this.missing.line}: ${this.column} is empty, so the job names no tenant queue (${jobsText(this.missing.jobs)} so); give \`queue_from.default\``);
    }
    for (const [value, u] of this.misreadValues) {
      this.fail(this.at, `${this.source}:${u.line}: ${this.column} '${value}' would go to the default queue '${this.spec.default}' (${jobsText(u.jobs)}); ${this.numericKey(value)}`);
    }
    let shown = 0;
    for (const [value, u] of this.unknown) {
      if (Object.hasOwn(this.spec.map, value)) continue;
      if (shown === MAX_REPORTED_VALUES) {
        const rest = [...this.unknown.keys()].filter((v) => !Object.hasOwn(this.spec.map, v)).length - shown;
        this.fail(this.at, `${this.source}: ${rest} more values of ${this.column} name no tenant queue`);
        break;
      }
      shown++;
      this.fail(this.at, `${this.source}:${u.line}: ${this.column} '${value}' names no tenant queue (${jobsText(u.jobs)}; the queues are: ${names}); ${this.numericKey(value) ?? fix}`);
    }
  }
}
