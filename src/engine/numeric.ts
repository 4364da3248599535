// Float helpers: the one place where derived floats are snapped and compared.

/**
 * Relative size of float rounding residue: a few units in the last place (2^-52 each). A
 * difference smaller than this, relative to the quantities it came from, is rounding, not data.
 */
export const RESIDUE_REL = 8 * Number.EPSILON;

/** Default relative tolerance of `nearlyEqual` (comparisons of derived figures, not snapping). */
export const REL_EPS = 1e-9;

/**
 * Snap `remaining` (a difference such as bytes left - rate x dt) to 0 when it is rounding residue:
 * at most a few ulps of `scale`, the largest magnitude involved in computing it (the amount before
 * the subtraction, what was subtracted, rate x now for a time stamp's own precision). A negative
 * result is overshoot and snaps to 0 too. Anything larger is real and is kept: a 1 TB flow with
 * 500 B left is not done.
 */
export function snapToZero(remaining: number, scale: number): number {
  return remaining <= Math.abs(scale) * RESIDUE_REL ? 0 : remaining;
}

/** Are two derived floats equal within a relative tolerance? */
export function nearlyEqual(a: number, b: number, rel = REL_EPS): boolean {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}
