// Fuzzing scenarios the way users break them: fast-check mutates small bundled scenarios (a number
// made huge, tiny, negative, non-finite or unit-less; a key deleted; a list item duplicated; a name
// misspelt) and runs each through `poolsim run`. Every outcome must be exit 0 with finite,
// conserved numbers, or exit 2 with located messages; never a stack trace, a hang or a crash.
// The seed is fixed so that a failure reproduces; FUZZ_RUNS and FUZZ_SEED explore further.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../src/experiment/csv-table.js';
import { repoPath } from './helpers.js';
import { mutate, mutation } from './scenario-mutations.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const RUNS = Number(process.env.FUZZ_RUNS ?? 24);
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
/** A run that takes longer than this is a hang: poolsim must refuse what it cannot finish. */
const HANG_MS = 60_000;

/** Small scenarios covering training, networks, transfers, failures and inference. */
const BASES = ['quickstart', 'two-dc-latency', 'policy-backfill', 'llama3-reliability', 'seed-gpt3-inference', 'green-site'];

const FRACTIONS = ['utilisation', 'effective_compute_ratio_pool', 'effective_compute_ratio_allocated'];

/** What a successful run must satisfy: finite numbers where there are numbers, and jobs accounted for. */
function checkSummary(dir: string, label: string): void {
  const t = parseCsv(readFileSync(join(dir, 'summary.csv'), 'utf8'));
  const row = Object.fromEntries(t.header.map((h, i) => [h, t.rows[0]![i]!]));
  for (const [k, v] of Object.entries(row)) {
    if (v === '' || ['scenario', 'policy', 'placement'].includes(k)) continue;
    const x = Number(v);
    expect(Number.isFinite(x), `${label}: ${k} = ${v}`).toBe(true);
    expect(x, `${label}: ${k} = ${v}`).toBeGreaterThanOrEqual(0);
  }
  for (const f of FRACTIONS) expect(Number(row[f]), `${label}: ${f}`).toBeLessThanOrEqual(1 + 1e-9);
  expect(Number(row.jobs_completed) + Number(row.jobs_rejected) + Number(row.jobs_unfinished), `${label}: jobs conserved`).toBe(Number(row.jobs_submitted));
  for (const file of ['jobs.csv', 'links.csv', 'services.csv', 'transfers.csv']) {
    if (!existsSync(join(dir, file))) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    expect(text, `${label}: ${file} has a non-finite cell`).not.toMatch(/(^|,)-?inf(,|$)/m);
  }
}

describe('fuzzed scenarios', () => {
  it('every mutation of a bundled scenario runs with finite, conserved numbers or is refused with located messages', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.constantFrom(...BASES), fc.array(mutation, { minLength: 1, maxLength: 3 }), (base, ms) => {
        const { text, described } = mutate(readFileSync(repoPath(`scenarios/${base}.yaml`), 'utf8'), ms);
        const label = `${base}: ${described.join('; ')}`;
        // The bases name no other files, so the mutant can live outside scenarios/ (where the
        // golden and differential tests list every file).
        const file = join(work, `fuzz-${n}.yaml`);
        const out = join(work, `out-${n++}`);
        writeFileSync(file, text);
        let r;
        try {
          r = spawnSync(process.execPath, [repoPath('dist/cli/main.js'), 'run', file, '--out', out, '--quiet'], { cwd: repoPath('.'), encoding: 'utf8', timeout: HANG_MS });
        } finally {
          rmSync(file, { force: true });
        }
        expect(r.signal, `${label}: hung or crashed (${r.signal})`).toBeNull();
        expect(r.stderr, `${label}: stack trace`).not.toMatch(/\n\s+at /);
        expect(r.stderr, `${label}: internal error`).not.toMatch(/internal error/);
        expect([0, 2], `${label}: exit ${r.status}\n${r.stderr}`).toContain(r.status);
        if (r.status === 2) {
          // Every message names the file (and, for the scenario's own fields, line and path).
          const lines = r.stderr.trim().split('\n');
          expect(lines.at(-1), label).toMatch(/problems? found; nothing was run or written/);
          for (const l of lines.slice(0, -1)) if (!/^\s/.test(l)) expect(l, label).toMatch(/^\S+(:\d+:\d+)?: /);
          expect(existsSync(out), `${label}: wrote results although refused`).toBe(false);
        } else checkSummary(out, label);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // Each mutant is a separate CLI process (a second or two; several on a loaded machine: 24 of
    // them took over 120 s at load 15).
  }, Math.max(360_000, RUNS * 15_000));
});
