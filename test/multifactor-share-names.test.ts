// An account named in multifactor's `shares` that no job or tenant queue has: a misspelt key
// ('teem-a' for 'team-a') silently became an account of its own, with the shares meant for the real
// one (which fell back to 1) and counting in every account's normalised share. It is now warned
// about where the key is written, with the nearest account ("did you mean"), as other unknown names
// are; it still counts (Slurm counts an account with no jobs among the siblings).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicies } from '../src/policy/plugin.js';
import { formatIssue } from '../src/scenario/errors.js';
import { poolsim, repoPath, scenarioFromText } from './helpers.js';

const text = (shares: string): string => `name: mf-names
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 1, device: H100 }
tenants:
  queues:
    - { name: team-a, quota: { H100: 8 } }
    - { name: team-b, quota: { H100: 8 } }
workloads:
  - jobs:
      - { name: a1, queue: team-a, devices: 8, duration: 1h, reference_device: H100 }
      - { name: b1, queue: team-b, devices: 8, duration: 1h, reference_device: H100 }
policy: { name: multifactor, params: { shares: ${shares} } }
`;

// Without tenants a job's account is its workload's source.
const plain = (shares: string): string => `name: mf-plain
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 1, device: H100 }
workloads:
  - jobs:
      - { name: a1, devices: 8, duration: 1h, reference_device: H100 }
  - generator: { name: gen, count: 2, arrival: { process: fixed, interval: 1h }, devices: 8, duration: 1h, reference_device: H100 }
policy: { name: multifactor, params: { shares: ${shares} } }
`;

const warnings = async (shares: string, of = text): Promise<string[]> => {
  const r = scenarioFromText(of(shares));
  const p = await loadPolicies(r, '.');
  return (p.warnings ?? []).map(formatIssue);
};

describe("multifactor's shares", () => {
  it('warns at a key no job or tenant queue has, with the nearest account', async () => {
    const w = await warnings('{ teem-a: 4, team-b: 1 }');
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^test\.yaml:15:\d+: policy\.params\.shares\.teem-a: no job or tenant queue has account 'teem-a' \(did you mean 'team-a'\?\)/);
    expect(w[0]).toContain('still counts');
  });

  it('says nothing when every key is an account: tenant queues, or without tenants the workloads', async () => {
    expect(await warnings('{ team-a: 4, team-b: 1 }')).toEqual([]);
    expect(await warnings("{ 'workloads[0]': 2, gen: 1 }", plain)).toEqual([]);
    const w = await warnings("{ 'workload[0]': 2 }", plain);
    expect(w).toHaveLength(1);
    expect(w[0]).toContain("no job or tenant queue has account 'workload[0]' (did you mean 'workloads[0]'?)");
  });
});

describe("multifactor's shares warning, by every route", () => {
  const work = mkdtempSync(join(tmpdir(), 'poolsim-mf-routes-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reaches compare, sweep, check and validate, at the file\'s line, with built-in policies and beside a plug-in loaded in a worker', () => {
    // `run` said it; compare and sweep said nothing, on either thread (the policies' warnings were
    // not among an experiment's), so a misspelt account's runs were summarised without a word.
    writeFileSync(join(work, 'mf.yaml'), text('{ teem-a: 4, team-b: 1 }'));
    const index = pathToFileURL(repoPath('dist/index.js')).href;
    writeFileSync(
      join(work, 'ff.mjs'),
      `import { definePlacementPolicy, firstFitPlacement, z } from '${index}';\nexport default definePlacementPolicy({ name: 'ff', description: 'first-fit', params: z.strictObject({}), create: () => ({ place: (job, cluster) => firstFitPlacement(job, cluster) }) });\n`,
    );
    const said = /^warning: .*mf\.yaml:15:\d+: policy\.params\.shares\.teem-a: no job or tenant queue has account 'teem-a' \(did you mean 'team-a'\?\)/m;
    const runs: [string, string[]][] = [
      ['run', ['run', join(work, 'mf.yaml'), '--out', join(work, 'r')]],
      ['compare', ['compare', join(work, 'mf.yaml'), '--seeds', '1', '--out', join(work, 'c')]],
      ['compare with a plug-in', ['compare', join(work, 'mf.yaml'), '--seeds', '1', '--placements', join(work, 'ff.mjs'), '--out', join(work, 'p')]],
      ['sweep', ['sweep', join(work, 'mf.yaml'), '--set', 'horizon=10h,20h', '--out', join(work, 's')]],
      // check said none of its warnings; the scenario's own policy named bare in --policies (or
      // check's --policy) was said at the option, though the parameters warned of are the file's.
      ['check', ['check', join(work, 'mf.yaml'), '--save', join(work, 'k.csv')]],
      ['check --policy naming it bare', ['check', join(work, 'mf.yaml'), '--policy', 'multifactor', '--save', join(work, 'k2.csv')]],
      ['compare --policies naming it bare', ['compare', join(work, 'mf.yaml'), '--seeds', '1', '--policies', 'multifactor,fifo', '--out', join(work, 'b')]],
      ['compare --policies naming it bare, beside a plug-in', ['compare', join(work, 'mf.yaml'), '--seeds', '1', '--policies', 'multifactor', '--placements', join(work, 'ff.mjs'), '--out', join(work, 'bp')]],
      // validate said it with built-in policies only: a scenario naming a plug-in is loaded in a
      // worker, whose policies' warnings validate dropped.
      ['validate', ['validate', join(work, 'mf.yaml')]],
      ['validate beside a plug-in', ['validate', join(work, 'with-plugin', 'mf.yaml')]],
    ];
    mkdirSync(join(work, 'with-plugin'));
    writeFileSync(join(work, 'with-plugin', 'mf.yaml'), `${text('{ teem-a: 4, team-b: 1 }')}placement: ../ff.mjs\n`);
    for (const [route, args] of runs) {
      const r = poolsim(...args);
      expect(r.code, `${route}: ${r.stderr}`).toBe(0);
      expect(r.stderr.match(new RegExp(said.source, 'gm')) ?? [], route).toHaveLength(1);
    }
  });

  it('is silenced in check by --quiet, as in the other commands; parameters written in --policies are said there', () => {
    writeFileSync(join(work, 'mf.yaml'), text('{ teem-a: 4, team-b: 1 }'));
    const quiet = poolsim('check', join(work, 'mf.yaml'), '--save', join(work, 'q.csv'), '--quiet');
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('warning');
    const own = poolsim('compare', join(work, 'mf.yaml'), '--seeds', '1', '--policies', '{name: multifactor, params: {shares: {teem-c: 1}}}', '--out', join(work, 'o'));
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).toMatch(/^warning: --policies: policy\.params\.shares\.teem-c: no job or tenant queue has account 'teem-c'/m);
  });
});
