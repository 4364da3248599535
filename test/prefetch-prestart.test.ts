// `poolsim run <scenario>` starts importing the scenario's CSV traces as the process starts
// (prestartTracePrefetch in src/experiment/prefetch-in-worker.ts), beside its spare pool worker,
// rather than once the command line is parsed; the run takes that import only when the command
// then reads the same scenario text from the same file. Observed through a preload that records
// each Worker constructed and the stack it was constructed from, not timed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'poolsim-prestart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const preload = join(dir, 'workers.cjs');
writeFileSync(
  preload,
  `const wt = require('node:worker_threads');
const { appendFileSync } = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');
const Base = wt.Worker;
wt.Worker = class extends Base {
  constructor(...a) {
    appendFileSync(process.env.WORKERS_LOG, new Error().stack.split('\\n').slice(2).map((l) => l.trim()).join(' | ') + '\\n');
    super(...a);
  }
};
syncBuiltinESMExports();
`,
);

const scenario = join(dir, 'pf.yaml');
writeFileSync(
  scenario,
  `name: pf
seed: 3
datacentres:
  - name: dc
    node_groups:
      - { name: n, count: 40, device: H100, devices_per_node: 8 }
workloads:
  - trace:
      format: csv
      path: t.csv
      mapping: { submit: submit, duration: duration, devices: devices }
      reference_device: H100
policy: fifo
placement: first-fit
`,
);
const lines = ['submit,duration,devices'];
for (let i = 0; i < 2000; i++) lines.push(`${i % 50 === 0 ? i : 0},${(1 + ((i * 7919) % 1000)) / 7},${1 << i % 7}`);
writeFileSync(join(dir, 't.csv'), lines.join('\n') + '\n');

let n = 0;
/** Run `poolsim ...args`; the stacks each Worker it constructed was constructed from, the trace prefetch's alone. */
function run(...args: string[]): { code: number; stderr: string; prefetches: string[] } {
  const log = join(dir, `workers-${n++}.txt`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--require', preload, repoPath('dist/cli/main.js'), ...args], { cwd: repoPath('.'), encoding: 'utf8', env: { ...process.env, WORKERS_LOG: log } });
  const started = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { code: r.status ?? -1, stderr: r.stderr, prefetches: started.filter((s) => s.includes('prefetch-in-worker')) };
}

describe('the trace prefetch started with the process', () => {
  it('run <scenario> imports the trace from the process start, on one thread, and writes what a run parsed first writes', () => {
    const early = run('run', scenario, '--out', join(dir, 'early'), '--quiet');
    expect(early.code, early.stderr).toBe(0);
    expect(early.prefetches).toHaveLength(1);
    expect(early.prefetches[0]).toContain('prestartTracePrefetch');
    // Options before the scenario: no guess, the command starts the prefetch itself, as before.
    const late = run('run', '--quiet', '--out', join(dir, 'late'), scenario);
    expect(late.code, late.stderr).toBe(0);
    expect(late.prefetches).toHaveLength(1);
    expect(late.prefetches[0]).not.toContain('prestartTracePrefetch');
    expect(late.prefetches[0]).toContain('prefetchInWorker');
    for (const f of ['summary.csv', 'jobs.csv']) expect(readFileSync(join(dir, 'early', f), 'utf8')).toBe(readFileSync(join(dir, 'late', f), 'utf8'));
  });

  it('a bad option still ends the run at once, with its message and nothing written', () => {
    const r = run('run', scenario, '--out', join(dir, 'bad'), '--seed', '-1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--seed');
    expect(r.prefetches).toHaveLength(1);
    expect(() => readFileSync(join(dir, 'bad', 'jobs.csv'))).toThrow();
  });

  it('no prefetch for a scenario without a CSV trace, or one that cannot be read', () => {
    expect(run('run', 'scenarios/quickstart.yaml', '--out', join(dir, 'q'), '--quiet').prefetches).toEqual([]);
    const missing = run('run', join(dir, 'missing.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.prefetches).toEqual([]);
  });
});
