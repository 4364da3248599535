// Swept fields that changed no result: a sweep whose every value gave the same runs.csv row at each
// other point, policy, placement and seed. The field was read and ignored (a fabric under
// `network: ideal`, a latency no job's traffic crosses), or the answer is that it does not matter;
// either way the user should hear it rather than find identical rows.
import type { Table } from './csv-table.js';
import { LABEL_COLUMNS } from './metric-table.js';

/** The sweep paths (of `paths`, runs.csv's swept columns in order after `run`) whose values all gave identical results. */
export function sweptWithoutEffect(runs: Table, paths: readonly string[]): string[] {
  const h = runs.header;
  // Swept columns follow `run`; label columns are the first of their name after them (a swept
  // `policy` is a column of that name too). The scenario's name and fingerprint are no result.
  const swept = paths.map((_, k) => 1 + k);
  const labels = LABEL_COLUMNS.filter((c) => c !== 'scenario').map((c) => h.indexOf(c, 1 + paths.length));
  const ignored = new Set([0, ...swept, ...labels, h.indexOf('scenario', 1 + paths.length), h.indexOf('scenario_sha256')]);
  const results = h.map((_, i) => i).filter((i) => !ignored.has(i));
  const out: string[] = [];
  paths.forEach((path, k) => {
    const values = new Set(runs.rows.map((r) => r[swept[k]!]));
    if (values.size < 2) return;
    const byKey = new Map<string, string>();
    let compared = false;
    for (const r of runs.rows) {
      const key = JSON.stringify([...swept.filter((_, j) => j !== k), ...labels].map((i) => r[i]));
      const result = JSON.stringify(results.map((i) => r[i]));
      const seen = byKey.get(key);
      if (seen === undefined) byKey.set(key, result);
      else if (seen !== result) return;
      else compared = true;
    }
    if (compared) out.push(path);
  });
  return out;
}
