// Bundled inference scenarios (the seed article's example, the diurnal two-site pool), request
// rows and their determinism, arrival processes, trace replay, and located input errors.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvLine, rowValues } from '../src/experiment/csv.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { InputError } from '../src/scenario/errors.js';
import { scenarioReference } from '../src/scenario/json-schema.js';
import { REQUEST_COLUMNS, SERVICE_COLUMNS } from '../src/sim/inference/service-rows.js';
import { meanRate } from '../src/sim/inference/request-streams.js';
import { simulate } from '../src/sim/simulation.js';
import { bundled, repoPath, scenarioFromText } from './helpers.js';
import { toyScenario } from './inference-helpers.js';

describe('seed article inference example (scenarios/seed-gpt3-inference.yaml)', () => {
  const SCALE = 100; // the scenario runs 1/100 of the traffic on 1/100 of the servers
  const resolved = bundled('seed-gpt3-inference');
  const svc = resolved.services[0]!;
  const stream = svc.streams[0]!;
  const tokens = (stream.spec.prompt_tokens as { value: number }).value;
  const conversationsPerS = meanRate(stream) * SCALE;
  // FLOPs per second the traffic needs / useful FLOP/s of one server.
  const serversNeeded = (conversationsPerS * tokens * 2 * svc.model.params) / (svc.hardware.peakFlops * svc.hardware.computeEfficiency);

  it('needs about 3,457 DGX-2 servers at 30% effective compute', () => {
    expect(conversationsPerS).toBeCloseTo((25e6 * 10) / 86400, 6);
    expect(Math.round(serversNeeded)).toBe(3457);
  });

  it('shows the queueing delay users see with fewer servers', () => {
    const text = readFileSync(repoPath('scenarios/seed-gpt3-inference.yaml'), 'utf8');
    const at = (fraction: number) => {
      const servers = Math.round((fraction * serversNeeded) / SCALE);
      const r = simulate(scenarioFromText(text.replace(/count: 36\b/g, `count: ${servers}`)));
      return { servers, ...r.services[0]! };
    };
    const base = simulate(resolved).services[0]!; // 36 servers: 104% of the need
    const enough = at(1.1);
    const short = at(0.9);
    // Enough servers: sub-second waits; 10% short: the queue grows through the hour (minutes).
    expect(enough.queueing_delay_mean_s).toBeLessThan(0.5);
    expect(base.queueing_delay_mean_s).toBeLessThan(2);
    expect(short.queueing_delay_mean_s).toBeGreaterThan(100 * base.queueing_delay_mean_s);
    expect(short.queueing_delay_p99_s).toBeGreaterThan(300);
    expect(short.requests_unfinished).toBeGreaterThan(1000);
    // Served tokens at the modelled efficiency: the effective compute ratio is the 30% given.
    expect(base.effective_compute_ratio).toBeGreaterThan(0.28);
    expect(base.effective_compute_ratio).toBeLessThanOrEqual(0.3);
  });
});

describe('diurnal load on two sites with training (scenarios/inference-diurnal.yaml)', () => {
  it('autoscales with preemption at the peaks, training fills the gaps, both sides report', () => {
    const r = simulate(bundled('inference-diurnal'));
    const s = r.services[0]!;
    expect(s.requests).toBeGreaterThan(100_000);
    expect(s.replicas_max).toBeGreaterThan(2 * 2);
    expect(s.replicas_mean).toBeLessThan(s.replicas_max);
    expect(s.slo_attainment).toBeGreaterThan(0.9);
    expect(s.effective_compute_ratio).toBeGreaterThan(0);
    expect(r.summary.preemptions).toBeGreaterThan(0);
    expect(r.summary.jobs_completed).toBeGreaterThan(5);
    // The pool's ECR counts both training and served tokens.
    expect(r.summary.utilisation).toBeGreaterThan(0.5);
  });
});

