// Library calls given a missing or wrong-typed argument refuse with an InputError (or UnitError for the
// unit parsers) that names the argument and what was expected, never a raw TypeError from deep inside.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError, loadScenario, outputFiles, parseQuantity, readInputFile, runScenario } from '../src/index.js';
import { UnitError } from '../src/units/units.js';
import { repoPath } from './helpers.js';

const io = { readFile: readInputFile, baseDir: repoPath('scenarios') };
const quickstart = (): ReturnType<typeof loadScenario> =>
  loadScenario(readFileSync(repoPath('scenarios/quickstart.yaml'), 'utf8'), 'scenarios/quickstart.yaml', io);

function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('library arguments', () => {
  it('loadScenario refuses text that is not a string, naming the argument', () => {
    const e = thrownBy(() => loadScenario(undefined as unknown as string, 'a.yaml'));
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toContain('a.yaml: loadScenario: text must be the scenario\'s YAML text (a string), got undefined');
  });

  it('parseQuantity refuses an unknown kind, listing the kinds', () => {
    const e = thrownBy(() => parseQuantity('1h', 'furlongs' as never));
    expect(e).toBeInstanceOf(UnitError);
    expect((e as Error).message).toBe("parseQuantity: unknown kind 'furlongs': expected one of duration, size, rate, flops, flop, power, energy, count, frequency");
  });

  it('runScenario refuses outputs without a files list, naming the option', () => {
    const e = thrownBy(() => runScenario(quickstart(), { outputs: {} as never }));
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toContain('runScenario: options.outputs.files must be a list of output names (see outputFiles), got undefined');
  });

  it('outputFiles refuses a missing scenario, naming the argument', () => {
    const e = thrownBy(() => (outputFiles as unknown as () => unknown)());
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toContain('outputFiles: resolved must be a scenario from loadScenario or defineScenario, got undefined');
  });
});
