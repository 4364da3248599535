// A service loaded above what its replicas serve has no steady state: its backlog grows for as long
// as requests arrive, and its delays with it. `run` printed such a service's finite mean queueing
// delay (6.86 min at 1.3x an M/D/1 replica's capacity over 1 h) beside stable ones' with nothing to
// tell them apart. backlog_growth_rps measures the growth; the terminal says 'unstable' where it is
// more than chance.
import { describe, expect, it } from 'vitest';
import { formatServices } from '../src/cli/service-table.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { arrivalWindow, backlogGrew, BacklogTrend } from '../src/sim/inference/backlog-trend.js';
import { runToCsv } from './helpers.js';
import { toyScenario } from './inference-helpers.js';

// One replica, batch 1, one output token after a 100-token prefill: a deterministic service time
// (an M/D/1 queue); the toy device's prefill is its weight read, 10 ms.
function run(rate: number, stream = 'until: 2000s', horizon = '') {
  const text = toyScenario({ rate, output: '1', count: 1_000_000 }).replace('count: 1000000', stream);
  const r = runToCsv(loadScenario(`${horizon}${text}`, 'toy.yaml')).services[0]!;
  return r;
}

describe('backlog growth (M/D/1 replica of 10 ms)', () => {
  it('is about 0 for a stable service and arrivals - completions above capacity', () => {
    const serviceS = run(1, 'count: 1').e2e_latency_p50_s;
    expect(serviceS).toBeGreaterThan(0.009);
    const stable = run(0.8 / serviceS);
    expect(Math.abs(stable.backlog_growth_rps)).toBeLessThan(0.05);
    const over = run(1.3 / serviceS);
    // 1.3 mu arrive, mu are served: the backlog grows by 0.3 mu a second.
    expect(over.backlog_growth_rps).toBeGreaterThan(0.25 / serviceS);
    expect(over.backlog_growth_rps).toBeLessThan(0.35 / serviceS);
  });

  it("the terminal says 'unstable' above capacity, and not below", () => {
    const serviceS = run(1, 'count: 1').e2e_latency_p50_s;
    for (const rho of [0.5, 0.9]) expect(formatServices([run(rho / serviceS)])).not.toMatch(/unstable/);
    const over = formatServices([run(1.05 / serviceS)]);
    expect(over).toMatch(/^ {2}unstable\s+requests outstanding grew from [\d,]+ half-way through the arrivals to [\d,]+ at their end \(\+[\d.]+\/s\): arrivals outpace what the replicas serve/m);
  });

  it('a horizon ends the arrival window; a stream ending on its count alone leaves it unbounded (empty)', () => {
    const serviceS = run(1, 'count: 1').e2e_latency_p50_s;
    const cut = run(1.3 / serviceS, 'count: 1000000', 'horizon: 1000s\n');
    expect(cut.backlog_growth_rps).toBeGreaterThan(0.25 / serviceS);
    expect(cut.backlog_growth_rps).toBeLessThan(0.35 / serviceS);
    expect(Number.isNaN(run(0.5 / serviceS, 'count: 1000').backlog_growth_rps)).toBe(true);
  });
});

describe('BacklogTrend', () => {
  it('takes the count before the first change at or after the middle and the end of the window', () => {
    const t = new BacklogTrend({ startS: 0, endS: 100 });
    t.admit(10, 0); // 1 outstanding
    t.admit(20, 1); // 2
    t.admit(50, 2); // at the middle: 2 before it, then 3
    t.change(60, 3); // a completion: 2
    t.admit(70, 2); // 3
    t.admit(100, 3); // at the end: 3 before it (not counted as a late arrival)
    const r = t.result(100, 4);
    expect(r).toEqual({ growthRps: (3 - 2) / 50, atMid: 2, atEnd: 3, admittedLate: 2 });
  });

  it('the window runs from the earliest start to the horizon or the latest until', () => {
    const streams = (specs: { start: number; until?: number }[]) => ({ streams: specs.map((spec) => ({ spec })) }) as unknown as Parameters<typeof arrivalWindow>[0];
    expect(arrivalWindow(streams([{ start: 10, until: 100 }, { start: 5, until: 50 }]), Infinity)).toEqual({ startS: 5, endS: 100 });
    expect(arrivalWindow(streams([{ start: 0, until: 100 }, { start: 0 }]), 60)).toEqual({ startS: 0, endS: 60 });
    expect(arrivalWindow(streams([{ start: 0 }]), Infinity).endS).toBe(Infinity);
    // A trace replayed without a horizon: its last row.
    const trace = { streams: [{ spec: { start: 10 }, trace: { timeS: Float64Array.from([0, 5, 40]) } }] } as unknown as Parameters<typeof arrivalWindow>[0];
    expect(arrivalWindow(trace, Infinity)).toEqual({ startS: 10, endS: 50 });
    expect(arrivalWindow(trace, 30)).toEqual({ startS: 10, endS: 30 });
  });

  it('calls growth beyond three standard deviations of the late arrivals more than chance', () => {
    expect(backlogGrew(100, 130, 100)).toBe(false);
    expect(backlogGrew(100, 131, 100)).toBe(true);
    expect(backlogGrew(0, 3, 0)).toBe(false);
  });
});
