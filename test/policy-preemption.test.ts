// Preemptive policies pay for what they do: priority preempts strictly lower-priority jobs (the
// victim checkpoints, holding its devices, re-queues and restores); LAS preempts jobs demoted
// below a waiting one. And the placements keep to their rules on hand-made pools.
import { describe, expect, it } from 'vitest';
import { resolvePolicies } from '../src/policy/registry.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const pool = (extra = ''): string => `
name: preempt
preemption: { checkpoint: 60s, restore: 120s }
datacentres:
  - name: dc
    node_groups:
      - { count: 1, device: A100-80GB }
workloads:
  - jobs:
      - { name: low, devices: 8, duration: 2h, reference_device: A100-80GB, priority: 0 }
      - { name: high, devices: 8, duration: 1h, reference_device: A100-80GB, priority: 5, submit: 10min }
${extra}`;

const run = (text: string, policy: string, params: Record<string, unknown>, placement = 'first-fit', placementParams: Record<string, unknown> = {}) =>
  runToCsv(scenarioFromText(text), { policies: resolvePolicies({ name: policy, params }, { name: placement, params: placementParams }) });

const row = (r: ReturnType<typeof run>, name: string) => r.jobs.find((j) => j.job_id === name)!;

describe('preemption', () => {
  it('priority without preemption: the high job waits for the low one', () => {
    const r = run(pool(), 'priority', {});
    expect(row(r, 'high').start_s).toBeCloseTo(7200, 6);
    expect(r.summary.preemptions).toBe(0);
  });

  it('preemptive priority: the victim checkpoints (60 s), re-queues, restores (120 s) and its wait counts', () => {
    const r = run(pool(), 'priority', { preemptive: true });
    const high = row(r, 'high');
    const low = row(r, 'low');
    expect(high.start_s).toBeCloseTo(600 + 60, 6);
    expect(low.preemptions).toBe(1);
    // Low ran 600 s, re-queued at 660 s, restarts when high ends at 660 + 3600, then restores 120 s.
    expect(low.requeued_s).toBeCloseTo(3600, 6);
    expect(low.finish_s).toBeCloseTo(660 + 3600 + 120 + (7200 - 600), 6);
  });

  it('the checkpoint a victim writes when preempted counts in checkpoint_overhead_s, not in its useful time', () => {
    // low writes one 60 s checkpoint at 600 s (devices held, no progress) and keeps all its work:
    // the column counted only periodic checkpoints, 0 here, though low's devices spent 60 s on it.
    const r = run(pool(), 'priority', { preemptive: true });
    const low = row(r, 'low');
    expect(low.checkpoint_overhead_s).toBeCloseTo(60, 9);
    expect(row(r, 'high').checkpoint_overhead_s).toBe(0);
    expect(r.summary.checkpoint_overhead_s).toBeCloseTo(60, 9);
    // Its useful time is still all its 7,200 s of progress, over 660 + 3,600 + 120 + 6,600 s since its start.
    expect(low.effective_training_fraction).toBeCloseTo(7200 / (660 + 3600 + 120 + 6600), 12);
  });

  it('a periodic checkpoint plus a preemption: both in the column, each once', () => {
    // Checkpoints every 1,740 s of compute at 60 s each (an 1,800 s cycle): low computes 600 s
    // before the preemption, all of it work (its first checkpoint would come at 1,740 s; spread
    // evenly it was 580 s of work and 20 s of checkpoint) and writes the preemption's (60 s). high
    // then runs 2 x 1,800 + 120 s and its final checkpoint, 60 s: 660 + 3,780 = 4,440 s (spread,
    // 660 + 3,600 x 1,800/1,740 = 4,384.1 s). low restores 120 s and does its 6,600 s left as 3
    // cycles of 1,800 s, 1,380 s and the final checkpoint: 4,560 + 6,840 = 11,400 s (spread, its
    // last partial cycle made it 4,384.1 + 120 + 6,600 x 1,800/1,740 = 11,331.7 s). Its overhead:
    // the preemption's checkpoint, 3 periodic ones and the final one, 300 s (spread, 287.6 s).
    const r = run(pool('checkpointing: { interval: 1740s, cost: 60s, restart: 300s }\n'), 'priority', { preemptive: true });
    const low = row(r, 'low');
    expect(row(r, 'high').finish_s).toBeCloseTo(4440, 6);
    expect(row(r, 'high').checkpoint_overhead_s).toBeCloseTo(180, 6);
    expect(low.finish_s).toBeCloseTo(11400, 6);
    expect(low.checkpoint_overhead_s).toBeCloseTo(300, 6);
    expect(low.effective_training_fraction).toBeCloseTo(7200 / 11400, 9);
  });

  it('never preempts a job of equal priority, nor twice for the same need', () => {
    const text = pool('      - { name: peer, devices: 8, duration: 1h, reference_device: A100-80GB, priority: 5, submit: 11min }\n');
    const r = run(text, 'priority', { preemptive: true, victims: 'least-progress' });
    expect(r.summary.preemptions).toBe(1);
    expect(row(r, 'peer').start_s).toBeGreaterThanOrEqual(row(r, 'high').finish_s - 1e-6);
  });

  it('unknown victims policy is reported at its parameter', () => {
    expect(() => resolvePolicies({ name: 'priority', params: { preemptive: true, victims: 'lowest-priorty' } }, { name: 'first-fit', params: {} })).toThrow(
      /policy\.params\.victims: unknown preemption policy 'lowest-priorty' \(did you mean 'lowest-priority'\?\)/,
    );
  });

  it('LAS preempts a job that has attained more service than a newcomer', () => {
    // thresholds: 1 device-hour; low holds 8 devices for 10 min = 80 device-min > 60: demoted.
    const r = run(pool(), 'las', { thresholds: ['1h'] });
    expect(r.summary.preemptions).toBe(1);
    expect(row(r, 'high').start_s).toBeCloseTo(660, 6);
  });
});

describe('placement rules', () => {
  const text = `
