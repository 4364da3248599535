// Mutations of scenario text the way users break scenarios (a number made huge, tiny, negative,
// non-finite or unit-less; a key deleted or misspelt at any depth; a value quoted, given a unit,
// wrapped in a list or a map; a list item duplicated; a name misspelt), for the fuzz
// tests: fast-check draws the mutations, `mutate` applies them to the YAML document.
import fc from 'fast-check';
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';

type PathKey = string | number;

/** Every scalar in the document, by its path. */
function scalarPaths(doc: Document): PathKey[][] {
  const out: PathKey[][] = [];
  const walk = (node: unknown, path: PathKey[]): void => {
    if (isMap(node)) for (const p of node.items) walk(p.value, [...path, String((p.key as { value?: unknown })?.value ?? p.key)]);
    else if (isSeq(node)) node.items.forEach((n, i) => walk(n, [...path, i]));
    else if (isScalar(node)) out.push(path);
  };
  walk(doc.contents, []);
  return out;
}

function collectionPaths(doc: Document): { maps: PathKey[][]; seqs: PathKey[][] } {
  const maps: PathKey[][] = [];
  const seqs: PathKey[][] = [];
  const walk = (node: unknown, path: PathKey[]): void => {
    if (isMap(node)) {
      if (path.length > 0) maps.push(path);
      for (const p of node.items) walk(p.value, [...path, String((p.key as { value?: unknown })?.value ?? p.key)]);
    } else if (isSeq(node)) {
      seqs.push(path);
      node.items.forEach((n, i) => walk(n, [...path, i]));
    }
  };
  walk(doc.contents, []);
  return { maps, seqs };
}

const NASTY_VALUES: unknown[] = [0, -1, -0.5, 1e308, 1e-300, 5e-324, '1e400', '1e400s', '-5s', 'NaN', 'Infinity', '', 'x'.repeat(300), '5parsecs', '1e12', 1e12, 2 ** 53 + 1, true, null, [], {}, '0s', '1bps', '1e-300s', 'round-robbin'];

export interface Mutation {
  kind: 'set' | 'delete' | 'duplicate' | 'rename' | 'retype';
  /** Index into the candidate paths, taken modulo their number. */
  at: number;
  value: number;
}

export const mutation = fc.record({ kind: fc.constantFrom<Mutation['kind']>('set', 'set', 'set', 'delete', 'duplicate', 'rename', 'retype'), at: fc.nat(), value: fc.nat() });

/** A key as users misspell it: a letter dropped, two swapped, an 's' added, a case changed, a hyphen for an underscore. */
function misspell(key: string, how: number): string {
  switch (how % 5) {
    case 0:
      return key.length > 1 ? key.slice(0, -1) : `${key}x`;
    case 1:
      return key.length > 2 ? `${key[1]}${key[0]}${key.slice(2)}` : `${key}${key}`;
    case 2:
      return `${key}s`;
    case 3:
      return key === key.toUpperCase() ? key.toLowerCase() : key.toUpperCase();
    default:
      return key.includes('_') ? key.replace('_', '-') : `${key}_`;
  }
}

/**
 * A value in another shape, as users write it: a number quoted ("8"), a number with a unit the field
 * does not take ("400Gbps"), a value wrapped in a list, or given as a one-key map.
 */
function retyped(value: unknown, how: number): unknown {
  switch (how % 4) {
    case 0:
      return String(value);
    case 1:
      return `${String(value)}Gbps`;
    case 2:
      return [value];
    default:
      return { value };
  }
}

export function mutate(text: string, ms: readonly Mutation[]): { text: string; described: string[] } {
  const doc = parseDocument(text);
  const described: string[] = [];
  for (const m of ms) {
    if (m.kind === 'set') {
      const paths = scalarPaths(doc);
      const path = paths[m.at % paths.length]!;
      const value = NASTY_VALUES[m.value % NASTY_VALUES.length];
      doc.setIn(path, doc.createNode(value));
      described.push(`set ${path.join('.')} = ${JSON.stringify(value)}`);
    } else if (m.kind === 'delete') {
      const { maps } = collectionPaths(doc);
      const scalars = scalarPaths(doc);
      const all = [...maps, ...scalars];
      const path = all[m.at % all.length]!;
      doc.deleteIn(path);
      described.push(`delete ${path.join('.')}`);
    } else if (m.kind === 'rename') {
      // A key at any depth renamed: the value stays, under the misspelt name.
      const keyed = [...collectionPaths(doc).maps, ...scalarPaths(doc)].filter((p) => p.length > 0 && typeof p.at(-1) === 'string');
      if (keyed.length === 0) continue;
      const path = keyed[m.at % keyed.length]!;
      const key = path.at(-1) as string;
      const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
      if (!isMap(parent)) continue;
      const pair = parent.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === key);
      if (!pair) continue;
      const renamed = misspell(key, m.value);
      if (parent.items.some((p) => String((p.key as { value?: unknown })?.value ?? p.key) === renamed)) continue;
      pair.key = doc.createNode(renamed);
      described.push(`rename ${path.join('.')} to ${renamed}`);
    } else if (m.kind === 'retype') {
      const paths = scalarPaths(doc);
      const path = paths[m.at % paths.length]!;
      const node = doc.getIn(path, true);
      const value = retyped(isScalar(node) ? node.value : node, m.value);
      doc.setIn(path, doc.createNode(value));
      described.push(`set ${path.join('.')} = ${JSON.stringify(value)}`);
    } else {
      const { seqs } = collectionPaths(doc);
      if (seqs.length === 0) continue;
      const path = seqs[m.at % seqs.length]!;
      const seq = doc.getIn(path) as { items: YamlNode[] } | undefined;
      if (!seq || seq.items.length === 0) continue;
      const item = seq.items[m.value % seq.items.length]!;
      seq.items.push(doc.createNode((item as unknown as { toJSON(): unknown }).toJSON()) as YamlNode);
      described.push(`duplicate an item of ${path.join('.')}`);
    }
  }
  return { text: doc.toString(), described };
}
