// Names that must be unique where a scenario refers to them (jobs, workloads, node groups, links,
// transfers, request streams): the first holder of each name is remembered, so that a second one is
// refused with both places named instead of silently sharing a random stream, a row or a reference.
import { formatPath, type PathKey } from '../scenario/errors.js';

export class UniqueNames {
  private readonly first = new Map<string, readonly PathKey[]>();

  constructor(
    /** What is named, for messages: 'job', 'node group'. */
    private readonly what: string,
    private readonly fail: (path: readonly PathKey[], message: string) => void,
    /** Where the first holder is written (`file:line:column`, SourceMap.where), so the message names both places. */
    private readonly where?: (path: readonly PathKey[]) => string,
  ) {}

  /**
   * Claim `name` for the thing at `path`. When another thing holds it, report the problem at `path`
   * (with `note` saying where the name came from, e.g. a default name) and return false.
   */
  claim(name: string, path: readonly PathKey[], note = ''): boolean {
    const holder = this.first.get(name);
    if (holder) {
      this.fail(path, `duplicate ${this.what} name '${name}'${note}: ${formatPath(holder) || 'the document'} has it too${this.where ? `, at ${this.where(holder)}` : ''}; names must be unique`);
      return false;
    }
    this.first.set(name, path);
    return true;
  }

  has(name: string): boolean {
    return this.first.has(name);
  }

  get size(): number {
    return this.first.size;
  }

  names(): IterableIterator<string> {
    return this.first.keys();
  }
}
