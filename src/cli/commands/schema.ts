// `poolsim schema`: the JSON Schema of scenario files, generated from the same zod schemas that
// validate them, for editors' completion and checking (e.g. the YAML language server).
import type { Argv } from 'yargs';
import { z } from 'zod';
import { scenarioSchema } from '../../scenario/schema.js';

export const command = 'schema';
export const describe = 'Print the JSON Schema of scenario files (for editor completion)';

export function builder(y: Argv): Argv {
  return y;
}

export function handler(): void {
  // Input form: what a user writes ('5us', '400Gbps'), before units are parsed.
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
  process.stdout.write(`${JSON.stringify({ title: 'poolsim scenario', ...schema }, null, 2)}\n`);
}
