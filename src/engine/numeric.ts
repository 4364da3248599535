// Float helpers: the one place where derived floats are snapped and compared.

/** Relative tolerance under which a remainder (of work, of bytes) counts as zero. */
export const REL_EPS = 1e-9;

/** Snap `remaining` to 0 when it is negligible relative to `scale` (the original amount). */
export function snapToZero(remaining: number, scale: number): number {
  return remaining <= Math.abs(scale) * REL_EPS ? 0 : remaining;
}

/** Are two derived floats equal within a relative tolerance? */
export function nearlyEqual(a: number, b: number, rel = REL_EPS): boolean {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}
