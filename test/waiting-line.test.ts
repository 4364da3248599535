// The waiting line compacts in place; iterators and since() in progress must still visit every
// entry pushed before they began that is live when reached, once, in line order: checked against a
// line that never compacts, over random pushes, starts and re-queues made during iteration.
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../src/engine/random.js';
import type { SimJob } from '../src/sim/sim-job.js';
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
    expect(compactions).toBeGreaterThan(20); // the case under test happened
  });

});
