// SLO attainment counted completed requests only: requests rejected on arrival and requests still
// in flight at the end, however far past an objective, were left out, so a service that leaves
// requests unserved looked better. Now rejected requests and in-flight ones already past an
// objective are misses; in-flight ones still within every objective are left out.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { addWaitingQueueing, addWaitingTtft, hasMissed, sloAttainment, SloTally } from '../src/sim/inference/slo-tally.js';
import { formatServices } from '../src/cli/service-table.js';
import { InferenceRequest } from '../src/sim/inference/replica.js';
import { simulate } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';

const request = (arrivalS: number, outputTokens: number, firstTokenS = Number.NaN): InferenceRequest => {
  const r = new InferenceRequest(0, 0, arrivalS, 100, outputTokens, [0]);
  r.firstTokenS = firstTokenS;
  return r;
};

describe('what an unfinished request has already missed', () => {
  it('TTFT: waiting past the objective (plus the latency still to come), or a first token that came late', () => {
    expect(hasMissed(request(0, 10), 2, { ttft: 1 }, 0, 0)).toBe(true);
    expect(hasMissed(request(0, 10), 0.9, { ttft: 1 }, 0, 0)).toBe(false);
    expect(hasMissed(request(0, 10), 0.9, { ttft: 1 }, 0.2, 0.2)).toBe(true); // its token cannot reach the client before 1.1 s
    expect(hasMissed(request(0, 10, 1.5), 2, { ttft: 1 }, 0, 0)).toBe(true);
    expect(hasMissed(request(0, 10, 0.5), 2, { ttft: 1 }, 0, 0)).toBe(false);
  });

  it('TPOT: the tokens still to come make it at least (end - first token) / (n - 1)', () => {
    expect(hasMissed(request(0, 11, 1), 3, { tpot: 0.1 }, 0, 0)).toBe(true); // 2 s / 10 tokens = 0.2 s at least
    expect(hasMissed(request(0, 11, 1), 1.5, { tpot: 0.1 }, 0, 0)).toBe(false);
    expect(hasMissed(request(0, 11), 3, { tpot: 0.1 }, 0, 0)).toBe(false); // no token yet: unknown
  });

  it('end to end: the end plus the latency already past it', () => {
    expect(hasMissed(request(0, 10, 0.1), 30, { e2e: 20 }, 0, 0)).toBe(true);
    expect(hasMissed(request(0, 10, 0.1), 10, { e2e: 20 }, 0, 0)).toBe(false);
  });

  it('attainment counts rejected and known misses in flight; NaN when nothing is known', () => {
    expect(sloAttainment(8, 10, 0, 0)).toBe(0.8);
    expect(sloAttainment(8, 10, 5, 5)).toBe(0.4);
    expect(sloAttainment(0, 0, 0, 0)).toBeNaN();
  });

  it('keeps the requests in flight as they come and go', () => {
    const t = new SloTally();
    const rs = [request(0, 10), request(0, 10), request(0, 10), request(5, 10)];
    for (const r of rs) t.admit(r);
    t.leave(rs[0]!);
    t.leave(rs[2]!);
    expect(rs.map((r) => r.liveSlot)).toEqual([-1, 1, -1, 0]);
    // At 3 s with a 1 s TTFT objective: rs[1] (since 0) has missed, rs[3] (arrives at 5) has not.
    expect(t.missedInFlight(3, { ttft: 1 }, () => 0, () => 0)).toBe(1);
  });
});

describe('an overloaded disaggregated service (1 prefill : 1 decode replica)', () => {
  it('counts its requests stuck past the objectives as misses, below the completed-only share', () => {
    const text = readFileSync(new URL('../scenarios/inference-disaggregated.yaml', import.meta.url), 'utf8')
      .replace('prefill: { count: 4,', 'prefill: { count: 1,')
      .replace('decode: { count: 8,', 'decode: { count: 1,');
    const s = simulate(scenarioFromText(text)).services[0]!;
    expect(s.requests_unfinished).toBeGreaterThan(500);
    const met = s.goodput_rps * 600; // goodput is met requests per second of the 10-minute horizon
    const completedOnly = met / s.requests;
    expect(completedOnly).toBeCloseTo(0.2409, 4);
    expect(s.slo_attainment).toBeCloseTo(0.2145, 4);
    // The misses in flight: met / attainment - completed, between 0 and every unfinished request.
    const missed = met / s.slo_attainment - s.requests - s.requests_rejected;
    expect(missed).toBeGreaterThan(50);
    expect(missed).toBeLessThanOrEqual(s.requests_unfinished + 1e-6);
  });
});

describe('time to first token of requests still waiting for it', () => {
  it('counts each at its wait so far plus the latency still to come, and only those without a first token', () => {
    const t = new SloTally();
    const waiting = request(2, 10);
    const started = request(1, 10, 1.5);
    t.admit(waiting);
    t.admit(started);
    const got: number[] = [];
    expect(addWaitingTtft(t, 10, () => 0.25, { add: (x) => void got.push(x) })).toBe(1);
    expect(got).toEqual([8.25]);
  });

  it('an overloaded prefill pool: its TTFT p99 counts the prompts still queued, and the summary says so', () => {
    // One prefill replica at 6 prompts/s of ~1,900 tokens is loaded to ~88%; three times the rate swamps it.
    const text = readFileSync(new URL('../scenarios/inference-disaggregated.yaml', import.meta.url), 'utf8').replace('prefill: { count: 4,', 'prefill: { count: 1,');
    const rate = /rate: ([0-9.]+)\/s/.exec(text);
    expect(rate).not.toBeNull();
    const swamped = text.replace(rate![0], `rate: ${3 * Number(rate![1])}/s`);
    const s = simulate(scenarioFromText(swamped)).services[0]!;
    expect(s.requests_unfinished).toBeGreaterThan(1000);
    // Requests queued for minutes at the end (FIFO: about as long as the completed ones' tail).
    expect(s.ttft_p99_s).toBeGreaterThan(300);
    const table = formatServices([s]);
    expect(table).toContain('(requests in flight without a first token at their wait so far: at least these)');
    expect(table).toContain('count as misses');
    // Its queueing delay counts the prompts still queued too, at their wait so far (it was over the
    // completed ones only). FIFO at a steady overload makes both sets'
    // waits alike here; with the queued ones left out a backlog that builds late went unseen.
    expect(s.queueing_delay_mean_s).toBeCloseTo(170.666, 2);
    expect(s.queueing_delay_p99_s).toBeGreaterThan(300);
    expect(table).toContain('(requests not started at the end at their wait so far: at least these)');
  });
});

describe('queueing delay of requests not started at the end', () => {
  it('counts each one not started, queued or still on its way, at its wait since its arrival at the balancer', () => {
    const t = new SloTally();
    const queued = request(2, 10);
    queued.atReplicaS = 2.5;
    const started = request(1, 10);
    started.atReplicaS = 1.5;
    started.startS = 4;
    const onItsWay = request(9.9, 10);
    t.admit(queued);
    t.admit(started);
    t.admit(onItsWay);
    const got: number[] = [];
    expect(addWaitingQueueing(t, 10, { add: (x) => void got.push(x) })).toBe(2);
    expect(got.map((x) => Number(x.toFixed(9)))).toEqual([8, 0.1]);
  });
});
