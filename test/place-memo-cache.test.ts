// The place memo's own cache (src/sim/place-memo.ts): request ids given once per job object, answers
// stamped with the cluster version they hold for. Over random questions (equal requests on distinct
// objects, views that allow other kinds than their job, the cluster changing at random), every
// answer must be the one a placer asked afresh would give, and an equal request must not be
// searched twice at one state.
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../src/engine/random.js';
import { PlaceMemo } from '../src/sim/place-memo.js';
import type { JobView, Placement } from '../src/policy/types.js';
import type { JobTemplate } from '../src/model/job.js';
import { SimJob } from '../src/sim/sim-job.js';

type Request = Pick<JobView, 'devices' | 'milli' | 'cpuMilli' | 'memoryMiB' | 'allowedKinds'>;

const keyOf = (r: Request): string => `${r.devices}/${r.milli}/${r.cpuMilli}/${r.memoryMiB}/${r.allowedKinds?.join('+') ?? 'any'}`;

describe('PlaceMemo', () => {
  // Plain job views, and the simulator's own jobs (which keep their request id in a private field,
  // where a proxy view of one must not find it).
  for (const [seed, simJobs] of [[1, false], [2, false], [3, false], [4, true], [5, true]] as const) {
    it(`answers as the placer would, one search per request and state (seed ${seed}${simJobs ? ', simulator jobs' : ''})`, () => {
      const stream = new RandomStream(seed, 'place-memo test');
      const rand = (): number => stream.next();
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
      const jobs: JobView[] = [];
      for (let i = 0; i < 150; i++) {
        const kinds = pick([undefined, [0], [1], [0, 1], [1, 0]]);
        const request = {
          devices: pick([1, 2, 8]),
          milli: pick([250, 500, 1000]),
          cpuMilli: pick([0, 4000]),
          memoryMiB: pick([0, 1024]),
          // A fresh array per job: equal requests are equal by content, not by identity.
          allowedKinds: kinds && [...kinds],
        };
        jobs.push(simJobs ? new SimJob(i, { name: `j${i}`, submitS: 0, usefulFlop: 1, efficiency: undefined, priority: 0, params: 0, source: 't', ...request } as JobTemplate, 1) : ({ id: i, ...request } as unknown as JobView));
      }
      // Views of some jobs that allow one kind only (as a tenant admission shows an admitted job):
      // another object with the job's id and other fields, and another request.
      for (let i = 0; i < 40; i++) {
        const job = jobs[i]!;
        const only = Object.freeze([pick([0, 1])]);
        jobs.push(new Proxy(job, { get: (t, p) => (p === 'allowedKinds' ? only : Reflect.get(t, p)) }));
      }
      // A pure placer: the answer depends on the request and the version only (the same object
      // for the same request and version, none for about a third of them).
      const answers = new Map<string, Placement | null>();
      const placer = (job: JobView, version: number): Placement | null => {
        const key = `${keyOf(job)}@${version}`;
        let p = answers.get(key);
        if (p === undefined) {
          p = rand() < 0.35 ? null : { kind: job.allowedKinds?.[0] ?? 0, nodes: [Math.floor(rand() * 100)], counts: [job.devices] };
          answers.set(key, p);
        }
        return p;
      };
      const memo = new PlaceMemo();
      const searches = new Map<string, number>();
      let version = 0;
      let hits = 0;
      for (let step = 0; step < 20_000; step++) {
        const r = rand();
        if (r < 0.01) version++;
        else if (r < 0.012) version += 1 + Math.floor(rand() * 5);
        const job = pick(jobs);
        let answer = memo.lookup(job, version);
        if (answer === undefined) {
          const key = `${keyOf(job)}@${version}`;
          searches.set(key, (searches.get(key) ?? 0) + 1);
          answer = placer(job, version);
          memo.remember(answer);
        } else hits++;
        expect(answer).toBe(placer(job, version));
      }
      expect(Math.max(...searches.values())).toBe(1);
      expect(hits).toBeGreaterThan(5_000);
    });
  }

  it('gives equal requests one id and other requests other ids', () => {
    const memo = new PlaceMemo();
    const job = (devices: number, kinds?: number[]): JobView => ({ devices, milli: 1000, cpuMilli: 0, memoryMiB: 0, allowedKinds: kinds }) as unknown as JobView;
    const a = memo.requestId(job(2, [0, 1]));
    expect(memo.requestId(job(2, [0, 1]))).toBe(a);
    expect(memo.requestId(job(2, [1, 0]))).not.toBe(a);
    expect(memo.requestId(job(2))).not.toBe(a);
    expect(memo.requestId(job(4, [0, 1]))).not.toBe(a);
  });
});
