// Energy, cost and carbon: busy and idle power, host overhead, PUE, and daily price and carbon
// profiles integrated hour by hour.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatSummary } from '../src/cli/summary-table.js';
import { metricDef } from '../src/experiment/metric-table.js';
import { resolvePolicies } from '../src/policy/registry.js';
import { InputError } from '../src/scenario/errors.js';
import { hourOverlap, SUMMARY_COLUMNS } from '../src/sim/metrics.js';
import { profileMeanOver } from '../src/model/daily-profile.js';
import { repoPath, runToCsv, scenarioFromText } from './helpers.js';

describe('hour-of-day accounting', () => {
  it('splits an interval over the hours of the day, whole days included', () => {
    const out = new Float64Array(24);
    hourOverlap(1800, 3 * 3600 + 600, out);
    expect(out[0]).toBe(1800);
    expect(out[1]).toBe(3600);
    expect(out[2]).toBe(3600);
    expect(out[3]).toBe(600);
    hourOverlap(23 * 3600, 23 * 3600 + 2 * 86400 + 7200, out);
    expect(out[23]).toBe(2 * 3600 + 3600);
    expect(out[0]).toBe(2 * 3600 + 3600);
    expect(out[5]).toBe(2 * 3600);
    expect(out.reduce((a, b) => a + b, 0)).toBe(2 * 86400 + 7200);
  });
});

