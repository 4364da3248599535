// What a seed may be: a whole number from 0 to 2^53 - 1 (Number.MAX_SAFE_INTEGER). Above that a
// float64 cannot hold every whole number, so `9007199254740993` is read as 9007199254740992 and the
// run is of another seed than the one written: refused, quoting what was written. No zod here: the
// command line checks its seed options before any command module (or zod) is loaded.

export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export const SEED_RANGE = `expected a whole number from 0 to ${MAX_SEED} (2^53 - 1; a larger one is not exact in a 64-bit float and would be rounded to another seed)`;

/**
 * Why a seed given as text (a command-line option) cannot be used, or undefined. The text is
 * judged, not the number parsed from it, which may already be rounded: digits must name a number
 * <= MAX_SEED exactly; another form (`1e3`, `10.0`) must be a whole number below 1e15, where every
 * decimal with at most 15 significant digits is exact.
 */
export function seedTextProblem(text: string): string | undefined {
  const t = text.trim();
  if (/^\+?\d+$/.test(t)) return BigInt(t) <= BigInt(MAX_SEED) ? undefined : SEED_RANGE;
  const n = Number(t);
  return t !== '' && Number.isInteger(n) && n >= 0 && n < 1e15 ? undefined : SEED_RANGE;
}

/** Why seeds first .. first + count - 1 cannot all be used, or undefined. */
export function seedRangeProblem(first: number, count: number): string | undefined {
  // first + count - 1 may itself round (9007199254740990 + 3 - 1 gave ...991): compare without it.
  return first > MAX_SEED - (count - 1) ? `the last seed, ${first} + ${count} - 1, is above ${MAX_SEED} (2^53 - 1, the largest seed that is exact in a 64-bit float)` : undefined;
}
