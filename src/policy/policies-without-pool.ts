// The scenario's own queue and placement policies checked by name and parameters alone, without
// the pool: what can still be said of a file refused before its policies were loaded (an unknown
// policy, a misspelt parameter), so that `validate` lists those problems with the file's others.
// Checks that need the pool (checkPool) and plug-in modules wait until the scenario itself is valid.
import { InputError, type InputIssue, type SourceMap } from '../scenario/errors.js';
import { policyRefSchema, type PolicyRef } from '../scenario/schema.js';
import { isModuleName } from './module-name.js';
import { resolvePolicies } from './registry.js';


/** Problems of `policy:` and `placement:` as written in the parsed YAML `data`; none for a field whose shape is wrong (the schema says that) or that names a module. */
export function policyIssuesWithoutPool(data: unknown, src: SourceMap): InputIssue[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  const refs: { policy: PolicyRef; placement: PolicyRef } = { policy: { name: 'fifo', params: {} }, placement: { name: 'first-fit', params: {} } };
  const checked: string[] = [];
  for (const key of ['policy', 'placement'] as const) {
    const raw = (data as Record<string, unknown>)[key];
    if (raw === undefined) continue;
    const parsed = policyRefSchema.safeParse(raw);
    if (!parsed.success || isModuleName(parsed.data.name)) continue;
    refs[key] = parsed.data;
    checked.push(key);
  }
  if (checked.length === 0) return [];
  try {
    resolvePolicies(refs.policy, refs.placement, { src });
    return [];
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return e.issues.filter((i) => checked.some((k) => i.path === k || i.path.startsWith(`${k}.`)));
  }
}
