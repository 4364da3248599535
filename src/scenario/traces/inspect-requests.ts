// Summary of an inference request trace (`poolsim trace inspect FILE --format requests`): how many
// requests were kept and skipped, the span and arrival rate (mean and busiest minute), the prompt
// and output token distributions, and the shared prefixes, before a scenario replays it.
import { formatCount, formatDuration } from '../../units/units.js';
import type { RequestTrace } from './request-trace.js';
import { countOf } from '../../units/count-noun.js';

export interface TokenQuantiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface RequestTraceSummary {
  source: string;
  rows: number;
  requests: number;
  skipped: number;
  skippedByReason: Record<string, number>;
  /** Each reason's first skipped row: its line and what was wrong with it. */
  firstSkipped: Record<string, { line: number; message: string }>;
  /** Arrival time of the last request (the first is at 0 s, or at its offset from a given origin). */
  firstS: number | null;
  lastS: number | null;
  /**
   * Requests per second over [first, last]; the most requests in any 60 s window from an arrival, per
   * second (null for a trace spanning under a minute: no minute of it is whole, and its requests over
   * 60 s would read as a busiest minute slower than the mean).
   */
  meanRatePerS: number | null;
  peakMinuteRatePerS: number | null;
  promptTokens: TokenQuantiles | null;
  outputTokens: TokenQuantiles | null;
  /** Requests with a shared prefix, and the distinct prefix ids (0 with sessions). */
  prefixed: number;
  prefixIds: number;
  /**
   * A trace with a session column: requests in a session, distinct sessions, histories (a session
   * restarts one when a prompt is shorter than its conversation so far), and the turns that carry
   * a history (all but each history's first).
   */
  sessions?: { turns: number; sessions: number; histories: number; laterTurns: number };
  /** Rows out of time order (RequestTrace.outOfOrder); absent when in order. */
  outOfOrder?: RequestTrace['outOfOrder'];
}

/** Nearest-rank quantile of an ascending array. */
function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

function tokens(values: Float64Array): TokenQuantiles | null {
  if (values.length === 0) return null;
  const s = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of s) sum += v;
  return { p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: s[s.length - 1]!, mean: sum / s.length };
}

export function inspectRequestTrace(trace: RequestTrace, source: string): RequestTraceSummary {
  const t = trace.timeS;
  const n = t.length;
  const skippedByReason: Record<string, number> = {};
  const firstSkipped: Record<string, { line: number; message: string }> = {};
  let skipped = 0;
  for (const s of trace.skipped) {
    skippedByReason[s.reason] = s.count;
    firstSkipped[s.reason] = { line: s.firstLine, message: s.firstMessage };
    skipped += s.count;
  }
  // Busiest minute: two pointers over the sorted arrival times.
  let peak = 0;
  for (let lo = 0, hi = 0; lo < n; lo++) {
    while (hi < n && t[hi]! < t[lo]! + 60) hi++;
    if (hi - lo > peak) peak = hi - lo;
  }
  const span = n > 0 ? t[n - 1]! - t[0]! : 0;
  let prefixed = 0;
  let laterTurns = 0;
  const px = trace.prefixes;
  if (px) for (let i = 0; i < px.index.length; i++) if (px.index[i]! >= 0) {
    prefixed++;
    if (px.tokens[i]! > 0) laterTurns++;
  }
  return {
    source,
    rows: trace.rows,
    requests: n,
    skipped,
    skippedByReason,
    firstSkipped,
    firstS: n > 0 ? t[0]! : null,
    lastS: n > 0 ? t[n - 1]! : null,
    meanRatePerS: n > 1 && span > 0 ? (n - 1) / span : null,
    peakMinuteRatePerS: n > 0 && span >= 60 ? peak / 60 : null,
    promptTokens: tokens(trace.promptTokens),
    outputTokens: tokens(trace.outputTokens),
    ...(trace.outOfOrder !== undefined ? { outOfOrder: trace.outOfOrder } : {}),
    ...(px?.sessions
      ? { prefixed: 0, prefixIds: 0, sessions: { turns: prefixed, sessions: new Set(px.names.map((n) => n.replace(/#\d+$/, ''))).size, histories: px.names.length, laterTurns } }
      : { prefixed, prefixIds: px?.names.length ?? 0 }),
  };
}

const count = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Readable multi-line text of a summary; stable for a given summary (no dates, no locale beyond digit groups). */
export function formatRequestInspection(s: RequestTraceSummary): string {
  const out: string[] = [];
  out.push(`trace      ${s.source}`);
  out.push(`rows       ${formatCount(s.rows)}: ${countOf(s.requests, 'request', 'requests', formatCount(s.requests))}, ${formatCount(s.skipped)} skipped`);
  const reasons = Object.entries(s.skippedByReason).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  // Each reason with its first row, as a run's warning gives it: the line to look at and what it holds.
  const first = (r: string): string => {
    const f = s.firstSkipped[r];
    return f === undefined ? '' : ` (first at line ${f.line}: ${f.message})`;
  };
  if (reasons.length > 0) out.push('skipped', ...reasons.map(([r, c]) => `    ${formatCount(c).padStart(8)}  ${r}${first(r)}`));
  const o = s.outOfOrder;
  if (o !== undefined) {
    out.push(`order      ${formatCount(o.count)} of ${countOf(o.kept, 'row', 'rows', formatCount(o.kept))} ${o.count === 1 ? 'arrives' : 'arrive'} before a row above ${o.count === 1 ? 'it' : 'them'}, the first at line ${o.line} (${o.column} ${o.time}, before line ${o.pastLine}'s ${o.pastTime}): summarised in time order, as a run replays them`);
  }
  if (s.firstS !== null && s.lastS !== null) out.push(`arrivals   ${formatDuration(s.firstS)} .. ${formatDuration(s.lastS)} (span ${formatDuration(s.lastS - s.firstS)})`);
  if (s.meanRatePerS !== null) {
    const peak = s.peakMinuteRatePerS === null ? 'no busiest minute (the trace spans under one)' : `busiest minute ${s.peakMinuteRatePerS.toPrecision(3)}/s (${(s.peakMinuteRatePerS / s.meanRatePerS).toPrecision(3)}x the mean)`;
    out.push(`rate       mean ${s.meanRatePerS.toPrecision(3)}/s, ${peak}`);
  }
  for (const [label, q] of [
    ['prompt', s.promptTokens],
    ['output', s.outputTokens],
  ] as const) {
    if (q) out.push(`${label.padEnd(10)} tokens p50 ${count(q.p50)}  p90 ${count(q.p90)}  p99 ${count(q.p99)}  max ${count(q.max)}  mean ${q.mean.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}`);
  }
  if (s.prefixIds > 0) out.push(`prefixes   ${s.prefixed} requests carry one of ${s.prefixIds} shared prefixes`);
  const ss = s.sessions;
  if (ss) out.push(`sessions   ${ss.turns} requests in ${ss.sessions} sessions (${ss.histories} histories); ${ss.laterTurns} later turns carry their conversation so far as a prefix`);
  return out.join('\n') + '\n';
}
