// The library API a project outside poolsim uses: a scenario built in code (defineScenario) runs to
// the same bytes as the same scenario written as YAML, is refused the same way with the field named,
// and a run can be listened to through frozen, plain events (runScenario's `on`).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defineScenario, InputError, loadScenario, outputFiles, readInputFile, runScenario, type JobEvent, type LinkEvent, type ResolvedScenario, type ScenarioInput } from '../src/index.js';
import { repoPath } from './helpers.js';

function files(resolved: ResolvedScenario): Record<string, string> {
  const out: Record<string, string> = {};
  runScenario(resolved, { outputs: { files: outputFiles(resolved), write: (name, text) => void (out[name] = (out[name] ?? '') + text) } });
  return out;
}

const io = { readFile: readInputFile, baseDir: repoPath('scenarios') };
const yamlOf = (name: string): string => readFileSync(repoPath(`scenarios/${name}.yaml`), 'utf8');

describe('defineScenario', () => {
  it.each(['quickstart', 'roce-vs-ib', 'inference-diurnal', 'llama3-reliability', 'philly-replay'])('%s built as an object runs to the bytes of its YAML file', (name) => {
    const fromFile = files(loadScenario(yamlOf(name), `scenarios/${name}.yaml`, io));
    const fromCode = files(defineScenario(parse(yamlOf(name)) as ScenarioInput, io));
    expect(Object.keys(fromCode).sort()).toEqual(Object.keys(fromFile).sort());
    for (const f of Object.keys(fromFile)) expect(fromCode[f], f).toBe(fromFile[f]);
    expect(fromFile['jobs.csv']!.split('\n').length).toBeGreaterThanOrEqual(3);
  });

  it('applies the schema defaults, so a small object is a whole scenario', () => {
    const s = defineScenario({
      name: 'tiny',
      datacentres: [{ name: 'dc', node_groups: [{ name: 'g', device: 'H100', count: 2 }] }],
      workloads: [{ jobs: [{ name: 'a', devices: 8, duration: '1h', reference_device: 'H100' }] }],
    } as ScenarioInput);
    expect(s.scenario.policy.name).toBe('fifo');
    expect(s.scenario.seed).toBeTypeOf('number');
    const out = files(s);
    expect(out['jobs.csv']).toContain('\na,');
  });

  it('refuses bad fields with the label and the field path, all problems at once', () => {
    const bad = {
      name: 'bad',
      datacentres: [{ name: 'dc', node_groups: [{ name: 'g', device: 'H100-SXMM', count: 2 }] }],
      workloads: [{ jobs: [{ name: 'a', devices: Number.NaN, duration: '1h' }] }],
    } as unknown as ScenarioInput;
    let err: unknown;
    try {
      defineScenario(bad, { label: 'my-study' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const text = (err as InputError).issues.map((i) => `${i.file}: ${i.path}: ${i.message}`).join('\n');
    expect(text).toMatch(/^my-study: workloads\[0\]\.jobs\[0\]\.devices: /m);
  });

  it('refuses an unknown device kind by name, suggesting the near one', () => {
    const bad = {
      name: 'bad',
      datacentres: [{ name: 'dc', node_groups: [{ name: 'g', device: 'H100-SXMM', count: 2 }] }],
      workloads: [{ jobs: [{ name: 'a', devices: 8, duration: '1h' }] }],
    } as ScenarioInput;
    expect(() => defineScenario(bad)).toThrow(InputError);
    try {
      defineScenario(bad);
    } catch (e) {
      const issue = (e as InputError).issues[0]!;
      expect(issue.file).toBe('bad');
      expect(issue.path).toBe('datacentres[0].node_groups[0].device');
      expect(issue.message).toContain('H100');
    }
  });

  it('refuses what is not plain data, and keeps no reference to the input', () => {
    expect(() => defineScenario(null as unknown as ScenarioInput)).toThrow(InputError);
    expect(() => defineScenario({ name: 'f', datacentres: [], workloads: [], seed: (() => 1) as unknown as number } as ScenarioInput)).toThrow(/plain data/);
    const input = parse(yamlOf('quickstart')) as ScenarioInput & { seed?: number };
    const before = files(defineScenario(input));
    input.seed = 7;
    (input.datacentres as unknown[]).length = 0;
    const resolved = defineScenario(parse(yamlOf('quickstart')) as ScenarioInput);
    expect(files(resolved)).toEqual(before);
  });
});

describe('runScenario listeners', () => {
  it('hears every job signal in time order as frozen data, consistent with the results', () => {
    const resolved = loadScenario(yamlOf('llama3-reliability'), 'llama3-reliability.yaml', io);
    const events: JobEvent[] = [];
    const rows: object[] = [];
    const record = (e: JobEvent): void => void events.push(e);
    const result = runScenario(resolved, {
      on: { jobSubmitted: record, jobStarted: record, jobStopped: record, jobFinished: record, jobRejected: record, jobRateChanged: record, jobRow: (r) => void rows.push(r) },
    });
    const count = (k: string): number => events.filter((e) => e.kind === k).length;
    expect(count('submitted')).toBe(result.summary.jobs_submitted);
    expect(count('finished')).toBe(result.summary.jobs_completed);
    // Every start ends in a finish, a stop (it queues again) or the end of the run.
    expect(count('started')).toBeGreaterThanOrEqual(count('finished') + count('stopped'));
    expect(count('started')).toBeLessThanOrEqual(count('finished') + count('stopped') + result.summary.jobs_unfinished);
    expect(count('stopped')).toBeGreaterThan(0); // this scenario has failures
    for (let i = 1; i < events.length; i++) expect(events[i]!.timeS).toBeGreaterThanOrEqual(events[i - 1]!.timeS);
    for (const e of events) {
      expect(Object.isFrozen(e)).toBe(true);
      if (e.kind === 'started') {
        expect(e.deviceKind).toBeTypeOf('string');
        expect(e.datacentres.length).toBeGreaterThan(0);
        expect(e.rateFlopPerS).toBeGreaterThan(0);
      }
      if (e.kind === 'stopped') expect(e.why).toBeTypeOf('string');
    }
    expect(rows.length).toBe(result.summary.jobs_submitted);
    expect(Object.isFrozen(rows[0])).toBe(true);
  });

  it('listening changes no output byte', () => {
    const resolved = loadScenario(yamlOf('roce-vs-ib'), 'roce-vs-ib.yaml', io);
    const plain = files(resolved);
    const out: Record<string, string> = {};
    let heard = 0;
    runScenario(resolved, {
      outputs: { files: outputFiles(resolved), write: (name, text) => void (out[name] = (out[name] ?? '') + text) },
      on: { jobStarted: () => heard++, jobRateChanged: () => heard++, linkRow: () => heard++ },
    });
    expect(heard).toBeGreaterThan(0);
    expect(out).toEqual(plain);
  });

  it('hears a link saturate and be relieved: a lone transfer fills its link from start to end', () => {
    const resolved = defineScenario({
      name: 'one-transfer',
      datacentres: [
        { name: 'a', node_groups: [{ name: 'ga', device: 'H100', count: 1 }] },
        { name: 'b', node_groups: [{ name: 'gb', device: 'H100', count: 1 }] },
      ],
      links: [{ name: 'wan', between: ['a', 'b'], latency: '1ms', bandwidth: '100Gbps' }],
      transfers: [{ name: 'data', from: 'a', to: 'b', size: '125GB' }],
      workloads: [{ jobs: [{ name: 'j', devices: 8, duration: '1h', reference_device: 'H100' }] }],
    } as ScenarioInput);
    const events: LinkEvent[] = [];
    runScenario(resolved, { on: { linkSaturated: (e) => void events.push(e), linkRelieved: (e) => void events.push(e) } });
    const wan = events.filter((e) => e.link.includes('wan'));
    expect(wan.map((e) => e.kind)).toEqual(['saturated', 'relieved']);
    // 125 GB at 100 Gb/s (12.5 GB/s) take 10 s; the link is full all along.
    expect(wan[0]!.timeS).toBe(0);
    expect(wan[0]!.loadGbps).toBeCloseTo(100, 9);
    expect(wan[0]!.capacityGbps).toBeCloseTo(100, 9);
    expect(wan[1]!.timeS).toBeCloseTo(10, 9);
    expect(wan[1]!.loadGbps).toBe(0);
    expect(Object.isFrozen(wan[0])).toBe(true);
  });

  it('link events alternate per link, never exceed capacity, and listening to them changes no byte', () => {
    const resolved = loadScenario(yamlOf('roce-vs-ib'), 'roce-vs-ib.yaml', io);
    const plain = files(resolved);
    const out: Record<string, string> = {};
    const events: LinkEvent[] = [];
    runScenario(resolved, {
      outputs: { files: outputFiles(resolved), write: (name, text) => void (out[name] = (out[name] ?? '') + text) },
      on: { linkSaturated: (e) => void events.push(e), linkRelieved: (e) => void events.push(e) },
    });
    expect(out).toEqual(plain);
    expect(events.length).toBeGreaterThan(0);
    const last = new Map<string, string>();
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (i > 0) expect(e.timeS).toBeGreaterThanOrEqual(events[i - 1]!.timeS);
      expect(e.kind).not.toBe(last.get(e.link) ?? 'relieved');
      last.set(e.link, e.kind);
      expect(e.loadGbps).toBeLessThanOrEqual(e.capacityGbps * (1 + 1e-9));
      if (e.kind === 'saturated') expect(e.loadGbps).toBeGreaterThanOrEqual(e.capacityGbps * (1 - 1e-9));
    }
  });
});

describe('runScenario and a scenario naming a plug-in', () => {
  it('says the module is not loaded by runScenario and what loads it, for every kind of plug-in', () => {
    // It said "unknown policy './mine.mjs'; expected one of: ..., or a module file (./my-policy.mjs)":
    // the user had given a module file, and was told to give one.
    const base = yamlOf('quickstart');
    const cases: [string, string][] = [
      [base.replace(/^policy:.*$/m, 'policy: ./mine.mjs'), "policy: './mine.mjs' is a module file (a plug-in queue policy), which runScenario and simulate do not load: call runScenarioWithPolicies(resolved, { scenarioDir }), which loads it (as poolsim run does)"],
      [base.replace(/^placement:.*$/m, 'placement: ./mine.mjs'), "placement: './mine.mjs' is a module file (a plug-in placement policy), which runScenario and simulate do not load: call runScenarioWithPolicies(resolved, { scenarioDir }), which loads it (as poolsim run does)"],
      [base.replace(/^policy:.*$/m, 'policy: { name: priority, params: { preemptive: true, victims: ./mine.mjs } }'), "'./mine.mjs' is a module file (a plug-in preemption policy), which runScenario and simulate do not load: call runScenarioWithPolicies(resolved, { scenarioDir }), which loads it (as poolsim run does)"],
    ];
    for (const [text, message] of cases) {
      let thrown: unknown;
      try {
        runScenario(loadScenario(text, 'scenarios/quickstart.yaml', io));
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(InputError);
      expect((thrown as InputError).message).toContain(message);
    }
    const service = readFileSync(repoPath('test/fixtures/policy-plugins/service.yaml'), 'utf8');
    expect(() => runScenario(loadScenario(service, 'service.yaml', io))).toThrow(
      "'./balancer.mjs' is a module file (a plug-in load balancer), which runScenario and simulate do not load: call runScenarioWithPolicies(resolved, { scenarioDir }), which loads it (as poolsim run does)",
    );
  });
});

