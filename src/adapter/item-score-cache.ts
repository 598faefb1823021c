import { batchThroughMemo } from '../memo/batch-through-memo';
import { SecondSight } from '../memo/second-sight';
import { TwoGenerations } from '../memo/two-generations';

/**
 * Remembers the score of each text item (a header value, a cookie, an argument) a text model has
 * scored, so a value seen again -- the same User-Agent, Accept or Accept-Language on request after
 * request, a session's cookies -- is not scored again. A model's score of one text never changes
 * while the model is loaded, so the answer is the same float; a reload builds a new adapter, and so a
 * new cache.
 *
 * Bounded: two generations of at most `capacity` entries each (src/memo/two-generations.ts), so
 * values in steady use stay, and a flood of new values (an attacker's, or a crawler's) only costs
 * the scoring it would have cost anyway. Texts longer than
 * `maxTextLength` UTF-16 units are not kept, and a text is kept the second time it is scored
 * (src/memo/second-sight.ts): a value that never comes again (a counter, a nonce) is not kept alive.
 */
export class ItemScoreCache {
  private readonly known: TwoGenerations<number>;
  private readonly doorkeeper = new SecondSight();

  constructor(
    capacity = 4096,
    private readonly maxTextLength = 1024,
  ) {
    this.known = new TwoGenerations(capacity);
  }

  /**
   * Scores of `texts`, in order, from the cache where known; the others through `score` in one call
   * (so a batch stays a batch), then kept if it is the second time they are scored.
   */
  scores(texts: readonly string[], score: (missing: readonly string[]) => ArrayLike<number>): Float64Array {
    return batchThroughMemo(texts, (text) => this.known.get(text), score, (text, value) => {
      if (text.length <= this.maxTextLength && this.doorkeeper.seenBefore(text)) this.known.set(text, value);
    });
  }
}
