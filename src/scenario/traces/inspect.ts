// Summary of an imported trace for people deciding whether and how to replay it
// (`poolsim trace inspect FILE --format F`): what was kept, what was dropped and why, its shape.
import { formatCount, formatDuration, formatPercent } from '../../units/units.js';
import { MAX_TIME_S } from '../limits.js';
import { describeFirstSkipped, firstSkippedAt, firstSkippedOf, type TraceSkipSample } from './first-skipped.js';
import type { TraceImport, TraceJob } from './types.js';
import { countOf } from '../../units/count-noun.js';

export interface DurationQuantiles {
  p50S: number;
  p90S: number;
  p99S: number;
  maxS: number;
  meanS: number;
}

export interface TraceSummary {
  source: string;
  rows: number;
  jobs: number;
  skipped: number;
  skippedByReason: Record<string, number>;
  /** The first row skipped for each reason: its line and refused value. */
  firstSkipped: Record<string, TraceSkipSample>;
  filteredByOption: Record<string, number>;
  /** Times kept as read but suspect (TraceImport.suspectByReason), by reason, and the first row of each. */
  suspectByReason: Record<string, number>;
  firstSuspect: Record<string, TraceSkipSample>;
  /** Jobs kept under a new id (TraceImport.renamedByReason), by reason, and the first one of each. */
  renamedByReason: Record<string, number>;
  firstRenamed: Record<string, TraceSkipSample>;
  /** The trace lists sizes only, no times (TraceImport.untimed): submits, durations and device-hours are unknown. */
  untimed: boolean;
  /**
   * Jobs whose submit offset or duration is past MAX_TIME_S (1e10 s), which a run refuses (a
   * sentinel end such as Borg's 2^63 - 1 us for 'never ended'): how many and the first one's line.
   * They are left out of every figure below `jobs`, which would otherwise be theirs alone.
   */
  beyondLimit: { jobs: number; firstLine: number } | null;
  /** Submit offsets of the first and last kept job; null when no job was kept or the trace has no times. */
  firstSubmitS: number | null;
  lastSubmitS: number | null;
  /** Latest submit + duration: a lower bound on the replay's makespan. */
  lastFinishS: number | null;
  /** Jobs per whole-device count, ascending. */
  devicesPerJob: Array<{ devices: number; jobs: number }>;
  durationS: DurationQuantiles | null;
  /** Sum of devices x gpuMilli/1000 x duration: a fractional pod counts its share. */
  deviceHours: number;
  /** Jobs with gpuMilli < 1000, and how many per gpuMilli value, ascending. */
  fractional: { jobs: number; byGpuMilli: Array<{ gpuMilli: number; jobs: number }> };
  /** Jobs naming each model in allowedModels (a job naming two counts for both). */
  models: { unconstrainedJobs: number; byModel: Array<{ model: string; jobs: number }> };
  groups: Array<{ name: string; jobs: number }>;
  qos: Array<{ name: string; jobs: number }>;
  nodes?: {
    source: string;
    rows: number;
    nodes: number;
    devices: number;
    skippedByReason: Record<string, number>;
    firstSkipped: Record<string, TraceSkipSample>;
    byModel: Array<{ model: string; nodes: number; devices: number }>;
  };
}

