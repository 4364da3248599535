// Progress of a long experiment: a bar with ETA redrawn in place on a terminal, plain lines every
// few seconds otherwise (CI logs, files), nothing with --quiet. Writes through the stream the caller
// passes (stderr in the CLI), so that stdout stays clean for tables and pipes.

export interface ProgressStream {
  write(text: string): unknown;
  /** A terminal: redraw in place. */
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Seconds between plain lines when not a terminal. */
  lineEveryS?: number;
  /** Milliseconds between redraws on a terminal. */
  redrawEveryMs?: number;
  /** Clock (tests). */
  nowMs?: () => number;
}

export class Progress {
  private done = 0;
  private readonly startMs: number;
  private lastDrawMs = -Infinity;
  private drawn = false;
  private readonly now: () => number;
  private readonly lineEveryMs: number;
  private readonly redrawEveryMs: number;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly out: ProgressStream | undefined,
    options: ProgressOptions = {},
  ) {
    this.now = options.nowMs ?? (() => performance.now());
    this.startMs = this.now();
    this.lineEveryMs = (options.lineEveryS ?? 5) * 1000;
    this.redrawEveryMs = options.redrawEveryMs ?? 100;
    if (this.out && !this.out.isTTY) this.lastDrawMs = this.startMs;
  }

  /** One more run done. */
  tick(): void {
    this.done++;
    if (!this.out) return;
    const t = this.now();
    if (this.out.isTTY) {
      if (t - this.lastDrawMs >= this.redrawEveryMs || this.done === this.total) this.drawBar(t);
    } else if (t - this.lastDrawMs >= this.lineEveryMs && this.done < this.total) {
      this.lastDrawMs = t;
      this.out.write(`${this.label}: ${this.status(t)}\n`);
    }
  }

  /** Clear the bar (terminal) or write the closing line. */
  finish(): void {
    if (!this.out) return;
    const t = this.now();
    if (this.out.isTTY) {
      if (this.drawn) this.out.write('\r\x1b[2K');
    } else this.out.write(`${this.label}: ${this.done}/${this.total} runs in ${formatClock((t - this.startMs) / 1000)}\n`);
  }

  private status(t: number): string {
    const elapsedS = (t - this.startMs) / 1000;
    const pct = this.total > 0 ? Math.floor((100 * this.done) / this.total) : 100;
    const eta = this.done > 0 ? formatClock((elapsedS / this.done) * (this.total - this.done)) : '?';
    return `${this.done}/${this.total} runs (${pct}%), ${formatClock(elapsedS)} elapsed, ETA ${eta}`;
  }

  private drawBar(t: number): void {
    this.lastDrawMs = t;
    this.drawn = true;
    const status = this.status(t);
    const width = Math.max(10, Math.min(40, (this.out!.columns ?? 80) - status.length - this.label.length - 6));
    const filled = this.total > 0 ? Math.round((width * this.done) / this.total) : width;
    this.out!.write(`\r\x1b[2K${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${status}`);
  }
}

/** 75 -> '1:15', 3725 -> '1:02:05'. */
export function formatClock(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}
