// Rows an importer keeps as the file gives them but that a user should look at: a job that starts
// before it was submitted, a local time its zone's clock skipped or showed twice. Counted by
// reason with the first row's line and value, as skipped rows are (first-skipped.ts), so that no
// reading the file leaves open is made silently.
import type { TraceSkipSample } from './first-skipped.js';

/** The suspect rows of an import's kept jobs (TraceImport.suspectByReason, firstSuspect). */
export interface SuspectCounts {
  suspectByReason: Record<string, number>;
  firstSuspect: Record<string, TraceSkipSample>;
}

/**
 * An importer's notes on rows it kept, each by the row's index among the importer's jobs, in file
 * order. A trace may be suspect in every row (a submit column a second after the start): a note is
 * five bytes (its line is its job's), and only the first of each reason keeps its value.
 */
export class SuspectRows {
  /** The distinct (reason, column) pairs noted; a note holds the index of its own. */
  private readonly kinds: Array<{ reason: string; column: string | undefined }> = [];
  private rowOf = new Int32Array(16);
  private kindOf = new Uint8Array(16);
  private n = 0;
  /** The first note of each reason, with its value. */
  private readonly firstOf = new Map<string, { note: number; detail: string }>();

  /** Whether a row was noted for `reason` already: its value is not kept, so need not be made. */
  has(reason: string): boolean {
    return this.firstOf.has(reason);
  }

  /**
   * Job `row` (its index among the importer's jobs, made in file order) is kept but suspect for
   * `reason`; `detail` is the value as read (kept for the first row of each reason only: pass
   * undefined when has(reason)), `column` the file's name of the column it came from.
   */
  note(row: number, reason: string, detail: string | undefined, column?: string): void {
    let kind = 0;
    while (kind < this.kinds.length && !(this.kinds[kind]!.reason === reason && this.kinds[kind]!.column === column)) kind++;
    if (kind === this.kinds.length) {
      if (kind === 256) throw new Error('SuspectRows: more than 256 (reason, column) pairs');
      this.kinds.push({ reason, column });
    }
    if (!this.firstOf.has(reason)) this.firstOf.set(reason, { note: this.n, detail: detail ?? '' });
    if (this.n === this.rowOf.length) {
      const rows = new Int32Array(this.n * 2);
      rows.set(this.rowOf);
      this.rowOf = rows;
      const kinds = new Uint8Array(this.n * 2);
      kinds.set(this.kindOf);
      this.kindOf = kinds;
    }
    this.rowOf[this.n] = row;
    this.kindOf[this.n] = kind;
    this.n++;
  }

  /**
   * The counts of rows (not of notes) and first rows among the jobs `kept` holds (indices of `jobs`): a job that window,
   * sample or max_jobs left out is not in the run, and its notes are not told. Where the first of
   * a reason was left out, the first kept is told by its line and column, without its value.
   * Undefined when no kept job has a note.
   */
  keptOf(kept: readonly number[], jobs: { readonly length: number; line(i: number): number }): SuspectCounts | undefined {
    const n = this.n;
    if (n === 0) return undefined;
    let isKept: Uint8Array | undefined;
    if (kept.length < jobs.length) {
      isKept = new Uint8Array(jobs.length);
      for (const i of kept) isKept[i] = 1;
    }
    const suspectByReason: Record<string, number> = {};
    const firstSuspect: Record<string, TraceSkipSample> = {};
    // The last row counted for each reason: a row noted twice for one reason (its submit, start
    // and end all in the hour its clock skipped) is one row, as the reports say ("3 rows" was one
    // job). A row's notes are made together, so its repeats follow one another.
    const lastRow = new Map<string, number>();
    for (let k = 0; k < n; k++) {
      const row = this.rowOf[k]!;
      if (isKept !== undefined && isKept[row] !== 1) continue;
      const { reason, column } = this.kinds[this.kindOf[k]!]!;
      if (lastRow.get(reason) === row) continue;
      lastRow.set(reason, row);
      if (suspectByReason[reason] === undefined) {
        suspectByReason[reason] = 0;
        const first = this.firstOf.get(reason)!;
        firstSuspect[reason] = { line: jobs.line(row), ...(first.note === k ? { detail: first.detail } : {}), ...(column !== undefined ? { column } : {}) };
      }
      suspectByReason[reason]++;
    }
    return Object.keys(suspectByReason).length === 0 ? undefined : { suspectByReason, firstSuspect };
  }
}
