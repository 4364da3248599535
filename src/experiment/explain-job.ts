// `poolsim explain`'s pipeline: the listed job placed by the scenario's own placement policy (built-in
// or plug-in, resolved as a run resolves it) alone on the empty pool at its submission, through the
// run's placer, hints and checks (Simulation.placeAlone), then its step broken down on that placement
// (model/explain.ts). A job that starts on an idle pool in a run gets the same step (jobs.csv).
import type { ResolvedScenario } from '../model/load-scenario.js';
import { explainJob, linksDownOf, listedJobOf, type Explanation, type PlacedAlone } from '../model/explain.js';
import { resolvePolicies, type ResolvedPolicies } from '../policy/registry.js';
import { InputError } from '../scenario/errors.js';
import { Simulation } from '../sim/simulation.js';

/**
 * Explain listed job `name` where `policies` (the scenario's by default; plug-ins loaded by the
 * caller: policy/plugin.ts loadPolicies) place it alone on the empty pool. Refuses (InputError) a job
 * the run would reject or the policy leaves waiting on the empty pool; a policy's bug (a throw, an
 * invalid placement) is a PolicyError, as in a run.
 */
export function explainListedJob(resolved: ResolvedScenario, name: string, opts: { readonly policies?: ResolvedPolicies; readonly linksDown?: readonly string[] } = {}): Explanation {
  const linksDown = linksDownOf(resolved, opts.linksDown ?? []);
  const job = listedJobOf(resolved, name);
  // No model, nothing to place: model/explain.ts says why.
  if (!(job.params > 0)) return explainJob(resolved, name, opts);
  const policies = opts.policies ?? resolvePolicies(resolved.scenario.policy, resolved.scenario.placement, { src: resolved.src, pool: resolved.shape });
  const placed = new Simulation(resolved, { policies }).placeAlone(job, linksDown);
  if ('refused' in placed) {
    throw new InputError([{ file: resolved.file, line: 0, column: 0, path: '', message: `job '${name}' cannot be explained: ${placed.refused}` }]);
  }
  const policy = policies.placementName;
  const plugin = policies.placementOrigin !== undefined;
  const note = placed.drewAtRandom
    ? `${policy} draws at random (its seeded stream): this is its first draw, where a run places the first job it places; in a run where it placed other jobs before this one, it may put this one elsewhere, and the step differ`
    : plugin && policies.placer.requestOnly !== true
      ? `${policy} is a plug-in that does not promise to answer from the request and the free pool alone (requestOnly): this is its first answer, on a fresh instance; in a run where it placed other jobs before this one, it may put this one elsewhere`
      : undefined;
  const alone: PlacedAlone = { placement: placed.placement, policy, ...(note !== undefined ? { note } : {}) };
  return explainJob(resolved, name, { ...opts, placed: alone });
}
