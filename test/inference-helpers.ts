// Scenario text for inference tests: a toy device whose decode step is exactly the weight read
// (compute and KV cache made negligible), so that service times are known in closed form.
export interface ToyOptions {
  replicas?: number;
  maxBatch?: number;
  balancer?: string;
  /** Seconds per decode step (weights read). */
  stepS?: number;
  rate?: number;
  count?: number;
  output?: string;
  prompt?: string;
  kvBytesPerToken?: number;
  memory?: string;
  seed?: number;
  arrival?: string;
  extraService?: string;
  /** Extra lines of the stream (indented 8 spaces). */
  extraStream?: string;
}

/** params 1B in bf16 = 2 GB of weights read per step at 2 GB / stepS. */
export function toyScenario(o: ToyOptions = {}): string {
  const n = o.replicas ?? 1;
  const stepS = o.stepS ?? 0.01;
  const bw = 2e9 / stepS;
  return `name: toy
seed: ${o.seed ?? 1}
devices:
  toy:
    peak: 1EFLOPS
    memory: ${o.memory ?? '1000GB'}
    memory_bandwidth: ${bw}
    busy_power: 100W
    idle_power: 10W
    efficiency: 1
    devices_per_node: 1
    interconnect: { name: x, bandwidth: 100GB/s, latency: 1us }
datacentres:
  - name: dc
    node_groups: [{ count: ${n}, device: toy }]
services:
  - name: s
    model: { params: 1B, kv_bytes_per_token: ${o.kvBytesPerToken ?? 0} }
    replicas: { count: ${n}, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }
    max_batch: ${o.maxBatch ?? 1}
    balancer: ${o.balancer ?? 'round-robin'}
${o.extraService ?? ''}    streams:
      - arrival: ${o.arrival ?? `{ process: poisson, rate: ${o.rate ?? 7}/s }`}
        prompt_tokens: ${o.prompt ?? '100'}
        output_tokens: ${o.output ?? '10'}
        count: ${o.count ?? 10000}
${o.extraStream ?? ''}`;
}
