// The scenario file's JSON Schema, generated from the zod schema that validates it, with every
// field's description (field-docs.ts) put in; and the scenario reference (docs/scenario-reference.md)
// generated from that JSON Schema, so the reference, the editor hints and the validator agree.
import { z } from 'zod';
import { graphFileSchema } from '../model/network/fabrics/graph.js';
import { FIELD_DOCS } from './field-docs.js';
import { scenarioSchema } from './schema.js';

type JsonNode = Record<string, unknown>;

/** One field of the file, where it occurs (the same path may occur in several union branches). */
interface Field {
  path: string;
  /** Path of the mapping that holds it ('' at the top). */
  parent: string;
  nodes: JsonNode[];
  /** Mappings at `parent` (union branches) that require it. */
  requiredIn: number;
}

/** Every property of the schema in document order, keyed by path ('datacentres[].pue'; '<name>' for map keys). */
function fieldsOf(root: JsonNode): { fields: Field[]; required: (f: Field) => boolean } {
  const fields = new Map<string, Field>();
  /** Mappings (objects with properties) seen at each path: a field is required when all of them require it. */
  const mappings = new Map<string, number>();
  const walk = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as JsonNode;
    for (const k of ['anyOf', 'oneOf', 'allOf']) for (const alt of (n[k] as unknown[] | undefined) ?? []) walk(alt, path);
    if (Array.isArray(n.prefixItems)) for (const x of n.prefixItems) walk(x, `${path}[]`);
    else if (n.items && typeof n.items === 'object') walk(n.items, `${path}[]`);
    const props = n.properties as Record<string, JsonNode> | undefined;
    if (props) mappings.set(path, (mappings.get(path) ?? 0) + 1);
    const required = new Set((n.required as string[] | undefined) ?? []);
    for (const [k, v] of Object.entries(props ?? {})) {
      const p = path === '' ? k : `${path}.${k}`;
      const f = fields.get(p) ?? { path: p, parent: path, nodes: [], requiredIn: 0 };
      fields.set(p, f);
      f.nodes.push(v);
      if (required.has(k)) f.requiredIn++;
      walk(v, p);
    }
    const extra = n.additionalProperties;
    if (extra && typeof extra === 'object') walk(extra, `${path}.<name>`);
  };
  walk(root, '');
  return { fields: [...fields.values()], required: (f) => f.requiredIn > 0 && f.requiredIn === mappings.get(f.parent) };
}

export interface ScenarioJsonSchema {
  schema: JsonNode;
  /** Fields with no description in FIELD_DOCS. */
  undescribed: string[];
  /** FIELD_DOCS entries that name no field. */
  unknownDocs: string[];
}

