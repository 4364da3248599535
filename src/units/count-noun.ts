// A count with its noun in the form the count asks for: '1 row', '3 rows', '1 policy', '2 policies'.
// Reports, refusals and notes print counts of many things; one helper keeps '1 rows' out of all of them.

/** The noun for `n` of it: the singular for exactly 1, else the plural (`singular + 's'` unless given). */
export function nounFor(n: number, singular: string, plural = `${singular}s`): string {
  return n === 1 ? singular : plural;
}

/** `n` and its noun ('1 row', '0 rows'); `shown` is how the count is written (formatCount's digit groups, say). */
export function countOf(n: number, singular: string, plural = `${singular}s`, shown = String(n)): string {
  return `${shown} ${nounFor(n, singular, plural)}`;
}
