// A queue policy that preempts jobs before they make any progress (during the restore after their
// restart) keeps every job checkpointing and restoring: such a run went on to the century limit,
// hours of wall time with "0 of 2 jobs ended". It now stops after 1,000 such preemptions in a row,
// naming the policy; a policy that lets jobs run between preemptions is not stopped. And a policy
// that asks for a wake-up at every pass kept an idle run going after its last job to the century
// limit (572 s of wall time for this one); a pass with no job waiting or running is not run.
import { describe, expect, it } from 'vitest';
import { firstFit } from '../src/policy/first-fit.js';
import { PolicyError, type QueueDiscipline, type SchedulingContext } from '../src/policy/types.js';
import { simulate } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';

const text = `name: livelock
datacentres:
  - name: east
    node_groups:
      - { name: h, count: 1, device: H100 }
workloads:
  - jobs:
      - { name: a, devices: 8, duration: 1h, reference_device: H100 }
      - { name: b, devices: 8, duration: 1h, reference_device: H100 }
preemption: { checkpoint: 60s, restore: 60s }
`;

/** Each pass, preempts the running jobs that have run at least `ranS` since they started, then starts what fits. */
function swapper(ranS: number): QueueDiscipline {
  const startedAt = new Map<number, number>();
  return {
    schedule(ctx: SchedulingContext) {
      for (const j of ctx.running) if (j.state === 'running' && ctx.nowS - startedAt.get(j.id)! >= ranS) ctx.preempt(j);
      for (const j of ctx.waiting) {
        const p = ctx.place(j);
        if (p) {
          ctx.start(j, p);
          startedAt.set(j.id, ctx.nowS);
        }
      }
      ctx.wakeAt(ctx.nowS + 1);
    },
  };
}

const run = (ranS: number) => simulate(scenarioFromText(text), { policies: { queue: swapper(ranS), placer: firstFit.create({}), queueName: 'swapper', placementName: 'first-fit' } });

describe('a queue policy that preempts before any progress', () => {
  it('stops the run as a livelock, naming the policy', () => {
    let err: unknown;
    try {
      run(1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as Error).message).toMatch(/^policy 'swapper', job '[ab]', at t=\d+s: 1,000 preemptions in a row of jobs that had made no progress since they last started/);
  });

  it('lets a policy that preempts after progress run to the end', () => {
    // Each job runs 10 min (after its 60 s restore) between preemptions: both finish.
    const r = run(660);
    expect(r.summary.jobs_completed).toBe(2);
    // It ends with its last job, though the policy asked for a wake-up every second.
    expect(r.endS).toBeLessThan(3 * 3600);
  });
});

describe('a queue policy that starts nothing and keeps asking for wake-ups on an idle pool', () => {
  /** Starts nothing before `fromS`, then what fits; asks for a wake-up `everyS` later at every pass. */
  const waiter = (fromS: number, everyS: number): QueueDiscipline => ({
    schedule(ctx: SchedulingContext) {
      if (ctx.nowS >= fromS) {
        for (const j of [...ctx.waiting]) {
          const p = ctx.place(j);
          if (p) ctx.start(j, p);
        }
      }
      ctx.wakeAt(ctx.nowS + everyS);
    },
  });
  const runWaiter = (fromS: number, everyS: number) =>
    simulate(scenarioFromText(text), { policies: { queue: waiter(fromS, everyS), placer: firstFit.create({}), queueName: 'waiter', placementName: 'first-fit' } });

  it('stops the run after 100,000 such wake-ups, naming the policy (it ran to the century limit, then blamed the scenario)', () => {
    // One wake-up a minute: 52 million passes to the century limit, hours of wall time.
    let err: unknown;
    try {
      runWaiter(Infinity, 60);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as Error).message).toBe(
      "policy 'waiter', job 'a', at t=6000000s: 100,000 wake-ups in a row (ctx.wakeAt) found no job running and the same 2 jobs waiting, and started none; nothing else changed between them, so the run would never finish. Start a job when the pool is idle, or stop asking for wake-ups while it is",
    );
  });

  it('lets a policy that holds an idle pool for a while (two months of wake-ups a minute) and then starts run to the end', () => {
    const r = runWaiter(60 * 86400, 60);
    expect(r.summary.jobs_completed).toBe(2);
    expect(r.endS).toBeGreaterThan(60 * 86400);
  });
});
