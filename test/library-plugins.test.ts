// A library user's run of a scenario that names plug-in policies: runScenarioWithPolicies finds
// the module files where it finds the scenario's traces (defineScenario's or loadScenario's
// baseDir), and hands back what the policies say of the pool (warnPool's warnings, a placement's
// notes), the same lines `poolsim run` prints after "warning: ".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineScenario, loadScenario, outputFiles, runScenarioWithPolicies, type ResolvedScenario, type ScenarioInput } from '../src/index.js';
import { formatIssue } from '../src/scenario/errors.js';
import { poolsim, repoPath } from './helpers.js';
import { ensureDist } from './policy-dist.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-library-plugins-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await ensureDist();
});

const PLUGINS = repoPath('test/fixtures/policy-plugins');

function small(placement: ScenarioInput['placement']): ScenarioInput {
  return {
    name: 'lib-plugins',
    seed: 7,
    datacentres: [{ name: 'dc', node_groups: [{ count: 2, device: 'A100-80GB' }] }],
    workloads: [
      {
        jobs: [
          { name: 'first', devices: 8, duration: '1h', reference_device: 'A100-80GB' },
          { name: 'second', devices: 4, duration: '30min', reference_device: 'A100-80GB', submit: '10min' },
        ],
      },
    ],
    placement,
  };
}

/** jobs.csv of a run of `resolved` through runScenarioWithPolicies, with `scenarioDir` when given. */
async function jobsCsv(resolved: ResolvedScenario, scenarioDir?: string): Promise<string> {
  let text = '';
  const write = (f: string, t: string): void => void (f === 'jobs.csv' && (text += t));
  await runScenarioWithPolicies(resolved, { ...(scenarioDir !== undefined ? { scenarioDir } : {}), outputs: { files: outputFiles(resolved), write } });
  return text;
}

describe('runScenarioWithPolicies and a scenario built in code', () => {
  it("loads a plug-in relative to defineScenario's baseDir, as its traces are, not the current directory", async () => {
    // It said "cannot load policy module './last-nodes.mjs' (/.../last-nodes.mjs)": it looked in process.cwd().
    expect(process.cwd()).not.toBe(PLUGINS);
    const resolved = defineScenario(small('./last-nodes.mjs'), { baseDir: PLUGINS });
    const viaBaseDir = await jobsCsv(resolved);
    expect(viaBaseDir).toBe(await jobsCsv(resolved, PLUGINS));
    expect(viaBaseDir).toMatch(/^job_id,/);
    expect(viaBaseDir.split('\n').filter((l) => /^(first|second),training,.*,completed,/.test(l))).toHaveLength(2);
  });

  it("loads a plug-in relative to loadScenario's baseDir when it differs from the file label's folder", async () => {
    const yaml = `name: lib-plugins\nseed: 7\ndatacentres:\n  - name: dc\n    node_groups:\n      - { count: 2, device: A100-80GB }\nworkloads:\n  - jobs:\n      - { name: first, devices: 8, duration: 1h, reference_device: A100-80GB }\nplacement: ./last-nodes.mjs\n`;
    const resolved = loadScenario(yaml, 'my-study', { baseDir: PLUGINS });
    await expect(runScenarioWithPolicies(resolved)).resolves.toMatchObject({ summary: expect.any(Object) });
  });
});

describe('runScenarioWithPolicies and what the policies say of the pool', () => {
  const hooks = { name: './pool-hooks.mjs', params: { account: 'nobody' } };

  it("returns warnPool's warnings and the placement's notes, located as a file's are", async () => {
    // They were computed by `poolsim run` and printed; a library user had no way to get them.
    const result = await runScenarioWithPolicies(defineScenario(small(hooks), { baseDir: PLUGINS }));
    expect(result.policyWarnings).toEqual(["lib-plugins: placement.params.account: no job has account 'nobody'", 'pool-hooks sees 2 nodes']);
    // Built-in policies that say nothing: an empty list, not undefined.
    expect((await runScenarioWithPolicies(defineScenario(small('first-fit')))).policyWarnings).toEqual([]);
  });

  it('gives the lines `poolsim run` prints after "warning: ", byte for byte', async () => {
    const file = join(work, 'hooks.yaml');
    const text = `name: lib-plugins\nseed: 7\ndatacentres:\n  - name: dc\n    node_groups:\n      - { count: 2, device: A100-80GB }\nworkloads:\n  - jobs:\n      - { name: first, devices: 8, duration: 1h, reference_device: A100-80GB }\nplacement:\n  name: ${join(PLUGINS, 'pool-hooks.mjs')}\n  params: { account: nobody }\n`;
    writeFileSync(file, text);
    const resolved = loadScenario(text, file, { baseDir: work });
    const result = await runScenarioWithPolicies(resolved);
    expect(result.policyWarnings).toHaveLength(2);
    const cli = poolsim('run', file, '--out', join(work, 'out'));
    expect(cli.code, cli.stderr).toBe(0);
    const printed = cli.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    expect(printed).toEqual([...resolved.warnings.map(formatIssue), ...result.policyWarnings].map((w) => `warning: ${w}`));
  });
});
