// LAS counts attained service as GPU-time (Tiresias' 2DAS: GPUs x time executed), so a job holding
// a share of one GPU (an Alibaba GPU-sharing pod, gpu_milli < 1000) attains its share of a
// device-second each second. Counted as a whole device, a half-GPU pod was demoted as fast as a
// whole-GPU job: at 1,000 s it had used 500 GPU-s, half the threshold, yet lost its queue to a
// whole-GPU job waiting in the same queue. Worked by hand on one 1-GPU node; threshold 1,000
// device-s; a preemption's checkpoint and restore 60 s each.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { resolvePolicies } from '../src/policy/registry.js';
import type { QueueDiscipline, SchedulingContext } from '../src/policy/types.js';
import { runToCsv } from './helpers.js';

interface Pod {
  name: string;
  milli: number;
  submitS: number;
  runS: number;
}

/** The jobs table of the run; `hideTable`: without the simulator's running table, as a plug-in's context may have it (shares then read from the jobs). */
function run(pods: readonly Pod[], hideTable = false): { csv: string; row: (name: string) => { start_s: number; preemptions: number } } {
  const files: Record<string, string> = {
    '/t/nodes.csv': 'sn,cpu_milli,memory_mib,gpu,model\nn0,640000,2621440,1,V100M32\n',
    '/t/pods.csv': [
      'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time',
      ...pods.map((p) => `${p.name},1000,1024,1,${p.milli},,LS,Running,${p.submitS},${p.submitS + p.runS},${p.submitS}`),
    ].join('\n') + '\n',
  };
  const text = `name: las-shares
network: ideal
preemption: { checkpoint: 60s, restore: 60s }
datacentres:
  - name: dc
    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: { V100M32: V100-SXM2-32GB } }
workloads:
  - trace: { format: alibaba-openb, path: pods.csv, reference_device: V100-SXM2-32GB, device_map: { V100M32: V100-SXM2-32GB } }
`;
  const resolved = loadScenario(text, '/t/las-shares.yaml', { readFile: (p) => files[p]!, baseDir: '/t' });
  const policies = resolvePolicies({ name: 'las', params: { thresholds: ['1000s'] } }, { name: 'first-fit', params: {} });
  const inner = policies.queue;
  const queue: QueueDiscipline = {
    schedule: (ctx: SchedulingContext) => inner.schedule(hideTable ? (Object.create(ctx, { runningTable: { value: undefined } }) as SchedulingContext) : ctx),
  };
  const r = runToCsv(resolved, { policies: { ...policies, queue } });
  return { csv: r.jobsCsv, row: (name: string) => r.jobs.find((j) => j.job_id === name)! };
}

describe('LAS with GPU shares', () => {
  it('a half-GPU job reaches the threshold after 2,000 s, as a whole-GPU job does after 1,000 s', () => {
    // half (0.5 GPU) runs from 0; whole (1 GPU) arrives at 10 s and cannot share the GPU, so it
    // waits in Q0. half reaches 1,000 GPU-s (the GPU-time a whole GPU gives in 1,000 s) at 2,000 s,
    // is demoted to Q1 and preempted then: it checkpoints to 2,060 s, when whole starts. Counted as
    // a whole device it was demoted, and preempted, at 1,000 s (whole started at 1,060 s).
    const pods = [
      { name: 'half', milli: 500, submitS: 0, runS: 10_000 },
      { name: 'whole', milli: 1000, submitS: 10, runS: 10_000 },
    ];
    const { csv, row } = run(pods);
    expect(row('half').preemptions).toBeGreaterThanOrEqual(1);
    expect(row('whole').start_s).toBeCloseTo(2060, 6);
    // The same without the running table (each running job's share read from the job itself).
    expect(run(pods, true).csv).toBe(csv);
  });
});
