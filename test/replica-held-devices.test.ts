// Inference replicas hold their fixed count (or autoscaler minimum) for the whole run, so a training
// job needing more devices of a kind than they leave can never start. It waited to the end of the run
// and was rejected as "could not be placed by 'first-fit' even on the idle pool", and the job behind
// it (which fitted) was rejected as stuck behind it. It is now rejected when submitted, saying so,
// and the jobs behind it run.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = (replicas: string): string => `name: beside-replicas
network: ideal
datacentres:
  - { name: dc, node_groups: [{ count: 2, device: H100 }, { count: 1, device: A100-80GB }] }
services:
  - name: chat
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    replicas: { ${replicas}, tensor_parallel: 8, device: H100, datacentre: dc }
    max_batch: 16
    streams:
      - { arrival: { process: poisson, rate: 1/s }, prompt_tokens: 500, output_tokens: 50, count: 100 }
workloads:
  - jobs:
      - { name: big, devices: 16, duration: 1h, reference_device: H100, device_kinds: [H100] }
      - { name: small, submit: 1min, devices: 8, duration: 1h, reference_device: H100, device_kinds: [H100] }
`;

describe('training jobs beside inference replicas that hold devices for the whole run', () => {
  it.each(['count: 1', 'autoscale: { min: 1, max: 2, target_queue: 100 }'])('a job larger than what the replicas leave is rejected when submitted (%s)', (replicas) => {
    const { jobs } = runToCsv(scenarioFromText(scenario(replicas)));
    const big = jobs.find((j) => j.job_id === 'big')!;
    expect(big.status).toBe('rejected');
    expect(big.finish_s).toBe(0);
    expect(big.reason).toBe("needs 16 devices of one kind (H100); inference replicas hold 8 of the pool's 16 H100 for the whole run, which leaves at most 8");
    const small = jobs.find((j) => j.job_id === 'small')!;
    expect(small.status).toBe('completed');
    expect(small.start_s).toBe(60);
  });

  it('a job the replicas leave room for waits for it as before', () => {
    const { jobs } = runToCsv(scenarioFromText(scenario('count: 1').replace('devices: 16,', 'devices: 8,')));
    expect(jobs.map((j) => [j.job_id, j.status, j.start_s])).toEqual([
      ['big', 'completed', 0],
      ['small', 'completed', 3600],
    ]);
  });
});
