// Setting a field of a scenario's YAML by path, before validation: `links[0].latency`,
// `datacentres.east.fabric` (list items selected by their `name`), `workloads[0].jobs.split-13b.devices`.
// The edited text then goes through loadScenario like any file, so a bad value is reported with its
// path and what was expected, exactly as if the user had written it in the file.
import { isMap, isScalar, isSeq, parse, parseDocument, type Document } from 'yaml';
import { suggestName } from '../scenario/did-you-mean.js';

export class ScenarioPathError extends Error {}

export interface Assignment {
  readonly path: string;
  /** YAML text of the value (`10us`, `4`, `{preset: RoCE-400G, latency: 2us}`). */
  readonly value: string;
}

type Segment = string | number;

/** Where a field path stops being one: the 0-based character index and what was expected there. */
export class PathSyntaxError extends ScenarioPathError {
  constructor(
    readonly path: string,
    readonly index: number,
    readonly expected: string,
  ) {
    super(`'${path}' is not a field path: at character ${index + 1}, expected ${expected}; write it like links[0].latency or datacentres.east.fabric`);
  }
}

/**
 * `a.b[0].c` and `a.b.name.c` -> segments; numbers in brackets are indices, other names (bare or in
 * double quotes) select a list's item by its `name`. The grammar is strict: a field name first, then
 * `.name` or `[index-or-name]` steps, nothing empty (`datacentres..x`, `seed.`, `.seed`,
 * `links[0]latency` used to be read as if the stray dot were not there, or the step run together).
 */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  const n = path.length;
  const nameEnd = (from: number): number => {
    let j = from;
    while (j < n && path[j] !== '.' && path[j] !== '[' && path[j] !== ']') j++;
    return j;
  };
  const pushName = (name: string) => out.push(/^\d+$/.test(name) ? Number(name) : name);
  // The first step: a field name.
  const first = nameEnd(0);
  if (first === 0) throw new PathSyntaxError(path, 0, n === 0 ? 'a field name' : `a field name, not '${path[0]}'`);
  pushName(path.slice(0, first));
  i = first;
  while (i < n) {
    const c = path[i];
    if (c === '.') {
      const end = nameEnd(i + 1);
      if (end === i + 1) throw new PathSyntaxError(path, i + 1, `a field name after '.'${i + 1 < n ? `, not '${path[i + 1]}'` : ''}`);
      pushName(path.slice(i + 1, end));
      i = end;
    } else if (c === '[') {
      const close = path.indexOf(']', i + 1);
      if (close < 0) throw new PathSyntaxError(path, n, `']' to close the '[' at character ${i + 1}`);
      let inner = path.slice(i + 1, close);
      const quoted = inner.length >= 2 && inner.startsWith('"') && inner.endsWith('"');
      if (quoted) inner = inner.slice(1, -1);
      if (inner === '' || inner.includes('"') || inner.includes('[')) {
        throw new PathSyntaxError(path, i + 1, 'an index (links[0]) or an item\'s name (datacentres[east]) inside the brackets');
      }
      out.push(!quoted && /^\d+$/.test(inner) ? Number(inner) : inner);
      i = close + 1;
    } else {
      throw new PathSyntaxError(path, i, `'.' or '[' before the next step, not '${c}'`);
    }
    if (i < n && path[i] !== '.' && path[i] !== '[') throw new PathSyntaxError(path, i, `'.' or '[' before the next step, not '${path[i]}'`);
  }
  return out;
}

/** Apply the assignments to the scenario text and return the new text. */
export function applyAssignments(text: string, assignments: readonly Assignment[]): string {
  return editScenario(text, assignments).text;
}

/**
 * applyAssignments, with the fields the assignments added (`horizon`, `services[0].count`: their
 * path as issues name it) where the text had none: a problem found there has no place in the user's
 * file (its line in the edited text is past the mapping's end, or past the file's), so it is said
 * at the --set.
 */
