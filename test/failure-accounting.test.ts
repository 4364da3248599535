// What a failure costs a job, worked by hand on one 8-GPU node: the work since the last restore
// point or checkpoint is lost (once), and its effective training fraction is useful compute time
// over the time since its first start.
import { describe, expect, it } from 'vitest';
import { computeShare } from '../src/model/checkpoint-interval.js';
import { resolvePolicies } from '../src/policy/registry.js';
import type { Simulation } from '../src/sim/simulation.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const pool = (extra: string, jobs: string): string => `
name: accounting
network: ideal
preemption: { checkpoint: 60s, restore: 60s }
datacentres:
  - { name: dc, node_groups: [{ count: 1, device: H100 }] }
workloads:
  - jobs:
${jobs}${extra}`;

/** Fail the named job at each of `atS` (the devices stay up: it restarts at once). */
const failAt = (name: string, ...atS: number[]) => (sim: Simulation) => {
  for (const t of atS) sim.engine.daemonAt(t, () => sim.failJob(sim.running.find((j) => j.name === name)!, 'failure'));
};

describe('one failure, checkpoints every hour', () => {
  // 10 h of compute; a checkpoint of 300 s after each hour of compute (cycle 3,900 s), restart 600 s.
  const text = pool('checkpointing: { interval: 1h, cost: 300s, restart: 600s }\n', '      - { name: a, devices: 8, duration: 10h, reference_device: H100 }\n');

  it('loses the partial cycle once: effective fraction = 36,000 s of compute / 40,700 s', () => {
    const a = runToCsv(scenarioFromText(text), { observe: failAt('a', 5000) }).jobs[0]!;
    // Failure at 5,000 s: one cycle kept (3,900 s), 1,100 s lost (compute and checkpoint writing
    // alike). Then 36,000 x 3,900 / 3,600 = 39,000 s of progress to redo the rest, after 600 s of restart.
    expect(a.failures).toBe(1);
    expect(a.finish_s).toBeCloseTo(5000 + 600 + 39000 - 3900, 6);
    // Useful: the 36,000 s of compute the job needs; everything else is checkpoints, loss or restart.
    expect(a.effective_training_fraction).toBeCloseTo(36000 / 40700, 9);
  });

  it('splits the failed cycle exactly: checkpoints written are overhead, the compute since the last one is lost', () => {
    // A cycle computes 3,600 s, then writes its checkpoint 300 s. Failure at 5,000 s: phase 1,100 s,
    // all compute, none of it written: 1,100 s of compute at the full rate lost (1,100 / 36,000 of
    // the job's work), and the checkpoints written are the first cycle's and the 9 cycles after the
    // restart (35,100 s = 9 x 3,900): 10 x 300 s. Spreading the writing evenly over progress made
    // the overhead 3,000 + 1,100 x 300 / 3,900 = 3,084.6 s and the loss 1,100 x 3,600 / 3,900 s of compute.
    const r = runToCsv(scenarioFromText(text), { observe: failAt('a', 5000) });
    const a = r.jobs[0]!;
    expect(a.checkpoint_overhead_s).toBeCloseTo(3000, 6);
    expect(a.lost_pflop / a.useful_pflop).toBeCloseTo(1100 / 36000, 12);
    expect(r.summary.checkpoint_overhead_s).toBeCloseTo(3000, 6);
    expect(r.summary.lost_pflop).toBeCloseTo(a.lost_pflop, 9);
    // The completion time and the useful time are those of before: only the split moved.
    expect(a.finish_s).toBeCloseTo(5000 + 600 + 39000 - 3900, 6);
    expect(a.effective_training_fraction).toBeCloseTo(36000 / 40700, 9);
  });

  it('a failure while a checkpoint is written loses the whole cycle: its compute, and the writing as lost time', () => {
    // Failure at 3,800 s: the first cycle's 3,600 s of compute done, its checkpoint 200 s into 300 s.
    // Lost: 3,600 s of compute (a tenth of the job); overhead: the 10 cycles of the rerun, 3,000 s
    // (spread, it was 3,000 + 3,800 x 300 / 3,900 = 3,292.3 s, and the loss 3,507.7 s of compute).
    const a = runToCsv(scenarioFromText(text), { observe: failAt('a', 3800) }).jobs[0]!;
    expect(a.checkpoint_overhead_s).toBeCloseTo(3000, 6);
    expect(a.lost_pflop / a.useful_pflop).toBeCloseTo(3600 / 36000, 12);
    expect(a.finish_s).toBeCloseTo(3800 + 600 + 39000, 6);
    // Useful 36,000 s over 43,400 s: progress 42,800 less 3,000 of checkpoints and 3,800 lost.
    expect(a.effective_training_fraction).toBeCloseTo(36000 / 43400, 9);
  });

  it('without a failure: compute over compute plus checkpoint writing', () => {
    const a = runToCsv(scenarioFromText(text)).jobs[0]!;
    expect(a.finish_s).toBeCloseTo(39000, 6);
    expect(a.effective_training_fraction).toBeCloseTo(36000 / 39000, 9);
  });
});

describe('a failure after a preemption', () => {
  // low (10 h) runs from 0; high (1 h, priority 5) arrives at 5 h and preempts it: low checkpoints
  // 60 s (re-queued at 18,060 s), high runs to 21,660 s, low restarts and restores 60 s (progress
  // from 21,720 s). A failure at 26,220 s loses the 4,500 s since the restore, not all 22,500 s.
  const text = pool(
    '',
    '      - { name: low, devices: 8, duration: 10h, reference_device: H100, priority: 0 }\n      - { name: high, devices: 8, duration: 1h, reference_device: H100, priority: 5, submit: 5h }\n',
  );
  const policies = resolvePolicies({ name: 'priority', params: { preemptive: true } }, { name: 'first-fit', params: {} });

  it('loses only the work since the preemption checkpoint was restored', () => {
    const low = runToCsv(scenarioFromText(text), { policies, observe: failAt('low', 26220) }).jobs.find((j) => j.job_id === 'low')!;
    expect(low.preemptions).toBe(1);
    expect(low.failures).toBe(1);
    // 1 H100 x 8 at the job's rate: 10 h of compute is the whole job, so 4,500 s is 1/8 of it.
    const totalPflop = low.useful_pflop;
    expect(low.lost_pflop).toBeCloseTo((totalPflop * 4500) / 36000, 6);
    // Restart: the scenario's preemption.restore (60 s) without checkpointing; then 36,000 - 18,000
    // - 4,500 + 4,500 s of work left.
    expect(low.finish_s).toBeCloseTo(26220 + 60 + 18000, 6);
  });

  it('a second failure loses only the work since the restart after the first', () => {
    const low = runToCsv(scenarioFromText(text), { policies, observe: failAt('low', 26220, 30000) }).jobs.find((j) => j.job_id === 'low')!;
    expect(low.failures).toBe(2);
    // Second failure: progress from 26,280 s, so 3,720 s lost.
    expect(low.lost_pflop).toBeCloseTo((low.useful_pflop * (4500 + 3720)) / 36000, 6);
    expect(low.finish_s).toBeCloseTo(30000 + 60 + 18000, 6);
  });
});

describe('a failure while a preempted job writes its checkpoint', () => {
  // low is preempted at 5 h (checkpoint 60 s, to 18,060 s) and fails at 18,030 s: it lets go of its
  // devices then, and the re-queue its checkpoint would have ended in must not happen as well.
  const text = pool(
    '',
    '      - { name: low, devices: 8, duration: 10h, reference_device: H100, priority: 0 }\n      - { name: high, devices: 8, duration: 1h, reference_device: H100, priority: 5, submit: 5h }\n',
  );
  const policies = resolvePolicies({ name: 'priority', params: { preemptive: true } }, { name: 'first-fit', params: {} });

  it('stops the job once: high runs from 18,030 s alone, low restarts after it', () => {
    const r = runToCsv(scenarioFromText(text), { policies, observe: failAt('low', 18030) });
    const row = (name: string) => r.jobs.find((j) => j.job_id === name)!;
    expect(row('high').start_s).toBeCloseTo(18030, 6);
    expect(row('high').finish_s).toBeCloseTo(18030 + 3600, 6);
    // The failure lost the 18,000 s since low's start (its checkpoint was not written): it restarts
    // at 21,630 s, restores 60 s and does all 36,000 s again.
    expect(row('low').failures).toBe(1);
    expect(row('low').finish_s).toBeCloseTo(21630 + 60 + 36000, 6);
    expect(r.summary.jobs_completed).toBe(2);
  });
});

describe('a job that lost everything it did', () => {
  it('has an effective training fraction of exactly 0, not a rounding residue below it', () => {
    // Its devices fail every 2 h each (every 15 min for the job) and take 30 days to repair: it
    // fails while it writes its first checkpoint and waits for the repair past the horizon, all its
    // progress time lost. The difference of sums gave a residue below 0 in jobs.csv (-5e-23 in one case).
    const text = pool('checkpointing: { interval: 1h, cost: 300s, restart: 600s }\nhorizon: 3d\nfailures: { devices: { H100: { mtbf: 2h, repair: 30d } } }\n', '      - { name: a, devices: 8, duration: 10h, reference_device: H100 }\n');
    const a = runToCsv(scenarioFromText(text)).jobs[0]!;
    expect(a.failures).toBe(1);
    expect(a.status).toBe('waiting');
    expect(Object.is(a.effective_training_fraction, 0)).toBe(true);
  });
});

describe('a preemption part-way through a checkpoint cycle', () => {
  // low (10 h of compute) checkpoints every hour of compute (3,600 s, then a 300 s write: cycle
  // 3,900 s); high (1 h, priority 5) preempts it. The preemption checkpoint (60 s) keeps all the
  // work low did (as a trainer does on Slurm's or Kubernetes' SIGTERM); it restores 60 s on restart.
  const text = (submitS: number) =>
    pool(
      'checkpointing: { interval: 1h, cost: 300s, restart: 600s }\n',
      `      - { name: low, devices: 8, duration: 10h, reference_device: H100, priority: 0 }\n      - { name: high, devices: 8, duration: 1h, reference_device: H100, priority: 5, submit: ${submitS} }\n`,
    );
  const policies = resolvePolicies({ name: 'priority', params: { preemptive: true } }, { name: 'first-fit', params: {} });
  /** low's work done and checkpoint overhead while high runs (after low's preemption checkpoint). */
  const whileHighRuns = (submitS: number) => {
    const seen: { done: number; overheadS: number }[] = [];
    const r = runToCsv(scenarioFromText(text(submitS)), {
      policies,
      observe: (sim: Simulation) => {
        // low is waiting (not in sim.running) at the instant read: keep it from its start.
        let low: (typeof sim.running)[number] | undefined;
        sim.signals.on('started', (j) => void (j.name === 'low' && (low ??= j as (typeof sim.running)[number])));
        sim.engine.daemonAt(submitS + 1800, () => seen.push({ done: low!.doneFlop / low!.usefulFlop, overheadS: low!.checkpointOverheadS }));
      },
    });
    return { seen: seen[0]!, r };
  };

  it('mid-compute: keeps every second computed at the full rate, and counts no periodic checkpoint not written', () => {
    // Preempted at 5,000 s: the first cycle (3,600 s of compute, its checkpoint written), then
    // 1,100 s of compute: 4,700 s of the 36,000 s done. Overhead: one checkpoint (300 s) and the
    // preemption's (60 s). Spreading the cycle evenly made it 5,000 x 3,600 / 3,900 = 4,615.4 s
    // done and 5,000 x 300 / 3,900 + 60 = 444.6 s of overhead.
    const { seen, r } = whileHighRuns(5000);
    expect(seen.done).toBeCloseTo(4700 / 36000, 12);
    expect(seen.overheadS).toBeCloseTo(360, 6);
    expect(r.jobs.find((j) => j.job_id === 'low')!.preemptions).toBe(1);
  });

  it('while a periodic checkpoint is written: its compute kept, the writing so far overhead, and the rest of the run exact', () => {
    // Preempted at 3,800 s: 3,600 s of compute done, its checkpoint 200 s into 300 s (overhead, cut
    // short by the preemption's own, 60 s). high runs 3,860-7,760 s (its hour and its checkpoint);
    // low restores to 7,820 s and has 32,400 s = 9 whole cycles left: it finishes at 7,820 + 9 x 3,900
    // = 42,920 s with 200 + 60 + 9 x 300 = 2,960 s of overhead, useful 36,000 s over 42,920 s.
    // Spread evenly: 3,507.7 s done, finish 43,020 s, overhead 3,060 s.
    const { seen, r } = whileHighRuns(3800);
    expect(seen.done).toBeCloseTo(3600 / 36000, 12);
    expect(seen.overheadS).toBeCloseTo(260, 6);
    const low = r.jobs.find((j) => j.job_id === 'low')!;
    expect(low.finish_s).toBeCloseTo(42920, 6);
    expect(low.checkpoint_overhead_s).toBeCloseTo(2960, 6);
    expect(low.effective_training_fraction).toBeCloseTo(36000 / 42920, 9);
  });

  it('a failure while the preemption checkpoint is written loses the partial cycle: none of it overhead', () => {
    // Preempted at 5,000 s (phase 1,100 s, all compute), fails at 5,030 s, 30 s into its 60 s
    // preemption checkpoint: the 1,100 s of compute since the first cycle's checkpoint are lost (the
    // preemption's was not written). high runs 5,030-8,930 s; low restarts (600 s) and does the 9
    // whole cycles left from 9,530 s: finish 44,630 s; overhead 300 + 30 + 9 x 300 = 3,030 s.
    const r = runToCsv(scenarioFromText(text(5000)), { policies, observe: failAt('low', 5030) });
    const low = r.jobs.find((j) => j.job_id === 'low')!;
    expect(low.preemptions).toBe(1);
    expect(low.failures).toBe(1);
    expect(low.lost_pflop / low.useful_pflop).toBeCloseTo(1100 / 36000, 12);
    expect(low.finish_s).toBeCloseTo(44630, 6);
    expect(low.checkpoint_overhead_s).toBeCloseTo(3030, 6);
    expect(low.effective_training_fraction).toBeCloseTo(36000 / 44630, 9);
  });
});

describe("a job's last checkpoint cycle: its compute at the full rate, then the checkpoint saved after the last step", () => {
  // One cycle computes 3,600 s, then writes its checkpoint 300 s. Megatron-LM's pretrain() saves
  // after training unless the last iteration was a save iteration, TorchTitan's save(last_step=True)
  // at the last step: the job ends with a final checkpoint (checkpointing.final_cost, default cost),
  // in place of the periodic one when the work ends on a cycle's compute. Spread evenly over
  // progress, a job of W s of compute finished at W x 3,900 / 3,600 with W x 300 / 3,900 of overhead.
  const text = (duration: string, extra = '') => pool(`checkpointing: { interval: 1h, cost: 300s, restart: 600s${extra} }\n`, `      - { name: a, devices: 8, duration: ${duration}, reference_device: H100 }\n`);

  it('completing mid-cycle: two whole cycles, 1,800 s of compute and the final checkpoint', () => {
    // 9,000 s of compute: 2 x 3,900 + 1,800 + 300 = 9,900 s, three checkpoints (900 s). Spread:
    // 9,750 s and 692.3 s.
    const r = runToCsv(scenarioFromText(text('9000s')));
    const a = r.jobs[0]!;
    expect(a.finish_s).toBeCloseTo(9900, 6);
    expect(a.checkpoint_overhead_s).toBeCloseTo(900, 6);
    expect(r.summary.checkpoint_overhead_s).toBeCloseTo(900, 6);
    expect(a.effective_training_fraction).toBeCloseTo(9000 / 9900, 9);
  });

  it('final_cost sets the final checkpoint (TorchTitan saves only the model at the last step by default), 0s none', () => {
    const at = (extra: string) => runToCsv(scenarioFromText(text('9000s', extra))).jobs[0]!;
    const small = at(', final_cost: 100s');
    expect(small.finish_s).toBeCloseTo(9700, 6);
    expect(small.checkpoint_overhead_s).toBeCloseTo(700, 6);
    const none = at(', final_cost: 0s');
    expect(none.finish_s).toBeCloseTo(9600, 6);
    expect(none.checkpoint_overhead_s).toBeCloseTo(600, 6);
    expect(none.effective_training_fraction).toBeCloseTo(9000 / 9600, 9);
  });

  it('exactly at a cycle end: the final checkpoint is the last periodic one, written once', () => {
    // 10 h = 10 whole cycles: 9 periodic checkpoints and the final one, 39,000 s and 3,000 s.
    const a = runToCsv(scenarioFromText(text('10h'))).jobs[0]!;
    expect(a.finish_s).toBeCloseTo(39000, 6);
    expect(a.checkpoint_overhead_s).toBeCloseTo(3000, 6);
    // A final checkpoint of 100 s in place of the tenth periodic one: 38,800 s, 2,800 s.
    const b = runToCsv(scenarioFromText(text('10h', ', final_cost: 100s'))).jobs[0]!;
    expect(b.finish_s).toBeCloseTo(38800, 6);
    expect(b.checkpoint_overhead_s).toBeCloseTo(2800, 6);
  });

  it('during its first cycle: its compute, then the final checkpoint', () => {
    // 1,800 s of compute, then 300 s: 2,100 s (spread: 1,950 s, 150 s of overhead).
    const a = runToCsv(scenarioFromText(text('1800s'))).jobs[0]!;
    expect(a.finish_s).toBeCloseTo(2100, 6);
    expect(a.checkpoint_overhead_s).toBeCloseTo(300, 6);
    expect(a.effective_training_fraction).toBeCloseTo(1800 / 2100, 9);
  });

  it('with the rate halved in its first cycle and restored in its fourth (as contention does): every cycle as it was done', () => {
    // 10,000 s of compute at the full rate; the rate halves at 1,000 s. Cycle 1: 1,000 + 2,600 / 2 =
    // 2,300 s of work by 3,600 s, written by 3,900 s; cycles 2 and 3: 1,800 s of work each (5,900
    // by 11,400 s, written by 11,700 s). Restored at 12,000 s (150 s more done): 3,300 s of compute
    // to 9,350 s by 15,300 s, written by 15,600 s; cycle 5: 650 s, to 16,250 s; the final
    // checkpoint to 16,550 s. Overhead: 4 periodic checkpoints and the final one, 1,500 s.
    // Progress counted cycle 1 at the net rate (2,261.5 s of work): the work left at 12,000 s is
    // what the cycles left, not that.
    const change = (sim: Simulation) => {
      let full = 0;
      sim.engine.daemonAt(1000, () => {
        const j = sim.running.find((x) => x.name === 'a')!;
        full = j.rateFlopPerS / computeShare(3600, 300);
        sim.setRate(j, full / 2);
      });
      sim.engine.daemonAt(12000, () => sim.setRate(sim.running.find((x) => x.name === 'a')!, full));
    };
    const a = runToCsv(scenarioFromText(text('10000s')), { observe: change }).jobs[0]!;
    expect(a.finish_s).toBeCloseTo(16550, 6);
    expect(a.checkpoint_overhead_s).toBeCloseTo(1500, 6);
    expect(a.effective_training_fraction).toBeCloseTo(15050 / 16550, 9);
  });

  it('with the rate halved in its last cycle', () => {
    // 9,000 s of compute; the rate halves at 8,000 s (200 s into the third cycle's compute): 7,400 s
    // done then, 1,600 s left in 3,200 s, to 11,200 s; the final checkpoint to 11,500 s. The rate
    // restored at 10,000 s: 1,000 s of the 1,600 done, 600 s left at the full rate, to 10,600 s.
    const change = (sim: Simulation) => {
      let full = 0;
      sim.engine.daemonAt(8000, () => {
        const j = sim.running.find((x) => x.name === 'a')!;
        full = j.rateFlopPerS / computeShare(3600, 300);
        sim.setRate(j, full / 2);
      });
      sim.engine.daemonAt(10000, () => sim.setRate(sim.running.find((x) => x.name === 'a')!, full));
    };
    const a = runToCsv(scenarioFromText(text('9000s')), { observe: change }).jobs[0]!;
    expect(a.finish_s).toBeCloseTo(10600 + 300, 6);
    expect(a.checkpoint_overhead_s).toBeCloseTo(900, 6);
  });

  it('after a failure: the redone cycles and the last one as they were done', () => {
    // Failure at 5,000 s (1,100 s of compute lost), restart 600 s: 5,400 s of the 9,000 left from
    // 5,600 s, one whole cycle and 1,800 s, then the final checkpoint: 11,600 s. Overhead: the first
    // cycle's checkpoint, the second's and the final one, 900 s. Spread: 11,450 s, 750 s.
    const a = runToCsv(scenarioFromText(text('9000s')), { observe: failAt('a', 5000) }).jobs[0]!;
    expect(a.finish_s).toBeCloseTo(11600, 6);
    expect(a.checkpoint_overhead_s).toBeCloseTo(900, 6);
    expect(a.lost_pflop / a.useful_pflop).toBeCloseTo(1100 / 9000, 12);
    expect(a.effective_training_fraction).toBeCloseTo(9000 / 11600, 9);
  });

  it('a failure while the final checkpoint is written loses the last partial cycle', () => {
    // 9,000 s: the work is done at 9,600 s, its final checkpoint written to 9,900 s. A failure at
    // 9,700 s loses the 1,800 s of compute since the second checkpoint (100 s of the final one was
    // written, overhead as a preemption's cut short); restart 600 s from 9,700 s, then 1,800 s and
    // the final checkpoint again: 10,300 + 2,100 = 12,400 s; overhead 600 + 100 + 300 = 1,000 s.
    const a = runToCsv(scenarioFromText(text('9000s')), { observe: failAt('a', 9700) }).jobs[0]!;
    expect(a.failures).toBe(1);
    expect(a.status).toBe('completed');
    expect(a.lost_pflop / a.useful_pflop).toBeCloseTo(1800 / 9000, 12);
    expect(a.finish_s).toBeCloseTo(12400, 6);
    expect(a.checkpoint_overhead_s).toBeCloseTo(1000, 6);
  });

  it('stopped by the horizon while a periodic checkpoint is written: its compute, and the writing so far', () => {
    // Horizon 3,800 s: 3,600 s of compute done (a tenth of 10 h), the first checkpoint 200 s into 300 s.
    // Spread: 3,507.7 s done and 292.3 s of overhead.
    const a = runToCsv(scenarioFromText(`${text('10h')}horizon: 3800s\n`)).jobs[0]!;
    expect(a.status).toBe('running');
    const full = runToCsv(scenarioFromText(text('10h'))).jobs[0]!.useful_pflop;
    expect(a.useful_pflop / full).toBeCloseTo(3600 / 36000, 12);
    expect(a.checkpoint_overhead_s).toBeCloseTo(200, 6);
  });

  it('stopped by the horizon mid-compute: every second computed, no periodic checkpoint not written', () => {
    // Horizon 5,000 s: 3,600 + 1,100 s of compute, one checkpoint. Spread: 4,615.4 s and 384.6 s.
    const a = runToCsv(scenarioFromText(`${text('10h')}horizon: 5000s\n`)).jobs[0]!;
    const full = runToCsv(scenarioFromText(text('10h'))).jobs[0]!.useful_pflop;
    expect(a.useful_pflop / full).toBeCloseTo(4700 / 36000, 12);
    expect(a.checkpoint_overhead_s).toBeCloseTo(300, 6);
    expect(a.effective_training_fraction).toBeCloseTo(4700 / 5000, 9);
  });

  it('stopped by the horizon while the final checkpoint is written: all its work, the writing so far', () => {
    // 9,000 s: work done at 9,600 s; horizon 9,800 s, 200 s into the final checkpoint. (Spread, the
    // job completed at 9,750 s.)
    const a = runToCsv(scenarioFromText(`${text('9000s')}horizon: 9800s\n`)).jobs[0]!;
    const full = runToCsv(scenarioFromText(text('9000s'))).jobs[0]!.useful_pflop;
    expect(a.status).toBe('checkpointing');
    expect(a.useful_pflop / full).toBeCloseTo(1, 12);
    expect(a.checkpoint_overhead_s).toBeCloseTo(800, 6);
    expect(a.effective_training_fraction).toBeCloseTo(9000 / 9800, 9);
  });
});

describe('interval: auto with no failures: no periodic checkpoints, the final one all the same', () => {
  // Young/Daly with no failure rate gives no periodic checkpoint (an interval of Infinity); the
  // trainer still saves after its last step, as it does under a fixed interval longer than the job.
  const text = (checkpointing: string) => pool(`checkpointing: ${checkpointing}\n`, '      - { name: a, devices: 8, duration: 9000s, reference_device: H100 }\n');

  it('writes the final checkpoint (cost by default): 9,000 s of compute, then 300 s', () => {
    const r = runToCsv(scenarioFromText(text('{ interval: auto, cost: 300s }')));
    const a = r.jobs[0]!;
    expect(a.finish_s).toBeCloseTo(9300, 6);
    expect(a.checkpoint_overhead_s).toBeCloseTo(300, 6);
    expect(r.summary.checkpoint_overhead_s).toBeCloseTo(300, 6);
    expect(a.effective_training_fraction).toBeCloseTo(9000 / 9300, 9);
    // The same as a fixed interval the job never reaches.
    const fixed = runToCsv(scenarioFromText(text('{ interval: 10h, cost: 300s }'))).jobs[0]!;
    expect(a.finish_s).toBe(fixed.finish_s);
    expect(a.checkpoint_overhead_s).toBe(fixed.checkpoint_overhead_s);
  });

  it('final_cost sets it, 0s none', () => {
    const small = runToCsv(scenarioFromText(text('{ interval: auto, cost: 300s, final_cost: 100s }'))).jobs[0]!;
    expect(small.finish_s).toBeCloseTo(9100, 6);
    expect(small.checkpoint_overhead_s).toBeCloseTo(100, 6);
    const none = runToCsv(scenarioFromText(text('{ interval: auto, cost: 300s, final_cost: 0s }'))).jobs[0]!;
    expect(none.finish_s).toBeCloseTo(9000, 6);
    expect(none.checkpoint_overhead_s).toBe(0);
  });

  it("policies' run-time prediction counts it (SchedulingContext.predictRunS), as the run does", () => {
    let predicted = Number.NaN;
    const r = runToCsv(scenarioFromText(text('{ interval: auto, cost: 300s }')), {
      observe: (sim) =>
        sim.signals.on('started', (j) => {
          predicted = sim.predictRunS(j, j.placement!);
        }),
    });
    expect(predicted).toBeCloseTo(9300, 6);
    expect(r.jobs[0]!.finish_s).toBeCloseTo(predicted, 6);
  });
});
