// The --policy and --placement options: a built-in name, a module file (relative to the working
// directory), or a YAML flow mapping `{name: priority, params: {preemptive: true}}`. A name given
// without `params` is `bare`: the scenario's own policy named so keeps its parameters (own-params.ts).
import { parse } from 'yaml';
import type { LoadPoliciesOptions, PolicyOverride } from '../policy/plugin.js';
import { InputError, SourceMap, zodIssues } from '../scenario/errors.js';
import { policyRefSchema } from '../scenario/schema.js';

export function parsePolicyOption(text: string, option: string, cwd: string): PolicyOverride {
  const src = new SourceMap(option, undefined, undefined);
  let data: unknown = text;
  if (text.trimStart().startsWith('{')) {
    try {
      data = parse(text);
    } catch (e) {
      throw new InputError([{ file: option, line: 0, column: 0, path: '', message: `not a YAML mapping: ${(e as Error).message.split('\n')[0]}` }]);
    }
  }
  const r = policyRefSchema.safeParse(data);
  if (!r.success) throw new InputError(zodIssues(r.error.issues, src, policyRefSchema, data, []));
  const bare = typeof data === 'string' || (data !== null && typeof data === 'object' && !('params' in data));
  return { ref: r.data, baseDir: cwd, src, bare };
}

export function policyOverrides(args: { policy?: string | undefined; placement?: string | undefined }, cwd: string): LoadPoliciesOptions {
  return {
    ...(args.policy !== undefined ? { policy: parsePolicyOption(args.policy, '--policy', cwd) } : {}),
    ...(args.placement !== undefined ? { placement: parsePolicyOption(args.placement, '--placement', cwd) } : {}),
  };
}
