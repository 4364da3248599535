// The first row skipped for each reason, so that a report of dropped rows can point at one a user
// can open: its line in the file, the column and the value that was refused.
import type { TraceSkip } from './types.js';

export interface TraceSkipSample {
  readonly line: number;
  readonly detail?: string;
  /** The file's name of the column the refused value was read from. */
  readonly column?: string;
  /** What the column should have held, when the importer says (TraceSkip.expected). */
  readonly expected?: string;
}

/** The first skipped row of each reason, keyed by reason in the order the reasons first occur. */
export function firstSkippedOf(skipped: readonly TraceSkip[]): Record<string, TraceSkipSample> {
  const first: Record<string, TraceSkipSample> = {};
  for (const s of skipped) {
    if (first[s.reason] !== undefined) continue;
    first[s.reason] = { line: s.line, ...(s.detail !== undefined ? { detail: s.detail } : {}), ...(s.column !== undefined ? { column: s.column } : {}), ...(s.expected !== undefined ? { expected: s.expected } : {}) };
  }
  return first;
}

/** 'first at line 12, column gpus: "1e400"' (and ', expected ...' where the importer says), or '' when the reason has no sample. */
export function firstSkippedAt(sample: TraceSkipSample | undefined): string {
  if (sample === undefined) return '';
  return `first at line ${sample.line}${sample.column === undefined ? '' : `, column ${sample.column}`}${sample.detail === undefined ? '' : `: ${JSON.stringify(sample.detail)}`}${sample.expected === undefined ? '' : `, expected ${sample.expected}`}`;
}

/** ' (first at line 12, column gpus: "1e400")', or '' when the reason has no sample. */
export function describeFirstSkipped(sample: TraceSkipSample | undefined): string {
  return sample === undefined ? '' : ` (${firstSkippedAt(sample)})`;
}
