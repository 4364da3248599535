// `poolsim validate <scenario.yaml>`: check a scenario without running it.
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { dirname, resolve } from 'node:path';
import { loadPolicies } from '../../policy/plugin.js';
import { guarded, readScenario } from '../io.js';

interface ValidateArgs {
  scenario: string;
}

export const command = 'validate <scenario>';
export const describe = 'Check a scenario file and report every problem in it';

export function builder(y: Argv): Argv<ValidateArgs> {
  return y.positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' }) as Argv<ValidateArgs>;
}

export async function handler(argv: ArgumentsCamelCase<ValidateArgs>): Promise<void> {
  await guarded(async () => {
    const r = readScenario(argv.scenario);
    // Imports plug-in modules and checks their parameters; runs nothing.
    await loadPolicies(r, dirname(resolve(argv.scenario)));
    const devices = r.shape.groups.reduce((s, g) => s + g.nodeCount * g.devicesPerNode, 0);
    process.stdout.write(
      `${argv.scenario}: valid. ${r.shape.datacentres.length} data centre(s), ${devices} devices of ${r.shape.kinds.length} kind(s), ${r.jobs.length} listed job(s), ${r.generators.length} generator(s).\n`,
    );
  });
}
