// Whether a policy, balancer or preemption-policy name refers to a module file (a plug-in) rather
// than a built-in: every registry asks the same question the same way.

/** A name that refers to a module file: starts with ./, ../ or /, or ends in .mjs, .js, .ts (.mts, .cts, .cjs). */
export function isModuleName(name: string): boolean {
  return /^(\.{1,2}[\\/]|\/)/.test(name) || /^[A-Za-z]:[\\/]/.test(name) || /\.(m|c)?(js|ts)$/.test(name);
}

/**
 * Why a module file named where only built-ins are known (runScenario, simulate, resolvePolicies
 * without the plug-ins loaded) is not found: it is a plug-in that nothing loaded, not a misspelt name.
 */
export function unloadedModuleMessage(name: string, kind: 'queue policy' | 'placement policy' | 'preemption policy' | 'load balancer'): string {
  return `'${name}' is a module file (a plug-in ${kind}), which runScenario and simulate do not load: call runScenarioWithPolicies(resolved, { scenarioDir }), which loads it (as poolsim run does)`;
}
