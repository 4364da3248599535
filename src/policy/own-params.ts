// A policy named outside the scenario (--policy, --policies, --placement, --placements) by its name
// alone is, when it is the scenario's own policy, that policy as the scenario configures it: its
// parameters carry over, so `compare --policies priority` runs what `run` runs under that label.
// Parameters written with the name (`{name: priority, params: {}}`) are used as written.
import { isAbsolute, resolve } from 'node:path';
import type { PolicyRef } from '../scenario/schema.js';
import { isModuleName } from './module-name.js';

/** True when `a` (relative to aDir) and `b` (relative to bDir) name one policy: a built-in name, or one module file. */
export function samePolicy(a: string, aDir: string, b: string, bDir: string): boolean {
  if (isModuleName(a) !== isModuleName(b)) return false;
  if (!isModuleName(a)) return a === b;
  return (isAbsolute(a) ? a : resolve(aDir, a)) === (isAbsolute(b) ? b : resolve(bDir, b));
}

/** A policy named by an option: its reference, the directory a module path in it is relative to, and whether it came without parameters. */
export interface NamedPolicy {
  ref: PolicyRef;
  baseDir: string;
  bare?: boolean;
}

/**
 * The policy an option names: `o` itself, or, when it was named without parameters and is the
 * scenario's own (`own`, relative to `ownDir`), the scenario's own reference, parameters and
 * directory included (a `victims` module among its parameters is relative to the scenario too).
 */
export function withOwnParams<T extends NamedPolicy>(o: T, own: PolicyRef, ownDir: string): T {
  return o.bare === true && samePolicy(o.ref.name, o.baseDir, own.name, ownDir) ? { ...o, ref: own, baseDir: ownDir, bare: false } : o;
}
