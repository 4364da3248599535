// The waiting line compacts in place; iterators and since() in progress must still visit every
// entry pushed before they began that is live when reached, once, in line order: checked against a
// line that never compacts, over random pushes, starts and re-queues made during iteration.
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../src/engine/random.js';
import type { JobTemplate } from '../src/model/job.js';
import { SimJob } from '../src/sim/sim-job.js';
import { WaitingLine } from '../src/sim/waiting-line.js';

interface FakeJob {
  id: number;
  state: string;
  lineStamp: number;
}

const live = (e: { job: FakeJob; stamp: number }): boolean => e.job.state === 'waiting' && e.job.lineStamp === e.stamp;

describe('waiting line', () => {
  it('iterators and since() in progress survive in-place compaction (random pushes, starts, re-queues)', () => {
    const rnd = new RandomStreams(11).stream('line');
    let compactions = 0;
    for (let round = 0; round < 40; round++) {
      const line = new WaitingLine();
      const jobs: FakeJob[] = [];
      const stampOf = new Map<FakeJob, number>();
      const push = (job: FakeJob): void => {
        line.push(job as unknown as SimJob);
        stampOf.set(job, job.lineStamp);
      };
      const n = round % 4 < 2 ? 80 + Math.floor(rnd.next() * 400) : 2500 + Math.floor(rnd.next() * 1500);
      for (let i = 0; i < n; i++) {
        const j = { id: i, state: 'waiting', lineStamp: 0 };
        jobs.push(j);
        push(j);
      }
      // The reference: every entry ever pushed (job, stamp), in push order, never compacted.
      const history: { job: FakeJob; stamp: number }[] = jobs.map((job) => ({ job, stamp: stampOf.get(job)! }));
      const useSince = round % 2 === 1;
      const mark = useSince ? Math.floor(rnd.next() * n) : 0;
      const endStamp = line.pushes + 1;
      const seen: number[] = [];
      const expected: number[] = [];
      let stopped = false;
      let pos = history.findIndex((e) => e.stamp > mark);
      const iterable: Iterable<SimJob> = useSince ? line.since(mark) : line;
      for (const sj of iterable) {
        const job = sj as unknown as FakeJob;
        // The reference: the next entry with stamp < endStamp that is live now.
        while (pos < history.length && !(history[pos]!.stamp < endStamp && live(history[pos]!))) pos++;
        expected.push(history[pos]!.job.id);
        pos++;
        seen.push(job.id);
        // Start this job (and sometimes a few behind it): each start may compact the line.
        const starts = 1 + Math.floor(rnd.next() * 5);
        for (let k = 0; k < starts; k++) {
          const target = k === 0 ? job : jobs[Math.floor(rnd.next() * jobs.length)]!;
          if (target.state !== 'waiting') continue;
          target.state = 'running';
          line.left(target as unknown as SimJob);
        }
        // Sometimes a running job comes back: a new entry, not visited by this iteration.
        if (rnd.next() < 0.05) {
          const back = jobs[Math.floor(rnd.next() * jobs.length)]!;
          if (back.state === 'running') {
            back.state = 'waiting';
            push(back);
            history.push({ job: back, stamp: back.lineStamp });
          }
        }
        if (rnd.next() < 0.001) {
          stopped = true;
          break;
        }
      }
      expect(seen).toEqual(expected);
      // Run to its end, the iteration left no live entry it should have visited.
      if (!stopped) expect(history.slice(pos).filter((e) => e.stamp < endStamp && live(e)).map((e) => e.job.id)).toEqual([]);
      compactions += line.version;
      // Afterwards the line holds exactly the waiting jobs, in stamp order.
      const rest = [...line].map((j) => (j as unknown as FakeJob).id);
      const want = history.filter(live).map((e) => e.job.id);
      expect(rest).toEqual(want);
      expect(line.size).toBe(want.length);
    }
    expect(compactions).toBeGreaterThan(10); // the case under test happened
  });


  it('entries kept as fields (pushSubmitted) read back as the job pushed whole would be, one object per entry', () => {
    // Two lines driven alike: one given every job whole (push), the other given fresh jobs as
    // their fields (pushSubmitted) and re-queued ones whole. Each step reads both lines (whole or
    // since a mark, stopping early at random) and starts some of the jobs read, in both.
    const rnd = new RandomStreams(29).stream('deferred');
    const template = (i: number): JobTemplate => ({ name: `t${i}`, submitS: i, devices: 1 + (i % 8), usefulFlop: 1e15 * (1 + rnd.next()), efficiency: undefined, allowedKinds: undefined, priority: 0, params: 0, source: 'test' });
    type Snapshot = [number, string, JobTemplate, number, number, number, string];
    const snap = (j: SimJob): Snapshot => [j.id, j.name, j.template, j.predictedRuntimeS, j.contentionAtSubmitJobS, j.lineStamp, j.state];
    let made = 0;
    let compactions = 0;
    for (let round = 0; round < 30; round++) {
      const whole = new WaitingLine();
      const fields = new WaitingLine();
      // The job of each id in either line (fields': the object it gave, once it gave one).
      const inWhole = new Map<number, SimJob>();
      const inFields = new Map<number, SimJob>();
      const n = round % 3 === 0 ? 9000 : 50 + Math.floor(rnd.next() * 300);
      let nextId = 0;
      // Some entries keep a row of a table instead of the template (a trace's jobs): the template
      // is then made anew, equal field by field, when the line gives the job.
      const templates: JobTemplate[] = [];
      const rows = { template: (row: number): JobTemplate => ({ ...templates[row]! }) };
      const submit = (): void => {
        const id = nextId++;
        const t = template(id);
        templates.push(t);
        const predicted = rnd.next() < 0.1 ? Infinity : 100 * rnd.next();
        const contention = rnd.next() < 0.2 ? Number.NaN : 10 * rnd.next();
        const a = new SimJob(id, t, predicted);
        a.contentionAtSubmitJobS = contention;
        whole.push(a);
        inWhole.set(id, a);
        const b = new SimJob(id, t, predicted);
        b.contentionAtSubmitJobS = contention;
        if (rnd.next() < 0.5) fields.pushSubmitted(b, rows, id);
        else fields.pushSubmitted(b);
        made++;
      };
      for (let i = 0; i < n; i++) submit();
      for (let step = 0; step < 60; step++) {
        const useSince = rnd.next() < 0.3;
        const mark = useSince ? Math.floor(rnd.next() * whole.pushes) : 0;
        const a = [...(useSince ? whole.since(mark) : whole)];
        const stopAt = rnd.next() < 0.5 ? Math.floor(rnd.next() * (a.length + 1)) : a.length;
        const b: SimJob[] = [];
        for (const j of useSince ? fields.since(mark) : fields) {
          if (b.length === stopAt) break;
          b.push(j);
        }
        expect(b.map(snap)).toEqual(a.slice(0, stopAt).map(snap));
        for (const j of b) {
          // One object per job: the one given the first time, every time after.
          const known = inFields.get(j.id);
          if (known) expect(j).toBe(known);
          else inFields.set(j.id, j);
        }
        // Start some of the jobs read (the same ones in both lines); sometimes one comes back.
        for (const j of b) {
          if (rnd.next() < 0.6) continue;
          for (const [line, job] of [[whole, inWhole.get(j.id)!], [fields, j]] as const) {
            job.state = 'running';
            line.left(job);
          }
        }
        if (rnd.next() < 0.3) {
          const back = [...inFields.values()].find((j) => j.state === 'running');
          if (back) {
            for (const [line, job] of [[whole, inWhole.get(back.id)!], [fields, back]] as const) {
              job.state = 'waiting';
              line.push(job);
            }
          }
        }
        if (rnd.next() < 0.2) for (let i = Math.floor(rnd.next() * 20); i > 0; i--) submit();
        expect(fields.size).toBe(whole.size);
        expect(fields.pushes).toBe(whole.pushes);
      }
      expect([...fields].map(snap)).toEqual([...whole].map(snap));
      compactions += fields.version;
    }
    expect(made).toBeGreaterThan(5000);
    expect(compactions).toBeGreaterThan(10); // entries moved by compaction were read back too
  });

  it("first(end) is the first waiting job pushed before `end`, as a fresh iterator's walk gives it (random starts, re-queues, compactions)", () => {
    const rnd = new RandomStreams(12).stream('first');
    let checks = 0;
    let compactions = 0;
    for (let round = 0; round < 20; round++) {
      const line = new WaitingLine();
      const jobs: FakeJob[] = [];
      const n = 200 + Math.floor(rnd.next() * 1800);
      for (let i = 0; i < n; i++) {
        const j = { id: i, state: 'waiting', lineStamp: 0 };
        jobs.push(j);
        line.push(j as unknown as SimJob);
      }
      for (let step = 0; step < n; step++) {
        // The walk's bound: every entry so far, or only those pushed before a random earlier stamp.
        const end = rnd.next() < 0.5 ? line.pushes + 1 : 1 + Math.floor(rnd.next() * (line.pushes + 1));
        let expected: SimJob | undefined;
        for (const j of line) {
          if (j.lineStamp < end) expected = j;
          break;
        }
        expect(line.first(end)).toBe(expected);
        checks++;
        // Start the head (as a pass does) or a random waiting job, or re-queue a started one.
        const waiting = jobs.filter((j) => j.state === 'waiting');
        if (waiting.length === 0) break;
        const r = rnd.next();
        const job = r < 0.6 ? waiting[0]! : waiting[Math.floor(rnd.next() * waiting.length)]!;
        job.state = 'running';
        line.left(job as unknown as SimJob);
        if (r > 0.9) {
          const back = jobs.find((j) => j.state === 'running')!;
          back.state = 'waiting';
          line.push(back as unknown as SimJob);
        }
      }
      compactions += line.version;
    }
    expect(checks).toBeGreaterThan(2000);
    expect(compactions).toBeGreaterThan(10);
  });

  it('refuses to keep as fields a job that is not fresh from its submission', () => {
    const t: JobTemplate = { name: 'x', submitS: 0, devices: 1, usefulFlop: 1, efficiency: undefined, allowedKinds: undefined, priority: 0, params: 0, source: 'test' };
    const started = new SimJob(0, t, 1);
    started.runState();
    expect(() => new WaitingLine().pushSubmitted(started)).toThrow(/not fresh/);
    const asked = new SimJob(1, t, 1);
    SimJob.setPlaceRequestId(asked, 3);
    expect(() => new WaitingLine().pushSubmitted(asked)).toThrow(/not fresh/);
  });

  it('a long line that drains gives back most of its columns, its entries kept', () => {
    const line = new WaitingLine();
    const jobs: FakeJob[] = [];
    for (let i = 0; i < 20_000; i++) {
      const j = { id: i, state: 'waiting', lineStamp: 0 };
      jobs.push(j);
      line.push(j as unknown as SimJob);
    }
    const grown = line.stamps.length;
    expect(grown).toBeGreaterThanOrEqual(20_000);
    // Start all but every 2,000th job, in line order, then a few of those from the back.
    for (const j of jobs) {
      if (j.id % 2000 === 0) continue;
      j.state = 'running';
      line.left(j as unknown as SimJob);
    }
    expect(line.stamps.length).toBeLessThan(grown / 4);
    expect([...line].map((j) => (j as unknown as FakeJob).id)).toEqual(Array.from({ length: 10 }, (_, k) => k * 2000));
    const back = jobs[18_000]!;
    back.state = 'running';
    line.left(back as unknown as SimJob);
    expect([...line].map((j) => (j as unknown as FakeJob).id)).toEqual(Array.from({ length: 9 }, (_, k) => k * 2000));
  });
  it('a walk over reuses the iterator of the last finished one (done or left early), and nested walks each get their own', () => {
    const line = new WaitingLine();
    const jobs: FakeJob[] = [];
    for (let i = 0; i < 5; i++) {
      const j = { id: i, state: 'waiting', lineStamp: 0 };
      jobs.push(j);
      line.push(j as unknown as SimJob);
    }
    const ids = (): number[] => [...line].map((j) => (j as unknown as FakeJob).id);
    const first = line[Symbol.iterator]();
    const seen: number[] = [];
    for (let r = first.next(); !r.done; r = first.next()) seen.push((r.value as unknown as FakeJob).id);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    // Finished: the next walk gets the same object, from the head again (a fresh one per pass
    // was W1's largest allocation).
    const second = line[Symbol.iterator]();
    expect(second).toBe(first);
    expect((second.next().value as unknown as FakeJob).id).toBe(0);
    // A walk in progress is not handed out again: a nested walk gets one of its own.
    const nested = line[Symbol.iterator]();
    expect(nested).not.toBe(second);
    expect(ids()).toEqual([0, 1, 2, 3, 4]);
    // A for-of left early closes its iterator (return()), which serves the next walk.
    let broke: Iterator<SimJob> | undefined;
    const outer = { [Symbol.iterator]: () => (broke = line[Symbol.iterator]()) };
    for (const j of outer) if ((j as unknown as FakeJob).id === 1) break;
    expect(line[Symbol.iterator]()).toBe(broke);
    // Jobs started during a walk are skipped, and the reused iterator sees the line as it is now.
    jobs[0]!.state = 'running';
    line.left(jobs[0] as unknown as SimJob);
    expect(ids()).toEqual([1, 2, 3, 4]);
    expect(ids()).toEqual([1, 2, 3, 4]);
  });
});

