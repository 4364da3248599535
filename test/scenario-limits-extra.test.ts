// Two ways a scenario that `validate` accepted still ran wrong or forever: failure and straggler
// keys that name a device kind by an alias (or a typo) silently failed nothing, and an on/off
// request stream with short periods spun for hours (or forever) while the size estimate saw a few requests.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { InputError } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const POOL = `datacentres:
  - name: east
    node_groups:
      - { count: 2, device: H100 }
`;
const JOB = 'workloads:\n  - jobs: [{ name: a, devices: 8, duration: 1h, reference_device: H100 }]\n';

function problems(text: string): string {
  try {
    loadScenario(text, 'bad.yaml');
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('expected the scenario to be refused');
}

describe('failures and stragglers are keyed by device kind, resolved as node groups are', () => {
  const withFailures = (failures: string): string => `name: f\nhorizon: 10s\n${POOL}failures: ${failures}\n${JOB}`;

  it('an alias or another case of the pool kind fails the same devices as its name', () => {
    const runs = ['H100', 'H100-SXM', 'h100'].map((key) => runToCsv(scenarioFromText(withFailures(`{ devices: { ${key}: { mtbf: 10s } } }`))));
    // Before, only the exact name 'H100' failed anything: the others ran without failures, exit 0.
    expect(runs[0]!.summary.failures).toBeGreaterThan(0);
    for (const r of runs) expect(r.summaryCsv).toBe(runs[0]!.summaryCsv);
  });

  it('stragglers under an alias slow the job as under the kind name', () => {
    const run = (key: string) => runToCsv(scenarioFromText(`name: s\n${POOL}failures: { stragglers: { ${key}: { fraction: 1, slowdown: 0.5 } } }\n${JOB}`));
    const exact = run('H100');
    expect(run('h100-sxm').summaryCsv).toBe(exact.summaryCsv);
    expect(exact.jobs[0]!.finish_s).toBeGreaterThan(3600 * 1.9);
  });

  it('a key naming no kind, a kind outside the pool, or one kind twice is refused, located', () => {
    expect(problems(withFailures('{ devices: { H10: { mtbf: 10s } } }'))).toMatch(/bad\.yaml:\d+:\d+: failures\.devices\.H10: unknown device kind 'H10' \(did you mean 'H100'\?\); the pool has H100/);
    expect(problems(withFailures('{ devices: { A100-80GB: { mtbf: 10s } } }'))).toMatch(/failures\.devices\.A100-80GB: no node group has 'A100-80GB' devices, so they would never fail; the pool has H100/);
    expect(problems(withFailures('{ stragglers: { H200: { fraction: 0.1, slowdown: 0.5 } } }'))).toMatch(/failures\.stragglers\.H200: no node group has 'H200' devices, so they would never straggle/);
    expect(problems(withFailures('{ devices: { H100: { mtbf: 10s }, h100: { mtbf: 20s } } }'))).toMatch(/failures\.devices\.h100: 'h100' and 'H100' are the same device kind \(H100\): give it once/);
  });

  it('the size estimate counts failures keyed by an alias', () => {
    const events = (key: string): number => scenarioFromText(`name: f\nhorizon: 1d\n${POOL}failures: { devices: { ${key}: { mtbf: 1ms } } }\n${JOB}`).size.events;
    // 16 devices x 86,400 s / 1 ms, a failure and a repair each; before, the alias counted none.
    expect(events('H100-SXM')).toBe(2 * 16 * 86_400_000 + 2);
    expect(events('h100')).toBe(events('H100'));
  });
});

describe('on/off and diurnal request streams: draws that make no request count toward the run size', () => {
  const svc = (arrival: string, horizon = '1d'): string =>
    `name: onoff\nhorizon: ${horizon}\n${POOL}services:\n  - name: chat\n    model: { params: 8B }\n    replicas: { count: 1, device: H100, datacentre: east }\n    streams:\n      - { arrival: ${arrival} }\n`;

  it('periods of 1e-300 s never advance time: refused, where the run used to hang after validate said valid', () => {
    expect(problems(svc("{ process: on-off, rate: 1/h, on: '1e-300s', off: '1e-300s' }"))).toMatch(/services\[0\]\.streams: this run would take about .* events.*arrival draws \(on\/off periods, thinned candidates\).*longer on\/off periods/);
  });

  it('periods of 1 us over a day: 4e10 draws for 24 requests, refused', () => {
    expect(problems(svc('{ process: on-off, rate: 1/h, on: 1us, off: 1us }'))).toMatch(/12 requests to service 'chat'.* and 43,200,000,000 arrival draws/);
  });

  it('ordinary on/off and diurnal streams stay accepted and the estimate counts their draws', () => {
    const r = scenarioFromText(svc('{ process: on-off, rate: 10/s, on: 1min, off: 1min }'));
    // 432,000 requests x 5 events, plus 720 periods.
    expect(r.size.events).toBeCloseTo(432_000 * 5 + 720, -2);
    const d = scenarioFromText(svc('{ process: diurnal, peak: 2/s }'));
    // Mean rate 1/s: 86,400 requests and as many rejected candidates.
    expect(d.size.events).toBeCloseTo(86_400 * 6, -2);
  });
});
