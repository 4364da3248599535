// `poolsim check`: regression testing of scenarios for CI. Runs each scenario's policy (and the
// policies its expectations name) on the expectation's seeds, then verifies thresholds, relations
// between policies, and, given a committed baseline, that no metric moved in the worse direction by
// more than the tolerance. Produces findings; the CLI prints them as a diff-style report, writes JUnit
// XML and sets the exit code. A check that would compare nothing, or against results of another
// version of the scenario, is refused (InputError) rather than passed.
import { seedRangeProblem } from '../scenario/seed-range.js';
import { dirname } from 'node:path';
import { isModuleName } from '../policy/registry.js';
import { withOwnParams } from '../policy/own-params.js';
import { InputError, type InputIssue, type PathKey } from '../scenario/errors.js';
import type { PolicyRef } from '../scenario/schema.js';
import type { Expectations, Threshold } from '../scenario/expect-schema.js';
import { baselineProblems, baselineRowsFor, type Baseline, type BaselineRow } from './baseline.js';
import { cellNumber, type Table } from './csv-table.js';
import { prepareExperiment, runPlan, type ExperimentOptions } from './experiment.js';
import { expectationCount, parseExpectFile, readExpectations, resolveExpectations } from './expectations.js';
import { fileAccess } from './file-access.js';
import { metricDef, metricDirection, SUMMARY_METRIC_COLUMNS } from './metric-table.js';
import { FINGERPRINT_COLUMN, serviceColumns, tenantColumns, type CheckedPlan } from './plan.js';
import { loadInWorker, type WorkerPolicyOverride } from './run-in-worker.js';
import { loadScenarioForRun } from './load-for-run.js';
import { formatMetricValue, formatMetricValues } from './summary-text.js';
import { parseVariantLabel, sameRef, VariantError } from './variant-label.js';
import { countOf } from '../units/count-noun.js';

export type { Baseline } from './baseline.js';
export { parseExpectFile, readExpectations } from './expectations.js';

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
  /** --max-memory: memory one run may use (the loader's default limit when absent). */
  maxMemoryBytes?: number;
}

export interface CheckOptions extends ExperimentOptions {
  baselines?: readonly Baseline[];
  /** Relative tolerance for baseline comparisons (0.02 = 2%). */
  tolerance?: number;
  /** --save: the runs are written as a new baseline, so a scenario with nothing to check still has a use. */
  saving?: boolean;
}

/** Refuse baselines that cannot be trusted, before anything runs (every problem, located). */
export function checkBaselines(baselines: readonly Baseline[]): void {
  const issues = baselines.flatMap(baselineProblems);
  if (issues.length > 0) throw new InputError(issues);
}

/** The own names of the scenario's policies (a plug-in's is known once loaded, in a worker under the watchdog). */
async function scenarioPolicyNames(input: CheckScenarioInput, queue: PolicyRef, placement: PolicyRef, options: CheckOptions): Promise<{ queue: string; placement: string }> {
  if (!isModuleName(queue.name) && !isModuleName(placement.name)) return { queue: queue.name, placement: placement.name };
  const loaded = await loadInWorker({ scenarioText: input.text, scenarioFile: input.file, scenarioDir: dirname(input.file), ...(input.maxMemoryBytes !== undefined ? { maxMemoryBytes: input.maxMemoryBytes } : {}) }, { policyTimeoutS: options.policyTimeoutS ?? 10 });
  return { queue: loaded.queueName, placement: loaded.placementName };
}

/** A policy slot of a check: the scenario's own (perhaps replaced by --policy), or another variant. */
export type Slot = { own: true } | { own: false; ref: PolicyRef };

/** A check with every input checked and its runs planned, ready to run (prepareCheck, then runCheck). */
export interface PreparedCheck {
  input: CheckScenarioInput;
  scenarioName: string;
  plan: CheckedPlan;
  ownName: string;
  variantOf: (slot: Slot) => number;
  thresholdSlots: { slot: Slot; metric: string; t: Threshold }[];
  relationSlots: { a: Slot; b: Slot; r: Expectations['relations'][number] }[];
  baseBySlot: { slot: Slot; rows: BaselineRow[] }[];
  expectSeeds: number[];
  seeds: number[];
  notes: string[];
  /** The files the scenario read (traces, node lists): a --save or --junit must not replace them. */
  inputs: string[];
}

/** Run a scenario's check: prepareCheck then runCheck. */
export async function checkScenario(input: CheckScenarioInput, options: CheckOptions = {}): Promise<ScenarioCheck> {
  return runCheck(await prepareCheck(input, options), options);
}