name: fragments
datacentres:
  - name: a
    nodes_per_leaf: 2
    node_groups:
      - { count: 4, device: H100 }
workloads:
  - jobs:
      - { name: one, devices: 3, duration: 10h, reference_device: H100 }
      - { name: two, devices: 6, duration: 10h, reference_device: H100, submit: 1s }
      - { name: three, devices: 2, duration: 1h, reference_device: H100, submit: 2s }
      - { name: gang, devices: 16, duration: 1h, reference_device: H100, submit: 3s }
`;
  it('best-fit packs the tightest node; spread takes the emptiest', () => {
    const packed = run(text, 'fifo', {}, 'best-fit');
    // one on node 0 (5 free left), two on node 1 (2 left): three goes to the tightest, node 1.
    expect(packed.jobs.map((j) => j.job_id)).toContain('three');
    const spread = run(text, 'fifo', {}, 'spread');
    expect(spread.summary.jobs_completed).toBe(4);
  });

  it('topology-aware keeps a 16-device gang under one leaf (whole nodes 2 and 3)', () => {
    const r = run(text, 'fifo', {}, 'topology-aware');
    expect(r.jobs.find((j) => j.job_id === 'gang')!.start_s).toBeCloseTo(3, 6);
  });
});

describe('predicted finish of a restoring job', () => {
  it('counts the restore stall, as the completion does (EASY and multifactor reserve from it)', () => {
    // Low is preempted at 10 min, restarts when high ends (660 + 3600 s) and restores 120 s first.
    const predicted = new Map<string, number[]>();
    const base = resolvePolicies({ name: 'priority', params: { preemptive: true } }, { name: 'first-fit', params: {} });
    const queue = {
      schedule(ctx: Parameters<typeof base.queue.schedule>[0]): void {
        base.queue.schedule(ctx);
        for (const j of ctx.running) {
          const list = predicted.get(j.name) ?? [];
          list.push(ctx.predictedFinishS(j));
          predicted.set(j.name, list);
        }
      },
    };
    const r = runToCsv(scenarioFromText(pool()), { policies: { ...base, queue } });
    const low = row(r, 'low');
    expect(low.finish_s).toBeCloseTo(660 + 3600 + 120 + 6600, 6);
    // Every prediction made while it ran after the restart is its finish (one rate, one placement).
    const afterRestart = predicted.get('low')!.slice(-1);
    expect(afterRestart.length).toBe(1);
    expect(afterRestart[0]).toBeCloseTo(low.finish_s, 6);
  });
});
