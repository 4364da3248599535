// Fuzzing the scenario loader in process: every bundled scenario (but the Philly replay, whose
// 82k-row trace takes half a second a load), mutated as users break scenarios, must load, or be
// refused with an InputError whose every issue is located. Any other exception is what the CLI
// reports as an internal error. In process a mutant costs milliseconds, so this reaches what the
// CLI fuzz (fuzz-scenarios.test.ts, a process per mutant) cannot: a disaggregated pool with its
// `count` deleted ended in "Cannot read properties of undefined (reading 'min')" until fc3ccdd.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { InputError } from '../src/scenario/errors.js';
import { readInputFile, readInputPieces } from '../src/scenario/read-input-file.js';
import { repoPath } from './helpers.js';
import { mutate, mutation } from './scenario-mutations.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 600);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);

const BASES = readdirSync(repoPath('scenarios'))
  .filter((f) => f.endsWith('.yaml') && f !== 'philly-replay.yaml')
  .sort();

describe('fuzzed scenarios, loaded in process', () => {
  it('every mutation of a bundled scenario loads with finite sizes or is refused with located issues', () => {
    const texts = new Map(BASES.map((b) => [b, readFileSync(repoPath(`scenarios/${b}`), 'utf8')]));
    let loaded = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.constantFrom(...BASES), fc.array(mutation, { minLength: 1, maxLength: 3 }), (base, ms) => {
        const { text, described } = mutate(texts.get(base)!, ms);
        const label = `${base}: ${described.join('; ')}`;
        const file = `scenarios/${base}`;
        let resolved;
        try {
          resolved = loadScenario(text, file, { readFile: readInputFile, readPieces: readInputPieces, baseDir: repoPath('scenarios') });
        } catch (e) {
          expect(e, `${label}: ${(e as Error).stack}`).toBeInstanceOf(InputError);
          const issues = (e as InputError).issues;
          expect(issues.length, label).toBeGreaterThan(0);
          for (const i of issues) {
            expect(i.line, `${label}: ${i.message}`).toBeGreaterThanOrEqual(1);
            expect(i.file, label).not.toBe('');
            expect(i.message, label).toMatch(/\S/);
            expect(i.message, label).not.toMatch(/\[object Object\]|\bundefined\b/);
          }
          refused++;
          return;
        }
        for (const k of ['devices', 'nodes', 'jobs', 'requests', 'memoryBytes', 'events'] as const) {
          expect(Number.isFinite(resolved.size[k]) && resolved.size[k] >= 0, `${label}: size.${k} = ${resolved.size[k]}`).toBe(true);
        }
        loaded++;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // Both outcomes are reached, so the property is not vacuous either way.
    expect(loaded).toBeGreaterThan(RUNS / 20);
    expect(refused).toBeGreaterThan(RUNS / 20);
  }, 240_000);
});
