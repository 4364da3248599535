// What a seed may be: a whole number from 0 to 10^15 - 1. The CSV files write a number from 10^15 up
// with ten significant digits (csv.ts: robust to last-bit noise in measures), so a larger seed would
// be written as another seed than the one run (9007199254740991 as 9007199255000000); above 2^53 a
// float64 cannot even hold every whole number (`9007199254740993` is read as 9007199254740992).
// Refused, quoting what was written. No zod here: the
// command line checks its seed options before any command module (or zod) is loaded.

export const MAX_SEED = 999_999_999_999_999;

export const SEED_RANGE = `expected a whole number from 0 to ${MAX_SEED} (10^15 - 1; the CSV files write a larger number with ten significant digits, so not as the seed run)`;

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
  return first > MAX_SEED - (count - 1) ? `the last seed, ${first} + ${count} - 1, is above ${MAX_SEED} (10^15 - 1, the largest seed the CSV files write whole)` : undefined;
}

/**
 * Why a seed given as a value by code (the library's `runScenario(resolved, { seed })`) cannot be
 * used, or undefined: a number the CLI's --seed would take, nothing else (a string is not read as
 * one; NaN, a fraction or a negative seed ran as some stream and was written as given).
 */
export function seedValueProblem(seed: unknown): string | undefined {
  if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED) return undefined;
  return `${SEED_RANGE}, got ${typeof seed === 'string' ? `'${seed}'` : String(seed)}`;
}
