// Failures, checkpoints and stragglers: lost work is redone and not useful twice; Young/Daly
// beats much shorter and longer intervals; turning failures off changes nothing else.
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../src/engine/random.js';
import { youngDalyIntervalS } from '../src/sim/simulation.js';
import { bundled, runToCsv, scenarioFromText } from './helpers.js';
import { readFileSync } from 'node:fs';
import { repoPath } from './helpers.js';

const text = (name: string): string => readFileSync(repoPath(`scenarios/${name}.yaml`), 'utf8');

describe('checkpoint intervals', () => {
  it('Young and Daly: sqrt(2dM) to first order, M when the cost reaches 2M', () => {
    expect(youngDalyIntervalS(60, 1e6)).toBeCloseTo(Math.sqrt(2 * 60 * 1e6) * (1 + Math.sqrt(60 / 2e6) / 3 + 60 / 2e6 / 9) - 60, 6);
    expect(Math.abs(youngDalyIntervalS(60, 1e6) - Math.sqrt(2 * 60 * 1e6)) / Math.sqrt(2 * 60 * 1e6)).toBeLessThan(0.02);
    expect(youngDalyIntervalS(500, 200)).toBe(200);
    expect(youngDalyIntervalS(0, 100)).toBe(Infinity);
  });

  it('Weibull failure gaps keep the configured mean', () => {
    const r = new RandomStream(3, 'weibull');
    let sum = 0;
    const n = 100_000;
    // Mean of Weibull(k, lambda) = lambda Gamma(1 + 1/k); the injector sets lambda from the mtbf.
    const k = 0.7;
    const lambda = 1000 / 1.2655; // Gamma(1 + 1/0.7) = 1.2655
    for (let i = 0; i < n; i++) sum += r.weibull(k, lambda);
    expect(sum / n).toBeGreaterThan(960);
    expect(sum / n).toBeLessThan(1040);
  });
});

describe('Llama 3-like reliability (16,384 H100, 54 days)', () => {
  const run = (interval?: string) => {
    const t = interval ? text('llama3-reliability').replace('interval: auto', `interval: ${interval}`) : text('llama3-reliability');
    return runToCsv(scenarioFromText(t)).jobs[0]!;
  };

  it('sees about the published 419 interruptions and keeps effective training time near "above 90%"', () => {
    const job = run();
    expect(job.status).toBe('completed');
    expect(job.failures).toBeGreaterThan(340);
    expect(job.failures).toBeLessThan(520);
    expect(job.effective_training_fraction).toBeGreaterThan(0.88);
    expect(job.effective_training_fraction).toBeLessThan(0.95);
    expect(job.lost_pflop).toBeGreaterThan(0);
    expect(job.checkpoint_overhead_s).toBeGreaterThan(0);
  });

  it('the Young/Daly interval beats a much shorter and a much longer fixed interval', () => {
    const auto = run();
    const short = run('80s');
    const long = run('2h');
    expect(auto.effective_training_fraction).toBeGreaterThan(short.effective_training_fraction);
    expect(auto.effective_training_fraction).toBeGreaterThan(long.effective_training_fraction);
    expect(auto.finish_s).toBeLessThan(short.finish_s);
    expect(auto.finish_s).toBeLessThan(long.finish_s);
  });

  it('lost work is redone, so useful work is counted once', () => {
    const r = runToCsv(bundled('llama3-reliability'));
    expect(r.summary.useful_pflop).toBeCloseTo((6 * 405e9 * 11.5e12) / 1e15, 0);
    expect(r.summary.lost_pflop).toBeGreaterThan(0);
    expect(r.summary.effective_compute_ratio_allocated).toBeLessThan(0.38);
  });
});

