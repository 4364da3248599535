// Read-only views of the simulator's live state, for plug-ins: proxies that read through to the real
// objects (so a view never goes stale, and a decision shows at once) and refuse every write.
// Why proxies rather than Object.freeze or copies: freezing would freeze the simulator's own objects
// (and cannot freeze a typed array with elements), and copying the cluster for every call costs
// O(pool) even for a policy that reads three numbers. A view costs a WeakMap lookup when an object is
// first reached and a trap per read after that. Built-in policies are trusted and get the raw objects.

/** Told of a write (`job 'a'.remainingFlop = 0`) and the job it concerns, if any; must throw. */
export type DeniedWrite = (what: string, job: string | undefined) => never;

const TYPED_ARRAY_MUTATORS: ReadonlySet<PropertyKey> = new Set(['set', 'fill', 'sort', 'reverse', 'copyWithin']);
const MAP_MUTATORS: ReadonlySet<PropertyKey> = new Set(['set', 'delete', 'clear']);
const SET_MUTATORS: ReadonlySet<PropertyKey> = new Set(['add', 'delete', 'clear']);
/** Typed-array methods whose callback gets the array as its third argument (reduce: fourth). */
const CALLBACK_METHODS: ReadonlySet<PropertyKey> = new Set(['every', 'some', 'forEach', 'map', 'filter', 'find', 'findIndex', 'findLast', 'findLastIndex']);
const ALL_LOCKED = 'all';

type Callback = (...args: unknown[]) => unknown;

/** One plug-in's views: the same object always gets the same view, so identity (Set, ===, includes) holds. */
export class ReadOnlyViews {
  private readonly viewOf = new WeakMap<object, object>();
  private readonly targetOf = new WeakMap<object, object>();
  /** How each viewed object was first reached (its parent and key, or a root label): for messages only. */
  private readonly reachedFrom = new WeakMap<object, readonly [object | undefined, PropertyKey]>();
  /** Properties a proxy must return as they are (non-writable, non-configurable: the Proxy invariants). */
  private readonly locked = new WeakMap<object, ReadonlySet<PropertyKey> | typeof ALL_LOCKED>();
  private readonly plain: ProxyHandler<object>;
  private readonly plainLocked: ProxyHandler<object>;
  private readonly typed: ProxyHandler<object>;
  private readonly collection: ProxyHandler<object>;

  /** Read-only methods (read-only-methods.ts) bound to their real objects, by object. */
  private readonly bound = new WeakMap<object, Map<unknown, Callback>>();

  /** `readOnlyMethods`: methods known to write nothing, which run on the real object (faster; same answers). */
  constructor(
    private readonly denied: DeniedWrite,
    private readonly readOnlyMethods: ReadonlySet<unknown> = new Set(),
  ) {
    const refuse = {
      set: (t: object, p: PropertyKey, value: unknown) => this.deny(t, `${keyText(p)} = ${valueText(value)}`),
      defineProperty: (t: object, p: PropertyKey) => this.deny(t, `${keyText(p)} (Object.defineProperty)`),
      deleteProperty: (t: object, p: PropertyKey) => this.deny(t, keyText(p), 'delete '),
      setPrototypeOf: (t: object) => this.deny(t, ' (Object.setPrototypeOf)'),
      preventExtensions: (t: object) => this.deny(t, ' (Object.freeze / preventExtensions)'),
      getOwnPropertyDescriptor: (t: object, p: PropertyKey) => {
        const d = Reflect.getOwnPropertyDescriptor(t, p);
        if (d && 'value' in d && isObject(d.value) && (d.writable || d.configurable)) d.value = this.wrap(d.value, t, p);
        return d;
      },
    };
    this.plain = {
      ...refuse,
      get: (t, p) => {
        const v: unknown = (t as Record<PropertyKey, unknown>)[p];
        if (typeof v === 'function') return this.readOnlyMethods.has(v) ? this.boundMethod(t, v as Callback) : v;
        return isObject(v) && !isFixed(t, p) ? this.wrap(v, t, p) : v;
      },
    };
    this.plainLocked = {
      ...refuse,
      get: (t, p) => {
        const v: unknown = (t as Record<PropertyKey, unknown>)[p];
        if (!isObject(v)) return v;
        const locked = this.locked.get(t);
        return locked === ALL_LOCKED || locked?.has(p) ? v : this.wrap(v, t, p);
      },
    };
    this.typed = {
      ...refuse,
      get: (t, p) => {
        const v: unknown = (t as Record<PropertyKey, unknown>)[p];
        if (typeof v === 'number') return v;
        if (typeof v === 'function') return this.typedMethod(t, p, v as Callback);
        return isObject(v) ? this.wrap(v, t, p) : v;
      },
    };
    this.collection = {
      ...refuse,
      get: (t, p) => {
        const v: unknown = Reflect.get(t, p, t);
        if (typeof v === 'function') return this.collectionMethod(t as Map<unknown, unknown> | Set<unknown>, p, v as Callback);
        return isObject(v) ? this.wrap(v, t, p) : v;
      },
    };
  }

