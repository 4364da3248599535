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

/** `a.b[0].c` and `a.b.name.c` -> segments; numbers in brackets are indices, other names select by `name`. */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\[("?)([^\]"]+)\3\]|(\.)/g;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(path)) !== null) {
    if (m.index !== last) break;
    last = re.lastIndex;
    if (m[1] !== undefined) out.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[4] !== undefined) out.push(m[4]);
  }
  if (last !== path.length || out.length === 0) throw new ScenarioPathError(`'${path}' is not a field path; write it like links[0].latency or datacentres.east.fabric`);
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
