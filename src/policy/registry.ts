// One table per kind of decision: adding a policy is one file plus one row here. Parameters are
// validated by each policy's own schema, with errors located in the scenario file.
import { firstFit } from './first-fit.js';
import { fifo } from './fifo.js';
import type { PlacementPolicy, Placer, QueueDiscipline, QueuePolicy } from './types.js';
import type { PolicyRef } from '../scenario/schema.js';
import { InputError, zodIssues, type InputIssue, type PathKey, SourceMap } from '../scenario/errors.js';
import { suggestName } from '../scenario/did-you-mean.js';

export const QUEUE_POLICIES: ReadonlyMap<string, QueuePolicy<never>> = new Map<string, QueuePolicy<never>>([[fifo.name, fifo as QueuePolicy<never>]]);

export const PLACEMENT_POLICIES: ReadonlyMap<string, PlacementPolicy<never>> = new Map<string, PlacementPolicy<never>>([
  [firstFit.name, firstFit as PlacementPolicy<never>],
]);

export interface ResolvedPolicies {
  queue: QueueDiscipline;
  placer: Placer;
  queueName: string;
  placementName: string;
}

/** Instantiate the named policies with validated parameters. Throws InputError naming the field. */
export function resolvePolicies(
  queueRef: PolicyRef,
  placementRef: PolicyRef,
  options: { src?: SourceMap; extraQueue?: ReadonlyMap<string, QueuePolicy<never>>; extraPlacement?: ReadonlyMap<string, PlacementPolicy<never>> } = {},
): ResolvedPolicies {
  const src = options.src ?? new SourceMap('<scenario>', undefined, undefined);
  const issues: InputIssue[] = [];
  const queueDefs = new Map([...QUEUE_POLICIES, ...(options.extraQueue ?? [])]);
  const placementDefs = new Map([...PLACEMENT_POLICIES, ...(options.extraPlacement ?? [])]);
  const queue = instantiate(queueDefs, queueRef, ['policy'], src, issues);
  const placer = instantiate(placementDefs, placementRef, ['placement'], src, issues);
  if (issues.length > 0 || !queue || !placer) throw new InputError(issues);
  return { queue, placer, queueName: queueRef.name, placementName: placementRef.name };
}

function instantiate<T>(
  defs: ReadonlyMap<string, { name: string; params: import('zod').ZodType<unknown>; create(p: never): T }>,
  ref: PolicyRef,
  path: PathKey[],
  src: SourceMap,
  issues: InputIssue[],
): T | undefined {
  const def = defs.get(ref.name);
  if (!def) {
    const guess = suggestName(ref.name, [...defs.keys()]);
    issues.push(src.issue(path, `unknown policy '${ref.name}'${guess ? ` (did you mean '${guess}'?)` : `; expected one of: ${[...defs.keys()].join(', ')}`}`));
    return undefined;
  }
  const parsed = def.params.safeParse(ref.params);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error.issues, src, def.params, ref.params, [...path, 'params']));
    return undefined;
  }
  return def.create(parsed.data as never);
}
