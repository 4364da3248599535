// `poolsim validate <scenario.yaml>`: check a scenario without running it.
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { resolvePolicies } from '../../policy/registry.js';
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
  await guarded(() => {
    const r = readScenario(argv.scenario);
    resolvePolicies(r.scenario.policy, r.scenario.placement, { src: r.src });
    const devices = r.shape.groups.reduce((s, g) => s + g.nodeCount * g.devicesPerNode, 0);
    process.stdout.write(
      `${argv.scenario}: valid. ${r.shape.datacentres.length} data centre(s), ${devices} devices of ${r.shape.kinds.length} kind(s), ${r.jobs.length} listed job(s), ${r.generators.length} generator(s).\n`,
    );
  });
}
