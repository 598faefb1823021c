import { RowScoreCache } from '../../src/adapter/row-score-cache';

/** A scorer that records what it is asked to score: the row's sum, plus a tenth. */
function counting(): { calls: number[][][]; score: (rows: readonly ArrayLike<number>[]) => Float64Array } {
  const calls: number[][][] = [];
  return {
    calls,
    score: (rows) => (calls.push(rows.map((r) => Array.from(r))), Float64Array.from(rows, (r) => Array.from(r).reduce((a, b) => a + b, 0) + 0.1)),
  };
}

describe('RowScoreCache', () => {
  it('scores only the rows it has not seen, in one call, and answers in order', () => {
    const cache = new RowScoreCache(3);
    const { calls, score } = counting();
    expect(Array.from(cache.scores([[1, 2, 3], [0, 0, 1]], score))).toEqual([6.1, 1.1]);
    expect(Array.from(cache.scores([[0, 0, 1], [5, 5, 5], Float64Array.of(1, 2, 3)], score))).toEqual([1.1, 15.1, 6.1]);
    expect(calls).toEqual([[[1, 2, 3], [0, 0, 1]], [[5, 5, 5]]]);
  });

  it('matches a row only when every value has the same bits: -0 is not 0, NaN only the same NaN', () => {
    const cache = new RowScoreCache(2);
    const { calls, score } = counting();
    cache.scores([[0, NaN]], score);
    cache.scores([[-0, NaN]], score);
    cache.scores([[0, NaN], [-0, NaN]], score);
    cache.scores([[0, 1e-300], [0, 1.0000000000000002e-300]], score);
    expect(calls.map((c) => c.length)).toEqual([1, 1, 2]);
    expect(Object.is(calls[1][0][0], -0)).toBe(true);
  });

  it('never keeps a row of another width or a row that is not numbers (the model refuses those)', () => {
    const cache = new RowScoreCache(2);
    const { calls, score } = counting();
    for (let i = 0; i < 2; i++) cache.scores([[1, 2, 3], [1]], score);
    expect(calls).toEqual([[[1, 2, 3], [1]], [[1, 2, 3], [1]]]);
    const strings: string[][] = [];
    const refuse = (rows: readonly ArrayLike<unknown>[]) => (strings.push(rows.map(String)), new Float64Array(rows.length));
    for (let i = 0; i < 2; i++) cache.scores([['1', '2'], 'ab'] as ArrayLike<unknown>[], refuse);
    expect(strings).toHaveLength(2);
  });

  it('is bounded: a new row takes its slot, so a flood of new rows leaves it the same size', () => {
    const cache = new RowScoreCache(1, 4);
    const { calls, score } = counting();
    for (let i = 0; i < 1000; i++) cache.scores([[i]], score);
    cache.scores([[0], [999]], score); // 0 was pushed out long ago; 999 is the last one kept
    expect(calls).toHaveLength(1001);
    expect(calls[1000]).toEqual([[0]]);
    expect(() => new RowScoreCache(3, 6)).toThrow(RangeError);
  });
});
