// The scenario argument of the library's run functions (runScenario, runScenarioWithPolicies,
// simulate, new Simulation): code may pass anything, and the commonest slip, the scenario object
// itself not passed through defineScenario, failed deep inside the simulator with "Cannot read
// properties of undefined (reading 'seed')". Refused here, as the CLI refuses bad input.
import { InputError } from '../scenario/errors.js';

function described(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const keys = Object.keys(value);
  return keys.length === 0 ? 'a plain object with no keys' : `a plain object with ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', ...' : ''}`;
}

/** Throws InputError unless `value` looks like what defineScenario or loadScenario returns. */
export function checkResolvedArgument(value: unknown): void {
  const v = value as { scenario?: unknown; shape?: unknown } | null | undefined;
  if (typeof v === 'object' && v !== null && typeof v.scenario === 'object' && v.scenario !== null && typeof v.shape === 'object' && v.shape !== null) return;
  const plainScenario = typeof v === 'object' && v !== null && 'name' in v && 'datacentres' in v;
  throw new InputError([
    {
      file: 'run options',
      line: 0,
      column: 0,
      path: 'scenario',
      message: `expected a resolved scenario (what defineScenario or loadScenario returns), got ${described(value)}${plainScenario ? ': pass it through defineScenario first' : ''}`,
    },
  ]);
}
