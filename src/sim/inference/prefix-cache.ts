// A replica's prefix cache (vLLM's automatic prefix caching, SGLang's RadixAttention, at the
// granularity of whole shared prefixes): the KV of prefixes its requests carried stays in the KV
// memory that running requests do not reserve, so a later request with the same prefix skips that
// part of its prefill. Entries in use by a request are pinned; the others are evicted least
// recently used first when a request needs their room (vLLM frees blocks to the tail of its free
// queue when their last user finishes and reuses from the head).
//
// Memory: the replica's own reservations plus every cached entry stay within its KV capacity; the
// replica calls `evictFor` after each admission, which only removes unpinned entries.

export interface PrefixEntry {
  readonly id: number;
  readonly tokens: number;
  /** Requests using it now (admitted, not finished). */
  refs: number;
}

export class PrefixCache {
  /** Entries in least-recently-used order (a Map keeps insertion order; touching re-inserts). */
  private readonly entries = new Map<number, PrefixEntry>();
  /** Tokens of KV held by all entries, and by pinned ones. */
  cachedTokens = 0;
  pinnedTokens = 0;
  /** Requests routed here and not yet prefilled, by prefix id: the prefix will be here soon. */
  private readonly expected = new Map<number, number>();
  /** Entries evicted so far. */
  evictions = 0;

  get(id: number): PrefixEntry | undefined {
    return this.entries.get(id);
  }

  /** Whether the prefix is cached here, or will be once a request routed here is prefilled. */
  holds(id: number): boolean {
    return this.entries.has(id) || this.expected.has(id);
  }

  /** A request carrying `id` is routed here (counted until `arrived`). */
  expect(id: number): void {
    this.expected.set(id, (this.expected.get(id) ?? 0) + 1);
  }

  /** A request carrying `id`, routed here, has been prefilled. */
  arrived(id: number): void {
    const n = this.expected.get(id)!;
    if (n <= 1) this.expected.delete(id);
    else this.expected.set(id, n - 1);
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

  /** Adds an entry, pinned by the request whose KV it is (the caller moves the tokens from that request's reservation). */
  insert(id: number, tokens: number): PrefixEntry {
    const e: PrefixEntry = { id, tokens, refs: 1 };
    this.entries.set(id, e);
    this.cachedTokens += tokens;
    this.pinnedTokens += tokens;
    return e;
  }

  /** Evicts unpinned entries, least recently used first, until `reservedTokens` + cached fits `capacityTokens`. */
  evictFor(reservedTokens: number, capacityTokens: number): void {
    if (reservedTokens + this.cachedTokens <= capacityTokens) return;
    for (const e of this.entries.values()) {
      if (e.refs > 0) continue;
      this.entries.delete(e.id);
      this.cachedTokens -= e.tokens;
      this.evictions++;
      if (reservedTokens + this.cachedTokens <= capacityTokens) return;
    }
  }

  private touch(e: PrefixEntry): void {
    this.entries.delete(e.id);
    this.entries.set(e.id, e);
  }
}
