// Autoscaling of a disaggregated service's pools (autoscaler.ts, service-pool.ts): the prefill pool
// on prompt tokens waiting, the decode pool on KV memory. A load step is hand-checked: the prefill
// pool scales at the first look, the decode pool once the arrived sequences' KV passes its target;
// a retired decode replica finishes the sequences it holds in place before it gives its devices
// back; under a random ramp the replica counts stay within [min, max] and every request completes.
import { describe, expect, it } from 'vitest';
import { DisaggregatedService } from '../src/sim/inference/disaggregated-service.js';
import type { RequestRow } from '../src/sim/inference/service-rows.js';
import { simulate, type Simulation } from '../src/sim/simulation.js';
import { causalPairs, prefillS } from '../src/model/inference/replica-model.js';
import { scenarioFromText } from './helpers.js';

// Two toy kinds, one device per node. 1B params in bf16: a prefill token costs 2e9 FLOP at
// 2 TFLOP/s = 1 ms, so a 900-token prompt prefills in 0.9 s (compute-bound) plus its attention,
// 900 x 901 / 2 pairs of 4 x 24 layers x 1,792 FLOPs: 34.9 ms, 0.935 s in all (no per-iteration
// overhead: step_overhead 0); KV is 1 MB per token,
// so a replica's KV cache holds (100 GB - 2 GB of weights) / 1 MB = 98,000 tokens.
const KIND = (name: string): string => `  ${name}:
    peak: 2TFLOPS
    memory: 100GB
    memory_bandwidth: 200GB/s
    busy_power: 100W
    idle_power: 10W
    efficiency: 1
    devices_per_node: 1
    interconnect: { name: x, bandwidth: 100GB/s, latency: 1us }
`;

function scenario(o: { prefill: string; decode: string; streams: string; balancer?: string }): string {
  return `name: scale
seed: 3
devices:
${KIND('pre')}${KIND('dec')}datacentres:
  - name: dc
    fabric: { preset: IB-NDR, port_rate: 400Gbps, efficiency: 1, hop_latency: 1us, endpoint_latency: 2us }
    node_groups: [{ count: 4, device: pre }, { count: 4, device: dec }]
services:
  - name: s
    model: { params: 1B, kv_bytes_per_token: 1000000 }
    prefill: { ${o.prefill}, device: pre, datacentre: dc, memory_utilisation: 1, max_batch: 1${o.prefill.includes('step_overhead') ? '' : ', step_overhead: 0'} }
    decode: { ${o.decode}, device: dec, datacentre: dc, memory_utilisation: 1${o.decode.includes('step_overhead') ? '' : ', step_overhead: 0'} }
    max_batch: 64
    balancer: ${o.balancer ?? 'round-robin'}
    streams:
${o.streams}`;
}

/** `n` requests at t = 0, prompt 900 and `output` tokens each. */
function burst(n: number, output: number): string {
  const rows = Array.from({ length: n }, () => `0,900,${output}`).join('\\n');
  return `      - arrival: { process: trace, csv: "timestamp,prompt_tokens,output_tokens\\n${rows}\\n" }\n`;
}

interface Watched {
  sim: Simulation;
  svc: DisaggregatedService;
  rows: RequestRow[];
  result: ReturnType<typeof simulate>;
}

/** Run `text`; `probe` is called at each time of `at` (after the events of that instant scheduled before the run). */
function run(text: string, at: number[] = [], probe?: (svc: DisaggregatedService, t: number) => void): Watched {
  let sim: Simulation | undefined;
  const rows: RequestRow[] = [];
  const result = simulate(scenarioFromText(text), {
    requestSink: (r) => void rows.push(r),
    observe: (s) => {
      sim = s;
      const svc = s.inference!.services[0] as DisaggregatedService;
      for (const t of at) s.engine.at(t, () => probe!(svc, t));
    },
  });
  return { sim: sim!, svc: sim!.inference!.services[0] as DisaggregatedService, rows, result };
}