/** Nearest-rank quantile of an ascending array. */
function quantile(sorted: readonly number[], q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

function tally<K extends string | number>(items: Iterable<K>): Map<K, number> {
  const m = new Map<K, number>();
  for (const k of items) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/** Most frequent first, then by name, so the text is stable. */
function byCountThenName(m: Map<string, number>): Array<{ name: string; jobs: number }> {
  return [...m].map(([name, jobs]) => ({ name, jobs })).sort((a, b) => b.jobs - a.jobs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function inspectTrace(trace: TraceImport): TraceSummary {
  const within = (j: TraceJob): boolean => j.submitS <= MAX_TIME_S && j.durationS <= MAX_TIME_S;
  const beyond = trace.jobs.filter((j) => !within(j));
  const jobs: readonly TraceJob[] = beyond.length === 0 ? trace.jobs : trace.jobs.filter(within);
  let first = Infinity;
  let last = -Infinity;
  let lastFinish = -Infinity;
  let deviceSeconds = 0;
  let unconstrained = 0;
  const modelCounts = new Map<string, number>();
  const durations = new Float64Array(jobs.length);
  for (let i = 0; i < jobs.length; i++) {
    const j = jobs[i]!;
    first = Math.min(first, j.submitS);
    last = Math.max(last, j.submitS);
    lastFinish = Math.max(lastFinish, j.submitS + j.durationS);
    deviceSeconds += j.devices * (j.gpuMilli / 1000) * j.durationS;
    durations[i] = j.durationS;
    if (j.allowedModels === null) unconstrained++;
    else for (const m of j.allowedModels) modelCounts.set(m, (modelCounts.get(m) ?? 0) + 1);
  }
  durations.sort();
  const sortedDurations = Array.from(durations);
  const fractionalJobs = jobs.filter((j) => j.gpuMilli < 1000 && j.devices > 0);
  const timed = jobs.length > 0 && trace.untimed !== true;

  const summary: TraceSummary = {
    source: trace.source,
    rows: trace.rows,
    jobs: trace.jobs.length,
    skipped: trace.skipped.length,
    skippedByReason: { ...trace.skippedByReason },
    firstSkipped: firstSkippedOf(trace.skipped),
    filteredByOption: { ...trace.filteredByOption },
    suspectByReason: { ...(trace.suspectByReason ?? {}) },
    firstSuspect: { ...(trace.firstSuspect ?? {}) },
    renamedByReason: { ...(trace.renamedByReason ?? {}) },
    firstRenamed: { ...(trace.firstRenamed ?? {}) },
    untimed: trace.untimed === true,
    beyondLimit: beyond.length === 0 ? null : { jobs: beyond.length, firstLine: beyond.reduce((m, j) => Math.min(m, j.line), Infinity) },
    firstSubmitS: timed ? first : null,
    lastSubmitS: timed ? last : null,
    lastFinishS: timed ? lastFinish : null,
    devicesPerJob: [...tally(jobs.map((j) => j.devices))].map(([devices, n]) => ({ devices, jobs: n })).sort((a, b) => a.devices - b.devices),
    durationS:
      timed
        ? {
            p50S: quantile(sortedDurations, 0.5),
            p90S: quantile(sortedDurations, 0.9),
            p99S: quantile(sortedDurations, 0.99),
            maxS: sortedDurations[sortedDurations.length - 1]!,
            meanS: sortedDurations.reduce((a, b) => a + b, 0) / sortedDurations.length,
          }
        : null,
    deviceHours: deviceSeconds / 3600,
    fractional: {
      jobs: fractionalJobs.length,
      byGpuMilli: [...tally(fractionalJobs.map((j) => j.gpuMilli))].map(([gpuMilli, n]) => ({ gpuMilli, jobs: n })).sort((a, b) => a.gpuMilli - b.gpuMilli),
    },
    models: {
      unconstrainedJobs: unconstrained,
      byModel: byCountThenName(modelCounts).map(({ name, jobs: n }) => ({ model: name, jobs: n })),
    },
    groups: byCountThenName(tally(jobs.flatMap((j) => (j.group === undefined ? [] : [j.group])))),
    qos: byCountThenName(tally(jobs.flatMap((j) => (j.qos === undefined ? [] : [j.qos])))),
  };
  if (trace.nodes !== undefined) {
    const byModel = new Map<string, { nodes: number; devices: number }>();
    let devices = 0;
    for (const n of trace.nodes) {
      const key = n.model ?? '(none)';
      const e = byModel.get(key) ?? { nodes: 0, devices: 0 };
      e.nodes++;
      e.devices += n.devices;
      byModel.set(key, e);
      devices += n.devices;
    }
    summary.nodes = {
      source: trace.nodeSource ?? '',
      rows: trace.nodeRows ?? trace.nodes.length,
      nodes: trace.nodes.length,
      devices,
      skippedByReason: { ...(trace.nodeSkippedByReason ?? {}) },
      firstSkipped: firstSkippedOf(trace.nodeSkipped ?? []),
      byModel: [...byModel]
        .map(([model, e]) => ({ model, ...e }))
        .sort((a, b) => b.devices - a.devices || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0)),
    };
  }
  return summary;
}

/** A share of the jobs; more decimals where one would round a few jobs to '0.0%' (7 of Philly's 82,247). */
function pct(n: number, total: number): string {
  return total > 0 ? formatPercent(n / total) : '-';
}

/** One line per reason, most frequent first; `note` (a word and the first row, in brackets) after each. */
function reasons(r: Record<string, number>, note: (reason: string) => string = () => ''): string[] {
  return Object.entries(r)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([reason, n]) => `    ${formatCount(n).padStart(8)}  ${reason}${note(reason)}`);
}

/** Readable multi-line text of a summary; stable for a given summary (no dates, no locale). */
export function formatInspection(s: TraceSummary): string {
  const out: string[] = [];
  const filtered = Object.values(s.filteredByOption).reduce((a, b) => a + b, 0);
  out.push(`trace      ${s.source}`);
  out.push(`rows       ${formatCount(s.rows)}: ${countOf(s.jobs, 'job', 'jobs', formatCount(s.jobs))}, ${formatCount(s.skipped)} skipped, ${formatCount(filtered)} filtered by options`);
  if (s.skipped > 0) out.push('skipped', ...reasons(s.skippedByReason, (reason) => describeFirstSkipped(s.firstSkipped[reason])));
  if (filtered > 0) out.push('filtered by option', ...reasons(s.filteredByOption));
  // A repeated id is a job kept under a new name, as a run keeps it: a file that lists a job twice
  // (two exports joined) replays it twice, so the first is shown to look at.
  if (Object.keys(s.renamedByReason).length > 0) out.push("kept, renamed ('<id>~2', ...)", ...reasons(s.renamedByReason, (reason) => describeFirstSkipped(s.firstRenamed[reason])));
  if (Object.keys(s.suspectByReason).length > 0) out.push('kept, suspect', ...reasons(s.suspectByReason, (reason) => describeFirstSkipped(s.firstSuspect[reason])));
  if (s.beyondLimit !== null) {
    const b = s.beyondLimit;
    out.push(`past 1e10s ${countOf(b.jobs, 'job')} with a submit time or duration past 1e10 s (first at line ${b.firstLine}): a run refuses the trace until they are corrected or left out; not in the figures below`);
  }
  if (s.firstSubmitS !== null && s.lastSubmitS !== null && s.lastFinishS !== null) {
    out.push(
      `submits    ${formatDuration(s.firstSubmitS)} .. ${formatDuration(s.lastSubmitS)} (span ${formatDuration(s.lastSubmitS - s.firstSubmitS)}); last finish ${formatDuration(s.lastFinishS)}`,
    );
  }
  if (s.untimed) out.push('times      none: the file lists pod sizes only (usable by `poolsim fill`, not by a run)');
  if (s.durationS !== null) {
    const d = s.durationS;
    out.push(
      `duration   p50 ${formatDuration(d.p50S)}  p90 ${formatDuration(d.p90S)}  p99 ${formatDuration(d.p99S)}  max ${formatDuration(d.maxS)}  mean ${formatDuration(d.meanS)}`,
    );
  }
  if (!s.untimed) out.push(`device-h   ${s.deviceHours.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} (fractional shares weighted)`);
  if (s.devicesPerJob.length > 0) {
    out.push('devices per job');
    for (const { devices, jobs } of s.devicesPerJob) out.push(`    ${String(devices).padStart(8)}  ${formatCount(jobs).padStart(8)} jobs  ${pct(jobs, s.jobs)}`);
  }
  if (s.fractional.jobs > 0) {
    out.push(`fractional ${countOf(s.fractional.jobs, 'job')} (${pct(s.fractional.jobs, s.jobs)}) by gpu_milli`);
    out.push('    ' + s.fractional.byGpuMilli.map(({ gpuMilli, jobs }) => `${gpuMilli}:${jobs}`).join(' '));
  }
  out.push(`models     ${countOf(s.models.unconstrainedJobs, 'job')} ${s.models.unconstrainedJobs === 1 ? 'accepts' : 'accept'} any model`);
  for (const { model, jobs } of s.models.byModel) out.push(`    ${formatCount(jobs).padStart(8)}  ${model}`);
  if (s.groups.length > 0) out.push('groups     ' + s.groups.map((g) => `${g.name}:${g.jobs}`).join(' '));
  if (s.qos.length > 0) out.push('qos        ' + s.qos.map((g) => `${g.name}:${g.jobs}`).join(' '));
  if (s.nodes !== undefined) {
    const n = s.nodes;
    out.push(`nodes      ${n.source}: ${countOf(n.rows, 'row')}, ${countOf(n.nodes, 'device node')}, ${countOf(n.devices, 'device')}`);
    const skippedNote = (reason: string): string => {
      const at = firstSkippedAt(n.firstSkipped[reason]);
      return at === '' ? ' (skipped)' : ` (skipped; ${at})`;
    };
    out.push(...reasons(n.skippedByReason, skippedNote));
    for (const m of n.byModel) out.push(`    ${m.model.padEnd(10)} ${String(m.nodes).padStart(6)} nodes ${String(m.devices).padStart(7)} devices`);
  }
  return out.join('\n') + '\n';
}
