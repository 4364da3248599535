// A scenario built in code: the same zod schema as a scenario file (defaults included), the same
// checks against the catalogue, the same refusals. Problems are located by field path under a label
// the caller chooses (there are no lines), e.g. "my-study: workloads[0].jobs[2].devices: ...".
import { InputError, SourceMap, zodIssues } from '../scenario/errors.js';
import { scenarioSchema, type ScenarioInput } from '../scenario/schema.js';
import { resolveScenario, type LoadOptions, type ResolvedScenario } from './load-scenario.js';

export interface DefineScenarioOptions extends LoadOptions {
  /** Names the scenario in error messages and results (default: the scenario's name). */
  label?: string;
}

/**
 * Check and resolve a scenario given as an object, exactly as `loadScenario` does for YAML text: the
 * result runs with runScenario() and gives the same bytes as the equivalent file. The input is
 * copied first, so changing it afterwards changes nothing. Throws InputError listing every problem.
 */
export function defineScenario(input: ScenarioInput, options: DefineScenarioOptions = {}): ResolvedScenario {
  const { label, ...io } = options;
  const name = label ?? (typeof (input as { name?: unknown } | null)?.name === 'string' ? (input as { name: string }).name : 'scenario');
  const refuse = (message: string): InputError => new InputError([{ file: name, line: 0, column: 0, path: '', message }]);
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw refuse('expected an object with name, datacentres and workloads');
  let data: unknown;
  try {
    data = structuredClone(input);
  } catch (e) {
    // Functions, symbols and class instances with private state cannot be a scenario's values.
    throw refuse(`a scenario holds only plain data (objects, arrays, strings, numbers, booleans): ${e instanceof Error ? e.message : String(e)}`);
  }
  const src = new SourceMap(name, undefined, undefined);
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) throw new InputError(zodIssues(parsed.error.issues, src, scenarioSchema, data));
  return resolveScenario(parsed.data, src, io);
}
