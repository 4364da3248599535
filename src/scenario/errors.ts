// Input problems with their place in the file: every message names file, line, column and the
// field's path, says what was expected, and suggests a name for a misspelt key.
import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { editDistance, suggestName } from './did-you-mean.js';
import { yamlModule } from './yaml-module.js';

export type PathKey = string | number;

export interface InputIssue {
  file: string;
  line: number;
  column: number;
  /** e.g. `datacentres[1].fabric.latency`; empty at the document root. */
  path: string;
  message: string;
}

/** Bad input: carries every issue found in a file. The CLI prints them and exits with code 2. */
export class InputError extends Error {
  /**
   * `warnings`: what the file was warned of before it was refused, printed with the problems: an
   * implausible figure (a bare `port_rate: 400` read as bytes/s) is often what makes a job too long
   * to run, and the refusal alone does not say so.
   */
  constructor(
    readonly issues: readonly InputIssue[],
    readonly warnings: readonly InputIssue[] = [],
  ) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'InputError';
  }
}

export function formatIssue(i: InputIssue): string {
  // A file given as an empty or blank name is shown quoted, so that the message does not open with a bare colon.
  const file = i.file.trim() === '' ? `'${i.file}'` : i.file;
  const where = i.line > 0 ? `${file}:${i.line}:${i.column}` : file;
  return i.path ? `${where}: ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}

export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out === '' ? k : `.${k}`;
  }
  return out;
}

/** Maps paths in the parsed document back to lines and columns. */
export class SourceMap {
  constructor(
    readonly file: string,
    private readonly doc: Document.Parsed | undefined,
    private readonly lines: LineCounter | undefined,
  ) {}

  /** The issue at `path`; `key` points at a map key (for unknown keys) rather than the value. */
  issue(path: readonly PathKey[], message: string, key?: string): InputIssue {
    const offset = this.offsetOf(path, key);
    const pos = offset !== undefined && this.lines ? this.lines.linePos(offset) : { line: 0, col: 0 };
    const fullPath = key === undefined ? path : [...path, key];
    return { file: this.file, line: pos.line, column: pos.col, path: formatPath(fullPath), message };
  }

  /** `file:line:column` of the thing at `path`, for a message that names a second place; the file alone where the line is unknown. */
  readonly where = (path: readonly PathKey[]): string => {
    const i = this.issue(path, '');
    return i.line > 0 ? `${i.file}:${i.line}:${i.column}` : i.file;
  };

  /**
   * The scalar written at `path` as the file has it (`2`, `2m`, `'400Gbps'`): a number or a string,
   * or undefined where the path holds no scalar or the scenario came without a document (built in
   * code). Lets a message tell a bare number from one with a unit.
   */
  scalarAt(path: readonly PathKey[]): number | string | undefined {
    if (!this.doc) return undefined;
    let node: unknown = this.doc.contents;
    for (const k of path) {
      const next = child(node, k);
      if (next === undefined) return undefined;
      node = next.value;
    }
    if (!yamlModule().isScalar(node)) return undefined;
    const v = node.value;
    return typeof v === 'number' || typeof v === 'string' ? v : undefined;
  }

  /**
   * A number as the file writes it (`9007199254740993`, `1.0e3`), or undefined where the path holds
   * no number: the value read may be rounded (a whole number above 2^53), so a refusal quotes this.
   */
  writtenNumberAt(path: readonly PathKey[]): string | undefined {
    if (!this.doc) return undefined;
    let node: unknown = this.doc.contents;
    for (const k of path) {
      const next = child(node, k);
      if (next === undefined) return undefined;
      node = next.value;
    }
    return yamlModule().isScalar(node) && typeof node.value === 'number' && typeof node.source === 'string' ? node.source : undefined;
  }

  private offsetOf(path: readonly PathKey[], key?: string): number | undefined {
    if (!this.doc) return undefined;
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node);
    for (const k of path) {
      const next = child(node, k);
      if (next === undefined) return offset; // the deepest node that exists (a missing field's parent)
      node = next.value;
      offset = rangeStart(next.value) ?? rangeStart(next.key) ?? offset;
    }
    if (key !== undefined) {
      const next = child(node, key);
      if (next) offset = rangeStart(next.key) ?? offset;
    }
    return offset;
  }
}

function rangeStart(n: unknown): number | undefined {
  return n && typeof n === 'object' && 'range' in n && Array.isArray((n as YamlNode).range) ? (n as YamlNode).range![0] : undefined;
}

function child(node: unknown, k: PathKey): { key?: unknown; value: unknown } | undefined {
  const { isMap, isPair, isScalar, isSeq } = yamlModule();
  if (isMap(node)) {
    for (const item of node.items) {
      if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(k)) return { key: item.key, value: item.value };
    }
    return undefined;
  }
  if (isSeq(node) && typeof k === 'number') {
    const v = node.items[k];
    return v === undefined ? undefined : { value: v };
  }
  return undefined;
}

/** Turn zod's issues into located, readable ones, collapsing union noise to the branch that fits. */
export function zodIssues(issues: readonly z.core.$ZodIssue[], src: SourceMap, schema: z.ZodType, data: unknown, prefix: readonly PathKey[] = []): InputIssue[] {
  return locatedIssues(issues, src, schema, data, prefix, prefix);
}

/**
 * zodIssues for issues whose paths start at `prefix` (a union's branch reports from the union),
 * while `schema` stays the schema at `schemaAt`, where the keys a mapping accepts are looked up.
 */
function locatedIssues(
  issues: readonly z.core.$ZodIssue[],
  src: SourceMap,
  schema: z.ZodType,
  data: unknown,
  prefix: readonly PathKey[],
  schemaAt: readonly PathKey[],
): InputIssue[] {
  const out: InputIssue[] = [];
  // A required field reported missing because its key was misspelt is said once, as the misspelling.
  const explained = new Set<string>();
  for (const raw of issues) {
    if (raw.code !== 'unrecognized_keys') continue;
    const path = [...prefix, ...(raw.path as PathKey[])];
    const known = knownKeys(schema, path.slice(schemaAt.length), valueAt(data, path));
    for (const k of raw.keys) {
      const guess = suggestName(k, known);
      if (guess) explained.add(formatPath([...path, guess]));
    }
  }
  for (const raw of issues) {
    const path = [...prefix, ...(raw.path as PathKey[])];
    const issue = raw as z.core.$ZodIssue & Record<string, unknown>;
    switch (issue.code) {
      case 'unrecognized_keys': {
        // Suggest only keys the mapping does not already have.
        const present = valueAt(data, path);
        const all = knownKeys(schema, path.slice(schemaAt.length), present);
        const given = (k: string): boolean => Boolean(present && typeof present === 'object' && k in present);
        const known = all.filter((k) => !given(k));
        for (const k of issue.keys as string[]) {
          // A key that begins several known ones ('micro_batch': 'micro_batches' or
          // 'micro_batch_size') is ambiguous: the nearest by spelling may be the other meaning (a
          // key that begins many, as 'p', is answered as before).
          const longer = known.filter((c) => c.startsWith(k) && c !== k);
          if (longer.length > 1 && longer.length <= 4) {
            out.push(src.issue(path, `unknown key '${k}' (did you mean ${longer.map((c) => `'${c}'`).join(' or ')}?)`, k));
            continue;
          }
          const guess = suggestName(k, known);
          // A misspelling of a key the mapping already has (a sweep's --set, a pasted line) is said
          // as such, rather than listing the keys left, which do not include the one meant.
          // Only a near one: 'rate' (a stream's, which lives in its arrival) was "a misspelling of
          // 'name'?", half its letters off; a key as far from every given one gets the list.
          const near = guess ? undefined : suggestName(k, all.filter(given));
          const twin = near !== undefined && 2 * editDistance(k.toLowerCase(), near.toLowerCase()) < Math.min(k.length, near.length) ? near : undefined;
          // The list is every key the mapping takes, those given included: a --set into a service
          // ('services.chat.count', meaning its replicas' count) was offered the four it had not
          // given (prefill, decode, chunked_prefill, kv_streaming), not 'replicas' where count lives.
          const msg = guess
            ? `unknown key '${k}' (did you mean '${guess}'?)`
            : twin
              ? `unknown key '${k}' (a misspelling of '${twin}'? '${twin}' is given too)`
              : `unknown key '${k}'${all.length ? `; expected one of: ${all.join(', ')}` : ''}`;
          out.push(src.issue(path, msg, k));
        }
        break;
      }
      case 'invalid_union': {
        const branches = (issue.errors as z.core.$ZodIssue[][]) ?? [];
        if (branches.length === 0) {
          const options = (issue.options as unknown[] | undefined)?.map((o) => `'${String(o)}'`).join(', ');
          const got = valueAt(data, path);
          out.push(src.issue(path, options ? `expected one of ${options}, got ${describe(got)}` : issue.message));
          break;
        }
        // A union of literals (`zero: 0 | 1 | 2 | 3`): each branch refuses the value with its one
        // literal; the answer is all of them, not the first branch's.
        const literals = branches.every((b) => b.length === 1 && b[0]!.code === 'invalid_value' && b[0]!.path.length === 0)
          ? branches.flatMap((b) => (b[0] as z.core.$ZodIssue & { values: unknown[] }).values)
          : undefined;
        if (literals) {
          const values = literals.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
          out.push(src.issue(path, `expected one of ${values}, got ${describe(valueAt(data, path))}`));
          break;
        }
        // A branch that complains about the value's type at the union itself did not fit at all:
        // its other complaints (zod also checks a list's length on a string) are noise.
        const fitting = branches.filter((b) => !wrongTypeAtRoot(b));
        // A word or a quantity (`interval: auto | 30min`): a value the quantity refuses is said as
        // the quantity says it, with the words as the other choice ("expected 'auto' or a positive
        // duration"), not as the word's "expected one of 'auto'".
        const isLiteral = (b: readonly z.core.$ZodIssue[]): boolean => b.length === 1 && b[0]!.code === 'invalid_value' && b[0]!.path.length === 0;
        const words = fitting.filter(isLiteral).flatMap((b) => (b[0] as z.core.$ZodIssue & { values: unknown[] }).values);
        const quantities = fitting.filter((b) => !isLiteral(b));
        if (words.length > 0 && quantities.length > 0) {
          const best = quantities.reduce((a, b) => (b.length < a.length ? b : a));
          const here = formatPath(path);
          const choices = words.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
          for (const i of locatedIssues(best, src, schema, data, path, schemaAt)) {
            out.push(i.path === here && i.message.startsWith('expected ') ? { ...i, message: `expected ${choices} or ${i.message.slice('expected '.length)}` } : i);
          }
          break;
        }
        const misfits = branches.filter(wrongTypeAtRoot);
        if (words.length > 0 && quantities.length === 0 && misfits.length > 0) {
          const choices = words.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
          const types = [...new Set(misfits.flatMap(expectedTypes))].map(article).join(' or ');
          out.push(src.issue(path, `expected ${choices} or ${types}, got ${describe(valueAt(data, path))}`));
          break;
        }
        if (fitting.length >= 1) {
          // A mapping branch that refuses a key given at the union itself is another form than the
          // one written (`jobs:` read as a generator lacking `generator`), however few its
          // complaints: a list of three bad jobs is answered with the three, not with that form's two.
          // Branches are weighed by what they would say (a missing field that a misspelt key
          // explains is said once): `generatr:` is a misspelt generator, not a list of jobs missing.
          const formed = fitting.filter((b) => !b.some((i) => i.code === 'unrecognized_keys' && i.path.length === 0));
          const said = (formed.length > 0 ? formed : fitting).map((b) => locatedIssues(b, src, schema, data, path, schemaAt));
          out.push(...said.reduce((a, b) => (b.length < a.length ? b : a)));
        } else {
          const expected = [...new Set(branches.flatMap(expectedTypes))].map(article).join(' or ');
          const got = valueAt(data, path);
          if (got === undefined && explained.has(formatPath(path))) break;
          out.push(src.issue(path, beyondFloat(src, path, got, expected) ?? yamlNonFinite(src, path, got) ?? (got === undefined ? `missing required field (expected ${expected})` : `expected ${expected}, got ${describe(got)}`)));
        }
        break;
      }
      case 'invalid_type': {
        const got = valueAt(data, path);
        if (got === undefined && explained.has(formatPath(path))) break;
        // A written number beyond a float64 (`count: 1e400`) read as Infinity: quote it, as a quantity's
        // refusal does (YAML's own `.inf` is said as Infinity).
        const beyond = beyondFloat(src, path, got, article(String(issue.expected))) ?? yamlNonFinite(src, path, got);
        out.push(src.issue(path, beyond ?? (got === undefined ? `missing required field (expected ${article(String(issue.expected))})` : `expected ${article(String(issue.expected))}, got ${describe(got)}`)));
        break;
      }
      case 'invalid_value': {
        const values = (issue.values as unknown[]).map((v) => `'${String(v)}'`).join(', ');
        out.push(src.issue(path, `expected one of ${values}, got ${describe(valueAt(data, path))}`));
        break;
      }
      case 'too_small':
      case 'too_big': {
        const got = valueAt(data, path);
        // A schema that names its whole range says so in its own message (boundedNumber).
        if (!/^Too (big|small)/.test(String(issue.message))) {
          out.push(src.issue(path, `${String(issue.message)}, got ${src.writtenNumberAt(path) ?? describe(got)}`));
          break;
        }
        const cmp = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
        // A list's length: 'exactly' for a fixed length (a link's two ends), 'at most' above it (it
        // read "at least undefined item(s)" for a link between three sites).
        const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
        const items = `${issue.exact ? 'exactly' : issue.code === 'too_small' ? 'at least' : 'at most'} ${String(bound)} item(s)`;
        // A text's length: `device: ""` read "expected a value >= 1, got ''", a number's bound.
        const chars = issue.code === 'too_small' && bound === 1 ? 'a non-empty text' : `${issue.exact ? 'exactly' : issue.code === 'too_small' ? 'at least' : 'at most'} ${String(bound)} character(s)`;
        const what = issue.origin === 'array' ? items : issue.origin === 'string' ? chars : `a value ${cmp} ${String(bound)}`;
        out.push(src.issue(path, `expected ${what}, got ${issue.origin === 'array' ? describe(got) : (src.writtenNumberAt(path) ?? describe(got))}`));
        break;
      }
      default:
        out.push(src.issue(path, issue.message));
    }
  }
  return out;
}

/**
 * For a number written beyond a float64 (`count: 1e400`, read as Infinity), the refusal quoting it
 * as written, as a quantity's does; undefined otherwise (YAML's own `.inf` is said as Infinity).
 */
function beyondFloat(src: SourceMap, path: readonly PathKey[], got: unknown, expected: string): string | undefined {
  if (typeof got !== 'number' || Number.isFinite(got)) return undefined;
  const written = src.writtenNumberAt(path);
  if (written === undefined || !/^[-+]?\.?\d/.test(written)) return undefined;
  return `'${written}' is beyond the largest number poolsim can hold (about 1.8e308 either side of 0); expected ${expected}`;
}

/**
 * For YAML's own `.inf`, `-.inf` or `.nan` where a number is expected, the refusal quoting it as
 * written and saying what it is: "expected a number, got Infinity" read as though infinity were not
 * a number, and named a word the file does not hold. Undefined otherwise.
 */
function yamlNonFinite(src: SourceMap, path: readonly PathKey[], got: unknown): string | undefined {
  if (typeof got !== 'number' || Number.isFinite(got)) return undefined;
  const written = src.writtenNumberAt(path) ?? String(got);
  const what = Number.isNaN(got) ? 'not-a-number' : got > 0 ? 'infinity' : 'minus infinity';
  return `expected a finite number, got '${written}' (YAML's ${what})`;
}

/** Whether a union branch rejected the value for its type at the union itself (directly or in a nested union). */
function wrongTypeAtRoot(branch: readonly z.core.$ZodIssue[]): boolean {
  return branch.some((i) => {
    if (i.path.length !== 0) return false;
    if (i.code === 'invalid_type') return true;
    const nested = i.code === 'invalid_union' ? ((i as unknown as { errors?: z.core.$ZodIssue[][] }).errors ?? []) : [];
    return nested.length > 0 && nested.every(wrongTypeAtRoot);
  });
}

/** The value types a union branch that did not fit expected, nested unions flattened. */
function expectedTypes(branch: readonly z.core.$ZodIssue[]): string[] {
  return branch.flatMap((i) => {
    if (i.path.length !== 0) return [];
    if (i.code === 'invalid_type') return [String(i.expected)];
    return i.code === 'invalid_union' ? ((i as unknown as { errors?: z.core.$ZodIssue[][] }).errors ?? []).flatMap(expectedTypes) : [];
  });
}

function article(t: string): string {
  const map: Record<string, string> = { int: 'an integer', number: 'a number', string: 'a string', object: 'a mapping', array: 'a list', record: 'a mapping', boolean: 'true or false' };
  return map[t] ?? t;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : `a list of ${v.length}`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  let v = data;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathKey, unknown>)[k];
  }
  return v;
}

