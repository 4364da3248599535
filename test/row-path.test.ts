// A completion tells the simulator's own observers (metrics, finish-time fairness) directly from the
// job's row while no one else listens for 'finished' (docs/performance.md, "One job index"), and
// through the signal otherwise. Both paths must write the same bytes: every bundled scenario and a
// few fuzzed ones are run both ways (the run option `objectPath` forces the signal) and compared.
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadScenario, type ResolvedScenario } from '../src/model/load-scenario.js';
import { Signals } from '../src/sim/signals.js';
import { bundled, repoPath, runToCsv } from './helpers.js';
import { mutate, mutation } from './scenario-mutations.js';

/** As the golden test: scale-100k is the scale benchmark's. */
const names = readdirSync(repoPath('scenarios'))
  .filter((f) => f.endsWith('.yaml') && !f.startsWith('.'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .filter((n) => n !== 'scale-100k')
  .sort();

/** Everything a run writes or returns, or the message it failed with. */
function outcome(resolved: ResolvedScenario, objectPath: boolean): string {
  try {
    const r = runToCsv(resolved, { objectPath });
    return [r.summaryCsv, r.jobsCsv, r.tenantsCsv ?? '', `events ${r.events}, end ${r.endS}`, JSON.stringify(r.services)].join('\n--\n');
  } catch (e) {
    return `failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

afterEach(() => vi.restoreAllMocks());

describe('the completion from the row and through the signal', () => {
  it.each(names)('%s: identical bytes both ways', (name) => {
    const resolved = bundled(name);
    expect(outcome(resolved, false)).toBe(outcome(resolved, true));
  });

  // Small bundled bases (the fuzz test's quick ones) with one or two mutations each, a fixed sample:
  // most mutants are refused by the loader (7 in 8), so the sample is large enough to run several.
  const bases = ['quickstart', 'two-dc-latency', 'policy-backfill', 'green-site'];
  const mutants = fc
    .sample(fc.tuple(fc.constantFrom(...bases), fc.array(mutation, { minLength: 1, maxLength: 2 })), { numRuns: 60, seed: 51 })
    .map(([base, ms], i) => ({ i, base, ...mutate(readFileSync(repoPath(`scenarios/${base}.yaml`), 'utf8'), ms) }));
  it('fuzzed scenarios: identical bytes both ways', () => {
    let compared = 0;
    for (const { i, base, text, described } of mutants) {
      let resolved: ResolvedScenario;
      try {
        resolved = loadScenario(text, 'fuzz.yaml');
      } catch {
        continue; // refused before running: nothing to compare
      }
      compared++;
      expect(outcome(resolved, false), `${base} #${i}: ${described.join('; ')}`).toBe(outcome(resolved, true));
    }
    // A refused mutant compares nothing: the sample must still compare several.
    expect(compared).toBeGreaterThanOrEqual(4);
  }, 300_000);

  it("takes the row path only while no one else listens for 'finished'", () => {
    const emitted = (options: { objectPath?: boolean; listen?: boolean }): number => {
      const emit = vi.spyOn(Signals.prototype, 'emit');
      runToCsv(bundled('quickstart'), {
        objectPath: options.objectPath,
        observe: options.listen ? (sim) => sim.signals.on('finished', () => {}) : undefined,
      });
      const n = emit.mock.calls.filter((c) => c[0] === 'finished').length;
      emit.mockRestore();
      return n;
    };
    const completed = Number(runToCsv(bundled('quickstart')).summary.jobs_completed);
    expect(completed).toBeGreaterThan(0);
    expect(emitted({})).toBe(0);
    expect(emitted({ objectPath: true })).toBe(completed);
    expect(emitted({ listen: true })).toBe(completed);
  });
});