/** The input form of the schema (what a user writes: '5us', '400Gbps'), every field described. */
export function scenarioJsonSchema(): ScenarioJsonSchema {
  const schema = { title: 'poolsim scenario', ...z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any', override: keepDefault }) } as JsonNode;
  addLoaderForms(schema);
  // Top-level `x-` keys hold anchored blocks for aliases and merge keys; the loader ignores them.
  (schema as Record<string, unknown>).patternProperties = { '^x-': {} };
  const { fields } = fieldsOf(schema);
  const undescribed: string[] = [];
  for (const f of fields) {
    const text = FIELD_DOCS[f.path];
    if (text === undefined) undescribed.push(f.path);
    else for (const node of f.nodes) node.description = text;
  }
  const known = new Set(fields.map((f) => f.path));
  return { schema, undescribed, unknownDocs: Object.keys(FIELD_DOCS).filter((k) => !known.has(k)) };
}

/**
 * zod leaves out the default of a field whose value is transformed (every quantity: a repair's 1 h,
 * a checkpoint's 60 s cost, a stream's 512 prompt tokens) from an input-form schema, since the
 * default is the output's value. The output of a quantity is its number in base units, which the
 * input takes too (seconds, bytes, watts), so it is put back: the reference showed such fields
 * with no default, as if absent meant none.
 */
function keepDefault(ctx: { zodSchema: unknown; jsonSchema: JsonNode }): void {
  const def = (ctx.zodSchema as { _zod?: { def?: { type?: string; defaultValue?: unknown } } })._zod?.def;
  if (def?.type !== 'default' || ctx.jsonSchema.default !== undefined) return;
  const value = typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
  if (value !== undefined) ctx.jsonSchema.default = value;
}

/**
 * Forms the loader accepts and rewrites before parsing, so the parser's schema does not hold them:
 * a graph topology read from a file (`{ kind: graph, path: FILE }`) beside the inline graph.
 */
function addLoaderForms(schema: JsonNode): void {
  const topology = (((schema.properties as JsonNode).datacentres as JsonNode).items as JsonNode).properties as JsonNode;
  const kinds = (topology.topology as JsonNode).oneOf as JsonNode[] | undefined;
  const at = kinds?.findIndex((k) => ((k.properties as JsonNode | undefined)?.kind as JsonNode | undefined)?.const === 'graph') ?? -1;
  if (!kinds || at < 0) throw new Error('scenario JSON Schema: no graph topology to add the file form to');
  const { $schema: _, ...fileForm } = z.toJSONSchema(graphFileSchema, { io: 'input' }) as JsonNode;
  kinds[at] = { anyOf: [kinds[at]!, fileForm] };
}

const QUANTITY: Record<string, string> = {
  duration: "duration ('90s', '5us', '2h', '7d', or seconds)",
  size: "size ('16MiB', '80GB', '8Gb', or bytes)",
  rate: "rate ('400Gbps', '50GB/s', or bytes/s)",
  flops: "FLOP/s ('989TFLOPS', or a number)",
  flop: "FLOP ('3.1e23', '310EFLOP')",
  power: "power ('700W', '10kW', or watts)",
  energy: "energy ('5kWh', or joules)",
  count: "count ('175B', '16M', or a number)",
  frequency: "rate of events ('10/h', '20/s', or per second)",
};

const SAFE = Number.MAX_SAFE_INTEGER;

function range(n: JsonNode): string {
  const lo = n.exclusiveMinimum !== undefined ? `(${n.exclusiveMinimum as number}` : n.minimum !== undefined && n.minimum !== -SAFE ? `[${n.minimum as number}` : undefined;
  const hi = n.exclusiveMaximum !== undefined ? `${n.exclusiveMaximum as number})` : n.maximum !== undefined && n.maximum !== SAFE ? `${n.maximum as number}]` : undefined;
  if (lo === undefined && hi === undefined) return '';
  if (lo !== undefined && hi !== undefined) return ` in ${lo}, ${hi}`;
  return lo !== undefined ? (lo.startsWith('(') ? ` > ${lo.slice(1)}` : ` >= ${lo.slice(1)}`) : hi!.endsWith(')') ? ` < ${hi!.slice(0, -1)}` : ` <= ${hi!.slice(0, -1)}`;
}

/** What a value of this node may be, in words. */
function typeText(n: JsonNode): string {
  if (typeof n['x-quantity'] === 'string') return QUANTITY[n['x-quantity']] ?? n['x-quantity'];
  const alts = (n.anyOf ?? n.oneOf) as JsonNode[] | undefined;
  if (alts) return [...new Set(alts.map(typeText))].join(' or ');
  if (n.const !== undefined) return `'${String(n.const)}'`;
  if (Array.isArray(n.enum)) return `one of ${(n.enum as unknown[]).map((v) => `'${String(v)}'`).join(', ')}`;
  const t = n.type;
  if (Array.isArray(t)) return t.join(' or ');
  if (t === 'array') {
    const len = n.minItems !== undefined && n.minItems === n.maxItems ? ` (${n.minItems as number} items)` : '';
    if (Array.isArray(n.prefixItems)) return `list (${n.prefixItems.length} items) of ${[...new Set((n.prefixItems as JsonNode[]).map(typeText))].join(' or ')}`;
    const items = n.items as JsonNode | undefined;
    return items && typeof items === 'object' && !items.properties && !(items.anyOf ?? items.oneOf) ? `list${len} of ${typeText(items)}` : `list${len}`;
  }
  if (t === 'object') return n.properties ? 'mapping' : n.additionalProperties && typeof n.additionalProperties === 'object' ? `map of name to ${typeText(n.additionalProperties as JsonNode)}` : 'mapping';
  if (t === 'number' || t === 'integer') return `${t === 'integer' ? 'whole number' : 'number'}${range(n)}`;
  if (t === 'string') return typeof n.pattern === 'string' && n.pattern.startsWith('^[A-Za-z0-9]') ? 'name' : 'string';
  return typeof t === 'string' ? t : 'any';
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/scenario-reference.md: every field, its type, default and description, by top-level section. */
export function scenarioReference(): string {
  const { schema } = scenarioJsonSchema();
  const { fields, required } = fieldsOf(schema);
  const out: string[] = [
    '# Scenario reference',
    '',
    '<!-- Generated by `npx poolsim schema --format markdown` from the schema that validates scenarios',
    '     (src/scenario/schema.ts) and its descriptions (src/scenario/field-docs.ts). Do not edit by hand:',
    '     a test fails when this file is stale. -->',
    '',
    'Every field a scenario file may hold. Paths use `[]` for list items and `<name>` for keys you choose.',
    'Quantities take units (`5us`, `400Gbps`, `80GiB`, `989TFLOPS`, `10/h`) or bare SI numbers. The same',
    'schema is available to editors as JSON Schema: `npx poolsim schema > poolsim.schema.json`.',
    '',
    'YAML anchors, aliases and merge keys reuse a block: `- &big { devices: 64, params: 70B, tokens: 1T }`',
    'then `- { <<: *big, name: b }` (keys written beside `<<` win). Top-level keys that start with `x-` are',
    'ignored, so a block can be anchored there (`x-job: &job {...}`); every other unknown key is refused.',
    'A file is read as YAML 1.2 (`yes` and `no` are words, refused where `true` or `false` is meant; `010` is',
    'ten), or as YAML 1.1 after a `%YAML 1.1` line. Tags other than plain values (`!!binary`, `!!timestamp`,',
    '`!Ref`), a core tag its value does not fit (`!!float 7`), duplicate keys and a second document are refused,',
    "and so are YAML 1.1's base-60 numbers (`2:00`, which it reads as 120: seconds, not two hours).",
    '',
  ];
  const header = ['| field | type | default | description |', '|---|---|---|---|'];
  const row = (f: Field): string => {
    const types = [...new Set(f.nodes.map(typeText))].join(' or ');
    const defaults = [...new Set(f.nodes.filter((n) => n.default !== undefined).map((n) => JSON.stringify(n.default)))];
    const def = defaults.length > 0 ? `\`${defaults.join(' or ')}\`` : required(f) ? 'required' : '';
    return `| \`${f.path}\` | ${cell(types)} | ${cell(def)} | ${cell((f.nodes[0]!.description as string | undefined) ?? '')} |`;
  };
  const top = fields.filter((f) => f.parent === '');
  out.push('## Top level', '', ...header, ...top.map(row), '');
  for (const t of top) {
    const nested = fields.filter((f) => f.path.startsWith(`${t.path}.`) || f.path.startsWith(`${t.path}[`));
    if (nested.length === 0) continue;
    out.push(`## ${t.path}`, '', t.nodes[0]!.description as string, '', ...header, ...nested.map(row), '');
  }
  return out.join('\n');
}
