// `poolsim check`: regression testing of scenarios for CI. Runs each scenario's policy (and the
// policies its expectations name) on the expectation's seeds, then verifies thresholds, relations
// between policies, and, given a committed baseline, that no metric moved in the worse direction by
// more than the tolerance. Produces findings; the CLI prints them as a diff-style report, writes JUnit
// XML and sets the exit code.
import { fileAccess } from './file-access.js';
import { dirname } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import { loadScenario } from '../model/load-scenario.js';
import { loadPolicies } from '../policy/plugin.js';
import { InputError, SourceMap, zodIssues, type InputIssue } from '../scenario/errors.js';
import { SUMMARY_COLUMNS } from '../sim/metrics.js';
import { cellNumber, type Table } from './csv-table.js';
import { expectSchema, type Expectations, type Threshold } from '../scenario/expect-schema.js';
import { runExperiment, type ExperimentOptions } from './experiment.js';
import { METRIC_COLUMNS, metricDirection } from './metric-direction.js';
import type { WorkerPolicyOverride } from './run-in-worker.js';
import { formatMetricValue } from './summary-text.js';

export interface Finding {
  /** The scenario file. */
  scenario: string;
  kind: 'threshold' | 'relation' | 'baseline';
  /** One line naming the expectation (the JUnit test case name). */
  name: string;
  /** pass, fail; or, for baseline moves within the rules, improved / changed (not failures). */
  outcome: 'pass' | 'fail' | 'improved' | 'changed';
  expected: string;
  got: string;
  /** ↑ or ↓ with the relative move, for baseline findings. */
  moved?: string;
}

export interface ScenarioCheck {
  file: string;
  name: string;
  seeds: number[];
  findings: Finding[];
  /** The runs, as runs.csv rows (for --save). */
  runs: Table;
  notes: string[];
}

export interface CheckScenarioInput {
  file: string;
  text: string;
  /** Expectations from --expect FILE: replace the scenario's own block. */
  expect?: { text: string; file: string };
  /** --policy: replaces the scenario's own queue policy (its results are checked under the scenario's policy). */
  policy?: WorkerPolicyOverride;
}

export interface Baseline {
  file: string;
  table: Table;
}

/**
 * The scenario's `expect:` block, validated (the scenario schema accepts the block; this also
 * checks that the metrics it names exist), or undefined when there is none.
 */
export function readExpectations(text: string, file: string): Expectations | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  if (!doc.contents.items.some((p) => isPair(p) && isScalar(p.key) && p.key.value === 'expect')) return undefined;
  const data = (doc.toJS() as Record<string, unknown>).expect;
  const parsed = expectSchema.safeParse(data);
  if (!parsed.success) throw new InputError(zodIssues(parsed.error.issues, new SourceMap(file, doc, lines), expectSchema, data, ['expect']));
  checkMetricNames(parsed.data, new SourceMap(file, doc, lines), ['expect']);
  return parsed.data;
}

