// The worker pool under garbage-collection pressure: with two workers, an experiment that keeps every
// job row on the main thread (--jobs) used to die with a V8 fatal error (exit 133, "Check failed:
// concurrent_marking_handle_ ...") because the pool switched V8 to --single-threaded-gc with
// v8.setFlagsFromString() while the main isolate's concurrent marker existed. V8 flags may only be
// set before V8 starts; this keeps it so.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poolsim, repoPath } from './helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('the worker pool never changes V8 flags at run time', () => {
  it('no source file calls setFlagsFromString', () => {
    const offenders = sources(repoPath('src')).filter((f) => /setFlagsFromString/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('a 2-worker sweep holding 20,000 job rows on the main thread exits 0 (with the flag set it crashed 3 times in 3)', () => {
    const out = mkdtempSync(join(tmpdir(), 'poolsim-gc-'));
    try {
      const r = poolsim(
        'sweep',
        'scenarios/policy-backfill.yaml',
        '--set',
        'workloads[0].generator.count=10000',
        '--set',
        'workloads[0].generator.arrival.mean_interval=30s',
        '--seeds',
        '2',
        '--workers',
        '2',
        '--jobs',
        '--out',
        out,
        '--quiet',
      );
      expect(r.stderr).not.toMatch(/Fatal error|Check failed/);
      expect(r.code).toBe(0);
      const jobs = readFileSync(join(out, 'jobs.csv'), 'utf8');
      expect(jobs.trimEnd().split('\n').length).toBe(1 + 2 * 10000);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
