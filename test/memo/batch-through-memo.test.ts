import { batchThroughMemo } from '../../src/memo/batch-through-memo';

describe('batchThroughMemo', () => {
  it('answers known items from the memo, computes the rest in one call in order, and offers each to keep', () => {
    const memo = new Map([['b', 20]]);
    const calls: string[][] = [];
    const kept: Array<[string, number]> = [];
    const out = batchThroughMemo(
      ['a', 'b', 'c', 'a'],
      (item) => memo.get(item),
      (missing) => (calls.push([...missing]), missing.map((item) => item.charCodeAt(0))),
      (item, value) => kept.push([item, value]),
    );
    expect([...out]).toEqual([97, 20, 99, 97]);
    expect(calls).toEqual([['a', 'c', 'a']]);
    expect(kept).toEqual([['a', 97], ['c', 99], ['a', 97]]);
  });

  it('makes no call when every item is known', () => {
    const out = batchThroughMemo([1, 2], (item) => item * 10, () => {
      throw new Error('not called');
    }, () => undefined);
    expect([...out]).toEqual([10, 20]);
  });
});
