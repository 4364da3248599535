// Whether a policy, balancer or preemption-policy name refers to a module file (a plug-in) rather
// than a built-in: every registry asks the same question the same way.

/** A name that refers to a module file: starts with ./, ../ or /, or ends in .mjs, .js, .ts (.mts, .cts, .cjs). */
export function isModuleName(name: string): boolean {
  return /^(\.{1,2}[\\/]|\/)/.test(name) || /^[A-Za-z]:[\\/]/.test(name) || /\.(m|c)?(js|ts)$/.test(name);
}
