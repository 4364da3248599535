// A memo of a pure function of plain data, keyed by the arguments' content rather than their
// identity: callers that build equal arguments apart (the loader's checks, the arrival fitter and
// the shape memo each make their own shapes and search environments) share one evaluation.

/**
 * A key that is equal for two values only when they are equal as data: numbers (-0 apart from 0),
 * strings, booleans, undefined, null, arrays and plain objects (with or without a prototype: they
 * differ), own properties in their order (an absent property and one set to undefined differ).
 * Undefined for anything else (a function, a class instance, a Map, an accessor, a symbol key, a
 * cycle or a structure deeper than MAX_DEPTH): such an argument is not memoised.
 */
export function contentKey(value: unknown): string | undefined {
  const parts: string[] = [];
  return write(value, parts, 0) ? parts.join('') : undefined;
}

const MAX_DEPTH = 8;

function write(v: unknown, out: string[], depth: number): boolean {
  switch (typeof v) {
    case 'number':
      out.push(Object.is(v, -0) ? 'n-0;' : `n${v};`);
      return true;
    case 'string':
      out.push(`s${JSON.stringify(v)};`);
      return true;
    case 'boolean':
      out.push(v ? 't;' : 'f;');
      return true;
    case 'undefined':
      out.push('u;');
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) {
    out.push('z;');
    return true;
  }
  if (depth >= MAX_DEPTH) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (Array.isArray(v)) {
    if (proto !== Array.prototype || !plainProperties(v, true)) return false;
    out.push('[');
    for (let i = 0; i < v.length; i++) if (!write(v[i], out, depth + 1)) return false;
    out.push(']');
    return true;
  }
  if ((proto !== Object.prototype && proto !== null) || !plainProperties(v, false)) return false;
  out.push(proto === null ? '{0' : '{');
  for (const k of Object.keys(v)) {
    out.push(`${JSON.stringify(k)}:`);
    if (!write((v as Record<string, unknown>)[k], out, depth + 1)) return false;
  }
  out.push('}');
  return true;
}

/** Whether every own property is an enumerable data property with a string key (an array's: every index, and its length). */
function plainProperties(o: object, array: boolean): boolean {
  if (Object.getOwnPropertySymbols(o).length > 0) return false;
  const names = Object.getOwnPropertyNames(o);
  const keys = Object.keys(o).length;
  // An array with holes is not data here: its copy would have undefined where the holes were.
  if (array && keys !== (o as unknown[]).length) return false;
  if (names.length !== keys + (array ? 1 : 0)) return false;
  for (const n of names) {
    if (array && n === 'length') continue;
    const d = Object.getOwnPropertyDescriptor(o, n)!;
    if (!('value' in d)) return false;
  }
  return true;
}

/**
 * A copy of plain data (what contentKey accepts) with the same properties in the same order, and
 * frozen where the original was; undefined when the value is not plain data. The memo hands out
 * copies so that each caller gets objects of its own, as it did from the function itself.
 */
export function copyData<T>(value: T): T | undefined {
  const c = copy(value, 0);
  return c === NOT_DATA ? undefined : (c as T);
}

const NOT_DATA = Symbol('not data');

function copy(v: unknown, depth: number): unknown {
  if (typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint' ? NOT_DATA : v;
  if (v === null) return v;
  if (depth >= MAX_DEPTH) return NOT_DATA;
  const proto = Object.getPrototypeOf(v) as unknown;
  let out: unknown[] | Record<string, unknown>;
  if (Array.isArray(v)) {
    if (proto !== Array.prototype || !plainProperties(v, true)) return NOT_DATA;
    const a: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const c = copy(v[i], depth + 1);
      if (c === NOT_DATA) return NOT_DATA;
      a.push(c);
    }
    out = a;
  } else {
    if ((proto !== Object.prototype && proto !== null) || !plainProperties(v, false)) return NOT_DATA;
    const o: Record<string, unknown> = proto === null ? (Object.create(null) as Record<string, unknown>) : {};
    for (const k of Object.keys(v)) {
      const c = copy((v as Record<string, unknown>)[k], depth + 1);
      if (c === NOT_DATA) return NOT_DATA;
      o[k] = c;
    }
    out = o;
  }
  if (Object.isFrozen(v)) Object.freeze(out);
  return out;
}

/**
 * Answers of a pure function kept by its arguments' content, each answer handed out as a copy.
 * Arguments or an answer that are not plain data are not kept (the function is asked every time).
 * Bounded: at `limit` answers it starts again (a miss only costs the function again).
 */
export class ContentMemo<A extends unknown[], R> {
  private readonly answers = new Map<string, R>();

  constructor(
    private readonly fn: (...args: A) => R,
    private readonly limit = 4096,
  ) {}

  call(...args: A): R {
    const key = contentKey(args);
    if (key === undefined) return this.fn(...args);
    const kept = this.answers.get(key);
    if (kept !== undefined) return copyData(kept)!;
    const answer = this.fn(...args);
    // Kept as a copy, so that nothing the caller does to its answer reaches the next caller's.
    const keptCopy = copyData(answer);
    if (keptCopy !== undefined) {
      if (this.answers.size >= this.limit) this.answers.clear();
      this.answers.set(key, keptCopy);
    }
    return answer;
  }
}
