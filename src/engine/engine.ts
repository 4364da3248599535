// The discrete-event kernel: a clock, an event queue ordered by (time, sequence), and run(until).
// It knows nothing of devices, jobs or links; everything above schedules callbacks on it.
import { EventHeap } from './event-heap.js';

/** A scheduled callback. `cancelled` is read when it is popped (lazy deletion). */
export interface ScheduledEvent {
  readonly timeS: number;
  readonly seq: number;
  /** Called with the event's argument when the clock reaches timeS, unless cancelled. */
  readonly action: (arg: unknown) => void;
  readonly arg: unknown;
  cancelled: boolean;
  /** Background events (failure clocks) do not keep a run to idle going on their own. */
  readonly daemon: boolean;
}

/**
 * The engine's events. One class (one V8 map) for every kind; `timeS` is first stored as NaN, so
 * the field holds doubles from the start (an event first scheduled at an integer time would give
 * it a small-integer representation, and the first fraction would deprecate the map of every event
 * made before). A reused event (post, schedule) has its boxed time written in place: no allocation.
 */
class EngineEvent implements ScheduledEvent {
  timeS = Number.NaN;
  seq: number;
  action: (arg: unknown) => void;
  arg: unknown;
  cancelled = false;
  daemon: boolean;
  /** Made by post() or schedule(): the engine takes it back once it has fired or been popped cancelled. */
  reusable: boolean;

  constructor(timeS: number, seq: number, action: (arg: unknown) => void, arg: unknown, daemon: boolean, reusable: boolean) {
    this.timeS = timeS;
    this.seq = seq;
    this.action = action;
    this.arg = arg;
    this.daemon = daemon;
    this.reusable = reusable;
  }
}

/** At most this many fired reusable events are kept for reuse (far more than any run has pending at once from post and schedule). */
const SPARE_EVENTS_MAX = 1 << 16;

export class EngineError extends Error {}

/** pulse() is called every 2^16 events: often enough for a progress line, too rarely to cost anything. */
const PULSE_EVERY_MASK = 0xffff;

export class Engine {
  private readonly queue = new EventHeap<EngineEvent>();
  /** Reusable events (post, schedule) that have fired or were popped cancelled: the next ones to schedule. */
  private readonly spare: EngineEvent[] = [];
  /** Per-instance: two engines in one process never share an ordering. */
  private seq = 0;
  private nowS = 0;
  private fired = 0;
  /**
   * Told the clock and the events fired so far, every 65,536 events (progress reporting). It must
   * only observe: it may not schedule or cancel events.
   */
  pulse: ((nowS: number, fired: number) => void) | undefined = undefined;
  private stopRequested = false;
  /** Queued events that are not daemons (cancelled ones included until popped). */
  private foreground = 0;
  /** Callbacks to run once the current instant's events are done (before the clock advances). */
  private endOfInstant: (() => void)[] = [];
  /** How many of endOfInstant's entries are due (the array keeps its capacity between instants). */
  private endOfInstantCount = 0;
  /** The other buffer of endOfInstant (swapped on each flush, so that an instant allocates nothing). */
  private endOfInstantSpare: (() => void)[] | undefined = [];

  get now(): number {
    return this.nowS;
  }

  /** Events fired so far (cancelled ones excluded). */
  get eventsFired(): number {
    return this.fired;
  }

  /** Live plus cancelled-but-not-yet-popped events. */
  get pending(): number {
    return this.queue.size();
  }

  /**
   * Schedule `action(arg)` at absolute time `timeS` (>= now). Events at equal times fire in the
   * order they were scheduled. Passing the argument separately lets hot paths reuse one closure.
   */
  at<T>(timeS: number, action: (arg: T) => void, arg?: T): ScheduledEvent {
    if (!(timeS >= this.nowS)) {
      throw new EngineError(`event scheduled in the past or at NaN: ${timeS} < now ${this.nowS}`);
    }
    const ev = new EngineEvent(timeS, this.seq++, action as (arg: unknown) => void, arg, false, false);
    this.queue.push(ev);
    this.foreground++;
    return ev;
  }

  /**
   * Fire-and-forget: `action(arg)` at `timeS` (>= now), in the same (time, sequence) order as at(),
   * but with no handle, so it cannot be cancelled, and the engine may reuse the event's object once
   * it has fired (an arrival process schedules its next arrival without allocating).
   */
  post<T>(timeS: number, action: (arg: T) => void, arg?: T): void {
    this.reusable(timeS, action as (arg: unknown) => void, arg);
  }

  /**
   * As at(), cancellable, but the engine may reuse the event's object for a later event once it has
   * fired or been cancelled. The handle is the caller's only while the event is pending: drop it
   * when its action runs (before the action returns) and when you cancel it, and never cancel or
   * read it after that, since by then it may be another event. For a holder that keeps exactly one
   * pending event (a job's completion: cleared as it fires, replaced as it is cancelled).
   */
  schedule<T>(timeS: number, action: (arg: T) => void, arg?: T): ScheduledEvent {
    return this.reusable(timeS, action as (arg: unknown) => void, arg);
  }

  private reusable(timeS: number, action: (arg: unknown) => void, arg: unknown): EngineEvent {
    if (!(timeS >= this.nowS)) {
      throw new EngineError(`event scheduled in the past or at NaN: ${timeS} < now ${this.nowS}`);
    }
    let ev = this.spare.pop();
    if (ev === undefined) ev = new EngineEvent(timeS, this.seq++, action, arg, false, true);
    else {
      ev.timeS = timeS;
      ev.seq = this.seq++;
      ev.action = action;
      ev.arg = arg;
      ev.cancelled = false;
    }
    this.queue.push(ev);
    this.foreground++;
    return ev;
  }

