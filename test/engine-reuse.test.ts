// Reusable events (Engine.post, Engine.schedule) fire in exactly the order at() gives the same
// program: the engine reuses their objects, never their place in the (time, sequence) order.
// Property: random programs of at / post / schedule / daemon events, with ties in time, events
// scheduled from actions, cancellations that follow schedule()'s handle contract, runs to a
// horizon and single steps, run once with the reusable calls and once with at() alone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine, type ScheduledEvent } from '../src/engine/engine.js';

type Kind = 'at' | 'post' | 'schedule' | 'daemon';

interface Command {
  kind: Kind;
  /** Delay in quarters of a second (0: the same instant, a tie broken by sequence). */
  quarters: number;
  /** Cancel the pending cancellable event at this index (modulo how many are pending), if any. */
  cancel: number | undefined;
  /** Events this one's action schedules when it fires. */
  children: number;
}

interface Program {
  roots: Command[];
  /** Consumed in order by firing actions for their children. */
  script: Command[];
  /** Stop the first run here (then step a few events, then run to the end). */
  horizon: number;
  steps: number;
}

const command = fc.record({
  kind: fc.constantFrom<Kind>('at', 'post', 'schedule', 'daemon', 'post', 'schedule'),
  quarters: fc.integer({ min: 0, max: 12 }),
  cancel: fc.option(fc.nat(40), { nil: undefined }),
  children: fc.integer({ min: 0, max: 3 }),
});

const program = fc.record({
  roots: fc.array(command, { minLength: 1, maxLength: 30 }),
  script: fc.array(command, { maxLength: 300 }),
  horizon: fc.integer({ min: 0, max: 40 }).map((q) => q / 4),
  steps: fc.integer({ min: 0, max: 5 }),
});

interface Trace {
  fired: string[];
  events: number;
  pending: number;
  now: number;
}

/** Run `p` on a fresh engine; with `reuse` false every post and schedule is an at(). */
function play(p: Program, reuse: boolean): Trace {
  const e = new Engine();
  const fired: string[] = [];
  let label = 0;
  let cursor = 0;
  // Pending cancellable events: the holder drops its handle when the event fires or is cancelled.
  const held: { label: number; handle: ScheduledEvent }[] = [];
  const add = (c: Command): void => {
    const me = label++;
    const action = (arg: number): void => {
      fired.push(`${me}@${e.now}:${arg}`);
      const i = held.findIndex((h) => h.label === me);
      if (i >= 0) held.splice(i, 1);
      for (let k = 0; k < c.children && cursor < p.script.length; k++) add(p.script[cursor++]!);
    };
    const t = e.now + c.quarters / 4;
    if (c.cancel !== undefined && held.length > 0) {
      const [victim] = held.splice(c.cancel % held.length, 1);
      e.cancel(victim!.handle);
    }
    if (c.kind === 'daemon') e.daemonAt(t, action, me);
    else if (c.kind === 'post' && reuse) e.post(t, action, me);
    else if (c.kind === 'schedule' && reuse) held.push({ label: me, handle: e.schedule(t, action, me) });
    else {
      const handle = e.at(t, action, me);
      if (c.kind !== 'post') held.push({ label: me, handle });
    }
  };
  for (const c of p.roots) add(c);
  e.run(p.horizon);
  for (let i = 0; i < p.steps; i++) e.fireNext();
  e.run();
  return { fired, events: e.eventsFired, pending: e.pending, now: e.now };
}

describe('engine: reusable events', () => {
  it('fire in the order at() gives the same program (property)', () => {
    fc.assert(
      fc.property(program, (p) => {
        const reused = play(p, true);
        const plain = play(p, false);
        expect(reused).toEqual(plain);
      }),
      { numRuns: 1500 },
    );
  });

  it('reuse the object of an event that has fired, with nothing of its last event kept', () => {
    const e = new Engine();
    const seen: number[] = [];
    const payload = { n: 1 };
    const first = e.schedule(1, (x: { n: number }) => seen.push(x.n), payload);
    e.run();
    expect(seen).toEqual([1]);
    expect(first.arg).toBeUndefined(); // the payload is not kept alive by the spare event
    const second = e.schedule(2, (x: number) => seen.push(x), 2);
    expect(second).toBe(first);
    expect(second.timeS).toBe(2);
    expect(second.cancelled).toBe(false);
    e.run();
    expect(seen).toEqual([1, 2]);
  });

  it('do not reuse an event while it is pending or running, even once cancelled', () => {
    const e = new Engine();
    const a = e.schedule(5, () => {});
    e.cancel(a);
    // Still in the queue (lazy deletion): a new event must be another object.
    const b = e.schedule(1, () => {
      // Running: its own object is not handed out to what its action schedules.
      const c = e.schedule(e.now, () => {});
      expect(c).not.toBe(b);
      expect(c).not.toBe(a);
    });
    expect(b).not.toBe(a);
    e.run();
    expect(e.eventsFired).toBe(2);
    expect(e.pending).toBe(0);
  });

  it('keep an arrival process from allocating an event per arrival', () => {
    const e = new Engine();
    const objects = new Set<ScheduledEvent>();
    let n = 0;
    const arrive = (): void => {
      if (++n < 1000) objects.add(e.schedule(e.now + 1, arrive));
    };
    e.post(0, arrive);
    e.run();
    expect(n).toBe(1000);
    expect(objects.size).toBeLessThanOrEqual(2);
  });

  it('refuse times in the past or NaN like at()', () => {
    const e = new Engine();
    e.at(3, () => {
      expect(() => e.post(2, () => {})).toThrow(/in the past/);
      expect(() => e.schedule(Number.NaN, () => {})).toThrow(/NaN/);
    });
    e.run();
  });
});
