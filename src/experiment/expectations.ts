// A scenario's `expect:` block (or an --expect file) for `poolsim check`, read with its source map so
// that every problem is located in the file: metric names resolved against the columns the scenario's
// runs will have (service metrics included), thresholds refused outside a metric's range or in the
// wrong kind of unit (`utilisation: { min: 50 }` is not 5000%), and policies named unambiguously.
import { isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import { expectSchema, relationSchema, type Expectations } from '../scenario/expect-schema.js';
import { InputError, SourceMap, zodIssues, type InputIssue, type PathKey } from '../scenario/errors.js';
import { metricDef, rangeBounds, rangeText, resolveMetricName, unknownMetricMessage } from './metric-table.js';

export interface ExpectBlock {
  data: Expectations;
  /** The block as written (thresholds before unit conversion). */
  raw: unknown;
  src: SourceMap;
  /** Path of the block in its file: ['expect'] in a scenario, [] in a bare --expect file. */
  prefix: PathKey[];
  /**
   * Structural problems of an --expect file whose other parts parsed: `data` holds those parts, so
   * that resolveExpectations reports these with its own in one pass (a part with a problem is left
   * out of the meaning checks, which so say nothing more about it).
   */
  issues?: InputIssue[];
}

/** The scenario's own `expect:` block, schema-checked, or undefined when it has none. */
export function readExpectations(text: string, file: string): ExpectBlock | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  if (!doc.contents.items.some((p) => isPair(p) && isScalar(p.key) && p.key.value === 'expect')) return undefined;
  const raw = (doc.toJS() as Record<string, unknown>).expect;
  return parseBlock(raw, new SourceMap(file, doc, lines), ['expect']);
}