  /** A read-only view of `x` (x itself when it is not an object); `label` names it in messages (`ctx.cluster`). */
  view<T>(x: T, label: string): T {
    return isObject(x) ? (this.wrap(x, undefined, label) as T) : x;
  }

  /** The object behind a view, or undefined when `x` is not one of these views. */
  unwrap<T extends object>(x: unknown): T | undefined {
    return isObject(x) ? (this.targetOf.get(x) as T | undefined) : undefined;
  }

  private wrap(target: object, parent: object | undefined, key: PropertyKey): object {
    const existing = this.viewOf.get(target);
    if (existing) return existing;
    if (this.targetOf.has(target)) return target;
    let handler: ProxyHandler<object>;
    if (ArrayBuffer.isView(target) && !(target instanceof DataView)) handler = this.typed;
    else if (target instanceof Map || target instanceof Set) handler = this.collection;
    else {
      const locked = lockedKeys(target);
      if (locked) this.locked.set(target, locked);
      handler = locked ? this.plainLocked : this.plain;
    }
    const view = new Proxy(target, handler);
    this.viewOf.set(target, view);
    this.targetOf.set(view, target);
    this.reachedFrom.set(target, [parent, key]);
    return view;
  }

  private boundMethod(t: object, fn: Callback): Callback {
    let methods = this.bound.get(t);
    if (!methods) {
      methods = new Map();
      this.bound.set(t, methods);
    }
    let m = methods.get(fn);
    if (!m) {
      m = (...args: unknown[]): unknown => {
        const r = fn.apply(t, args);
        return isObject(r) ? this.wrap(r, t, `${fn.name}()`) : r;
      };
      methods.set(fn, m);
    }
    return m;
  }

  private typedMethod(t: object, p: PropertyKey, fn: Callback): Callback {
    if (TYPED_ARRAY_MUTATORS.has(p)) return () => this.deny(t, `.${String(p)}()`);
    const view = this.viewOf.get(t)!;
    if (p === 'subarray') return (...args) => this.wrap(fn.apply(t, args) as object, t, 'subarray()');
    // Called on the real array (its methods refuse a proxy as `this`), with callbacks that see the view.
    if (CALLBACK_METHODS.has(p)) return (cb, thisArg) => fn.call(t, typeof cb === 'function' ? (x: unknown, i: unknown) => (cb as Callback).call(thisArg, x, i, view) : cb, thisArg);
    if (p === 'reduce' || p === 'reduceRight') {
      return (cb, ...init) => fn.call(t, typeof cb === 'function' ? (acc: unknown, x: unknown, i: unknown) => (cb as Callback)(acc, x, i, view) : cb, ...init);
    }
    return fn.bind(t);
  }

