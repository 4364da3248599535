// Every built-in policy of every kind, loaded as a plug-in that is the built-in (its definition
// re-exported from a module file, so it runs behind the read-only views, the sandbox and the checks
// of its decisions), gives the bytes of the built-in: queue and placement policies on a
// heterogeneous pool, placement policies on GPU-sharing pods with CPU and memory, preemption
// policies under a preemptive priority queue, load balancers on an inference service. The bundled
// scenarios' own policies are held to this through the CLI by differential.test.ts; this covers
// the ones no bundled scenario uses (sjf, las, drf, max-min-fairness, fgd, gpu-packing, ...), in
// this thread through the library's runScenarioWithPolicies. What a policy says of the pool before
// the run (a refusal from checkPool, a warning from warnPool, a placement's notes) is the same too.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputFiles } from '../src/experiment/output-sinks.js';
import { runScenarioWithPolicies } from '../src/experiment/run-scenario.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { policyWarnings } from '../src/experiment/policy-warnings.js';
import { loadPolicies } from '../src/policy/plugin.js';
import { InputError } from '../src/scenario/errors.js';
import { LOAD_BALANCERS } from '../src/policy/balancers/registry.js';
import { PREEMPTION_POLICIES } from '../src/policy/preemption-registry.js';
import { PLACEMENT_POLICIES, QUEUE_POLICIES } from '../src/policy/registry.js';
import { repoPath } from './helpers.js';
import { ensureDist } from './policy-dist.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-twins-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await ensureDist();
});

type Registry = 'QUEUE_POLICIES' | 'PLACEMENT_POLICIES' | 'PREEMPTION_POLICIES' | 'LOAD_BALANCERS';

/** A module file whose default export is the built-in `name` of `registry`, as poolsim's package exports it. */
function twin(registry: Registry, name: string): string {
  const file = join(work, `${registry}-${name}.mjs`);
  writeFileSync(file, `import { ${registry} } from ${JSON.stringify(pathToFileURL(repoPath('dist/index.js')).href)};\nexport default ${registry}.get(${JSON.stringify(name)});\n`);
  return file;
}

/** Every result file of a run of `text`, as `poolsim run` would write them. */
async function results(text: string, files: Record<string, string> = {}): Promise<Record<string, string>> {
  const resolved = loadScenario(text, join(work, 's.yaml'), { readFile: (p) => files[p] ?? readFileSync(p, 'utf8'), baseDir: work });
  const out: Record<string, string> = {};
  const names = outputFiles(resolved).filter((f) => f !== 'timeline');
  await runScenarioWithPolicies(resolved, { scenarioDir: work, outputs: { files: names, write: (f, t) => void (out[f] = (out[f] ?? '') + t) } });
  return out;
}

async function expectTwins(builtIn: string, plugin: string, files?: Record<string, string>): Promise<void> {
  const [a, b] = [await results(builtIn, files), await results(plugin, files)];
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  expect(a['jobs.csv'] ?? a['services.csv']).toBeDefined();
  for (const f of Object.keys(a)) expect(b[f], f).toBe(a[f]);
}

const quickstart = readFileSync(repoPath('scenarios/quickstart.yaml'), 'utf8');
const withKey = (text: string, key: string, value: string): string => text.replace(new RegExp(`^${key}:.*$`, 'm'), `${key}: ${value}`);