describe('request rows', () => {
  const text = toyScenario({ replicas: 3, maxBatch: 4, rate: 50, count: 2000, output: '{ distribution: exponential, mean: 20 }', balancer: 'power-of-two' });
  const collect = (seed?: number, sampleRate?: number) => {
    let csv = csvLine(REQUEST_COLUMNS);
    let n = 0;
    simulate(scenarioFromText(text), {
      ...(seed !== undefined ? { seed } : {}),
      ...(sampleRate !== undefined ? { requestSampleRate: sampleRate } : {}),
      requestSink: (row) => {
        n++;
        csv += csvLine(rowValues(row, REQUEST_COLUMNS));
        expect(row.ttft_s).toBeGreaterThanOrEqual(row.queueing_delay_s);
        expect(row.e2e_latency_s).toBeGreaterThanOrEqual(row.ttft_s);
      },
    });
    return { csv, n };
  };

  it('are byte-identical for one seed, different for another, and can be sampled', () => {
    const a = collect();
    expect(a.n).toBe(2000);
    expect(collect().csv).toBe(a.csv);
    expect(collect(7).csv).not.toBe(a.csv);
    const sampled = collect(undefined, 0.1);
    expect(sampled.n).toBeGreaterThan(150);
    expect(sampled.n).toBeLessThan(250);
  });

  it('add the network latency to the site both ways', () => {
    const twoSite = `name: net
network: ideal
devices:
  toy: { peak: 1EFLOPS, memory: 1000GB, memory_bandwidth: 200GB/s, busy_power: 100W, idle_power: 10W, efficiency: 1, devices_per_node: 1, interconnect: { name: x, bandwidth: 100GB/s, latency: 1us } }
datacentres:
  - { name: near, node_groups: [{ count: 1, device: toy }] }
  - { name: far, node_groups: [{ count: 1, device: toy }] }
services:
  - name: s
    model: { params: 1B, kv_bytes_per_token: 0 }
    replicas: { count: 1, device: toy, datacentre: far, memory_efficiency: 1, step_overhead: 0 }
    max_batch: 1
    regions: { eu: { far: 40ms } }
    streams:
      - { region: eu, arrival: { process: poisson, rate: 1/s }, prompt_tokens: 10, output_tokens: 5, count: 20 }
`;
    const rows: { ttft_s: number; e2e_latency_s: number; finish_s: number; arrival_s: number; first_token_s: number; start_s: number; queueing_delay_s: number }[] = [];
    simulate(scenarioFromText(twoSite), { requestSink: (r) => void rows.push(r) });
    for (const r of rows) {
      expect(r.e2e_latency_s).toBeCloseTo(r.finish_s - r.arrival_s + 0.04, 9);
      expect(r.ttft_s).toBeCloseTo(r.first_token_s - r.arrival_s + 0.04, 9);
      expect(r.start_s - r.arrival_s).toBeGreaterThanOrEqual(0.04 - 1e-12);
    }
  });
});

describe('request streams', () => {
  const rateOf = (arrival: string, count = 20000) => {
    let first = Infinity;
    let last = 0;
    let n = 0;
    simulate(scenarioFromText(toyScenario({ replicas: 1, maxBatch: 64, arrival, count, output: '1', prompt: '1' })), {
      requestSink: (r) => {
        n++;
        first = Math.min(first, r.arrival_s);
        last = Math.max(last, r.arrival_s);
      },
    });
    return (n - 1) / (last - first);
  };

  it('gamma and on/off streams keep their mean rates', () => {
    expect(rateOf('{ process: gamma, rate: 5/s, cv: 3 }') / 5).toBeCloseTo(1, 1);
    expect(rateOf('{ process: on-off, rate: 10/s, on: 10s, off: 30s }') / 2.5).toBeCloseTo(1, 1);
  });

  it("says that an on-off stream's rate is its on periods' (it read 'Mean request rate': a user giving the mean got on / (on + off) of it)", () => {
    expect(scenarioReference()).toMatch(/^\| `services\[\]\.streams\[\]\.arrival\.rate` \|.*on-off: the rate during an on period, so the mean is rate x on \/ \(on \+ off\)/m);
  });

  it('a diurnal stream follows its profile (thinning)', () => {
    const hourly = Array.from({ length: 24 }, (_, h) => (h >= 12 && h < 18 ? 0.2 : 0.02));
    let day = 0;
    let night = 0;
    simulate(scenarioFromText(toyScenario({ arrival: `{ process: diurnal, hourly: [${hourly.join(', ')}] }`, count: 100000, output: '1', prompt: '1' }).replace('count: 100000', 'until: 2d')), {
      requestSink: (r) => {
        const h = (r.arrival_s % 86400) / 3600;
        if (h >= 12 && h < 18) day++;
        else night++;
      },
    });
    // Expected per two days: 2 x 6 h x 0.2/s = 8640 by day, 2 x 18 h x 0.02/s = 2592 by night.
    expect(day / 8640).toBeCloseTo(1, 1);
    expect(night / 2592).toBeCloseTo(1, 1);
  });

  it('replays a trace, inline or through the caller\'s file reader', () => {
    const csv = 'timestamp,prompt_tokens,output_tokens\n100,10,3\n100.5,20,4\n102,5,1\n';
    const inline = toyScenario({ arrival: `{ process: trace, csv: "${csv.replace(/\n/g, '\\n')}" }` });
    const rows: { arrival_s: number; prompt_tokens: number; output_tokens: number }[] = [];
    simulate(scenarioFromText(inline), { requestSink: (r) => void rows.push(r) });
    expect(rows.map((r) => [r.arrival_s, r.prompt_tokens, r.output_tokens])).toEqual([
      [0, 10, 3],
      [0.5, 20, 4],
      [2, 5, 1],
    ]);
    const fromFile = toyScenario({ arrival: '{ process: trace, file: reqs.csv }' });
    const resolved = loadScenario(fromFile, 'dir/s.yaml', { readFile: (p: string) => (p === 'dir/reqs.csv' ? csv : ''), baseDir: 'dir' });
    expect(resolved.services[0]!.streams[0]!.trace!.timeS.length).toBe(3);
  });

  it('skips a bad row, counts it by reason and reports its line, instead of refusing the whole trace', () => {
    const csv = 'timestamp,prompt_tokens,output_tokens\n0,10,3\nsoon,20,4\n1,5,0\n2,7,2\n3,8\n';
    const resolved = loadScenario(toyScenario({ arrival: '{ process: trace, file: reqs.csv }' }), 'dir/s.yaml', { readFile: (p: string) => (p === 'dir/reqs.csv' ? csv : ''), baseDir: 'dir' });
    const rows: { arrival_s: number; prompt_tokens: number }[] = [];
    simulate(resolved, { requestSink: (r) => void rows.push(r) });
    expect(rows.map((r) => [r.arrival_s, r.prompt_tokens]).sort((a, b) => a[0]! - b[0]!)).toEqual([
      [0, 10],
      [2, 7],
    ]);
    expect(resolved.warnings.map((w) => `${w.line}: ${w.path}: ${w.message}`)).toEqual([
      // At the scenario's line for the field; the trace's own line inside the message.
      `${resolved.src.issue(['services', 0, 'streams', 0, 'arrival', 'file'], '').line}: services[0].streams[0].arrival.file: 3 of 5 rows skipped: 3 rows with a bad timestamp or token count (first at reqs.csv:3: column timestamp: expected a number in s, >= 0, got "soon")`,
    ]);
  });
});

