// The first row skipped for each reason, so that a report of dropped rows can point at one a user
// can open: its line in the file and the value that was refused.
import type { TraceSkip } from './types.js';

export interface TraceSkipSample {
  readonly line: number;
  readonly detail?: string;
}

/** The first skipped row of each reason, keyed by reason in the order the reasons first occur. */
export function firstSkippedOf(skipped: readonly TraceSkip[]): Record<string, TraceSkipSample> {
  const first: Record<string, TraceSkipSample> = {};
  for (const s of skipped) {
    if (first[s.reason] === undefined) first[s.reason] = s.detail === undefined ? { line: s.line } : { line: s.line, detail: s.detail };
  }
  return first;
}

/** 'first at line 12: "1e400"', or '' when the reason has no sample. */
export function firstSkippedAt(sample: TraceSkipSample | undefined): string {
  if (sample === undefined) return '';
  return `first at line ${sample.line}${sample.detail === undefined ? '' : `: ${JSON.stringify(sample.detail)}`}`;
}

/** ' (first at line 12: "1e400")', or '' when the reason has no sample. */
export function describeFirstSkipped(sample: TraceSkipSample | undefined): string {
  return sample === undefined ? '' : ` (${firstSkippedAt(sample)})`;
}
