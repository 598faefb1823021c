import { ItemScoreCache } from '../../src/adapter/item-score-cache';

/** A scorer that counts what it is asked to score: the text's length, plus a tenth. */
function counting(): { calls: string[][]; score: (texts: readonly string[]) => Float64Array } {
  const calls: string[][] = [];
  return { calls, score: (texts) => (calls.push([...texts]), Float64Array.from(texts, (t) => t.length + 0.1)) };
}

describe('ItemScoreCache', () => {
  it('scores only the texts it does not hold, in one call, answers in order, and keeps a text from its second time', () => {
    const cache = new ItemScoreCache();
    const { calls, score } = counting();
    expect(Array.from(cache.scores(['curl/8.0', 'en', 'x'], score))).toEqual([8.1, 2.1, 1.1]);
    expect(Array.from(cache.scores(['en', "1' or 1=1", 'curl/8.0'], score))).toEqual([2.1, 9.1, 8.1]);
    expect(Array.from(cache.scores(['x', 'en'], score))).toEqual([1.1, 2.1]);
    expect(calls).toEqual([['curl/8.0', 'en', 'x'], ['en', "1' or 1=1", 'curl/8.0'], ['x']]);
    expect(Array.from(cache.scores(['x', 'en', 'curl/8.0'], score))).toEqual([1.1, 2.1, 8.1]);
    expect(calls).toHaveLength(3);
  });

  it('keeps two generations: a value in use survives, a flood of new values pushes out the rest', () => {
    const cache = new ItemScoreCache(2);
    const { calls, score } = counting();
    const twice = (texts: string[]) => [0, 1].forEach(() => cache.scores(texts, score));
    twice(['ua', 'a']); // kept the second time: young = {ua, a}
    twice(['b']); // young full: old = {ua, a}, young = {b}
    cache.scores(['ua'], score); // hit in old, copied to young = {b, ua}
    twice(['c']); // old = {b, ua}, young = {c}
    cache.scores(['ua', 'a'], score); // ua from old; a was dropped with the first generation
    expect(calls).toEqual([['ua', 'a'], ['ua', 'a'], ['b'], ['b'], ['c'], ['c'], ['a']]);
  });

  it('does not keep texts longer than its limit', () => {
    const cache = new ItemScoreCache(16, 4);
    const { calls, score } = counting();
    for (let i = 0; i < 3; i++) cache.scores(['short', 'abc'], score);
    expect(calls).toEqual([['short', 'abc'], ['short', 'abc'], ['short']]);
  });
});
