// The one error a trace importer throws: the file is unusable as a whole (a mapped column is
// missing, a quote never closes, an option is out of range). Bad single rows are skipped, not thrown.

export class TraceError extends Error {
  /** `line` is 1-based; 0 means the problem is not on a line (an option, an empty file). */
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
    /** The mapping field at fault, where one is (['mapping', 'filter', 'column']): the scenario points there. */
    readonly field?: readonly string[],
  ) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
    this.name = 'TraceError';
  }
}
