// A trace's `priority` map (group or QoS value -> priority): each job's priority looked up by its
// value, and the keys checked against what the trace holds, since a key that names no job's value
// gives its priority to no job, unseen (a hashed Philly cluster YAML read as a number, a case slip).
import type { PathKey } from '../scenario/errors.js';
import { suggestName } from '../scenario/did-you-mean.js';

type Report = (path: readonly PathKey[], message: string) => void;

/** Distinct values kept for suggestions and for matching a key YAML read as a number. */
const MAX_VALUES = 10_000;

export class TracePriorities {
  private readonly hit = new Set<string>();
  private readonly values = new Set<string>();

  /** `column` names the trace column the values come from in messages ("column cluster"). */
  constructor(
    private readonly priority: Readonly<Record<string, number>>,
    private readonly at: readonly PathKey[],
    private readonly column: string,
  ) {}

  /** The priority of a job whose group (or QoS) value is `value` ('' for none); 0 when not listed. */
  of(value: string): number {
    if (this.values.size < MAX_VALUES) this.values.add(value);
    if (!Object.hasOwn(this.priority, value)) return 0;
    this.hit.add(value);
    return this.priority[value]!;
  }

  /**
   * After every kept job was asked: a key YAML read as a number where the trace writes that number
   * otherwise is refused with the fix; any other key no job carries is warned.
   */
  report(fail: Report, warn: Report): void {
    const values = [...this.values].filter((v) => v !== '');
    for (const key of Object.keys(this.priority)) {
      if (this.hit.has(key) || key === '') continue;
      const n = Number(key);
      const written = Number.isFinite(n) ? values.find((v) => Number(v) === n) : undefined;
      if (written !== undefined) {
        fail(this.at, `the key ${key} names no value of ${this.column}; it is how YAML reads ${written} unquoted (a number): quote it, '${written}'`);
        continue;
      }
      const guess = suggestName(key, values);
      warn(this.at, `priority key '${key}' names no job's value of ${this.column}${guess !== undefined ? ` (did you mean '${guess}'?)` : values.length > 0 ? ` (its values include: ${values.slice(0, 5).join(', ')})` : ' (no job has a value there)'}: its priority is given to no job`);
    }
  }
}
