// A run's results never replace a file it reads: a trace named jobs.csv (or runs.csv for compare)
// in the folder given to --out was replaced by the results (the folder swap took it, or the file
// moved in over it), and the user's input was gone. Refused before anything runs, nothing written.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { poolsim } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-output-inputs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const trace = 'submit,devices,duration\n0,8,3600\n100,16,7200\n';
const scenario = (path: string): string => `name: io
datacentres:
  - name: dc
    node_groups:
      - { name: g, count: 4, device: H100 }
workloads:
  - trace:
      format: csv
      path: ${path}
      mapping: { submit: submit, devices: devices, duration: duration }
      reference_device: H100
`;

function setUp(name: string, traceName: string): { dir: string; file: string; data: string } {
  const dir = join(work, name);
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, traceName), trace);
  const file = join(dir, 's.yaml');
  writeFileSync(file, scenario(`data/${traceName}`));
  return { dir, file, data };
}

describe('results written over an input', () => {
  it('run --out the folder of a trace named jobs.csv is refused, the trace left as it was', () => {
    const { file, data } = setUp('run', 'jobs.csv');
    const r = poolsim('run', file, '--out', data, '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out: cannot write to '${data}': the run reads ${join(data, 'jobs.csv')}, and its results would replace or remove ${join(data, 'jobs.csv')}: write them to another folder`);
    expect(readFileSync(join(data, 'jobs.csv'), 'utf8')).toBe(trace);
    expect(readdirSync(data)).toEqual(['jobs.csv']);
    expect(readdirSync(join(data, '..')).filter((n) => n.includes('poolsim'))).toEqual([]);
  });

  it('compare --out the folder of a trace named runs.csv likewise', () => {
    const { file, data } = setUp('compare', 'runs.csv');
    const r = poolsim('compare', file, '--seeds', '1', '--out', data, '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the run reads ${join(data, 'runs.csv')}`);
    expect(readFileSync(join(data, 'runs.csv'), 'utf8')).toBe(trace);
    expect(readdirSync(data)).toEqual(['runs.csv']);
  });

  it('check --save or --junit onto a trace the scenario reads is refused', () => {
    const { file, data } = setUp('check', 'trace.csv');
    for (const option of ['--save', '--junit']) {
      const args = option === '--save' ? ['--save', join(data, 'trace.csv')] : ['--save', join(data, 'base.csv'), '--junit', join(data, 'trace.csv')];
      const r = poolsim('check', file, ...args);
      expect(r.code, option).toBe(2);
      expect(r.stderr).toContain(`${option}: cannot write to '${join(data, 'trace.csv')}': it is the input ${join(data, 'trace.csv')}: writing there would replace it`);
      expect(readFileSync(join(data, 'trace.csv'), 'utf8')).toBe(trace);
    }
  });

  it('run --timeline onto the trace it reads is refused', () => {
    const { file, data, dir } = setUp('timeline', 'trace.csv');
    const r = poolsim('run', file, '--out', join(dir, 'out'), '--timeline', join(data, 'trace.csv'), '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--timeline: cannot write to '${join(data, 'trace.csv')}': it is the input`);
    expect(readFileSync(join(data, 'trace.csv'), 'utf8')).toBe(trace);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('a trace under another name stays beside the results', () => {
    const { file, data } = setUp('beside', 'philly-slice.csv');
    const r = poolsim('run', file, '--out', data, '--quiet');
    expect(r.code).toBe(0);
    expect(readFileSync(join(data, 'philly-slice.csv'), 'utf8')).toBe(trace);
    expect(existsSync(join(data, 'summary.csv'))).toBe(true);
  });
});