  /**
   * Schedule a background event: it fires like any other, but a run without a horizon ends once
   * only background events remain (a failure process must not keep an idle pool simulating forever).
   */
  daemonAt<T>(timeS: number, action: (arg: T) => void, arg?: T): ScheduledEvent {
    if (!(timeS >= this.nowS)) throw new EngineError(`event scheduled in the past or at NaN: ${timeS} < now ${this.nowS}`);
    const ev = new EngineEvent(timeS, this.seq++, action as (arg: unknown) => void, arg, true, false);
    this.queue.push(ev);
    return ev;
  }

  /** Take back a reusable event that has left the queue (fired, or popped cancelled). */
  private recycle(ev: EngineEvent): void {
    ev.arg = undefined; // holds nothing of its last event
    if (this.spare.length < SPARE_EVENTS_MAX) this.spare.push(ev);
  }

  private flushEndOfInstant(): void {
    const fns = this.endOfInstant;
    const n = this.endOfInstantCount;
    if (n === 1) {
      // One callback (as a rule: the instant's scheduling pass) runs from the buffer as it is;
      // callbacks it adds are written over it and run at the next flush, as from the other buffer.
      const fn = fns[0]!;
      this.endOfInstantCount = 0;
      fn();
      return;
    }
    // Callbacks added while these run go to the other buffer, for the next flush.
    // (A flush inside a callback finds no spare and takes a fresh buffer.)
    this.endOfInstant = this.endOfInstantSpare ?? [];
    this.endOfInstantCount = 0;
    this.endOfInstantSpare = undefined;
    try {
      for (let i = 0; i < n; i++) fns[i]!();
    } finally {
      this.endOfInstantSpare = fns;
    }
  }

  /** Schedule after a delay from now. */
  after<T>(delayS: number, action: (arg: T) => void, arg?: T): ScheduledEvent {
    return this.at(this.nowS + delayS, action, arg);
  }

  /** Cancel a scheduled event; it stays in the heap and is skipped when popped. */
  cancel(ev: ScheduledEvent | undefined): void {
    if (ev) ev.cancelled = true;
  }

  /**
   * Run `fn` once every event already due at the current time has fired, before the clock moves
   * on. Used to batch work triggered by many simultaneous events (a scheduling pass after arrivals
   * and completions) without an event of its own. Callbacks may schedule events at the current time.
   */
  atEndOfInstant(fn: () => void): void {
    this.endOfInstant[this.endOfInstantCount++] = fn;
  }

  /** Take the queue's top event off and fire it unless it was cancelled (then false). */
  private popAndFire(): boolean {
    const ev = this.queue.pop()!;
    if (!ev.daemon) this.foreground--;
    if (ev.cancelled) {
      if (ev.reusable) this.recycle(ev);
      return false;
    }
    this.nowS = ev.timeS;
    this.fired++;
    ev.action(ev.arg);
    if (ev.reusable) this.recycle(ev);
    return true;
  }

  /** Fire the next event, daemon or not, running the current instant's end-of-instant callbacks first. */
  fireNext(): boolean {
    for (;;) {
      if (this.endOfInstantCount > 0) this.flushEndOfInstant();
      if (this.queue.top() === undefined) return false;
      if (this.popAndFire()) return true;
    }
  }

  /**
   * Fire every event of the next instant, daemons included, as run() fires an instant: the
   * end-of-instant callbacks of the current instant run first only if the next event lies later
   * (a daemon due now fires before them, so a pass still runs once per instant). Used to go on past
   * the point where only daemons are left (a repair, a policy's wake-up) while work waits on them.
   */
  fireNextInstant(): boolean {
    const q = this.queue;
    let ev = q.top();
    if (this.endOfInstantCount > 0 && (ev === undefined || ev.timeS > this.nowS)) {
      this.flushEndOfInstant();
      ev = q.top();
    }
    if (ev === undefined) return false;
    const t = ev.timeS;
    while ((ev = q.top()) !== undefined && ev.timeS === t) this.popAndFire();
    return true;
  }

  /** Stop run() after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Whether events other than daemons are still queued (the run has work left). */
  get hasForeground(): boolean {
    return this.foreground > 0;
  }

  /**
   * Fire events in (time, sequence) order until the queue is empty, the next event lies beyond
   * `untilS`, or stop() is called. The clock ends at the last fired event's time, or at untilS
   * when the run stopped at the horizon with events still pending. Without a horizon, `limitS`
   * bounds how far the clock may go: run() returns, the clock unchanged, before an event beyond it.
   */
  run(untilS = Infinity, limitS = Infinity): void {
    this.stopRequested = false;
    const q = this.queue;
    while (!this.stopRequested) {
      let ev = q.top();
      if (this.endOfInstantCount > 0 && (ev === undefined || ev.timeS > this.nowS)) {
        this.flushEndOfInstant();
        ev = q.top();
      }
      if (ev === undefined) return;
      if (ev.timeS > untilS) {
        this.nowS = untilS;
        return;
      }
      if (this.foreground === 0 && untilS === Infinity) return; // only daemons left
      if (ev.timeS > limitS) return;
      q.pop();
      if (!ev.daemon) this.foreground--;
      if (ev.cancelled) {
        if (ev.reusable) this.recycle(ev);
        continue;
      }
      this.nowS = ev.timeS;
      this.fired++;
      ev.action(ev.arg);
      // Taken back once its action has returned: an action may still read its own event (its
      // holder clears the handle there), so the object is not handed out while it runs.
      if (ev.reusable) this.recycle(ev);
      if ((this.fired & PULSE_EVERY_MASK) === 0 && this.pulse !== undefined) this.pulse(this.nowS, this.fired);
    }
  }
}