/** An --expect file: the block itself, or a mapping with an `expect:` key. */
export function parseExpectFile(text: string, file: string): ExpectBlock {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) throw new InputError(doc.errors.map((e) => ({ file, line: e.linePos?.[0].line ?? 0, column: e.linePos?.[0].col ?? 0, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` })));
  const js = doc.toJS() as Record<string, unknown> | null;
  const nested = js !== null && typeof js === 'object' && 'expect' in js;
  const raw = nested ? js.expect : js;
  const src = new SourceMap(file, doc, lines);
  const prefix: PathKey[] = nested ? ['expect'] : [];
  try {
    return parseBlock(raw, src, prefix);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const rest = parsedParts(raw);
    if (rest === undefined) throw e;
    return { ...rest, raw, src, prefix, issues: [...e.issues] };
  }
}

/**
 * The block without its parts that fail the schema (a threshold, a policy's entry, a relation, an
 * unknown key, seeds), when what is left parses: undefined when nothing is left to check, or when the
 * block is not a mapping. Each part is dropped whole, so no meaning check runs on half of one.
 */
function parsedParts(raw: unknown): { data: Expectations } | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const parsed = expectSchema.safeParse(raw);
  if (parsed.success) return undefined;
  const rest = structuredClone(raw) as Record<string, unknown>;
  for (const issue of parsed.error.issues) {
    const path = issue.path as PathKey[];
    // The part an issue is in: a top-level key, or one entry of metrics, policies or relations.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...path, k]) : [path];
    for (const at of keys) {
      const depth = at[0] === 'metrics' || at[0] === 'policies' || at[0] === 'relations' ? 2 : 1;
      if (at.length < depth) return undefined;
      const part = at.slice(0, depth);
      const parent = part.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k as string], rest);
      if (parent === null || typeof parent !== 'object') continue;
      if (Array.isArray(parent)) parent[part.at(-1) as number] = undefined;
      else delete (parent as Record<string, unknown>)[part.at(-1) as string];
    }
  }
  if (Array.isArray(rest.relations)) rest.relations = rest.relations.filter((r) => r !== undefined);
  const again = expectSchema.safeParse(rest);
  return again.success ? { data: again.data } : undefined;
}

function parseBlock(raw: unknown, src: SourceMap, prefix: PathKey[]): ExpectBlock {
  const parsed = expectSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    // zodIssues reads offending values at the full path, so the block sits under its prefix.
    const data = prefix.reduceRight<unknown>((inner, key) => ({ [key]: inner }), raw);
    throw new InputError(zodIssues(parsed.error.issues, src, expectSchema, data, prefix));
  }
  return { data: parsed.data, raw: raw ?? {}, src, prefix };
}

/** Thresholds and relations in the block (seeds alone check nothing). */
export function expectationCount(e: Expectations): number {
  let n = Object.keys(e.metrics).length + e.relations.length;
  for (const ms of Object.values(e.policies)) n += Object.keys(ms).length;
  return n;
}

const at = (v: unknown, path: readonly PathKey[]): unknown => path.reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k as string] : undefined), v);

/**
 * Resolve every metric the block names against `available` (the columns the runs will have) and check
 * each threshold against its metric's range and unit. Returns the block with metric names replaced by
 * their columns (a bare service metric becomes `services.<name>.<metric>`); throws InputError with
 * every problem located.
 */
export function resolveExpectations(block: ExpectBlock, available: readonly string[]): Expectations {
  const issues: InputIssue[] = [];
  const { src, prefix } = block;
  const column = (m: string, path: PathKey[]): string | undefined => {
    const c = resolveMetricName(m, available);
    if (c === undefined) issues.push(src.issue([...prefix, ...path], unknownMetricMessage(m, available)));
    return c;
  };
  const thresholds = (ms: Expectations['metrics'], path: PathKey[]): Expectations['metrics'] => {
    const out: Expectations['metrics'] = {};
    for (const [m, t] of Object.entries(ms)) {
      const c = column(m, [...path, m]);
      if (c === undefined) continue;
      const def = metricDef(c)!;
      const bounds = rangeBounds(def.range);
      for (const side of ['min', 'max'] as const) {
        const v = t[side];
        if (v === undefined) continue;
        const where = [...prefix, ...path, m, side];
        const written = at(block.raw, [...path, m, side]);
        if (typeof written === 'string' && !written.trim().endsWith('%') && def.unit !== 's') {
          issues.push(src.issue(where, `'${written}' is a duration, but ${c} is measured in ${def.unit === 'fraction' ? 'fractions' : def.unit}`));
        } else if (typeof written === 'string' && written.trim().endsWith('%') && def.unit !== 'fraction') {
          issues.push(src.issue(where, `'${written}' is a percentage, but ${c} is not a fraction (its unit: ${def.unit})`));
        } else if (!(v >= bounds.min && v <= bounds.max)) {
          const hint = def.range === 'fraction' && v > 1 && v <= 100 ? `; write ${v / 100} or '${v}%'` : '';
          issues.push(src.issue(where, `${v} is outside the values ${c} can take (${rangeText(def.range)})${hint}`));
        }
      }
      if (t.min !== undefined && t.max !== undefined && t.min > t.max) issues.push(src.issue([...prefix, ...path, m], `min ${t.min} is above max ${t.max}: no value can pass`));
      out[c] = t;
    }
    return out;
  };
  const metrics = thresholds(block.data.metrics, ['metrics']);
  const policies: Expectations['policies'] = {};
  for (const [p, ms] of Object.entries(block.data.policies)) policies[p] = thresholds(ms, ['policies', p]);
  // Relations dropped for structural problems (parsedParts) shift the indices of those after them.
  const relationIndex = relationPositions(block);
  const relations = block.data.relations.map((r, k) => {
    const i = relationIndex[k] ?? k;
    const c = column(r.metric, ['relations', i, 'metric']);
    // Every metric is >= 0, so "at least 150% below" asks for a value under 0: it could only fail
    // (or pass when both means are 0), found at run time as a FAIL against a negative limit.
    if (c !== undefined && r.below !== undefined && r.at_least > 1 && rangeBounds(metricDef(c)!.range).min >= 0) {
      const pct = `${Math.round(r.at_least * 1000) / 10}%`;
      issues.push(src.issue([...prefix, 'relations', i, 'at_least'], `${pct} below '${r.below}' asks for ${c} under 0 ('${r.below}''s x (1 - ${pct})), but ${c} is ${rangeText(metricDef(c)!.range)}: it can never hold; 100% at most (which asks for 0)`));
    }
    return { ...r, metric: c ?? r.metric };
  });
  // With structural problems as well, all of them in the file's order.
  const all = block.issues ? [...block.issues, ...issues].sort((a, b) => a.line - b.line || a.column - b.column) : issues;
  if (all.length > 0) throw new InputError(all);
  return { ...block.data, metrics, policies, relations };
}

/** The position in the file of each relation kept (parsedParts drops those with structural problems). */
function relationPositions(block: ExpectBlock): number[] {
  const written = at(block.raw, ['relations']);
  if (!block.issues || !Array.isArray(written)) return [];
  return written.flatMap((r, i) => (relationSchema.safeParse(r).success ? [i] : []));
}
