// `poolsim sweep <scenario> --set path=values ...`: every combination of the swept values, crossed
// with policies and seeds; runs.csv has one column per swept parameter before the summary columns.
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { experimentOptions, runExperimentCommand, type ExperimentArgs } from '../experiment-cli.js';
import { guarded } from '../io.js';

export function builder(y: Argv): Argv<ExperimentArgs> {
  return experimentOptions(y, { seeds: 1 })
    .option('set', {
      type: 'string',
      array: true,
      demandOption: 'name at least one field to sweep: --set links[0].latency=10us..10ms:log:7',
      describe: 'path=values (repeatable): a list 1us,10us,1ms or a range 10us..10ms:log:7 / 100..800:lin:8; paths like links[0].latency or datacentres.east.fabric',
    })
    .example("$0 sweep scenarios/two-dc-latency.yaml --set 'links[0].latency=10us..10ms:log:7' --job split-13b --plot", '') as unknown as Argv<ExperimentArgs>;
}

export async function handler(argv: ArgumentsCamelCase<ExperimentArgs>): Promise<void> {
  await guarded(() => runExperimentCommand(argv, 'sweep'));
}
