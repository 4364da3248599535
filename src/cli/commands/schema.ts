// `poolsim schema`: the JSON Schema of scenario files, generated from the same zod schemas that
// validate them and carrying every field's description, for editors' completion and hover (e.g. the
// YAML language server); `--format markdown` prints the scenario reference (docs/scenario-reference.md).
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { scenarioJsonSchema, scenarioReference } from '../../scenario/json-schema.js';

interface SchemaArgs {
  format: 'json' | 'markdown';
}

export function builder(y: Argv): Argv<SchemaArgs> {
  return y.option('format', { choices: ['json', 'markdown'] as const, default: 'json' as const, describe: 'json: JSON Schema; markdown: the scenario reference' }) as Argv<SchemaArgs>;
}

export function handler(argv: ArgumentsCamelCase<SchemaArgs>): void {
  process.stdout.write(argv.format === 'markdown' ? scenarioReference() : `${JSON.stringify(scenarioJsonSchema().schema, null, 2)}\n`);
}
