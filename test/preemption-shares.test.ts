// Preemption victims among GPU shares (Alibaba's GPU-sharing pods): a GPU held by several share
// jobs comes free whole only when all of them let go, so a job of whole GPUs preempts the shares of
// as few GPUs as it needs, not one share on each.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { runToCsv } from './helpers.js';
import { drainingDevices } from '../src/policy/victim-selection.js';
import type { JobView, SchedulingContext } from '../src/policy/types.js';

const NODES = 'sn,cpu_milli,memory_mib,gpu,model\nn0,64000,262144,2,V100M32\n';
// Best-fit puts s0 (500) on GPU 0, s1 (600) on GPU 1, s2 (400) on GPU 1 (exactly the room left), s3
// (300) on GPU 0. 'g' (a whole GPU, higher priority) needs the two shares of either GPU.
const PODS = `name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time
s0,1000,1024,1,500,,BE,Running,0,36000,0
s1,1000,1024,1,600,,BE,Running,1,36001,1
s2,1000,1024,1,400,,BE,Running,2,36002,2
s3,1000,1024,1,300,,BE,Running,3,36003,3
g,1000,1024,1,1000,,Guaranteed,Running,100,3700,100
`;

const scenario = (victims: string) => `name: shares
network: ideal
preemption: { checkpoint: 0s, restore: 0s }
datacentres:
  - name: dc
    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: { V100M32: V100-SXM2-32GB } }
workloads:
  - trace: { format: alibaba-openb, path: pods.csv, reference_device: V100-SXM2-32GB, device_map: { V100M32: V100-SXM2-32GB }, priority: { Guaranteed: 3, BE: 0 } }
policy: { name: priority, params: { preemptive: true, victims: ${victims} } }
placement: best-fit
`;

describe('preemption victims among GPU shares', () => {
  it.each(['lowest-priority', 'least-progress', 'policy-order'])('%s preempts the two shares of one GPU, not three jobs over two', (victims) => {
    const files: Record<string, string> = { '/t/nodes.csv': NODES, '/t/pods.csv': PODS };
    const r = runToCsv(loadScenario(scenario(victims), '/t/shares.yaml', { readFile: (p) => files[p]!, baseDir: '/t' }));
    const byName = new Map(r.jobs.map((j) => [j.job_id, j]));
    expect(byName.get('g')!.start_s).toBe(100);
    // Three were preempted before (s1, s2 and s3: each share counted as a whole GPU freed).
    expect(r.summary.preemptions).toBe(2);
    const preempted = [...byName.values()].filter((j) => j.preemptions > 0).map((j) => j.job_id).sort();
    expect(preempted).toEqual(['s1', 's2']);
  });
});

describe('devices coming free from jobs already checkpointing', () => {
  // A minimal context: running jobs with their state and placement (kind 0), nothing else read.
  const job = (state: 'running' | 'checkpointing', devices: number, milli: number, device?: number): JobView =>
    ({ state, devices, milli, placement: { kind: 0, nodes: [0], counts: [devices], ...(device === undefined ? {} : { device, milli }) } }) as unknown as JobView;
  const ctx = (running: JobView[]): SchedulingContext => ({ running }) as unknown as SchedulingContext;

  it('a shared GPU counts once, and only when every job holding it is checkpointing', () => {
    // Two shares checkpointing on two GPUs, each GPU's other share running: no GPU comes free (the
    // pass counted two, as chooseVictims did, and waited for them instead of preempting).
    expect(drainingDevices(ctx([job('checkpointing', 1, 500, 0), job('running', 1, 500, 0), job('checkpointing', 1, 300, 1), job('running', 1, 300, 1)]), 0)).toBe(0);
    expect(drainingDevices(ctx([job('checkpointing', 1, 500, 0), job('checkpointing', 1, 400, 0), job('checkpointing', 4, 1000)]), 0)).toBe(1 + 4);
  });
});
