// compare and sweep of a scenario with inference services show each service's TTFT p99, TPOT p99 and
// SLO attainment by default: they showed only the training columns, so sweeping an inference-only
// scenario's chunked-prefill budget printed eight columns, six of them '-', and not one latency.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';

const cli = repoPath('dist/cli/main.js');

const scenario = `name: svc-columns
seed: 1
horizon: 10min
devices:
  toy:
    peak: 200TFLOPS
    memory: 80GB
    memory_bandwidth: 2000GB/s
    busy_power: 100W
    idle_power: 10W
    efficiency: 0.5
    devices_per_node: 1
    interconnect: { name: x, bandwidth: 100GB/s, latency: 1us }
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: toy }]
services:
  - name: chat
    model: { params: 1B }
    replicas: { count: 2, device: toy, datacentre: dc }
    slo: { ttft: 1s, tpot: 100ms }
    streams:
      - arrival: { process: poisson, rate: 2/s }
        prompt_tokens: { distribution: fixed, value: 200 }
        output_tokens: { distribution: fixed, value: 20 }
`;

describe('compare and sweep of a scenario with a service', () => {
  it("print the service's latency tails and SLO attainment, as runs.csv has them", () => {
    const dir = mkdtempSync(join(tmpdir(), 'poolsim-svc-'));
    const file = join(dir, 'svc.yaml');
    writeFileSync(file, scenario);
    const r = spawnSync(process.execPath, [cli, 'sweep', file, '--set', 'services[0].max_batch=4,64', '--out', join(dir, 'out')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const c of ['services.chat.ttft_p99_s', 'services.chat.tpot_p99_s', 'services.chat.slo_attainment']) expect(r.stdout).toContain(c);
    expect(r.stdout).toMatch(/services\.chat\.slo_attainment ↑\n  4 +fifo +[\d.]+m?s +100\.00%\n/);
  }, 60_000);
});