describe('energy, cost and carbon', () => {
  const pool = (price: string, carbon: string) => `name: energy
network: ideal
datacentres:
  - name: dc
    pue: 1.5
    electricity_price: ${price}
    carbon_intensity: ${carbon}
    node_groups: [{ count: 1, device: H100, host_power: 2kW }]
workloads:
  - jobs:
      - { name: j, devices: 4, duration: 6h, reference_device: H100 }
`;
  const profile = (first6: number, rest: number): string => `[${[...Array(24)].map((_, h) => (h < 6 ? first6 : rest)).join(', ')}]`;

  it('busy devices at busy power, idle ones at idle power, host overhead always, times PUE', () => {
    const r = runToCsv(scenarioFromText(pool('0.1', '0.5'))).summary;
    // 4 busy H100 (700 W) and 4 idle (70 W, what nvidia-smi reads on an idle H100) for 6 h, plus a 2 kW host, at PUE 1.5.
    const kwh = ((4 * 700 + 4 * 70 + 2000) * 6 * 1.5) / 1000;
    expect(r.energy_kwh).toBeCloseTo(kwh, 6);
    expect(r.energy_cost).toBeCloseTo(kwh * 0.1, 6);
    expect(r.co2_kg).toBeCloseTo(kwh * 0.5, 6);
  });

  it('devices a training job holds without progress (writing a preemption checkpoint, restoring, cut off at rate 0) draw idle power', () => {
    // 8 H100 (700 W busy, 70 W idle), PUE 1. 'low' runs 0-2h, is preempted, writes its checkpoint
    // for 60 s, waits while 'high' runs 1 h, then restores for 60 s before its last 8 h: of its
    // 36,120 s held, 120 s run nothing. They were charged 700 W: 61.787 kWh instead of 61.619.
    const text = `name: held-idle
network: ideal
preemption: { checkpoint: 60s, restore: 60s }
datacentres:
  - name: dc
    pue: 1.0
    node_groups: [{ count: 1, device: H100 }]
workloads:
  - jobs:
      - { name: low, devices: 8, duration: 10h, reference_device: H100, priority: 0 }
      - { name: high, devices: 8, duration: 1h, reference_device: H100, priority: 1, submit: 2h }
`;
    const r = runToCsv(scenarioFromText(text), { policies: resolvePolicies({ name: 'priority', params: { preemptive: true } }, { name: 'first-fit', params: {} }) });
    expect(r.summary.makespan_s).toBeCloseTo(39720, 6);
    const busyS = 39720 - 120;
    expect(r.summary.energy_kwh).toBeCloseTo((8 * (700 * busyS + 70 * 120)) / 3.6e6, 9);
    // Utilisation still counts the held time as allocated.
    expect(r.summary.utilisation).toBeCloseTo(1, 12);
  });

  describe('every checkpoint write draws idle power: periodic, on preemption and final alike', () => {
    // 8 H100 (700 W busy, 70 W idle), PUE 1. Checkpoints: 300 s after each hour of compute, a final
    // one of 100 s; a preemption writes 60 s and restores 60 s. 'low' (2 h of compute) computes to
    // 3,600 s and writes its periodic checkpoint to 3,900 s, computes to 5,000 s, is preempted and
    // writes to 5,060 s; 'high' (30 min) computes to 6,860 s and writes its final one to 6,960 s;
    // 'low' restores to 7,020 s, computes its last 2,500 s to 9,520 s and writes its final one to
    // 9,620 s. Of the 9,620 s, 9,000 are compute (busy power) and 620 writing or restoring (idle).
    // The periodic write drew busy power before, the others idle: 8 x (700 x 9,300 + 70 x 320).
    const text = (price: string) => `name: checkpoint-power
network: ideal
preemption: { checkpoint: 60s, restore: 60s }
checkpointing: { interval: 1h, cost: 300s, final_cost: 100s }
datacentres:
  - name: dc
    pue: 1.0
    electricity_price: ${price}
    node_groups: [{ count: 1, device: H100 }]
workloads:
  - jobs:
      - { name: low, devices: 8, duration: 2h, reference_device: H100, priority: 0 }
      - { name: high, devices: 8, duration: 30min, reference_device: H100, priority: 1, submit: 5000s }
`;
    const run = (price: string) => runToCsv(scenarioFromText(text(price)), { policies: resolvePolicies({ name: 'priority', params: { preemptive: true } }, { name: 'first-fit', params: {} }) });
    const kwh = (busyS: number, idleS: number): number => (8 * (700 * busyS + 70 * idleS)) / 3.6e6;

    it('energy: 9,000 s busy, 620 s idle', () => {
      const r = run('0.1');
      expect(r.summary.makespan_s).toBeCloseTo(9620, 6);
      expect(r.jobs.find((j) => j.job_id === 'low')!.checkpoint_overhead_s).toBeCloseTo(300 + 60 + 100, 6);
      expect(r.summary.checkpoint_overhead_s).toBeCloseTo(300 + 60 + 100 + 100, 6);
      expect(r.summary.energy_kwh).toBeCloseTo(kwh(9000, 620), 9);
      expect(r.summary.energy_cost).toBeCloseTo(0.1 * kwh(9000, 620), 9);
      // Utilisation still counts the writing as allocated.
      expect(r.summary.utilisation).toBeCloseTo(1, 12);
    });

    it('priced hour by hour where each write was: the periodic one in the second hour, not spread over its stretch', () => {
      // Hour 0: 3,600 s computing. Hour 1: the periodic write (300 s), 1,100 s compute, the
      // preemption's write (60), 'high' 1,800 s and its final write (100), the restore (60), 180 s
      // compute. Hour 2 (to 9,620 s): 2,320 s compute and the final write (100).
      const price = `[1, 10, 100${', 0'.repeat(21)}]`;
      const r = run(price);
      expect(r.summary.energy_kwh).toBeCloseTo(kwh(9000, 620), 9);
      expect(r.summary.energy_cost).toBeCloseTo(kwh(3600, 0) + 10 * kwh(3080, 520) + 100 * kwh(2320, 100), 9);
    });
  });

  it('a job cut off by a leaf failure holds its 16 devices at rate 0 until the repair: idle power for those 7,200 s', () => {
    const text = `name: cut-off
seed: 1
datacentres:
  - name: dc
    pue: 1.0
    fabric: IB-NDR
    node_groups: [{ name: h, count: 2, device: H100 }]
workloads:
  - jobs:
      - { name: j, devices: 16, device_kinds: [H100], params: 1B, tokens: 20B }
failures:
  fabric:
    events:
      - { at: 1h, switch: 'leaf:dc:0', repair: 2h }
`;
    const r = runToCsv(scenarioFromText(text));
    const endS = r.summary.makespan_s;
    // Stopped at 1 h, placed again at once on its nodes, no path until 3 h (its 60 s restore inside that wait).
    expect(r.summary.utilisation).toBeCloseTo(1, 12);
    expect(r.summary.energy_kwh).toBeCloseTo((16 * (700 * (endS - 7200) + 70 * 7200)) / 3.6e6, 6);
  });


  it('a failed node draws idle power and its host power until it is repaired (an upper bound: it may be powered off)', () => {
    // One node of 8 H100 (700 W busy, 70 W idle) and a 1 kW host, PUE 1.25; a 10 h job, node
    // failures every 8 h on average, each repaired in 5 h. The only node is down 3 x 5 h while the
    // job waits (its queueing delay): those hours draw 8 x 70 W + 1 kW, as an idle node's.
    const text = `name: down
seed: 3
network: ideal
datacentres:
  - name: dc
    pue: 1.25
    node_groups: [{ count: 1, device: H100, host_power: 1kW }]
workloads:
  - jobs:
      - { name: j, devices: 8, duration: 10h, reference_device: H100 }
failures:
  nodes: { mtbf: 8h, repair: 5h }
`;
    const r = runToCsv(scenarioFromText(text));
    const job = r.jobs.find((j) => j.job_id === 'j')!;
    const endS = r.summary.makespan_s;
    expect(r.summary.failures).toBe(3);
    expect(job.queueing_delay_s).toBeCloseTo(3 * 5 * 3600, 6);
    // Computing (busy power): the 10 h that counted and the work the failures lost, at the same rate.
    const computeS = 10 * 3600 * (1 + job.lost_pflop / job.useful_pflop);
    const kwh = ((8 * (700 * computeS + 70 * (endS - computeS)) + 1000 * endS) * 1.25) / 3.6e6;
    expect(r.summary.energy_kwh).toBeCloseTo(kwh, 6);
    // Down is not busy: utilisation counts only the device-time the job held.
    expect(r.summary.busy_device_hours).toBeLessThan((8 * (endS - 3 * 5 * 3600)) / 3600 + 1e-9);
  });
  it('a daily profile prices each hour at its own figure', () => {
    const r = runToCsv(scenarioFromText(pool(profile(0.3, 0), profile(0, 0.9)))).summary;
    const kwh = ((4 * 700 + 4 * 70 + 2000) * 6 * 1.5) / 1000;
    expect(r.energy_cost).toBeCloseTo(kwh * 0.3, 6); // the job ran in hours 0-5 only
    expect(r.co2_kg).toBeCloseTo(0, 9);
  });

  it('carbon-aware placement emits less than first-fit between a near dirty site and a remote green one, and the link latency costs compute', () => {
    const text = readFileSync(repoPath('scenarios/green-site.yaml'), 'utf8');
    const green = runToCsv(scenarioFromText(text)).summary;
    const firstFit = runToCsv(scenarioFromText(text.replace(/^placement: .*$/m, 'placement: first-fit'))).summary;
    expect(green.co2_kg).toBeLessThan(firstFit.co2_kg * 0.97);
    expect(green.energy_cost).toBeLessThan(firstFit.energy_cost);
    const far = runToCsv(scenarioFromText(text.replace('latency: 5ms', 'latency: 20ms'))).summary;
    const close = runToCsv(scenarioFromText(text.replace('latency: 5ms', 'latency: 100us'))).summary;
    expect(far.effective_compute_ratio_allocated).toBeLessThan(close.effective_compute_ratio_allocated);
  });

  it('site-aware weighs a daily profile over the hours the job is predicted to run, not its daily mean', () => {
    // A solar site at 0.02 kg/kWh from 08:00 to 17:00 and 0.4 otherwise (daily mean 0.2575), a wind
    // site at a flat 0.1. A 1 h job at 10:00 went to the wind site (its figure below the solar
    // site's mean) and emitted five times what the solar site would have; at 22:00 wind is right.
    const solar = [...Array(24)].map((_, h) => (h >= 8 && h < 17 ? 0.02 : 0.4));
    const text = (objective: string, field: string) => `name: profile-aware
network: ideal
datacentres:
  - { name: solar, ${field}: [${solar.join(', ')}], node_groups: [{ count: 1, device: H100 }] }
  - { name: wind, ${field}: 0.1, node_groups: [{ count: 1, device: H100 }] }
workloads:
  - jobs:
      - { name: noon, devices: 8, duration: 1h, reference_device: H100, submit: 34h }
      - { name: night, devices: 8, duration: 1h, reference_device: H100, submit: 22h }
placement: { name: site-aware, params: { objective: ${objective} } }
`;
    for (const [objective, field] of [['carbon', 'carbon_intensity'], ['cost', 'electricity_price']] as const) {
      const r = runToCsv(scenarioFromText(text(objective, field)));
      expect(r.jobs.find((j) => j.job_id === 'noon')!.datacentre, objective).toBe('solar');
      expect(r.jobs.find((j) => j.job_id === 'night')!.datacentre, objective).toBe('wind');
    }
  });

  it("a profile's mean over a window: hour by hour, whole days at the daily mean", () => {
    const p = [...Array(24)].map((_, h) => h);
    expect(profileMeanOver(p, 10 * 3600, 3600)).toBe(10);
    expect(profileMeanOver(p, 10.5 * 3600, 3600)).toBeCloseTo(10.5, 12);
    expect(profileMeanOver(p, 23 * 3600, 2 * 3600)).toBeCloseTo(11.5, 12); // 23 then 0 of the next day
    expect(profileMeanOver(p, 5 * 3600, 86400)).toBeCloseTo(11.5, 12);
    expect(profileMeanOver(p, 49 * 3600, 0)).toBe(1);
    expect(profileMeanOver(p, 0, Infinity)).toBeCloseTo(11.5, 12);
  });

  // Two sites, one job each; `north` and `south` blocks are spliced in as given.
  const twoSites = (north: string, south: string, placement = 'first-fit') => `name: energy-two
network: ideal
datacentres:
  - name: north
${north}    node_groups: [{ count: 1, device: H100 }]
  - name: south
${south}    node_groups: [{ count: 1, device: H100 }]
workloads:
  - jobs:
      - { name: a, devices: 8, duration: 2h, reference_device: H100 }
      - { name: b, devices: 8, duration: 2h, reference_device: H100 }
placement: ${placement}
`;
  const cell = (csv: string, column: string): string => {
    const [head, row] = csv.trim().split('\n');
    return row!.split(',')[head!.split(',').indexOf(column)]!;
  };

  it('a pool without a price or carbon figure leaves cost and CO2 empty, not 0, and says so', () => {
    const resolved = scenarioFromText(twoSites('', ''));
    expect(resolved.warnings).toEqual([]);
    const r = runToCsv(resolved);
    expect(r.summary.energy_kwh).toBeGreaterThan(0);
    expect(Number.isNaN(r.summary.energy_cost)).toBe(true);
    expect(Number.isNaN(r.summary.co2_kg)).toBe(true);
    expect(SUMMARY_COLUMNS).toContain('energy_cost');
    expect(cell(r.summaryCsv, 'energy_cost')).toBe('');
    expect(cell(r.summaryCsv, 'co2_kg')).toBe('');
    const line = formatSummary(r.summary).split('\n').find((l) => l.trim().startsWith('energy'))!;
    expect(line).toContain('cost and CO2 not counted (electricity_price and carbon_intensity not given for every site)');
    expect(line).not.toMatch(/cost 0|0 kg/);
  });

  it('an explicit 0 is a figure: free, carbon-free energy costs 0', () => {
    const r = runToCsv(scenarioFromText(twoSites('    electricity_price: 0\n    carbon_intensity: 0\n', '    electricity_price: 0\n    carbon_intensity: 0\n')));
    expect(r.summary.energy_cost).toBe(0);
    expect(r.summary.co2_kg).toBe(0);
    expect(cell(r.summaryCsv, 'energy_cost')).toBe('0');
  });

  it("says what unit the cost is in: electricity_price's currency, which poolsim does not know", () => {
    // The summary printed 'cost 267.06' (quickstart) with no unit, read as dollars whatever the
    // sites' prices were in; the column's documented unit was 'cost'.
    const r = runToCsv(scenarioFromText(twoSites('    electricity_price: 0.1\n', '    electricity_price: 0.2\n')));
    const line = formatSummary(r.summary).split('\n').find((l) => l.trim().startsWith('energy'))!;
    expect(line).toMatch(/, cost [\d.,]+ \(electricity_price's currency\), CO2 not counted/);
    expect(metricDef('energy_cost')!.unit).toBe("electricity_price's currency");
    expect(metricDef('energy_cost')!.description).toMatch(/every site's price must be in the same one/);
  });

  it('a figure for one site and not the other is warned at the silent site, and the total left empty', () => {
    const resolved = scenarioFromText(twoSites('    electricity_price: 0.1\n    carbon_intensity: 0.4\n', ''));
    const messages = resolved.warnings.map((w) => `${w.line}: ${w.message}`);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^8: .*no electricity_price here while 'north' gives one: energy_cost is left empty/);
    expect(messages[1]).toMatch(/^8: .*no carbon_intensity here while 'north' gives one: co2_kg is left empty/);
    const r = runToCsv(resolved);
    expect(Number.isNaN(r.summary.energy_cost)).toBe(true);
    expect(Number.isNaN(r.summary.co2_kg)).toBe(true);
    // Only the price given everywhere: cost counted, CO2 not.
    const priced = runToCsv(scenarioFromText(twoSites('    electricity_price: 0.1\n', '    electricity_price: 0.2\n')));
    expect(priced.summary.energy_cost).toBeGreaterThan(0);
    expect(formatSummary(priced.summary)).toMatch(/cost [\d.,]+ \(electricity_price's currency\), CO2 not counted \(carbon_intensity not given for every site\)/);
  });

  it('site-aware placement refuses an objective whose figure a site lacks, before running, at its field', () => {
    for (const [objective, field, given] of [
      ['cost', 'electricity_price', '    carbon_intensity: 0.3\n'],
      ['carbon', 'carbon_intensity', '    electricity_price: 0.1\n'],
    ] as const) {
      const resolved = scenarioFromText(twoSites(given, given, `{ name: site-aware, params: { objective: ${objective} } }`));
      let caught: unknown;
      try {
        resolvePolicies(resolved.scenario.policy, resolved.scenario.placement, { src: resolved.src, pool: resolved.shape });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(InputError);
      const issue = (caught as InputError).issues[0]!;
      expect(issue.line).toBe(14);
      expect(issue.path).toBe("placement.params.objective");
      expect(issue.message).toContain(`objective '${objective}' compares the sites' ${field}, but data centres 'north', 'south' give none`);
      // The run route refuses the same way.
      expect(() => runToCsv(resolved)).toThrow(InputError);
    }
    // With every figure given, it runs.
    const ok = scenarioFromText(twoSites('    electricity_price: 0.1\n', '    electricity_price: 0.2\n', '{ name: site-aware, params: { objective: cost } }'));
    expect(runToCsv(ok).summary.jobs_completed).toBe(2);
  });
});
