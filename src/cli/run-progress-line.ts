// The progress line of a long `poolsim run`, on stderr: redrawn in place on a terminal, a plain line
// every 10 s otherwise (CI logs), nothing for runs shorter than that, nothing with --quiet. It shows
// simulated time, events and their rate, jobs ended of those expected, and an ETA from that share.
import { formatClock, type ProgressStream } from '../experiment/progress.js';
import type { ProgressSnapshot } from '../experiment/run-progress.js';
import { formatCount, formatDuration, formatSI } from '../units/units.js';

export interface RunProgressOptions {
  /** Nothing is shown before this many seconds (short runs stay quiet). */
  quietForS?: number;
  /** Seconds between plain lines when not a terminal. */
  lineEveryS?: number;
  nowMs?: () => number;
}

export class RunProgressLine {
  private readonly startMs: number;
  private lastLineMs: number;
  private drawn = false;
  private readonly now: () => number;
  private readonly quietForMs: number;
  private readonly lineEveryMs: number;

  constructor(
    private readonly out: ProgressStream,
    private readonly expectedJobs: number,
    options: RunProgressOptions = {},
  ) {
    this.now = options.nowMs ?? (() => performance.now());
    this.startMs = this.now();
    this.quietForMs = (options.quietForS ?? 2) * 1000;
    this.lineEveryMs = (options.lineEveryS ?? 10) * 1000;
    this.lastLineMs = this.startMs;
  }

  update(p: ProgressSnapshot): void {
    const t = this.now();
    if (t - this.startMs < this.quietForMs || p.events === 0) return;
    if (this.out.isTTY) {
      this.drawn = true;
      this.out.write(`\r\x1b[2K${this.status(p, t).slice(0, Math.max(20, (this.out.columns ?? 100) - 1))}`);
    } else if (t - this.lastLineMs >= this.lineEveryMs) {
      this.lastLineMs = t;
      this.out.write(`${this.status(p, t)}\n`);
    }
  }

  /** Clear the line (terminal); plain lines stay. */
  finish(): void {
    if (this.drawn && this.out.isTTY) this.out.write('\r\x1b[2K');
  }

  status(p: ProgressSnapshot, t: number): string {
    const elapsedS = (t - this.startMs) / 1000;
    const parts = [`  simulated ${formatDuration(p.simS)}`, `${formatCount(p.events)} events (${formatSI(p.events / Math.max(elapsedS, 1e-3), '').replace(' ', '')} events/s)`];
    if (this.expectedJobs > 0) {
      const share = Math.min(1, p.jobsEnded / this.expectedJobs);
      parts.push(`${formatCount(p.jobsEnded)} of ~${formatCount(this.expectedJobs)} jobs ended (${Math.floor(share * 100)}%)`);
      if (share > 0 && share < 1) parts.push(`ETA ${formatClock((elapsedS * (1 - share)) / share)}`);
    }
    parts.push(`${formatClock(elapsedS)} elapsed`);
    return parts.join(' · ');
  }
}
