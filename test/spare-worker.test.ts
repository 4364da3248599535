// A command that simulates in pool workers starts its first worker as the process starts
// (src/experiment/spare-worker.ts), so that the worker loads the simulator while the command line
// loads and parses; the pool then takes that worker instead of starting another. Observed through
// a preload that records each Worker constructed and where from, not timed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'poolsim-spare-'));
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
    const from = new Error().stack.split('\\n').slice(2).find((l) => !/start-worker\\.js|at startPoolWorker /.test(l)) ?? '';
    appendFileSync(process.env.WORKERS_LOG, from.trim() + '\\n');
    super(...a);
  }
};
syncBuiltinESMExports();
`,
);

let n = 0;
/** Run `poolsim ...args`; each Worker it constructed, as the stack line of its caller. */
function workers(...args: string[]): { code: number; stdout: string; stderr: string; started: string[] } {
  const log = join(dir, `workers-${n++}.txt`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--require', preload, repoPath('dist/cli/main.js'), ...args], { cwd: repoPath('.'), encoding: 'utf8', env: { ...process.env, WORKERS_LOG: log } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, started: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('the spare pool worker', () => {
  it('run starts its worker before the command line is parsed, and runs in it', () => {
    const r = workers('run', 'scenarios/quickstart.yaml', '--out', join(dir, 'a'), '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.started).toHaveLength(1);
    expect(r.started[0]).toContain('prestartPoolWorker');
  });

  it('a run that needs a larger heap ends the spare and gets its own worker, with the same result', () => {
    const r = workers('run', 'scenarios/quickstart.yaml', '--out', join(dir, 'b'), '--quiet', '--max-memory', '100GiB');
    expect(r.code, r.stderr).toBe(0);
    expect(r.started).toHaveLength(2);
    expect(r.started[0]).toContain('prestartPoolWorker');
    expect(r.started[1]).toContain('worker-pool.js');
    for (const f of ['summary.csv', 'jobs.csv']) expect(readFileSync(join(dir, 'b', f), 'utf8')).toBe(readFileSync(join(dir, 'a', f), 'utf8'));
  });

  it('compare takes the spare as its first worker', () => {
    const r = workers('compare', 'scenarios/quickstart.yaml', '--policies', 'fifo,sjf', '--seeds', '1', '--workers', '2', '--out', join(dir, 'c'), '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.started).toHaveLength(2);
    expect(r.started[0]).toContain('prestartPoolWorker');
  });

  it('no worker for help, for a command that does not simulate in a pool, and a bad input ends as before', () => {
    for (const args of [['run', '--help'], ['validate', 'scenarios/quickstart.yaml'], ['fill', '--help']]) expect(workers(...args).started, args.join(' ')).toEqual([]);
    const bad = workers('run', join(dir, 'missing.yaml'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`${join(dir, 'missing.yaml')}: no such file\n1 problem found; nothing was run or written.\n`);
  });
});