describe('a built-in policy as a plug-in gives the built-in bytes', () => {
  it.each([...QUEUE_POLICIES.keys()])('queue policy %s (quickstart)', async (name) => {
    await expectTwins(withKey(quickstart, 'policy', name), withKey(quickstart, 'policy', twin('QUEUE_POLICIES', name)));
  });

  it.each([...PLACEMENT_POLICIES.keys()])('placement policy %s (quickstart)', async (name) => {
    await expectTwins(withKey(quickstart, 'placement', name), withKey(quickstart, 'placement', twin('PLACEMENT_POLICIES', name)));
  });

  // 300 pods of GPU shares, 1, 2 and 4 GPUs with CPU and memory on four 4-GPU nodes: the share paths.
  let seed = 12345;
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const pods = Array.from({ length: 300 }, (_, i) => {
    const kind = rand(4);
    const [gpus, milli] = kind === 0 ? [1, 100 * (1 + rand(9))] : [[1, 2, 4][kind - 1]!, 1000];
    return `p${i},${1000 * (1 + rand(4))},${1024 * (1 + rand(8))},${gpus},${milli},,LS,Running,${i * 10},${i * 10 + 20 + rand(400)},${i * 10}`;
  });
  const sharing: Record<string, string> = {
    [join(work, 'nodes.csv')]: 'sn,cpu_milli,memory_mib,gpu,model\nn0,16000,65536,4,G2\nn1,16000,65536,4,G2\nn2,8000,32768,4,G2\nn3,32000,131072,4,G2\n',
    [join(work, 'pods.csv')]: `name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n${pods.join('\n')}\n`,
  };
  const sharingText = (placement: string): string =>
    `name: sharing\nseed: 3\nnetwork: ideal\ndatacentres:\n  - name: dc\n    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: { G2: V100-SXM2-32GB } }\nworkloads:\n  - trace: { format: alibaba-openb, path: pods.csv, reference_device: V100-SXM2-32GB, device_map: { G2: V100-SXM2-32GB } }\npolicy: fifo\nplacement: ${placement}\n`;

  it.each([...PLACEMENT_POLICIES.keys()])('placement policy %s (GPU-sharing pods with CPU and memory)', async (name) => {
    await expectTwins(sharingText(name), sharingText(twin('PLACEMENT_POLICIES', name)), sharing);
  });

  // Forty jobs of three priorities on two nodes, arriving faster than they finish: preemptions.
  const jobs = Array.from({ length: 40 }, (_, i) => `      - { name: j${i}, devices: ${[4, 8, 8, 16][i % 4]}, duration: ${20 + ((i * 37) % 90)}min, reference_device: A100-80GB, priority: ${(i * 7) % 3}, submit: ${i * 5}min }`);
  const preemptive = (victims: string): string =>
    `name: preemptive\nseed: 3\npreemption: { checkpoint: 1min, restore: 2min }\ndatacentres:\n  - name: dc\n    node_groups:\n      - { count: 2, device: A100-80GB }\nworkloads:\n  - jobs:\n${jobs.join('\n')}\npolicy: { name: priority, params: { preemptive: true, victims: ${victims} } }\n`;

  it.each([...PREEMPTION_POLICIES.keys()])('preemption policy %s (preemptive priority)', async (name) => {
    const builtIn = await results(preemptive(name));
    expect(builtIn['jobs.csv']).toMatch(/^(?:[^,\n]*,){7}[1-9]/m); // some job was preempted
    await expectTwins(preemptive(name), preemptive(twin('PREEMPTION_POLICIES', name)));
  });

  const service = readFileSync(repoPath('test/fixtures/policy-plugins/service.yaml'), 'utf8');
  it.each([...LOAD_BALANCERS.keys()])('load balancer %s (an inference service)', async (name) => {
    await expectTwins(service.replace('balancer: ./balancer.mjs', `balancer: ${name}`), service.replace('balancer: ./balancer.mjs', `balancer: ${twin('LOAD_BALANCERS', name)}`));
  });
});

/** What loading `text`'s policies says before the run: its refusal, or the warnings and notes `run` prints. */
async function said(text: string): Promise<string> {
  const resolved = loadScenario(text, join(work, 's.yaml'), { baseDir: work });
  try {
    return policyWarnings(resolved, await loadPolicies(resolved, work)).join('\n');
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return `refused: ${e.message}`;
  }
}

describe("a built-in policy as a plug-in says what the built-in says of the pool (checkPool, warnPool, notes)", () => {
  // Two sites, one without a price or carbon figure; H100, A100 and V100 nodes (V100 below
  // heterogeneity-aware's min_speed_ratio); multifactor shares for an account no job has. Each
  // policy's name and parameters on their own lines, so that a refusal's line and column are the same.
  const pool = (policy: string, placement: string, placementParams: string): string =>
    `name: hooks\nseed: 1\nnetwork: ideal\ndatacentres:\n  - name: a\n    electricity_price: 0.1\n    carbon_intensity: 0.2\n    node_groups:\n      - { count: 2, device: H100-SXM }\n      - { count: 2, device: V100-SXM2-32GB }\n  - name: b\n    node_groups:\n      - { count: 1, device: A100-80GB }\nworkloads:\n  - jobs:\n      - { name: j1, devices: 8, duration: 1h, reference_device: A100-80GB }\npolicy:\n  name: ${policy}\n  params: { shares: { nobody: 2 } }\nplacement:\n  name: ${placement}\n  params: ${placementParams}\n`;
  const cases: [string, string, string, RegExp][] = [
    ['multifactor warnPool, heterogeneity-aware notes', 'heterogeneity-aware', '{}', /policy\.params\.shares\.nobody: no job or tenant queue has account 'nobody'[^]*\nheterogeneity-aware excludes V100-SXM2-32GB \(16 devices\)/],
    ['site-aware checkPool (cost)', 'site-aware', '{ objective: cost }', /^refused: [^\n]*s\.yaml:22:\d+: placement\.params\.objective: objective 'cost' compares the sites' electricity_price, but data centre 'b' gives none/],
    ['site-aware checkPool (carbon)', 'site-aware', '{ objective: carbon }', /^refused: [^\n]*s\.yaml:22:\d+: placement\.params\.objective: objective 'carbon' compares the sites' carbon_intensity, but data centre 'b' gives none/],
  ];
  it.each(cases)('%s', async (_, placement, params, expected) => {
    const builtIn = await said(pool('multifactor', placement, params));
    expect(builtIn).toMatch(expected);
    expect(await said(pool(twin('QUEUE_POLICIES', 'multifactor'), twin('PLACEMENT_POLICIES', placement), params))).toBe(builtIn);
  });
});
