// Committed results that `poolsim check --baseline` compares against, refused unless they can be
// trusted: a table with the key columns, at least one metric and one row, every metric cell a number
// in its metric's range (or empty: not measured), and rows that provably come from the scenario being
// checked: their scenario_sha256 (or a manifest.json beside the file) equals its fingerprint.
import { basename } from 'node:path';
import { InputError, type InputIssue } from '../scenario/errors.js';
import { cellNumber, type Table } from './csv-table.js';
import { formatCell } from './csv.js';
import { ManifestError, parseManifest } from './manifest.js';
import { metricDef, rangeBounds, rangeText } from './metric-table.js';
import { FINGERPRINT_COLUMN } from './plan.js';

export interface Baseline {
  file: string;
  table: Table;
  /** sha256 of the file's bytes (to match it against a manifest beside it). */
  sha256?: string;
  /** manifest.json in the file's folder, when there is one. */
  manifest?: { file: string; text: string };
}

const KEYS = ['scenario', 'policy', 'placement', 'seed'] as const;

/** A row's position for messages: its line (header is line 1) and a cell's character column. */
function cellAt(b: Baseline, row: number, col: number): { line: number; column: number } {
  const cells = b.table.rows[row]!;
  let column = 1;
  for (let i = 0; i < col; i++) column += formatCell(cells[i]).length + 1;
  return { line: row + 2, column };
}

const issue = (file: string, line: number, column: number, message: string): InputIssue => ({ file, line, column, path: '', message });

/** Problems with a baseline file as a whole (its columns and cells), independent of any scenario. */
export function baselineProblems(b: Baseline): InputIssue[] {
  const h = b.table.header;
  const issues: InputIssue[] = [];
  const missing = KEYS.filter((c) => !h.includes(c));
  if (missing.length > 0) issues.push(issue(b.file, 1, 1, `a baseline needs the columns ${missing.map((c) => `'${c}'`).join(', ')} (use the runs.csv of check --save, compare or sweep)`));
  const metrics = h.map((c, i) => ({ c, i, def: metricDef(c) })).filter((m) => m.def !== undefined);
  if (metrics.length === 0) issues.push(issue(b.file, 1, 1, 'no metric columns: a baseline with only key columns would compare nothing'));
  if (b.table.rows.length === 0) issues.push(issue(b.file, 2, 1, 'no rows: a baseline without results would compare nothing'));
  if (issues.length > 0) return issues;
  const seedAt = h.indexOf('seed');
  b.table.rows.forEach((r, k) => {
    if (!/^\d+$/.test(r[seedAt]!)) {
      const p = cellAt(b, k, seedAt);
      issues.push(issue(b.file, p.line, p.column, `seed '${r[seedAt]}' is not a whole number`));
    }
    for (const { c, i, def } of metrics) {
      const cell = r[i]!;
      if (cell === '') continue; // not measured in that run (no job completed, no such service)
      const x = cellNumber(cell);
      const bounds = rangeBounds(def!.range);
      const p = cellAt(b, k, i);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell) && cell !== 'inf') issues.push(issue(b.file, p.line, p.column, `${c}: '${cell}' is not a number`));
      else if (!(x >= bounds.min && x <= bounds.max)) issues.push(issue(b.file, p.line, p.column, `${c}: ${cell} is outside the values it can take (${rangeText(def!.range)})`));
    }
  });
  return issues;
}

export interface BaselineRow {
  baseline: Baseline;
  /** Index into baseline.table.rows. */
  index: number;
  cells: string[];
}

/**
 * The rows of every baseline for one scenario (by its name), after checking that they were produced
 * by this very scenario (`fingerprint`). Throws InputError when there are none, or when any of them
 * may come from another version of it.
 */
export function baselineRowsFor(baselines: readonly Baseline[], scenarioName: string, fingerprint: string, scenarioFile: string): BaselineRow[] {
  const out: BaselineRow[] = [];
  const issues: InputIssue[] = [];
  const resave = `re-save the baseline (poolsim check ${scenarioFile} --save FILE) once the new results are the intended ones`;
  for (const b of baselines) {
    const h = b.table.header;
    const nameAt = h.indexOf('scenario');
    const shaAt = h.indexOf(FINGERPRINT_COLUMN);
    const rows = b.table.rows.map((cells, index) => ({ baseline: b, index, cells })).filter((r) => r.cells[nameAt] === scenarioName);
    if (rows.length === 0) continue;
    if (shaAt >= 0) {
      const stale = rows.find((r) => r.cells[shaAt] !== fingerprint);
      if (stale) {
        const p = cellAt(b, stale.index, shaAt);
        issues.push(
          issue(
            b.file,
            p.line,
            p.column,
            `rows for scenario '${scenarioName}' were produced from another version of it (${FINGERPRINT_COLUMN} ${short(stale.cells[shaAt]!)}, the scenario's is now ${short(fingerprint)}): the scenario or a file it reads has changed, so the baseline no longer says what to expect; ${resave}`,
          ),
        );
        continue;
      }
    } else {
      const why = manifestVouches(b, scenarioName, fingerprint);
      if (why !== undefined) {
        issues.push(issue(b.file, 1, 1, `no ${FINGERPRINT_COLUMN} column, so nothing says which version of scenario '${scenarioName}' produced it, and ${why}; ${resave}`));
        continue;
      }
    }
    out.push(...rows);
  }
  if (issues.length > 0) throw new InputError(issues);
  if (out.length === 0) {
    throw new InputError([
      issue(
        baselines.map((b) => b.file).join(', '),
        0,
        0,
        `no rows for scenario '${scenarioName}' (${scenarioFile}): the baseline was saved for other scenarios; add this one (poolsim check ${scenarioFile} --save FILE) or check it without --baseline`,
      ),
    ]);
  }
  return out;
}

/** Undefined when a manifest.json beside the baseline lists it unchanged and names this scenario version; else why not. */
function manifestVouches(b: Baseline, scenarioName: string, fingerprint: string): string | undefined {
  if (!b.manifest) return 'there is no manifest.json beside it';
  let m;
  try {
    m = parseManifest(b.manifest.text);
  } catch (e) {
    if (e instanceof ManifestError) return `${b.manifest.file} cannot be read (${e.message})`;
    throw e;
  }
  const listed = m.files[basename(b.file)];
  if (listed === undefined) return `${b.manifest.file} does not list ${basename(b.file)}`;
  if (b.sha256 !== undefined && listed !== b.sha256) return `${basename(b.file)} has changed since ${b.manifest.file} was written`;
  if (m.scenario.name !== scenarioName || m.scenario.sha256 !== fingerprint) return `${b.manifest.file} names another version of the scenario (${short(m.scenario.sha256)}, the scenario's is now ${short(fingerprint)})`;
  return undefined;
}

function short(sha: string): string {
  return sha.length > 12 ? `${sha.slice(0, 12)}…` : sha || '(empty)';
}
