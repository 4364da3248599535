// `poolsim policies`: every queue, placement and preemption policy with its description and its
// parameters (names, types and defaults derived from each policy's own zod schema).
import type { Argv } from 'yargs';
import { z } from 'zod';
import { LOAD_BALANCERS } from '../../policy/balancers/registry.js';
import { PLACEMENT_POLICIES, PREEMPTION_POLICIES, QUEUE_POLICIES } from '../../policy/registry.js';

export function builder(y: Argv): Argv {
  return y;
}

export function handler(): void {
  const sections: [string, string, ReadonlyMap<string, { name: string; description: string; params: z.ZodType }>][] = [
    ['Queue policies', 'policy', QUEUE_POLICIES as never],
    ['Placement policies', 'placement', PLACEMENT_POLICIES as never],
    ['Preemption policies', 'victims (a parameter of preemptive queue policies)', PREEMPTION_POLICIES as never],
    ['Load balancers', 'balancer (of an inference service)', LOAD_BALANCERS as never],
  ];
  let out = '';
  for (const [title, key, table] of sections) {
    out += `${title} (scenario key: ${key})\n\n`;
    for (const def of table.values()) {
      out += `  ${def.name}\n${wrap(def.description, 4)}`;
      const params = describeParams(def.params);
      if (params.length === 0) out += '    parameters: none\n';
      for (const p of params) out += `    - ${p.name}: ${p.type}${p.default !== undefined ? ` = ${p.default}` : ''}${p.description ? `\n${wrap(p.description, 8)}` : '\n'}`;
      out += '\n';
    }
  }
  out += 'A module file (./my-policy.mjs or .ts) is accepted wherever a policy name is: see docs/writing-a-policy.md.\n';
  process.stdout.write(out);
}

export interface ParamDoc {
  name: string;
  type: string;
  default: string | undefined;
  description: string | undefined;
}

/** Parameter names, types, defaults and descriptions of an object schema, via its JSON Schema. */
export function describeParams(schema: z.ZodType): ParamDoc[] {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return Object.entries(js.properties ?? {}).map(([name, p]) => ({
    name,
    type: typeOf(p) + (js.required?.includes(name) ? ' (required)' : ''),
    default: p.default !== undefined ? JSON.stringify(p.default) : undefined,
    description: p.description,
  }));
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
}

function typeOf(p: JsonSchema): string {
  if (p.enum) return p.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (p.anyOf) return [...new Set(p.anyOf.map(typeOf))].join(' | ');
  if (p.type === 'array') {
    const item = p.items ? typeOf(p.items) : 'value';
    return item.includes(' ') ? `(${item})[]` : `${item}[]`;
  }
  if (p.type === 'object') return p.properties ? `{ ${Object.keys(p.properties).join(', ')} }` : 'object';
  const t = Array.isArray(p.type) ? p.type.join(' | ') : (p.type ?? 'any');
  const range = p.minimum !== undefined || p.maximum !== undefined ? ` in [${p.minimum ?? '-inf'}, ${p.maximum ?? 'inf'}]` : '';
  return t + range;
}

function wrap(text: string, indent: number, width = 100): string {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && pad.length + line.length + 1 + word.length > width) {
      lines.push(pad + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(pad + line);
  return lines.join('\n') + '\n';
}
