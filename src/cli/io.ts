// The CLI's contact with the outside: reading input files, printing, and exit codes.
// 0 success, 1 the run failed (a policy bug, an internal error), 2 invalid input.
import { InputError, formatIssue } from '../scenario/errors.js';
import { statSync } from 'node:fs';
import { MAX_SCENARIO_BYTES, scenarioTooLarge } from '../scenario/limits.js';
import { readInputFile } from '../scenario/read-input-file.js';
import { describeFirstSkipped } from '../scenario/traces/first-skipped.js';
import type { TraceReport } from '../model/load-scenario.js';
import { RunFailedError } from '../sim/run-error.js';
import { PolicyError } from '../policy/types.js';
import { countOf } from '../units/count-noun.js';

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** An input file's text (gzip decompressed); an InputError (exit 2) naming the file if it cannot be read. */
export function readInput(path: string): string {
  return readInputFile(path);
}

/**
 * A scenario file's text, as readInput; one larger on disk than a scenario may be is refused from
 * its size before it is read. A 194 MB scenario was read, handed to a worker and parsed for 22 s
 * and 890 MB before the parser refused it; one over 256 MiB got the trace reader's advice instead.
 */
export function readScenarioText(path: string): string {
  let size: number | undefined;
  try {
    const stats = statSync(path);
    if (stats.isFile()) size = stats.size;
  } catch {
    // Missing or unreadable: readInputFile says why.
  }
  if (size !== undefined && size > MAX_SCENARIO_BYTES) throw new InputError([{ file: path, line: 0, column: 0, path: '', message: scenarioTooLarge(size) }]);
  return readInputFile(path);
}

/**
 * What traces contributed and dropped: printed so that no row is dropped silently, and with the
 * first row of each reason (its line and value) so that a user can look at one.
 */
export function describeTraces(reports: readonly TraceReport[]): string {
  let out = '';
  for (const t of reports) {
    const skipped = Object.entries(t.skippedByReason).map(([why, n]) => {
      return `${countOf(n, 'row')}: ${why}${describeFirstSkipped(t.firstSkipped[why])}`;
    });
    const filtered = Object.entries(t.filteredByOption)
      .filter(([, n]) => n > 0)
      .map(([opt, n]) => `${countOf(n, 'row')} dropped by ${opt}`);
    const renamed = Object.entries(t.renamedByReason ?? {}).map(([why, k]) => `${k} renamed (${why}: '<id>~2', ...)${describeFirstSkipped(t.firstRenamed?.[why])}`);
    // Kept as read, but a reading the file leaves open: said with how it was read and where.
    const suspect = Object.entries(t.suspectByReason ?? {}).map(([why, n]) => `${countOf(n, 'row')}: ${why}${describeFirstSkipped(t.firstSuspect?.[why])}`);
    out += `  ${t.kind === 'nodes' ? 'node list' : 'trace'} ${t.source}: ${countOf(t.rows, 'row')}, ${countOf(t.jobs, t.kind === 'nodes' ? 'node' : 'job')} used${[...skipped, ...filtered, ...renamed, ...suspect].map((x) => `; ${x}`).join('')}\n`;
  }
  return out;
}

/**
 * describeTraces over an experiment's points (CheckedPlan.traceReports): a line every point has is
 * said once, as `run` says it; one some points have is said for each, naming the point (a swept
 * window or max_jobs keeps other rows at each).
 */
export function describeTracesOverPoints(points: readonly { where: string; reports: readonly TraceReport[] }[], seeds: readonly number[]): string {
  const at = new Map<string, string[]>();
  for (const p of points) {
    // Two workloads reading one trace alike give one line twice: each is kept, told apart by its count.
    const seen = new Map<string, number>();
    for (const report of p.reports) {
      let line = describeTraces([report]).slice(0, -1);
      // A sample drawn with the run's seed keeps other rows at each seed: the line is one seed's.
      const s = report.sampleSeed;
      if (s !== undefined && (report.filteredByOption.sample ?? 0) > 0 && !(seeds.length === 1 && seeds[0] === s)) line += ` (the sample of seed ${s}: each seed of the runs replays a sample of its own)`;
      const k = (seen.get(line) ?? 0) + 1;
      seen.set(line, k);
      const key = `${k}\u0000${line}`;
      const where = at.get(key);
      if (where) where.push(p.where);
      else at.set(key, [p.where]);
    }
  }
  let out = '';
  for (const [key, where] of at) {
    const line = key.slice(key.indexOf('\u0000') + 1);
    out += where.length === points.length ? `${line}\n` : where.map((w) => `${line} (sweep point ${w})\n`).join('');
  }
  return out;
}

/**
 * Run a command body, turning known failures into messages and exit codes (never a stack trace for
 * bad input). `command`: how a failure is introduced (`validate failed: ...`); a run by default.
 */
/** The scenario's warnings (legal, worth knowing), one per line. */
export function describeWarnings(warnings: readonly string[]): string {
  return warnings.map((w) => `warning: ${w}\n`).join('');
}

export async function guarded(body: () => Promise<void> | void, command = 'run'): Promise<void> {
  try {
    await body();
  } catch (e) {
    process.exitCode = reportError(e, command);
  }
}

export function reportError(e: unknown, command = 'run'): number {
  if (e instanceof InputError) {
    const n = e.issues.length;
    process.stderr.write(`${describeWarnings(e.warnings.map(formatIssue))}${e.issues.map(formatIssue).join('\n')}\n${n} problem${n === 1 ? '' : 's'} found; nothing was run or written.\n`);
    return EXIT_BAD_INPUT;
  }
  if (e instanceof PolicyError) {
    process.stderr.write(`${command} failed: ${e.message}\n${command === 'run' ? 'No result files were written.\n' : ''}`);
    return EXIT_RUN_FAILED;
  }
  if (e instanceof RunFailedError) {
    process.stderr.write(`run failed: ${e.message}\nNo result files were written.\n`);
    return EXIT_RUN_FAILED;
  }
  // A bug of poolsim's own: the message, and the stack only when asked for (POOLSIM_DEBUG=1).
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  const stack = process.env.POOLSIM_DEBUG && e instanceof Error && e.stack ? `\n${e.stack}` : '';
  process.stderr.write(`run failed (internal error, please report it with the scenario): ${message}${stack}\nNo result files were written.${stack ? '' : ' Set POOLSIM_DEBUG=1 for details.'}\n`);
  return EXIT_RUN_FAILED;
}