/**
 * Everything a check does before running: read and resolve its expectations, check its baselines,
 * decide which policy variants and seeds to run, and check the plan. Throws InputError (every
 * problem, located) when the check cannot be trusted or would check nothing.
 */
export async function prepareCheck(input: CheckScenarioInput, options: CheckOptions = {}): Promise<PreparedCheck> {
  const block = input.expect ? parseExpectFile(input.expect.text, input.expect.file) : readExpectations(input.text, input.file);
  const memory = input.maxMemoryBytes !== undefined ? { maxMemoryBytes: input.maxMemoryBytes } : {};
  const { resolved, fingerprint, inputs } = loadScenarioForRun(input.text, input.file, { ...fileAccess(input.file), ...memory });
  const dir = dirname(input.file);
  const ownRef = resolved.scenario.policy;
  const ownPlacement = resolved.scenario.placement;
  const names = await scenarioPolicyNames(input, ownRef, ownPlacement, options);
  const ownName = names.queue;
  const available = [...SUMMARY_METRIC_COLUMNS, ...serviceColumns(resolved.services.map((s) => s.name)), ...tenantColumns(resolved.tenants?.queues.map((q) => q.name) ?? [])];
  const expect = block ? resolveExpectations(block, available) : undefined;
  const baselines = options.baselines ?? [];
  checkBaselines(baselines);
  if ((expect === undefined || expectationCount(expect) === 0) && baselines.length === 0 && options.saving !== true) {
    throw new InputError([
      {
        file: block ? block.src.file : input.file,
        line: 0,
        column: 0,
        path: block ? block.prefix.join('.') : '',
        message: `nothing to check: ${block ? 'the expect: block has no thresholds or relations' : 'the scenario has no expect: block'} and no --baseline or --save was given (a check that checks nothing would pass)`,
      },
    ]);
  }

  // Every policy the expectations and baselines name, as a slot: the scenario's own, or a variant.
  const issues: InputIssue[] = [];
  const slotOf = (text: string, where: () => InputIssue): Slot | undefined => {
    if (text === ownRef.name || text === ownName) return { own: true };
    let ref: PolicyRef;
    try {
      ref = parseVariantLabel(text);
    } catch (e) {
      if (!(e instanceof VariantError)) throw e;
      issues.push({ ...where(), message: e.message });
      return undefined;
    }
    if ((ref.name === ownRef.name || ref.name === ownName) && sameRef({ name: ownRef.name, params: ref.params }, ownRef)) return { own: true };
    return { own: false, ref };
  };
  const expectIssue = (path: PathKey[]) => (): InputIssue => block!.src.issue([...block!.prefix, ...path], '');
  const thresholdSlots: { slot: Slot; metric: string; t: Threshold }[] = [];
  const relationSlots: PreparedCheck['relationSlots'] = [];
  if (expect) {
    for (const [m, t] of Object.entries(expect.metrics)) thresholdSlots.push({ slot: { own: true }, metric: m, t });
    for (const [p, ms] of Object.entries(expect.policies)) {
      const slot = slotOf(p, expectIssue(['policies', p]));
      if (slot) for (const [m, t] of Object.entries(ms)) thresholdSlots.push({ slot, metric: m, t });
    }
    expect.relations.forEach((r, i) => {
      const a = slotOf(r.policy, expectIssue(['relations', i, 'policy']));
      const side = r.below !== undefined ? 'below' : 'above';
      const b = slotOf(r.below ?? r.above!, expectIssue(['relations', i, side]));
      // A policy against itself (the same runs on the same seeds) can only pass, or with a margin
      // only fail: an expectation that checks nothing, counted as met (a copy-paste slip).
      if (a && b && sameSlot(a, b)) {
        issues.push({
          ...expectIssue(['relations', i, side])(),
          message: `'${r.policy}' ${side} '${r.below ?? r.above!}' compares a policy with itself (the same runs): it ${r.at_least ? 'can never hold' : 'always holds'}; name another policy`,
        });
      } else if (a && b) relationSlots.push({ a, b, r });
    });
  }
  const baseRows = baselines.length > 0 ? baselineRowsFor(baselines, resolved.scenario.name, fingerprint, input.file) : [];
  const notes: string[] = [];
  if ((expect === undefined || expectationCount(expect) === 0) && baselines.length === 0) notes.push('no expectations and no baseline: its runs are only saved (--save)');
  const baseBySlot: { slot: Slot; rows: BaselineRow[] }[] = [];
  for (const row of baseRows) {
    const h = row.baseline.table.header;
    const placement = row.cells[h.indexOf('placement')]!;
    const placementRef = safeParse(placement);
    const samePlacement = placement === names.placement || placement === ownPlacement.name || (placementRef !== undefined && sameRef(placementRef, ownPlacement));
    if (!samePlacement) {
      notes.push(`baseline row for placement '${placement}' not checked (the scenario places with '${names.placement}')`);
      continue;
    }
    const slot = slotOf(row.cells[h.indexOf('policy')]!, () => ({ file: row.baseline.file, line: row.index + 2, column: 0, path: '', message: '' }));
    if (!slot) continue;
    let entry = baseBySlot.find((e) => sameSlot(e.slot, slot));
    if (!entry) baseBySlot.push((entry = { slot, rows: [] }));
    // The same run twice (two saves joined, a file given twice): one of them would be compared and
    // the other passed over in silence, so a failing row could be hidden by a passing one after it.
    const seedOf = (r: BaselineRow) => Number(r.cells[r.baseline.table.header.indexOf('seed')]);
    const twin = entry.rows.find((r) => seedOf(r) === seedOf(row));
    if (twin) {
      const at = (r: BaselineRow) => `${r.baseline.file}:${r.index + 2}`;
      issues.push({
        file: row.baseline.file,
        line: row.index + 2,
        column: 1,
        path: '',
        message: `scenario '${resolved.scenario.name}', policy '${row.cells[h.indexOf('policy')]}', placement '${placement}', seed ${seedOf(row)} is in the baseline already (${at(twin)}): a baseline holds each run once; keep the one to compare with`,
      });
      continue;
    }
    entry.rows.push(row);
  }
  if (issues.length > 0) throw new InputError(issues);
  if (baselines.length > 0 && baseBySlot.length === 0) {
    throw new InputError([{ file: baselines.map((b) => b.file).join(', '), line: 0, column: 0, path: '', message: `no baseline rows for scenario '${resolved.scenario.name}' with its placement '${names.placement}'` }]);
  }

  // The variants to run: the scenario's own first (or its --policy replacement), then every other one named.
  // A --policy naming the scenario's own policy bare runs it with the scenario's parameters (own-params.ts).
  // It stays bare, so that the loader takes it as the file's: what is said of its parameters is at the file's line.
  const runOwn: WorkerPolicyOverride = input.policy ? { ...withOwnParams(input.policy, ownRef, dir), bare: input.policy.bare === true } : { ref: ownRef, baseDir: dir, label: 'policy', bare: true };
  const variants: WorkerPolicyOverride[] = [runOwn];
  // `where` names what asked for the variant in messages about it (an unknown policy, bad parameters).
  const variantOf = (slot: Slot, where = 'expect'): number => {
    if (slot.own) return 0;
    let i = variants.findIndex((v) => sameRef(v.ref, slot.ref));
    if (i < 0) i = variants.push({ ref: slot.ref, baseDir: dir, label: `${where} (policy '${slot.ref.name}')` }) - 1;
    return i;
  };
  for (const t of thresholdSlots) variantOf(t.slot);
  for (const r of relationSlots) {
    variantOf(r.a);
    variantOf(r.b);
  }
  for (const e of baseBySlot) variantOf(e.slot, e.rows[0]!.baseline.file);

  const seedBase = expect?.seed_base ?? resolved.scenario.seed;
  const pastLast = seedRangeProblem(seedBase, expect?.seeds ?? 1);
  if (pastLast) throw new InputError([{ file: input.expect?.file ?? input.file, line: 0, column: 0, path: 'expect.seeds', message: pastLast }]);
  const expectSeeds = Array.from({ length: expect?.seeds ?? 1 }, (_, i) => seedBase + i);
  const seedAt = (r: BaselineRow) => Number(r.cells[r.baseline.table.header.indexOf('seed')]);
  const baselineSeeds = baseBySlot.flatMap((e) => e.rows.map(seedAt));
  const seeds = [...new Set([...expectSeeds, ...baselineSeeds])].sort((a, b) => a - b);

  const plan = await prepareExperiment({ scenarioText: input.text, scenarioFile: input.file, sweep: [], policies: variants, placements: [], seeds, ...memory }, options);
  return { input, scenarioName: resolved.scenario.name, plan, ownName, variantOf, thresholdSlots, relationSlots, baseBySlot, expectSeeds, seeds, notes, inputs };
}

