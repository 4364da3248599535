// YAML text -> plain data for scenario files and the files they name (graph topologies), with a
// place in the file for every refusal: the text's size, nesting the parser would recurse on, alias
// bombs, syntax errors and tags that are not plain scenario values.
import { isAlias, isCollection, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node as YamlNode } from 'yaml';
import { formatPath, InputError, type InputIssue, type PathKey } from './errors.js';
import { MAX_ALIAS_COUNT, MAX_NESTING, MAX_SCENARIO_BYTES, scenarioTooLarge } from './limits.js';

/**
 * YAML text -> plain data, refusing what would exhaust the parser: text beyond MAX_SCENARIO_BYTES,
 * nesting beyond MAX_NESTING (the parser recurses), and alias bombs (aliases that expand beyond
 * MAX_ALIAS_COUNT nodes each). Every refusal is an InputError with a place in the file.
 */
export function parseYaml(text: string, file: string): { doc: Document.Parsed; lines: LineCounter; data: unknown } {
  const at = (line: number, column: number, message: string): InputError => new InputError([{ file, line, column, path: '', message }]);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SCENARIO_BYTES) {
    throw at(0, 0, scenarioTooLarge(bytes));
  }
  const lines = new LineCounter();
  const tooDeep = `nested more than ${MAX_NESTING} levels deep (a scenario needs about 8): is a bracket unclosed, or the indentation off?`;
  let doc: Document.Parsed;
  try {
    // Merge keys (`<<: *base`, YAML 1.1, as docker-compose and Kubernetes files use them) fill a
    // mapping with an anchored one's keys; keys written beside them win.
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  } catch (e) {
    // The parser recurses once per level of nesting: a pathologically deep document overflows the stack.
    if (e instanceof RangeError) throw at(1, 1, tooDeep);
    throw e;
  }
  if (doc.errors.length > 0) {
    const overflow = doc.errors.find((e) => /call stack/i.test(e.message));
    if (overflow) {
      const pos = overflow.linePos?.[0] ?? lines.linePos(overflow.pos[0]);
      throw at(pos.line, pos.col, tooDeep);
    }
    throw new InputError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        // The parser's own wording for this one advises its programmer ("please use YAML.parseAllDocuments()").
        const message = e.code === 'MULTIPLE_DOCS' ? "the file holds one YAML document; a second one starts here (after a '---' line): remove it, or put each document in its own file" : `YAML syntax: ${e.message.split('\n')[0]}`;
        return { file, line: pos.line, column: pos.col, path: '', message };
      }),
    );
  }
  // The parser only warns, and goes on with another value, where a core tag does not fit its value
  // (`!!float 7` becomes the string '7', `!!null x` the string 'x', `!!seq {a: 1}` a mapping), where
  // it skips a directive it does not know (`%YAML 1.3`) and at an anchor or alias ending in ':':
  // each of these reads the file otherwise than its writer meant. A flow collection's closing
  // bracket indented as far as its parent (BAD_INDENT) is only style and is read as meant.
  // Other tags (!!timestamp, !Ref) are refused below, all of them, resolved or not.
  const warned = doc.warnings.flatMap((w) => {
    if (w.code === 'BAD_INDENT') return [];
    const pos = w.linePos?.[0] ?? lines.linePos(w.pos[0]);
    if (w.code !== 'TAG_RESOLVE_FAILED') return [{ file, line: pos.line, column: pos.col, path: '', message: `YAML: ${w.message.split('\n')[0]}` }];
    const tag = /tag:yaml\.org,2002:(\w+)/.exec(w.message)?.[1];
    if (tag === undefined || !(tag in CORE_TAG_VALUES)) return [];
    return [{ file, line: pos.line, column: pos.col, path: '', message: `YAML tag !!${tag} does not fit this value (${CORE_TAG_VALUES[tag]}): remove the tag; plain values need none` }];
  });
  if (warned.length > 0) throw new InputError(warned);
  const deep = deeperThan(doc.contents, MAX_NESTING);
  if (deep) {
    const pos = lines.linePos(deep.range?.[0] ?? 0);
    throw at(pos.line, pos.col, tooDeep);
  }
  // YAML 1.1's !!binary, !!timestamp, !!set, !!omap and !!pairs make a byte array, a date, a set
  // or a map, which the schema would describe as "a mapping" (a !!binary scenario: a hundred of a
  // byte array's method names as unknown keys); an application's own tag (!Ref) means nothing here.
  const tagged: InputIssue[] = [];
  visit(doc, (_, node, ancestors) => {
    // YAML 1.1 reads `2:00` as a base-60 number, 120: a duration written as a clock reading (two
    // hours, or two minutes) would be taken as that many seconds.
    if (isScalar(node) && node.format === 'TIME') {
      const pos = lines.linePos(node.range?.[0] ?? 0);
      const written = node.source ?? String(node.value);
      tagged.push({ file, line: pos.line, column: pos.col, path: formatPath(pathOf(ancestors, node)), message: `'${written}' is a base-60 number in YAML 1.1 (${String(node.value)}), not a time of day or a duration in hours or minutes: write it with its unit ('2h', '90min', '120s') or as a plain number` });
      return;
    }
    const tag = isNode(node) ? node.tag : undefined;
    if (tag === undefined || CORE_TAGS.has(tag)) return;
    const pos = lines.linePos(isNode(node) ? (node.range?.[0] ?? 0) : 0);
    const shown = tag.startsWith(YAML_TAG) ? `!!${tag.slice(YAML_TAG.length)}` : tag;
    tagged.push({ file, line: pos.line, column: pos.col, path: '', message: `YAML tag ${shown}: a scenario holds plain mappings, lists, strings, numbers and booleans; remove the tag` });
  });
  if (tagged.length > 0) throw new InputError(tagged);
  try {
    return { doc, lines, data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (e) {
    // An alias with no anchor of its name before it (`*base` misspelt, or used above `&base`) was
    // answered as an alias bomb, and a merge key given a scalar (`<<: 5`) as an internal error.
    const misused = aliasProblems(doc, lines, file);
    if (misused.length > 0) throw new InputError(misused);
    if (!(e instanceof ReferenceError) || !/alias/i.test(e.message)) throw e;
    // yaml names no node: point at the first alias, the start of the expansion.
    let first: YamlNode | undefined;
    visit(doc, { Alias: (_, node) => { first = node; return visit.BREAK; } });
    const pos = lines.linePos(first?.range?.[0] ?? 0);
    throw at(pos.line, pos.col, `YAML aliases here expand to too many nodes (more than ${MAX_ALIAS_COUNT} per alias): a "billion laughs" document, or aliases nested in aliases; write the values out`);
  }
}

/** The keys and list indices from the document's root down to `node`, as the schema's paths name them. */
function pathOf(ancestors: readonly unknown[], node: unknown): PathKey[] {
  const path: PathKey[] = [];
  const chain = [...ancestors, node];
  chain.forEach((a, i) => {
    const next = chain[i + 1];
    if (isPair(a) && isScalar(a.key)) path.push(String(a.key.value));
    else if (isSeq(a) && next !== undefined) path.push(a.items.indexOf(next as never));
  });
  return path;
}

/**
 * Aliases with no anchor of their name before them, and merge keys (`<<`) whose value is not a
 * mapping, an alias of one or a list of them: what yaml's toJS throws on, each at its place.
 */
function aliasProblems(doc: Document.Parsed, lines: LineCounter, file: string): InputIssue[] {
  const issues: InputIssue[] = [];
  const at = (node: YamlNode | null | undefined, message: string): void => {
    const pos = lines.linePos(node?.range?.[0] ?? 0);
    issues.push({ file, line: pos.line, column: pos.col, path: '', message });
  };
  visit(doc, {
    Alias: (_, node) => {
      if (node.resolve(doc) === undefined) at(node, `YAML alias *${node.source}: no anchor &${node.source} before it; an alias repeats a value anchored earlier in the file`);
    },
    Pair: (_, pair) => {
      // With `merge: true` the parser reads a plain `<<` key as a symbol (a quoted '<<' stays a string).
      if (!isScalar(pair.key) || typeof pair.key.value !== 'symbol') return;
      const value = isNode(pair.value) ? pair.value : undefined;
      const sources = isSeq(value) ? value.items : [value];
      for (const source of sources) {
        const resolved = isAlias(source) ? source.resolve(doc) : source;
        // An unresolved alias is said above, once.
        if (isAlias(source) && resolved === undefined) continue;
        if (isMap(resolved)) continue;
        const got = isSeq(resolved) ? 'a list' : isScalar(resolved) ? `'${String(resolved.value)}'` : 'nothing';
        at(isNode(source) ? source : value, `YAML merge key <<: expected a mapping, an alias of one (\`<<: *base\`) or a list of them, got ${got}`);
      }
    },
  });
  return issues;
}

const YAML_TAG = 'tag:yaml.org,2002:';
/** What a core tag's value must be, as YAML 1.2's core schema reads it. */
const CORE_TAG_VALUES: Record<string, string> = {
  map: 'a !!map is a mapping',
  seq: 'a !!seq is a list',
  str: 'a !!str is a scalar',
  null: 'a !!null is null, ~ or nothing',
  bool: 'a !!bool is true or false',
  int: 'a !!int is a whole number: 7, 0x1f, 0o17',
  float: 'a !!float has a point or an exponent: 7.0, 1e3',
};
/** The tags of YAML 1.2's core schema: what plain scenario values are. */
const CORE_TAGS = new Set(Object.keys(CORE_TAG_VALUES).map((t) => YAML_TAG + t));

/** The first collection nested deeper than `limit`, walking without recursion. */
function deeperThan(root: unknown, limit: number): YamlNode | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!isCollection(node)) continue;
    if (depth > limit) return node;
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push({ node: item.value, depth: depth + 1 });
        stack.push({ node: item.key, depth: depth + 1 });
      } else stack.push({ node: item, depth: depth + 1 });
    }
  }
  return undefined;
}
