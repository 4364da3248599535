// A small dense linear-program solver (two-phase simplex on a tableau) for the allocation problems
// policies solve each round: Gavel's max-min LP has a few variables per job class and kind, so a
// dense tableau of a few hundred columns is quick, and a solver of our own keeps the answer exact
// to the same rules on every machine (no native code, no dependency that may change its pivots).
//
// Problem: maximise c.x subject to rows a.x (<=, >=, =) b and x >= 0. Entering column by Dantzig's
// rule (most negative reduced cost), switching to Bland's rule (lowest index) after a run of
// degenerate pivots so that it cannot cycle; leaving row by the ratio test, ties to the lowest
// basic variable (Bland). Deterministic: the same problem gives the same bytes.

export type Relation = '<=' | '>=' | '=';

export interface LinearConstraint {
  /** Dense coefficients, one per variable (missing entries are 0). */
  readonly coefficients: readonly number[];
  readonly relation: Relation;
  readonly rhs: number;
}

export interface LinearProgram {
  /** Coefficients of the objective to maximise, one per variable. */
  readonly objective: readonly number[];
  readonly constraints: readonly LinearConstraint[];
}

export type LpResult =
  | { readonly status: 'optimal'; readonly x: number[]; readonly value: number }
  | { readonly status: 'infeasible' }
  | { readonly status: 'unbounded' };

/** Pivots allowed before giving up (a guard: Bland's rule terminates, this only bounds a bug). */
const MAX_PIVOTS = 50_000;
/** Consecutive degenerate pivots after which Bland's rule replaces Dantzig's. */
const DEGENERATE_RUN = 30;

/**
 * Solve `lp`. Coefficients are expected of moderate magnitude (the caller normalises): values
 * within `tolerance` of zero count as zero in pivoting and in the phase-1 feasibility test.
 */
export function solveLp(lp: LinearProgram, tolerance = 1e-9): LpResult {
  const n = lp.objective.length;
  const m = lp.constraints.length;
  // Columns: n originals, one slack or surplus per inequality, one artificial per >= or = row.
  const rows = lp.constraints.map((c) => (c.rhs < 0 ? { a: c.coefficients.map((v) => -v), rel: flip(c.relation), b: -c.rhs } : { a: c.coefficients, rel: c.relation, b: c.rhs }));
  const slackCol: number[] = [];
  const artCol: number[] = [];
  let cols = n;
  for (const r of rows) slackCol.push(r.rel === '=' ? -1 : cols++);
  const firstArtificial = cols;
  for (const r of rows) artCol.push(r.rel === '<=' ? -1 : cols++);
  const width = cols + 1; // last entry: right-hand side
  const t: Float64Array[] = [];
  const basis: number[] = [];
  for (let i = 0; i < m; i++) {
    const row = new Float64Array(width);
    const r = rows[i]!;
    for (let j = 0; j < n; j++) row[j] = r.a[j] ?? 0;
    if (slackCol[i]! >= 0) row[slackCol[i]!] = r.rel === '<=' ? 1 : -1;
    if (artCol[i]! >= 0) row[artCol[i]!] = 1;
    row[cols] = r.b;
    t.push(row);
    basis.push(r.rel === '<=' ? slackCol[i]! : artCol[i]!);
  }

  const pivot = (pr: number, pc: number): void => {
    const prow = t[pr]!;
    const inv = 1 / prow[pc]!;
    for (let j = 0; j < width; j++) prow[j]! *= inv;
    prow[pc] = 1;
    for (let i = 0; i < m; i++) {
      if (i === pr) continue;
      const row = t[i]!;
      const f = row[pc]!;
      if (f === 0) continue;
      for (let j = 0; j < width; j++) row[j]! -= f * prow[j]!;
      row[pc] = 0;
    }
    basis[pr] = pc;
  };

  /** Reduced costs of objective `c` (over all columns) in the current basis: z_j - c_j. */
  const reducedCosts = (c: Float64Array): Float64Array => {
    const z = new Float64Array(width);
    for (let j = 0; j < width; j++) z[j] = -c[j]!;
    for (let i = 0; i < m; i++) {
      const cb = c[basis[i]!]!;
      if (cb === 0) continue;
      const row = t[i]!;
      for (let j = 0; j < width; j++) z[j]! += cb * row[j]!;
    }
    return z;
  };

  /** Simplex iterations on objective row z (updated in place); columns >= `limit` never enter. */
  const iterate = (z: Float64Array, limit: number): 'optimal' | 'unbounded' => {
    let degenerate = 0;
    for (let iter = 0; iter < MAX_PIVOTS; iter++) {
      let pc = -1;
      if (degenerate < DEGENERATE_RUN) {
        let most = -tolerance;
        for (let j = 0; j < limit; j++) if (z[j]! < most) (most = z[j]!), (pc = j);
      } else {
        for (let j = 0; j < limit; j++)
          if (z[j]! < -tolerance) {
            pc = j;
            break;
          }
      }
      if (pc === -1) return 'optimal';
      let pr = -1;
      let best = Infinity;
      for (let i = 0; i < m; i++) {
        const a = t[i]![pc]!;
        if (a <= tolerance) continue;
        const ratio = Math.max(0, t[i]![cols]!) / a;
        if (ratio < best - tolerance || (ratio <= best + tolerance && basis[i]! < basis[pr]!)) {
          best = ratio;
          pr = i;
        }
      }
      if (pr === -1) return 'unbounded';
      degenerate = best <= tolerance ? degenerate + 1 : 0;
      pivot(pr, pc);
      const f = z[pc]!;
      const prow = t[pr]!;
      for (let j = 0; j < width; j++) z[j]! -= f * prow[j]!;
      z[pc] = 0;
    }
    throw new Error(`simplex did not converge in ${MAX_PIVOTS} pivots (${m} rows, ${n} variables)`);
  };

  // Phase 1: minimise the artificials (maximise their negated sum).
  if (firstArtificial < cols) {
    const c1 = new Float64Array(width);
    for (let j = firstArtificial; j < cols; j++) c1[j] = -1;
    const z1 = reducedCosts(c1);
    iterate(z1, cols);
    if (z1[cols]! < -tolerance * Math.max(1, ...rows.map((r) => r.b))) return { status: 'infeasible' };
    // Drive artificials still basic (at zero) out of the basis where a real column can replace them.
    for (let i = 0; i < m; i++) {
      if (basis[i]! < firstArtificial) continue;
      const row = t[i]!;
      let pc = -1;
      for (let j = 0; j < firstArtificial; j++)
        if (Math.abs(row[j]!) > tolerance) {
          pc = j;
          break;
        }
      if (pc !== -1) pivot(i, pc); // otherwise the row is redundant; its artificial stays at 0
    }
  }

  // Phase 2: the real objective; artificial columns never enter.
  const c2 = new Float64Array(width);
  for (let j = 0; j < n; j++) c2[j] = lp.objective[j] ?? 0;
  const z2 = reducedCosts(c2);
  if (iterate(z2, firstArtificial) === 'unbounded') return { status: 'unbounded' };
  const x = new Array<number>(n).fill(0);
  for (let i = 0; i < m; i++) if (basis[i]! < n) x[basis[i]!] = Math.max(0, t[i]![cols]!);
  let value = 0;
  for (let j = 0; j < n; j++) value += (lp.objective[j] ?? 0) * x[j]!;
  return { status: 'optimal', x, value };
}

function flip(r: Relation): Relation {
  return r === '<=' ? '>=' : r === '>=' ? '<=' : '=';
}
