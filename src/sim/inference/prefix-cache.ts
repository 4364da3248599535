// A replica's prefix cache (vLLM's automatic prefix caching, SGLang's RadixAttention, at the
// granularity of whole shared prefixes): the KV of prefixes its requests carried stays in the KV
// memory that running requests do not reserve, so a later request with the same prefix skips that
// part of its prefill. Entries in use by a request are pinned; the others are evicted least
// recently used first when a request needs their room (vLLM frees blocks to the tail of its free
// queue when their last user finishes and reuses from the head).
//
// Memory: the replica's own reservations plus every cached entry stay within its KV capacity; the
// replica calls `evictFor` after each admission, which only removes unpinned entries.
//
// One record per prefix the replica caches or expects, found by id in a Map; the cached ones are
// also on an intrusive doubly linked list in recency order, so a touch is O(1) and allocates nothing.

export interface PrefixEntry {
  readonly id: number;
  /** Tokens of KV it holds (when cached). */
  tokens: number;
  /** Requests using it now (admitted, not finished). */
  refs: number;
  /** Requests carrying it routed to this replica and not yet prefilled. */
  expected: number;
  cached: boolean;
  /** Neighbours on the recency list (least recent first), when cached. */
  prev: PrefixEntry | undefined;
  next: PrefixEntry | undefined;
}

export class PrefixCache {
  private readonly byId = new Map<number, PrefixEntry>();
  /** Least and most recently used cached entries. */
  private head: PrefixEntry | undefined = undefined;
  private tail: PrefixEntry | undefined = undefined;
  /** Tokens of KV held by all cached entries, and by pinned ones. */
  cachedTokens = 0;
  pinnedTokens = 0;
  /** Entries evicted so far. */
  evictions = 0;

  /** The cached entry of a prefix, if any. */
  get(id: number): PrefixEntry | undefined {
    const e = this.byId.get(id);
    return e !== undefined && e.cached ? e : undefined;
  }

  /**
   * The cached entry a request whose prefix is `tokens` long can use: one of at most that many
   * tokens (a shared prefix's entry always is; a session's holds the turns this replica served,
   * which a later turn's prompt begins with).
   */
  usable(id: number, tokens: number): PrefixEntry | undefined {
    const e = this.get(id);
    return e !== undefined && e.tokens <= tokens ? e : undefined;
  }

  /** A session's entry, pinned by the caller, grows to `tokens` (the caller moves them from its reservation). */
  grow(e: PrefixEntry, tokens: number): void {
    const delta = tokens - e.tokens;
    e.tokens = tokens;
    this.cachedTokens += delta;
    if (e.refs > 0) this.pinnedTokens += delta;
  }

  /** Whether the prefix is cached here, or will be once a request routed here is prefilled. */
  holds(id: number): boolean {
    return this.byId.has(id);
  }

  /** A request carrying `id` is routed here (counted until `arrived`). */
  expect(id: number): void {
    let e = this.byId.get(id);
    if (e === undefined) {
      e = { id, tokens: 0, refs: 0, expected: 0, cached: false, prev: undefined, next: undefined };
      this.byId.set(id, e);
    }
    e.expected++;
  }

  /** A request carrying `id`, routed here, has been prefilled. */
  arrived(id: number): void {
    const e = this.byId.get(id)!;
    if (--e.expected === 0 && !e.cached) this.byId.delete(id);
  }

  /** A request starts using the entry: it cannot be evicted until released. */
  pin(e: PrefixEntry): void {
    if (e.refs++ === 0) this.pinnedTokens += e.tokens;
    this.touch(e);
  }

  /** A request using the entry is done; the entry becomes the most recently used. */
  release(e: PrefixEntry): void {
    if (--e.refs === 0) this.pinnedTokens -= e.tokens;
    this.touch(e);
  }

  /** Caches a prefix, pinned by the request whose KV it is (the caller moves the tokens from that request's reservation). */
  insert(id: number, tokens: number): PrefixEntry {
    let e = this.byId.get(id);
    if (e === undefined) {
      e = { id, tokens, refs: 0, expected: 0, cached: false, prev: undefined, next: undefined };
      this.byId.set(id, e);
    }
    e.tokens = tokens;
    e.refs = 1;
    e.cached = true;
    this.cachedTokens += tokens;
    this.pinnedTokens += tokens;
    this.append(e);
    return e;
  }

  /** Evicts unpinned entries, least recently used first, until `reservedTokens` + cached fits `capacityTokens`. */
  evictFor(reservedTokens: number, capacityTokens: number): void {
    let e = this.head;
    while (e !== undefined && reservedTokens + this.cachedTokens > capacityTokens) {
      const next = e.next;
      if (e.refs === 0) {
        this.unlink(e);
        e.cached = false;
        this.cachedTokens -= e.tokens;
        this.evictions++;
        if (e.expected === 0) this.byId.delete(e.id);
      }
      e = next;
    }
  }

  private touch(e: PrefixEntry): void {
    if (this.tail === e) return;
    this.unlink(e);
    this.append(e);
  }

  private append(e: PrefixEntry): void {
    e.prev = this.tail;
    e.next = undefined;
    if (this.tail !== undefined) this.tail.next = e;
    else this.head = e;
    this.tail = e;
  }

  private unlink(e: PrefixEntry): void {
    if (e.prev !== undefined) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next !== undefined) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = undefined;
    e.next = undefined;
  }
}