/** Run a prepared check and judge its findings. */
export async function runCheck(prepared: PreparedCheck, options: CheckOptions = {}): Promise<ScenarioCheck> {
  const { input, ownName, variantOf, thresholdSlots, relationSlots, baseBySlot, expectSeeds, seeds } = prepared;
  const notes = [...prepared.notes];
  const seedAt = (r: BaselineRow) => Number(r.cells[r.baseline.table.header.indexOf('seed')]);
  const result = await runPlan(prepared.plan, options);
  const h = result.runs.header;
  const labels = result.plan.policyLabels;
  const rowOf = new Map<string, string[]>();
  for (const r of result.runs.rows) rowOf.set(`${r[h.indexOf('policy')]}\u0000${r[h.indexOf('seed')]}`, r);
  const mean = (slot: Slot, metric: string, over: readonly number[]): number => {
    const label = labels[variantOf(slot)]!;
    const col = h.indexOf(metric);
    let s = 0;
    for (const seed of over) s += cellNumber(rowOf.get(`${label}\u0000${seed}`)![col]!);
    return s / over.length;
  };
  const label = (slot: Slot): string => (slot.own ? (input.policy ? `${ownName} [--policy ${input.policy.ref.name}]` : labels[0]!) : labels[variantOf(slot)]!);
  const seedsText = expectSeeds.length === 1 ? `seed ${expectSeeds[0]}` : `mean of seeds ${expectSeeds[0]}..${expectSeeds.at(-1)}`;
  const findings: Finding[] = [];
  const fmt = formatMetricValue;

  for (const { slot, metric, t } of thresholdSlots) {
    const got = mean(slot, metric, expectSeeds);
    // The bounds and the value with digits enough to tell them apart (formatMetricValues).
    const [minText, maxText, gotText] = formatMetricValues(metric, [t.min ?? Number.NaN, t.max ?? Number.NaN, got]);
    const parts: string[] = [];
    if (t.min !== undefined) parts.push(`>= ${minText}`);
    if (t.max !== undefined) parts.push(`<= ${maxText}`);
    // Not measured (no job completed, say) meets no threshold.
    const ok = Number.isFinite(got) && (t.min === undefined || got >= t.min) && (t.max === undefined || got <= t.max);
    findings.push({
      scenario: input.file,
      kind: 'threshold',
      name: `${metric} (${label(slot)}) ${parts.join(' and ')}`,
      outcome: ok ? 'pass' : 'fail',
      expected: `${metric} ${parts.join(' and ')}`,
      got: `${Number.isFinite(got) ? gotText : 'not measured'} (${seedsText})`,
    });
  }
  for (const { a, b, r } of relationSlots) {
    const va = mean(a, r.metric, expectSeeds);
    const vb = mean(b, r.metric, expectSeeds);
    const below = r.below !== undefined;
    const limit = below ? vb * (1 - r.at_least) : vb * (1 + r.at_least);
    const ok = Number.isFinite(va) && Number.isFinite(vb) && (below ? va <= limit : va >= limit);
    const pct = `${Math.round(r.at_least * 1000) / 10}%`;
    const rel = vb !== 0 ? ((va - vb) / Math.abs(vb)) * 100 : Number.NaN;
    const [limitText, vbText, vaText] = formatMetricValues(r.metric, [limit, vb, va]);
    findings.push({
      scenario: input.file,
      kind: 'relation',
      name: `${r.metric}: ${label(a)} at least ${pct} ${below ? 'below' : 'above'} ${label(b)}`,
      outcome: ok ? 'pass' : 'fail',
      expected: `${label(a)} ${below ? '<=' : '>='} ${limitText} (${label(b)} ${vbText} ${below ? '-' : '+'} ${pct})`,
      got: `${label(a)} ${vaText} (${Number.isFinite(rel) ? `${rel >= 0 ? '+' : ''}${rel.toFixed(1)}% vs ${label(b)}` : 'n/a'}; ${seedsText})`,
    });
  }

  // Baseline: each metric's mean over the baseline's seeds, direction-aware.
  const tol = options.tolerance ?? 0.02;
  for (const { slot, rows } of baseBySlot) {
    const bh = rows[0]!.baseline.table.header;
    const bySeed = new Map(rows.map((r) => [seedAt(r), r.cells]));
    const over = [...bySeed.keys()].sort((x, y) => x - y);
    const metrics = bh.filter((c) => metricDef(c) !== undefined);
    const before = findings.length;
    // The metrics compared as numbers (measured both times) that held, for the line that says so.
    let held = 0;
    for (const metric of metrics) {
      const col = bh.indexOf(metric);
      if (!h.includes(metric)) {
        // One baseline file may hold several scenarios (docs/ci.md): another's service or tenant column is empty in these rows.
        if (rows.every((r) => (r.cells[col] ?? '') === '')) continue;
        notes.push(`baseline column '${metric}' not checked: this version of poolsim does not write it`);
        continue;
      }
      let old = 0;
      for (const s of over) old += cellNumber(bySeed.get(s)![col]!);
      old /= over.length;
      const now = mean(slot, metric, over);
      if (!Number.isFinite(old) && !Number.isFinite(now)) continue;
      const d = metricDirection(metric);
      if (!Number.isFinite(now) || !Number.isFinite(old)) {
        // A metric that was measured and no longer is (or the reverse) is a change in what the run does.
        findings.push({
          scenario: input.file,
          kind: 'baseline',
          name: `baseline ${metric} (${label(slot)})`,
          outcome: Number.isFinite(old) ? 'fail' : 'changed',
          expected: Number.isFinite(old) ? fmt(metric, old) : 'not measured',
          got: Number.isFinite(now) ? fmt(metric, now) : 'not measured',
          moved: Number.isFinite(old) ? '↓ no longer measured' : '↑ now measured',
        });
        continue;
      }
      const diff = now - old;
      const rel = old !== 0 ? diff / Math.abs(old) : diff === 0 ? 0 : Math.sign(diff) * Infinity;
      // Round-off in the CSV's 10 significant digits is not a move.
      if (Math.abs(rel) <= tol || Math.abs(diff) <= 1e-9 * Math.max(1, Math.abs(old))) {
        held++;
        continue;
      }
      const worse = d === 'higher' ? diff < 0 : d === 'lower' ? diff > 0 : metric === 'jobs_submitted';
      const better = d === 'higher' ? diff > 0 : d === 'lower' ? diff < 0 : false;
      const moved = `${diff > 0 ? '↑' : '↓'} ${Number.isFinite(rel) ? `${rel > 0 ? '+' : ''}${(rel * 100).toFixed(1)}%` : 'from 0'}`;
      findings.push({
        scenario: input.file,
        kind: 'baseline',
        name: `baseline ${metric} (${label(slot)})`,
        outcome: worse ? 'fail' : better ? 'improved' : 'changed',
        expected: `${fmt(metric, old)} (tolerance ${(tol * 100).toFixed(1)}%${d === 'neutral' ? '' : `, ${d} is better`})`,
        got: fmt(metric, now),
        moved,
      });
    }
    // The metrics that held are a pass of their own beside the ones that moved: without it a baseline
    // whose one metric improved read 'no expectations checked' (JUnit tests="0"), and one whose one
    // metric failed '1 of 1 expectation failed', as if the others had not been compared.
    if (held > 0) {
      const every = findings.length === before ? 'every metric' : 'every other metric';
      findings.push({ scenario: input.file, kind: 'baseline', name: `baseline (${label(slot)}): ${every} within ${(tol * 100).toFixed(1)}%`, outcome: 'pass', expected: '', got: `${countOf(held, 'metric')}, seeds ${over.join(', ')}` });
    }
  }
  return { file: input.file, name: prepared.scenarioName, seeds, findings, runs: result.runs, notes };
}

