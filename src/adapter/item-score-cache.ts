import { SecondSight } from '../features/second-sight';

/**
 * Remembers the score of each text item (a header value, a cookie, an argument) a text model has
 * scored, so a value seen again -- the same User-Agent, Accept or Accept-Language on request after
 * request, a session's cookies -- is not scored again. A model's score of one text never changes
 * while the model is loaded, so the answer is the same float; a reload builds a new adapter, and so a
 * new cache.
 *
 * Bounded: two generations of at most `capacity` entries each. New scores go into the young one;
 * when it is full, it becomes the old one and the previous old one is dropped; a hit in the old one
 * is copied back into the young one. So values in steady use stay, and a flood of new values (an
 * attacker's, or a crawler's) only costs the scoring it would have cost anyway. Texts longer than
 * `maxTextLength` UTF-16 units are not kept, and a text is kept the second time it is scored
 * (src/features/second-sight.ts): a value that never comes again (a counter, a nonce) is not kept alive.
 */
export class ItemScoreCache {
  private young = new Map<string, number>();
  private old = new Map<string, number>();
  private readonly doorkeeper = new SecondSight();

  constructor(
    private readonly capacity = 4096,
    private readonly maxTextLength = 1024,
  ) {}

  /**
   * Scores of `texts`, in order, from the cache where known; the others through `score` in one call
   * (so a batch stays a batch), then kept if it is the second time they are scored.
   */
  scores(texts: readonly string[], score: (missing: readonly string[]) => ArrayLike<number>): Float64Array {
    const out = new Float64Array(texts.length);
    let missing: string[] | undefined;
    let where: number[] | undefined;
    for (let i = 0; i < texts.length; i++) {
      const known = this.get(texts[i]);
      if (known !== undefined) {
        out[i] = known;
        continue;
      }
      (missing ??= []).push(texts[i]);
      (where ??= []).push(i);
    }
    if (missing === undefined || where === undefined) return out;
    const fresh = score(missing);
    for (let k = 0; k < missing.length; k++) {
      out[where[k]] = fresh[k];
      if (missing[k].length <= this.maxTextLength && this.doorkeeper.seenBefore(missing[k])) this.set(missing[k], fresh[k]);
    }
    return out;
  }

  private get(text: string): number | undefined {
    const young = this.young.get(text);
    if (young !== undefined) return young;
    const old = this.old.get(text);
    if (old !== undefined) this.set(text, old);
    return old;
  }

  private set(text: string, score: number): void {
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(text, score);
  }
}
