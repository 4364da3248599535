// Bad arguments to the library's run functions are refused as the command line refuses them: an
// InputError naming the argument and what was expected, before anything runs, never a number
// computed from a seed the CLI would not take, nor a TypeError from deep inside.
import { describe, expect, it } from 'vitest';
import { defineScenario, InputError, runScenario, runScenarioWithPolicies, simulate, type ScenarioInput } from '../src/index.js';
import { SEED_RANGE } from '../src/scenario/seed-range.js';

const scenario = (): ReturnType<typeof defineScenario> =>
  defineScenario({
    name: 'args',
    seed: 1,
    datacentres: [{ name: 'dc', node_groups: [{ name: 'g', device: 'H100', count: 2 }] }],
    workloads: [{ generator: { name: 'w', count: 4, arrival: { process: 'poisson', rate: '4/h' }, devices: 8, duration: '1h', reference_device: 'H100' } }],
  } as ScenarioInput);

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).message;
  }
  throw new Error('not refused');
}

describe('runScenario options.seed', () => {
  // Each ran before, to numbers for a seed `poolsim run --seed` refuses: -1, 1.5 and 2^60 ran as
  // themselves, NaN, Infinity and 'abc' each as some other stream, and summary.seed said NaN or abc.
  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, '3', 'abc'])('refuses %s with the CLI range', (seed) => {
    const s = scenario();
    const message = refusal(() => runScenario(s, { seed: seed as number }));
    expect(message).toContain(`seed: ${SEED_RANGE}, got ${typeof seed === 'string' ? `'${seed}'` : seed}`);
    expect(() => simulate(s, { seed: seed as number })).toThrow(InputError);
  });

  it('refuses it in runScenarioWithPolicies too', async () => {
    await expect(runScenarioWithPolicies(scenario(), { seed: -1 })).rejects.toThrow(InputError);
  });

  it('takes every whole seed the CLI takes, 0 and 10^15 - 1 included', () => {
    for (const seed of [0, 7, 999_999_999_999_999]) expect(runScenario(scenario(), { seed }).summary.seed).toBe(seed);
    expect(runScenario(scenario()).summary.seed).toBe(1);
  });
});