  private collectionMethod(t: Map<unknown, unknown> | Set<unknown>, p: PropertyKey, fn: Callback): Callback {
    const isMap = t instanceof Map;
    if ((isMap ? MAP_MUTATORS : SET_MUTATORS).has(p)) return () => this.deny(t, `.${String(p)}()`);
    const view = this.viewOf.get(t)!;
    const out = (x: unknown, key: PropertyKey): unknown => (isObject(x) ? this.wrap(x, t, key) : x);
    // Keys given back by the plug-in may be views of the simulator's objects.
    const key = (k: unknown): unknown => this.unwrap(k) ?? k;
    switch (p) {
      case 'get':
        return (k) => out((t as Map<unknown, unknown>).get(key(k)), 'get()');
      case 'has':
        return (k) => t.has(key(k));
      case 'forEach':
        return (cb, thisArg) => t.forEach((v, k) => (cb as Callback).call(thisArg, out(v, 'forEach()'), out(k, 'forEach()'), view));
      case 'entries':
        return () => mapIterator(fn.call(t) as Iterator<[unknown, unknown]>, ([k, v]) => [out(k, 'entries()'), out(v, 'entries()')]);
      case 'keys':
      case 'values':
        return () => mapIterator(fn.call(t) as Iterator<unknown>, (x) => out(x, `${p}()`));
      case Symbol.iterator:
        return isMap
          ? () => mapIterator(fn.call(t) as Iterator<[unknown, unknown]>, ([k, v]) => [out(k, 'entries()'), out(v, 'entries()')])
          : () => mapIterator(fn.call(t) as Iterator<unknown>, (x) => out(x, 'values()'));
      default:
        return fn.bind(t);
    }
  }

  /** Refuse a write: `prefix`, the way the plug-in reached `target`, then `change` (`.devices = 1`). */
  private deny(target: object, change: string, prefix = ''): never {
    const { path, job } = this.describe(target);
    return this.denied(`${prefix}${path}${change}`, job);
  }

  /** `job 'a'.placement.nodes`, `ctx.cluster.nodeFree`: the way the plug-in reached `target`. */
  private describe(target: object): { path: string; job: string | undefined } {
    const keys: string[] = [];
    let at: object | undefined = target;
    for (let depth = 0; at && depth < 64; depth++) {
      const job = jobName(at);
      if (job !== undefined) return { path: `job '${job}'${keys.join('')}`, job };
      const from = this.reachedFrom.get(at);
      if (!from) break;
      const [parent, key] = from;
      if (parent === undefined) return { path: `${String(key)}${keys.join('')}`, job: undefined };
      keys.unshift(keyText(key));
      at = parent;
    }
    return { path: `(a view)${keys.join('')}`, job: undefined };
  }
}

function isObject(x: unknown): x is object {
  return typeof x === 'object' && x !== null;
}

/** `.name`, or `[3]` for an index or a symbol. */
function keyText(p: PropertyKey): string {
  return typeof p === 'string' && !/^\d+$/.test(p) ? `.${p}` : `[${String(p)}]`;
}

/** A simulator job (has a name, a state and remaining work): messages name it. */
function jobName(x: object): string | undefined {
  const j = x as { name?: unknown; state?: unknown; remainingFlop?: unknown };
  return 'remainingFlop' in j && 'state' in j && typeof j.name === 'string' ? j.name : undefined;
}

/**
 * Own properties that are neither writable nor configurable: a proxy must return them unchanged.
 * Only sealed or frozen objects are scanned (the device catalogue): scanning every job's fifty
 * fields cost a tenth of a plug-in run, and the simulator's other objects define no such property.
 */
function lockedKeys(target: object): ReadonlySet<PropertyKey> | typeof ALL_LOCKED | undefined {
  if (Object.isExtensible(target)) return undefined;
  if (Array.isArray(target)) return Object.isFrozen(target) ? ALL_LOCKED : undefined;
  let locked: Set<PropertyKey> | undefined;
  for (const key of Reflect.ownKeys(target)) {
    const d = Reflect.getOwnPropertyDescriptor(target, key)!;
    if (!d.configurable && 'value' in d && !d.writable) (locked ??= new Set()).add(key);
  }
  return locked;
}

function mapIterator<T>(it: Iterator<T>, f: (x: T) => unknown): IterableIterator<unknown> {
  return {
    next() {
      const r = it.next();
      return r.done ? r : { done: false, value: f(r.value) };
    },
    [Symbol.iterator]() {
      return this;
    },
  };
}

function valueText(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === null || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? `an array of ${v.length}` : 'an object';
}

/**
 * An own data property that is neither writable nor configurable (Object.freeze, or defineProperty
 * with the defaults): a proxy must return its very value (a JavaScript invariant), so it cannot be
 * wrapped. Whoever fixes a property so also freezes what it holds (as the tenant admission's views do).
 */
function isFixed(t: object, p: PropertyKey): boolean {
  const d = Reflect.getOwnPropertyDescriptor(t, p);
  return d !== undefined && 'value' in d && !d.writable && !d.configurable;
}