/** The literal values a field's schema allows (`process: z.literal('fixed')`), or undefined when it is not a literal. */
function literalValues(s: unknown): unknown[] | undefined {
  const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  if (!def) return undefined;
  if (def.type === 'literal') return def.values as unknown[];
  if (def.type === 'enum') return Object.values(def.entries as Record<string, unknown>);
  if (def.type === 'optional' || def.type === 'default') return literalValues(def.innerType);
  return undefined;
}

/**
 * Keys an object schema at `path` accepts (through optionals, defaults, pipes, unions, arrays,
 * records). With `present`, the mapping found there: a union's forms that cannot be the one written
 * (another `process:`, or lacking a key given that another form has) are left out, so a fixed
 * arrival's stray `rate` is not answered with a Poisson arrival's keys.
 */
export function knownKeys(schema: z.ZodType, path: readonly PathKey[], present?: unknown): string[] {
  const keys = new Set<string>();
  const given = present !== null && typeof present === 'object' && !Array.isArray(present) ? (present as Record<string, unknown>) : undefined;
  const shapeOf = (o: unknown): Record<string, unknown> | undefined => {
    const def = (o as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    return def?.type === 'object' ? (def.shape as Record<string, unknown>) : undefined;
  };
  const visit = (s: unknown, rest: readonly PathKey[]): void => {
    const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return;
    switch (def.type) {
      case 'optional':
      case 'default':
      case 'nullable':
      case 'prefault':
      case 'readonly':
        return visit(def.innerType, rest);
      case 'pipe':
        return visit(def.in, rest);
      case 'union': {
        let options = def.options as unknown[];
        if (rest.length === 0 && given) {
          // Forms whose literal fields the mapping contradicts are out; of the rest, those that know
          // the most of its keys are the ones meant.
          const fits = options.filter((o) => {
            const shape = shapeOf(o);
            return !shape || Object.keys(given).every((k) => !(k in shape) || (literalValues(shape[k])?.includes(given[k]) ?? true));
          });
          const knows = fits.map((o) => Object.keys(given).filter((k) => k in (shapeOf(o) ?? {})).length);
          const most = Math.max(0, ...knows);
          const meant = fits.filter((_, i) => knows[i] === most);
          if (meant.length > 0) options = meant;
        }
        for (const o of options) visit(o, rest);
        return;
      }
      case 'array':
        return rest.length ? visit(def.element, rest.slice(1)) : undefined;
      case 'tuple':
        return rest.length ? visit((def.items as unknown[])[Number(rest[0])], rest.slice(1)) : undefined;
      case 'record':
        return rest.length ? visit(def.valueType, rest.slice(1)) : undefined;
      case 'object': {
        const shape = def.shape as Record<string, unknown>;
        if (rest.length === 0) for (const k of Object.keys(shape)) keys.add(k);
        else if (shape[String(rest[0])]) visit(shape[String(rest[0])], rest.slice(1));
        return;
      }
    }
  };
  visit(schema, path);
  return [...keys];
}

/** A library argument's wrong value, shown in its refusal: `undefined`, `null`, `an array`, or its type. */
export function describeArgument(v: unknown): string {
  if (v === undefined || v === null) return String(v);
  if (Array.isArray(v)) return 'an array';
  return `a value of type ${typeof v}`;
}

/** The refusal of a library call's bad argument, under the call's name: `fn: message`. */
export function argumentError(fn: string, message: string): InputError {
  return new InputError([{ file: fn, line: 0, column: 0, path: '', message }]);
}