/** An --expect file: the block itself, or a mapping with an `expect:` key. */
export function parseExpectFile(text: string, file: string): Expectations {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) throw new InputError(doc.errors.map((e) => ({ file, line: e.linePos?.[0].line ?? 0, column: e.linePos?.[0].col ?? 0, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` })));
  const js = doc.toJS() as Record<string, unknown> | null;
  const nested = js && typeof js === 'object' && 'expect' in js;
  const data = nested ? js.expect : js;
  const prefix = nested ? ['expect'] : [];
  const src = new SourceMap(file, doc, lines);
  const parsed = expectSchema.safeParse(data ?? {});
  if (!parsed.success) throw new InputError(zodIssues(parsed.error.issues, src, expectSchema, data, prefix));
  checkMetricNames(parsed.data, src, prefix);
  return parsed.data;
}

function checkMetricNames(e: Expectations, src: SourceMap, prefix: string[]): void {
  const known = [...METRIC_COLUMNS] as string[];
  const issues: InputIssue[] = [];
  const check = (m: string, path: (string | number)[]): void => {
    if (!known.includes(m)) issues.push(src.issue([...prefix, ...path], `unknown metric '${m}'; expected one of: ${known.join(', ')}`));
  };
  for (const m of Object.keys(e.metrics)) check(m, ['metrics', m]);
  for (const [p, ms] of Object.entries(e.policies)) for (const m of Object.keys(ms)) check(m, ['policies', p, m]);
  e.relations.forEach((r, i) => check(r.metric, ['relations', i, 'metric']));
  if (issues.length > 0) throw new InputError(issues);
}

export interface CheckOptions extends ExperimentOptions {
  baselines?: readonly Baseline[];
  /** Relative tolerance for baseline comparisons (0.02 = 2%). */
  tolerance?: number;
}

export async function checkScenario(input: CheckScenarioInput, options: CheckOptions = {}): Promise<ScenarioCheck> {
  const expect = input.expect ? parseExpectFile(input.expect.text, input.expect.file) : readExpectations(input.text, input.file);
  const resolved = loadScenario(input.text, input.file, fileAccess(input.file));
  const dir = dirname(input.file);
  const ownName = resolved.scenario.policy.name;
  const ownPolicies = await loadPolicies(resolved, dir, input.policy ? { policy: { ref: input.policy.ref, baseDir: input.policy.baseDir, src: new SourceMap(input.policy.label, undefined, undefined) } } : {});
  const originalLabel = input.policy ? (await loadPolicies(resolved, dir)).queueName : ownPolicies.queueName;
  const placementLabel = ownPolicies.placementName;
  const isOwn = (name: string): boolean => name === ownName || name === originalLabel;
  const notes: string[] = [];

  // Baseline rows for this scenario, by policy name.
  const baseRows = new Map<string, Map<number, string[]>>();
  let baseHeader: string[] = [];
  for (const b of options.baselines ?? []) {
    const h = b.table.header;
    for (const c of ['scenario', 'policy', 'placement', 'seed']) {
      if (!h.includes(c)) throw new InputError([{ file: b.file, line: 1, column: 1, path: '', message: `a baseline needs the column '${c}' (use a runs.csv from compare/check --save, or a summary.csv from run)` }]);
    }
    for (const r of b.table.rows) {
      if (r[h.indexOf('scenario')] !== resolved.scenario.name) continue;
      if (r[h.indexOf('placement')] !== placementLabel) {
        notes.push(`baseline row for placement '${r[h.indexOf('placement')]}' not checked (the scenario places with '${placementLabel}')`);
        continue;
      }
      const p = r[h.indexOf('policy')]!;
      const key = isOwn(p) ? ownName : p;
      if (!baseRows.has(key)) baseRows.set(key, new Map());
      baseRows.get(key)!.set(Number(r[h.indexOf('seed')]), r);
      baseHeader = h;
    }
  }
  if ((options.baselines?.length ?? 0) > 0 && baseRows.size === 0) notes.push(`no baseline rows for scenario '${resolved.scenario.name}'`);

  // Policies to run: the scenario's own first, then every other one named.
  const names = [ownName];
  const want = (n: string): void => {
    const k = isOwn(n) ? ownName : n;
    if (!names.includes(k)) names.push(k);
  };
  if (expect) {
    for (const p of Object.keys(expect.policies)) want(p);
    for (const r of expect.relations) {
      want(r.policy);
      want(r.below ?? r.above!);
    }
  }
  for (const p of baseRows.keys()) want(p);
  const seedBase = expect?.seed_base ?? resolved.scenario.seed;
  const expectSeeds = Array.from({ length: expect?.seeds ?? 1 }, (_, i) => seedBase + i);
  const baselineSeeds = [...new Set([...baseRows.values()].flatMap((m) => [...m.keys()]))];
  const seeds = [...new Set([...expectSeeds, ...baselineSeeds])].sort((a, b) => a - b);
  const policies: WorkerPolicyOverride[] = names.map((n) =>
    n === ownName ? (input.policy ?? { ref: resolved.scenario.policy, baseDir: dir, label: 'policy' }) : { ref: { name: n, params: {} }, baseDir: dir, label: `expect (policy '${n}')` },
  );

  const result = await runExperiment({ scenarioText: input.text, scenarioFile: input.file, sweep: [], policies, placements: [], seeds }, options);
  // Metric means per requested policy over a set of seeds.
  const runsOf = new Map<string, Map<number, (typeof result.outcomes)[number]>>();
  for (const run of result.plan.runs) {
    const name = names[policies.indexOf(run.policy!)]!;
    if (!runsOf.has(name)) runsOf.set(name, new Map());
    runsOf.get(name)!.set(run.seed, result.outcomes.find((o) => o.index === run.index)!);
  }
  const mean = (policy: string, metric: string, over: readonly number[]): number => {
    const runs = runsOf.get(policy)!;
    let s = 0;
    for (const seed of over) s += runs.get(seed)!.summary[metric as keyof (typeof result.outcomes)[number]['summary']] as number;
    return s / over.length;
  };
  const label = (p: string): string => (p === ownName ? `${originalLabel}${input.policy ? ` [--policy ${input.policy.ref.name}]` : ''}` : p);
  const seedsText = expectSeeds.length === 1 ? `seed ${expectSeeds[0]}` : `mean of seeds ${expectSeeds[0]}..${expectSeeds.at(-1)}`;
  const findings: Finding[] = [];
  const fmt = formatMetricValue;

  const threshold = (policy: string, metric: string, t: Threshold): void => {
    const got = mean(policy, metric, expectSeeds);
    const parts: string[] = [];
    if (t.min !== undefined) parts.push(`>= ${fmt(metric, t.min)}`);
    if (t.max !== undefined) parts.push(`<= ${fmt(metric, t.max)}`);
    const ok = (t.min === undefined || got >= t.min) && (t.max === undefined || got <= t.max);
    findings.push({
      scenario: input.file,
      kind: 'threshold',
      name: `${metric} (${label(policy)}) ${parts.join(' and ')}`,
      outcome: ok ? 'pass' : 'fail',
      expected: `${metric} ${parts.join(' and ')}`,
      got: `${fmt(metric, got)} (${seedsText})`,
    });
  };
  if (expect) {
    for (const [m, t] of Object.entries(expect.metrics)) threshold(ownName, m, t);
    for (const [p, ms] of Object.entries(expect.policies)) for (const [m, t] of Object.entries(ms)) threshold(isOwn(p) ? ownName : p, m, t);
    for (const r of expect.relations) {
      const a = isOwn(r.policy) ? ownName : r.policy;
      const otherName = r.below ?? r.above!;
      const b = isOwn(otherName) ? ownName : otherName;
      const va = mean(a, r.metric, expectSeeds);
      const vb = mean(b, r.metric, expectSeeds);
      const below = r.below !== undefined;
      const limit = below ? vb * (1 - r.at_least) : vb * (1 + r.at_least);
      const ok = below ? va <= limit : va >= limit;
      const pct = `${Math.round(r.at_least * 1000) / 10}%`;
      const rel = vb !== 0 ? ((va - vb) / Math.abs(vb)) * 100 : Number.NaN;
      findings.push({
        scenario: input.file,
        kind: 'relation',
        name: `${r.metric}: ${label(a)} at least ${pct} ${below ? 'below' : 'above'} ${label(b)}`,
        outcome: ok ? 'pass' : 'fail',
        expected: `${label(a)} ${below ? '<=' : '>='} ${fmt(r.metric, limit)} (${label(b)} ${fmt(r.metric, vb)} ${below ? '-' : '+'} ${pct})`,
        got: `${label(a)} ${fmt(r.metric, va)} (${Number.isFinite(rel) ? `${rel >= 0 ? '+' : ''}${rel.toFixed(1)}% vs ${label(b)}` : 'n/a'}; ${seedsText})`,
      });
    }
  }

  // Baseline: each metric's mean over the baseline's seeds, direction-aware.
  const tol = options.tolerance ?? 0.02;
  for (const [policy, bySeed] of baseRows) {
    const over = [...bySeed.keys()].sort((x, y) => x - y);
    for (const metric of METRIC_COLUMNS) {
      const col = baseHeader.indexOf(metric);
      if (col < 0) continue;
      let old = 0;
      for (const s of over) old += cellNumber(bySeed.get(s)![col]!);
      old /= over.length;
      const now = mean(policy, metric, over);
      if (!Number.isFinite(old) && !Number.isFinite(now)) continue;
      const diff = now - old;
      const rel = old !== 0 ? diff / Math.abs(old) : diff === 0 ? 0 : Math.sign(diff) * Infinity;
      // Round-off in the CSV's 10 significant digits is not a move.
      if (Math.abs(rel) <= tol || Math.abs(diff) <= 1e-9 * Math.max(1, Math.abs(old))) continue;
      const d = metricDirection(metric);
      const worse = d === 'higher' ? diff < 0 : d === 'lower' ? diff > 0 : metric === 'jobs_submitted';
      const better = d === 'higher' ? diff > 0 : d === 'lower' ? diff < 0 : false;
      const moved = `${diff > 0 ? '↑' : '↓'} ${Number.isFinite(rel) ? `${rel > 0 ? '+' : ''}${(rel * 100).toFixed(1)}%` : 'from 0'}`;
      findings.push({
        scenario: input.file,
        kind: 'baseline',
        name: `baseline ${metric} (${label(policy)})`,
        outcome: worse ? 'fail' : better ? 'improved' : 'changed',
        expected: `${fmt(metric, old)} (tolerance ${(tol * 100).toFixed(1)}%${d === 'neutral' ? '' : `, ${d} is better`})`,
        got: fmt(metric, now),
        moved,
      });
    }
    if (!findings.some((f) => f.kind === 'baseline' && f.name.endsWith(`(${label(policy)})`))) {
      findings.push({ scenario: input.file, kind: 'baseline', name: `baseline (${label(policy)}): every metric within ${(tol * 100).toFixed(1)}%`, outcome: 'pass', expected: '', got: '' });
    }
  }
  return { file: input.file, name: resolved.scenario.name, seeds, findings, runs: result.runs, notes };
}

/** The report: passes briefly, failures as `- expected` / `+ got` with arrows for what moved. */
export function formatCheckReport(checks: readonly ScenarioCheck[]): string {
  let out = '';
  let failed = 0;
  let total = 0;
  for (const c of checks) {
    out += `${c.file} (${c.name}; seeds ${c.seeds.join(', ')})\n`;
    for (const n of c.notes) out += `  note: ${n}\n`;
    for (const f of c.findings) {
      if (f.outcome === 'pass' || f.outcome === 'fail') total++;
      if (f.outcome === 'pass') out += `  ok    ${f.name}${f.got ? `: ${f.got}` : ''}\n`;
      else if (f.outcome === 'fail') {
        failed++;
        out += `  FAIL  ${f.name}${f.moved ? `  ${f.moved} (worse)` : ''}\n    - expected ${f.expected}\n    + got      ${f.got}\n`;
      } else out += `  ${f.outcome === 'improved' ? 'better' : 'moved '} ${f.name}  ${f.moved ?? ''}: ${f.expected.split(' (')[0]} -> ${f.got}${f.outcome === 'improved' ? ' (update the baseline to keep it)' : ''}\n`;
    }
  }
  out += failed > 0 ? `\n${failed} of ${total} expectations failed\n` : `\nall ${total} expectations met\n`;
  return out;
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** JUnit XML: one testsuite per scenario, one testcase per expectation, a failure element for each failed one. */
export function junitXml(checks: readonly ScenarioCheck[], wallS = 0): string {
  const cases = (c: ScenarioCheck) => c.findings.filter((f) => f.outcome === 'pass' || f.outcome === 'fail');
  const tests = checks.reduce((n, c) => n + cases(c).length, 0);
  const failures = checks.reduce((n, c) => n + cases(c).filter((f) => f.outcome === 'fail').length, 0);
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="poolsim check" tests="${tests}" failures="${failures}" time="${wallS.toFixed(3)}">\n`;
  for (const c of checks) {
    const cs = cases(c);
    out += `  <testsuite name="${xmlEscape(c.file)}" tests="${cs.length}" failures="${cs.filter((f) => f.outcome === 'fail').length}" errors="0" skipped="0">\n`;
    for (const f of cs) {
      out += `    <testcase classname="poolsim.check.${xmlEscape(c.name)}" name="${xmlEscape(f.name)}"`;
      if (f.outcome === 'pass') out += ' />\n';
      else {
        const message = `expected ${f.expected}, got ${f.got}`;
        out += `>\n      <failure message="${xmlEscape(message)}" type="${f.kind}">${xmlEscape(`- expected ${f.expected}\n+ got      ${f.got}${f.moved ? `\nmoved ${f.moved}` : ''}`)}</failure>\n    </testcase>\n`;
      }
    }
    const notes = c.findings.filter((f) => f.outcome === 'improved' || f.outcome === 'changed');
    if (notes.length > 0 || c.notes.length > 0) {
      out += `    <system-out>${xmlEscape([...c.notes, ...notes.map((f) => `${f.outcome}: ${f.name} ${f.moved ?? ''}: ${f.expected} -> ${f.got}`)].join('\n'))}</system-out>\n`;
    }
    out += '  </testsuite>\n';
  }
  return `${out}</testsuites>\n`;
}

/** The check's runs of every scenario in one table (the baseline format), renumbered. */
export function joinRuns(checks: readonly ScenarioCheck[]): Table {
  const header = ['run', ...SUMMARY_COLUMNS];
  const rows: string[][] = [];
  for (const c of checks) for (const r of c.runs.rows) rows.push([String(rows.length), ...r.slice(1)]);
  return { header, rows };
}