export function editScenario(text: string, assignments: readonly Assignment[]): { text: string; added: string[] } {
  if (assignments.length === 0) return { text, added: [] };
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { text, added: [] }; // loadScenario reports syntax errors, located
  const done: { path: string; at: readonly (string | number)[] }[] = [];
  const added: string[] = [];
  for (const a of assignments) {
    const at = setPath(doc, a.path, a.value, added);
    // Two assignments to one field (by index and by name, or twice), or one inside the other, would
    // leave one of them without effect while runs.csv labels the run with both values.
    for (const d of done) {
      const [outer, inner] = d.at.length <= at.length ? [d, { path: a.path, at }] : [{ path: a.path, at }, d];
      if (!outer.at.every((k, i) => inner.at[i] === k)) continue;
      const field = formatResolved(outer.at);
      throw new ScenarioPathError(
        outer.at.length === inner.at.length
          ? `${d.path} and ${a.path} both set ${field}: set each field once`
          : `${inner.path} lies inside ${outer.path} (${field}), which is set as a whole: set one or the other`,
      );
    }
    done.push({ path: a.path, at });
  }
  return { text: doc.toString({ lineWidth: 0 }), added };
}

/** Sets the value at `path` and returns the path it resolved to (list items by index); a field it adds is pushed to `added`. */
function setPath(doc: Document.Parsed, path: string, valueText: string, added: string[]): (string | number)[] {
  const segments = parsePath(path);
  const resolved: (string | number)[] = [];
  let node: unknown = doc.contents;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    const where = formatResolved(resolved) || 'the scenario';
    if (isSeq(node)) {
      let index: number;
      if (typeof seg === 'number') {
        index = seg;
        if (index >= node.items.length && !(last && index === node.items.length)) {
          throw new ScenarioPathError(`${path}: ${where} has ${node.items.length} item(s); index ${index} does not exist`);
        }
      } else {
        const names = node.items.map((it) => (isMap(it) ? it.get('name') : undefined)).map((n) => (n === undefined ? undefined : String(n)));
        index = names.indexOf(seg);
        if (index < 0) {
          const known = names.filter((n): n is string => n !== undefined);
          const guess = suggestName(seg, known);
          throw new ScenarioPathError(
            `${path}: no item named '${seg}' in ${where}${guess ? ` (did you mean '${guess}'?)` : known.length ? `; names: ${known.join(', ')}` : ''}`,
          );
        }
      }
      resolved.push(index);
      node = node.items[index];
    } else if (isMap(node) || node === undefined || node === null) {
      if (typeof seg === 'number' && isMap(node)) throw new ScenarioPathError(`${path}: ${where} is a mapping, not a list; [${seg}] does not apply`);
      resolved.push(seg);
      node = isMap(node) ? node.get(seg, true) : undefined;
      if (node === undefined && !last && typeof segments[i + 1] === 'number') {
        throw new ScenarioPathError(`${path}: ${formatResolved(resolved)} does not exist`);
      }
    } else if (isScalar(node)) {
      throw new ScenarioPathError(`${path}: ${where} is a value (${String(node.value)}), it has no field '${seg}'`);
    }
  }
  let value: unknown;
  try {
    value = parse(valueText);
  } catch (e) {
    throw new ScenarioPathError(`${path}=${valueText}: not a YAML value: ${(e as Error).message.split('\n')[0]}`);
  }
  // The outermost field the value adds ('foo' of foo.bar), where an unknown key is reported.
  const missing = resolved.findIndex((_, k) => !doc.hasIn(resolved.slice(0, k + 1)));
  if (missing >= 0) added.push(formatResolved(resolved.slice(0, missing + 1)));
  doc.setIn(resolved, doc.createNode(value));
  return resolved;
}

function formatResolved(path: readonly (string | number)[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out === '' ? k : `.${k}`;
  return out;
}