describe('failures off', () => {
  it('changes nothing, byte for byte; failures on leave the arrivals as they were', () => {
    const base = text('quickstart');
    const off = runToCsv(scenarioFromText(base));
    const emptySpec = runToCsv(scenarioFromText(`${base}\nfailures: { devices: {} }\n`));
    expect(emptySpec.jobsCsv).toBe(off.jobsCsv);
    expect(emptySpec.summaryCsv.split('\n')[1]).toBe(off.summaryCsv.split('\n')[1]);
    const on = runToCsv(scenarioFromText(`${base}\nfailures: { devices: { H100: { mtbf: 30d, repair: 2h } }, nodes: { mtbf: 60d, repair: 4h } }\ncheckpointing: { interval: 30min, cost: 30s }\n`));
    const submits = (jobs: { job_id: string; submit_s: number }[]) => jobs.map((j) => `${j.job_id}@${j.submit_s}`).sort().join(',');
    expect(submits(on.jobs)).toBe(submits(off.jobs));
    expect(on.summary.failures).toBeGreaterThan(0);
    expect(on.summary.jobs_completed + on.summary.jobs_rejected).toBe(on.summary.jobs_submitted);
  });
});

describe('stragglers and link failures', () => {
  const pool = (extra: string): string => `name: slow
network: ideal
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
workloads:
  - jobs:
      - { name: j, devices: 8, duration: 1h, reference_device: H100 }
${extra}`;

  it('a job runs at the pace of its slowest device', () => {
    const nominal = runToCsv(scenarioFromText(pool(''))).jobs[0]!;
    const slow = runToCsv(scenarioFromText(pool('failures: { stragglers: { H100: { fraction: 1, slowdown: 0.5 } } }'))).jobs[0]!;
    expect(nominal.finish_s).toBeCloseTo(3600, 6);
    expect(slow.finish_s).toBeCloseTo(7200, 6);
  });

  it('a failed inter-DC link stalls a transfer until it is repaired', () => {
    const t = `name: wan
datacentres:
  - { name: a, node_groups: [{ count: 1, device: H100 }] }
  - { name: b, node_groups: [{ count: 1, device: H100 }] }
links:
  - { between: [a, b], latency: 1ms, bandwidth: 100Gbps }
workloads:
  - jobs:
      - { name: j, devices: 8, duration: 30d, reference_device: H100, device_kinds: [H100] }
transfers:
  - { name: data, from: a, to: b, size: 100TB }
failures:
  links: { mtbf: 1h, repair: 6h }
`;
    const rows: { duration_s: number }[] = [];
    const r = runToCsv(scenarioFromText(t), { transferSink: (row) => rows.push(row) });
    const alone = 100e12 / 12.5e9;
    expect(r.summary.failures).toBeGreaterThan(0);
    expect(rows[0]!.duration_s).toBeGreaterThan(alone + 6 * 3600 - 1);
  });

  describe('link failures where there is no link, or nothing crosses one', () => {
    // Both passed without a word: a one-site pool reported no failures, and under network: ideal
    // with nothing crossing the link the run reported none either, as though the links had held.
    const sites = (n: number, links: string, network = 'ideal') => `name: wan
network: ${network}
datacentres:
${['a', 'b'].slice(0, n).map((d) => `  - { name: ${d}, node_groups: [{ count: 1, device: H100 }] }`).join('\n')}
${links}workloads:
  - jobs:
      - { name: j, devices: 8, duration: 1h, reference_device: H100 }
failures:
  links: { mtbf: 1h, repair: 1h }
`;
    const refusal = (t: string): string => {
      try {
        scenarioFromText(t);
      } catch (e) {
        return String((e as Error).message);
      }
      return 'accepted';
    };
    it('refused without links, at failures.links', () => {
      expect(refusal(sites(1, ''))).toMatch(/test\.yaml:9:\d+: failures\.links: the scenario has no links between data centres/);
      expect(refusal(sites(2, '', 'flow'))).toMatch(/failures\.links: the scenario has no links/);
    });
    it('warned where nothing crosses the link', () => {
      const link = 'links:\n  - { between: [a, b], latency: 1ms, bandwidth: 100Gbps }\n';
      for (const network of ['ideal', 'flow']) {
        const said = scenarioFromText(sites(2, link, network)).warnings.map((w) => `${w.path}: ${w.message}`).join('\n');
        expect(said).toMatch(/failures\.links: .*nothing crosses a link: link failures change no result/);
      }
    });
  });
});