function sameSlot(a: Slot, b: Slot): boolean {
  return a.own ? b.own : !b.own && sameRef(a.ref, b.ref);
}

function safeParse(label: string): PolicyRef | undefined {
  try {
    return parseVariantLabel(label);
  } catch {
    return undefined;
  }
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
  // Only a --save of scenarios without expectations or baseline checks nothing: 'all 0 expectations
  // met' read as a pass of something.
  out += failed > 0 ? `\n${failed} of ${countOf(total, 'expectation')} failed\n` : total === 0 ? '\nno expectations checked\n' : total === 1 ? '\n1 expectation met\n' : `\nall ${total} expectations met\n`;
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

/**
 * The check's runs of every scenario in one table (the baseline format), renumbered: the summary
 * columns, every scenario's service columns (empty where a scenario has no such service), and the
 * fingerprint of the scenario each row came from.
 */
export function joinRuns(checks: readonly ScenarioCheck[]): Table {
  const header = ['run'];
  for (const c of checks) for (const col of c.runs.header.slice(1)) if (col !== FINGERPRINT_COLUMN && !header.includes(col)) header.push(col);
  header.push(FINGERPRINT_COLUMN);
  const rows: string[][] = [];
  for (const c of checks) {
    const at = header.map((col) => c.runs.header.indexOf(col));
    for (const r of c.runs.rows) rows.push([String(rows.length), ...at.slice(1).map((i) => (i < 0 ? '' : r[i]!))]);
  }
  return { header, rows };
}
