// ctx.place reuses a placement policy's answer for an equal request until the cluster changes, when
// the policy promises it answers from the request alone (Placer.requestOnly). The decisions must be
// the same as asking every time, and the policy must be asked less on a crowded line.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/experiment/run-scenario.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { resolvePolicies } from '../src/policy/registry.js';
import type { Placer } from '../src/policy/types.js';
import { fileAccess } from '../src/experiment/file-access.js';
import { crowdedOpenbText, repoPath } from './helpers.js';

const scenario = (policy: string, placement: string): string => crowdedOpenbText(policy, placement);

function run(policy: string, placement: string, requestOnly: boolean): { jobs: string; calls: number } {
  const file = repoPath('scenarios/crowded.yaml');
  const resolved = loadScenario(scenario(policy, placement), file, fileAccess(file));
  const policies = resolvePolicies(resolved.scenario.policy, resolved.scenario.placement);
  let calls = 0;
  const inner = policies.placer;
  expect(inner.requestOnly).toBe(true);
  const placer: Placer = {
    place: (job, cluster, hints) => {
      calls++;
      return inner.place(job, cluster, hints);
    },
    ...(requestOnly ? { requestOnly: true } : {}),
  };
  let jobs = '';
  runScenario(resolved, { policies: { ...policies, placer }, outputs: { files: ['jobs.csv'], write: (_f, t) => (jobs += t) } });
  return { jobs, calls };
}

describe('placement answers reused per request and cluster state', () => {
  // Disciplines that try many waiting jobs per pass ask for equal requests again (fewer searches);
  // those that stop at the first job that cannot start rarely do (no more searches), nor does EASY
  // backfilling, which asks only about jobs that could end by the reservation (a share pod's rate
  // bound counts its share of the device, so few can).
  for (const [policy, placement, fewer] of [
    ['multifactor', 'best-fit', true],
    ['easy-backfill', 'first-fit', false],
    ['{name: multifactor, params: {backfill: false}}', 'fgd', false],
    ['drf', 'gpu-packing', false],
  ] as const) {
    it(`${policy} with ${placement}: the same jobs.csv${fewer ? ', fewer searches' : ''}`, () => {
      const asked = run(policy, placement, false);
      const reused = run(policy, placement, true);
      expect(reused.jobs).toBe(asked.jobs);
      expect(asked.jobs.split('\n').length).toBeGreaterThan(1000);
      if (fewer) expect(reused.calls).toBeLessThan(0.8 * asked.calls);
      else expect(reused.calls).toBeLessThanOrEqual(asked.calls);
    }, 120_000);
  }
});
