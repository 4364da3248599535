// Inference replicas drew busy power for their whole lease, serving or not: at 1 request/s a
// service's 20.2 kWh was 16.8 kWh of busy draw. A replica now draws busy power while it has a
// batch in flight (an iteration running) and idle power otherwise (loading, waiting for requests);
// utilisation still counts the device-time it held. Hand case: one toy device (100 W busy, 10 W
// idle), one replica over a 1 h horizon, one request whose prefill and decode take `served` s.
import { describe, expect, it } from 'vitest';
import type { RequestRow } from '../src/sim/inference/service-rows.js';
import { simulate } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';

const text = (csv: string, disaggregated: boolean): string => `name: energy
seed: 1
horizon: 1h
devices:
  toy:
    peak: 2TFLOPS
    memory: 1000GB
    memory_bandwidth: 200GB/s
    busy_power: 100W
    idle_power: 10W
    efficiency: 1
    devices_per_node: 1
    interconnect: { name: x, bandwidth: 100GB/s, latency: 1us }
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: toy }]
services:
  - name: s
    model: { params: 1B, kv_bytes_per_token: 0 }
${
  disaggregated
    ? `    prefill: { count: 1, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }
    decode: { count: 1, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }`
    : `    replicas: { count: 1, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }`
}
    max_batch: 1
    streams:
      - arrival: { process: trace, csv: "${csv.replace(/\n/g, '\\n')}" }
`;

describe('inference replica energy', () => {
  it('colocated: busy power only while a batch is in flight, idle power for the rest of the lease', () => {
    const rows: RequestRow[] = [];
    const r = simulate(scenarioFromText(text('timestamp,prompt_tokens,output_tokens\n0,1000,200\n', false)), { requestSink: (row) => void rows.push(row) });
    expect(rows).toHaveLength(1);
    const served = rows[0]!.finish_s - rows[0]!.start_s;
    expect(served).toBeGreaterThan(1);
    // Two toy devices: the replica's (busy for `served` s, idle for the rest of the hour) and an unused one.
    const expectedJ = served * 100 + (3600 - served) * 10 + 3600 * 10;
    expect(r.summary.energy_kwh).toBeCloseTo(expectedJ / 3.6e6, 9);
    // Utilisation is still allocated device-time: the replica held its device all hour.
    expect(r.summary.utilisation).toBeCloseTo(0.5, 9);
  });

  it('disaggregated: each pool replica draws busy power only while it iterates', () => {
    const r = simulate(scenarioFromText(text('timestamp,prompt_tokens,output_tokens\n0,1000,200\n', true)));
    // Both devices held all hour; busy for at most the request's life, so far below 2 x 100 W x 1 h.
    const kwh = r.summary.energy_kwh;
    expect(kwh).toBeGreaterThanOrEqual((2 * 3600 * 10) / 3.6e6);
    expect(kwh).toBeLessThan((2 * 3600 * 10 + 2 * 60 * 90) / 3.6e6);
    expect(r.summary.utilisation).toBeCloseTo(1, 9);
  });
});
