// Mutations of scenario text the way users break scenarios (a number made huge, tiny, negative,
// non-finite or unit-less; a key deleted; a list item duplicated; a name misspelt), for the fuzz
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
  kind: 'set' | 'delete' | 'duplicate';
  /** Index into the candidate paths, taken modulo their number. */
  at: number;
  value: number;
}

export const mutation = fc.record({ kind: fc.constantFrom<'set' | 'delete' | 'duplicate'>('set', 'set', 'set', 'delete', 'duplicate'), at: fc.nat(), value: fc.nat() });

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
