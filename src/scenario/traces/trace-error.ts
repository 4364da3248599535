// The one error a trace importer throws: the file is unusable as a whole (a mapped column is
// missing, a quote never closes, an option is out of range). Bad single rows are skipped, not thrown.

export class TraceError extends Error {
  /** `line` is 1-based; 0 means the problem is not on a line (an option, an empty file). */
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
    this.name = 'TraceError';
  }
}
