// Whether a service's backlog kept growing while its requests arrived: the requests outstanding
// (admitted, not finished) at the middle and at the end of its arrival window. A stable service ends
// the window with about the backlog it had half-way; one loaded above what its replicas serve keeps
// (1 - served / arrived) of its arrivals, so its backlog and its requests' waits grow with the
// window's length and have no steady state: its delays are this run's, not a figure of the load.
import type { ResolvedService } from '../../model/inference/resolve-services.js';

/**
 * The service's arrival window: from its earliest stream's `start` to the horizon or the end of its
 * latest stream, whichever is sooner; a stream ends at its `until`, a trace's at its last row if
 * sooner. Infinite without a horizon when a stream ends on a `count` alone.
 */
export function arrivalWindow(svc: Pick<ResolvedService, 'streams'>, horizonS: number): { startS: number; endS: number } {
  let startS = Infinity;
  let end = 0;
  for (const st of svc.streams) {
    startS = Math.min(startS, st.spec.start);
    const times = st.trace?.timeS;
    const last = times !== undefined && times.length > 0 ? st.spec.start + times[times.length - 1]! : Infinity;
    end = Math.max(end, Math.min(st.spec.until ?? Infinity, last));
  }
  return { startS, endS: Math.min(horizonS, end) };
}

export class BacklogTrend {
  private readonly midS: number;
  private readonly endS: number;
  /** Outstanding at midS and at endS: the count before the first change at or after each (-1: not yet). */
  private atMid = -1;
  private atEnd = -1;
  /** Requests admitted in [midS, endS). */
  private admittedLate = 0;

  constructor(window: { startS: number; endS: number }) {
    this.endS = window.endS;
    this.midS = (window.startS + window.endS) / 2;
  }

  /** The outstanding count is about to change at `nowS` from `outstanding` (call before the change). */
  change(nowS: number, outstanding: number): void {
    if (nowS < this.midS) return;
    if (this.atMid < 0) this.atMid = outstanding;
    if (this.atEnd < 0 && nowS >= this.endS) this.atEnd = outstanding;
  }

  /** A request is admitted at `nowS` (outstanding, before it, `outstanding`). */
  admit(nowS: number, outstanding: number): void {
    this.change(nowS, outstanding);
    if (nowS >= this.midS && nowS < this.endS) this.admittedLate++;
  }

  /**
   * The run ended at `runEndS` with `outstanding` requests: the backlog's growth over the later half
   * of the arrival window, requests per second (NaN when the window is unbounded or empty), and
   * the counts it comes from.
   */
  result(runEndS: number, outstanding: number): { growthRps: number; atMid: number; atEnd: number; admittedLate: number } {
    const span = this.endS - this.midS;
    if (!Number.isFinite(this.endS) || !(span > 0) || !(runEndS >= this.midS)) return { growthRps: Number.NaN, atMid: 0, atEnd: 0, admittedLate: 0 };
    const atMid = this.atMid < 0 ? outstanding : this.atMid;
    const atEnd = this.atEnd < 0 ? outstanding : this.atEnd;
    return { growthRps: (atEnd - atMid) / span, atMid, atEnd, admittedLate: this.admittedLate };
  }
}

/**
 * Whether a backlog's growth is more than a stable service's could be by chance: over three standard
 * deviations of the Poisson count of the requests that came in meanwhile (a stable service's backlog
 * moves by far less over a window longer than its requests' time in the system).
 */
export function backlogGrew(atMid: number, atEnd: number, admittedLate: number): boolean {
  return atEnd - atMid > 3 * Math.sqrt(Math.max(1, admittedLate));
}
