/**
 * A bounded map for the hot path's memos (src/adapter/item-score-cache.ts,
 * src/features/row-memo.ts): two generations of at most `capacity` entries each. New entries go
 * into the young one; when it is full it becomes the old one and the previous old one is dropped; a
 * hit in the old one is copied back into the young one. So entries in steady use stay, and a flood
 * of new keys only ever holds 2 x `capacity` of them, with no per-entry bookkeeping.
 */
export class TwoGenerations<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const young = this.young.get(key);
    if (young !== undefined) return young;
    const old = this.old.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