describe('waiting line room', () => {
  const fake = (i: number): SimJob => ({ id: i, state: 'waiting', lineStamp: 0 }) as unknown as SimJob;

  it('takes room for the jobs expected at once when the line outgrows 4,096 entries: a burst that size grows no column after', () => {
    const line = new WaitingLine(20_000);
    for (let i = 0; i < 4097; i++) line.push(fake(i));
    const stamps = line.stamps;
    const ids = line.pendingIds;
    expect(stamps.length).toBe(20_000);
    for (let i = 4097; i < 20_000; i++) line.pushSubmitted(new SimJob(i, { name: `j${i}`, submitS: 0, devices: 1, usefulFlop: 1 } as JobTemplate, 1));
    expect(line.stamps).toBe(stamps);
    expect(line.pendingIds).toBe(ids);
    expect(line.size).toBe(20_000);
  });

  it('a line that stays short never takes the room expected for the run (W1: a million jobs, a few thousand entries at most)', () => {
    const line = new WaitingLine(1_000_000);
    // Before: five columns of a million entries at construction, 40 MB of array buffers.
    expect(line.stamps.length).toBeLessThanOrEqual(64);
    const waiting: FakeJob[] = [];
    let most = 0;
    for (let i = 0; i < 20_000; i++) {
      const j = { id: i, state: 'waiting', lineStamp: 0 };
      waiting.push(j);
      line.push(j as unknown as SimJob);
      // Served in order, at most 1,500 waiting at once.
      while (waiting.length > 1 + (i % 1500)) {
        const first = waiting.shift()!;
        first.state = 'running';
        line.left(first as unknown as SimJob);
      }
      most = Math.max(most, line.stamps.length);
    }
    expect(most).toBeLessThanOrEqual(4096);
    expect([...line].map((j) => (j as unknown as FakeJob).id)).toEqual(waiting.map((j) => j.id));
  });

  it('takes the room once: a line that drained and gave it back grows by doubling', () => {
    const line = new WaitingLine(100_000);
    const jobs: FakeJob[] = [];
    for (let i = 0; i < 10_000; i++) {
      const j = { id: i, state: 'waiting', lineStamp: 0 };
      jobs.push(j);
      line.push(j as unknown as SimJob);
    }
    expect(line.stamps.length).toBe(100_000);
    for (const j of jobs.slice(0, 9_990)) {
      j.state = 'running';
      line.left(j as unknown as SimJob);
    }
    expect(line.stamps.length).toBeLessThan(4096);
    for (let i = 10_000; i < 15_000; i++) line.push(fake(i));
    expect(line.stamps.length).toBeLessThan(16_384);
    expect(line.size).toBe(5_010);
  });
});
