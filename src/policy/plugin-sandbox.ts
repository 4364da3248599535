// While a plug-in's code runs, the process-wide sources of non-determinism (Math.random, the wall
// clock) and the ways out of the process (process.exit, process.abort) are swapped for functions that
// stop the run with the plug-in's name; the originals are put back after every call, so poolsim can
// run inside a larger program. Plug-ins are called synchronously: work they defer is not covered.
//
// The wall clock is refused too (Date.now, new Date(), Date(), performance.now): a decision that
// reads it changes with machine load, exactly as one that reads Math.random changes with luck, and a
// simulator's decisions have simulated time (ctx.nowS) for that. new Date(ms) stays allowed.

/** The plug-in whose call is in progress: told of a forbidden act; it throws. */
export interface SandboxOwner {
  /** `what` was done (`called Math.random()`); the message continues with `advice`. */
  forbidden(what: string, advice: string): never;
  /** Where this plug-in's seeded randomness is (`ctx.random`, `hints.random`). */
  readonly randomName: string;
}

let owner: SandboxOwner | undefined;
/** The first rule broken in the outermost call in progress: thrown when it ends, even if the plug-in caught it. */
let broken: unknown;
let breaking = false;

const CLOCK_ADVICE = 'the wall clock differs from run to run; decide on simulated time (ctx.nowS)';
const EXIT_ADVICE = 'a plug-in must not end the process; throw an Error to stop the run with a message';

function forbid(what: string, advice: string): never {
  const o = owner;
  if (!o) throw new Error(`${what} is not allowed here`);
  try {
    return o.forbidden(what, advice);
  } catch (e) {
    if (!breaking) {
      breaking = true;
      broken = e;
    }
    throw e;
  }
}

const guardedRandom = (): number => forbid('called Math.random()', `it is not seeded, so the same seed would no longer give the same run; draw from ${owner?.randomName ?? 'ctx.random'} (seeded: .next(), .int(n), .pick(items)) instead`);
const guardedDateNow = (): number => forbid('read the wall clock (Date.now())', CLOCK_ADVICE);
const guardedPerformanceNow = (): number => forbid('read the wall clock (performance.now())', CLOCK_ADVICE);
const guardedExit = (code?: unknown): never => forbid(`called process.exit(${code === undefined ? '' : String(code)})`, EXIT_ADVICE);
const guardedAbort = (): never => forbid('called process.abort()', EXIT_ADVICE);

function guardedDate(realDate: DateConstructor): DateConstructor {
  return new Proxy(realDate, {
    construct(target, args: unknown[], newTarget: (...a: unknown[]) => unknown) {
      if (args.length === 0) forbid('read the wall clock (new Date())', CLOCK_ADVICE);
      return Reflect.construct(target, args, newTarget) as object;
    },
    apply() {
      return forbid('read the wall clock (Date())', CLOCK_ADVICE);
    },
    get(target, p) {
      return p === 'now' ? guardedDateNow : (Reflect.get(target, p, target) as unknown);
    },
  });
}

interface Saved {
  random: () => number;
  Date: DateConstructor;
  dateNow: () => number;
  performanceNow: PropertyDescriptor | undefined;
  exit: typeof process.exit;
  abort: typeof process.abort;
}

function install(): Saved {
  const saved: Saved = {
    random: Math.random,
    Date: globalThis.Date,
    dateNow: Date.now,
    performanceNow: Object.getOwnPropertyDescriptor(performance, 'now'),
    exit: process.exit,
    abort: process.abort,
  };
  Math.random = guardedRandom;
  globalThis.Date = guardedDate(saved.Date);
  // Also on the real constructor, for code that kept a reference to it.
  saved.Date.now = guardedDateNow;
  Object.defineProperty(performance, 'now', { value: guardedPerformanceNow, configurable: true, writable: true });
  process.exit = guardedExit as typeof process.exit;
  process.abort = guardedAbort as typeof process.abort;
  return saved;
}

function restore(s: Saved): void {
  Math.random = s.random;
  globalThis.Date = s.Date;
  s.Date.now = s.dateNow;
  if (s.performanceNow) Object.defineProperty(performance, 'now', s.performanceNow);
  else delete (performance as { now?: unknown }).now;
  process.exit = s.exit;
  process.abort = s.abort;
}

/**
 * Run `body` (a plug-in's code) as `by`. Nested calls (a plug-in queue policy asking a plug-in
 * placement policy) switch the owner and keep the swapped globals. A rule broken anywhere inside the
 * outermost call is thrown when that call ends, even if the plug-in caught the error.
 */
export function sandboxed<T>(by: SandboxOwner, body: () => T): T {
  const outer = owner;
  owner = by;
  if (outer !== undefined) {
    try {
      return body();
    } finally {
      owner = outer;
    }
  }
  const saved = install();
  broken = undefined;
  breaking = false;
  try {
    const result = body();
    if (breaking) throw broken;
    return result;
  } catch (e) {
    throw breaking ? broken : e;
  } finally {
    restore(saved);
    owner = undefined;
    broken = undefined;
    breaking = false;
  }
}

/** The plug-in whose call is in progress (the innermost), if any. */
export function currentOwner(): SandboxOwner | undefined {
  return owner;
}

/** Remember a broken rule found outside the globals (a write into a view), so that catching it does not hide it. */
export function ruleBroken(e: unknown): void {
  if (owner !== undefined && !breaking) {
    breaking = true;
    broken = e;
  }
}

/** process.exit and process.abort refused while `body` runs (a module being imported): `onExit` says what to throw. */
export async function withoutExit<T>(onExit: (what: string) => Error, body: () => Promise<T>): Promise<T> {
  const exit = process.exit;
  const abort = process.abort;
  const refuse = (what: string): never => {
    throw onExit(what);
  };
  process.exit = ((code?: unknown) => refuse(`called process.exit(${code === undefined ? '' : String(code)})`)) as typeof process.exit;
  process.abort = (() => refuse('called process.abort()')) as typeof process.abort;
  try {
    return await body();
  } finally {
    process.exit = exit;
    process.abort = abort;
  }
}
