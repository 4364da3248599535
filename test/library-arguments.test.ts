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

describe('runScenario options.on', () => {
  // A misspelt listener (`jobFinishd`) never fired and the run said nothing: a user counting
  // finished jobs got 0. A listener that is not a function ended the run deep inside with
  // "TypeError: jobFinished is not a function", and `on: 5` was taken as no listeners.
  it('refuses an unknown listener name with the nearest known one, before the run', () => {
    let fired = 0;
    const message = refusal(() => runScenario(scenario(), { on: { jobFinishd: () => fired++ } as never }));
    expect(message).toBe("run options: on.jobFinishd: unknown listener 'jobFinishd' (did you mean 'jobFinished'?); expected one of: jobSubmitted, jobRejected, jobStarted, jobStopped, jobFinished, jobRateChanged, linkSaturated, linkRelieved, jobRow, transferRow, linkRow, serviceRow, requestRow");
    expect(fired).toBe(0);
  });

  it('refuses a listener that is not a function, and listeners that are not an object', () => {
    expect(refusal(() => runScenario(scenario(), { on: { jobFinished: 5 } as never }))).toBe('run options: on.jobFinished: expected a function, got a number');
    expect(refusal(() => runScenario(scenario(), { on: 5 as never }))).toMatch(/^run options: on: expected an object of listeners \(jobSubmitted, .*\), got a number$/);
  });

  it('runs known listeners as before', () => {
    let finished = 0;
    runScenario(scenario(), { on: { jobFinished: () => finished++, jobRow: undefined } });
    expect(finished).toBe(4);
  });
});

describe('runScenario given something other than a resolved scenario', () => {
  // The scenario object itself, not passed through defineScenario (the commonest slip), ended in
  // "TypeError: Cannot read properties of undefined (reading 'seed')" from inside the simulator.
  it('refuses a plain scenario object, saying to pass it through defineScenario', () => {
    const plain = { name: 'p', datacentres: [], workloads: [] };
    expect(refusal(() => runScenario(plain as never))).toBe(
      'run options: scenario: expected a resolved scenario (what defineScenario or loadScenario returns), got a plain object with name, datacentres, workloads: pass it through defineScenario first',
    );
  });

  it('refuses undefined, a string and an empty object', () => {
    for (const [value, got] of [[undefined, 'undefined'], ['name: x', 'a string'], [{}, 'a plain object with no keys']] as const) {
      expect(refusal(() => runScenario(value as never))).toMatch(new RegExp(`^run options: scenario: expected a resolved scenario \\(what defineScenario or loadScenario returns\\), got ${got}`));
    }
  });
});