describe('input errors', () => {
  const problems = (text: string): string[] => {
    try {
      scenarioFromText(text);
    } catch (e) {
      if (e instanceof InputError) return e.issues.map((i) => `${i.line}: ${i.path}: ${i.message}`);
      throw e;
    }
    return [];
  };

  it('are located: unknown region, missing latency, weights that do not fit, bad balancer', () => {
    const base = toyScenario();
    expect(problems(base.replace('    streams:\n      - arrival', '    regions: { eu: { dc: 5ms } }\n    streams:\n      - region: us\n        arrival'))[0]).toMatch(/services\[0\]\.streams\[0\]\.region: unknown region 'us'/);
    expect(problems(base.replace('    streams:\n      - arrival', '    regions: { eu: { elsewhere: 5ms } }\n    streams:\n      - region: eu\n        arrival')).join('\n')).toMatch(/unknown data centre 'elsewhere'[\s\S]*needs its latency to 'dc'/);
    expect(problems(base.replace('params: 1B', 'params: 700B')).join('\n')).toMatch(/replicas\.tensor_parallel: the weights \(1303\.9 GiB\) do not fit/);
    expect(problems(base.replace('count: 1, device: toy, datacentre: dc', 'autoscale: { min: 1, max: 2 }, device: toy, datacentre: dc')).join('\n')).toMatch(/exactly one of `target_queue`/);
    expect(() => simulate(scenarioFromText(base.replace('balancer: round-robin', 'balancer: round-robbin')))).toThrow(/unknown load balancer 'round-robbin' \(did you mean 'round-robin'\?\)/);
  });
});

describe('bundled inference scenarios: service rows match their golden files', () => {
  it.each(['seed-gpt3-inference', 'inference-diurnal', 'inference-disaggregated', 'inference-prefix-cache', 'inference-chunked-prefill', 'inference-azure-trace', 'inference-disaggregated-autoscale'])('%s', (name) => {
    const r = simulate(bundled(name));
    let csv = csvLine(SERVICE_COLUMNS);
    for (const row of r.services) csv += csvLine(rowValues(row, SERVICE_COLUMNS));
    const path = repoPath(`test/golden/${name}.services.csv`);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, csv);
    expect(csv).toBe(readFileSync(path, 'utf8'));
  });
});