describe('autoscaling a disaggregated service', () => {
  it('a load step: the prefill pool scales at the first look, the decode pool when the KV passes its target', () => {
    // 20 requests at t = 0 on one prefill replica: request k is prefilled at 0.935k s. At the first look
    // (t = 1) 19 x 900 = 17,100 prompt tokens wait: 17,100 / 5,000 = 3.42 -> 4 prefill replicas (3 new,
    // loading until t = 31). Each request reserves 900 + 2,000 = 2,900 KV tokens on the decode replica
    // once its KV has arrived (~18 ms after its prefill); over 98,000 tokens at a 0.5 target, 16
    // sequences ask for 46,400 / 98,000 / 0.5 = 0.947 replicas, 17 for 1.006: the look at t = 16 (the
    // 17th arrived at 15.3 s) is the first to add a decode replica; the one at t = 15 is not.
    const text = scenario({
      prefill: 'autoscale: { min: 1, max: 4, target_queued_tokens: 5000, interval: 1s, scale_up_delay: 30s, scale_down_delay: 10s }',
      decode: 'autoscale: { min: 1, max: 4, target_kv_utilisation: 0.5, interval: 1s, scale_up_delay: 30s, scale_down_delay: 10s }',
      streams: burst(20, 2000),
    });
    const seen = new Map<number, [number, number, number, number]>();
    const { result, svc, rows } = run(text, [0.5, 1.5, 13.5, 14.5, 15.5, 16.5, 24.5, 25.5, 45.5, 46.5], (s, t) => seen.set(t, [s.prefill.held.size, s.prefill.serving.length, s.decode.held.size, s.decode.serving.length]));
    expect(seen.get(0.5)).toEqual([1, 1, 1, 1]);
    expect(seen.get(1.5)).toEqual([4, 1, 1, 1]); // prefill scaled first: three replicas loading weights
    // The one serving replica drains the queue while they load: at the look at t = 4 (4 prefilled,
    // 16 x 900 = 14,400 tokens not yet prefilled: 2.88 -> 3 wanted) the load falls below the 4
    // replicas held, and stays there; ten seconds on (t = 14: 6 x 900 = 5,400, 2 wanted) the pool
    // scales down to the most any look of those ten seconds wanted (3, at t = 4: the HPA's
    // stabilization window), so one of the three still loading is given back, the newest, before it
    // served (as a ReplicaSet deletes pods that are not ready first). From t = 15 (16 prefilled:
    // 3,600 tokens, 1 wanted) every look wants one: at t = 25 the two still loading go too.
    // (Before 2026-12-07 the scale-down took the last look's count: 2 at t = 14.)
    expect(seen.get(13.5)).toEqual([4, 1, 1, 1]);
    expect(seen.get(14.5)).toEqual([3, 1, 1, 1]);
    expect(seen.get(15.5)).toEqual([3, 1, 1, 1]); // 16 sequences' KV: still under target
    expect(seen.get(16.5)).toEqual([3, 1, 2, 1]); // the 17th's: one more decode replica, loading
    expect(seen.get(24.5)).toEqual([3, 1, 2, 1]);
    expect(seen.get(25.5)).toEqual([1, 1, 2, 1]);
    // It stays wanted (the sequences generate for longer than it loads), so it serves at t = 46.
    expect(seen.get(45.5)).toEqual([1, 1, 2, 1]);
    expect(seen.get(46.5)).toEqual([1, 1, 2, 2]);
    // Every request is served; its decode replica was chosen at arrival: the first (the only one serving then).
    expect(result.services[0]!.requests).toBe(20);
    expect(result.services[0]!.requests_unfinished).toBe(0);
    expect(new Set(rows.map((r) => r.replica))).toEqual(new Set(['s/decode0']));
    expect(result.services[0]!.replicas_max).toBe(5); // 4 prefill + 1 decode until t = 14
    expect(svc.prefill.held.size).toBe(1);
  });

  it('a retired decode replica finishes the sequences it holds in place, then gives its devices back', () => {
    // Nine requests at t = 0 go to decode0, the only decode replica: at the first look (t = 1) it has
    // 9 outstanding, 9 / 4 -> 3, capped at max 2: decode1 serves at once (scale_up_delay 0). B, at
    // t = 1.5, goes to the least loaded, decode1. A1..A8 generate 20 tokens, A9 and B 2,000; prefills
    // run one at a time, 0.9 s each (A9 done at 8.1 s, B at 9.0 s). From the look at t = 6 on, 4 or
    // fewer are outstanding (ceil(4 / 4) = 1 replica wanted), so at t = 11 (scale_down_delay 5 s) one
    // decode replica is retired: both then hold one long sequence, and the tie goes to the higher id,
    // decode1. It takes nothing new, keeps B's KV and finishes B in place (no hand-over), and gives
    // its devices back at B's last token.
    const rows = ['0,900,20', '0,900,20', '0,900,20', '0,900,20', '0,900,20', '0,900,20', '0,900,20', '0,900,20', '0,900,2000', '1.5,900,2000'];
    const text = scenario({
      prefill: 'count: 1',
      decode: 'autoscale: { min: 1, max: 2, target_queue: 4, interval: 1s, scale_up_delay: 0s, scale_down_delay: 5s }',
      balancer: 'least-outstanding',
      streams: `      - arrival: { process: trace, csv: "timestamp,prompt_tokens,output_tokens\\n${rows.join('\\n')}\\n" }\n`,
    });
    const seen = new Map<number, { held: string[]; serving: string[]; running: number[] }>();
    const times = [0.5, 1.5, 10.5, 11.5, 30];
    const { result, rows: out } = run(text, times, (s, t) =>
      seen.set(t, { held: [...s.decode.held].map((r) => r.name), serving: s.decode.serving.map((r) => r.name), running: [...s.decode.held].map((r) => r.running) }),
    );
    expect(seen.get(0.5)).toEqual({ held: ['s/decode0'], serving: ['s/decode0'], running: [0] });
    expect(seen.get(1.5)!.serving).toEqual(['s/decode0', 's/decode1']);
    expect(seen.get(10.5)).toEqual({ held: ['s/decode0', 's/decode1'], serving: ['s/decode0', 's/decode1'], running: [1, 1] });
    // Retired at t = 11: out of the balancer's view, still holding (and running) B.
    expect(seen.get(11.5)).toEqual({ held: ['s/decode0', 's/decode1'], serving: ['s/decode0'], running: [1, 1] });
    expect(seen.get(30)!.running).toEqual([1, 1]);
    const b = out.find((r) => r.arrival_s === 1.5)!;
    expect(b.replica).toBe('s/decode1');
    expect(b.finish_s).toBeGreaterThan(30);
    const row = result.services[0]!;
    expect(row.requests).toBe(10);
    expect(row.requests_unfinished).toBe(0);
    // decode1 held its devices from t = 1 to B's last token: 1 prefill replica all along, decode0
    // all along, decode1 for (finish - 1) s.
    expect(row.replicas_mean).toBeCloseTo(1 + 1 + (b.finish_s - 1) / result.endS, 12);
    expect(row.replicas_max).toBe(3);
  });

  it('a retired prefill replica prefills its queue and lets its KV leave before it gives its devices back', () => {
    // Twelve requests at t = 0 on prefill0 (0.9 s each): at t = 1, 11 outstanding / 10 -> a second
    // prefill replica, serving at once; four more at t = 1.5 go to it (least outstanding): B1..B4
    // prefilled at 0.935 s each, by 2.435, 3.37, 4.305, 5.24 s. At t = 4, 8 + 2 = 10 outstanding want
    // one replica (scale_down_delay 0): prefill1, the emptier, is retired with B3 prefilling and B4
    // queued. It finishes both (B4's first token at 5.24 s: TTFT 3.74 s) and is released once B4's
    // KV has left.
    const rows = [...Array.from({ length: 12 }, () => '0,900,5'), ...Array.from({ length: 4 }, () => '1.5,900,5')];
    const text = scenario({
      prefill: 'autoscale: { min: 1, max: 2, target_queue: 10, interval: 1s, scale_up_delay: 0s, scale_down_delay: 0s }',
      decode: 'count: 1',
      balancer: 'least-outstanding',
      streams: `      - arrival: { process: trace, csv: "timestamp,prompt_tokens,output_tokens\\n${rows.join('\\n')}\\n" }\n`,
    });
    const seen = new Map<number, { held: string[]; serving: string[]; outstanding: number[] }>();
    const { result, rows: out } = run(text, [3.5, 4.4, 5.25, 5.3], (s, t) =>
      seen.set(t, { held: [...s.prefill.held].map((r) => r.name), serving: s.prefill.serving.map((r) => r.name), outstanding: [...s.prefill.held].map((r) => r.outstanding) }),
    );
    expect(seen.get(3.5)).toEqual({ held: ['s/prefill0', 's/prefill1'], serving: ['s/prefill0', 's/prefill1'], outstanding: [9, 2] });
    expect(seen.get(4.4)).toEqual({ held: ['s/prefill0', 's/prefill1'], serving: ['s/prefill0'], outstanding: [8, 1] });
    // B4 prefilled at 5.24 s; its 900 MB of KV take 18 ms at 400 Gb/s: still held at 5.25 s, gone by 5.3 s.
    expect(seen.get(5.25)).toEqual({ held: ['s/prefill0', 's/prefill1'], serving: ['s/prefill0'], outstanding: [7, 0] });
    expect(seen.get(5.3)!.held).toEqual(['s/prefill0']);
    const per = prefillS(scenarioFromText(text).services[0]!.disaggregated!.prefill.timing, 900, causalPairs(900, 0));
    expect(per).toBeCloseTo(0.9 + 405_450 * ((4 * 24 * 1792) / 2e12), 12);
    const b = out.filter((r) => r.arrival_s === 1.5).sort((x, y) => x.first_token_s - y.first_token_s);
    expect(b.map((r) => r.ttft_s)).toEqual([1, 2, 3, 4].map((k) => expect.closeTo(k * per, 9) as unknown as number));
    expect(result.services[0]!.requests).toBe(16);
    expect(result.services[0]!.requests_unfinished).toBe(0);
  });

  it('under a random load step both pools stay within [min, max] and no request is lost', () => {
    // Poisson 0.5/s throughout, 4/s more from 100 s to 200 s: both pools scale up on the step and
    // back down after it; retired replicas drain. Looked at every 0.25 s.
    const text = scenario({
      prefill: 'autoscale: { min: 1, max: 3, target_queued_tokens: 2000, interval: 2s, scale_up_delay: 10s, scale_down_delay: 20s }',
      decode: 'autoscale: { min: 1, max: 3, target_kv_utilisation: 0.3, interval: 2s, scale_up_delay: 10s, scale_down_delay: 20s }',
      balancer: 'least-outstanding',
      streams: `      - { name: base, arrival: { process: poisson, rate: 0.5/s }, prompt_tokens: { distribution: uniform, min: 200, max: 900 }, output_tokens: { distribution: uniform, min: 100, max: 3000 }, count: 150 }
      - { name: step, start: 100s, arrival: { process: poisson, rate: 4/s }, prompt_tokens: { distribution: uniform, min: 200, max: 900 }, output_tokens: { distribution: uniform, min: 100, max: 3000 }, count: 400 }
`,
    });
    const most = { prefill: 0, decode: 0 };
    const fewest = { prefill: Infinity, decode: Infinity };
    const times = Array.from({ length: 4000 }, (_, i) => 0.25 * (i + 1));
    const { result, svc } = run(text, times, (s) => {
      for (const [k, pool] of [['prefill', s.prefill], ['decode', s.decode]] as const) {
        expect(pool.serving.length).toBeLessThanOrEqual(pool.held.size);
        most[k] = Math.max(most[k], pool.held.size);
        fewest[k] = Math.min(fewest[k], pool.serving.length);
      }
    });
    const row = result.services[0]!;
    expect(row.requests + row.requests_rejected).toBe(550);
    expect(row.requests_rejected).toBe(0);
    expect(row.requests_unfinished).toBe(0);
    // Both pools grew on the step, within max, and never served with fewer than min.
    expect(most).toEqual({ prefill: 3, decode: 3 });
    expect(fewest).toEqual({ prefill: 1, decode: 1 });
    // And shrank back: one replica each at the end, the others drained and released.
    expect([svc.prefill.held.size, svc.decode.held.size]).toEqual([1, 1]);
    expect(row.replicas_max).toBeLessThanOrEqual(6);
    expect(row.replicas_mean).toBeGreaterThan(2);
    expect(row.replicas_mean).toBeLessThan(6);
  });

  it('refuses what a pool cannot scale on, located', () => {
    const base = (prefill: string, decode: string): string => scenario({ prefill, decode, streams: burst(1, 10) });
    const fails = (text: string): string => {
      try {
        scenarioFromText(text);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    expect(fails(base('autoscale: { min: 1, max: 2, target_kv_utilisation: 0.5 }', 'count: 1'))).toMatch(/services\[0\]\.prefill\.autoscale\.target_kv_utilisation: KV memory scales a decode pool/);
    expect(fails(base('count: 1', 'autoscale: { min: 1, max: 2, target_queued_tokens: 1000 }'))).toMatch(/services\[0\]\.decode\.autoscale\.target_queued_tokens: waiting prompt tokens scale a prefill pool/);
    expect(fails(base('count: 1', 'autoscale: { min: 1, max: 2 }'))).toMatch(/services\[0\]\.decode\.autoscale: give exactly one of `target_queue`, `target_utilisation` or `target_kv_utilisation`/);
    expect(fails(base('count: 1', 'count: 1, autoscale: { min: 1, max: 2, target_queue: 2 }'))).toMatch(/services\[0\]\.decode: give exactly one of `count`/);
    // Neither: refused as such, not an internal error reading the missing autoscale's min.
    expect(fails(base('count: 1', 'max_batch: 8'))).toMatch(/services\[0\]\.decode: give exactly one of `count`/);
    expect(fails(base('step_overhead: 2ms', 'count: 1'))).toMatch(/services\[0\]\.prefill: give exactly one of `count`/);
    expect(fails(base('autoscale: { min: 3, max: 2, target_queue: 2 }', 'count: 1'))).toMatch(/services\[0\]\.prefill\.autoscale: min \(3\) is above max \(2\)/);
    expect(fails(base('count: 1', 'autoscale: { min: 1, max: 2, target_kv_utilisation: 0.5 }').replace('kv_bytes_per_token: 1000000', 'kv_bytes_per_token: 0'))).toMatch(/decode\.autoscale\.target_kv_utilisation: the model's KV cache takes no memory/);
    // Colocated replicas have no pool signal.
    expect(fails(base('count: 1', 'count: 1').replace(/ {4}prefill:.*\n {4}decode:.*\n/, '    replicas: { autoscale: { min: 1, max: 2, target_queued_tokens: 10 }, device: pre, datacentre: dc }\n'))).toMatch(/services\[0\]\.replicas\.autoscale/);
  });
});
