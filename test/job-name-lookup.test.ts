// `sweep` and `compare --job NAME` used to run every point with a name no job had and print empty
// job_* columns under a warning; the name is now looked up before anything runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lookUpJobName } from '../src/model/job-name-lookup.js';
import { repoPath, scenarioFromText } from './helpers.js';

const text = `name: names
datacentres:
  - name: east
    node_groups:
      - { name: h, count: 2, device: H100 }
workloads:
  - jobs:
      - { name: finetune-7b, devices: 8, duration: 1h, reference_device: H100 }
  - generator:
      name: g
      count: 3
      arrival: { process: poisson, rate: 6/h }
      devices: 1
      duration: 10min
      reference_device: H100
  - generator:
      name: open
      until: 1d
      arrival: { process: poisson, rate: 6/h }
      devices: 1
      duration: 10min
      reference_device: H100
`;

describe('lookUpJobName', () => {
  const resolved = scenarioFromText(text);
  it('finds listed jobs and the names generators give (numbered from 0, below count)', () => {
    expect(lookUpJobName(resolved, 'finetune-7b')).toEqual({ found: true });
    expect(lookUpJobName(resolved, 'g-0')).toEqual({ found: true });
    expect(lookUpJobName(resolved, 'g-2')).toEqual({ found: true });
    expect(lookUpJobName(resolved, 'open-12345')).toEqual({ found: true });
  });
  it('refuses names no run can have, suggesting the closest', () => {
    expect(lookUpJobName(resolved, 'g-3').found).toBe(false);
    expect(lookUpJobName(resolved, 'g-01').found).toBe(false);
    expect(lookUpJobName(resolved, 'g-').found).toBe(false);
    expect(lookUpJobName(resolved, 'finetune-7B')).toEqual({ found: false, suggestion: 'finetune-7b' });
    expect(lookUpJobName(resolved, 'fintune-7b')).toEqual({ found: false, suggestion: 'finetune-7b' });
    expect(lookUpJobName(resolved, 'zzzzzzzzzz')).toEqual({ found: false });
    expect(lookUpJobName(resolved, 'opne-7')).toEqual({ found: false, suggestion: 'open-7' });
  });
});

describe('compare and sweep --job', () => {
  const cli = repoPath('dist/cli/main.js');
  const poolsim = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: repoPath('.'), encoding: 'utf8' });
  it('refuse an unknown job before running, with a suggestion, and write nothing', () => {
    expect(existsSync(cli)).toBe(true);
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-job-')), 'out');
    const r = poolsim('sweep', 'scenarios/two-dc-latency.yaml', '--set', 'links[0].latency=1ms,2ms', '--job', 'split-13', '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no training job named 'split-13'");
    expect(r.stderr).toContain("did you mean 'split-13b'?");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
  it("accept a generator's job name", () => {
    const out = join(mkdtempSync(join(tmpdir(), 'poolsim-job-')), 'out');
    const r = poolsim('compare', 'scenarios/quickstart.yaml', '--policies', 'fifo', '--job', 'pretraining-1', '--out', out);
    expect(r.stderr).not.toContain('no training job named');
    expect(r.status).toBe(0);
  });
});
